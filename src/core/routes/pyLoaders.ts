/**
 * Python module loaders: `importlib.import_module(f"app.routes.{name}")` (also `from importlib import import_module`,
 * relative names with `package=`). Over a literal list (`for name in ["users", "items"]:`, see ./pyLoops) the name is each
 * module in turn; over anything else (`pkgutil.iter_modules(…)`, `os.listdir(…)`) its constant package part names every
 * module of that package (`py:app.plugins.*`, one module after the other at resolve time), so the routers such a loader
 * includes get the prefix written there; a prefix computed from the loop's name (`f"/{name}"`, `"/" + f[:-3]`, `p.stem`)
 * is evaluated per module (./folderLoops).
 */
import * as path from 'node:path';
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { clip } from './common';
import { pyConcat, pyFString, pyPercentFormat, pyStrFormat } from './pyFormat';
import { and, globTest, not, type NameExpr } from './folderLoops';
import { word } from './loops';
import type { ModId, Ref, Val } from './model';
import type { PyAnalyzer } from './python';

/** Relative import `from ..a.b import x` in file → module id of `..a.b`. */
export function relativeModule(file: string, dots: number, dotted: string): ModId {
  let dir = path.dirname(file);
  for (let i = 1; i < dots; i++) dir = path.dirname(dir);
  return `file:${dotted ? path.join(dir, ...dotted.split('.')) : dir}`;
}

/** The module `importlib.import_module(name, package)` loads: known, or every module of the package it names. */
export function importModule(A: PyAnalyzer, call: Node, callee: Ref): Ref | null {
  const base = callee.k === 'mem' ? callee.base : callee;
  const name = callee.k === 'mem' ? callee.name : callee.k === 'imp' ? callee.name : '';
  if (name !== 'import_module' || base.k !== 'imp' || base.mod !== 'py:importlib') return null;
  const { pos, kw } = pyArgs(call);
  const arg = pos[0] ?? kw.get('name');
  if (!arg) return null;
  const v = A.evalStr(arg);
  const spec = 's' in v ? v.s : `${constantHead(A, arg) ?? ''}*`;
  if (spec === '*' || (!('s' in v) && !/(?:^|\.)\*$/.test(spec))) return null;
  const dots = /^\.*/.exec(spec)![0].length;
  const mod: ModId = dots ? relativeModule(A.file, dots, spec.slice(dots)) : `py:${spec}`;
  if (!('s' in v)) recordFilter(A, call, mod);
  // a load by a computed name that is understood (./pyLoads): its line, where the text reads the callee's name
  const at = (call.childForFieldName('function') ?? call).endPosition.row + 1;
  if (!(A.fa.computedKnown ??= []).includes(at)) A.fa.computedKnown.push(at);
  return { k: 'imp', mod, name: '*' };
}

/**
 * The modules a loader over a package or folder skips: a glob's pattern (`glob('*_routes.py')`), a comprehension's
 * `if` (`[m for m in iter_modules(…) if not m.name.startswith('_')]`), guards at the top of the body (`if
 * name.startswith('_'): continue`, `if ispkg: continue`) and an `if` around the import, recorded per package pattern
 * (`FileAnalysis.loaderFilters`). A test on the name that is not a plain string test, or two loops over one package that
 * filter differently, keep every module (null).
 */
