/**
 * @fastify/autoload: which files under `dir` it registers as plugins, and with what folder prefix, as the plugin itself
 * decides (lib/find-plugins.js): a folder holding an index script (the first name `indexPattern` matches, `index.js` by
 * default) registers only that script (and its sub-folders), whatever `ignorePattern` says of it; `ignorePattern`
 * skips any other entry whose path below `dir` it matches, a script `autoHooksPattern` matches is a hook (no plugin),
 * `maxDepth` stops the descent, `matchFilter` / `ignoreFilter` keep or drop a script by its path (`/users/index.js`).
 * A pattern from the repository is matched with RE2 (linear time: it cannot stall the editor); one RE2 cannot read,
 * or a filter function, makes the set of files unknown: every script is kept, and the analysis notes why. A prefix of
 * `options` that is no literal (`config.apiPrefix`) is evaluated where autoload is registered, and a
 * `dirNameRoutePrefix` function makes a sub-folder's prefix unknown: never the path without it. Pure.
 */
import * as path from 'node:path';
import { jsStringLiteral, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { evalName, re2, settle } from './folderLoops';
import type { JsAnalyzer } from './javascript';
import type { FileAnalysis, Ref, Val } from './model';
import { joinPrefix } from './paths';
import { clip } from './common';
import { literalObject } from './jsValues';
import type { Ent } from './values';
import { key, valAt } from './refs';

/** A path filter of the options: a string is a substring test, a regular expression a search. */
export type PathFilter = { includes: string } | { re: string; i?: true };

export interface AutoloadFilters {
  ignorePattern?: PathFilter;
  matchFilter?: PathFilter;
  ignoreFilter?: PathFilter;
  maxDepth?: number;
  /** The index script's name (autoload tests the file name); null: not statically known, no script is the index. */
  indexPattern?: { re: string; i?: true } | null;
  /** A hook script's name; null: not statically known, every script is a plugin. */
  autoHooksPattern?: { re: string; i?: true } | null;
}

const SCRIPT = /\.(?:js|cjs|mjs|ts|cts|mts)$/i;
const INDEX = { re: '^index(?:\\.ts|\\.js|\\.cjs|\\.mjs|\\.cts|\\.mts)$', i: true } as const;
const HOOKS = { re: '^[_.]?auto_?hooks(?:\\.ts|\\.js|\\.cjs|\\.mjs|\\.cts|\\.mts)$', i: true } as const;

/** A regular expression literal, a string, or a number of the options: the filters autoload applies. */
export function autoloadFilters(A: JsAnalyzer, opts: Node, notes: string[], line: number): AutoloadFilters {
  const out: AutoloadFilters = {};
  for (const key of ['ignorePattern', 'matchFilter', 'ignoreFilter'] as const) {
    const v = unwrapExpr(A.prop(opts, key));
    if (!v) continue;
    const f = filterOf(A, v);
    if (f) out[key] = f;
    else notes.push(`line ${line}: autoload ${key} not statically known; every script of the folder is kept`);
  }
  // autoload tests these on a file name with RegExp#test: only a regular expression works
  for (const key of ['indexPattern', 'autoHooksPattern'] as const) {
    const v = unwrapExpr(A.prop(opts, key));
    if (!v) continue;
    const f = v.type === 'regex' ? filterOf(A, v) : null;
    out[key] = f && 're' in f ? f : null;
    if (!out[key]) notes.push(`line ${line}: autoload ${key} not statically known; every script of the folder is kept`);
  }
  const depth = unwrapExpr(A.prop(opts, 'maxDepth'));
  if (depth?.type === 'number' && Number.isInteger(Number(depth.text))) out.maxDepth = Number(depth.text);
  return out;
}

function filterOf(A: JsAnalyzer, v: Node): PathFilter | null {
  if (v.type === 'regex') {
    const source = v.childForFieldName('pattern')?.text ?? '';
    const flags = v.childForFieldName('flags')?.text ?? '';
    if (!re2(source, '')) return null; // longer than 256 characters or not read by RE2
    return flags.includes('i') ? { re: source, i: true } : { re: source };
  }
  const s = v.type === 'string' ? jsStringLiteral(v) : null;
  const e = s === null ? A.evalStr(v) : { s };
  return 's' in e ? { includes: e.s } : null;
}

function test(f: PathFilter, p: string): boolean {
  if ('includes' in f) return p.includes(f.includes);
  return !!re2(f.re, f.i ? 'i' : '')?.test(p);
}

/**
 * The folder prefix autoload gives `file` (`/users/admin`, '' at the top), or null when it does not register it.
 * `names(folder)`: the names of the project's files in that folder, sorted (the index is the first `indexPattern` takes).
 */
export function autoloadDir(dir: string, file: string, o: AutoloadFilters, names: (folder: string) => readonly string[]): string | null {
  const rel = path.relative(dir, file).split(path.sep);
  const name = rel.at(-1)!;
  const folders = rel.slice(0, -1);
  if (o.maxDepth !== undefined && folders.length > o.maxDepth) return null;
  if (o.ignorePattern && folders.some((_, i) => test(o.ignorePattern!, folders.slice(0, i + 1).join('/')))) return null;
  const indexPattern = o.indexPattern === undefined ? INDEX : o.indexPattern;
  const index = indexPattern && names(path.dirname(file)).find((n) => test(indexPattern, n));
  if (index !== name) {
    if (index) return null; // the index registers its siblings itself
    if (!SCRIPT.test(name) || /\.d\.[cm]?ts$/i.test(name)) return null;
    if (o.ignorePattern && test(o.ignorePattern, rel.join('/'))) return null;
    const hooks = o.autoHooksPattern === undefined ? HOOKS : o.autoHooksPattern;
    if (hooks && test(hooks, name)) return null;
  }
  const routePath = `/${rel.join('/')}`;
  if (o.matchFilter && !test(o.matchFilter, routePath)) return null;
  if (o.ignoreFilter && test(o.ignoreFilter, routePath)) return null;
  return folders.length ? `/${folders.join('/')}` : '';
}

/**
 * `options` of an autoload registration that the analysis cannot read whole, as `{ optionsUnread: text }` (else `{}`):
 * not an object literal (or a constant holding one), or one whose `prefix` a spread may set (`{ ...opts }`).
 */
export function autoloadOptionsUnread(A: JsAnalyzer, options: Node | null): { optionsUnread?: string } {
  const u = unwrapExpr(options);
  if (!u) return {};
  const o = literalObject(A, u);
  if (!o) return { optionsUnread: clip(u.text) };
  const isPrefix = (p: Node): boolean =>
    (p.type === 'pair' && (jsStringLiteral(p.childForFieldName('key')!) ?? p.childForFieldName('key')?.text) === 'prefix') ||
    (p.type === 'shorthand_property_identifier' && p.text === 'prefix');
  // a spread after the last `prefix` may set it; the last one written wins
  let known = true;
  for (const p of named(o)) {
    if (p.type === 'spread_element') known = false;
    else if (isPrefix(p)) known = true;
  }
  return known ? {} : { optionsUnread: clip(u.text) };
}

/** A mount a folder convention makes: `child` (a plugin's parameter, a router) under `parent` at `prefix`. */
export interface FolderMount {
  parent: Ent;
  child: Ent;
  prefix: string;
  /** autoload `options.prefix` when it is not a literal (`config.apiPrefix`): put before `prefix`, evaluated where the
   *  registration is; the folder part is unknown (`why`) when `dirNameRoutePrefix` is not statically known. */
  outer?: Val;
  file: string;
  line: number;
  /** A plugin wrapped in fastify-plugin, or loaded with `encapsulate: false`: prefixes do not apply. */
  fp?: boolean;
  /** The loader's `options` the analysis cannot read whole: the plugin's `opts.prefix` is unknown. */
  optionsUnread?: string;
}

/** The sorted names of the given files in each folder (what autoload's index pattern is tested on). */
export function folderNames(files: Iterable<string>): (folder: string) => readonly string[] {
  const byFolder = new Map<string, string[]>();
  for (const f of [...files].sort()) {
    const list = byFolder.get(path.dirname(f));
    if (list) list.push(path.basename(f));
    else byFolder.set(path.dirname(f), [path.basename(f)]);
  }
  return (folder) => byFolder.get(folder) ?? [];
}

/** The mounts of the autoload registrations: each default-exported plugin of a file under `dir`, at its folder's prefix. */
export function autoloadMounts(files: ReadonlyMap<string, FileAnalysis>, resolve: (file: string, ref: Ref) => Ent | null): FolderMount[] {
  const out: FolderMount[] = [];
  const names = folderNames(files.keys());
  for (const fa of files.values()) {
    for (const al of fa.autoload.flatMap((a) => (a.each ? eachAutoload(a, files.keys()) : [a]))) {
      const parent = resolve(fa.file, al.parent);
      if (!parent) continue;
      for (const f of files.values()) {
        if (f.language !== 'javascript' || !f.file.startsWith(al.dir + path.sep)) continue;
        const folder = autoloadDir(al.dir, f.file, al.filters ?? {}, names);
        const def = folder === null ? undefined : f.exports.default;
        const e = def ? resolve(f.file, def) : null;
        if (e?.t !== 'fn') continue;
        // a dirNameRoutePrefix function names sub-folders as it likes: what is known is what follows the folder
        const dirs = al.dirNames && folder ? { e: al.dirNames, why: 'folder prefix computed by autoload dirNameRoutePrefix' } : null;
        const outer = dirs ?? (al.prefix && 'e' in al.prefix ? al.prefix : undefined);
        // @fastify/autoload: the plugin's options are its `autoConfig` under the loader's `options`; their prefix is
        // followed by the module's `autoPrefix`, else its folder's; a `prefixOverride` replaces the lot
        const own = f.consts.autoPrefix || (al.flat || dirs ? '' : folder!);
        const base = al.prefix && 's' in al.prefix ? al.prefix.s : al.prefix ? '' : (f.consts['autoConfig.prefix'] ?? '');
        let prefix = dirs ? (f.consts.autoPrefix ?? '') : joinPrefix('fastify', base, own);
        if ('prefixOverride' in f.consts) prefix = f.consts.prefixOverride!;
        if (al.routeParams) prefix = routeParams(prefix);
        const child: Ent = { t: 'param', file: f.file, fn: e.id, i: 0 };
        const unread = al.optionsUnread ? { optionsUnread: al.optionsUnread } : {};
        out.push({ parent, child, prefix, ...(outer ? { outer } : {}), file: fa.file, line: al.line, fp: e.fp || al.shared, ...unread });
      }
    }
  }
  return out;
}

type Autoload = FileAnalysis['autoload'][number];

/** Sub-folders of a listed folder an autoload loop registers, at most. */
const MAX_EACH = 256;

/**
 * An autoload registered once per entry of a folder listing (./jsAutoloadLoops): one per sub-folder of the listed
 * folder (`al.dir`) holding project files that its tests keep, with `dir` and the options' prefix at that folder's name.
 * A folder a test may skip or keep (not statically known) keeps its plugins, their prefix unknown with the reason.
 */
export function eachAutoload(al: Autoload, files: Iterable<string>): Autoload[] {
  const each = al.each!;
  const subs = new Set<string>();
  for (const f of files) {
    const rel = f.startsWith(al.dir + path.sep) ? path.relative(al.dir, f).split(path.sep) : [];
    if (rel.length > 1) subs.add(rel[0]!);
  }
  const out: Autoload[] = [];
  for (const name of [...subs].sort().slice(0, MAX_EACH)) {
    const folder = path.join(al.dir, name);
    const isFolder = (p: string): boolean | null => (path.normalize(p) === folder ? true : null);
    const keep = each.filter ? evalName(settle(each.filter, name, isFolder), name, name) : true;
    const dir = keep === false ? null : evalName(each.dir, name, name);
    if (typeof dir !== 'string' || !path.isAbsolute(dir)) continue;
    const at = {
      mod: al.prefix && 'e' in al.prefix ? (al.prefix.each?.mod ?? '') : '',
      entry: { mod: '', name, stem: name },
      fns: () => null,
    };
    const why = each.unread
      ? { e: each.unread, why: 'prefix of a folder a loop test the analysis cannot read may skip' }
      : keep !== true
        ? { e: each.guards ?? '', why: 'prefix of a folder a loop test may skip (not statically known)' }
        : null;
    out.push({ ...al, dir: path.normalize(dir), prefix: why ?? valAt(al.prefix, at), each: undefined });
  }
  return out;
}

/** autoload `routeParams`: a folder `_id` is the parameter `:id` (`__` anywhere: each `__` is `:` instead). */
export function routeParams(prefix: string): string {
  return prefix.includes('__') ? prefix.replace(/__/g, ':') : prefix.replace(/\/_/g, '/:');
}

/** A registration of a plugin's instance parameter (resolve.ts Edge), as autoloadOptions reads it. */
interface LoadEdge {
  kind: string;
  prefix: Val | null;
  extra?: Val | null;
  file: string;
  line: number;
  optionsUnread?: string;
}

/**
 * `opts.prefix` of a plugin function @fastify/autoload registers (its options parameter, second; also `{ prefix }`), as
 * autoload's loadPlugin sets it: the loader's `options.prefix` followed by the plugin's `autoPrefix` or folder, as its
 * mount reads them (`prefixOverride` instead), whether or not the plugin is encapsulated. `edges`: the registrations of
 * each entity; the answer is null (not known this way) unless autoload is the only thing that registers the function,
 * unknown with the reason when the loader's options or prefix are, or when two loaders give different prefixes.
 */
export function autoloadOptions(
  edges: ReadonlyMap<string, readonly LoadEdge[]>,
  ev: (file: string, v: Val) => Val,
  rel: (file: string) => string,
): (file: string, fn: number, i: number, name: string) => Val | null {
  const asking = new Set<string>(); // a plugin whose loader's prefix is its own option (a folder loading itself)
  const one = (e: LoadEdge): Val => {
    const at = `${rel(e.file)}:${e.line}`;
    if (e.optionsUnread) return { e: e.optionsUnread, why: `plugin option whose autoload options at ${at} the analysis cannot read` };
    const v = e.prefix ? ev(e.file, e.prefix) : { s: '' };
    if ('e' in v) return { e: v.e, why: `plugin option whose autoload prefix at ${at} is a ${v.why}` };
    const s = e.extra && 's' in e.extra ? joinPrefix('fastify', v.s, e.extra.s) : v.s;
    return v.src ? { s, src: v.src } : { s };
  };
  return (file, fn, i, name) => {
    const k = key({ t: 'param', file, fn, i: 0 });
    const loads = edges.get(k) ?? [];
    if (i !== 1 || name !== 'prefix' || asking.has(k) || !loads.length || loads.some((e) => e.kind !== 'autoload')) return null;
    asking.add(k);
    try {
      const vals = loads.slice(0, MAX_LOADS).map(one);
      const first = vals[0]!;
      const other = vals.find((v) => 'e' in v || ('s' in first && v.s !== first.s));
      if (!other || 'e' in first) return first;
      if ('e' in other) return other;
      return { e: `'${first.s}', '${other.s}'`, why: 'plugin option several autoload registrations give different values' };
    } finally {
      asking.delete(k);
    }
  };
}

/** The registrations of one plugin read for its options (a file under many loaders' folders). */
const MAX_LOADS = 16;
