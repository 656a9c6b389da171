/**
 * Monorepo packages imported by name (`import { paths } from '@acme/shared'`, `@acme/shared/routes`): every
 * package.json of the workspace with a `name` is a package its siblings may import (npm/yarn/pnpm/bun workspaces
 * link them into node_modules). The entry is read as Node would, from `exports` (conditions `types`/`source`/
 * `module` too, since the analysed files are the sources), else `main`/`module`/`types`, else `index`; an entry
 * under a build folder (`dist/index.js`) that is not in the workspace falls back to the same file under `src/`. The
 * same read collects the module-alias aliases (./moduleAliases) and the packages each manifest installs from a registry
 * (dependencies of every kind but a local `workspace:`, `file:`, `link:` or `portal:` one): an import of one of those
 * names a package, never a project module through an alias the analysis missed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aliasScope, type AliasScope } from './moduleAliases';
import { mapTargets } from './packageImports';

export interface WorkspacePackage {
  name: string;
  dir: string;
  /** `exports` as a subpath map (`"."` for a bare string/conditions), or null. */
  exports: Record<string, unknown> | null;
  /** `main`, `module`, `types` (relative), in that order. */
  entries: string[];
}

/** The packages a package.json installs from a registry, for the files under its folder. */
export interface InstalledPackages {
  dir: string;
  names: string[];
  /** The version each asks for (`"glob": "^10.2.7"`), by name. */
  specs?: Record<string, string>;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
/** A dependency that is a folder of the workspace, not a registry package. */
const LOCAL_SPEC = /^(?:workspace|file|link|portal):/;
/** Dependencies read per manifest (repository input). */
const MAX_DEPENDENCIES = 1000;

const CONDITIONS = new Set(['source', 'types', 'import', 'module', 'require', 'node', 'module-sync', 'development', 'default']);
/** Folders a package's build output goes to (`dist/x.js` is built from `src/x`). */
export const BUILD_DIRS = /^(?:dist|build|lib|out|esm|cjs)$/;

/** What the package.json files among `files` (absolute paths the walk found) declare, each read once: the named
 *  packages, and the module-alias aliases (./moduleAliases). */
export async function readManifests(
  root: string,
  files: readonly string[],
  notes: string[],
): Promise<{ packages: WorkspacePackage[]; aliasScopes: AliasScope[]; installed: InstalledPackages[] }> {
  const packages: WorkspacePackage[] = [];
  const aliasScopes: AliasScope[] = [];
  const installed: InstalledPackages[] = [];
  for (const file of [...files].sort()) {
    const text = await fs.promises.readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    try {
      const json = JSON.parse(text) as Record<string, unknown> & {
        name?: unknown;
        exports?: unknown;
        main?: unknown;
        module?: unknown;
        types?: unknown;
      };
      const aliases = aliasScope(path.dirname(file), json);
      if (aliases) aliasScopes.push(aliases);
      const specs = registryDependencies(json);
      const names = Object.keys(specs);
      if (names.length) installed.push({ dir: path.dirname(file), names, specs });
      if (typeof json.name !== 'string' || !json.name) continue;
      const ex = json.exports;
      const subpaths = ex && typeof ex === 'object' && !Array.isArray(ex) && Object.keys(ex).some((k) => k.startsWith('.'));
      const exports = ex === undefined || ex === null ? null : subpaths ? (ex as Record<string, unknown>) : { '.': ex };
      const entries = [json.main, json.module, json.types].filter((e): e is string => typeof e === 'string');
      packages.push({ name: json.name, dir: path.dirname(file), exports, entries });
    } catch {
      notes.push(`${path.relative(root, file) || 'package.json'}: could not read its name and aliases`);
    }
  }
  return { packages, aliasScopes, installed };
}

/** The registry packages a manifest depends on (at most MAX_DEPENDENCIES), each with the version it asks for (the first
 *  field's: `dependencies` before `devDependencies`). */
function registryDependencies(json: Record<string, unknown>): Record<string, string> {
  const out = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = json[field];
    if (!deps || typeof deps !== 'object' || Array.isArray(deps)) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (out.size >= MAX_DEPENDENCIES) return Object.fromEntries(out);
      if (name && typeof spec === 'string' && !LOCAL_SPEC.test(spec) && !out.has(name)) out.set(name, spec);
    }
  }
  return Object.fromEntries(out);
}

/** The version the package.json nearest above `from` that depends on registry package `name` asks for; null when none
 *  does. */
export function dependencySpec(scopes: readonly InstalledPackages[], name: string, from: string): string | null {
  let best: InstalledPackages | null = null;
  for (const s of scopes)
    if (from.startsWith(s.dir + path.sep) && s.names.includes(name) && (!best || s.dir.length > best.dir.length)) best = s;
  return best?.specs?.[name] ?? null;
}

/** Whether the bare import `spec` in `from` names a registry package a package.json above it depends on. */
export function installedPackage(scopes: readonly InstalledPackages[], spec: string, from: string): boolean {
  const segs = spec.split('/');
  const name = spec.startsWith('@') ? segs.slice(0, 2).join('/') : segs[0]!;
  return scopes.some((s) => from.startsWith(s.dir + path.sep) && s.names.includes(name));
}

/** The absolute files a bare import `spec` may name in a workspace package, in order of preference. */
export function packageTargets(pkgs: readonly WorkspacePackage[], spec: string): string[] {
  const pkg = pkgs.find((p) => spec === p.name || spec.startsWith(`${p.name}/`));
  if (!pkg) return [];
  const sub = spec === pkg.name ? '.' : `.${spec.slice(pkg.name.length)}`;
  const found = pkg.exports
    ? mapTargets(pkg.dir, pkg.exports, sub, CONDITIONS)
    : sub === '.'
      ? [...pkg.entries.map((e) => path.resolve(pkg.dir, e)), path.join(pkg.dir, 'index')]
      : [path.resolve(pkg.dir, sub)];
  const out: string[] = [];
  for (const f of found) {
    out.push(f);
    const rel = path.relative(pkg.dir, f).split(path.sep);
    if (rel.length > 1 && BUILD_DIRS.test(rel[0]!)) out.push(path.join(pkg.dir, 'src', ...rel.slice(1)).replace(/\.d\.ts$/, ''));
  }
  if (sub === '.') out.push(path.join(pkg.dir, 'src', 'index'));
  return out;
}