function recordFilter(A: PyAnalyzer, call: Node, mod: ModId): void {
  const l = pyListings(A).find((x) => x.start <= call.startIndex && call.startIndex < x.end);
  if (!l) return;
  let filter: NameExpr | null | undefined = l.filter;
  const uses = usesNames(A, l);
  const test = (cond: Node | null): NameExpr | null => (cond && uses(cond) ? pyNameExpr(A, cond, l) : null);
  const body = enclosingBody(call, l);
  for (const st of body ? named(body) : []) {
    if (st.startIndex >= call.startIndex) break;
    const cond = st.type === 'if_statement' ? st.childForFieldName('condition') : null;
    const then = st.childForFieldName('consequence');
    if (!cond || !then || !uses(cond) || named(then)[0]?.type !== 'continue_statement') continue;
    const t = test(cond);
    filter = t && filter !== null ? and(filter, not(t)) : null;
  }
  for (let p = call.parent; p && p.startIndex >= l.start && filter !== null; p = p.parent) {
    const cond = p.type === 'if_statement' ? p.childForFieldName('condition') : null;
    if (!cond || !uses(cond)) continue;
    const then = p.childForFieldName('consequence')!;
    const t = test(cond);
    const inThen = call.startIndex >= then.startIndex && call.endIndex <= then.endIndex;
    filter = t ? and(filter, inThen ? t : not(t)) : null;
  }
  const filters = (A.fa.loaderFilters ??= {});
  const known = filters[mod];
  const same = known === undefined || JSON.stringify(known) === JSON.stringify(filter ?? null);
  filters[mod] = same ? (filter ?? null) : null;
}

/** The loop's body (its statements are where guards for the whole body are). */
function enclosingBody(call: Node, l: PyListing): Node | null {
  let p: Node | null = call.parent;
  while (p && !(p.type === 'block' && p.startIndex === l.start && p.endIndex === l.end)) p = p.parent;
  return p;
}

/** Whether a condition reads the loop's names, or a name bound in its body from them (`name = f[:-3]`). */
function usesNames(A: PyAnalyzer, l: PyListing): (n: Node) => boolean {
  const names = [...l.names.keys()];
  const direct = word(names);
  const deps = A.declaredIn(l.start, l.end).filter((d) => direct.test(d.text));
  const re = word([...names, ...deps.map((d) => d.name)]);
  return (n) => re.test(n.text);
}

/**
 * `f"app.plugins.{name}"`, `"app.plugins." + name`, `".%s" % name`, `"{}.{}".format(PACKAGE, name)`, `"%s.%s" %
 * (routes.__name__, name)`: the constant text before the one computed part, which ends the name. A constant argument is
 * a string of the project, an imported module's `__name__`, or this package (`__package__`, `__name__` of an
 * `__init__.py`): the empty name before a relative `.…`.
 */
function constantHead(A: PyAnalyzer, n: Node): string | null {
  const computed = { k: 'none', text: 'computed' } as const;
  const ev = (c: Node): Val => {
    const self = c.text === '__package__' || (c.text === '__name__' && path.basename(A.file) === '__init__.py');
    const mod =
      c.type === 'attribute' && c.childForFieldName('attribute')?.text === '__name__' ? moduleName(A, c.childForFieldName('object')) : null;
    const v = self ? { s: '' } : mod !== null ? { s: mod } : A.evalStr(c);
    return 's' in v ? v : { e: c.text, why: 'variable', ref: computed };
  };
  const v =
    n.type === 'call'
      ? pyStrFormat(n, ev)
      : n.type === 'binary_operator'
        ? (pyConcat(n, ev) ?? pyPercentFormat(n, ev))
        : n.type === 'string'
          ? pyFString(n, ev)
          : null;
  const parts = (v && 'e' in v ? (v.parts ?? []) : []).filter((p) => p !== '');
  const last = parts.findIndex((p) => typeof p !== 'string');
  return last === parts.length - 1 && last >= 0 ? (parts.slice(0, last) as string[]).join('') : null;
}

/** The dotted name of the module a name imports (`from app import routes`, `import app.routes as routes`), or null. */
function moduleName(A: PyAnalyzer, n: Node | null): string | null {
  const r = n ? A.refOf(n) : null;
  if (r?.k !== 'imp' || !r.mod.startsWith('py:')) return null;
  return r.name === '*' ? r.mod.slice(3) : `${r.mod.slice(3)}.${r.name}`;
}

/** How a loop over a folder binds a name: the module name (pkgutil's `name`, index 1), a pkgutil `ModuleInfo` or a
 *  `Path` (`.stem`, `.name`), or the file name (`os.listdir`). */
type Holds = 'stem' | 'info' | 'path' | 'file' | 'ispkg';

