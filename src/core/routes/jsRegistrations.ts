/**
 * Route and mount registrations by member call (Express, Fastify, Koa, Hono; NestJS app set-up in ./nest): one
 * function per registration form, dispatched on the method name.
 */
import * as path from 'node:path';
import type { SourceRange } from '../parsing/nodes';
import { lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import { koaNamedRoute } from './jsKoaNamed';
import { none, toMethod } from './common';
import type { JsAnalyzer } from './javascript';
import type { HandlerSpec, RawRoute, Ref, Val } from './model';
import { nestConfigLoad, nestGlobalPrefix, nestVersioning } from './nest';
import { valueOfKey } from './jsLoops';
import { loopCall } from './jsCalls';
import { composeMount, objectLiteral, tableMount } from './jsTables';
import { rowHandler, tableRoute } from './jsRouteTables';
import { importedField, literalObject, soleConstValue } from './jsValues';
import { wrapperCalls } from './jsWrappers';
import { FD_PKG, fdBootstrap } from './routingControllers';
import { autoloadFilters, autoloadOptionsUnread } from './autoload';
import { autoloadEach } from './jsAutoloadLoops';
import { openapiCall, openapiRoutesCall } from './jsOpenapi';
import { answersUse } from './jsMiddleware';
import { chainPath, pathless } from './jsHonoChain';
import { MAX_ELEMENTS } from './loops';
import { awilixPrefix, awilixRoute } from './jsAwilix';
import type { HttpMethod } from './types';

export const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all'];
export const OTHER_METHODS = [
  'on',
  'route',
  'use',
  'register',
  'prefix',
  'setGlobalPrefix',
  'enableVersioning',
  'forRoot',
  'forFeature',
  'openapi',
  'openapiRoutes',
  'forEach',
  'map',
  'verbs',
];

/** `param` registers no route but returns the router (Express, koa-router): a chain goes on through it. */
const CHAIN_METHODS = new Set([...ROUTE_METHODS, ...OTHER_METHODS, 'param']);

/** The captures plus the links of long call chains (`createRouter().openapi(a, h).openapi(b, h)…`, `router.route('/')
 *  .get(…).post(…)…`) that sit deeper than the query walk reaches: each link is two levels below the next one, so a
 *  chain of eight calls already passes its depth limit (javascript.ts). A missing link follows the deepest captured
 *  link of its chain. */
export function withChainLinks(caps: { name: string; node: Node }[]): { name: string; node: Node }[] {
  const captured = new Set(caps.filter((c) => c.name === 'mcall').map((c) => c.node.id));
  const out: { name: string; node: Node }[] = [];
  for (const c of caps) {
    out.push(c);
    if (c.name !== 'mcall') continue;
    let n = c.node.childForFieldName('function')?.childForFieldName('object');
    while (n?.type === 'call_expression' && !captured.has(n.id)) {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'member_expression') break;
      if (CHAIN_METHODS.has(fn.childForFieldName('property')?.text ?? '')) out.push({ name: 'mcall', node: n });
      n = fn.childForFieldName('object');
    }
  }
  return out;
}

/** A member call `recv.m(...argv)` of one of the methods above. */
interface Call {
  n: Node;
  recv: Node;
  m: string;
  argv: readonly Node[];
  /** Line of the method name, and the range from it to the end of the call. */
  line: number;
  range: SourceRange;
}

const FORMS = new Map<string, (A: JsAnalyzer, c: Call) => void>(
  Object.entries({
    on: honoOn,
    openapi: openapiCall,
    openapiRoutes: openapiRoutesCall,
    forEach: loopCall,
    map: loopCall,
    route: routeCall,
    use: useCall,
    register: registerCall,
    prefix: prefixCall,
    setGlobalPrefix: nestGlobalPrefix,
    enableVersioning: nestVersioning,
    forRoot: nestConfigLoad,
    forFeature: nestConfigLoad,
    verbs: (A: JsAnalyzer, c: Call) => void awilixRoute(A, c.recv, c.m, c.argv, c.line, c.range),
  }),
);

