/**
 * Folder loaders, one model for both languages: a loop over the entries of a folder read at run time (JS
 * `fs.readdirSync(dir).filter(…).forEach((file) => app.use('/' + file.replace('.js', ''), require('./' + file)))`,
 * `glob.sync('routes/*.js')`, require-directory's `visit`; Python `for m in pkgutil.iter_modules(…)`). The analysis
 * records the folder and, as small expressions over the entry's name (NameExpr), the filter it applies, the module it
 * loads and the prefixes it computes; the resolver evaluates them once per project file of that folder, so the routers
 * get the full path they are served at, and the listing follows the files as they are added or removed. Names come
 * from the repository: expressions are evaluated with bounded sizes, a regular expression with RE2 (linear time). Pure.
 */
import * as path from 'node:path';
import { RE2JS } from 're2js';

/** An expression over a folder entry: the entry as the loop variable holds it (`pre` + file name), or its module name
 *  (`stem`: pkgutil's `name`, Path's `.stem`); strings, regular expressions, concatenations and calls of the string,
 *  path and test functions `evalName` knows. */
export type NameExpr =
  | { k: 'entry'; stem?: true }
  | { k: 's'; s: string }
  | { k: 're'; re: string; flags: string }
  | { k: 'cat'; parts: NameExpr[] }
  | { k: 'call'; fn: string; on?: NameExpr; args: NameExpr[] }
  /** A project function called with one argument: its NameExpr (`body`), or the module's export that has one. */
  | { k: 'fn'; arg: NameExpr; body?: NameExpr; mod?: string; name?: string };

/** The NameExpr of a module's exported string helper (`exports.stem = (file) => …` of `require('../utils')`), seen from
 *  the file that calls it; null when it has none. */
export type NameFns = (mod: string, name: string) => NameExpr | null;

/** A loop over the entries of a folder (JS; a Python package's modules are its `py:pkg.*` pattern instead). */
export interface FolderLoop {
  /** The folder: absolute, or relative to the project root (`process.cwd()`, a relative `readdirSync('routes')`). */
  dir: string;
  cwd?: true;
  /** What the loop variable holds before the file name (glob: the pattern's folder as written, `routes/`). */
  pre?: string;
  /** A glob package's listing of a pattern written from `./` (`./routes/*.js`): the package (`glob`, `fast-glob`; ''
   *  when not known), whose version says whether its names keep that `./` (see globKeepsDot). */
  dotted?: string;
  /** The variable holds the project root's absolute path before `pre` (a glob of `path.resolve('routes')`). */
  rooted?: true;
  /** `readdirSync(dir, { withFileTypes: true })`: the variable is a Dirent (its `name` the entry's name). */
  dirents?: true;
  /** Every file below the folder (require-directory, require-all), with these extensions; else the folder's entries. */
  recursive?: string[];
  /** Which entries the loop keeps (a `filter` callback, a glob's file pattern, guards in the body); none: all. */
  filter?: NameExpr;
  /** The module it loads per entry (`'./' + file`, `path.join(dir, file)`), from the loader's folder; none: the entry. */
  spec?: NameExpr;
  line: number;
  text: string;
}

/** What a path computed from the run directory starts with (`process.cwd()`, a relative `path.resolve(file)`). */
export const RUN_MARK = '\u0000';

/** A value the analysis cannot know (`process.env.X` in a test): evaluates to null, so a test over it is undecided. */
export const UNKNOWN: NameExpr = { k: 'call', fn: 'unknown', args: [] };

/** Whether x has a value the analysis cannot know. */
export function hasUnknown(x: NameExpr): boolean {
  switch (x.k) {
    case 'cat':
      return x.parts.some(hasUnknown);
    case 'call':
      return x.fn === 'unknown' || (!!x.on && hasUnknown(x.on)) || x.args.some(hasUnknown);
    case 'fn':
      return hasUnknown(x.arg);
    default:
      return false;
  }
}

/** A test that always holds: the empty string equals itself. */
export const TRUE: NameExpr = { k: 'call', fn: 'eq', on: { k: 's', s: '' }, args: [{ k: 's', s: '' }] };

/** Whether the path is a folder (`d.isDirectory()` of a Dirent, `fs.statSync(p).isDirectory()`): see `settle`. */
export const isDir = (p: NameExpr): NameExpr => ({ k: 'call', fn: 'isDir', args: [p] });

