/**
 * Instances and the calls the JS/TS analyzer records beyond a plain `f(x)` (Analyzer.callEdge): `new C(args)` is a
 * framework object or an instance of a project class, and `new App([new UsersController()])` calls the class's
 * constructor; a `forEach`/`map` callback or a `for (const c of controllers)` body is called once per element of the
 * array (also an empty one the file fills by `push`), so `app.use(c.router)` in it mounts the router field of every instance passed in (resolved across files:
 * callGraph.ts follows the array through parameters, fields, options objects and imports). Pure.
 */
import { optionsPrefix } from './jsRouterOptions';
import { named, lineOf, rootOf, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, jsParamNames, unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Ref } from './model';
import { makesHonoApp, none } from './common';
import { MAX_ELEMENTS } from './loops';
import { objectValues } from './jsLoops';
import { objectOfValues } from './jsKeyedCalls';
import { literalArray, literalObject } from './jsValues';
import { honoxApp } from './honox';
import { RC_PKG, rcServer } from './routingControllers';
import { ieServer } from './inversifyExpress';
import { forwardingWrappers } from './jsForwarders';
import { branchReturns } from './jsBranchReturns';
import { keptNew, newArgs } from './jsCollectors';

/** Elements that can be or hold a router: names, members, instances (`new UsersController()`) and calls. */
const HOLDER = /^(identifier|member_expression|new_expression|call_expression)$/;

/**
 * A `for (const c of xs)` loop, when it binds a single name: its body is a scope with that name as parameter. An
 * undeclared name (`for (c of xs)`, sloppy-mode CommonJS: an implicit global) is the element in the body all the same.
 */
function forOfName(n: Node): string | null {
  if (n.type !== 'for_in_statement' || n.childForFieldName('operator')?.text !== 'of') return null;
  const left = n.childForFieldName('left');
  return left?.type === 'identifier' ? left.text : null;
}

/** The bodies of the `for…of` loops among `loops`, scopes of the name table (their variable is their parameter). */
export function forOfBodies(loops: readonly Node[]): Node[] {
  return loops.flatMap((l) => {
    const body = forOfName(l) ? l.childForFieldName('body') : null;
    return body ? [body] : [];
  });
}

/** Parameter names of a scope: a function's, or a `for…of` body's loop variable. */
export function jsScopeParams(scope: Node): (string | null)[] {
  const loop = scope.parent?.type === 'for_in_statement' && scope.parent.childForFieldName('body')?.id === scope.id ? scope.parent : null;
  const name = loop ? forOfName(loop) : null;
  return name ? [name] : jsParamNames(scope);
}

/** The `import(x)` whose module the first parameter of an `import(x).then((m) => …)` callback is (also destructured:
 *  `.then(({ default: r }) => …)`): a folder loader's computed import is the module of each file it lists. */
export function importThen(fn: Node, i: number): Node | null {
  const args = i === 0 && isInlineFunction(fn) ? fn.parent : null;
  const then = args?.type === 'arguments' && named(args)[0]?.id === fn.id ? args.parent : null;
  const f = then?.type === 'call_expression' ? then.childForFieldName('function') : null;
  if (f?.type !== 'member_expression' || f.childForFieldName('property')?.text !== 'then') return null;
  const load = unwrapExpr(f.childForFieldName('object'));
  return load?.type === 'call_expression' && load.childForFieldName('function')?.type === 'import' ? load : null;
}

/** `[new UsersController(), users.router]`: the elements that may hold a router; null when none may. */
export function arrayRef(A: JsAnalyzer, n: Node): Ref | null {
  const els = named(n).filter((e) => e.type !== 'comment');
  if (els.length > MAX_ELEMENTS) return null;
  // `[...routers]`: the elements of the array it spreads (a constant of this file), or that array itself when alone;
  // any other array spread into it (`[...v1Routes, ...v2Routes]` imported) is expanded where it is read (CallGraph.arrayOf)
  const spread = (e: Node): Node[] | null => (e.type === 'spread_element' && named(e)[0] ? A.arrayElements(named(e)[0]!) : null);
  if (els.length === 1 && els[0]!.type === 'spread_element' && named(els[0]!)[0] && !spread(els[0]!)) return A.refOf(named(els[0]!)[0]!);
  const spreads: Ref[] = [];
  const refs = els
    .flatMap((e) => spread(e) ?? [e])
    .flatMap((e) => {
      const u = unwrapExpr(e);
      if (u?.type === 'spread_element' && named(u)[0]) spreads.push(A.refOf(named(u)[0]!));
      return u && HOLDER.test(u.type) ? [A.refOf(u)] : [];
    });
  if (!refs.length && !spreads.length) return null;
  return { k: 'arr', els: refs, ...(spreads.length ? { spreads } : {}) };
}