export function memberCall(A: JsAnalyzer, n: Node): void {
  const fn = n.childForFieldName('function')!;
  const prop = fn.childForFieldName('property')!;
  const m = prop.text;
  const recv = fn.childForFieldName('object');
  const args = n.childForFieldName('arguments');
  if (!recv || !args) return;
  const argv = named(args);
  const line = lineOf(prop);
  const range = { start: rangeOf(prop).start, end: rangeOf(n).end };
  const c: Call = { n, recv, m, argv, line, range };
  if (ROUTE_METHODS.includes(m)) verbRoute(A, c);
  else FORMS.get(m)?.(A, c);
}

function isPathLike(n: Node): boolean {
  const t = unwrapExpr(n)?.type;
  return (
    t === 'string' ||
    t === 'template_string' ||
    t === 'binary_expression' ||
    t === 'identifier' ||
    t === 'member_expression' ||
    t === 'regex' ||
    t === 'array'
  );
}

/** `app.get('/p', h)`, Koa `router.get('name', '/p', h)` and `router.route('/p').get(h).post(h)` */
function verbRoute(A: JsAnalyzer, { recv, argv, line, range, m }: Call): void {
  if (awilixRoute(A, recv, m, argv, line, range)) return; // awilix `createController(api).get('/x', 'method')`
  const push = (owner: Node, flavour: RawRoute['flavour'], paths: readonly Val[], last: Node): void => {
    for (const p of paths)
      A.fa.routes.push({
        owner: A.refOf(owner),
        framework: null,
        flavour,
        methods: [toMethod(m)!],
        path: p,
        line,
        range,
        handler: handler(A, last),
      });
  };
  // router.route('/x').get(h).post(h): walk down the chain of verb calls to the .route() call
  let r = unwrapExpr(recv);
  while (r?.type === 'call_expression') {
    const rf = r.childForFieldName('function');
    const rp = rf?.type === 'member_expression' ? rf.childForFieldName('property')?.text : undefined;
    if (rp === 'route') break;
    if (!rp || !ROUTE_METHODS.includes(rp)) break;
    r = unwrapExpr(rf!.childForFieldName('object'));
  }
  if (r?.type === 'call_expression') {
    const rf = r.childForFieldName('function');
    const ra = r.childForFieldName('arguments');
    const rargv = ra ? named(ra) : [];
    if (
      rf?.type === 'member_expression' &&
      rf.childForFieldName('property')?.text === 'route' &&
      rargv.length === 1 &&
      isPathLike(rargv[0]!)
    ) {
      const ownerNode = rf.childForFieldName('object');
      const last = argv[argv.length - 1];
      if (!last || !ownerNode) return;
      return push(ownerNode, 'js-chain', A.paths(rargv[0]!), last);
    }
    if (rf?.type === 'member_expression' && rf.childForFieldName('property')?.text === 'route' && rargv.length === 1) return;
  }
  // Hono `app.get('/x', h).post(h2)`: a verb without a path registers at the chain's last path
  const chained = pathless(A, argv) ? chainPath(A, recv) : null;
  if (chained) return push(recv, 'hono-on', [chained], argv[argv.length - 1]!);
  // koa named route: router.get('name', '/path', handler), router.get(randomUUID(), idPattern, handler)
  const byName = koaNamedRoute(A, argv);
  if (argv.length < 2 || !(byName || isPathLike(argv[0]!))) return;
  const pathArg = byName ? argv[1]! : argv[0]!;
  const rest = argv.slice(byName ? 2 : 1);
  // a project wrapper's trailing options (`firewall.post('/login', handler, { public: [...] })`, ./jsForwarders) follow
  // the handler: no framework takes an object after its handler
  const opts = rest.length > 1 && unwrapExpr(rest[rest.length - 1]!)?.type === 'object';
  const last = rest[rest.length - (opts ? 2 : 1)]!;
  // `for (const t of TRANSITIONS) app.post(`/x/${t.action}`, h)`: a route per element
  push(recv, 'js-method', A.loops.each(A.loops.pathLoop(pathArg), () => A.paths(pathArg)).flat(), last);
}

/** Hono `app.on('GET' | ['GET', 'POST'], '/p', h)` */
function honoOn(A: JsAnalyzer, { recv, argv, line, range }: Call): void {
  if (argv.length < 3) return;
  const ms = A.paths(argv[0]!)
    .map((v) => ('s' in v ? toMethod(v.s) : null))
    .filter((x): x is HttpMethod => !!x);
  if (!ms.length) return;
  for (const p of A.paths(argv[1]!)) {
    A.fa.routes.push({
      owner: A.refOf(recv),
      framework: null,
      flavour: 'hono-on',
      methods: ms,
      path: p,
      line,
      range,
      handler: handler(A, argv[argv.length - 1]!),
    });
  }
}

