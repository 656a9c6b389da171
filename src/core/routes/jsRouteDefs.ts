/**
 * Route definitions collected and registered by a project function: modules that each export one definition object
 * (`module.exports = { method: 'DELETE', path: '/deleteAccount', schema, handler }`, a one-row route table of
 * ./jsRouteTables) passed in an array to a function or a Fastify decorated method that registers what it is given:
 * `fastify.service({ operations: [getProfile, deleteAccount] })` where `fastify.decorate('service', Service)` and
 * `Service` calls `this.register(async (s) => operations.forEach((o) => s.operation({ auth, ...o })))`, `operation`
 * decorated with a function calling `this.route(router)`; `registerRoutes(router, [list, create])` whose body calls
 * `router[r.method](r.path, r.handler)`. A registrar is read from its body: `R.route(x)` with `x` not written there (a
 * name, a member, an object spreading one), `R[x.method](…)`, or a call of another registrar of the same file (decorated,
 * or a function), on `this`, on a parameter, or on the parameter of a plugin it registers (`this.register(async (s) =>
 * …)`); or a loop over its parameter registering each row by the row's method (./jsRowDispatch: `R.on(m, p, …)`, the
 * `case 'GET': R.get(path, …)` branches, also on a router it makes and returns, `generateRouter([{ method, path,
 * handler }])`: each call's own object). The call then registers each definition (a table spread into the array too) on
 * what the registrar registers on (its receiver, an argument, or the object the call makes): the definition's rows
 * called with it (routeDefEdges, resolve time; only the methods the branches select), so the prefix is the one of the
 * plugin or router the call is made on. A definition passed to anything else stays no route. Pure.
 */
