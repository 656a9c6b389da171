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
import { TABLE_ROWS, toMethod } from './common';
import type { Ref } from './model';
import { MAX_ELEMENTS } from './loops';
import type { JsAnalyzer } from './javascript';
import { routeDefinition } from './jsRegistrations';
import { constArray as arrayElements, literalArray, literalObject } from './jsValues';

/** A row: an object with a literal method and a path written as a `/…` string (`path` or `url`), and a handler. */
function isRow(A: JsAnalyzer, row: Node): boolean {
  if (row.type !== 'object') return false;
  const method = A.prop(row, 'method');
  const url = A.prop(row, 'path') ?? A.prop(row, 'url');
  const p = url ? A.evalStr(url) : null;
  const m = method ? A.evalStr(method) : null;
  return !!A.prop(row, 'handler') && !!m && 's' in m && !!toMethod(m.s) && !!p && 's' in p && p.s.startsWith('/');
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

/**
 * The rows function of a table (or of a definition object, a table of one row), made once per array or object; null
 * unless every element is a row or a spread, and at least one row or spread of a name is there.
 */
export function rowsFunction(A: JsAnalyzer, name: string | null, arr: Node): Ref | null {
  const made = tables.get(A) ?? new Map<number, Ref>();
  tables.set(A, made);
  const done = made.get(arr.startIndex);
  if (done) return done.k === 'fn' ? done : null;
  made.set(arr.startIndex, { k: 'none', text: name ?? arr.type }); // not a table, unless found one below
  const els = arr.type === 'object' ? [arr] : named(arr).filter((e) => e.type !== 'comment');
  if (!els.length || els.length > MAX_ELEMENTS) return null;
  const rows: Node[] = [];
  const spreads: Node[] = [];
  for (const e of els) {
    const s = e.type === 'spread_element' ? unwrapExpr(named(e)[0] ?? null) : null;
    if (s && (s.type === 'identifier' || s.type === 'member_expression')) spreads.push(s);
    else if (isRow(A, unwrapExpr(e) ?? e)) rows.push(unwrapExpr(e) ?? e);
    else return null;
  }
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
  const arr = literalArray(A, value, true) ?? literalObject(A, value);
  if (arr) jsRouteTable(A, name, arr);
}

/** The tables of each analysis, by the offset of their array: the rows function, or `none` for an array that is no table. */
const tables = new WeakMap<JsAnalyzer, Map<number, Ref>>();

/** The rows function of the table `seq` names: one of this file's, an imported one, or a parameter's (its callers'). */
function rowsOf(A: JsAnalyzer, seq: Node): Ref {
  const arr = seq.type === 'identifier' ? literalArray(A, seq, true) : null;
  if (arr) jsRouteTable(A, seq.text, arr);
  return (arr && A.fa.exports[seq.text + TABLE_ROWS]) || { k: 'mem', base: A.refOf(seq), name: TABLE_ROWS };
}

/** The loop around `n` that binds names to each element of a sequence: `for (… of seq)` or `seq.forEach((…) => …)`. */
function enclosingLoop(n: Node): { seq: Node; scope: Node } | null {
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

/** Whether `e` is the loop's element or a property of it (`r.method`, `method` of `const { method } = route`). */
function ofElement(A: JsAnalyzer, e: Node | null, scope: Node): boolean {
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
  if (!loop || !ofElement(A, fn!.childForFieldName('index'), loop.scope)) return false;
  const seq = unwrapExpr(loop.seq);
  if (!seq || (seq.type !== 'identifier' && seq.type !== 'member_expression')) return false;
  A.callEdge(call, rowsOf(A, seq), [recv!]);
  return true;
}
