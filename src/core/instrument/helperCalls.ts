/**
 * The wrapper style for a route reported at a call of the project function that registers it (Route.helperCall:
 * `reg(app, '/a', (req, res) => …)`, `self.register(Users, f"{BASE}/users")`): the handler the call passes is wrapped in
 * that call's argument, with the call's route (`reg(app, '/a', observeRoute('GET', '/a', (req, res) => …))`,
 * `register(api, observe_resource(Users, "/users"), "/users")`), the function itself untouched (its other calls are
 * other routes). Refused, with the reason: a handler the function writes itself (one wrapper in it would count every
 * call under one label), one argument serving routes of several paths (a call in a loop over a table), a FastAPI view
 * (its declared status code is in the function, out of sight here), a fastapi-restful resource (observe_resource
 * observes Flask classes). Pure: works on the syntax tree.
 */
import * as path from 'node:path';
import type { Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import type { Route } from '../routes/types';
import { isStaticRoute, routeLabel, routeTemplate } from '../routes/route';
import { jsString, presentAspects, pyString } from './common';
import { callArgs } from './js';
import type { JsModule } from './jsModule';
import type { PyModule } from './pyModule';
import { JS_HELPER_FN } from './helperJs';
import { PY_HELPER_MODULE, PY_RESOURCE_FN } from './helperPy';
import type { HandlerOutcome } from './types';
import {
  already,
  handlerValue,
  isObserveCall,
  jsHelperName,
  pyHelperName,
  refuse,
  registrationCall,
  type JsWrapperNeeds,
  type PyWrapperNeeds,
} from './wrapper';

/** The routes of the file (planned and others) this call registers through the same argument: one wrapper for them. */
function sameArg(route: Route, known: readonly Route[]): Route[] {
  const at = route.range.start;
  const arg = route.helperCall?.handlerArg;
  const same = known.filter(
    (r) =>
      r.file === route.file && r.range.start.line === at.line && r.range.start.column === at.column && r.helperCall?.handlerArg === arg,
  );
  return same.includes(route) ? same : [route, ...same];
}

/** The method argument and the label of the routes a call's argument serves, or why one wrapper can't label them. */
function callLabel(route: Route, known: readonly Route[]): { method: string; label: string } | string {
  const same = sameArg(route, known);
  const dynamic = same.find((r) => !isStaticRoute(r));
  if (dynamic) return `the call also registers ${routeLabel(dynamic)}, whose path is not known statically`;
  const labels = [...new Set(same.map(routeTemplate))];
  if (labels.length > 1) {
    const all = labels.slice(0, 4).join(', ') + (labels.length > 4 ? ', …' : '');
    return `this call registers its handler under ${labels.length} paths (${all}: a call in a loop over a table); one static label would miscount`;
  }
  const methods = [...new Set(same.flatMap((r) => r.methods))].sort();
  return { method: methods.includes('ALL') ? 'ALL' : methods.join('|'), label: labels[0]! };
}

/** Who registers the route, for the reasons: `crud (lib/routes.js:12)`. */
function where(route: Route): string {
  const h = route.helperCall!;
  return `${h.name ? `\`${h.name}\`` : 'a project function'} (${path.basename(h.file)}:${h.line})`;
}

/** The first refusal every route at a helper call gets, or null when the call passes the handler. */
function unwrappable(route: Route): string | null {
  if (route.helperCall?.handlerArg !== undefined) return null;
  return `it is registered by ${where(route)} with the path this call passes, and its handler is written there: one wrapper there would count every call's requests under one label`;
}

