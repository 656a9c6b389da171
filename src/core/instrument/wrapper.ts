/**
 * The wrapper style of Instrument Route: ONE line per handler. A decorator under the route decorator (FastAPI, Flask:
 * `@observe_route("GET", "/users/{id}")`; NestJS: `@ObserveRoute('GET', '/users/:id')` as the method's last
 * decorator), or the handler expression wrapped where it is registered (`router.post('/x', observeRoute('POST', '/x',
 * users.create))`, `add_api_route(path, observe_route("GET", "/x")(views.fn))`). Handlers in other modules, wrapper
 * calls and middleware factories are covered without touching their file, and each registration of a shared handler
 * gets its own route label. Plus the import of the helper module (./helperPy, ./helperJs), which the planner writes
 * once per service, next to the app-level telemetry.py / tracing.*. Pure: works on the syntax tree.
 */
import { calleeName, findAll, type Node, pyStringValue } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { jsObjectProp } from '../parsing/javascript';
import { clip, TABLE_ROW_HANDLER_KEYS } from '../routes/common';
import type { Route } from '../routes/types';
import { frameworkName, isStaticRoute, routeLabel, routeTemplate } from '../routes/route';
import { indentOfLineAt, jsString, lineEndAt, lineStartAt, lineStarts, offsetOf, presentAspects, pyString } from './common';
import { findPythonHandler } from './python';
import { callArgs, findJsHandler, inversifyMethod, routingControllersMethod } from './js';
import type { OptionsFactory } from './jsOptionsFactories';
import { decoratorsOf } from './jsFrameworks';
import { pyBlockAt, type PyModule, pythonImportEdits } from './pyModule';
import { jsRef, type JsModule } from './jsModule';
import { JS_HELPER_FN, JS_HELPER_MODULE, NEST_HELPER_DECORATOR } from './helperJs';
import { PY_HELPER_FN, PY_HELPER_MODULE, PY_RESOURCE_FN } from './helperPy';
import type { HandlerOutcome, TextEdit } from './types';

/** The method argument: one method, or `GET|POST` / `ALL`, which the helper resolves from the request. */
export function methodArg(route: Route): string {
  return route.methods.join('|');
}

/** Offsets of a route's registration range. */
function rangeOffsets(text: string, route: Route): { start: number; end: number } {
  const starts = lineStarts(text);
  return {
    start: offsetOf(starts, route.range.start.line, route.range.start.column),
    end: offsetOf(starts, route.range.end.line, route.range.end.column),
  };
}

/**
 * The registration call of a route: the call ending where its range ends (the range may start at the method name,
 * `app.get(…)` from `get`), preferring a callee named like one of `names` (`get`, `add_api_route`, …).
 */
export function registrationCall(root: Node, text: string, route: Route, type: string, names: string[]): Node | undefined {
  const { start, end } = rangeOffsets(text, route);
  const calls = findAll(root, (n) => n.type === type && n.endIndex > start && n.endIndex <= end && n.startIndex <= start + 1);
  const named = (c: Node) => names.includes(calleeName(c).split('.').pop() ?? '');
  const atEnd = calls.filter((c) => c.endIndex === end);
  return atEnd.find(named) ?? calls.find(named) ?? atEnd[0];
}

export const already = (route: Route, key?: number): HandlerOutcome => ({
  route,
  edits: [],
  already: ['counter', 'histogram', 'span'],
  key,
});
export const refuse = (route: Route, why: string, key?: number): HandlerOutcome => ({
  route,
  edits: [],
  already: [],
  refused: `${routeLabel(route)}: ${why}`,
  key,
});

// ---------------------------------------------------------------------------------------------------------- Python

/** Python calls that register a handler function: add_api_route(path, endpoint), add_url_rule(rule, endpoint, view_func), … */
const PY_REGISTRATIONS = ['add_api_route', 'add_url_rule', 'add_route', 'add_websocket_route', 'add_api_websocket_route'];

