/**
 * JS/TS route tables dispatched by a computed method: a module-level array of rows `{ path: '/books', method: 'post',
 * handler: [auth, ctrl.add] }` (`module.exports = [...]`, `export const routes = [...]`), tables merged by spreading
 * (`module.exports = [...authRoutes, ...userRoutes]`), and applied by a loop that calls the router with each row's
 * method (`for (const { method, path, handler } of routes) router[method](path, handler)`, `routes.forEach((r) =>
 * router[r.method](r.path, ...r.middlewares, r.handler))`), often in a project helper (`applyRoutes(routes, router)`).
 * As Flask-RESTful tables (./pyTables), a table is read as a function of the router it is given (exported as
 * `<name>#rows`), one route per row at the row's line; a merged table calls the tables spread into it, and the loop is a
 * call of the iterated table's rows with its router, so the call graph (resolve.ts) gives each row the router's place,
 * also through the helper's parameters. A table nobody applies stays no route. Pure.
 */
import { lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import { ROUTE_OBJECT_HANDLER_KEYS, TABLE_ROW_HANDLER_KEYS, TABLE_ROWS, toMethod } from './common';
import type { Ref } from './model';
import { MAX_ELEMENTS } from './loops';
import type { JsAnalyzer } from './javascript';
import { routeDefinition } from './jsRegistrations';
import { constArray as arrayElements, literalArray, literalObject, soleConstValue } from './jsValues';
import { definition } from './jsRouteDefs';
import { patternNames } from './jsPatterns';

/** What a row's path may be written as besides a string: an expression of constants (`` `${routeType.v1}/login` ``,
 *  `BASE + '/x'`, `PATHS.users`), known across files or not (then the route has no full path, with the reason). */
const PATH_EXPR = /^(?:template_string|binary_expression|identifier|member_expression)$/;

/** The handler of a route object: its `handler`; of a row of a table dispatched by its method (`router[row.method](row.path,
 *  row.controller)`), also its `controller`. */
export function rowHandler(A: JsAnalyzer, row: Node, flavour: 'js-route-object' | 'js-method'): Node | null {
  const keys = flavour === 'js-method' ? TABLE_ROW_HANDLER_KEYS : ROUTE_OBJECT_HANDLER_KEYS;
  for (const k of keys) {
    const h = A.prop(row, k);
    if (h) return h;
  }
  return null;
}

/**
 * A row: an object with a literal method (or a literal array of them, `['GET', 'HEAD']`), a path (`path` or `url`)
 * written as a `/…` string or a string expression, and a handler (`handler` or `controller`).
 */
function isRow(A: JsAnalyzer, row: Node): boolean {
  if (row.type !== 'object') return false;
  const method = A.prop(row, 'method');
  const url = A.prop(row, 'path') ?? A.prop(row, 'url');
  if (!method || !url || !rowHandler(A, row, 'js-method') || chosen(A, method)) return false;
  const ms = A.paths(method);
  if (!ms.length || ms.some((m) => !('s' in m) || !toMethod(m.s))) return false;
  const p = A.evalStr(url);
  return 's' in p ? p.s.startsWith('/') : PATH_EXPR.test(unwrapExpr(url)?.type ?? '');
}

/** A method chosen at run time (`process.env.VERB || 'post'`, `admin ? 'put' : 'post'`), also through the `const` it
 *  names: no literal method, though its fallback reads as a string. */
function chosen(A: JsAnalyzer, n0: Node, depth = 0): boolean {
  const n = unwrapExpr(n0);
  if (!n || depth > 4) return false;
  if (n.type === 'identifier') {
    const v = soleConstValue(A, n.text, n);
    return !!v && chosen(A, v, depth + 1);
  }
  return (
    n.type === 'ternary_expression' ||
    (n.type === 'binary_expression' && /^(?:\|\||\?\?)$/.test(n.childForFieldName('operator')?.text ?? ''))
  );
}

/** An object with a method, a path and a handler whatever they are written as (`{ method: verb, path, controller }`). */
function rowShaped(A: JsAnalyzer, row: Node): boolean {
  return (
    row.type === 'object' && !!A.prop(row, 'method') && !!(A.prop(row, 'path') ?? A.prop(row, 'url')) && !!rowHandler(A, row, 'js-method')
  );
}

/**
 * `name = [ {path, method, handler}, …, ...otherTable ]` at module level: a function of the router (parameter 0) with
 * one route per row, calling the rows of each table spread into it, exported as `name#rows`.
 */
export function jsRouteTable(A: JsAnalyzer, name: string, arr: Node): void {
  if (name + TABLE_ROWS in A.fa.exports) return;
  const rows = rowsFunction(A, name, arr);
  if (rows) A.fa.exports[name + TABLE_ROWS] = rows; // `const routes = […]; module.exports = routes`: one table
}

/** `a.concat(b, c)`, `[...].concat(b)`: the call, or null. */
function concatCall(n: Node | null): Node | null {
  const u = unwrapExpr(n);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  return f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'concat' ? u : null;
}

/** The elements of a table: an array's, or those of each part of a concatenation (an array's elements, a name as the
 *  table it names: a spread); an object is a table of one row. */
function tableElements(arr: Node): Node[] {
  if (arr.type === 'object') return [arr];
  if (arr.type === 'array') return named(arr).filter((e) => e.type !== 'comment');
  const f = arr.childForFieldName('function')!;
  return [f.childForFieldName('object'), ...named(arr.childForFieldName('arguments') ?? arr)].flatMap((p0) => {
    const p = unwrapExpr(p0);
    return !p ? [] : p.type === 'array' ? named(p).filter((e) => e.type !== 'comment') : [p];
  });
}

/**
 * The rows function of a table (or of a definition object, a table of one row; or a concatenation of tables), made
 * once per array or object; null unless every element is a row, a spread, or shaped as a row whose method is no literal
 * HTTP method (`method: verb`: no route), and at least one row or spread of a name is there.
 */
export function rowsFunction(A: JsAnalyzer, name: string | null, arr: Node): Ref | null {
  const made = tables.get(A) ?? new Map<number, Ref>();
  tables.set(A, made);
  const done = made.get(arr.startIndex);
  if (done) return done.k === 'fn' ? done : null;
  made.set(arr.startIndex, { k: 'none', text: name ?? arr.type }); // not a table, unless found one below
  const concat = arr.type === 'call_expression';
  const els = tableElements(arr);
  if (!els.length || els.length > MAX_ELEMENTS) return null;
  const rows: Node[] = [];
  const spreads: Node[] = [];
  for (const e of els) {
    // a part of a concatenation that is a name is a table spread into it
    const s = e.type === 'spread_element' ? unwrapExpr(named(e)[0] ?? null) : concat && e.type !== 'object' ? e : null;
    if (s && (s.type === 'identifier' || s.type === 'member_expression')) spreads.push(s);
    else if (isRow(A, unwrapExpr(e) ?? e)) rows.push(unwrapExpr(e) ?? e);
    else if (!rowShaped(A, unwrapExpr(e) ?? e)) return null; // a row whose method is no literal HTTP method: no route
  }
  if (!rows.length && !spreads.length) return null;
  const id = A.fa.functions.length;
  A.fa.functions.push({ id, name, line: lineOf(arr), range: rangeOf(arr), params: ['router'], table: true });
  const ref: Ref = { k: 'fn', id };
  made.set(arr.startIndex, ref);
  const router: Ref = { k: 'param', fn: id, i: 0 };
  for (const row of rows) routeDefinition(A, router, row, { line: lineOf(row), range: rangeOf(row) }, 'js-method');
  for (const s of spreads) A.fa.calls.push({ callee: rowsOf(A, s), args: [router], line: lineOf(s) });
  return ref;
}

/** A module-level constant array (`export const routers = [users, items]`): its elements, and its routes if it is a table;
 *  a constant route definition object (`module.exports = { method, path, handler }`, ./jsRouteDefs) is a table of one row. */
export function constArray(A: JsAnalyzer, name: string, value: Node): void {
  arrayElements(A, name, value);
  const arr = literalArray(A, value, true) ?? literalObject(A, value) ?? concatCall(constValue(A, value));
  if (arr) jsRouteTable(A, name, arr);
}

/** The expression itself, or the value of the `const` it names. */
function constValue(A: JsAnalyzer, n: Node): Node | null {
  const u = unwrapExpr(n);
  return u?.type === 'identifier' ? soleConstValue(A, u.text, u) : u;
}

/** The tables of each analysis, by the offset of their array: the rows function, or `none` for an array that is no table. */
const tables = new WeakMap<JsAnalyzer, Map<number, Ref>>();

/** The rows function of the table `seq` names: one of this file's, an imported one, or a parameter's (its callers'). */
export function rowsOf(A: JsAnalyzer, seq: Node): Ref {
  const arr = seq.type === 'identifier' ? (literalArray(A, seq, true) ?? concatCall(soleConstValue(A, seq.text, seq))) : null;
  if (arr) jsRouteTable(A, seq.text, arr);
  return (arr && A.fa.exports[seq.text + TABLE_ROWS]) || { k: 'mem', base: A.refOf(seq), name: TABLE_ROWS };
}

/**
 * The rows functions a loop over `seq` calls per element: the table it names or writes in place (`[...a, ...b]`,
 * `a.concat(b)`); of an array of this file that is no table (`[getAll, { method, url, handler }]`), each element's own:
 * a row, a constant route object of this file or another module's (./jsRouteDefs), a table spread into it.
 */
function loopRows(A: JsAnalyzer, seq: Node): Ref[] {
  if (seq.type === 'identifier' || seq.type === 'member_expression') {
    const rows = rowsOf(A, seq);
    const arr = rows.k === 'fn' ? null : literalArray(A, seq, true);
    return arr ? elementRows(A, arr) : [rows];
  }
  const arr = seq.type === 'array' ? seq : concatCall(seq);
  const rows = arr ? rowsFunction(A, null, arr) : null;
  const handed = arr ? null : handedOut(A, seq);
  return rows ? [rows] : arr?.type === 'array' ? elementRows(A, arr) : handed ? [handed] : [];
}

/** `route.getRoutes()`: the rows of what a method without arguments hands out (a route collector's array, ./jsCollectors). */
function handedOut(A: JsAnalyzer, seq: Node): Ref | null {
  const f = seq.type === 'call_expression' ? seq.childForFieldName('function') : null;
  const args = seq.type === 'call_expression' ? seq.childForFieldName('arguments') : null;
  if (f?.type !== 'member_expression' || args?.type !== 'arguments' || named(args).some((a) => a.type !== 'comment')) return null;
  return { k: 'mem', base: { k: 'ret', callee: A.refOf(f) }, name: TABLE_ROWS };
}

/** The rows functions of each element of an array that is no table (see loopRows); an element that is none adds none. */
function elementRows(A: JsAnalyzer, arr: Node): Ref[] {
  return named(arr)
    .slice(0, MAX_ELEMENTS)
    .flatMap((e) => {
      const s = e.type === 'spread_element' ? unwrapExpr(named(e)[0] ?? null) : null;
      if (s) return s.type === 'identifier' || s.type === 'member_expression' ? [rowsOf(A, s)] : [];
      const d = definition(A, e);
      return d ? [d.k === 'fn' ? d : { k: 'mem' as const, base: d, name: TABLE_ROWS }] : [];
    });
}

/** `x.toLowerCase()` / `x.toUpperCase()`: `x`. */
export function caseless(n0: Node | null): Node | null {
  const n = unwrapExpr(n0);
  const f = n?.type === 'call_expression' ? n.childForFieldName('function') : null;
  const args = n?.type === 'call_expression' ? n.childForFieldName('arguments') : null;
  if (f?.type !== 'member_expression' || !args || named(args).length) return n;
  return /^to(?:Lower|Upper)Case$/.test(f.childForFieldName('property')?.text ?? '') ? unwrapExpr(f.childForFieldName('object')) : n;
}

/** The loop around `n` that binds names to each element of a sequence: `for (… of seq)` or `seq.forEach((…) => …)`. */
export function enclosingLoop(n: Node): { seq: Node; scope: Node } | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement' && p.childForFieldName('operator')?.text === 'of') {
      const seq = p.childForFieldName('right');
      return seq ? { seq, scope: p } : null;
    }
    if (isInlineFunction(p)) {
      const call = p.parent?.parent;
      const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
      const m = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : null;
      const seq = m === 'forEach' || m === 'map' ? fn!.childForFieldName('object') : null;
      return seq && named(p.parent!)[0]?.id === p.id ? { seq, scope: p } : null;
    }
  }
  return null;
}

