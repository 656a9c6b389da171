/**
 * Node subpath imports (package.json `imports`: `#constants`, `#routes/*`): the package.json nearest above the importing
 * file is its scope, as Node decides; an exact key wins over a `*` pattern, and of several patterns the one with the
 * longest part before `*` (Node's PATTERN_KEY_COMPARE). A target is a `./` path in the package, an array of targets,
 * or a conditions object read in its own order (`node`, `import`, `require`, `module-sync`, `default`; `types` and
 * others never name a script). Every candidate is returned in order; ModuleIndex takes the first that names a project
 * file. The scopes are read by the workspace scan, only above files that load a `#` name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileAnalysis } from './model';

/** A package.json: its folder and its `imports` field (null when it has none: its files' `#` names do not resolve). */
export interface PackageScope {
  dir: string;
  imports: Record<string, unknown> | null;
}

const CONDITIONS = new Set(['node', 'import', 'require', 'module-sync', 'default']);

/** The absolute files `spec` (`#x/y`) may name, in Node's order of preference, under the scope nearest to `from`. */
export function subpathTargets(scopes: readonly PackageScope[], spec: string, from: string): string[] {
  const scope = nearestAbove(scopes, from);
  return scope?.imports ? mapTargets(scope.dir, scope.imports, spec, CONDITIONS) : [];
}

/** The item whose folder holds `file` most closely (the deepest; the first of equal ones), or null. */
export function nearestAbove<T extends { dir: string }>(items: readonly T[], file: string): T | null {
  let best: T | null = null;
  for (const c of items) if (file.startsWith(c.dir + path.sep) && (!best || c.dir.length > best.dir.length)) best = c;
  return best;
}

/** The absolute files `spec` names through an `imports` or `exports` map of the package in `dir` (an exact key wins over
 *  the `*` pattern with the longest part before `*`); targets are read under `conditions` in their own order. */
export function mapTargets(dir: string, map: Record<string, unknown>, spec: string, conditions: ReadonlySet<string>): string[] {
  if (!spec.endsWith('/') && Object.hasOwn(map, spec) && !spec.includes('*')) return targets(dir, map[spec], null, conditions, 0);
  let best: { key: string; star: number; rest: string } | null = null;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0 || key.indexOf('*', star + 1) >= 0) continue;
    const pre = key.slice(0, star);
    const post = key.slice(star + 1);
    if (spec.length < key.length || !spec.startsWith(pre) || !spec.endsWith(post)) continue;
    if (best && (star < best.star || (star === best.star && key.length <= best.key.length))) continue;
    best = { key, star, rest: spec.slice(star, spec.length - post.length) };
  }
  return best ? targets(dir, map[best.key], best.rest, conditions, 0) : [];
}

function targets(dir: string, t: unknown, rest: string | null, conditions: ReadonlySet<string>, depth: number): string[] {
  if (depth > 8) return [];
  if (typeof t === 'string') {
    if (!t.startsWith('./')) return []; // another package, or an invalid target
    return [path.resolve(dir, rest === null ? t : t.split('*').join(rest))];
  }
  if (Array.isArray(t)) return t.flatMap((x) => targets(dir, x, rest, conditions, depth + 1));
  if (t && typeof t === 'object')
    return Object.entries(t).flatMap(([k, v]) => (conditions.has(k) ? targets(dir, v, rest, conditions, depth + 1) : []));
  return [];
}

/** The package scopes of the analysed files that load a `#` name: the package.json nearest above each, up to `root`. */
export async function readPackageScopes(root: string, analyses: Iterable<FileAnalysis>, notes: string[]): Promise<PackageScope[]> {
  const byDir = new Map<string, PackageScope | null>(); // folder → its package.json, null when it has none
  const out: PackageScope[] = [];
  const read = async (dir: string): Promise<PackageScope | null> => {
    if (byDir.has(dir)) return byDir.get(dir)!;
    let scope: PackageScope | null = null;
    const file = path.join(dir, 'package.json');
    const text = await fs.promises.readFile(file, 'utf8').catch(() => null);
    if (text !== null) {
      try {
        const json = JSON.parse(text) as { imports?: unknown };
        const imports = json.imports && typeof json.imports === 'object' && !Array.isArray(json.imports) ? json.imports : null;
        scope = { dir, imports: imports as Record<string, unknown> | null };
      } catch {
        notes.push(`${path.relative(root, file) || 'package.json'}: could not read its imports`);
        scope = { dir, imports: null };
      }
      out.push(scope);
    }
    byDir.set(dir, scope);
    return scope;
  };
  for (const fa of analyses) {
    if (!fa.loads?.some((m) => m.startsWith('pkg:#'))) continue;
    for (let dir = path.dirname(fa.file); dir === root || dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
      if (await read(dir)) break;
      if (dir === root) break;
    }
  }
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}
