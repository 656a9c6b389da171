/**
 * A project helper that registers a route with the HTTP method it is given (`createAction(router, base, path, method) {
 * router[method](base + path, h) }`), called once per row of literal tables (`for (const g in TABLE) TABLE[g].forEach((row)
 * => createAction(router, '/api', GROUPS[g].prefix + row.path, row.method))`):
 *  - the registration is a route whose methods are the parameter's value (RawRoute.methodVal), made once per call of the
 *    helper with that call's router and strings (PerCallRoutes.perCall); a call whose method is no literal HTTP method (a value
 *    known only at run time) makes no route: the method is never guessed;
 *  - a call of a project function in loops over literal tables of its file (arrays of objects, an object's properties,
 *    also a table an outer loop's element names: `TABLE[g]`, `row.children`) whose arguments read the loops' names is
 *    recorded once per element, each with the strings it passes there; a name declared in the loop body once (`let p =
 *    GROUPS[g].prefix + row.path`) is its value at the element.
 * Bounded: three nested loops, 64 elements each, 1,024 calls in all. Pure.
 */
import { named, rangeOf, lineOf, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Ref } from './model';
import { handler } from './jsRegistrations';
import { koaNamedRoute } from './jsKoaNamed';
import { boundProp, keyedProp } from './jsValues';
import { type Loop, MAX_ELEMENTS, MAX_EXPANDED, word } from './loops';

/** Nested loops around a call unrolled at most. */
const MAX_LOOPS = 3;

const PATH_LIKE = /^(?:string|template_string|binary_expression|identifier|member_expression)$/;

/** The parameter an index names: `method`, also as `method.toLowerCase()` / `.toUpperCase()`. */
function methodParam(A: JsAnalyzer, index: Node | null): (Ref & { k: 'param' }) | null {
  let u = unwrapExpr(index);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  const args = u?.type === 'call_expression' ? u.childForFieldName('arguments') : null;
  if (
    f?.type === 'member_expression' &&
    /^to(?:Lower|Upper)Case$/.test(f.childForFieldName('property')?.text ?? '') &&
    args &&
    !named(args).length
  )
    u = unwrapExpr(f.childForFieldName('object'));
  const r = u?.type === 'identifier' ? A.lookup(u.text, u) : null;
  return r?.k === 'param' ? r : null;
}

/** `router[method](path, …handlers)` with `method` a parameter of the function it is in: a route of the method each call
 *  of that function passes. Returns whether `call` was one. */
export function methodParamRoute(A: JsAnalyzer, call: Node): boolean {
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'subscript_expression' ? fn.childForFieldName('object') : null;
  const index = recv ? fn!.childForFieldName('index') : null;
  const param = methodParam(A, index);
  const args = call.childForFieldName('arguments');
  const argv = args ? named(args).filter((a) => a.type !== 'comment') : [];
  if (!param || argv.length < 2) return false;
  const byName = koaNamedRoute(A, argv); // koa-router `router[method]('name', '/path', h)`
  const pathArg = byName ? argv[1]! : argv[0]!;
  if (!PATH_LIKE.test(unwrapExpr(pathArg)?.type ?? '')) return false;
  A.fa.routes.push({
    owner: A.refOf(recv),
    framework: null,
    flavour: 'js-method',
    methods: [],
    methodVal: { e: index!.text, why: 'variable', ref: param },
    path: A.evalStr(pathArg),
    line: lineOf(index!),
    range: { start: rangeOf(index!).start, end: rangeOf(call).end },
    handler: handler(A, argv[argv.length - 1]!),
  });
  return true;
}

/** The loop nodes around `call` in its function (outermost first), not those read at an element already; null past the
 *  bound. */
function loopsAround(A: JsAnalyzer, call: Node): Node[] | null {
  const out: Node[] = [];
  for (let p = call.parent; p; p = p.parent) {
    const l = A.loops.syntax.loop(p);
    if (!l) {
      if (JS_FUNCTION_TYPES.has(p.type)) break; // a function that is no loop's callback
      continue;
    }
    let bound = false;
    for (let b = A.loopEl; b; b = b.outer) bound ||= b.loop.start === l.body.startIndex;
    if (!bound) out.unshift(p);
    if (out.length > MAX_LOOPS) return null;
  }
  return out;
}

/** The array literal a loop's sequence is at the element being read: written in place, a name given once (`const rows =
 *  TABLE[g]`), a loop's name, `TABLE[g]` (./jsValues keyedProp) or `row.children` of an element. */