/** Packages whose export makes an Express router that awaits its handlers: the export's name (`default`: the module). */
export const EXPRESS_ROUTER_PKGS: Record<string, string> = { 'express-promise-router': 'default', 'express-async-router': 'AsyncRouter' };

/** Whether a call or `new` of this package export makes an Express router (`Router()`, `PromiseRouter()`, `AsyncRouter()`). */
export const makesExpressRouter = (p: string, name: string, whole: boolean): boolean =>
  (p === 'express' && name === 'Router') ||
  (Object.hasOwn(EXPRESS_ROUTER_PKGS, p) && EXPRESS_ROUTER_PKGS[p] === (whole ? 'default' : name));

/** Koa routing packages: koa-router and @koa/router, koa-joi-router (a koa-router with validation: the same `get`,
 *  `route`, `prefix`, `use` and `middleware()`), and koa-combine-routers. */
export const KOA_ROUTER_PKGS = ['@koa/router', 'koa-router', 'koa-joi-router', 'koa-combine-routers'];

/** Whether a call or `new` of this package export makes a Koa router (`new Router()`, `Router()`, `new Router({ prefix })`). */
export const makesKoaRouter = (p: string, name: string, whole: boolean): boolean =>
  ((p === '@koa/router' || p === 'koa-router') && (whole || name === 'Router')) || (p === 'koa-joi-router' && whole);

/**
 * koa-combine-routers `combineRouters(users, posts)` or `combineRouters([users, posts])`: one middleware factory serving
 * every router at the application's root (each at its own prefix, `router.prefix('/user')`), so `app.use(routes())`
 * mounts them all. Read as a router with each of them mounted at its root; calling it is that router (refs.ts).
 */
export function combinedRouters(A: JsAnalyzer, n: Node, argv: readonly Node[]): Ref {
  const combined = A.newObj(n, 'koa', 'router', null);
  const a0 = unwrapExpr(argv[0] ?? null);
  const els = argv.length === 1 && a0?.type === 'array' ? named(a0).filter((e) => e.type !== 'comment') : argv;
  for (const el of els.slice(0, MAX_ELEMENTS))
    A.fa.mounts.push({ parent: combined, child: A.refOf(el), prefix: null, line: lineOf(n), kind: 'use' });
  return combined;
}

/** NestJS `app.getHttpAdapter().getInstance()`: the HTTP server under the Nest app, Express (Fastify with a
 *  FastifyAdapter), whose own routes are served as registered (no global prefix). */
export function adapterServer(A: JsAnalyzer, n: Node, obj: Node): Ref | null {
  const call = unwrapExpr(obj);
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'getHttpAdapter') return null;
  const root = rootOf(obj);
  return A.newObj(n, /\bFastifyAdapter\b/.test(root.text) ? 'fastify' : 'express', 'app', null);
}

/** Packages whose server factory creates the root Hono app and hands it to the project's hooks: react-router-hono-server
 *  (every runtime entry: `/node`, `/bun`, `/cloudflare`, `/aws-lambda`, `/deno`). */
const HONO_SERVERS = /^react-router-hono-server(?:\/[\w-]+)?$/;

/**
 * react-router-hono-server `createHonoServer({ app?, beforeAll(app), configure(app) })`: the hooks are called with the root
 * Hono app, the `app` option when one is given (its routes and base path are the server's), else a new one: a call of
 * each hook with that app (a method, a function, or a name of this or another module). React Router's `basename` only
 * mounts React Router's own app. False when `n` calls no such factory.
 */