export function planJsHelperCall(mod: JsModule, route: Route, needs: JsWrapperNeeds, known: readonly Route[]): HandlerOutcome {
  const { root, text, style } = mod;
  const why = unwrappable(route);
  if (why) return refuse(route, why);
  const name = jsHelperName(mod, needs.spec, JS_HELPER_FN);
  if (!name) return refuse(route, `\`${JS_HELPER_FN}\` is already a different name in this module`);
  const at = route.helperCall!.handlerArg;
  const call = registrationCall(root, text, route, 'call_expression', [route.helperCall!.name ?? '']);
  const args = call ? callArgs(call) : [];
  const handler =
    typeof at === 'number' && !args.slice(0, at).some((a) => a.type === 'spread_element') ? handlerValue(args[at]) : undefined;
  if (!handler) return refuse(route, `the handler argument of its call of ${where(route)} was not found`);
  if (isObserveCall(handler, name)) return already(route);
  if (needs.wrapped.has(handler.startIndex)) return { route, edits: [], already: [], alongside: true };
  if (['arrow_function', 'function_expression', 'function'].includes(handler.type)) {
    if (presentAspects(handler.childForFieldName('body'), mod, ['startActiveSpan', 'startSpan']).length) return already(route);
  }
  const l = callLabel(route, known);
  if (typeof l === 'string') return refuse(route, l);
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  needs.names.add(JS_HELPER_FN);
  needs.wrapped.add(handler.startIndex);
  // the handler wrapped (Koa and Hono too: a middleware put before it would be one more argument of the call)
  return {
    route,
    edits: [
      { start: handler.startIndex, end: handler.startIndex, newText: `${name}(${q(l.method)}, ${q(l.label)}, ` },
      { start: handler.endIndex, end: handler.endIndex, newText: ')' },
    ],
    already: [],
  };
}

export function planPythonHelperCall(mod: PyModule, route: Route, needs: PyWrapperNeeds): HandlerOutcome {
  const why = unwrappable(route);
  if (why) return refuse(route, why);
  const h = route.helperCall!;
  if (h.resource && route.framework !== 'flask') {
    return refuse(route, `a fastapi-restful resource: ${PY_RESOURCE_FN} observes Flask-RESTful classes; instrument its methods inline`);
  }
  if (!h.resource && route.framework !== 'flask') {
    return refuse(
      route,
      `FastAPI takes its status code where ${where(route)} registers it, out of sight of a wrapper at this call: instrument its handler inline`,
    );
  }
  const fn = h.resource ? PY_RESOURCE_FN : undefined;
  const name = pyHelperName(mod, fn);
  if (!name) return refuse(route, `\`${fn ?? 'observe_route'}\` is already a different name in this module`);
  const call = registrationCall(mod.root, mod.text, route, 'call', [h.name ?? '']);
  const splat = call?.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'list_splat');
  const { pos, kw } = call && !splat ? pyArgs(call) : { pos: [] as readonly Node[], kw: new Map<string, Node>() };
  const handler = typeof h.handlerArg === 'number' ? pos[h.handlerArg] : kw.get(h.handlerArg!);
  if (!handler || handler.type === 'string') return refuse(route, `the handler argument of its call of ${where(route)} was not found`);
  if (isObserveCall(handler, name)) return already(route);
  if (needs.wrapped.has(handler.startIndex)) return { route, edits: [], already: [], alongside: true };
  if (h.resource && !needs.resources) {
    return refuse(
      route,
      `the existing ${PY_HELPER_MODULE}.py predates ${PY_RESOURCE_FN} and is never overwritten: delete it and instrument again`,
    );
  }
  const l = callLabel(route, needs.known);
  if (typeof l === 'string') return refuse(route, l);
  needs.names.add(name);
  needs.wrapped.add(handler.startIndex);
  // `observe_resource(Users, "/users")`: the class itself comes back; `observe_route("GET", "/a")(view)`: the view wrapped
  const open = h.resource ? `${name}(` : `${name}(${pyString(l.method)}, ${pyString(l.label)})(`;
  const close = h.resource ? `, ${pyString(l.label)})` : ')';
  return {
    route,
    edits: [
      { start: handler.startIndex, end: handler.startIndex, newText: open },
      { start: handler.endIndex, end: handler.endIndex, newText: close },
    ],
    already: [],
  };
}
