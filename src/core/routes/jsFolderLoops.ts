/**
 * JS/TS folder loaders (see ./folderLoops): a `for … of` or `forEach` over a folder listing (`fs.readdirSync(dir)`,
 * `await fs.promises.readdir(dir)`, `glob.sync('routes/*.js')`, `glob.sync('./routes/** /*.js')` every file below,
 * optionally through `.filter(cb)` or a `const` holding it); require-directory / require-all: ./jsRequireDirectory. The
 * loop variable's uses become NameExprs: the module a computed `require`/`import` loads (`each:<i>`, also
 * `require(path.resolve(file))` from the run directory), and the prefixes a mount computes from it (`'/' +
 * file.replace('.js', '')`, `path.basename(file, '.js')`, `kebabCase(name)`, a `let` the body changes: ./jsLetSteps). A
 * pattern written from `./` gives names with or without it by the glob package's version (./folderLoops globKeepsDot).
 * A listing of a function's folder parameter is the folder the function is called with (`registerRouter(__dirname)`),
 * every script below it when the function calls itself for sub-folders (`if ((await stat(p)).isDirectory()) await
 * registerRouter(p)`). A filter or guard that is not a simple string test leaves the loop as it was (a computed load, the
 * full path unknown with the reason). Pure.
 */
import * as path from 'node:path';
import { lineOf, named, rootOf, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import {
  and,
  evalName,
  globSplit,
  globTest,
  hasUnknown,
  isDir,
  not,
  RUN_MARK,
  TRUE,
  UNKNOWN,
  type FolderLoop,
  type NameExpr,
} from './folderLoops';
import type { JsAnalyzer } from './javascript';
import { evalDir } from './jsRegistrations';
import { indexedLoop, indexInLoop } from './jsIndexedLoops';
import { word } from './loops';
import { helperBody } from './jsStrHelpers';
import { augmented, letValue } from './jsLetSteps';
import type { ModId, Ref, Val } from './model';

/** A loop over a folder listing: its variable, its body, and its record (null when its filter is not understood). */
interface Listing {
  name: string;
  start: number;
  end: number;
  loop: FolderLoop | null;
  /** The loop before the guards at the top of its body, and its body. */
  raw: FolderLoop | null;
  body: Node;
  /** A guard reads a value the analysis cannot know (`process.env.X`): which entries it keeps is unknown, not their names. */
  undecided?: true;
  index: number;
  /** `readdirSync(dir, { withFileTypes: true })`: the folder, whose entries the variable holds as Dirents. */
  dirents?: string;
  /** The variable, and the names bound in the body whose value uses it (transitively), as words. */
  re: RegExp;
  deps?: RegExp | null;
  walk?: Walk;
}

/** Where a name is read: the variable of a loop or a filter callback, names bound in its body. */
export interface Ctx {
  name: string;
  start: number;
  end: number;
  /** The listing is a folder walk's (walked): its folder parameter stands for the folder, each entry is a file. */
  walk?: Walk;
  /** The entries are Dirents of this folder: `d.name` is the name, `d.isDirectory()` a test of `path.join(dir, d.name)`. */
  dirents?: string;
  /** Names of the body's `let`s as a step of them reads them (./jsLetSteps): their value before the step. */
  bound?: ReadonlyMap<string, NameExpr>;
}

/** A function listing the folder its parameter `param` names, called with `dir` (`registerRouter(__dirname)`);
 *  `deep`: it calls itself for sub-folders. */
interface Walk {
  param: string;
  dir: string;
  deep: boolean;
}

/** The scripts a walk over sub-folders lists. */
const WALK_EXTS = ['js', 'cjs', 'mjs', 'ts', 'cts', 'mts'];

const STRING_FNS = new Set([
  'replace',
  'replaceAll',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'split',
  'slice',
  'substr',
  'substring',
  'indexOf',
  'lastIndexOf',
  'endsWith',
  'startsWith',
  'includes',
  'toString',
]);
const PATH_FNS = new Set(['basename', 'extname', 'join', 'resolve']);
const CASE_FNS = new Set(['kebabCase', 'camelCase', 'snakeCase']);

/** Where a name is `process.cwd()` (./folderLoops evaluates it to a marker that stands for the run directory). */
const RUN_DIR: Ctx = { name: 'process.cwd()', start: 0, end: Infinity };

/** The NameExpr of `n` over the variable of `c`, or null when it is not one the resolver can evaluate. An environment
 *  variable without a default is UNKNOWN (a test over it undecided). */
export function nameExpr(A: JsAnalyzer, n0: Node | null, c: Ctx, depth = 0): NameExpr | null {
  const n = unwrapExpr(n0);
  if (!n || depth > 12) return null;
  if (n.text === c.name) return c.dirents ? null : { k: 'entry' }; // a Dirent is no string
  const ev = (x: Node | null): NameExpr | null => nameExpr(A, x, c, depth + 1);
  const call = (fn: string, on: NameExpr | null | undefined, args: readonly (Node | null)[]): NameExpr | null => {
    const xs = args.map(ev);
    return on === null || xs.some((x) => !x) ? null : { k: 'call', fn, ...(on ? { on } : {}), args: xs as NameExpr[] };
  };
  switch (n.type) {
    case 'identifier': {
      if (c.walk?.param === n.text) return { k: 's', s: c.walk.dir };
      const b = c.bound?.get(n.text);
      if (b) return b;
      // a name the body declares, through the steps that change it before the read (`if (route.endsWith('index'))
      // route = route.slice(0, -5)`, `prefix += file`)
      const stepped = letValue(n, c.start, c.end, (x, bound) =>
        nameExpr(A, x, bound.size ? { ...c, bound: new Map([...(c.bound ?? []), ...bound]) } : c, depth + 1),
      );
      if (stepped !== undefined) return stepped;
      const d = A.soleDeclarator(n.text);
      if (d && d.startIndex >= c.start && d.endIndex <= c.end) return ev(d.childForFieldName('value'));
      return constant(A, n);
    }
    case 'string':
    case 'number':
      return constant(A, n);
    case 'regex':
      return { k: 're', re: n.childForFieldName('pattern')?.text ?? '', flags: n.childForFieldName('flags')?.text ?? '' };
    case 'template_string': {
      const parts: NameExpr[] = [];
      for (const p of named(n)) {
        const x = p.type === 'template_substitution' ? ev(named(p)[0] ?? null) : constant(A, p);
        if (!x) return null;
        parts.push(x);
      }
      return { k: 'cat', parts };
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '-' && n.childForFieldName('argument')?.type === 'number') return { k: 's', s: n.text }; // slice(0, -1)
      return op === '!' ? call('not', ev(n.childForFieldName('argument')), []) : null;
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text ?? '';
      const [l, r] = [n.childForFieldName('left'), n.childForFieldName('right')];
      if (op === '+') {
        const [a, b] = [ev(l), ev(r)];
        return a && b ? { k: 'cat', parts: [a, b] } : null;
      }
      // `process.env.PREFIX || '/'`: a string with its default when it does not read the variable
      const fixed = /^(?:\|\||\?\?)$/.test(op) && !word([c.name]).test(n.text) ? constant(A, n) : null;
      if (fixed) return fixed;
      if (op === '&&' || op === '||') return call(op === '&&' ? 'and' : 'or', ev(l), [r]);
      if (/^[!=]==?$/.test(op)) return call(op.startsWith('!') ? 'ne' : 'eq', ev(l), [r]);
      return null;
    }
    case 'subscript_expression':
      return call('at', ev(n.childForFieldName('object')), [n.childForFieldName('index')]);
    case 'member_expression': {
      // path.parse(file).name; pathToFileURL(path.join(dir, file)).href (an ES module's import)
      const o = unwrapExpr(n.childForFieldName('object'));
      const f = o?.type === 'call_expression' ? o.childForFieldName('function') : null;
      const prop = n.childForFieldName('property')?.text;
      const arg = f ? (named(o!.childForFieldName('arguments')!)[0] ?? null) : null;
      if (prop === 'name' && f && /(?:^|\.)parse$/.test(f.text)) return call('stem', ev(arg), []);
      if (prop === 'href' && f && /(?:^|\.)pathToFileURL$/.test(f.text)) return ev(arg);
      if (c.dirents && prop === 'name' && o?.text === c.name) return { k: 'entry' };
      return constant(A, n) ?? (/^process\.env\.[\w$]+$/.test(n.text) ? UNKNOWN : null);
    }
    case 'call_expression': {
      const f = n.childForFieldName('function');
      const args = named(n.childForFieldName('arguments')!);
      const m = f?.type === 'member_expression' ? (f.childForFieldName('property')?.text ?? '') : (f?.text ?? '');
      const obj = f?.type === 'member_expression' ? f.childForFieldName('object') : null;
      const pathMod = (obj?.text === 'path' || obj?.text === 'path.posix') && c.name !== 'path'; // node's `path`, unless the variable is named so
      if (obj && STRING_FNS.has(m) && !pathMod) return call(m, ev(obj), args);
      if (obj && m === 'join' && !pathMod) return call('implode', ev(obj), args); // parts.join('.')
      if (m === 'test' && obj) return call('test', ev(args[0] ?? null), [obj]);
      // `(await fs.promises.stat(filePath)).isDirectory()` in a walk: what it lists are files
      if (c.walk && obj && !args.length && (m === 'isFile' || m === 'isDirectory')) return m === 'isFile' ? TRUE : not(TRUE);
      if (obj && !args.length && (m === 'isFile' || m === 'isDirectory')) {
        // `d.isDirectory()` of a Dirent, `fs.statSync(path.join(dir, name)).isDirectory()`
        const o = unwrapExpr(obj);
        const stat = o?.type === 'call_expression' && /(?:^|\.)l?statSync$/.test(o.childForFieldName('function')?.text ?? '');
        const arg = stat ? (named(o.childForFieldName('arguments')!)[0] ?? null) : null;
        const p =
          c.dirents && o?.text === c.name
            ? { k: 'call' as const, fn: 'join', args: [{ k: 's' as const, s: c.dirents }, { k: 'entry' as const }] }
            : arg && ev(arg);
        return p && entryPath(p) ? (m === 'isDirectory' ? isDir(p) : not(isDir(p))) : null;
      }
      // url-join: the parts joined with single slashes
      if (f?.type === 'identifier' && A.pkgOf(A.refOf(f))?.pkg === 'url-join') return call('urljoin', undefined, args);
      // path.join(dir, file): no receiver; path.resolve(file): from the run directory when no argument is absolute
      if (m === 'resolve' && c === RUN_DIR && (!obj || obj.text === 'path')) {
        // path.resolve('routes', …): from the run directory (an absolute first argument is evalDir's)
        const xs = args.map(ev);
        const first = xs[0];
        if (first?.k === 's' && !path.isAbsolute(first.s) && xs.every((x) => x))
          return { k: 'call', fn: 'join', args: [{ k: 'entry' }, ...(xs as NameExpr[])] };
      }
      if (PATH_FNS.has(m) && (!obj || pathMod))
        return m === 'join' || m === 'resolve' ? call(m, undefined, args) : call(m, ev(args[0] ?? null), args.slice(1));
      if (CASE_FNS.has(m)) return call(m, ev(args[0] ?? null), []);
      return f?.type === 'identifier' && args.length === 1 ? helper(A, f, ev(args[0]!)) : null;
    }
    default:
      return null;
  }
}