/** A route definition object: Fastify `{ method, url, handler }`, koa-joi-router `{ method, path, validate, handler }`;
 *  a route table's row (./jsRouteTables) is registered by a method call (`router[row.method](…)`): `js-method`. */
export function routeDefinition(
  A: JsAnalyzer,
  owner: Ref,
  def: Node,
  { line, range }: Pick<Call, 'line' | 'range'>,
  flavour: 'js-route-object' | 'js-method' = 'js-route-object',
): void {
  const url = A.prop(def, 'url') ?? A.prop(def, 'path');
  const method = A.prop(def, 'method');
  const h = rowHandler(A, def, flavour);
  if (!url || !method || !h) return;
  const ms = A.paths(method)
    .map((v) => ('s' in v ? toMethod(v.s) : null))
    .filter((x): x is HttpMethod => !!x);
  if (!ms.length) return;
  A.fa.routes.push({
    owner,
    framework: null,
    flavour,
    methods: ms,
    path: A.evalStr(url),
    line,
    range,
    handler: handler(A, h),
  });
}

/** Fastify `app.route(getAll)` with `const getAll: RouteOptions = { method, url, handler }` in this file (the route is
 *  where the object is written) or imported (its `method` and `url` are that module's constants). */
function routeOptions(A: JsAnalyzer, recv: Node, a0: Node, at: Pick<Call, 'line' | 'range'>): void {
  const obj = literalObject(A, a0);
  if (obj) return routeDefinition(A, A.refOf(recv), obj, { line: lineOf(obj), range: rangeOf(obj) });
  const ref = A.refOf(a0);
  if (ref.k !== 'imp' && !(ref.k === 'mem' && ref.base.k === 'imp')) return;
  A.fa.routes.push({
    owner: A.refOf(recv),
    framework: null,
    flavour: 'js-route-object',
    methods: [],
    methodVal: importedField(a0.text, ref, 'method'),
    path: importedField(a0.text, ref, 'url'),
    ...at,
    handler: handler(A, a0),
  });
}

/** Fastify `app.route({ method, url, handler })`, koa-joi-router `router.route([{ method, path, handler }, …])`; Hono
 *  `app.route('/p', sub)` */
function routeCall(A: JsAnalyzer, { n, recv, argv, line, range }: Call): void {
  const a0 = unwrapExpr(argv[0] ?? null);
  if (argv.length === 1 && a0 && tableRoute(A, n, recv, a0)) return; // `routes.forEach((r) => app.route(r))`
  if (argv.length === 1 && a0?.type === 'object') routeDefinition(A, A.refOf(recv), a0, { line, range });
  else if (argv.length === 1 && (a0?.type === 'identifier' || a0?.type === 'member_expression')) routeOptions(A, recv, a0, { line, range });
  else if (argv.length === 1 && a0?.type === 'array') {
    for (const el of named(a0).slice(0, MAX_ELEMENTS)) {
      const def = unwrapExpr(el);
      if (def?.type === 'object') routeDefinition(A, A.refOf(recv), def, { line: lineOf(def), range: rangeOf(def) });
    }
  } else if (argv.length === 2 && isPathLike(argv[0]!) && !tableMount(A, recv, argv, line, 'route')) {
    // also in a loop over a table: `for (const [path, sub] of ROUTES) app.route(path, sub)`
    const loop = A.loops.loopOfArgs(argv);
    const read = A.loops.each(loop, () => ({ child: loop ? A.loops.pick(argv[1]!) : argv[1]!, prefix: A.evalStr(argv[0]!) }));
    for (const { child, prefix } of read)
      if (child) A.fa.mounts.push({ parent: A.refOf(recv), child: A.refOf(child), prefix, line, kind: 'route' });
  }
}

/** Express/Koa `app.use('/p', router)`, `app.use(router)`, Koa `app.use(compose(array))`, and over a literal array of
 *  `{ path, route }` objects; Hono `app.use('/p', mw, (c) => …)`, a route of every method. */