/** Whether `e` is the loop's element itself (`route`), or an object spreading it and keeping its method, path and handler
 *  (`{ ...route, preHandler: auth }`). */
function wholeElement(A: JsAnalyzer, e0: Node, scope: Node): boolean {
  const e = unwrapExpr(e0);
  if (e?.type === 'identifier') return ofElement(A, e, scope);
  if (e?.type !== 'object' || ['method', 'url', 'path', 'handler'].some((k) => A.prop(e, k))) return false;
  const spread = named(e).filter((p) => p.type === 'spread_element');
  const x = spread.length === 1 ? unwrapExpr(named(spread[0]!)[0] ?? null) : null;
  return x?.type === 'identifier' && ofElement(A, x, scope);
}

/** Whether `e` is the loop's element or a property of it (`r.method`, `method` of `const { method } = route`). */
function ofElement(A: JsAnalyzer, e: Node | null, scope: Node): boolean {
  const loopPat = scope.type === 'for_in_statement' ? scope.childForFieldName('left') : null;
  if (loopPat?.type === 'object_pattern' && e?.type === 'identifier') {
    // `for (const { method, path, handler } of routes)`: a name the loop's pattern binds to one property of the element
    const hit = patternNames(loopPat).find((p) => p.name === e.text);
    return hit?.keys.length === 1 && A.lookup(e.text, e)?.k !== 'param'; // not a callback's own parameter of that name
  }
  let r: Ref | null = e && (e.type === 'identifier' || e.type === 'member_expression') ? A.refOf(e) : null;
  while (r?.k === 'mem') r = r.base;
  if (r?.k !== 'param') return false;
  const loopVar = scope.type === 'for_in_statement' ? scope.childForFieldName('left') : null;
  const body = scope.type === 'for_in_statement' ? scope.childForFieldName('body') : scope;
  const inner = body && named(body)[0];
  const el = loopVar?.type === 'identifier' && inner ? A.lookup(loopVar.text, inner) : null;
  return el ? el.k === 'param' && el.fn === r.fn : r.fn === A.fnId(scope, true);
}