/** A call of a project function with one argument (`removeExtension(file)`): one of this file whose body is a NameExpr of
 *  its parameter, or one another module exports (its `str`, found by the resolver); else null. */
export function helper(A: JsAnalyzer, f: Node, arg: NameExpr | null): NameExpr | null {
  const r = arg ? A.refOf(f) : null;
  if (r?.k === 'imp') return { k: 'fn', arg: arg!, mod: r.mod, name: r.name };
  // `const { stem } = require('../utils')`, `utils.stem(…)` of `import * as utils`
  if (r?.k === 'mem' && r.base.k === 'imp' && (r.base.name === 'cjs' || r.base.name === '*'))
    return { k: 'fn', arg: arg!, mod: r.base.mod, name: r.name };
  const body = r?.k === 'fn' ? strOf(A, A.fnNode(r.id)) : null;
  return body ? { k: 'fn', arg: arg!, body } : null;
}

/** The NameExpr a function of one parameter returns, over that parameter (also behind guards, ./jsStrHelpers); else null. */
function strOf(A: JsAnalyzer, fn: Node | undefined): NameExpr | null {
  const p = fn ? param(fn) : null;
  const c = p ? { name: p, start: fn!.startIndex, end: fn!.endIndex } : null;
  return c ? helperBody(fn!, (n) => nameExpr(A, n, c)) : null;
}