/** x with its folder tests decided for one entry (`dir(p)`: whether path p is a folder, null when not known). */
export function settle(x: NameExpr, name: string, dir: (p: string) => boolean | null, depth = 0): NameExpr {
  if (depth > 24) return x;
  const go = (y: NameExpr): NameExpr => settle(y, name, dir, depth + 1);
  switch (x.k) {
    case 'cat':
      return { ...x, parts: x.parts.map(go) };
    case 'fn':
      return { ...x, arg: go(x.arg) };
    case 'call': {
      if (x.fn === 'isDir') {
        const p = evalName(x.args[0]!, name, name);
        const d = typeof p === 'string' ? dir(p) : null;
        return d === null ? x : d ? TRUE : not(TRUE);
      }
      return { ...x, ...(x.on ? { on: go(x.on) } : {}), args: x.args.map(go) };
    }
    default:
      return x;
  }
}

/** Both tests (a missing first one: the second alone). */
export const and = (a: NameExpr | undefined, b: NameExpr): NameExpr => (a ? { k: 'call', fn: 'and', on: a, args: [b] } : b);

/** The opposite test. */
export const not = (x: NameExpr): NameExpr => ({ k: 'call', fn: 'not', on: x, args: [] });

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the entry matches a glob pattern (`*`, `?`; `**` a segment for any folders below, not hidden ones), after
 *  `pre` (the pattern's folder as written, its leading `./` optional since some glob versions drop it; `rooted`: after
 *  the project root's path too). */
export function globTest(pattern: string, pre = '', rooted = false): NameExpr {
  const seg = (p: string): string => escapeRe(p).replace(/\\\*/g, '[^/]*').replace(/\\\?/g, '[^/]');
  const rest = pattern
    .split('/')
    .map((p, i, all) => (p === '**' && i < all.length - 1 ? '(?:[^/.][^/]*/)*' : seg(p) + (i < all.length - 1 ? '/' : '')))
    .join('');
  const dot = !rooted && pre.startsWith('./');
  const head = dot ? `^(?:\\./)?${escapeRe(pre.slice(2))}` : `${rooted ? '/' : '^'}${escapeRe(pre)}`;
  return { k: 'call', fn: 'test', on: { k: 'entry' }, args: [{ k: 're', re: `${head}${rest}$`, flags: '' }] };
}

/** A glob pattern's folder (before its first segment with a wildcard) and the rest: one level (`*.js`, `?`), or a path
 *  below it whose folders are `**` (`** /*.js`, every file below); null for another pattern (braces, classes, a wildcard
 *  in the first segment, `**` in a name). */
export function globSplit(d: string): { dir: string; pattern: string } | null {
  const segs = d.split('/');
  let k = segs.findIndex((x) => /[*?[{]/.test(x));
  if (k < 0) k = segs.length - 1; // no wildcard: the one file the pattern names
  const rest = segs.slice(k);
  if (k < 1 || /[[{]/.test(rest.join('/'))) return null;
  if (rest.slice(0, -1).some((x) => x !== '**') || rest.at(-1)!.includes('**')) return null;
  return { dir: segs.slice(0, k).join('/'), pattern: rest.join('/') };
}

/** Whether a glob package's names keep the `./` a pattern is written with (`./routes/*.js` gives `./routes/a.js`): glob
 *  up to 8, fast-glob and globby do; glob 9 and later give `routes/a.js`. Null when the package is not one of those or
 *  the version its package.json asks for (`spec`) does not say which. */
export function globKeepsDot(pkg: string, spec: string | null): boolean | null {
  if (pkg === 'fast-glob' || pkg === 'globby') return true;
  if (pkg !== 'glob' || !spec) return null;
  const m = /^\s*(\^|~|>=|=)?\s*v?(\d+)(?:\.(?:\d+|x|\*)){0,2}(?:-[\w.]+)?\s*$/i.exec(spec);
  if (!m) return null;
  const major = Number(m[2]);
  if (m[1] === '>=') return major >= 9 ? false : null;
  return major < 9;
}

/** What the expressions may make large: entries per folder, length of a computed string. */
const MAX_ENTRIES = 256;
const MAX_LEN = 1024;
const MAX_PATTERN = 256;

type Value = string | string[] | boolean | null;

const compiled = new Map<string, RE2JS | null>();
/** `re` compiled by RE2 (`i`: case-insensitive), cached; null when longer than 256 characters or not RE2 syntax. */
export function re2(re: string, flags: string): RE2JS | null {
  const k = `${flags}/${re}`;
  let r = compiled.get(k);
  if (r === undefined) {
    try {
      r = re.length > MAX_PATTERN ? null : RE2JS.compile(re, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    } catch {
      r = null;
    }
    if (compiled.size > 256) compiled.clear();
    compiled.set(k, r);
  }
  return r;
}

/** lodash's words: lower-case runs, capitalised words, upper-case runs, digit runs. */
const words = (s: string): string[] => s.match(/[A-Z]{2,}(?=[A-Z][a-z]|[^A-Za-z]|$)|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g) ?? [];

const str = (v: Value): string | null => (typeof v === 'string' ? v : null);

/** The value of x for one entry (`name`: the variable's string, `stem`: the module name), or null when it is unknown. */
export function evalName(x: NameExpr, name: string, stem: string, fns?: NameFns, depth = 0): Value {
  if (depth > 24) return null;
  const ev = (y: NameExpr | undefined): Value => (y ? evalName(y, name, stem, fns, depth + 1) : null);
  let out: Value;
  switch (x.k) {
    case 'entry':
      return x.stem ? stem : name;
    case 's':
      return x.s;
    case 're':
      return null;
    case 'cat': {
      const parts = x.parts.map(ev);
      out = parts.every((p) => typeof p === 'string') ? parts.join('') : null;
      break;
    }
    case 'call':
      out = call(x, ev);
      break;
    case 'fn': {
      // the helper's body with its parameter the argument's value
      const v = str(ev(x.arg));
      const body = x.body ?? (x.mod && x.name && fns ? fns(x.mod, x.name) : null);
      out = v !== null && body ? evalName(body, v, v, fns, depth + 1) : null;
      break;
    }
  }
  return typeof out === 'string' && out.length > MAX_LEN ? null : out;
}

function call(x: Extract<NameExpr, { k: 'call' }>, ev: (y: NameExpr | undefined) => Value): Value {
  const on = ev(x.on);
  const s = str(on);
  const a = x.args.map((y) => (y.k === 're' ? null : ev(y)));
  const [a0, a1] = [str(a[0] ?? null), str(a[1] ?? null)];
  const re = x.args[0]?.k === 're' ? x.args[0] : null;
  switch (x.fn) {
    case 'replace':
    case 'replaceAll': {
      if (s === null || a1 === null) return null;
      if (re) {
        const r = re2(re.re, re.flags);
        if (!r) return null;
        const m = r.matcher(s);
        return x.fn === 'replaceAll' || re.flags.includes('g') ? m.replaceAll(a1) : m.replaceFirst(a1);
      }
      if (a0 === null) return null;
      return x.fn === 'replaceAll' ? s.split(a0).join(a1) : s.replace(a0, () => a1);
    }
    case 'toLowerCase':
    case 'lower':
      return s?.toLowerCase() ?? null;
    case 'toUpperCase':
    case 'upper':
      return s?.toUpperCase() ?? null;
    case 'trim':
    case 'strip':
      return s?.trim() ?? null;
    case 'split':
      return s !== null && a0 ? s.split(a0) : null;
    case 'rsplit': {
      // `f.rsplit('.', 1)`: the last separator only
      if (s === null || !a0) return null;
      const i = s.lastIndexOf(a0);
      return i < 0 ? [s] : [s.slice(0, i), s.slice(i + a0.length)];
    }
    case 'at': {
      const i = Number(a0);
      return (Array.isArray(on) || typeof on === 'string') && Number.isInteger(i) ? (on.at(i) ?? null) : null; // `name[0]` too
    }
    case 'slice': {
      const [b, e] = [a0 === '' || a0 === null ? undefined : Number(a0), a1 === '' || a1 === null ? undefined : Number(a1)];
      const ok = [b, e].every((n) => n === undefined || Number.isInteger(n));
      return ok && (s !== null || Array.isArray(on)) ? (s ?? (on as string[])).slice(b, e) : null;
    }
    case 'substr':
    case 'substring': {
      // `file.substr(0, file.indexOf('.'))`: a number is its decimal string here
      const [b, e] = [Number(a0), x.args.length > 1 ? Number(a1) : undefined];
      const ok = !!a0 && (x.args.length < 2 || !!a1) && [b, e].every((n) => n === undefined || Number.isInteger(n));
      return ok && s !== null ? s[x.fn](b, e) : null;
    }
    case 'indexOf':
    case 'lastIndexOf':
      return s !== null && a0 !== null ? String(s[x.fn](a0)) : null;
    case 'implode': // parts.join('.')
      return Array.isArray(on) && a0 !== null ? on.join(a0) : null;
    case 'toString':
      return s;
    case 'removesuffix':
      return s !== null && a0 !== null ? (a0 && s.endsWith(a0) ? s.slice(0, -a0.length) : s) : null;
    case 'removeprefix':
      return s !== null && a0 !== null ? (s.startsWith(a0) ? s.slice(a0.length) : s) : null;
    case 'basename':
      return s !== null ? path.posix.basename(s, a0 ?? undefined) : null;
    case 'extname':
      return s !== null ? path.posix.extname(s) : null;
    case 'stem': // path.parse(f).name, Path(f).stem
      return s !== null ? path.posix.parse(s).name : null;
    case 'splitext': {
      const ext = s !== null ? path.posix.extname(s) : '';
      return s !== null ? [s.slice(0, s.length - ext.length), ext] : null;
    }
    case 'join': // path.join(dir, file): its arguments, no receiver
      return a.length && a.every((p) => typeof p === 'string') ? path.join(...(a as string[])) : null;
    case 'resolve': {
      // path.resolve(file): from the last absolute argument, else from the run directory (RUN_MARK before the path)
      if (!a.length || !a.every((p) => typeof p === 'string')) return null;
      const parts = a as string[];
      let i = parts.length - 1;
      while (i >= 0 && !path.isAbsolute(parts[i]!) && !parts[i]!.startsWith(RUN_MARK)) i--;
      if (i < 0) return path.join(RUN_MARK, ...parts);
      return parts[i]!.startsWith(RUN_MARK) ? path.join(...parts.slice(i)) : path.resolve(...parts.slice(i));
    }
    case 'kebabCase':
    case 'snakeCase':
      return s !== null
        ? words(s)
            .map((w) => w.toLowerCase())
            .join(x.fn === 'kebabCase' ? '-' : '_')
        : null;
    case 'camelCase':
      return s !== null
        ? words(s)
            .map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()))
            .join('')
        : null;
    case 'eq':
    case 'ne':
      return typeof on === 'string' && a0 !== null ? (on === a0) === (x.fn === 'eq') : null;
    case 'endsWith':
    case 'startsWith':
    case 'includes':
      return s !== null && a0 !== null ? s[x.fn](a0) : null;
    case 'test': {
      const r = re && s !== null ? re2(re.re, re.flags) : null;
      return r ? r.matcher(s!).find() : null;
    }
    case 'not': // `!file`: a string is false when empty
      return typeof on === 'boolean' ? !on : s !== null ? s === '' : null;
    case 'pick': {
      // a helper's guard (./jsStrHelpers): `if (!p) return ''` before the rest of its body
      const test = typeof on === 'string' ? on !== '' : on;
      return typeof test === 'boolean' ? (a[test ? 0 : 1] ?? null) : null;
    }
    case 'and':
    case 'or': {
      // three-valued: one false operand decides `and`, one true operand `or`, whatever the others are
      const v = [on, ...a];
      const decides = x.fn !== 'and';
      if (v.some((b) => b === decides)) return decides;
      return v.every((b) => typeof b === 'boolean') ? !decides : null;
    }
    case 'urljoin':
      return a.every((p) => typeof p === 'string') ? urlJoin(a as string[]) : null;
    default:
      return null;
  }
}

/** url-join: the parts joined with single slashes (the first keeps its leading ones, the last one trailing slash); null
 *  for a URL with a protocol, a query or a hash (not a path). */
function urlJoin(parts: readonly string[]): string | null {
  if (!parts.length || /^[^/:]+:/.test(parts[0]!) || parts.some((p) => /[?#]/.test(p))) return null;
  const out: string[] = [];
  parts.forEach((p, i) => {
    if (p === '') return;
    let c = i > 0 ? p.replace(/^\/+/, '') : p;
    c = i < parts.length - 1 ? c.replace(/\/+$/, '') : c.replace(/\/+$/, '/');
    out.push(c);
  });
  return out.join('/');
}

/** JS/TS scripts a folder loader may load; require-directory's defaults are `js`, `json`, `coffee`. */
const SCRIPT = /\.(?:[cm]?[jt]sx?)$/i;
const TS = /\.([cm]?)tsx?$/i;

export interface FolderEntry {
  /** The module loaded for the entry (`file:` id). */
  mod: string;
  /** The loop variable's string (the file name as it is at run time), and the module name. */
  name: string;
  stem: string;
  /** When that string is not known for certain (`name` is then as the pattern writes it, `./routes/a.js`): the other
   *  string it may be (`routes/a.js`), and why, what a value computed from it is when the two give different ones. */
  alt?: { name: string; why: string };
}

/**
 * The entries of a folder loop of `loader` that it keeps, each with the module it loads: the analysed files of the
 * folder (and its sub-folders holding an index script, by the folder's name), or every script below it; never the
 * loader itself. TypeScript files are listed by their compiled names (`users.js`) when the filter keeps none by its own.
 */
export function folderEntries(
  loop: FolderLoop,
  loader: string,
  files: Iterable<string>,
  modFile: (mod: string) => string | null,
  fns?: NameFns,
  /** Whether the names of a glob package keep a pattern's leading `./` (globKeepsDot; null: not known). */
  keepsDot?: (pkg: string) => boolean | null,
): FolderEntry[] {
  const all = [...files];
  let dir = loop.dir;
  let pre = loop.pre ?? '';
  let root: string | null = null;
  if (loop.cwd) {
    // the project root: the nearest folder above the loader where the listed folder holds files
    const has = (d: string): boolean => all.some((f) => f.startsWith(path.join(d, loop.dir) + path.sep));
    root = path.dirname(loader);
    while (!has(root) && path.dirname(root) !== root) root = path.dirname(root);
    dir = path.join(root, loop.dir);
    if (loop.rooted) pre = `${root}/${pre}`;
  }
  let why: string | undefined;
  if (loop.dotted !== undefined && pre.startsWith('./')) {
    const keep = keepsDot?.(loop.dotted) ?? null;
    if (keep === false) pre = pre.slice(2);
    else if (keep === null)
      why = `file name whose leading \`./\` depends on the version of ${loop.dotted || 'the glob package'}, which no package.json says`;
  }
  const names = new Map<string, string>(); // entry name → file
  const folders = new Set<string>(); // the entries that are folders (`d.isDirectory()`)
  for (const f of all) {
    if (!f.startsWith(dir + path.sep) || f === loader) continue;
    const rel = path.relative(dir, f).split(path.sep);
    if (loop.recursive) {
      if (loop.recursive.includes(path.extname(f).slice(1))) names.set(rel.join('/'), f);
    } else if (rel.length === 1) names.set(rel[0]!, f);
    else if (rel.length === 2 && /^index\.[cm]?[jt]sx?$/.test(rel[1]!) && SCRIPT.test(rel[1]!)) {
      names.set(rel[0]!, f);
      folders.add(rel[0]!);
    }
  }
  // a TypeScript project run from its sources lists `users.ts`; compiled, `users.js`: the names the filter keeps
  const isFolder = (n: string) => (p: string) => (p === path.join(dir, n) ? folders.has(n) : null);
  const keeps = (n: string): boolean =>
    !loop.filter || evalName(settle(loop.filter, pre + n, isFolder(n)), pre + n, stemOf(n), fns) === true;
  const sorted = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const compiled = !sorted.some(([n]) => TS.test(n) && keeps(n));
  const out: FolderEntry[] = [];
  for (const [entry, file] of sorted) {
    if (out.length >= MAX_ENTRIES) break;
    const name = compiled ? entry.replace(TS, '.$1js') : entry;
    if (!keeps(name)) continue;
    const value = pre + name;
    const spec = loop.spec ? str(evalName(loop.spec, value, stemOf(name), fns)) : file;
    const target = spec === null ? null : specFile(spec, loader, root, modFile);
    const alt = why ? { alt: { name: value.slice(2), why } } : {};
    if (target && target !== loader) out.push({ mod: `file:${target}`, name: value, stem: stemOf(name), ...alt });
  }
  return out;
}

/** The file a loop's module name loads: relative to the loader's folder, or to the run directory (`path.resolve(file)`:
 *  the project root of a listing from there, else the nearest folder above the loader that has the file). */
function specFile(spec: string, loader: string, root: string | null, modFile: (mod: string) => string | null): string | null {
  if (!spec.startsWith(RUN_MARK)) return modFile(`file:${path.resolve(path.dirname(loader), spec)}`);
  const rest = `.${spec.slice(RUN_MARK.length)}`;
  if (root) return modFile(`file:${path.resolve(root, rest)}`);
  for (let d = path.dirname(loader), i = 0; i < 32; d = path.dirname(d), i++) {
    const f = modFile(`file:${path.resolve(d, rest)}`);
    if (f || path.dirname(d) === d) return f;
  }
  return null;
}

const stemOf = (name: string): string => path.posix.basename(name).replace(/\.[^.]*$/, '');