export interface PyWrapperNeeds {
  /** module the helper is imported from (`telemetry_routes`, `.telemetry_routes`, `app.telemetry_routes`) */
  module: string;
  /** the helper's functions the planned lines call */
  names: Set<string>;
  /** the routes planned in this file (a resource added at several URLs is wrapped once, with every URL's label) */
  routes: Route[];
  /** false when the existing helper module predates `observe_resource` (it is never overwritten) */
  resources: boolean;
  /** false when the existing helper module predates `observe_route(method, route, *routes)` (stacked route decorators) */
  stacked: boolean;
  /** false when the existing helper module predates one wrapper per stacked FastAPI route decorator */
  perRegistration: boolean;
  /** the routes planned and the file's other routes: where the other stacked route decorators of a view are found */
  known: Route[];
  /** add_resource calls and views under stacked route decorators already wrapped by this plan (start offsets) */
  wrapped: Set<number>;
}

/** `observe_route` (or another helper function) as this module names it: already imported (any module), or the plain name when free. */
export function pyHelperName(mod: PyModule, fn = PY_HELPER_FN): string | undefined {
  const from = mod.importedNames.get(fn);
  if (from !== undefined) return /(^|\.)telemetry_routes$/.test(from) ? fn : undefined;
  return mod.topNames.has(fn) ? undefined : fn;
}

