/**
 * JS/TS calls of every property value of an object (see callGraph.ts): `for (const k in routes) routes[k](app)` and
 * `Object.keys(routes).forEach((k) => routes[k](app))` (also behind a `hasOwnProperty` guard) call each value with the
 * arguments as written; the object imported or of this file (`module.exports = { account, admin }`, each a loader
 * `(app) => app.use('/admin', admin)`). `Object.values(routes).forEach((f) => f(app))` is a callback called with each
 * value (./jsCalls: objectOfValues). Outside such a loop, a call through a computed key (`services[name](app)`, also of
 * what it returns: `(await services[name]()).default(app)` over lazy loaders `{ web: () => import('./web') }`) is a
 * call of whichever value the key names: each of them (ANY_PROP, expanded by callGraph.ts). Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { ANY_PROP, type Ref } from './model';
import type { JsAnalyzer } from './javascript';

/** `routes[k](app)` in a loop over the keys of `routes`: recorded as a call of each of its values (true when it is one). */
export function keyedCall(A: JsAnalyzer, n: Node, fn: Node, argv: readonly Node[]): boolean {
  if (fn.type !== 'subscript_expression') return false;
  const obj = unwrapExpr(fn.childForFieldName('object'));
  const k = unwrapExpr(fn.childForFieldName('index'));
  if ((obj?.type !== 'identifier' && obj?.type !== 'member_expression') || k?.type !== 'identifier') return false;
  if (!keyLoopOver(fn, k.text, obj.text)) return false;
  const each = A.refOf(obj);
  const edge = A.callEdge(n, each, argv);
  if (edge) Object.assign(edge, { each, props: true, direct: true });
  return true;
}

/** `Object.values(x)` (unwrapped): the object `x`; else null. */
export function objectOfValues(n: Node): Node | null {
  const u = unwrapExpr(n);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  if (f?.type !== 'member_expression' || f.childForFieldName('object')?.text !== 'Object') return null;
  return f.childForFieldName('property')?.text === 'values' ? (named(u!.childForFieldName('arguments')!)[0] ?? null) : null;
}

/** Whether the nearest binding of `k` around `n` is the key of a loop over the object written `obj`. */
function keyLoopOver(n: Node, k: string, obj: string): boolean {
  return keyLoop(n, k) === obj;
}

/** The object (its text) whose keys the nearest binding of `k` around `n` is the key of: `for (const k in obj)`, or the
 *  parameter of an `Object.keys(obj).forEach((k) => …)` callback; null when `k` is bound otherwise. */
function keyLoop(n: Node, k: string): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_in_statement' && p.childForFieldName('left')?.text === k)
      return p.childForFieldName('operator')?.text === 'in' ? (unwrapExpr(p.childForFieldName('right'))?.text ?? null) : null;
    if (!isInlineFunction(p) || !jsParamNames(p).includes(k)) continue;
    if (jsParamNames(p)[0] !== k) return null;
    const call = p.parent?.type === 'arguments' ? p.parent.parent : null;
    const f = call?.childForFieldName('function');
    const keys =
      f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'forEach'
        ? unwrapExpr(f.childForFieldName('object'))
        : null;
    const kf = keys?.type === 'call_expression' ? keys.childForFieldName('function') : null;
    return kf?.text === 'Object.keys' ? (unwrapExpr(named(keys!.childForFieldName('arguments')!)[0] ?? null)?.text ?? null) : null;
  }
  return null;
}

/**
 * The function a call of `obj[key]` calls: `obj.<key>` for a key known statically (a string, a loop's element unrolled),
 * any of its values (ANY_PROP) for one read at run time (`services[name]`, `services[name as keyof typeof services]`, a
 * key of `obj` itself, a configuration's default); null when `fn` is no such subscript, or when the key is one of another object's keys (`for (const
 * k in enabled) spare[k](app)`: those names, not the values of `obj`).
 */
export function keyedCallee(A: JsAnalyzer, fn: Node): Ref | null {
  if (fn.type !== 'subscript_expression') return null;
  const obj = unwrapExpr(fn.childForFieldName('object'));
  const k = unwrapExpr(fn.childForFieldName('index'));
  if ((obj?.type !== 'identifier' && obj?.type !== 'member_expression') || !k || k.type === 'number') return null;
  const v = A.evalStr(k);
  if ('s' in v && !v.src) return { k: 'mem', base: A.refOf(obj), name: v.s }; // (a configured default: any key)
  const keysOf = k.type === 'identifier' ? keyLoop(fn, k.text) : null;
  return keysOf === null || keysOf === obj.text ? { k: 'mem', base: A.refOf(obj), name: ANY_PROP } : null;
}