export function honoServer(A: JsAnalyzer, n: Node, callee: Ref): boolean {
  const pkg = A.pkgOf(callee);
  if (pkg?.name !== 'createHonoServer' || !HONO_SERVERS.test(pkg.pkg)) return false;
  const opts = literalObject(A, named(n.childForFieldName('arguments')!)[0] ?? null);
  const given = opts ? A.prop(opts, 'app') : null;
  const app = given ? propRef(A, given) : A.newObj(n, 'hono', 'app', null);
  for (const key of ['beforeAll', 'configure']) {
    const hook = opts ? A.prop(opts, key) : null;
    if (hook) A.fa.calls.push({ callee: propRef(A, hook), args: [app], line: lineOf(hook) });
  }
  return true;
}

/** The value of a property `A.prop` found: a method (`configure(app) {…}`), a shorthand (`{ configure }`), or an expression. */
function propRef(A: JsAnalyzer, v: Node): Ref {
  if (v.type === 'method_definition') return { k: 'fn', id: A.fnId(v) };
  return v.type === 'shorthand_property_identifier' ? (A.lookup(v.text, v) ?? none(v)) : A.refOf(v);
}

const HONO_APP_NAMES = new Set(['Hono', 'OpenAPIHono']);

/** `new C(args)`: a framework app or router, else an instance of a project class (also behind a path alias,
 *  `@routes/users.route`: resolve.ts decides). */
export function newRef(A: JsAnalyzer, n: Node): Ref {
  const ctor = n.childForFieldName('constructor');
  const args = n.childForFieldName('arguments');
  const argv = args ? named(args) : [];
  if (!ctor) return none(n);
  const callee = A.refOf(ctor);
  const pkg = A.pkgOf(callee);
  if (pkg) {
    const { pkg: p, name } = pkg;
    const whole = name === 'default' || name === 'cjs' || name === '*';
    if (makesKoaRouter(p, name, whole)) return A.newObj(n, 'koa', 'router', optionsPrefix(A, argv[0]));
    if (p === 'koa' && whole) return A.newObj(n, 'koa', 'app', null);
    if (makesHonoApp(p, name)) return A.newObj(n, 'hono', 'app', null);
    if (makesExpressRouter(p, name, whole)) return A.newObj(n, 'express', 'router', null);
    ieServer(A, n);
  }
  // `new Hono()` of a name a project module re-exports (Deno's `deps.ts`: `export { Hono } from 'jsr:@hono/hono'`): an
  // app when the name resolves to Hono's (resolve.ts, ObjDecl.ctor)
  if (callee.k === 'imp' && HONO_APP_NAMES.has(callee.name)) return A.newObj(n, 'hono', 'app', null, callee);
  if (callee.k !== 'cls' && callee.k !== 'imp' && callee.k !== 'mem') return none(n);
  const inst: Ref = { k: 'inst', cls: callee };
  if (!keptNew(n)) return inst;
  // kept (`const memoryRoute = new Route('/memory')`): an object of its own, a router when its class collects route rows
  // (./jsCollectors), else the instance
  const o = A.newObj(n, 'express', 'router', null, callee, inst);
  const strs = o.k === 'obj' ? newArgs(A, argv) : null;
  if (o.k === 'obj') Object.assign(A.fa.objects[o.id]!, { inst: true as const }, strs ? { args: strs } : {});
  return o;
}

/** `new App([new AuthController()], 5000)`: a call of the project class's constructor with those arguments. */
export function newCall(A: JsAnalyzer, n: Node): void {
  const ctor = n.childForFieldName('constructor');
  const args = n.childForFieldName('arguments');
  const cls = ctor ? A.refOf(ctor) : null;
  if (!cls || !args || ieServer(A, n)) return; // a package's class is no project function: resolve.ts drops it (a path alias is kept)
  A.callEdge(n, { k: 'mem', base: cls, name: 'constructor' }, named(args));
}