function arrayAt(A: JsAnalyzer, n0: Node | null, depth = 0): Node | null {
  const n = unwrapExpr(n0);
  if (!n || depth > 4) return null;
  if (n.type === 'array') return n;
  let next: Node | null | undefined = null;
  if (n.type === 'identifier') {
    const b = A.boundTo(n.text);
    next = b !== undefined ? b : A.soleValue(n.text, n);
  } else if (n.type === 'subscript_expression') next = keyedProp(A, n);
  else if (n.type === 'member_expression') next = boundProp(A, n);
  return next ? arrayAt(A, next, depth + 1) : null;
}

/** The loop node `n` at the element being read: over a literal sequence (./loops), or over the array its sequence is there. */
function loopAt(A: JsAnalyzer, n: Node): Loop | null {
  const fixed = A.loops.of(n);
  if (fixed) return fixed;
  const S = A.loops.syntax;
  const l = S.loop(n);
  const arr = l?.seq ? arrayAt(A, l.seq) : null;
  if (!l || !arr) return null;
  const all = named(arr).filter((e) => e.type !== 'comment');
  const elements = all.filter((e) => e.type !== 'spread_element');
  if (elements.length > MAX_ELEMENTS) return null;
  return {
    start: l.body.startIndex,
    end: l.body.endIndex,
    elements,
    partial: elements.length < all.length,
    part: S.part,
    names: S.names(n),
  };
}

/** A key or a string: what a name bound to it passes is a string, never an object to follow. */
const KEYS = new Set(['property_identifier', 'string', 'number']);

/**
 * `helper(router, '/api', GROUPS[g].prefix + row.path, row.method)` in loops over literal tables: the call recorded once
 * per element of each loop (Analyzer.callEdge, the loops' names bound to it). Returns whether it was; not when a loop is
 * over something else, past the bounds, or when an argument is an element itself (`register(app, route)`: followed as
 * the callback's parameter, ./callGraph).
 */
export function tableLoopCall(A: JsAnalyzer, call: Node, callee: Ref, argv: readonly Node[]): boolean {
  const loops = argv.length ? loopsAround(A, call) : null;
  if (!loops?.length) return false;
  const outer = A.loops.syntax.loop(loops[0]!)!.body;
  const names = new Set(loops.flatMap((l) => [...A.loops.syntax.names(l).keys()]));
  if (!names.size) return false;
  const reads = word([...names]);
  // a name bound once in the loops' body (`let p = GROUPS[g].prefix + row.path`) and never changed (`p += …`): its value,
  // read at the element
  let local = false;
  const args = argv.map((a) => {
    const u = unwrapExpr(a);
    if (u?.type !== 'identifier' || names.has(u.text)) return a;
    const ds = A.bindingNodes(u.text).filter((d) => d.startIndex >= outer.startIndex && d.endIndex <= outer.endIndex);
    const v = ds.length === 1 && ds[0]!.type === 'variable_declarator' ? ds[0]!.childForFieldName('value') : null;
    const name = u.text.replace(/\$/g, '\\$');
    const changed = new RegExp(
      `(?<![\\w$.])${name}\\s*(?:(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)=|\\+\\+|--)|(?:\\+\\+|--)\\s*${name}(?![\\w$])`,
    );
    if (!v || !reads.test(v.text) || changed.test(outer.text)) return a;
    local = true;
    return v;
  });
  if (!local && !argv.some((a) => reads.test(a.text))) return false;
  const bare = args.filter((a) => unwrapExpr(a)?.type === 'identifier' && names.has(unwrapExpr(a)!.text));
  // each path through the loops: the loop and element at each level, read first (an inner loop's table is an outer element's)
  const paths: { loop: Loop; el: Node }[][] = [];
  const walk = (i: number, at: { loop: Loop; el: Node }[]): boolean => {
    if (i === loops.length) {
      if (bare.some((a) => !KEYS.has(unwrapExpr(A.boundTo(unwrapExpr(a)!.text) ?? null)?.type ?? ''))) return false;
      paths.push(at);
      return paths.length <= MAX_EXPANDED;
    }
    const loop = loopAt(A, loops[i]!);
    return !!loop && loop.elements.every((el) => A.withElement(loop, el, () => walk(i + 1, [...at, { loop, el }])));
  };
  if (!walk(0, []) || !paths.length) return false;
  const record = (path: { loop: Loop; el: Node }[], i: number): void =>
    i === path.length ? void A.callEdge(call, callee, args) : A.withElement(path[i]!.loop, path[i]!.el, () => record(path, i + 1));
  for (const path of paths) record(path, 0);
  return true;
}