/** Records `str` of the functions the file exports that are string helpers of their parameter (see helper). */
export function stringHelpers(A: JsAnalyzer): void {
  for (const r of Object.values(A.fa.exports)) {
    if (r.k !== 'fn') continue;
    const x = strOf(A, A.fnNode(r.id));
    if (x) A.fa.functions[r.id]!.str = x;
  }
}

/** A string that does not depend on the variable (a literal, a constant, `__dirname`), as a NameExpr. */
function constant(A: JsAnalyzer, n: Node): NameExpr | null {
  if (n.type === 'number' || n.type === 'string_fragment') return { k: 's', s: n.text };
  const v = A.evalStr(n);
  if ('s' in v) return { k: 's', s: v.s };
  const d = evalDir(A, n);
  return d ? { k: 's', s: d } : null;
}

/** `path.join('/abs/folder', …, name)`: a path of the entry the resolver can tell a folder of (a bare name is the run
 *  directory's, not known). */
function entryPath(p: NameExpr): boolean {
  if (p.k !== 'call' || (p.fn !== 'join' && p.fn !== 'resolve') || p.args.at(-1)?.k !== 'entry') return false;
  const lead = p.args.slice(0, -1);
  return lead[0]?.k === 's' && path.isAbsolute(lead[0].s) && lead.every((a) => a.k === 's');
}