/** `@app.route(…)`, `@router.get(…)`, `@bp.api_route(…)`: a decorator that registers a route. */
const isRouteDecorator = (d: Node): boolean => d.text.includes('route') || /\.(get|post|put|patch|delete|api_route)\(/.test(d.text);

export function isObserveCall(n: Node | null | undefined, name: string): boolean {
  // `observe_route(...)` or `observe_route(...)(fn)`
  if (!n || (n.type !== 'call' && n.type !== 'call_expression')) return false;
  const f = n.childForFieldName('function');
  if (f?.type === 'call' || f?.type === 'call_expression') return isObserveCall(f, name);
  return calleeName(n).split('.').pop() === name;
}

export function planPythonWrapper(mod: PyModule, route: Route, needs: PyWrapperNeeds): HandlerOutcome {
  const { root, text, eol } = mod;
  const name = pyHelperName(mod);
  if (!name) return refuse(route, `\`${PY_HELPER_FN}\` is already a different name in this module`);
  const args = `${pyString(methodArg(route))}, ${pyString(routeTemplate(route))}`;
  const { start } = rangeOffsets(text, route);
  const fn = route.handlerFile === route.file ? findPythonHandler(root, text, route) : undefined;
  const dec = fn?.parent?.type === 'decorated_definition' ? fn.parent : undefined;
  const decorators = dec?.namedChildren.filter((c): c is Node => !!c && c.type === 'decorator') ?? [];
  const routeDecorator = decorators.find((d) => d.startIndex <= start && start < d.endIndex);
  // observed already: by the helper's decorator, or by a span opened in its body
  const observed = (f: Node): boolean =>
    decorators.some((d) => isObserveCall(d.namedChildren[0], name)) ||
    presentAspects(f.childForFieldName('body'), mod, ['start_as_current_span', 'start_span']).length > 0;
  if (fn && routeDecorator) {
    const stack = decorators.filter((d) => isRouteDecorator(d) && !isObserveCall(d.namedChildren[0], name));
    if (stack.length > 1 && route.framework !== 'flask') {
      // a FastAPI route decorator registers the function it is given and returns it: one observe_route right under
      // each, labelled with its route (the helper wraps the handler itself, never another route's wrapper)
      const below = decorators[decorators.indexOf(routeDecorator) + 1];
      if (below && isObserveCall(below.namedChildren[0], name)) return already(route, routeDecorator.startIndex);
      if (presentAspects(fn.childForFieldName('body'), mod, ['start_as_current_span', 'start_span']).length)
        return already(route, fn.startIndex);
      if (!needs.perRegistration && stack[0] !== routeDecorator) {
        return refuse(
          route,
          `the existing ${PY_HELPER_MODULE}.py predates one wrapper per stacked route decorator and is never overwritten: delete it and instrument again (the first route is observed)`,
          fn.startIndex,
        );
      }
      return { ...observeUnder(mod, route, routeDecorator, routeDecorator, name, args, needs, fn), key: routeDecorator.startIndex };
    }
    if (needs.wrapped.has(fn.startIndex)) return { route, edits: [], already: [], alongside: true };
    // a blueprint registered under several prefixes serves this one decorator's path under each of them
    const mounts = needs.known.filter((r) => r.file === route.file && r.line === route.line && r.path === route.path);
    const labelled = stack.length > 1 || mounts.length > 1 ? stackedLabels(text, route, stack, needs.known) : undefined;
    // observed by a decorator written before stacked routes were labelled apart: the labels it lacks are added
    const obs = decorators.find((d) => isObserveCall(d.namedChildren[0], name));
    const upgrade = obs && typeof labelled === 'object' ? stackedUpgrade(obs, labelled) : [];
    // one decorator observes every route of the stack: a shared handler only for the inline style's check
    if (observed(fn) && !upgrade.length) return already(route, labelled ? undefined : fn.startIndex);
    if (!labelled) return observeUnder(mod, route, routeDecorator, routeDecorator, name, args, needs, fn);
    // Flask: under the last of stacked route decorators (Flask refuses two functions under one endpoint name), with
    // the label of every one of them and of every prefix; the helper counts each request under the URL rule it matched
    if (typeof labelled === 'string') return refuse(route, labelled, fn.startIndex);
    if (labelled.labels.length > 1 && !needs.stacked) {
      return refuse(
        route,
        `the existing ${PY_HELPER_MODULE}.py predates stacked route decorators (one label per URL) and is never overwritten: delete it and instrument again`,
        fn.startIndex,
      );
    }
    needs.wrapped.add(fn.startIndex);
    if (upgrade.length) return { route, edits: upgrade, already: [], key: fn.startIndex };
    const stackedArgs = [labelled.method, ...labelled.labels].map(pyString).join(', ');
    return observeUnder(mod, route, routeDecorator, stack[stack.length - 1]!, name, stackedArgs, needs, fn);
  }
  const call = registrationCall(root, text, route, 'call', [...PY_REGISTRATIONS, 'add_resource']);
  const method = call && calleeName(call).split('.').pop();
  const resourceMethod = fn && !routeDecorator && isResourceMethod(fn) ? fn : undefined;
  if (resourceMethod && observed(resourceMethod)) return already(route, resourceMethod.startIndex);
  if (call && method === 'add_resource') return wrapResource(mod, route, call, needs);
  if (resourceMethod) {
    // a class-based resource with its route on the class (flask-restx `@ns.route`, flask-smorest `@blp.route`): the
    // HTTP method of the class is the handler; observed as the outermost decorator, so it sees what the others raise
    const first = dec ?? resourceMethod;
    const ls = lineStartAt(text, first.startIndex);
    needs.names.add(name);
    return {
      route,
      edits: [{ start: ls, end: ls, newText: `${indentOfLineAt(text, first.startIndex)}@${name}(${args})${eol}` }],
      already: [],
      key: resourceMethod.startIndex,
    };
  }
  // a registration call: add_api_route(path, endpoint), add_url_rule(rule, endpoint, view_func), api_route(path)(fn)
  if (!call) return refuse(route, 'its registration was not found');
  // a route decorator applied by a call, `app.route(path)(view)`: the view is the call's argument
  const applied = call.childForFieldName('function');
  const decorated = applied?.type === 'call' && !method;
  if (!decorated && !PY_REGISTRATIONS.includes(method ?? '')) return refuse(route, 'its registration was not found');
  const { pos, kw } = pyArgs(decorated ? applied : call);
  const handler = decorated
    ? pyArgs(call).pos[0]
    : method === 'add_url_rule'
      ? (kw.get('view_func') ?? pos[2]) // Flask's endpoint= is the view's name
      : (kw.get('endpoint') ?? pos[1]);
  if (!handler || handler.type === 'string') {
    return refuse(route, 'its registration passes no handler function (a class-based view or a view_func set elsewhere)');
  }
  if (isObserveCall(handler, name)) return already(route);
  if (needs.wrapped.has(call.startIndex)) return { route, edits: [], already: [], alongside: true };
  const shared = sharedCallLabels(mod, route, call, needs);
  if (typeof shared === 'string') return refuse(route, shared);
  const status = kw.get('status_code')?.text;
  needs.names.add(name);
  needs.wrapped.add(call.startIndex);
  const labelled = shared ? [shared.method, ...shared.labels].map(pyString).join(', ') : args;
  return {
    route,
    edits: [
      { start: handler.startIndex, end: handler.startIndex, newText: `${name}(${labelled}${status ? `, status_code=${status}` : ''})(` },
      { start: handler.endIndex, end: handler.endIndex, newText: ')' },
    ],
    already: [],
  };
}

/**
 * One registration call serving several paths (in a loop over rows, in a helper called once per path: `for name, view in
 * rules: bp.add_url_rule(f"/{name}", view_func=view)`): wrapped once, with the label of every path, planned or not (the
 * Flask helper counts each request under the URL rule it matched); null when it serves one; why not when it cannot be
 * labelled apart (FastAPI gives the wrapper no matched route, a path not known statically).
 */
function sharedCallLabels(
  mod: PyModule,
  route: Route,
  call: Node,
  needs: PyWrapperNeeds,
): { method: string; labels: string[] } | null | string {
  const { root, text } = mod;
  const same = [route, ...needs.known.filter((r) => r !== route && r.file === route.file && r.line === route.line)].filter(
    (r) => registrationCall(root, text, r, 'call', PY_REGISTRATIONS)?.startIndex === call.startIndex,
  );
  const labels = [...new Set(same.map(routeTemplate))].sort(); // the same order whichever of them is planned first
  if (labels.length < 2) return null;
  const dynamic = same.find((r) => !isStaticRoute(r));
  if (dynamic) return `its registration also serves ${routeLabel(dynamic)}, whose path is not known statically`;
  if (route.framework !== 'flask')
    return `its registration serves ${labels.length} paths (${labels.join(', ')}): ${frameworkName(route)} gives the wrapper no way to tell which one a request matched`;
  if (!needs.stacked)
    return `the existing ${PY_HELPER_MODULE}.py predates one label per URL and is never overwritten: delete it and instrument again`;
  const methods = [...new Set(same.flatMap((r) => r.methods))];
  return { method: methods.includes('ALL') ? 'ALL' : methods.join('|'), labels };
}

/** `@observe_route(…)` on its own line under the decorator `under`, indented like the route decorator. */
function observeUnder(
  mod: PyModule,
  route: Route,
  routeDecorator: Node,
  under: Node,
  name: string,
  args: string,
  needs: PyWrapperNeeds,
  fn: Node,
): HandlerOutcome {
  const call = routeDecorator.namedChildren[0];
  const status = call?.type === 'call' ? pyArgs(call).kw.get('status_code')?.text : undefined;
  const at = lineEndAt(mod.text, under.endIndex);
  const line = `${indentOfLineAt(mod.text, routeDecorator.startIndex)}@${name}(${args}${status ? `, status_code=${status}` : ''})`;
  needs.names.add(name);
  return { route, edits: [{ start: at, end: at, newText: mod.eol + line }], already: [], key: fn.startIndex };
}

/** The edits giving `@observe_route("GET", "/a")` the method and labels of every stacked route it lacks. */
function stackedUpgrade(obs: Node, { method, labels }: { method: string; labels: string[] }): TextEdit[] {
  const call = obs.namedChildren[0];
  const pos = call?.type === 'call' ? pyArgs(call).pos : [];
  const have = pos.slice(1).map(pyStringValue);
  const add = labels.filter((l) => !have.includes(l));
  const last = pos[pos.length - 1];
  if (!add.length || pos.length < 2 || !last) return [];
  const edits = [{ start: last.endIndex, end: last.endIndex, newText: add.map((l) => `, ${pyString(l)}`).join('') }];
  if (pyStringValue(pos[0]) !== method) edits.push({ start: pos[0]!.startIndex, end: pos[0]!.endIndex, newText: pyString(method) });
  return edits;
}

/**
 * The method argument and labels of a Flask view's stacked route decorators, top to bottom: each decorator's routes
 * (planned, or other routes of the file: one per prefix its blueprint is registered under), else its path under the
 * prefix of this route; or why they cannot be labelled. Decorators of different methods give `GET|POST`, which the
 * helper resolves from the request.
 */
function stackedLabels(text: string, route: Route, stack: Node[], known: Route[]): { method: string; labels: string[] } | string {
  const own = routeTemplate(route);
  const prefix = own.endsWith(route.path) ? own.slice(0, own.length - route.path.length) : undefined;
  const labels: string[] = [];
  const methods = new Set(route.methods);
  for (const d of stack) {
    const rs = known.filter((x) => {
      const at = rangeOffsets(text, x).start;
      return x.file === route.file && d.startIndex <= at && at < d.endIndex;
    });
    const dynamic = rs.find((r) => !isStaticRoute(r));
    if (dynamic) return `it is also served at ${routeLabel(dynamic)}, whose path is not known statically`;
    const call = d.namedChildren[0];
    const url = call?.type === 'call' ? pyStringValue(pyArgs(call).pos[0]) : undefined;
    const found = rs.length ? rs.map(routeTemplate) : url !== undefined && prefix !== undefined ? [prefix + url] : [];
    if (!found.length) return `it is also served by ${d.text.replace(/\s+/g, ' ').slice(0, 80)}, whose path is not known statically`;
    for (const m of rs.flatMap((r) => r.methods)) methods.add(m);
    labels.push(...found);
  }
  return { method: [...methods].join('|'), labels: [...new Set(labels)] };
}

/**
 * A Flask-RESTful / flask-restx resource where it is added: `add_resource(observe_resource(views.Users, "/api/users",
 * "/api/people"), "/users", "/people")`. One edit per call, wherever the class lives, carrying the label of every
 * URL of the call (the helper counts each request under the URL rule it matched); the class itself is returned, so
 * its endpoint name and url_for are unchanged, and a class added by several calls is observed once.
 */
function wrapResource(mod: PyModule, route: Route, call: Node, needs: PyWrapperNeeds): HandlerOutcome {
  const name = pyHelperName(mod, PY_RESOURCE_FN);
  if (!name) return refuse(route, `\`${PY_RESOURCE_FN}\` is already a different name in this module`);
  const { pos, kw } = pyArgs(call);
  const resource = kw.get('resource') ?? pos[0];
  if (!resource) return refuse(route, 'its add_resource call passes no resource class');
  if (isObserveCall(resource, name)) return already(route);
  if (needs.wrapped.has(call.startIndex)) return { route, edits: [], already: [], alongside: true };
  if (!needs.resources) {
    return refuse(
      route,
      `the existing ${PY_HELPER_MODULE}.py predates ${PY_RESOURCE_FN} and is never overwritten: delete it and instrument again`,
    );
  }
  if (route.framework !== 'flask')
    return refuse(route, `a fastapi-restful resource: ${PY_RESOURCE_FN} observes Flask-RESTful classes; instrument its methods inline`);
  const { root, text } = mod;
  const same = needs.routes.filter(
    (r) => r.file === route.file && registrationCall(root, text, r, 'call', ['add_resource'])?.startIndex === call.startIndex,
  );
  const dynamic = same.find((r) => !isStaticRoute(r));
  if (dynamic) return refuse(route, `it is also added at ${routeLabel(dynamic)}, whose path is not known statically`);
  const labels = resourceLabels(route, same, pos.slice(1));
  needs.names.add(name);
  needs.wrapped.add(call.startIndex);
  return {
    route,
    edits: [
      { start: resource.startIndex, end: resource.startIndex, newText: `${name}(` },
      { start: resource.endIndex, end: resource.endIndex, newText: `, ${labels.map(pyString).join(', ')})` },
    ],
    already: [],
  };
}

/**
 * The labels of an add_resource call, in the order of its URLs: each URL's route (planned together when the whole file
 * is instrumented), else, for one route instrumented alone, its full path with the URL in place of the route's own.
 */
function resourceLabels(route: Route, same: Route[], urls: readonly Node[]): string[] {
  const own = routeTemplate(route);
  const prefix = own.endsWith(route.path) ? own.slice(0, own.length - route.path.length) : undefined;
  const labels = urls.map((u) => {
    const url = pyStringValue(u);
    if (url === undefined) return undefined;
    const r = same.find((x) => x.path === url);
    return r ? routeTemplate(r) : prefix !== undefined ? prefix + url : undefined;
  });
  return [...new Set([...labels, ...same.map(routeTemplate)].filter((l): l is string => l !== undefined))];
}

const RESOURCE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** `def get(self, …)` of a class (a Flask-RESTful / flask-restx Resource, a MethodView). */
function isResourceMethod(fn: Node): boolean {
  const own = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  return RESOURCE_METHODS.has(fn.childForFieldName('name')?.text ?? '') && own.parent?.parent?.type === 'class_definition';
}

/** The helper's import, above `limit`: the line of the first planned edit (a decorator, an add_resource call). */
export function pythonWrapperModuleEdits(mod: PyModule, needs: PyWrapperNeeds, limit?: number): TextEdit[] {
  const before = limit ?? Infinity;
  // a name imported only below its first use is imported again above it (an import runs where it is written)
  const wanted = [...needs.names].filter((n) => !((mod.importedAt.get(n) ?? Infinity) < before)).sort();
  if (!wanted.length) return [];
  const { edits, newLines } = pythonImportEdits(
    mod,
    wanted.map((name) => ({ module: needs.module, name, before })),
  );
  if (newLines.length) {
    const { text, eol } = mod;
    // after the last leading import (or where imports go), above the first use: one more import line
    const at = pyBlockAt(mod, limit) ?? mod.importAt;
    const atEnd = at > 0 && text[at - 1] !== '\n';
    edits.push({ start: at, end: at, newText: atEnd ? eol + newLines.join(eol) : newLines.join(eol) + eol });
  }
  return edits;
}

// ------------------------------------------------------------------------------------------------------- JS / TS

export interface JsWrapperNeeds {
  /** module specifier of the helper relative to the file (`./telemetryRoutes`, `../telemetryRoutes.js`) */
  spec: string;
  names: Set<string>;
  /** false when the existing helper module predates routing-controllers support (it is never overwritten) */
  routingControllers: boolean;
  /** handler arguments of helper calls already wrapped by this plan (start offsets: ./helperCalls) */
  wrapped: Set<number>;
  /** project functions called as handler expressions that make Fastify route options (./jsOptionsFactories) */
  optionsFactories: ReadonlyMap<string, OptionsFactory>;
}

/** The local name of a helper export: already imported, or the plain name when free. */
export function jsHelperName(mod: JsModule, spec: string, name: string): string | undefined {
  const ref = jsRef(mod, spec, name);
  if (ref) return ref;
  return mod.topNames.has(name) || mod.importedNames.has(name) ? undefined : name;
}

const METHOD_NAMES: Record<string, string[]> = { DELETE: ['delete', 'del'], ALL: ['all'] };

/** The handler expression of a JS registration call: the last argument, or the `handler` of a route-options object. */
function jsHandlerExpr(call: Node): Node | undefined {
  const args = callArgs(call);
  const last = args[args.length - 1];
  if (!last) return undefined;
  if (last.type === 'object') return jsObjectProp(last, 'handler') ?? undefined;
  return handlerValue(last);
}

/** What a value that is no handler expression is, for the reason. */
const UNWRAPPABLE: Record<string, string> = {
  string: 'a string',
  template_string: 'a string',
  number: 'a number',
  array: 'a list',
  spread_element: 'a spread',
  null: 'null',
  undefined: 'undefined',
};

/** A handler expression that can be wrapped: no string, number or list (whose elements Express flattens), no null. */
export const handlerValue = (h: Node | undefined): Node | undefined => (h && !UNWRAPPABLE[h.type] ? h : undefined);

/** A row's property as the route detector reads it: `key: value`, `'key': value`, a shorthand `{ key }`, a method `key() {…}`. */
function rowProp(row: Node, key: string): Node | undefined {
  const method = row.namedChildren.find((c): c is Node => c?.type === 'method_definition' && c.childForFieldName('name')?.text === key);
  return method ?? jsObjectProp(row, key);
}

/**
 * A route table's row (`{ path, method, handler: [auth, books.add] }`, `{ method, path, controller }`, registered by a
 * loop calling `router[method]`: core/routes/jsRouteTables), the route's range: the value of the property the detector
 * reads as its handler (`handler`, else `controller`), the last of a list (the ones before it are middleware), or a
 * method written there (`async controller(ctx) {…}`); why not, when that value is no expression a wrapper can take in
 * place (a spread, a string); undefined when the route's range is no row.
 */
function tableRowHandler(root: Node, text: string, route: Route): { key: string; value: Node } | string | undefined {
  const { start, end } = rangeOffsets(text, route);
  const row = findAll(root, (n) => n.type === 'object' && n.startIndex === start && n.endIndex === end)[0];
  if (!row) return undefined;
  for (const key of TABLE_ROW_HANDLER_KEYS) {
    const p = rowProp(row, key);
    if (!p) continue;
    if (p.type === 'method_definition') return { key, value: p };
    const v = p.type === 'array' ? p.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').at(-1) : p;
    const h = handlerValue(v);
    if (h) return { key, value: h };
    const what = !v ? 'an empty list' : `${p === v ? '' : 'a list ending in '}${UNWRAPPABLE[v.type]} (\`${clip(v.text, 40)}\`)`;
    return `the \`${key}\` of its row is ${what}, no handler expression to wrap in place: wrap it by hand`;
  }
  return undefined;
}

export function planJsWrapper(mod: JsModule, route: Route, needs: JsWrapperNeeds): HandlerOutcome {
  const { root, text, style } = mod;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const args = `${q(methodArg(route))}, ${q(routeTemplate(route))}`;
  // inversify-express-utils: the helper's method decorator finds the response among the arguments (any helper version)
  const ie = inversifyMethod(mod, route);
  const rc = ie ? undefined : routingControllersMethod(mod, route);
  if (rc && !needs.routingControllers) {
    return refuse(
      route,
      `the existing ${JS_HELPER_MODULE} module predates routing-controllers support and is never overwritten: delete it and instrument again`,
    );
  }
  if (route.framework === 'nestjs' || rc || ie) {
    const name = jsHelperName(mod, needs.spec, NEST_HELPER_DECORATOR);
    if (!name) return refuse(route, `\`${NEST_HELPER_DECORATOR}\` is already a different name in this module`);
    const fn = rc ?? ie ?? findJsHandler(root, text, route);
    if (!fn || fn.type !== 'method_definition') return refuse(route, 'the controller method was not found');
    for (const d of decoratorsOf(fn)) {
      if (calleeName(d.namedChildren[0] ?? d) === name || d.text.startsWith(`@${name}(`)) return already(route, fn.startIndex);
    }
    if (presentAspects(fn.childForFieldName('body'), mod, ['startActiveSpan', 'startSpan']).length) return already(route, fn.startIndex);
    needs.names.add(NEST_HELPER_DECORATOR);
    const ls = lineStartAt(text, fn.startIndex);
    const ownLine = !text.slice(ls, fn.startIndex).trim();
    const edit: TextEdit = ownLine
      ? { start: ls, end: ls, newText: `${indentOfLineAt(text, fn.startIndex)}@${name}(${args})${style.eol}` }
      : { start: fn.startIndex, end: fn.startIndex, newText: `@${name}(${args}) ` };
    return { route, edits: [edit], already: [], key: fn.startIndex };
  }
  const name = jsHelperName(mod, needs.spec, JS_HELPER_FN);
  if (!name) return refuse(route, `\`${JS_HELPER_FN}\` is already a different name in this module`);
  const { call, openapi, handler: passed } = jsRegistration(root, text, route);
  const row = call ? undefined : tableRowHandler(root, text, route);
  if (typeof row === 'string') return refuse(route, row);
  const inRow = row?.value.type === 'method_definition' ? undefined : row?.value;
  const method = call && !passed ? handlerMethod(call) : row && !inRow ? row.value : undefined;
  if (method) return wrapHandlerMethod(route, method, name, args, needs);
  // route options a project function makes (`registerOpts(register)`): the argument it puts at `handler` is wrapped
  const callee = passed?.type === 'call_expression' ? passed.childForFieldName('function')?.text : undefined;
  const made = callee === undefined ? undefined : needs.optionsFactories.get(callee);
  if (made && 'own' in made) {
    return refuse(route, `its route options are made by \`${callee}(…)\`, which writes the handler itself: observe it there by hand`);
  }
  // Koa / Hono: handlers spread in from an array (`router.post('/x', ...orders.create)`) get the middleware before them
  const last = call && !passed ? callArgs(call).at(-1) : undefined;
  const spread = last?.type === 'spread_element' && (route.framework === 'koa' || route.framework === 'hono') ? last : undefined;
  const handler = made ? callArgs(passed!)[made.arg] : call ? (passed ?? spread) : inRow;
  if (!handler) return refuse(route, 'its registration passes no handler to wrap');
  if (isObserveCall(handler, name) || isObserveCall(handler.previousNamedSibling, name)) return already(route);
  if (['arrow_function', 'function_expression', 'function'].includes(handler.type)) {
    if (presentAspects(handler.childForFieldName('body'), mod, ['startActiveSpan', 'startSpan']).length) return already(route);
  }
  needs.names.add(JS_HELPER_FN);
  if ((route.framework === 'koa' || route.framework === 'hono') && !openapi && handler.parent?.type === 'arguments') {
    // the observing middleware just before the handler: the same observation around next(), and the handler stays a
    // direct argument, so TypeScript still infers its context type from the path (`c.req.param()`, koa-router overloads)
    return {
      route,
      edits: [{ start: handler.startIndex, end: handler.startIndex, newText: `${name}(${args}), ` }],
      already: [],
      key: handler.startIndex,
    };
  }
  const shorthand = handler.type === 'shorthand_property_identifier';
  // key: a registration serving several routes (its router mounted under two prefixes) is wrapped once, not twice
  return {
    route,
    edits: [
      // `{ handler }` becomes `{ handler: observeRoute(…, handler) }`
      { start: handler.startIndex, end: handler.startIndex, newText: `${shorthand ? `${handler.text}: ` : ''}${name}(${args}, ` },
      { start: handler.endIndex, end: handler.endIndex, newText: ')' },
    ],
    already: [],
    key: handler.startIndex,
  };
}

/** A JS route's registration call, and the handler expression it passes (@hono/zod-openapi `app.openapi(route, handler,
 *  hook?)`: its second argument). */
function jsRegistration(root: Node, text: string, route: Route): { call?: Node; openapi: boolean; handler?: Node } {
  const methodNames = route.methods.flatMap((m) => METHOD_NAMES[m] ?? [m.toLowerCase()]);
  const call = registrationCall(root, text, route, 'call_expression', methodNames);
  const openapi = call?.childForFieldName('function')?.childForFieldName('property')?.text === 'openapi';
  const handler = call ? (openapi ? callArgs(call)[1] : jsHandlerExpr(call)) : undefined;
  return { ...(call ? { call } : {}), openapi, ...(handler ? { handler } : {}) };
}

/** The function a JS route's handler expression calls by name (`registerOpts` of `registerOpts(register)`), if any. */
export function jsHandlerCallee(root: Node, text: string, route: Route): string | undefined {
  const h = jsRegistration(root, text, route).handler;
  const f = h?.type === 'call_expression' ? h.childForFieldName('function') : undefined;
  return f?.type === 'identifier' ? f.text : undefined;
}

/** Fastify's route options with the handler written as a method: `{ schema, async handler(req) { … } }`. */
function handlerMethod(call: Node): Node | undefined {
  const args = callArgs(call);
  const last = args[args.length - 1];
  if (last?.type !== 'object') return undefined;
  return last.namedChildren.find((c): c is Node => c?.type === 'method_definition' && c.childForFieldName('name')?.text === 'handler');
}

/** `async handler(req) {…}` becomes `handler: observeRoute(…, async function handler(req) {…})` by insertions only: the
 *  same function (Fastify calls it with `this` as the instance; the wrapper passes `this` on), now a property; so does
 *  a table row's `async controller(ctx) {…}`. */
function wrapHandlerMethod(route: Route, method: Node, name: string, args: string, needs: JsWrapperNeeds): HandlerOutcome {
  const head = method.childForFieldName('name')!;
  const mods = method.children.filter((c) => c && c.endIndex <= head.startIndex).map((c) => c!.text);
  if (mods.some((m) => m !== 'async')) return refuse(route, `its handler is a ${mods.join(' ')} method: wrap it by hand`);
  needs.names.add(JS_HELPER_FN);
  const open = `${head.text}: ${name}(${args}, `;
  const edits: TextEdit[] = mods.length
    ? [
        { start: method.startIndex, end: method.startIndex, newText: open },
        { start: head.startIndex, end: head.startIndex, newText: 'function ' },
      ]
    : [{ start: head.startIndex, end: head.startIndex, newText: `${open}function ` }];
  edits.push({ start: method.endIndex, end: method.endIndex, newText: ')' });
  return { route, edits, already: [], key: method.startIndex };
}

export function jsWrapperModuleEdits(mod: JsModule, needs: JsWrapperNeeds): TextEdit[] {
  const wanted = [...needs.names].filter((n) => !jsRef(mod, needs.spec, n)).sort();
  if (!wanted.length) return [];
  const { style } = mod;
  const q = (s: string) => (style.quote === '"' ? JSON.stringify(s) : jsString(s));
  const merge = mod.imports.find((i) => i.module === needs.spec && i.mergeAfter);
  if (merge) return [{ start: merge.mergeAfter!.endIndex, end: merge.mergeAfter!.endIndex, newText: `, ${wanted.join(', ')}` }];
  const line = style.esm
    ? `import { ${wanted.join(', ')} } from ${q(needs.spec)}${style.semi}`
    : `const { ${wanted.join(', ')} } = require(${q(needs.spec)})${style.semi}`;
  return [{ start: mod.importAt, end: mod.importAt, newText: mod.importAtLineEnd ? style.eol + line : line + style.eol + style.eol }];
}