function useCall(A: JsAnalyzer, { recv, argv, line, range }: Call): void {
  if (!argv.length) return;
  const m = unwrapExpr(argv[0]!);
  const mf = m?.type === 'call_expression' ? m.childForFieldName('function') : null;
  if (mf && A.pkgOf(A.refOf(mf))?.pkg === 'koa-mount') {
    // app.use(mount('/books', books.routes())), app.use(mount('/admin', adminApp))
    const [p, c] = named(m!.childForFieldName('arguments')!);
    const child = c ?? p;
    if (child) A.fa.mounts.push({ parent: A.refOf(recv), child: A.refOf(child), prefix: c && p ? A.evalStr(p) : null, line, kind: 'use' });
    return;
  }
  if (composeMount(A, recv, argv, line) || tableMount(A, recv, argv, line, 'use')) return;
  const loop = A.loops.loopOfArgs(argv);
  if (loop) {
    // routes.forEach((r) => router.use(r.path, r.route)), for (const [prefix, router] of ROUTES) app.use(prefix, router)
    const read = A.loops.each(loop, () => {
      const picked = argv.map((a) => A.loops.pick(a));
      if (picked.some((x) => !x)) return null;
      const first = picked[0]!;
      // a path, or the key of an object's property (`Object.keys(routes).forEach((route) => app.use(route, routes[route]))`)
      const hasPrefix =
        first.type === 'string' || first.type === 'template_string' || first.type === 'binary_expression' || !!valueOfKey(first);
      if (!hasPrefix && picked.length >= 2 && (first.type === 'identifier' || first.type === 'member_expression')) {
        // { path: health.path, router: health.router }: a constant of another module, or a middleware (resolve time)
        const v = A.evalStr(argv[0]!);
        return { children: picked.slice(1).map((c) => A.refOf(c)), prefix: v, prefixRef: 's' in v ? undefined : A.refOf(first) };
      }
      // read at the element: `route.initRoutes()` is the call of each element's method
      const children = (hasPrefix ? picked.slice(1) : picked).map((c) => A.loops.elementCall(c!) ?? A.refOf(c));
      return { children, prefix: hasPrefix ? A.evalStr(argv[0]!) : null };
    });
    for (const r of read) {
      if (!r) continue;
      const { children, prefix } = r;
      const prefixRef = 'prefixRef' in r ? r.prefixRef : undefined;
      if (prefixRef) A.fa.mounts.push({ parent: A.refOf(recv), child: prefixRef, prefix: null, line, kind: 'use' });
      for (const c of children)
        A.fa.mounts.push({ parent: A.refOf(recv), child: c, prefix, ...(prefixRef ? { prefixRef } : {}), line, kind: 'use' });
    }
    return;
  }
  let prefix: Val | null = null;
  let rest = argv;
  const a0 = unwrapExpr(argv[0]!);
  const stringy = (n: Node | null | undefined) => n?.type === 'string' || n?.type === 'template_string';
  // a path: written, built, or chosen between paths (`prod ? '/api' : '/api/v2'`)
  const choice = a0?.type === 'ternary_expression' && ['consequence', 'alternative'].some((f) => stringy(a0.childForFieldName(f)));
  if (a0 && (stringy(a0) || a0.type === 'binary_expression' || choice)) {
    prefix = A.evalStr(a0);
    rest = argv.slice(1);
  } else if (a0?.type === 'identifier' || a0?.type === 'member_expression') {
    const v = A.evalStr(a0);
    if ('s' in v) {
      prefix = v;
      rest = argv.slice(1);
    } else if (argv.length >= 2) {
      // app.use(config.prefix, router) or app.use(auth, router): decided at resolve time (prefixRef)
      const pr = A.refOf(a0);
      A.fa.mounts.push({ parent: A.refOf(recv), child: pr, prefix: null, line, kind: 'use' });
      for (const c of argv.slice(1)) {
        const u = unwrapExpr(c);
        if (!u || isInlineFunction(u) || u.type === 'object') continue;
        A.fa.mounts.push({ parent: A.refOf(recv), child: A.refOf(u), prefix: v, prefixRef: pr, line, kind: 'use' });
      }
      return;
    }
  }
  for (const c of rest) {
    const u = unwrapExpr(c);
    if (!u || isInlineFunction(u) || u.type === 'object') continue;
    A.fa.mounts.push({ parent: A.refOf(recv), child: A.refOf(u), prefix, line, kind: 'use' });
  }
  // Hono: a last function that cannot call `next` answers every method on the path
  const last = rest.at(-1);
  if (prefix && last && answersUse(A, last))
    A.fa.routes.push({
      owner: A.refOf(recv),
      framework: null,
      flavour: 'hono-on',
      methods: ['ALL'],
      path: prefix,
      line,
      range,
      handler: handler(A, last),
    });
}