/** x, or null when it has a value the analysis cannot know (a loader's filter, module or prefix must be known). */
const known = (x: NameExpr | null): NameExpr | null => (x && hasUnknown(x) ? null : x);

/** A function's body expression: an arrow's expression, or a block's sole `return <expr>`. */
function returned(fn: Node): Node | null {
  const body = fn.childForFieldName('body');
  if (body?.type !== 'statement_block') return body;
  const st = named(body).filter((s) => s.type !== 'comment');
  return st.length === 1 && st[0]!.type === 'return_statement' ? (named(st[0]!)[0] ?? null) : null;
}

/** The single identifier parameter of a callback. */
function param(fn: Node): string | null {
  const ps = fn.childForFieldName('parameters');
  const p = fn.childForFieldName('parameter') ?? (ps ? (named(ps)[0] ?? null) : null);
  const id = p?.type === 'required_parameter' ? p.childForFieldName('pattern') : p;
  return id?.type === 'identifier' && (!ps || named(ps).length === 1) ? id.text : null;
}

/**
 * The folder a listing reads and what its variable holds: `readdirSync(dir)`, `readdir(dir)`, `glob.sync('routes/*.js')`,
 * through `.filter(cb)` calls and a name bound once; null when it is no listing; `loop: null` when it is one whose filter
 * is not understood.
 */
