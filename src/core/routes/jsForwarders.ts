/**
 * A project wrapper object built around an app or router that forwards the verb methods to it: a function whose
 * returned object gets, for each HTTP method of a literal list, a function passing its first argument on as the path of
 * that method of one of the function's parameters (`for (const method of ['get', 'post']) wrapped[method] = (endpoint,
 * handler, rules) => protect(method, app, endpoint, handler, rules)`, where `protect(method, app, endpoint, …)` of this
 * file calls `app[method](endpoint, …)`), or an object literal of such functions (`return { get: (p, ...h) =>
 * router.get(p, ...h) }`). `firewall.post('/login', h)` on what `require('./firewall')(app)` returns then registers on
 * `app`: as far as routes go, the function returns that parameter (FuncDecl.returns). Every function the object gets
 * must forward so; anything else leaves the function as it was. Pure.
 */
import { jsStringLiteral as unquote, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import { ROUTE_METHODS } from './jsRegistrations';

/** The method a forwarding function calls: a verb written as a name (`router.get`), or the loop variable (`app[method]`). */
type Method = { verb: string } | { variable: string };

/**
 * Marks each function of the file that returns such a wrapper as returning the parameter it wraps, and drops the
 * registrations the wrapper's functions make on their own path parameter (`router.get(path, ...handlers)`): each call of
 * the wrapper is a route instead.
 */
export function forwardingWrappers(A: JsAnalyzer): void {
  const forwarding = new Set<number>();
  for (const decl of [...A.fa.functions]) {
    const fn = A.fnNode(decl.id);
    const ret = fn ? unwrapExpr(A.returnedExpr(fn) ?? null) : null;
    const fns: Node[] = [];
    const i = ret ? wrappedParam(A, fn!, ret, fns) : null;
    if (i === null) continue;
    decl.returns = { k: 'param', fn: decl.id, i };
    for (const f of fns) forwarding.add(A.fnId(f, true));
  }
  if (!forwarding.size) return;
  const kept = A.fa.routes.filter((r) => !('e' in r.path && r.path.ref?.k === 'param' && forwarding.has(r.path.ref.fn)));
  A.fa.routes.splice(0, A.fa.routes.length, ...kept);
}

/** The index of the parameter of `fn` the object `ret` forwards to, or null; `fns` gets the forwarding functions. */
function wrappedParam(A: JsAnalyzer, fn: Node, ret: Node, fns: Node[]): number | null {
  const params = jsParamNames(fn);
  const found: (number | null)[] = [];
  if (ret.type === 'object') {
    for (const p of named(ret)) {
      const k = p.type === 'pair' ? p.childForFieldName('key') : null;
      const verb = k ? (k.type === 'string' ? unquote(k) : k.text) : null;
      const v = unwrapExpr(p.childForFieldName('value'));
      if (!verb || !ROUTE_METHODS.includes(verb) || !v || !isInlineFunction(v)) return null;
      found.push(forwardsTo(A, v, { verb }, params));
      fns.push(v);
    }
  } else if (ret.type === 'identifier') {
    walk(fn.childForFieldName('body') ?? fn, (n) => {
      const v = verbLoopVar(A, n);
      if (!v) return;
      walk(n.childForFieldName('body') ?? n, (a) => {
        const f = assignedMethod(a, ret.text, v);
        if (!f) return;
        found.push(forwardsTo(A, f, { variable: v }, params));
        fns.push(f);
      });
      return false;
    });
  }
  const i = found[0];
  return i !== undefined && i !== null && found.every((x) => x === i) ? i : null;
}

/** `for (const method of ['get', 'post', …])` over HTTP methods only: the loop variable. */
function verbLoopVar(A: JsAnalyzer, n: Node): string | null {
  if (n.type !== 'for_in_statement' || n.childForFieldName('operator')?.text !== 'of') return null;
  let left = n.childForFieldName('left');
  if (left?.type === 'lexical_declaration' || left?.type === 'variable_declaration')
    left = named(left)[0]?.childForFieldName('name') ?? null;
  const right = n.childForFieldName('right');
  const els = right ? A.arrayElements(right) : null;
  const verbs = els?.map((e) => unquote(e));
  return left?.type === 'identifier' && verbs?.length && verbs.every((v) => v && ROUTE_METHODS.includes(v)) ? left.text : null;
}

/** `obj[method] = (endpoint, …) => …`: the function assigned. */
function assignedMethod(n: Node, obj: string, method: string): Node | null {
  if (n.type !== 'assignment_expression') return null;
  const left = n.childForFieldName('left');
  const right = unwrapExpr(n.childForFieldName('right'));
  const ok =
    left?.type === 'subscript_expression' &&
    left.childForFieldName('object')?.text === obj &&
    left.childForFieldName('index')?.text === method &&
    !!right &&
    isInlineFunction(right);
  return ok ? right : null;
}

/**
 * The index in `outer` of the parameter whose method `f` calls with its parameter `path` (by default its first) as the
 * path: directly (`app[method](endpoint, …)`, `router.get(p, …)`), or through one function of this file given the
 * three (`protect(method, app, endpoint, …)` calling `app[method](endpoint, …)` on its own parameters). Null otherwise.
 */
function forwardsTo(
  A: JsAnalyzer,
  f: Node,
  method: Method,
  outer: readonly (string | null)[],
  path = jsParamNames(f)[0],
  depth = 0,
): number | null {
  if (!path) return null;
  let out: number | null = null;
  walk(f.childForFieldName('body') ?? f, (n) => {
    if (out !== null || n.type !== 'call_expression') return out === null;
    const callee = n.childForFieldName('function');
    const args = named(n.childForFieldName('arguments') ?? n);
    if (callee?.type === 'member_expression' || callee?.type === 'subscript_expression') {
      const m = callee.childForFieldName(callee.type === 'member_expression' ? 'property' : 'index');
      const called = 'verb' in method ? callee.type === 'member_expression' && m?.text === method.verb : m?.text === method.variable;
      const i = outer.indexOf(callee.childForFieldName('object')?.text ?? null);
      if (called && i >= 0 && args[0]?.type === 'identifier' && args[0].text === path && args.slice(1).some(isHandler)) out = i;
    } else if (callee?.type === 'identifier' && depth === 0 && 'variable' in method)
      out = throughHelper(A, callee, args, method.variable, outer, path);
    return out === null;
  });
  return out;
}

/** A handler passed on: a function written in place, or a name (`endpointHandler`, `...handlers`); a key-value store's
 *  `store.get(key)` passes none. */
function isHandler(a: Node): boolean {
  const u = a.type === 'spread_element' ? named(a)[0] : a;
  return !!u && (isInlineFunction(u) || u.type === 'identifier');
}

/** `protect(method, app, endpoint, …)`: the helper's parameters at those places, the helper forwarding on them. */
function throughHelper(
  A: JsAnalyzer,
  callee: Node,
  args: readonly Node[],
  method: string,
  outer: readonly (string | null)[],
  path: string,
): number | null {
  const ref = A.lookup(callee.text, callee);
  const g = ref?.k === 'fn' ? A.fnNode(ref.id) : undefined;
  if (!g) return null;
  const at = (name: string | null): number => args.findIndex((a) => a.type === 'identifier' && a.text === name);
  const io = args.findIndex((a) => a.type === 'identifier' && outer.includes(a.text));
  const [im, ip] = [at(method), at(path)];
  if (im < 0 || ip < 0 || io < 0) return null;
  const gp = jsParamNames(g);
  const inner = forwardsTo(A, g, { variable: gp[im] ?? '' }, gp, gp[ip], 1);
  return inner === io ? outer.indexOf(args[io]!.text) : null;
}
