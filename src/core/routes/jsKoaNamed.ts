/**
 * koa-router named routes (`router.get(name, path, ...middleware)`): as koa-router decides (lib/router.js, the verb
 * methods), the first argument is the route's name when the second is a string or a RegExp, whatever the name is
 * (`router.patch(randomUUID(), idPattern, h)`, `router.get(matchId.uuid, matchId.pattern, h)`). Statically: the second
 * argument is a string when it is written as one or names one (a constant, a property of a constant object literal of
 * this file); a value computed by a call is taken for a string only when the first argument is computed by a call too
 * (a name such as `randomUUID()`; a path never comes first with a middleware factory's call after it in Express). Pure.
 */
import { unwrapExpr } from '../parsing/javascript';
import type { SyntaxNode as Node } from '../parsing/nodes';
import type { JsAnalyzer } from './javascript';
import { soleConstValue } from './jsValues';

type Kind = 'string' | 'call' | 'other';

/** What an argument's value is, followed through `const`s and properties of a `const` object literal of this file. */
function kindOf(A: JsAnalyzer, n0: Node, depth = 0): Kind {
  const n = unwrapExpr(n0) ?? n0;
  if (/^(string|template_string|regex)$/.test(n.type)) return 'string';
  if (n.type === 'binary_expression') return n.childForFieldName('operator')?.text === '+' ? 'string' : 'other';
  if (n.type === 'call_expression') return 'call';
  if (depth > 4) return 'other';
  if (n.type === 'identifier') {
    const v = soleConstValue(A, n.text, n);
    return v ? kindOf(A, v, depth + 1) : 'other';
  }
  const obj = n.type === 'member_expression' ? unwrapExpr(n.childForFieldName('object')) : null;
  const key = n.childForFieldName('property')?.text;
  const lit = obj?.type === 'identifier' ? unwrapExpr(soleConstValue(A, obj.text, obj)) : null;
  const v = lit?.type === 'object' && key ? A.prop(lit, key) : null;
  return v && v.type !== 'method_definition' && v.type !== 'shorthand_property_identifier' ? kindOf(A, v, depth + 1) : 'other';
}

/** Whether `router.<verb>(a0, a1, …rest)` names its route with a0 (koa-router's rule; see the module comment). */
export function koaNamedRoute(A: JsAnalyzer, argv: readonly Node[]): boolean {
  if (argv.length < 3) return false;
  const k1 = kindOf(A, argv[1]!);
  return k1 === 'string' || (k1 === 'call' && kindOf(A, argv[0]!) === 'call');
}