/**
 * `router[method](path, handler)` in a loop over a table whose method is the element's: a call of the table's rows
 * with the router. Returns whether `call` was such a dispatch.
 */
export function tableDispatch(A: JsAnalyzer, call: Node): boolean {
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'subscript_expression' ? fn.childForFieldName('object') : null;
  const loop = recv ? enclosingLoop(call) : null;
  if (!loop || !ofElement(A, caseless(fn!.childForFieldName('index')), loop.scope)) return false;
  const seq = unwrapExpr(loop.seq);
  const rows = !seq ? null : seq.type === 'identifier' || seq.type === 'member_expression' ? rowsOf(A, seq) : handedOut(A, seq);
  if (!rows) return false;
  A.callEdge(call, rows, [recv!]);
  return true;
}

/**
 * Fastify `app.route(route)` (koa-joi-router `router.route(route)`) in a loop over a table of route objects
 * (`routes.forEach((route) => app.route(route))`, `for (const r of [...a, ...b]) app.route({ ...r, preHandler })`):
 * a call of the table's rows with the receiver, so each object is a route at its line, under the receiver's place.
 * Returns whether `call` was such a registration.
 */
export function tableRoute(A: JsAnalyzer, call: Node, recv: Node, arg: Node): boolean {
  const loop = enclosingLoop(call);
  if (!loop || !wholeElement(A, arg, loop.scope)) return false;
  const seq = unwrapExpr(loop.seq);
  for (const rows of seq ? loopRows(A, seq) : []) A.callEdge(call, rows, [recv]);
  return true;
}
