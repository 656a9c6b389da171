/**
 * koa-router options passed through a project factory: `function makeRouter(opt) { return new Router(opt) }` called as
 * `makeRouter({ prefix: '/logs' })`. The router's prefix is then the `prefix` of the options the factory's parameter
 * holds (`opt.prefix`), which each call site fills in: a call records the strings of an object literal it passes
 * (`"0.prefix"`), and the resolver (callGraph.ts `atCall`) reads them per call; a call passing no options object gives no
 * prefix, and anything else leaves the prefix unknown with its reason (never a silent `/`). Pure.
 */
import { jsStringLiteral as unquote, named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Val } from './model';
import { literalObject } from './jsValues';

/** The prefix of a koa-router options argument: `{ prefix: … }` written in place, or a parameter's `prefix`. */
export function optionsPrefix(A: JsAnalyzer, opts: Node | undefined): Val | null {
  const o = unwrapExpr(opts ?? null);
  if (o?.type === 'identifier') {
    const r = A.refOf(o);
    const held = r.k === 'param' ? null : literalObject(A, o); // `const opts = { prefix: config.apiPrefix }`
    if (held) return optionsPrefix(A, held);
    if (r.k !== 'param') return null;
    const e = `${o.text}.prefix`;
    return { e, why: 'parameter', parts: [{ e, ref: { k: 'mem', base: r, name: 'prefix' } }] };
  }
  if (!o || o.type !== 'object') return null;
  const p = A.prop(o, 'prefix');
  return p ? A.evalStr(p) : null;
}

/** The strings an object literal argument holds, keyed `<slot>.<key>` (`{ prefix: '/logs' }` at slot 0: `"0.prefix"`). */
export function objectArgStrs(A: JsAnalyzer, a: Node, slot: string): Record<string, Val> {
  const out: Record<string, Val> = {};
  for (const p of a.type === 'object' ? named(a) : []) {
    const k = p.type === 'pair' ? p.childForFieldName('key') : null;
    const v = p.childForFieldName('value');
    const key = k ? (unquote(k) ?? k.text) : null;
    const s = key !== null && v ? A.evalStr(v) : null;
    if (s && 's' in s) out[`${slot}.${key}`] = s;
  }
  return out;
}