/** The array a name declared once copies: `[...providers]`, `providers.map((p) => p)`, `providers.slice()`. */
function copyOf(A: JsAnalyzer, n: Node): Node | null {
  const id = unwrapExpr(n);
  const v = id?.type === 'identifier' ? unwrapExpr(A.soleDeclarator(id.text)?.childForFieldName('value') ?? null) : null;
  const els = v?.type === 'array' ? named(v).filter((e) => e.type !== 'comment') : [];
  if (els.length === 1 && els[0]!.type === 'spread_element') return named(els[0]!)[0] ?? null;
  const f = v?.type === 'call_expression' ? v.childForFieldName('function') : null;
  const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : null;
  const cb = m === 'map' ? unwrapExpr(named(v!.childForFieldName('arguments')!)[0] ?? null) : null;
  const param = cb?.type === 'arrow_function' ? jsParamNames(cb) : [];
  const identity = param.length === 1 && cb!.childForFieldName('body')?.text === param[0];
  return identity || (m === 'slice' && !named(v!.childForFieldName('arguments')!).length) ? f!.childForFieldName('object') : null;
}

/** A constant array of this file that spreads something other than such an array (`[...v1Routes, admin]`, imported). */
function spreadsOther(A: JsAnalyzer, arr: Node): boolean {
  const u = literalArray(A, arr, true);
  return !!u && named(u).some((e) => e.type === 'spread_element' && !A.arrayElements(named(e)[0] ?? e));
}

/** `let routeModules = []` filled by `routeModules.push(require(path.join(__dirname, f)))` in this file (a folder
 *  loader's loop): the values pushed; null when the name is not such an array or nothing is pushed. */
function pushed(A: JsAnalyzer, arr: Node): Node[] | null {
  const id = unwrapExpr(arr);
  const v = id?.type === 'identifier' ? unwrapExpr(A.soleDeclarator(id.text)?.childForFieldName('value') ?? null) : null;
  if (v?.type !== 'array' || named(v).length) return null;
  const out = pushesOf(A, v).get(id!.text);
  return out?.length && out.length <= MAX_ELEMENTS ? out : null;
}

const pushes = new WeakMap<JsAnalyzer, Map<string, Node[]>>();

/** Every `name.push(...)` of the file: the arguments per name, found in one walk per file (not one per empty array). */
function pushesOf(A: JsAnalyzer, any: Node): Map<string, Node[]> {
  let byName = pushes.get(A);
  if (byName) return byName;
  byName = new Map();
  pushes.set(A, byName);
  walk(rootOf(any), (n) => {
    const fn = n.type === 'call_expression' ? n.childForFieldName('function') : null;
    if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'push') return;
    const obj = fn.childForFieldName('object');
    if (obj?.type !== 'identifier') return;
    const list = byName!.get(obj.text) ?? [];
    if (list.length <= MAX_ELEMENTS) list.push(...named(n.childForFieldName('arguments')!));
    byName!.set(obj.text, list);
  });
  return byName;
}

/**
 * `callee` (a callback, a loop body) called once per element of `arr`: per element of an array literal of this file
 * (`[users, items]`, `[new A(), new B()]`: strings and numbers say nothing), else once per element of what the value
 * is across files (`each`: an imported array, a parameter, a field).
 */
function perElement(A: JsAnalyzer, callee: Ref, arr0: Node, line: number): void {
  const arr = copyOf(A, arr0) ?? arr0;
  const local = pushed(A, arr) ?? (spreadsOther(A, arr) ? null : A.arrayElements(arr)) ?? objectValues(A, arr);
  if (local) {
    for (const el of local) {
      const u = unwrapExpr(el);
      // an object element: its properties (`{ name, configure: useGoogleRoutes }`, `p.configure(app)` in the callback)
      const r =
        u?.type === 'shorthand_property_identifier'
          ? A.lookup(u.text, u)
          : u && (HOLDER.test(u.type) || u.type === 'object')
            ? A.refOf(u)
            : null;
      if (r) A.fa.calls.push({ callee, args: [r], line });
    }
    return;
  }
  const obj = objectOfValues(arr); // `Object.values(routes)` of an imported object: called with each property value
  const each = A.refOf(obj ?? arr);
  if (obj) A.fa.calls.push({ callee, args: [], line, each, props: true });
  else if (each.k === 'imp' || each.k === 'mem' || each.k === 'param' || each.k === 'arr')
    A.fa.calls.push({ callee, args: [], line, each });
}