/** Fastify `app.register(plugin, { prefix })`, @fastify/autoload */
function registerCall(A: JsAnalyzer, { n, recv, argv, line }: Call): void {
  if (!argv.length) return;
  // `mp.register(app)`, `for (const r of this.routers) r.register(app)`: on anything but a framework object of this file,
  // also a call of a project class's `register` method (resolve.ts links it when the receiver is such an instance)
  const on = A.refOf(recv);
  if (on.k !== 'obj' || A.fa.objects[on.id]?.inst) A.callEdge(n, A.refOf(n.childForFieldName('function')!), argv);
  const opts = unwrapExpr(argv[1] ?? null);
  const plugin = A.refOf(argv[0]!);
  const pkg = A.pkgOf(plugin);
  if (pkg?.pkg === FD_PKG && pkg.name === 'bootstrap') return fdBootstrap(A, n, argv[1]);
  if (pkg && /autoload/.test(pkg.pkg)) {
    const dirNode = opts?.type === 'object' ? A.prop(opts, 'dir') : null;
    const fixed = dirNode ? evalDir(A, dirNode) : null;
    // `dir: path.join(routes, d.name)` in a loop over a folder's entries: one autoload per sub-folder
    const each = !fixed && dirNode ? autoloadEach(A, dirNode, n) : null;
    const dir = fixed ?? each?.base;
    if (dir) {
      const ou = optionsObject(A, opts ? A.prop(opts, 'options') : null);
      const pre = ou ? A.prop(ou, 'prefix') : null;
      const dirNames = opts ? A.prop(opts, 'dirNameRoutePrefix') : null;
      const filters = opts ? autoloadFilters(A, opts, A.fa.notes, line) : {};
      A.fa.autoload.push({
        parent: A.refOf(recv),
        dir,
        prefix: pre ? A.evalStr(pre) : null,
        line,
        ...(dirNames?.text === 'false' ? { flat: true } : {}),
        ...(dirNames && !/^(?:true|false)$/.test(dirNames.text) ? { dirNames: dirNames.text.slice(0, 80) } : {}),
        ...(Object.keys(filters).length ? { filters } : {}),
        ...(opts && unwrapExpr(A.prop(opts, 'encapsulate'))?.text === 'false' ? { shared: true as const } : {}),
        ...autoloadOptionsUnread(A, opts && A.prop(opts, 'options')),
        ...(opts && unwrapExpr(A.prop(opts, 'routeParams'))?.text === 'true' ? { routeParams: true as const } : {}),
        ...(each ? { each: each.each } : {}),
      });
    } else {
      A.fa.notes.push(`line ${line}: autoload dir not statically known`);
      A.fa.autoloadUnknown = true;
    }
    return;
  }
  const o = optionsObject(A, opts);
  const p = o ? A.prop(o, 'prefix') : null;
  // options that are neither an object the analysis reads nor the plugin's own options handed on: their prefix is unknown
  const unread = opts && !o && !isLoopName(A, opts) && A.refOf(opts).k !== 'param' ? unknownOptions(opts) : null;
  // also in a loop over a table: `for (const { plugin, prefix } of PLUGINS) app.register(plugin, { prefix })`
  const loop = A.loops.loopOfArgs(p ? [argv[0]!, p] : [argv[0]!]);
  const read = A.loops.each(loop, () => ({ child: loop ? A.loops.pick(argv[0]!) : argv[0]!, prefix: p ? A.evalStr(p) : unread }));
  for (const { child, prefix } of read) {
    if (child)
      A.fa.mounts.push({ parent: A.refOf(recv), child: loop ? A.refOf(child) : plugin, prefix, line, at: n.startIndex, kind: 'register' });
  }
  wrapperCalls(A, argv[0]!);
}