import { jsStringLiteral as unquote, lineOf, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { TABLE_ROWS } from './common';
import { MAX_ELEMENTS } from './loops';
import type { JsAnalyzer } from './javascript';
import { literalArray, literalObject } from './jsValues';
import { rowsFunction, rowsOf } from './jsRouteTables';
import type { CallEdge, FileAnalysis, Ref } from './model';
import { madeAndReturned, rowDispatch } from './jsRowDispatch';
import { selfObject } from './jsCollectors';
import { OTHER_METHODS, ROUTE_METHODS } from './jsRegistrations';
import type { HttpMethod } from './types';
import type { Ent } from './values';

type Slot = number | 'this' | 'ret';

/** Nodes of a registrar's body read at most (a larger function is no registrar). */
const MAX_NODES = 5000;

/** Text of a function that may register what it is given (`.route(`, `router[d.method](`). */
const MAY_REGISTER = /\.route\s*\(|\]\s*\(/;

/** Text of a function that may register each row it is given by its method (`.on(`, `.get(` in a branch: ./jsRowDispatch). */
const MAY_DISPATCH = /\.(?:on|get|post|put|patch|delete|del|head|options|all)\s*\(/;

/** `x.decorate('name', fn)` of each analysis, read at the end (a registrar may call a method decorated after it). */
const decorates = new WeakMap<JsAnalyzer, [string, Node][]>();

/** Fastify `fastify.decorate('service', Service)` (a function of this file, or written in place). */
export function decorateCall(A: JsAnalyzer, n: Node): void {
  const [name, value] = named(n.childForFieldName('arguments') ?? n);
  const s = name?.type === 'string' ? unquote(name) : null;
  const fn = value ? functionNode(A, value) : null;
  if (!s || !fn) return;
  const list = decorates.get(A) ?? [];
  decorates.set(A, list);
  list.push([s, fn]);
}

/** The function `n` is or names (a function of this file). */
function functionNode(A: JsAnalyzer, n: Node): Node | null {
  const u = unwrapExpr(n);
  if (u && JS_FUNCTION_TYPES.has(u.type)) return u;
  const r = u?.type === 'identifier' ? A.refOf(u) : null;
  return r?.k === 'fn' ? (A.fnNode(r.id) ?? null) : null;
}

/** The arrays a call's argument holds: the argument itself or a property of an object literal, written in place or a
 *  constant of this file (`const routes = [list, create]`). */
function arraysIn(A: JsAnalyzer, a: Node): Node[] {
  const u = unwrapExpr(a);
  const arr = literalArray(A, u, true);
  if (arr || u?.type !== 'object') return arr ? [arr] : [];
  return named(u).flatMap((p) => {
    const v = p.type === 'pair' ? literalArray(A, p.childForFieldName('value'), true) : null;
    return v ? [v] : [];
  });
}

/** A definition an array element is: an imported value, or the rows of an object literal written here (./jsRouteTables). */
export function definition(A: JsAnalyzer, e: Node): Ref | null {
  const u = unwrapExpr(e);
  const obj = u && literalObject(A, u);
  if (obj) return rowsFunction(A, u.type === 'identifier' ? u.text : null, obj);
  const r = u?.type === 'identifier' || u?.type === 'member_expression' ? A.refOf(u) : null;
  return r?.k === 'imp' || (r?.k === 'mem' && r.base.k === 'imp') ? r : null;
}

/** A table spread into an array of definitions (`[...authRoutes, { method, path, handler }]`): its rows, of this file or
 *  of the module it is imported from. */
function spreadTable(A: JsAnalyzer, e: Node): Ref | null {
  const s = e.type === 'spread_element' ? unwrapExpr(named(e)[0] ?? null) : null;
  const rows = s?.type === 'identifier' || s?.type === 'member_expression' ? rowsOf(A, s) : null;
  return rows?.k === 'fn' ? rows : rows?.k === 'mem' && (rows.base.k === 'imp' || rows.base.k === 'mem') ? rows.base : null;
}

/** Whether the value of call `n` is kept (not a statement of its own). */
function kept(n: Node): boolean {
  const p = n.parent?.type === 'await_expression' ? n.parent.parent : n.parent;
  return !!p && p.type !== 'expression_statement';
}

/** A call passing route definitions in an array (`fastify.service({ operations: [getProfile] })`): a DefCall. */
export function defCall(A: JsAnalyzer, n: Node): void {
  const args = n.childForFieldName('arguments');
  if (args?.type !== 'arguments') return;
  const els = named(args)
    .flatMap((a) => arraysIn(A, a))
    .flatMap((arr) => named(arr).filter((e) => e.type !== 'comment'))
    .slice(0, MAX_ELEMENTS);
  recordDefs(A, n, els, false);
}

/**
 * A method call passing route rows as its arguments themselves (`route.addRoutes(...routes)`, `this.addRoutes({ method,
 * url, handler }, …)`): a DefCall read only when the method collects rows (./jsCollectors). Not a framework's own
 * registration method (./jsRegistrations reads those).
 */
export function rowArgsCall(A: JsAnalyzer, n: Node): void {
  const fn = n.childForFieldName('function');
  const args = n.childForFieldName('arguments');
  const m = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : '';
  if (!m || args?.type !== 'arguments' || ROUTE_METHODS.includes(m) || OTHER_METHODS.includes(m)) return;
  const els = named(args).filter((a) => a.type === 'object' || a.type === 'spread_element');
  if (els.length) recordDefs(A, n, els.slice(0, MAX_ELEMENTS), true);
}

function recordDefs(A: JsAnalyzer, n: Node, els: Node[], direct: boolean): void {
  const fn = n.childForFieldName('function');
  if (!fn) return;
  const defs = els.flatMap((e) => definition(A, e) ?? spreadTable(A, e) ?? []);
  if (!defs.length) return;
  const made = kept(n) ? A.refOf(n) : null;
  const recv = fn.type === 'member_expression' ? fn.childForFieldName('object') : null;
  const ref = (a: Node): Ref | null => {
    const u = unwrapExpr(a);
    return u?.type === 'identifier' || u?.type === 'member_expression' ? A.refOf(u) : null;
  };
  // `this.addRoutes(…)` in a class's method: the object standing for each instance (./jsCollectors)
  const self = recv ? A.refOf(recv) : null;
  (A.fa.defCalls ??= []).push({
    callee: A.refOf(fn),
    ...(recv
      ? { method: fn.childForFieldName('property')?.text ?? '', self: self?.k === 'self' ? selfObject(A, n, self.cls) : self! }
      : {}),
    args: named(n.childForFieldName('arguments') ?? n).map(ref),
    defs,
    ...(defs.length < els.length ? { partial: true as const } : {}),
    ...(made?.k === 'obj' ? { made } : {}),
    ...(direct ? { direct: true as const } : {}),
    line: lineOf(n),
  });
}

/** Where `r`, written in registrar `F`, is: `this` of F, a parameter of F, or the parameter of a plugin F registers. */
function slotOf(F: Node, r: Node | null | undefined, depth = 0): Slot | null {
  const u = unwrapExpr(r ?? null);
  if (!u || depth > 4) return null;
  for (let p = u.parent; p; p = p.parent) {
    if (!JS_FUNCTION_TYPES.has(p.type)) continue;
    if (u.type === 'this') {
      if (p.type === 'arrow_function' && p.id !== F.id) continue;
      return p.id === F.id && p.type !== 'arrow_function' ? 'this' : null;
    }
    const i = u.type === 'identifier' ? jsParamNames(p).indexOf(u.text) : -1;
    if (i >= 0 && p.id === F.id) return i;
    if (i >= 0) {
      // `this.register(async (service) => { … })`: the plugin's instance is a child of the receiver
      const call = p.parent?.type === 'arguments' && named(p.parent)[0]?.id === p.id ? p.parent.parent : null;
      const cf = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
      const reg = i === 0 && cf?.type === 'member_expression' && cf.childForFieldName('property')?.text === 'register';
      return reg ? slotOf(F, cf.childForFieldName('object'), depth + 1) : null;
    }
    if (p.id === F.id) return null;
  }
  return null;
}

/** What `route(x)` registers is passed in: a name, a member, or an object spreading one (`{ ...def, handler }`). */
function passedIn(a: Node | undefined): boolean {
  const u = unwrapExpr(a ?? null);
  if (u?.type === 'identifier' || u?.type === 'member_expression') return true;
  return u?.type === 'object' && named(u).some((p) => p.type === 'spread_element');
}

/** Registrar slots of the functions of each analysis (null while being read: a recursive call is no registrar). */
const slots = new WeakMap<JsAnalyzer, Map<number, Slot | null>>();
/** The methods a registrar's branches register (FuncDecl.registersOnly), by its node. */
const onlys = new WeakMap<JsAnalyzer, Map<number, HttpMethod[]>>();

/**
 * A registrar of each row it is given (./jsRowDispatch): the slot of its router (a parameter, `this`, or the one it makes
 * and returns), its methods when branches select them, and its branch calls marked as routes of each row (RawRoute.byRow).
 */
function rowRegistrar(A: JsAnalyzer, F: Node): Slot | null {
  const d = rowDispatch(A, F);
  const s = d ? (slotOf(F, d.recv) ?? (madeAndReturned(A, F, d.recv) ? 'ret' : null)) : null;
  if (s === null) return null;
  if (d!.only) {
    const m = onlys.get(A) ?? new Map<number, HttpMethod[]>();
    onlys.set(A, m.set(F.id, d!.only));
  }
  // the route each branch call made (./jsRegistrations verbRoute: its range starts at the method's name)
  const at = new Set(
    d!.verbs.map((v) => {
      const p = v.childForFieldName('function')!.childForFieldName('property')!.startPosition;
      return `${p.row + 1}:${p.column}`;
    }),
  );
  const id = A.fnId(F);
  for (const r of A.fa.routes) if (at.has(`${r.range.start.line}:${r.range.start.column}`)) r.byRow = id;
  return s;
}

/** Where registrar `F` registers what it is given (see the top of this file), or null when it is none. */
function registrar(A: JsAnalyzer, F: Node, local: ReadonlyMap<string, Node>): Slot | null {
  const memo = slots.get(A) ?? new Map<number, Slot | null>();
  slots.set(A, memo);
  if (memo.has(F.id)) return memo.get(F.id)!;
  memo.set(F.id, null);
  const rows = rowRegistrar(A, F);
  if (rows !== null) {
    memo.set(F.id, rows);
    return rows;
  }
  const body = F.childForFieldName('body');
  let out: Slot | null = null;
  let count = 0;
  if (body)
    walk(body, (n) => {
      if (out !== null || ++count > MAX_NODES) return false;
      if (n.type !== 'call_expression') return true;
      const fn = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      const argv = args?.type === 'arguments' ? named(args) : [];
      if (fn?.type === 'subscript_expression') {
        // `router[r.method](r.path, r.handler)`, `router[d.method.toLowerCase()](…)`
        const idx = unwrapExpr(fn.childForFieldName('index'));
        if (argv.length >= 2 && /^(member_expression|identifier|call_expression)$/.test(idx?.type ?? ''))
          out = slotOf(F, fn.childForFieldName('object'));
        return true;
      }
      const m = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : undefined;
      if (m === 'route' && argv.length === 1 && passedIn(argv[0])) out = slotOf(F, fn!.childForFieldName('object'));
      // a registrar of this file called here: what it registers on is this call's receiver or argument
      const g = m !== undefined ? local.get(m) : fn ? functionNode(A, fn) : null;
      const s = g && g.id !== F.id ? registrar(A, g, local) : null;
      if (out === null && s !== null && s !== 'ret' && (s !== 'this' || m !== undefined))
        out = slotOf(F, s === 'this' ? fn!.childForFieldName('object') : argv[s]);
      return true;
    });
  memo.set(F.id, out);
  return out;
}

/** The registrars of this file: its decorated methods (FileAnalysis.decorated), and the functions it exports or calls
 *  with route definitions (FuncDecl.registers). */
export function registrars(A: JsAnalyzer): void {
  const local = new Map(decorates.get(A) ?? []);
  for (const [name, fn] of local) {
    const s = registrar(A, fn, local);
    if (s !== null && s !== 'ret') (A.fa.decorated ??= {})[name] = s; // a decorated method returns no router of its own
  }
  const fns = new Set<number>();
  for (const r of [...Object.values(A.fa.exports), ...(A.fa.defCalls ?? []).map((d) => d.callee)]) if (r.k === 'fn') fns.add(r.id);
  for (const id of fns) {
    const node = A.fnNode(id);
    // read only a function that may register (`.route(`, `](`, or a call of a decorated method of this file)
    const may = node && (MAY_REGISTER.test(node.text) || [...local.keys()].some((k) => node.text.includes(`.${k}(`)));
    const s = may ? registrar(A, node, local) : node && MAY_DISPATCH.test(node.text) ? rowRegistrar(A, node) : null;
    const only = node ? onlys.get(A)?.get(node.id) : undefined;
    if (s !== null) Object.assign(A.fa.functions[id]!, { registers: s }, only ? { registersOnly: only } : {});
  }
}

/**
 * The calls a DefCall makes once its callee is known to register route definitions (a function of the project, or a
 * method some file decorates with a registrar): the rows of each definition called with what the registrar registers on.
 */
export function routeDefEdges(
  files: ReadonlyMap<string, FileAnalysis>,
  resolve: (file: string, r: Ref) => Ent | null,
): { from: string; c: CallEdge }[] {
  const decorated = new Map<string, Slot>();
  for (const fa of files.values()) for (const [name, s] of Object.entries(fa.decorated ?? {})) decorated.set(name, s);
  const out: { from: string; c: CallEdge }[] = [];
  // `group.add(a).add(b)`: a method returning `this` gives the object it is called on
  const fluent = (file: string, r: Ref | undefined, depth = 0): Ref | undefined => {
    const o = r?.k === 'obj' ? files.get(file)?.objects[r.id] : undefined;
    const m = o?.via?.k === 'ret' && o.via.callee.k === 'mem' ? o.via.callee : null;
    const f = m && depth < 8 ? resolve(file, m) : null;
    const self = f?.t === 'fn' && files.get(f.file)?.functions[f.id]?.returns?.k === 'self';
    return self ? fluent(file, m!.base, depth + 1) : r;
  };
  for (const fa of files.values())
    for (const dc of fa.defCalls ?? []) {
      const e = resolve(fa.file, dc.callee);
      const f = e?.t === 'fn' ? files.get(e.file)?.functions[e.id] : undefined;
      if (dc.direct && !f?.collects) continue; // rows as arguments: only to a method collecting them (./jsCollectors)
      const slot = f ? f.registers : dc.method !== undefined ? decorated.get(dc.method) : undefined;
      const recv = slot === undefined ? null : slot === 'this' ? fluent(fa.file, dc.self) : slot === 'ret' ? dc.made : dc.args[slot];
      const only = f?.registersOnly ? { methods: f.registersOnly } : {};
      // an imported definition's rows are its module's; one written in the calling file is its rows function
      const rows = (d: Ref): Ref => (d.k === 'fn' ? d : { k: 'mem', base: d, name: TABLE_ROWS });
      if (recv) for (const d of dc.defs) out.push({ from: fa.file, c: { callee: rows(d), args: [recv], line: dc.line, ...only } });
    }
  return out;
}
