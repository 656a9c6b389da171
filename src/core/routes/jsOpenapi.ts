/**
 * @hono/zod-openapi registrations (read from the package, dist/index.mjs 1.6): `app.openapi(route, handler)` registers
 * `route.method` at `route.path` (`/users/{id}` served as `/users/:id`); `app.openapiRoutes([{ route, handler }, …])`
 * calls `openapi` for each element whose `addRoute` is not `false`. A route or an element is written in place, wrapped in
 * `createRoute(…)` / `defineOpenAPIRoute(…)` (both return their argument), held by a constant of this file, or imported
 * (`routes.list` of `export const list = createRoute({...})`): its `path` and `method` are then module constants resolved
 * across files. The array is written in place (`[list, create] as const`) or held by a constant of this file. Pure.
 */
import { lineOf, named, rangeOf, type SyntaxNode as Node, type SourceRange } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import { toMethod } from './common';
import type { JsAnalyzer } from './javascript';
import type { Ref, Val } from './model';
import { handler } from './jsRegistrations';
import { importedField, literalArray, literalObject } from './jsValues';
import { MAX_ELEMENTS } from './loops';

interface Site {
  recv: Node;
  argv: readonly Node[];
  line: number;
  range: SourceRange;
}

/** `app.openapi(createRoute({ method, path }), handler)` */
export function openapiCall(A: JsAnalyzer, { recv, argv, line, range }: Site): void {
  if (argv.length < 2) return;
  const def = argv[0]!;
  openapiRoute(A, recv, literalObject(A, def), A.refOf(unwrapExpr(def)), def.text, argv[1]!, line, range);
}

/** `app.openapiRoutes([defineOpenAPIRoute({ route: createRoute({ method, path }), handler }), …])` */
export function openapiRoutesCall(A: JsAnalyzer, { recv, argv }: Site): void {
  const arr = literalArray(A, argv[0] ?? null, true);
  if (!arr) return;
  for (const el of named(arr).slice(0, MAX_ELEMENTS)) {
    if (el.type === 'comment' || el.type === 'spread_element') continue;
    const obj = literalObject(A, el);
    if (obj) {
      const added = A.prop(obj, 'addRoute');
      const route = A.prop(obj, 'route');
      const h = A.prop(obj, 'handler');
      if (unwrapExpr(added)?.type === 'false' || !route || !h) continue;
      openapiRoute(A, recv, literalObject(A, route), A.refOf(unwrapExpr(route)), route.text, h, lineOf(obj), rangeOf(obj));
    } else {
      // an element of another module: its route's fields are that module's constants (`list.route.path`)
      const base: Ref = { k: 'mem', base: A.refOf(unwrapExpr(el)), name: 'route' };
      openapiRoute(A, recv, null, base, `${el.text}.route`, el, lineOf(el), rangeOf(el));
    }
  }
}

/** One `openapi(route, handler)`: `obj` the route's object literal when it is written in this file, else `ref` names it. */
function openapiRoute(
  A: JsAnalyzer,
  recv: Node,
  obj: Node | null,
  ref: Ref,
  text: string,
  h: Node,
  line: number,
  range: SourceRange,
): void {
  const field = (k: string): Val => {
    const v = obj ? A.prop(obj, k) : null;
    return v ? A.evalStr(v) : importedField(text, ref, k);
  };
  const method = field('method');
  const m = 's' in method ? toMethod(method.s) : null;
  if ('s' in method && !m) return;
  A.fa.routes.push({
    owner: A.refOf(recv),
    framework: null,
    flavour: 'hono-on',
    methods: m ? [m] : [],
    ...(m ? {} : { methodVal: method }),
    path: field('path'),
    openapiPath: true,
    line,
    range,
    handler: handler(A, h),
  });
}
