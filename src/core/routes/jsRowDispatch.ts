/**
 * A project helper that registers each row of the route table it is given (`generateRouter([{ method: 'POST', path:
 * '/register', handler }, …])`), read from its body: a loop (`for…of`, `forEach`, `map`) over one of its parameters (or
 * a parameter's property) whose element's method and path (`el.method`, `{ method, path }`, `route.url`) the router is
 * called with, as `router[el.method.toLowerCase()](el.path, …)`, `router.on(method, path, …)`, or `router.get(path, …)`
 * in the branch of a `switch (method)` / `if (method === 'GET')` chain that selects that method (a row of another method
 * is registered by no branch). The router is one the helper is given, or one it makes and returns (each call's own:
 * ./jsRouteDefs, slot `ret`). Pure.
 */
import { jsStringLiteral as unquote, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { jsBareParameter, unwrapExpr } from '../parsing/javascript';
import { toMethod } from './common';
import type { JsAnalyzer } from './javascript';
import { patternNames } from './jsPatterns';
import { ROUTE_METHODS } from './jsRegistrations';
import { caseless, enclosingLoop } from './jsRouteTables';
import type { HttpMethod } from './types';

/** Nodes of a helper's body read at most (a larger function is no such helper). */
const MAX_NODES = 5000;

/** The keys a row's path is read from. */
const PATH_KEYS = new Set(['path', 'url']);

type ElementLoop = { seq: Node; scope: Node };

/** How a helper registers each row: on `recv`; `only`: the methods its branches register (null: every method); `verbs`:
 *  the branch calls (`router.get(path, …)`), each a route of its own whose path is unknown until a call's rows are read. */
export interface RowDispatch {
  recv: Node;
  only: HttpMethod[] | null;
  verbs: Node[];
}

/** The loop's element as written: the `for…of` variable or pattern, or the callback's first parameter. */
function loopHead(scope: Node): Node | null {
  if (scope.type === 'for_in_statement') return scope.childForFieldName('left');
  const p = jsBareParameter(scope) ?? named(scope.childForFieldName('parameters') ?? scope).find((x) => x.type !== 'comment') ?? null;
  return p && /^(?:required|optional)_parameter$/.test(p.type) ? p.childForFieldName('pattern') : p;
}

/** The property of the loop's element `n0` reads (`el.path`, `path` of `{ path }` or of `const { path } = el`), or null. */
function elementKey(A: JsAnalyzer, loop: ElementLoop, n0: Node | null): string | null {
  const n = caseless(n0);
  const head = loopHead(loop.scope);
  if (!n || !head) return null;
  if (n.type === 'identifier' && head.type === 'object_pattern') {
    const hit = patternNames(head).find((p) => p.name === n.text);
    return hit?.keys.length === 1 ? hit.keys[0]! : null;
  }
  if (head.type !== 'identifier' || (n.type !== 'identifier' && n.type !== 'member_expression')) return null;
  const el = A.lookup(head.text, n);
  const r = A.refOf(n);
  return r.k === 'mem' && r.base.k === 'param' && el?.k === 'param' && r.base.fn === el.fn && r.base.i === el.i ? r.name : null;
}

/** Whether the loop reads a parameter of `F` (or a property of one). */
function overParam(A: JsAnalyzer, F: Node, loop: ElementLoop): boolean {
  let r = A.refOf(unwrapExpr(loop.seq));
  while (r.k === 'mem') r = r.base;
  return r.k === 'param' && r.fn === A.fnId(F);
}

/** `m === 'GET'`, `'GET' == m`, `m === 'GET' || m === 'HEAD'` on the element's method: those methods; else null. */
function methodTest(A: JsAnalyzer, loop: ElementLoop, c0: Node | null, depth = 0): HttpMethod[] | null {
  const c = unwrapExpr(c0);
  if (c?.type !== 'binary_expression' || depth > 8) return null;
  const op = c.childForFieldName('operator')?.text;
  const [l, r] = [c.childForFieldName('left'), c.childForFieldName('right')];
  if (op === '||') {
    const a = methodTest(A, loop, l, depth + 1);
    const b = a && methodTest(A, loop, r, depth + 1);
    return a && b ? [...a, ...b] : null;
  }
  if (op !== '===' && op !== '==') return null;
  const lit = [l, r].find((x) => x?.type === 'string');
  const other = [l, r].find((x) => x !== lit) ?? null;
  const m = lit ? toMethod(unquote(lit) ?? '') : null;
  return m && elementKey(A, loop, other) === 'method' ? [m] : null;
}

/** The labels of `case 'GET':` (with the empty cases that fall through into it) as methods; null for `default` or a
 *  label that is no HTTP method. */
function caseMethods(sc: Node): HttpMethod[] | null {
  const cases = sc.parent ? named(sc.parent) : [sc];
  const out: HttpMethod[] = [];
  for (let i = cases.findIndex((x) => x.id === sc.id); i >= 0 && cases[i]!.type === 'switch_case'; i--) {
    const v = cases[i]!.childForFieldName('value');
    if (out.length && named(cases[i]!).some((x) => x.id !== v?.id && x.type !== 'comment')) break; // a case with a body: no fall-through
    const m = v?.type === 'string' ? toMethod(unquote(v) ?? '') : null;
    if (!m) return null;
    out.push(m);
  }
  return out;
}

/** The methods the branch around `call` selects (nearest `case` of a switch on the element's method, or `if` testing it
 *  whose consequence holds the call); null when none does. */
function guardMethods(A: JsAnalyzer, loop: ElementLoop, call: Node): HttpMethod[] | null {
  for (let c = call, p = call.parent; p && p.id !== loop.scope.id; c = p, p = p.parent) {
    if (p.type === 'switch_case' && p.childForFieldName('value')?.id !== c.id) {
      const sw = p.parent?.parent;
      if (sw?.type === 'switch_statement' && elementKey(A, loop, sw.childForFieldName('value')) === 'method') return caseMethods(p);
    }
    if (p.type === 'if_statement' && p.childForFieldName('consequence')?.id === c.id) {
      const ms = methodTest(A, loop, p.childForFieldName('condition'));
      if (ms) return ms;
    }
  }
  return null;
}

/**
 * How helper `F` registers each row it is given (see the top of this file), or null: no such registration, receivers
 * that differ, or a call of the element's path whose method no branch selects (`default: router.all(path, …)`).
 */
export function rowDispatch(A: JsAnalyzer, F: Node): RowDispatch | null {
  const body = F.childForFieldName('body');
  let recv: Node | null = null;
  let only: HttpMethod[] | null = [];
  const verbs: Node[] = [];
  let bad = false;
  let count = 0;
  const take = (r: Node | null, ms: HttpMethod[] | null): void => {
    if (!r || (recv && recv.text !== r.text)) bad = true;
    recv ??= r;
    only = only && ms ? [...new Set([...only, ...ms])] : null;
  };
  if (body)
    walk(body, (n) => {
      if (bad || ++count > MAX_NODES) return false;
      if (n.type !== 'call_expression') return true;
      const fn = n.childForFieldName('function');
      const argv = named(n.childForFieldName('arguments') ?? n).filter((a) => a.type !== 'comment');
      const loop = fn?.type === 'subscript_expression' || fn?.type === 'member_expression' ? enclosingLoop(n) : null;
      if (!loop || argv.length < 2 || !overParam(A, F, loop)) return true;
      const key = (x: Node | undefined): string | null => (x ? elementKey(A, loop, x) : null);
      if (fn!.type === 'subscript_expression') {
        // `router[el.method.toLowerCase()](el.path, …)`
        if (key(fn!.childForFieldName('index') ?? undefined) === 'method' && PATH_KEYS.has(key(argv[0]) ?? ''))
          take(fn!.childForFieldName('object'), null);
        return true;
      }
      const m = fn!.childForFieldName('property')?.text ?? '';
      if (m === 'on' && argv.length >= 3 && key(argv[0]) === 'method' && PATH_KEYS.has(key(argv[1]) ?? ''))
        take(fn!.childForFieldName('object'), null); // Hono `router.on(method, path, …)`
      else if (ROUTE_METHODS.includes(m) && PATH_KEYS.has(key(argv[0]) ?? '')) {
        // `case 'GET': router.get(path, …)`: the branch's method, which must be the one it registers
        const ms = guardMethods(A, loop, n);
        if (!ms?.length || ms.some((x) => x !== toMethod(m))) bad = true;
        else {
          take(fn!.childForFieldName('object'), ms);
          verbs.push(n);
        }
      }
      return true;
    });
  return !bad && recv ? { recv, only, verbs } : null;
}

/** `const router = new Hono(); …; return router`: `recv` names an object `F` makes and returns (each call's own). */
export function madeAndReturned(A: JsAnalyzer, F: Node, recv: Node): boolean {
  const u = unwrapExpr(recv);
  const r = u?.type === 'identifier' ? A.refOf(u) : null;
  const o = r?.k === 'obj' ? A.fa.objects[r.id] : undefined;
  const first = F.startPosition.row + 1;
  if (!o || o.line < first || o.line > F.endPosition.row + 1) return false;
  const id = A.fnId(F);
  A.computeReturns(id);
  const ret = A.fa.functions[id]?.returns;
  return ret?.k === 'obj' && r?.k === 'obj' && ret.id === r.id;
}
