/**
 * The value of a JS/TS call expression (JsAnalyzer.computeRef): `require()` / `import()` of a module (a computed one
 * through the literal loops), a chained registration or `routes()` that is the same instance, an app or router made by a
 * framework package (`express()`, `Router()`, `fastify()`, koa-router, Hono's `basePath` / `createApp`), a
 * `fastify-plugin` or inline-function wrapper, and what a project function returns (`const app = createApp()`). Pure.
 */
import { ANY_PROP, type Ref } from './model';
import { jsStringLiteral as unquote, lineOf, named, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import { ROUTE_METHODS } from './jsRegistrations';
import { RC_PKG } from './routingControllers';
import { none } from './common';
import * as calls from './jsCalls';
import { factoryApp, honoFactory } from './jsHono';
import { optionsPrefix } from './jsRouterOptions';
import { koaRouteValue } from './jsKoaRoute';
import { chainPath } from './jsHonoChain';
import { importHelperCall } from './jsImportHelpers';
import { AWILIX_PKGS, awilixCall, builderDecl } from './jsAwilix';
import { literalObject } from './jsValues';
import { keyedCallee } from './jsKeyedCalls';

const SELF = /^(?:routes|middleware|prefix|bind|withTypeProvider|notFound|onError)$/;
/** Fastify's setters that return the instance, taken on an app of this file only (elsewhere the name could mean anything). */
const FASTIFY_SELF =
  /^(?:set(?:Validator|Serializer)Compiler|set(?:Error|NotFound)Handler|setSchemaErrorFormatter|setReplySerializer|addHook|addSchema|addContentTypeParser|decorate(?:Request|Reply)?)$/;

/** Packages whose export is given an app and returns that app, extended: koa-websocket (`websockify(new Koa())` adds
 *  `app.ws`, a router of its own). */
const SAME_APP = new Set(['koa-websocket']);

/** An awilix builder's chainable methods besides the verbs and `prefix` (./jsAwilix). */
const AWILIX_SELF = /^(?:verbs|before|after|connect)$/;

export function callRef(A: JsAnalyzer, n: Node): Ref {
  const route = koaRouteValue(A, n); // koa-route's `get('/x', fn)`: one route's middleware
  if (route) return route;
  const fn = n.childForFieldName('function');
  const args = n.childForFieldName('arguments');
  const argv = args ? named(args) : [];
  if (!fn) return none(n);
  if ((fn.type === 'identifier' && fn.text === 'require') || fn.type === 'import') {
    const spec = argv[0] ? unquote(argv[0]) : null;
    const mod = spec !== null ? A.modId(spec) : argv[0] ? A.loops.computedModule(argv[0], n) : null;
    if (mod === null) return none(n);
    return { k: 'imp', mod, name: fn.type === 'import' ? '*' : 'cjs' };
  }
  if (fn.type === 'member_expression') {
    const obj = fn.childForFieldName('object');
    const m = fn.childForFieldName('property')?.text ?? '';
    if (m === 'basePath' && obj && argv[0]) {
      // a new instance sharing the parent's router, with its own base path; `new Hono().basePath(p)` is the app itself
      const anonymous = unwrapExpr(obj)?.type === 'new_expression';
      const child = A.newObj(n, 'hono', anonymous ? 'app' : 'router', A.evalStr(argv[0]));
      if (!anonymous) A.fa.mounts.push({ parent: A.refOf(obj), child, prefix: null, line: lineOf(n), kind: 'base' });
      return child;
    }
    if (m === 'createApp' && obj) return factoryApp(A, n, obj);
    const server = m === 'getInstance' && obj ? calls.adapterServer(A, n, obj) : null;
    if (server) return server;
    // the same instance: koa-router routes() and prefix(p), Fastify withTypeProvider<…>() (typed routes on the same server) and
    // its chainable setters (`fastify().withTypeProvider<T>().setValidatorCompiler(c)`), Hono's chained notFound(cb) /
    // onError(cb); a static method of a class of this file (`AdminRouter.routes()`) is what it returns, and so is a method
    // of an instance of a project class (`new BookRoutes().routes()` returning its router field `this.books`)
    const base = obj && (SELF.test(m) || FASTIFY_SELF.test(m)) ? A.refOf(obj) : null;
    const self = base && (SELF.test(m) || base.k === 'obj') ? base : null;
    if (self && self.k !== 'cls' && !A.isInstance(self)) return self;
    if (
      (ROUTE_METHODS.includes(m) && argv.length >= 2) ||
      (ROUTE_METHODS.includes(m) && argv.length === 1 && obj && chainPath(A, obj)) || // Hono `.get('/x', h).post(h2)`, `.get('/x')`
      m === 'register' ||
      m === 'on' ||
      m === 'use' ||
      (m === 'param' && argv.length === 2) || // Express / koa-router `router.param('id', load)`: the router, chained on
      (AWILIX_SELF.test(m) && obj && builderDecl(A, A.refOf(obj))) ||
      /^openapi(?:Routes)?$/.test(m) ||
      (m === 'route' && argv.length === 2) ||
      (m === 'route' && argv.length === 1 && literalObject(A, argv[0]!)) // Fastify `route({ … })` returns the instance
    ) {
      return A.refOf(obj);
    }
  }
  // `services[name]()`: what calling any value of the object returns (`(await services[name]()).default(app)`)
  const keyed = keyedCallee(A, fn);
  if (keyed?.k === 'mem' && keyed.name === ANY_PROP) return { k: 'ret', callee: keyed };
  const callee = keyed ?? A.refOf(fn);
  const pkg = A.pkgOf(callee);
  if (pkg) {
    const { pkg: p, name } = pkg;
    const whole = name === 'default' || name === 'cjs' || name === '*';
    if (p === 'express' && whole) return A.newObj(n, 'express', 'app', null);
    if (p === 'koa' && whole) return A.newObj(n, 'koa', 'app', null); // Koa 1: `const app = koa()`, without `new`
    const given = SAME_APP.has(p) && whole && argv[0] ? A.refOf(argv[0]) : null;
    if (given?.k === 'obj') return given;
    if (calls.makesExpressRouter(p, name, whole)) return A.newObj(n, 'express', 'router', null);
    if (p === 'fastify' && (whole || name === 'fastify' || name === 'default')) return A.newObj(n, 'fastify', 'app', null);
    if (calls.makesKoaRouter(p, name, whole)) return A.newObj(n, 'koa', 'router', optionsPrefix(A, argv[0]));
    if (p === 'koa-combine-routers' && whole) return calls.combinedRouters(A, n, argv);
    if (p === 'fastify-plugin' && argv[0]) return { k: 'wrap', inner: A.refOf(argv[0]), fp: true };
    if (p === RC_PKG || p === 'honox/server') return calls.serverOf(A, n, p, name);
    if (p === 'hono/factory' && name === 'createFactory') return honoFactory(A, n);
    const awilix = AWILIX_PKGS[p] ? awilixCall(A, n, AWILIX_PKGS[p], name, argv) : null;
    if (awilix) return awilix;
  }
  if (callee.k === 'imp' && callee.mod.startsWith('pkg:') && /fastify-plugin/.test(callee.mod) && argv[0]) {
    return { k: 'wrap', inner: A.refOf(argv[0]), fp: true };
  }
  // `await loadRoute(resolve(__dirname, './contact/route.ts'))`: a helper that imports the module it is given
  const loaded = importHelperCall(A, callee, argv, n);
  if (loaded) return loaded;
  // catchAsync(async (req, res) => {...}): a wrapped inline function is the function
  const inline = argv.filter(isInlineFunction);
  if (inline.length === 1) return { k: 'wrap', inner: A.refOf(inline[0]!), fp: false };
  // `(await load()).default` of a loader a loop or callback is given (`for (const load of Object.values(services))`):
  // what each element returns (callGraph.ts, inCaller)
  if (callee.k === 'param' && !argv.length) return { k: 'ret', callee };
  // const app = createApp(): what the project function returns (a fresh instance per call when it creates it: resolve.ts)
  const via = A.returnOf(
    callee,
    argv.map((a) => {
      const r = /^(identifier|member_expression|object)$/.test(a.type) ? A.refOf(a) : null;
      return r?.k === 'none' ? null : r;
    }),
  );
  if (!via) return none(n);
  A.callEdge(n, callee, argv, [], true); // its strings: `makeRouter('users')` makes `` `/api/${name}` `` `/api/users`
  const decl = n.parent?.type === 'variable_declarator' ? n.parent.childForFieldName('name')?.text : undefined;
  return A.objectAt(n, { framework: 'express', kind: 'router', name: decl, prefix: () => null, ctor: callee, via });
}