/** Plugin options the analysis cannot read (`register(plugin, pluginOptions())`): a prefix in them is unknown. */
function unknownOptions(opts: Node): Val {
  return { e: opts.text.slice(0, 80), why: 'plugin options value the analysis cannot read' };
}

/** A name bound by an enclosing loop (`for (const o of OPTIONS) app.register(p, o)`): read by the loop unrolling. */
function isLoopName(A: JsAnalyzer, n: Node): boolean {
  return n.type === 'identifier' && A.loops.loopOfArgs([n]) !== null;
}

/** A plugin options object: `{ prefix }`, a name holding one, or the literal of `Object.assign({ prefix: '/api' }, opts)`. */
function optionsObject(A: JsAnalyzer, n: Node | null): Node | null {
  const u = unwrapExpr(n);
  if (u?.type === 'object') return u;
  if (u?.type === 'identifier') return literalObject(A, u);
  if (u?.type === 'call_expression' && u.childForFieldName('function')?.text === 'Object.assign') {
    return named(u.childForFieldName('arguments')!).find((a) => a.type === 'object') ?? null;
  }
  return null;
}

/** Koa `router.prefix('/p')` */
function prefixCall(A: JsAnalyzer, { recv, argv, line }: Call): void {
  if (awilixPrefix(A, recv, argv)) return;
  if (argv.length === 1) A.fa.prefixSets.push({ target: A.refOf(recv), prefix: A.evalStr(argv[0]!), line });
}

/** The real handler behind `h`: unwraps wrappers like asyncHandler(fn), fn.bind(x), [mw, fn], and spread handler lists
 *  (`...factory.createHandlers(mw, fn)`, Hono's factory helper, also through a `const` of this file). */
export function handler(A: JsAnalyzer, h0: Node): HandlerSpec {
  let h = unwrapExpr(h0) ?? h0;
  for (let i = 0; i < 5; i++) {
    if (h.type === 'spread_element' && named(h)[0]) {
      const u = unwrapExpr(named(h)[0]!) ?? named(h)[0]!;
      const v = u.type === 'identifier' ? unwrapExpr(A.soleDeclarator(u.text)?.childForFieldName('value') ?? null) : null;
      h = v?.type === 'call_expression' || v?.type === 'array' ? v : u;
      continue;
    }
    if (h.type === 'array') {
      const last = named(h).at(-1);
      if (!last) break;
      h = unwrapExpr(last) ?? last;
      continue;
    }
    if (h.type === 'object') {
      const p = A.prop(h, 'handler');
      if (!p) break;
      h = unwrapExpr(p) ?? p;
      continue;
    }
    if (h.type === 'call_expression') {
      const fn = h.childForFieldName('function');
      if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'bind') {
        h = fn.childForFieldName('object')!;
        continue;
      }
      const args = h.childForFieldName('arguments');
      const argList = args ? named(args) : [];
      const hasInline = argList.some(isInlineFunction);
      if (!hasInline && fn && A.pkgOf(A.refOf(fn))) {
        // asyncHandler(ctrl.create) → create; swaggerUi.setup(spec) → no function found: report the factory
        const arg = [...argList].reverse().find((a) => a.type === 'identifier' || a.type === 'member_expression');
        return { ref: arg ? A.refOf(arg) : none(h), text: fn.text, line: lineOf(h) };
      }
      const inner = args
        ? [...argList]
            .reverse()
            .find((a) =>
              ['arrow_function', 'function_expression', 'function', 'identifier', 'member_expression', 'call_expression'].includes(a.type),
            )
        : undefined;
      if (!inner) break;
      h = inner;
      continue;
    }
    break;
  }
  if (h.type === 'method_definition')
    return { ref: { k: 'fn', id: A.fnId(h) }, text: h.childForFieldName('name')?.text ?? '', line: lineOf(h) };
  const inline = isInlineFunction(h);
  if (inline) {
    const id = A.fnId(h, true);
    return { ref: { k: 'fn', id }, text: A.fa.functions[id]!.name ?? '', line: A.fa.functions[id]!.line, inline };
  }
  let ref = A.refOf(h);
  // a name holding an object literal (`client.post('/settings', settings)`): that object, data unless it has a `handler`
  const v = ref.k === 'none' && h.type === 'identifier' ? unwrapExpr(soleConstValue(A, h.text, h)) : null;
  if (v?.type === 'object') {
    const lit = objectLiteral(A, v);
    ref = lit.k === 'lit' ? lit : { k: 'lit', props: {} };
  }
  return { ref, text: h.text.length > 60 ? '' : h.text, line: lineOf(h) };
}

