/**
 * Deno import maps: the `imports` of every deno.json / deno.jsonc in the workspace (JSON with comments), and of the
 * import map file one names with `importMap` (`"importMap": "./import_map.json"`, its targets relative to that file), as
 * Deno resolves a bare specifier (the import maps standard): an exact key names its target, else the longest key ending
 * in `/` that starts the specifier maps that prefix (`"@backend/": "./backend/"` makes `@backend/route/User.ts`
 * `./backend/route/User.ts`). A target that is a package or a URL (`jsr:`, `npm:`, `https:`) is external: no project
 * file. A file uses the config nearest above it, then those further up (a workspace member inherits the root's map);
 * `scopes` are not read. Every file is read once, at most 1 MiB.
 */
import * as path from 'node:path';
import { readJsoncObject } from '../tsconfigChain';

export const DENO_CONFIG_NAMES = ['deno.json', 'deno.jsonc'];

const MAX_BYTES = 1024 * 1024;

/** One folder's import map: each key with its absolute target, or null when the target is external. */
export interface DenoImportMap {
  dir: string;
  imports: Record<string, string | null>;
}

/** The import maps of `files` (absolute deno.json / deno.jsonc paths found by the walk); deno.json wins in a folder. */
export async function readDenoImportMaps(root: string, files: readonly string[], notes: string[]): Promise<DenoImportMap[]> {
  const rel = (f: string): string => path.relative(root, f).split(path.sep).join('/');
  const byDir = new Map<string, string>();
  for (const f of [...files].sort((a, b) => DENO_CONFIG_NAMES.indexOf(path.basename(a)) - DENO_CONFIG_NAMES.indexOf(path.basename(b))))
    if (!byDir.has(path.dirname(f))) byDir.set(path.dirname(f), f);
  const out: DenoImportMap[] = [];
  for (const [dir, file] of [...byDir].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const json = await readJsoncObject(file, MAX_BYTES);
    if (typeof json !== 'object') {
      notes.push(`${rel(file)}: could not read its imports`);
      continue;
    }
    let imports = mapOf(json.imports, dir);
    // Deno reads `importMap` only when the config has no `imports` of its own
    if (json.imports === undefined && typeof json.importMap === 'string' && !/^[a-z]+:/i.test(json.importMap)) {
      const mapFile = path.resolve(dir, json.importMap);
      const map = mapFile.startsWith(root + path.sep) ? await readJsoncObject(mapFile, MAX_BYTES) : 'missing';
      if (typeof map === 'object') imports = mapOf(map.imports, path.dirname(mapFile));
      else notes.push(`${rel(file)}: could not read the import map ${JSON.stringify(json.importMap.slice(0, 200))}`);
    }
    if (Object.keys(imports).length) out.push({ dir, imports });
  }
  return out;
}

/** The project files a bare specifier may name through the maps above `from` (nearest first); [] when none maps it, or
 *  null when a map names an external package or URL for it. */
export function denoTargets(maps: readonly DenoImportMap[], spec: string, from: string): string[] | null {
  const above = maps.filter((m) => from.startsWith(m.dir + path.sep)).sort((a, b) => b.dir.length - a.dir.length);
  for (const m of above) {
    const t = mapSpecifier(m.imports, spec);
    if (t !== undefined) return t === null ? null : [t];
  }
  return [];
}

/** The import maps standard for one map: exact key, else the longest `/`-ended prefix key; undefined when none applies. */
export function mapSpecifier(imports: Readonly<Record<string, string | null>>, spec: string): string | null | undefined {
  if (Object.hasOwn(imports, spec)) return imports[spec];
  let best: string | null = null;
  for (const k of Object.keys(imports)) if (k.endsWith('/') && spec.startsWith(k) && (!best || k.length > best.length)) best = k;
  if (best === null) return undefined;
  const t = imports[best];
  return t === null || t === undefined ? null : t + spec.slice(best.length);
}

function mapOf(v: unknown, dir: string): Record<string, string | null> {
  const out = Object.create(null) as Record<string, string | null>; // keys come from the repository (`__proto__`)
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, t] of Object.entries(v as Record<string, unknown>)) {
    if (typeof t !== 'string') continue;
    const local = t.startsWith('./') || t.startsWith('../') || t.startsWith('/');
    // a key ending in `/` keeps the `/` in its target: `"@backend/": "./backend/"`
    out[k] = local ? path.resolve(dir, t) + (t.endsWith('/') ? '/' : '') : null;
  }
  return out;
}

/** JSR names of packages the analyzers know by their npm name. */
const JSR_NAMES: Record<string, string> = { '@hono/hono': 'hono' };

/** Module hosts Deno imports packages from by URL: deno.land/x modules and npm packages served by CDNs. */
const URL_HOSTS = /^https?:\/\/(?:deno\.land\/x|esm\.sh|cdn\.skypack\.dev|esm\.run|cdn\.jsdelivr\.net\/npm|unpkg\.com)\//;

/** The package a Deno specifier names, as its npm name with the subpath (`npm:hono@^4/factory`, `jsr:@hono/hono@4/factory`
 *  and `@hono/hono/factory`, the JSR name an import map gives it, are all `hono/factory`; a URL of deno.land/x or an npm
 *  CDN too: `https://deno.land/x/hono@v3.1.5/mod.ts` is `hono`, its `middleware.ts` `hono/middleware`); other specifiers as written. */
export function registryPackage(spec: string): string {
  const host = URL_HOSTS.exec(spec);
  if (host) {
    const u = /^((?:@[\w.-]+\/)?[\w.-]+)(?:@[^/?#]*)?(\/[^?#]*)?/.exec(spec.slice(host[0].length));
    if (!u) return spec;
    const sub = (u[2] ?? '').replace(/\.(?:[mc]?[jt]s|d\.ts)$/, '').replace(/\/(?:mod|index)$/, '');
    const name = JSR_NAMES[u[1]!] ?? u[1]!;
    return sub && sub !== '/' ? name + sub : name;
  }
  const m = /^(?:(npm|jsr):\/?)?((?:@[\w.-]+\/)?[\w.-]+)(?:@[^/]*)?(\/.*)?$/.exec(spec);
  if (!m || (!m[1] && !JSR_NAMES[m[2]!])) return spec;
  return (JSR_NAMES[m[2]!] ?? m[2]!) + (m[3] ?? '');
}