/**
 * `routers.forEach((r) => app.route('/admin', r))`, `.map(...)`: the callback is called with each element of the array
 * (a constant of this file, or imported: resolved across files), so mounts of its parameter mount every element.
 */
export function loopCall(A: JsAnalyzer, { recv, argv, line }: { recv: Node; argv: readonly Node[]; line: number }): void {
  const fn = unwrapExpr(argv[0] ?? null);
  if (!fn || !isInlineFunction(fn) || !/^\(?\s*[A-Za-z_$]/.test(fn.text)) return; // a callback with a parameter
  perElement(A, { k: 'fn', id: A.fnId(fn, true) }, recv, line);
}

/** `for (const c of controllers) router.use(c.router)`: the body, called once per element (its parameter `c`). */
export function forOfCall(A: JsAnalyzer, n: Node): void {
  const name = forOfName(n);
  const body = name ? n.childForFieldName('body') : null;
  const first = body ? named(body)[0] : undefined;
  // a node in the body's scope (after its start: `for (…) app.use(r)`); a declaration itself (its last child is in its own scope)
  const decl = first && /^(?:function|generator_function|class)_declaration$/.test(first.type);
  const inner = first && (decl ? first : (named(first).at(-1) ?? first));
  const right = n.childForFieldName('right');
  if (!inner || !right) return;
  const p = A.lookup(name!, inner);
  if (p?.k === 'param') perElement(A, { k: 'fn', id: p.fn }, right, lineOf(n));
}

/** `initRoutes() { …; return this.router; }` (also koa-router's `return this.router.routes()`): what a class method
 *  returns when it is one of the instance's fields, so a call of it on an instance in another module
 *  (`app.use('/orders', new OrderRoute().initRoutes())`, `api.use('/users', new UserController().routes())`) is that field; and
 *  what a static method returns (`static routes() { const router = Router(); …; return router; }`), so
 *  `export default AdminRouter.routes()` is that router; an app or router the method makes (`create() { return new
 *  Hono().route('/', api) }`), so `serve({ fetch: server.create().fetch })` serves a fresh instance of it; a wrapper
 *  object forwarding the verbs to a parameter (./jsForwarders) is that parameter, and a router made in branches
 *  (./jsBranchReturns) the first of them. */
export function fieldReturns(A: JsAnalyzer): void {
  forwardingWrappers(A);
  branchReturns(A);
  for (const c of A.fa.classes)
    for (const id of Object.values(c.methods)) {
      const fn = A.fnNode(id);
      const e = fn ? unwrapExpr(A.returnedExpr(fn) ?? null) : null;
      const held = e && koaRoutesOf(e);
      const field = held?.type === 'member_expression' && held.childForFieldName('object')?.type === 'this';
      if (field || e?.type === 'this' || (e && fn!.children.some((k) => k?.type === 'static')) || (e && madeApp(A, e)))
        A.computeReturns(id);
    }
}

/** What koa-router's `routes()` / `middleware()` is called on (`this.router.routes()`: the router), else `e`. */
function koaRoutesOf(e: Node): Node | null {
  const f = e.type === 'call_expression' && !named(e.childForFieldName('arguments')!).length ? e.childForFieldName('function') : null;
  const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : null;
  return m === 'routes' || m === 'middleware' ? unwrapExpr(f!.childForFieldName('object')) : e;
}

/** Whether `e`, returned by a method, is an app or router a framework makes (`new Hono()…`, `express()`, a name holding
 *  one); not what a project call gives (a factory's object, resolved on its own). */
function madeApp(A: JsAnalyzer, e: Node): boolean {
  if (!/^(?:new_expression|call_expression|identifier)$/.test(e.type)) return false;
  const r = A.refOf(e);
  const o = r.k === 'obj' ? A.fa.objects[r.id] : undefined;
  return !!o && !o.ctor && !o.factory;
}

/** The app a package's server call makes or sets up: routing-controllers' servers, HonoX's `createApp()`. */
export function serverOf(A: JsAnalyzer, n: Node, pkg: string, name: string): Ref {
  if (pkg === RC_PKG) return rcServer(A, n) ?? none(n);
  return name === 'createApp' ? honoxApp(A, n) : none(n);
}