/** `path.join(__dirname, 'routes')`, `join(import.meta.dirname, 'routes')`, `__dirname + '/routes'`,
 *  `fileURLToPath(new URL('./routes', import.meta.url))`, `dirname(fileURLToPath(import.meta.url))` → absolute path. */
export function evalDir(A: JsAnalyzer, n0: Node, depth = 0): string | null {
  const n = unwrapExpr(n0);
  if (!n || depth > 6) return null;
  const t = n.text;
  // an ES module's own `const __dirname = join(dirname(__filename), 'infrastructure')`, followed when it evaluates
  const own = t === '__dirname' || t === '__filename' ? A.soleDeclarator(t)?.childForFieldName('value') : null;
  const ownDir = own ? evalDir(A, own, depth + 1) : null;
  if (ownDir) return ownDir;
  if (t === '__dirname' || t === 'import.meta.dirname') return A.dir;
  if (t === '__filename' || t === 'import.meta.filename' || t === 'import.meta.url') return A.file;
  if (
    n.type === 'call_expression' &&
    /^(?:join|resolve)$/.test(n.childForFieldName('function')?.text ?? '') &&
    named(n.childForFieldName('arguments')!)[0]?.text === 'import.meta.url'
  ) {
    // desm: join(import.meta.url, 'routes') is relative to the module's directory
    const rest = named(n.childForFieldName('arguments')!)
      .slice(1)
      .map((a) => A.evalStr(a));
    return rest.every((v) => 's' in v) ? path.join(A.dir, ...rest.map((v) => (v as { s: string }).s)) : null;
  }
  if (n.type === 'identifier') {
    // const __dirname = dirname(fileURLToPath(import.meta.url))
    const v = A.soleDeclarator(t)?.childForFieldName('value');
    return v ? evalDir(A, v, depth + 1) : null;
  }
  if (n.type === 'new_expression' && n.childForFieldName('constructor')?.text === 'URL') {
    const a = named(n.childForFieldName('arguments')!);
    const base = a[1] ? evalDir(A, a[1], depth + 1) : null;
    const rel = a[0] ? A.evalStr(a[0]) : null;
    return base && rel && 's' in rel ? path.resolve(path.dirname(base), rel.s) : null;
  }
  if (n.type === 'call_expression') {
    const f = n.childForFieldName('function');
    const fname = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : f?.text;
    const args = named(n.childForFieldName('arguments')!);
    if (fname === 'fileURLToPath' && args[0]) return evalDir(A, args[0], depth + 1);
    // a project helper over the module's URL, `getDirName(import.meta.url)`: by its name, the module's folder
    if (args.length === 1 && args[0]!.text === 'import.meta.url' && /dir/i.test(fname ?? '')) return A.dir;
    if (fname === 'dirname' && args[0]) {
      const d = evalDir(A, args[0], depth + 1);
      return d ? path.dirname(d) : null;
    }
    if (fname !== 'join' && fname !== 'resolve') return null;
    const parts: string[] = [];
    for (const a of args) {
      const d = evalDir(A, a, depth + 1);
      if (d) parts.push(d);
      else {
        const v = A.evalStr(a);
        if (!('s' in v)) return null;
        parts.push(v.s);
      }
    }
    return parts.length && path.isAbsolute(parts[0]!) ? path.join(...parts) : null;
  }
  if (n.type === 'binary_expression') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    const base = l ? evalDir(A, l, depth + 1) : null;
    if (base && r) {
      const v = A.evalStr(r);
      return 's' in v ? path.join(base, v.s) : null;
    }
  }
  if (n.type === 'template_string') {
    const kids = named(n);
    const sub = kids[0]?.type === 'template_substitution' ? named(kids[0])[0] : null;
    const base = sub ? evalDir(A, sub, depth + 1) : null;
    if (base) {
      const rest = n.text.slice(n.text.indexOf('}') + 1, -1);
      if (!rest.includes('${')) return path.join(base, rest);
    }
  }
  return null;
}
