/**
 * A factory that makes its router in branches: `apiRouter() { if (config.api.prefix) { return new Router({ prefix:
 * config.api.prefix }); } else { return new Router(); } }` has no top-level `return`, so what it returns is read from
 * every `return` of its body (nested functions apart): when each makes a router or app of one framework, a call of it
 * (`this.router = api.apiRouter()`, a method inherited from a base class) is the first of them, the routes registered
 * on it found; its prefix is that branch's. Anything else among the returns leaves the function as it was. Pure.
 */
import { named, walk } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Ref } from './model';

/** Sets FuncDecl.returns of each function of the file whose returns all make a framework object. */
export function branchReturns(A: JsAnalyzer): void {
  for (const decl of [...A.fa.functions]) {
    const fn = A.fnNode(decl.id);
    const body = fn?.childForFieldName('body');
    if (!fn || decl.returns || body?.type !== 'statement_block' || A.returnedExpr(fn) !== null) continue;
    const made: Ref[] = [];
    let other = false;
    walk(body, (n) => {
      if (other || (n !== body && JS_FUNCTION_TYPES.has(n.type))) return false;
      if (n.type !== 'return_statement') return;
      const e = unwrapExpr(named(n)[0] ?? null);
      const r = e?.type === 'new_expression' || e?.type === 'call_expression' ? A.refOf(e) : null;
      if (r?.k === 'obj') made.push(r);
      else other = true;
      return false;
    });
    const fws = new Set(made.map((r) => (r.k === 'obj' ? A.fa.objects[r.id]?.framework : undefined)));
    if (!other && made.length && fws.size === 1 && !fws.has(undefined)) decl.returns = made[0]!;
  }
}
