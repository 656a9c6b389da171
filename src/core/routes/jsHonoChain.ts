/**
 * Hono's path-less verb calls, as Hono does them (hono-base.js, 4.x): an app keeps the path of its last registration
 * and a verb called without one registers its handlers there, so `app.get('/endpoint', h).post(h2).delete(h3)` serves
 * POST and DELETE at `/endpoint` too. A verb or `on` with a path sets it (`on` with a list: the last), `use` sets its
 * path or `*`, `route(p, sub)` keeps it, and a new `Hono()` or a `basePath(p)` clone starts at `/`. Read statically
 * along the call chain the path-less call ends: the path is known only when the chain shows it; a chain on a name
 * (`app.post(h)` as a statement of its own) leaves the call as it was. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Val } from './model';
import { ROUTE_METHODS } from './jsRegistrations';

/** How deep a chain is followed. */
const MAX_LINKS = 64;

/** Whether `argv` of a verb call are handlers only (no path first): a function written in place, a call making one
 *  (`zValidator('json', schema)`), or a function of this file; a lone argument that is no string (a path alone
 *  registers nothing). */
export function pathless(A: JsAnalyzer, argv: readonly Node[]): boolean {
  const a0 = unwrapExpr(argv[0] ?? null);
  if (!a0 || a0.type === 'string' || a0.type === 'template_string') return false;
  if (isInlineFunction(a0)) return true;
  if ('s' in A.evalStr(a0)) return false;
  if (argv.length === 1 || a0.type === 'call_expression') return true;
  const r = A.refOf(a0);
  return r.k === 'fn';
}

/** The path a path-less verb call on `recv` registers at, when the chain it ends shows it; else null. */
export function chainPath(A: JsAnalyzer, recv: Node): Val | null {
  let r = unwrapExpr(recv);
  for (let i = 0; r && i < MAX_LINKS; i++) {
    if (r.type === 'new_expression') return { s: '/' };
    if (r.type !== 'call_expression') return null;
    const fn = r.childForFieldName('function');
    const args = r.childForFieldName('arguments');
    if (fn?.type !== 'member_expression' || !args) return null;
    const m = fn.childForFieldName('property')?.text ?? '';
    const argv = named(args);
    if (m === 'basePath') return { s: '/' };
    if (ROUTE_METHODS.includes(m) && argv.length && !pathless(A, argv)) return A.evalStr(argv[0]!);
    if (m === 'on' && argv.length >= 3) {
      const p = unwrapExpr(argv[1]!);
      const last = p?.type === 'array' ? named(p).at(-1) : p;
      return last ? A.evalStr(last) : null;
    }
    if (m === 'use' && argv.length) {
      const a0 = unwrapExpr(argv[0]!);
      return a0?.type === 'string' || a0?.type === 'template_string' ? A.evalStr(a0) : { s: '*' };
    }
    // a path-less verb, or a sub-app mounted by `route(p, sub)`: the path stays
    if (!(ROUTE_METHODS.includes(m) && argv.length) && !(m === 'route' && argv.length === 2)) return null;
    r = unwrapExpr(fn.childForFieldName('object'));
  }
  return null;
}