interface PyListing {
  start: number;
  end: number;
  names: Map<string, Holds>;
  /** The modules it keeps by the listing itself (a glob's pattern, a comprehension's `if`); null: a test not understood. */
  filter?: NameExpr | null;
}

/** pkgutil's `ispkg`: the entry is a package (a folder, not a `.py` file). */
const IS_PKG: NameExpr = not({ k: 'call', fn: 'endsWith', on: { k: 'entry' }, args: [{ k: 's', s: '.py' }] });

const LISTING = /\b(?:iter_modules|walk_packages|listdir|iterdir|glob|rglob)\s*\(/;

/** The loops of a file over a package's modules or a folder's files (found once per analyzer, when first needed). */
const listings = new WeakMap<PyAnalyzer, PyListing[]>();

function pyListings(A: PyAnalyzer): PyListing[] {
  let out = listings.get(A);
  if (out) return out;
  out = [];
  for (const c of A.loops.syntax.candidates()) {
    const seq0 = c.seq?.type === 'identifier' ? A.assignedOnce(c.seq) : c.seq;
    const comp = seq0 ? comprehension(seq0) : null;
    const seq = comp ? comp.seq : seq0;
    const call = seq?.type === 'call' ? seq.childForFieldName('function') : null;
    const m = call?.type === 'attribute' ? call.childForFieldName('attribute')?.text : call?.text;
    if (!call || !m || !LISTING.test(seq!.text)) continue;
    const holds: Holds | null = /^(iter_modules|walk_packages)$/.test(m)
      ? 'info'
      : m === 'listdir'
        ? 'file'
        : /glob|iterdir/.test(m) && !/^glob\.glob$/.test(call.text)
          ? 'path'
          : null;
    const loop = holds ? c.loop() : null;
    const left = loop?.childForFieldName('left');
    const body = loop?.childForFieldName('body');
    if (!holds || !left || !body) continue;
    const names = new Map<string, Holds>();
    if (left.type === 'identifier') names.set(left.text, holds);
    else if (holds === 'info' && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
      const [, second, third] = named(left);
      if (second?.type === 'identifier') names.set(second.text, 'stem');
      if (third?.type === 'identifier') names.set(third.text, 'ispkg');
    }
    if (!names.size) continue;
    const l: PyListing = { start: body.startIndex, end: body.endIndex, names };
    const pattern = holds === 'path' ? globPattern(A, seq!) : undefined;
    if (pattern !== undefined) l.filter = pattern;
    if (comp) {
      // the comprehension's tests read its own variable, holding what the loop's does
      const own: PyListing = { start: comp.node.startIndex, end: comp.node.endIndex, names: new Map([[comp.name, holds]]) };
      for (const cond of comp.ifs) {
        const t = l.filter === null ? null : pyNameExpr(A, cond, own);
        l.filter = t ? and(l.filter ?? undefined, t) : null;
      }
    }
    out.push(l);
  }
  listings.set(A, out);
  return out;
}

/** `[m for m in pkgutil.iter_modules(…) if …]` (also a generator): the listing it copies, its variable and its tests. */
function comprehension(n: Node): { node: Node; seq: Node | null; name: string; ifs: Node[] } | null {
  if (n.type !== 'list_comprehension' && n.type !== 'generator_expression') return null;
  const clauses = named(n).filter((c) => c.type === 'for_in_clause');
  const left = clauses[0]?.childForFieldName('left');
  if (clauses.length !== 1 || left?.type !== 'identifier' || n.childForFieldName('body')?.text !== left.text) return null;
  const ifs = named(n).flatMap((c) => (c.type === 'if_clause' ? named(c).slice(0, 1) : []));
  return { node: n, seq: clauses[0]!.childForFieldName('right'), name: left.text, ifs };
}

/** `Path(d).glob('*_routes.py')`: the file names the pattern keeps (one level, `*` and `?`); null for another pattern. */
function globPattern(A: PyAnalyzer, call: Node): NameExpr | null | undefined {
  const arg = pyArgs(call).pos[0];
  const v = arg ? A.evalStr(arg) : null;
  if (!v) return undefined;
  if (!('s' in v) || /[[{/]/.test(v.s)) return null;
  return globTest(v.s);
}

const STR_METHODS = new Set(['replace', 'lower', 'upper', 'strip', 'split', 'rsplit', 'removesuffix', 'removeprefix']);

/** The NameExpr of `n` over the names of a listing loop, or null. */
function pyNameExpr(A: PyAnalyzer, n: Node | null, l: PyListing, depth = 0): NameExpr | null {
  if (!n || depth > 12) return null;
  const ev = (x: Node | null | undefined): NameExpr | null => pyNameExpr(A, x ?? null, l, depth + 1);
  const call = (fn: string, on: NameExpr | null, args: (NameExpr | null)[]): NameExpr | null =>
    on && args.every((a) => a) ? { k: 'call', fn, on, args: args as NameExpr[] } : null;
  const holds = n.type === 'identifier' ? l.names.get(n.text) : undefined;
  if (holds) return holds === 'stem' ? { k: 'entry', stem: true } : holds === 'file' ? { k: 'entry' } : holds === 'ispkg' ? IS_PKG : null;
  switch (n.type) {
    case 'parenthesized_expression':
      return ev(named(n)[0]);
    case 'not_operator':
      return call('not', ev(n.childForFieldName('argument')), []);
    case 'boolean_operator': {
      const op = n.childForFieldName('operator')?.text;
      return op === 'and' || op === 'or' ? call(op, ev(n.childForFieldName('left')), [ev(n.childForFieldName('right'))]) : null;
    }
    case 'comparison_operator':
      return pyComparison(n, ev);
    case 'identifier': {
      const right = A.assignedOnce(n);
      if (right && right.startIndex >= l.start && right.endIndex <= l.end) return ev(right);
      return pyConstant(A, n);
    }
    case 'integer':
      return { k: 's', s: n.text };
    case 'unary_operator':
      return n.text.startsWith('-') && /^-\d+$/.test(n.text) ? { k: 's', s: n.text } : null;
    case 'string': {
      const parts: NameExpr[] = [];
      for (const c of named(n)) {
        if (c.type === 'string_start' || c.type === 'string_end') continue;
        const x =
          c.type === 'interpolation'
            ? ev(c.childForFieldName('expression'))
            : c.type === 'string_content'
              ? { k: 's' as const, s: c.text }
              : null;
        if (!x) return null;
        parts.push(x);
      }
      return { k: 'cat', parts };
    }
    case 'binary_operator': {
      const [a, b] = [ev(n.childForFieldName('left')), ev(n.childForFieldName('right'))];
      return n.childForFieldName('operator')?.text === '+' && a && b ? { k: 'cat', parts: [a, b] } : null;
    }
    case 'attribute': {
      const o = n.childForFieldName('object');
      const attr = n.childForFieldName('attribute')?.text;
      const h = o?.type === 'identifier' ? l.names.get(o.text) : undefined;
      if (h === 'info' && attr === 'name') return { k: 'entry', stem: true };
      if (h === 'info' && attr === 'ispkg') return IS_PKG;
      if (h === 'path' && (attr === 'stem' || attr === 'name')) return attr === 'stem' ? { k: 'entry', stem: true } : { k: 'entry' };
      if (h === 'path' && attr === 'suffix') return { k: 'call', fn: 'extname', on: { k: 'entry' }, args: [] };
      return pyConstant(A, n);
    }
    case 'subscript': {
      const o = n.childForFieldName('value');
      const idx = n.childForFieldName('subscript');
      if (o?.type === 'identifier' && l.names.get(o.text) === 'info') return idx?.text === '1' ? { k: 'entry', stem: true } : null;
      if (idx?.type === 'slice') {
        const [s, e] = [idx.child(0)?.type === ':' ? null : named(idx)[0], named(idx).at(-1)];
        const bounds = [s ? ev(s) : { k: 's' as const, s: '' }, e && e !== s ? ev(e) : { k: 's' as const, s: '' }];
        return call('slice', ev(o), bounds);
      }
      return call('at', ev(o), [ev(idx)]);
    }
    case 'call': {
      const f = n.childForFieldName('function');
      const { pos } = pyArgs(n);
      const m = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.text;
      const obj = f?.type === 'attribute' ? f.childForFieldName('object') : null;
      if (m && obj && STR_METHODS.has(m) && !/^(os\.)?path$/.test(obj.text)) return call(m, ev(obj), pos.map(ev));
      if ((m === 'startswith' || m === 'endswith') && obj && pos.length === 1) {
        // `f.endswith(('.py', '.pyc'))`: any of them
        const fn = m === 'startswith' ? 'startsWith' : 'endsWith';
        const tests = (pos[0]!.type === 'tuple' ? named(pos[0]!) : pos).map((a) => call(fn, ev(obj), [ev(a)]));
        return tests.reduce<NameExpr | null>((acc, t) => (acc && t ? { k: 'call', fn: 'or', on: acc, args: [t] } : null), tests[0] ?? null);
      }
      if (m === 'basename' || m === 'splitext') return call(m, ev(pos[0]), []);
      return null;
    }
    default:
      return null;
  }
}

/** `name == "__init__"`, `f != "x.py"`, `"_" in name`, `name in ("a", "b")`, `name not in (…)`: two operands only. */
function pyComparison(n: Node, ev: (x: Node | null | undefined) => NameExpr | null): NameExpr | null {
  const [a, b, more] = named(n);
  const op = n
    .childrenForFieldName('operators')
    .map((c) => c?.text)
    .join(' ');
  if (!a || !b || more) return null;
  if (op === '==' || op === '!=') {
    const [x, y] = [ev(a), ev(b)];
    return x && y ? { k: 'call', fn: op === '==' ? 'eq' : 'ne', on: x, args: [y] } : null;
  }
  if (op !== 'in' && op !== 'not in') return null;
  let t: NameExpr | null;
  if (b.type === 'tuple' || b.type === 'list' || b.type === 'set') {
    // one of the strings
    const x = ev(a);
    const eqs = named(b).map((e) => ev(e));
    t =
      x && eqs.length && eqs.every((e) => e)
        ? eqs
            .map((e) => ({ k: 'call', fn: 'eq', on: x, args: [e!] }) as NameExpr)
            .reduce((p, q) => ({ k: 'call', fn: 'or', on: p, args: [q] }))
        : null;
  } else {
    const [x, y] = [ev(b), ev(a)];
    t = x && y ? { k: 'call', fn: 'includes', on: x, args: [y] } : null;
  }
  return op === 'not in' && t ? not(t) : t;
}

function pyConstant(A: PyAnalyzer, n: Node): NameExpr | null {
  const v = A.evalStr(n);
  return 's' in v ? { k: 's', s: v.s } : null;
}

/** A string computed from the module or file name a loop over a package or folder reads (`f"/{name}"`, `"/" + f[:-3]`),
 *  evaluated per module by the resolver (the module the loop imports is `py:pkg.*`); else null. */
export function pyFolderVal(A: PyAnalyzer, n: Node): Val | null {
  const s = n.startIndex;
  if (busy.has(A)) return null; // a constant part being read
  busy.add(A);
  try {
    for (const l of pyListings(A)) {
      const x = s >= l.start && s < l.end ? pyNameExpr(A, n, l) : null;
      if (x && JSON.stringify(x).includes('"entry"'))
        return { e: clip(n.text), why: 'name of a module a folder loader reads', each: { mod: 'py:*', x } };
    }
    return null;
  } finally {
    busy.delete(A);
  }
}

const busy = new WeakSet<PyAnalyzer>();

/** `a.config.create_app()` after `import a.config`: what a function of a module reached by its dotted path returns. */
export function dottedModuleCall(callee: Ref): Ref | null {
  const fromImport = (r: Ref): boolean => r.k === 'imp' || (r.k === 'mem' && fromImport(r.base));
  return callee.k === 'mem' && callee.base.k === 'mem' && fromImport(callee.base) ? { k: 'ret', callee } : null;
}