function listing(A: JsAnalyzer, seq0: Node | null, depth = 0): { loop: FolderLoop | null; walk?: Walk } | null {
  let seq = unwrapExpr(seq0);
  let awaited = seq0?.type === 'await_expression';
  if (seq?.type === 'identifier' && depth < 3) {
    const v = A.soleDeclarator(seq.text)?.childForFieldName('value') ?? null;
    awaited = v?.type === 'await_expression';
    seq = unwrapExpr(v);
  }
  if (seq?.type !== 'call_expression' || !/readdir|glob|sync/i.test(seq.text)) return null;
  const f = seq.childForFieldName('function');
  const args = named(seq.childForFieldName('arguments')!);
  const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : f?.text;
  if (m === 'filter' && f?.type === 'member_expression') {
    const inner = listing(A, f.childForFieldName('object'), depth + 1);
    if (!inner?.loop) return inner;
    const cb = unwrapExpr(args[0] ?? null);
    const name = cb && isInlineFunction(cb) ? param(cb) : null;
    const body = name ? returned(cb!) : null;
    const test = body ? nameExpr(A, body, { name: name!, start: cb!.startIndex, end: cb!.endIndex }) : null;
    return { loop: test ? { ...inner.loop, filter: and(inner.loop.filter, test) } : null };
  }
  const line = lineOf(seq);
  const text = clip(seq.text);
  if (m === 'readdirSync' || m === 'readdir') {
    const dirents = args.length === 2 && withFileTypes(A, args[1]!);
    if (args.length !== 1 && !dirents && !(args.length === 2 && /^['"]/.test(args[1]!.text))) return { loop: null };
    const d = folder(A, args[0] ?? null);
    if (dirents) return { loop: d && !d.cwd ? { ...d, dirents: true, line, text } : null };
    const w = d ? null : walked(A, args[0] ?? null);
    if (w) return { loop: { dir: w.dir, ...(w.deep ? { recursive: WALK_EXTS } : {}), line, text }, walk: w };
    return { loop: d ? { ...d, line, text } : null };
  }
  const glob = m === 'sync' || m === 'globSync' || (m === 'glob' && awaited) ? args[0] : undefined;
  if (glob === undefined) return null;
  const v = A.evalStr(glob);
  const written = 's' in v ? v.s : evalDir(A, glob);
  // a pattern made absolute from the run directory (`path.join(path.resolve('route'), '*.js')`): glob gives absolute paths
  const run = written ? null : fromRunDir(A, glob);
  const d = written ?? run?.path;
  const split = d ? globSplit(d) : null;
  if (!split) return { loop: null };
  const { dir, pattern } = split;
  const pre = `${dir}/`;
  const rooted = run?.rooted ? { rooted: true as const } : {};
  const filter = globTest(pattern, pre, !!run?.rooted);
  const abs = path.isAbsolute(dir);
  // `./routes/*.js`: whether the names keep the `./` depends on the package and its version (resolved per project)
  const pkg = f ? A.pkgOf(A.refOf(f.type === 'member_expression' ? f.childForFieldName('object') : f)) : null;
  const dotted = pre.startsWith('./') && !run?.rooted ? { dotted: pkg?.pkg ?? '' } : {};
  const deep = pattern.includes('/') ? { recursive: WALK_EXTS } : {};
  const where = abs ? {} : { cwd: true as const };
  return { loop: { dir: abs ? dir : path.normalize(dir), ...where, ...rooted, pre, ...dotted, ...deep, filter, line, text } };
}

/** `{ withFileTypes: true }` (an encoding with it too). */
function withFileTypes(A: JsAnalyzer, n: Node): boolean {
  const o = unwrapExpr(n);
  return o?.type === 'object' && unwrapExpr(A.prop(o, 'withFileTypes'))?.text === 'true';
}

/**
 * `async function registerRouter(basePath) { for (const file of await fs.promises.readdir(basePath)) … }` called once
 * in the file with a folder (`registerRouter(__dirname)`): the folder it lists, and whether it calls itself (for
 * sub-folders); else null.
 */
function walked(A: JsAnalyzer, arg: Node | null): Walk | null {
  if (arg?.type !== 'identifier') return null;
  let fn = arg.parent;
  while (fn && !isInlineFunction(fn) && fn.type !== 'function_declaration') fn = fn.parent;
  const self =
    fn?.type === 'function_declaration'
      ? fn.childForFieldName('name')
      : fn?.parent?.type === 'variable_declarator'
        ? fn.parent.childForFieldName('name')
        : null;
  const i = fn ? jsParamNames(fn).indexOf(arg.text) : -1;
  if (!fn || self?.type !== 'identifier' || i < 0) return null;
  const root = rootOf(fn);
  // the calls outside the function (a bounded walk of the file: this runs only for a listing of a parameter)
  const outside: Node[] = [];
  const stack = [root];
  for (let seen = 0; stack.length && seen < 50_000; seen++) {
    const n = stack.pop()!;
    if (n.id === fn.id) continue;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text === self.text) outside.push(n);
    stack.push(...named(n));
  }
  const a = outside.length === 1 ? named(outside[0]!.childForFieldName('arguments')!)[i] : undefined;
  const d = a ? folder(A, a) : null;
  if (!d || d.cwd) return null;
  const deep = word([self.text]).test(fn.childForFieldName('body')?.text ?? '');
  return { param: arg.text, dir: d.dir, deep };
}

/** A path computed from the run directory: `process.cwd()` + …, `path.resolve('routes')` (absolute at run time: `rooted`,
 *  the path from the run directory), or a relative string; null when it is neither. */
function fromRunDir(A: JsAnalyzer, n: Node): { path: string; rooted: boolean } | null {
  const x = nameExpr(A, n, RUN_DIR);
  const s = x ? evalName(x, RUN_MARK, RUN_MARK) : null;
  if (typeof s !== 'string' || s.lastIndexOf(RUN_MARK) > 0) return null;
  if (s.startsWith(RUN_MARK)) return { path: path.normalize(`.${s.slice(1)}`), rooted: true };
  return path.isAbsolute(s) ? null : { path: s, rooted: false };
}

/** The folder an fs call reads: absolute (`__dirname`, `path.join(__dirname, 'routes')`) or from the project root
 *  (`'routes'`, `path.join(process.cwd(), 'routes')`, `` `${process.cwd()}/app/api` ``). */
export function folder(A: JsAnalyzer, n: Node | null, from?: string): { dir: string; cwd?: true } | null {
  if (!n) return null;
  const d = evalDir(A, n);
  if (d) return { dir: d.length > 1 ? d.replace(/\/+$/, '') : d }; // `${__dirname}/`
  const r = fromRunDir(A, n);
  if (!r) return null;
  return from && !r.rooted ? { dir: path.resolve(from, r.path) } : { dir: path.normalize(r.path), cwd: true };
}

/** The loops of a file over folder listings, found when first needed, recorded (`fa.folderLoops`) when first used. */
export class FolderListings {
  private list: Listing[] | null = null;
  private busy = false;

  constructor(
    private readonly A: JsAnalyzer,
    /** Where loops may be: the sequence, and the loop node (./loops LoopSyntax.candidates). */
    private readonly candidates: () => { seq: Node | null; loop: () => Node | null }[],
  ) {}

  private listings(): Listing[] {
    if (this.list) return this.list;
    this.list = [];
    for (const c of this.candidates()) {
      const seq = unwrapExpr(c.seq);
      const text = seq?.type === 'identifier' ? this.A.soleDeclarator(seq.text)?.text : seq?.text;
      if (!text || !/readdir|glob|sync/i.test(text)) continue;
      const found = listing(this.A, c.seq);
      const n = found ? c.loop() : null;
      const v = n?.type === 'for_in_statement' ? n.childForFieldName('left') : n && isInlineFunction(n) ? null : undefined;
      const ix = n ? (indexedLoop(this.A, n) ?? indexInLoop(n)) : null; // `files[i]`
      const name = ix ? ix.element : n?.type === 'for_statement' || v === undefined || !n ? null : (v?.text ?? param(n));
      if (!found || !n || !name || !/^[\w$]+(?:\[[\w$]+\])?$/.test(name)) continue;
      const body = n.type === 'for_in_statement' || n.type === 'for_statement' ? n.childForFieldName('body')! : n;
      const l: Listing = {
        name,
        start: body.startIndex,
        end: body.endIndex,
        loop: found.loop,
        raw: found.loop,
        body,
        index: -1,
        re: word([name]),
        ...(found.walk ? { walk: found.walk } : {}),
        ...(found.loop?.dirents ? { dirents: found.loop.dir } : {}),
      };
      if (l.loop) l.loop = this.guarded(l, body);
      this.list.push(l);
    }
    return this.list;
  }

  /** `if (!file.endsWith('.js')) return;` at the top of the body: the filter keeps the others. A guard on what the
   *  module exports (`if (!router) return;`) is not one on the name; one on the name that is not understood is. */
  private guarded(l: Listing, body: Node): FolderLoop | null {
    const block = body.type === 'statement_block' ? body : body.childForFieldName('body');
    let loop = l.loop!;
    for (const st of block?.type === 'statement_block' ? named(block) : []) {
      const cond = st.type === 'if_statement' ? st.childForFieldName('condition') : null;
      const then = st.childForFieldName('consequence');
      const exit = then?.type === 'statement_block' ? named(then)[0] : then;
      if (!cond || !/^(return|continue)_statement$/.test(exit?.type ?? '') || !this.uses(l, cond)) continue;
      const x = nameExpr(this.A, cond, l);
      if (x && hasUnknown(x)) l.undecided = true;
      const test = known(x);
      if (!test && l.re.test(cond.text)) return null;
      if (test) loop = { ...loop, filter: and(loop.filter, not(test)) };
    }
    return loop;
  }

  /** Whether `n` reads the loop's variable, or a name bound in its body from it. */
  private uses(l: Listing, n: Node | null): boolean {
    if (!n) return false;
    if (l.re.test(n.text)) return true;
    if (l.deps === undefined) {
      const deps = new Set<string>();
      const decls = [...this.A.declaredIn(l.start, l.end), ...augmented(l.body)]; // `p += file` too
      for (let grew = true, i = 0; grew && i < 8; i++) {
        grew = false;
        for (const d of decls)
          if (!deps.has(d.name) && (l.re.test(d.text) || [...deps].some((x) => word([x]).test(d.text)))) grew = !!deps.add(d.name);
      }
      l.deps = deps.size ? word([...deps]) : null;
    }
    return !!l.deps?.test(n.text);
  }

  /** The listing whose body has n, when n reads its variable, with its module (`each:<i>`, recorded); else null. */
  listingAt(n: Node): { ctx: Ctx; loop: FolderLoop; body: Node; uses: (x: Node) => boolean } | null {
    const l = this.at(n);
    return l?.raw ? { ctx: l, loop: l.raw, body: l.body, uses: (x) => this.uses(l, x) } : null;
  }

  /** Whether n is in the body of a listing loop. */
  inside(n: Node): boolean {
    return this.listings().some((l) => l.start <= n.startIndex && n.startIndex < l.end);
  }

  /** The listing whose body has n, when n reads its variable. */
  private at(n: Node): Listing | null {
    const s = n.startIndex;
    for (const l of this.listings()) if (l.start <= s && s < l.end && this.uses(l, n)) return l;
    return null;
  }

  private mod(l: Listing, loop = l.loop!): ModId {
    if (l.index < 0) {
      const loops = (this.A.fa.folderLoops ??= []);
      l.index = loops.length;
      loops.push(loop);
    }
    return `each:${l.index}`;
  }

  /** A string computed from a listing's variable: its NameExpr, evaluated per entry by the resolver; else null. */
  val(n: Node): Val | null {
    if (this.busy || (this.list && !this.list.length)) return null;
    this.busy = true;
    try {
      const l = this.at(n);
      // a name under guards that read unknown values (`process.env.X`) is still known per entry
      const loop = l?.loop ?? (l?.undecided ? l.raw : null);
      const x = loop ? known(nameExpr(this.A, n, l!)) : null;
      return x ? { e: clip(n.text), why: 'name of a file a folder loader reads', each: { mod: this.mod(l!, loop!), x } } : null;
    } finally {
      this.busy = false;
    }
  }

  /** The module a computed `require(…)`/`import(…)` in a listing's body loads (`each:<i>`), and its folder; else null.
   *  An `if` around it that tests the name narrows the filter. */
  module(arg: Node, call: Node): { mod: ModId; loop: FolderLoop } | null {
    const l = this.at(arg);
    if (!l?.loop) return null;
    const spec = known(nameExpr(this.A, arg, l));
    let filter = l.loop.filter;
    for (let p = call.parent; p && p.startIndex >= l.start && p.startIndex !== l.start; p = p.parent) {
      // `if (test) …` and `test ? … : …`
      const cond = /^(if_statement|ternary_expression)$/.test(p.type) ? p.childForFieldName('condition') : null;
      if (!cond || !this.uses(l, cond) || (call.startIndex >= cond.startIndex && call.endIndex <= cond.endIndex)) continue;
      const t = known(nameExpr(this.A, cond, l));
      const then = p.childForFieldName('consequence')!;
      if (!t) return null;
      filter = and(filter, call.startIndex >= then.startIndex && call.endIndex <= then.endIndex ? t : not(t));
    }
    if (!spec || (l.loop.spec && JSON.stringify(l.loop.spec) !== JSON.stringify(spec))) return null;
    // a prefix read first recorded the loop without the guards around the load (`test ? app.use(p, require(m)) : ''`)
    if (l.loop.spec && l.loop.filter !== filter && JSON.stringify(l.loop.filter) !== JSON.stringify(filter)) return null;
    l.loop = { ...l.loop, spec, ...(filter ? { filter } : {}) };
    if (l.index >= 0) this.A.fa.folderLoops![l.index] = l.loop;
    return { mod: this.mod(l), loop: l.loop };
  }
}

/** `mod.router || mod.default?.router || mod.default` of a module a folder loop loads: the first export it has. */
export function eitherExport(A: JsAnalyzer, n: Node): Ref | null {
  const op = n.childForFieldName('operator')?.text;
  if ((op !== '||' && op !== '??') || !A.loops.folders.inside(n)) return null;
  const refs = [n.childForFieldName('left'), n.childForFieldName('right')].map((c) => A.refOf(c));
  const flat = refs.flatMap((r) => (r.k === 'alt' ? r.refs : [r]));
  const root = (r: Ref): Ref => (r.k === 'mem' ? root(r.base) : r);
  const each = (r: Ref): boolean => {
    const b = root(r);
    return b.k === 'imp' && b.mod.startsWith('each:');
  };
  return flat.every((r) => r.k !== 'none') && flat.some(each) ? { k: 'alt', refs: flat } : null;
}
