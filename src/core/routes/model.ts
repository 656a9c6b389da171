/**
 * Serializable per-file facts produced by the analyzers (python.ts, javascript.ts) and consumed by the
 * cross-file resolver (resolve.ts). Everything here is plain data (structured-clone safe): no tree-sitter
 * nodes, no functions, no Maps.
 */
import type { AutoloadFilters } from './autoload';
import type { AutoloadEach } from './jsAutoloadLoops';
import type { FolderLoop, NameExpr } from './folderLoops';
import type { ApiVersion, VersionedCall } from './pyVersioning';
import type { Framework, HttpMethod, SourceRange } from './types';

/**
 * A statically evaluated string: a literal `s` (with `src`, the configuration it is the default of:
 * `settings.API_V1_STR`, `process.env.API_PREFIX`), or a run-time expression `e` with the reason; `each`: computed from
 * the entry of a folder loader (./folderLoops) whose modules are `mod`, a string once the resolver knows the entry.
 */
export type Val =
  | { s: string; src?: string }
  | {
      e: string;
      why: string;
      ref?: Ref;
      parts?: ValPart[];
      each?: { mod: ModId; x: NameExpr };
      /** The literal end of a concatenation or template after its last unknown piece (`cfg.root + '/users'`: `/users`). */
      tail?: string;
    };
/** Pieces of a template literal / f-string / concatenation whose non-literal parts may be imported constants. */
export type ValPart = string | { e: string; ref: Ref };

/** Module identifiers: `file:/abs/path/without/ext`, `py:dotted.module` (absolute Python import), `pkg:name`; a folder
 *  loader's module, one per entry: `py:dotted.package.*`, `each:<i>` (the file's folderLoops[i]). */
export type ModId = string;

/** A symbolic reference to a value, resolved across files by resolve.ts. */
export type Ref =
  | { k: 'obj'; id: number } // app/router object created in this file (objects[id])
  | { k: 'imp'; mod: ModId; name: string } // imported binding; name '*' = namespace, 'cjs' = require() result
  | { k: 'mem'; base: Ref; name: string } // attribute / property access (name ANY_PROP: a computed key, any value)
  | { k: 'param'; fn: number; i: number } // i-th parameter of functions[fn]
  | { k: 'fn'; id: number } // function defined in this file
  | { k: 'cls'; id: number } // class defined in this file
  | { k: 'inst'; cls: Ref } // `new C()` of a class that is not a framework object
  | { k: 'wrap'; inner: Ref; fp: boolean } // fp(plugin) / fastifyPlugin(plugin) / other plugin wrappers
  | { k: 'self'; cls: number } // `this` / `self` inside class cls
  | { k: 'ret'; callee: Ref; args?: (Ref | null)[] } // the value returned by calling a project function (app factories)
  | { k: 'lit'; props: Record<string, Ref>; strs?: Record<string, string> } // an object literal's named values (`{ router, model: User }`) and strings
  | { k: 'arr'; els: Ref[]; spreads?: Ref[] } // an array literal's elements (`[new UsersController(), new PostsController()]`), and arrays spread into it
  | { k: 'alt'; refs: Ref[] } // the first of these that is something (`mod.router || mod.default`)
  | { k: 'cfg'; key: string } // a configuration key: Flask `app.config["KEY"]`, NestJS `configService.get('app.prefix')`
  | { k: 'cond'; test: Val; yes: Val; no: Val } // `test ? yes : no` whose test another module may know (a configuration default)
  | { k: 'strfn'; x: NameExpr; arg: Val } // a project string helper (a `fn` NameExpr) called with one argument (./jsStrHelpers)
  // a call of a project function or method another module defines that may read an environment variable with a default
  // (`parser.str('API_PREFIX', 'api')`, ./jsEnvReaders): its arguments' values (`kw`: Python keyword arguments; `env`: the
  // positions given `process.env`), read by the resolver with the function's FuncDecl.env
  | { k: 'env'; fn: Ref; args: Val[]; kw?: Record<string, Val>; env?: number[] }
  | { k: 'str'; s: string } // a string element of a constant array (`export const columns = ['city', 'country'] as const`)
  // the element (or, unpacked, position `index` of the element) a loop takes of sequence `of`, read once per element by the
  // resolver (`for route, view in routes:` over a parameter: PerCallRoutes.perCall); `loop` its offset, `seq` its text
  | { k: 'el'; of: Ref; index?: number; loop: number; seq: string }
  | { k: 'none'; text: string };

/** The property name of `services[name]` read by a computed key: any of the object's values. A call through it (also of
 *  what it returns: `(await services[name]()).default(app)`) is a call of each value (./jsKeyedCalls, callGraph.ts). */
export const ANY_PROP = '[*]';

export interface ObjDecl {
  id: number;
  framework: Framework;
  /** apps are roots; routers must be mounted to have a known full path. */
  kind: 'app' | 'router';
  /** Variable name or expression text, for reasons and debugging. */
  name: string;
  line: number;
  /** Prefix given at creation (APIRouter(prefix=), Blueprint(url_prefix=), new Router({prefix})). */
  prefix: Val | null;
  /** Made by calling a project class or function (`router = AppRouter(prefix="/x")`, `router = createRouter()`): an
   *  app/router only when that resolves to a subclass of a framework class, or to a function that creates and returns
   *  one (an instance per call); its framework and kind then replace the ones above. Otherwise the value is `via` (an
   *  instance, or what the function returns). */
  ctor?: Ref;
  via?: Ref;
  /** Made by a project class: its prefix if that class derives from Flask-RESTX `Namespace` (`/` + name, or `path=`). */
  nsPrefix?: Val;
  /** Made by a project class: the string arguments of the call, by position and by keyword (./pyRedprint); of a JS `new`,
   *  every argument by position (./jsCollectors). */
  args?: Record<string, Val>;
  /** Hono `createFactory()` (./jsHono): no app itself; `factory.createApp()` makes one. */
  factory?: true;
  /** `self` of a Python method (./pySelf): each instance of its class, never a root itself. */
  self?: true;
  /** An awilix-koa / awilix-express controller builder (./jsAwilix). */
  awilix?: AwilixBuilder;
  /** JS/TS: made by `new` of a project class and kept (a variable, a field, an export): an instance, a router only when
   *  its class collects route rows (./jsCollectors); otherwise the object is its `via` (`inst`). */
  inst?: true;
}

/** awilix `createController(target)`: what its routes' handlers are methods of, and its `prefix(p)` calls. */
export interface AwilixBuilder {
  target: Ref;
  prefixes: Val[];
}

export interface FuncDecl {
  id: number;
  name: string | null;
  line: number;
  range: SourceRange;
  params: string[];
  /** What the function returns (`return app`), when it is a known value. */
  returns?: Ref;
  /** The class its return annotation names (`-> AppSettings`): what a call gives when `returns` cannot be followed
   *  (`return environments[env]()`). */
  returnsType?: Ref;
  /** A string helper of its one parameter (`(file) => file.split('.')[0]`), as a NameExpr over it (./folderLoops). */
  str?: NameExpr;
  /** It passes the request on (a middleware, jsMiddleware.ts): it calls its last parameter `next()` with no argument
   *  ('silent': `(req, res, next)` that never touches `res`), or a middleware factory wraps it ('factory'). */
  passes?: 'next' | 'silent' | 'factory';
  /** The rows of a JS route table (./jsRouteTables), a function of the router it is applied to. */
  table?: true;
  /** Parameters annotated with an HTTP client type (`http: AxiosInstance`, ./jsHttpClients): never a router. */
  clients?: number[];
  /** Parameters that hold data, never a function (./jsHttpClients): what an HTTP client sends (`client.post('/x', body)`),
   *  never a route's handler. */
  data?: number[];
  /** It registers the route definitions passed to it (./jsRouteDefs) on this parameter, on `this`, or on the router it
   *  makes and returns (`ret`: each call's own, DefCall.made). */
  registers?: number | 'this' | 'ret';
  /** With `registers`: only the definitions of these methods, each registered by the branch of a `switch (method)` /
   *  `if (method === 'GET')` chain that selects it (./jsRowDispatch); the others by none. */
  registersOnly?: HttpMethod[];
  /** With `registers: 'this'`: a method of a class collecting route rows (./jsCollectors) that stores each row it is given
   *  (`addRoutes(...routes)`, `addRoute(route)`): rows passed as its arguments themselves count too (DefCall.direct). */
  collects?: true;
  /** A Python method (./pyMethods): a property (`@property`, `@cached_property`: reading it calls it), one without an
   *  implicit first parameter (`@staticmethod`), or one given the class as its first (`@classmethod`, and the implicit
   *  class methods `__init_subclass__`, `__class_getitem__`). */
  pyMethod?: 'property' | 'static' | 'class';
  /** Python: the index of its `*args` parameter; a call's positional arguments from there on are its elements. */
  rest?: number;
  /** It applies NestJS `RequestMapping` (or `Get`, `Post`, …) with what its parameter `i` holds (./nestDecorators): a
   *  project route decorator (`@ApiRoute(routes.list)`). `path` / `method`: the key paths read of that parameter (null: none
   *  given, `''`); a method written in the function is the method itself. */
  nestMapping?: { i: number; path: string[] | null; method: string[] | HttpMethod };
  /** It applies NestJS `Controller` (./nestDecorators): with its parameter `i`, or a fixed path (`@ControllerInit('x')`). */
  nestController?: { i: number } | { path: string };
  /** What it returns as keys into a module constant object (./nestDecorators): by property of the returned value (`''`:
   *  the value itself), the constant's name then its keys, a number for the string its parameter of that index is
   *  given (`return routeConfig[name]` → `{ '': ['routeConfig', 0] }`). */
  keyed?: Record<string, (string | number)[]>;
  /** It reads an environment variable by its key parameter (./jsEnvReaders, ./pyEnvReaders): what a call of it gives. */
  env?: EnvRead;
}

/**
 * How a project function reads an environment variable: the positions of a call's arguments that give the key, the
 * source (absent: the environment itself; else it must be given `process.env`) and the default (absent: none), `names`
 * the parameters at those positions (Python keyword arguments), `trim` when it trims what it returns. Or, for a function
 * that reads the variable but whose default a call cannot be sure of, why (`may throw instead of giving its default`).
 * `name` is how a reason names it (`EnvironmentParser.str`).
 */
export type EnvRead =
  | { key: number; source?: number; fallback?: number; trim?: true; names: string[]; name: string }
  | { why: string; key?: number; names: string[]; name: string };

export interface ClassDecl {
  id: number;
  name: string;
  line: number;
  /** method name → functions[] id */
  methods: Record<string, number>;
  /** Instance fields (`router = Router()`, `this.router = ...`) → value. */
  fields?: Record<string, Ref>;
  /** A framework class among its bases (`class AppRouter(APIRouter)`), or project classes it derives from. */
  base?: {
    framework: Framework;
    kind: 'app' | 'router';
    /** Flask-RESTX / RESTPlus `Namespace` */
    namespace?: true;
    /** Flask-RESTful / RESTX / flask-smorest `Api`: its instances are bound to the app they are constructed with */
    api?: true;
    /** A Flask "redprint" (./pyRedprint): not a framework class, its instances are routers a blueprint registers */
    replay?: true;
    /** A JS/TS class collecting route rows (./jsCollectors): its instances are routers where their rows are registered */
    collect?: true;
  };
  supers?: Ref[];
  /** JS/TS: the arguments its constructor passes to `super(…)`, by position (./jsCollectors: a subclass's root). */
  superArgs?: Record<string, Val>;
  /** JS/TS: a class whose instances collect route rows (./jsCollectors). */
  collect?: RowCollector;
  /** JS/TS static fields: one value the class and its subclasses share. */
  statics?: string[];
  /** Fields holding literal strings (`path = '/users'`, `API_V1_STR: str = "/api/v1"`, `Field(default=...)`). */
  consts?: Record<string, string>;
  /** Python: the class statement's head (`class NoteList(ApiView):`), where the routes it makes by being defined are. */
  head?: SourceRange;
  /** Python: a Flask "redprint" (./pyRedprint): `route` stores each view with its rule and options, method `register`
   *  replays them on the blueprint it gets as parameter `bp` (its index, `self` 0), under parameter `prefix` or else the
   *  `fallback` (literal parts and constructor arguments: position after `self`, name; null when not read). `line`/`col`:
   *  its `add_url_rule` call; `text`: the prefix expression there. */
  replay?: {
    route: string;
    register: string;
    bp: number;
    prefix?: number;
    fallback: (string | { arg: number; name: string })[] | null;
    line: number;
    col: number;
    text: string;
  };
}

/**
 * A JS/TS class collecting route rows (./jsCollectors): methods `add` store each row they are given in the instance's
 * array `list` (read back whole by `getters`), its url joined (`join`) after the instance's `root`: a constructor
 * parameter (position `arg`, its default `dflt`) or a string field; `unread`: a url the methods build otherwise (its text).
 */
export interface RowCollector {
  list: string;
  add: string[];
  getters: string[];
  join: 'none' | 'path' | 'concat';
  root: { arg: number; name: string; dflt?: string } | { field: string } | null;
  unread?: string;
  /** Where the first `add` method stores (for reasons). */
  line: number;
}

export interface HandlerSpec {
  ref: Ref;
  /** Source text of the handler expression (fallback name). */
  text: string;
  line: number;
  /** The handler is written inline (arrow / function expression): its name is its own name or null. */
  inline?: boolean;
}

export interface NestInfo {
  /** Controller paths (`@Controller(['a','b'])` gives two). Empty string = none. */
  ctrl: Val[];
  ctrlVersion: string[] | null;
  /** The controller class (classes[] id of its file), for RouterModule paths of its module. */
  cls?: number;
  methodVersion: string[] | null;
  /** `@Controller({host})` etc. are ignored. */
  /** A routing-controllers controller (./routingControllers): served by the servers that list it. */
  rc?: true;
  /** A fastify-decorators controller (an `rc` one its `bootstrap` plugin loads). */
  fd?: true;
  /** An inversify-express-utils controller (./inversifyExpress): served by every server once its module is loaded. */
  ie?: true;
  /** A project route decorator's call (`@ApiRoute(routes.list, {…})`, ./nestDecorators): the function called and the
   *  configuration it is given, read by the resolver; a route when that function applies `RequestMapping`. */
  deco?: { callee: Ref; args: DecoArg[] };
  /** The controller path as such an argument (`@Controller(path)` of `const { path } = getRouteConfig('users')`). */
  ctrlArg?: DecoArg;
  /** A project controller decorator's call (`@ControllerInit('courses')`): the function and its arguments, for the resolver. */
  ctrlDeco?: { callee: Ref; args: Val[] };
  /** A method path that names a constant the analysis reads in the resolver (`@Get(ROUTES.status)` of `status: ['/a',
   *  '/b']`, or an imported `as const` array): one route per element, as a literal array gives. */
  pathArg?: DecoArg;
}

/** A route decorator's configuration argument as keys into a module constant object: of a constant (`ROUTES.users.list`:
 *  `name` ROUTES of module `mod`, or of this file without one; keys users, list), or of what a project function returns
 *  when called with literal strings (`routes.list` of `const routes = getRouteConfig('users')`); `e`: an expression
 *  this analysis does not read. */
export type DecoArg = { name: string; mod?: ModId; keys: string[] } | { call: Ref; args: string[]; keys: string[] } | { e: string };

/** inversify-express-utils `new InversifyExpressServer(container, router?, { rootPath }?)`. */
export interface IeServer {
  /** `rootPath` (null: the default, `/`); unknown when the routing configuration is not an object literal. */
  root: Val | null;
  line: number;
  /** The expression's offset: recorded once. */
  at: number;
}

/** routing-controllers `createExpressServer({ controllers, routePrefix })`, `useKoaServer(app, {…})`. */
export interface RcServer {
  framework: Framework;
  prefix: Val | null;
  /** Classes or arrays of them, globs (absolute), a folder loaded by a file mask (fastify-decorators' `directory` and
   *  `mask`: the source and flags of the regular expression), or what could not be evaluated (its text). */
  controllers: ({ ref: Ref; text: string } | { glob: string } | { dir: string; mask: string; flags: string } | { unknown: string })[];
  line: number;
  /** The call's offset: recorded once. */
  at: number;
}

export interface RawRoute {
  /** The app/router/plugin instance the route is registered on (null for NestJS). */
  owner: Ref | null;
  /** Framework when it is known from syntax alone (NestJS); otherwise from the owner at resolve time. */
  framework: Framework | null;
  /** Python `.get` decorators are FastAPI or Flask depending on the owner; `route` is Flask, `api_route` FastAPI. */
  flavour:
    | 'py-method'
    | 'py-route'
    | 'py-api-route'
    | 'py-add-api-route'
    | 'py-add-url-rule'
    | 'py-resource'
    | 'js-method'
    | 'js-chain'
    | 'js-route-object'
    | 'hono-on'
    | 'nest';
  methods: HttpMethod[];
  /** The methods when they are a value of another module, read by the resolver to replace `methods`: JS `createRoute({ method:
   *  'get' })` imported (no route when it is no method), Python `methods=settings.X` (`GET,POST`; unread: `methods` stays). */
  methodVal?: Val;
  path: Val;
  /** An OpenAPI path template (`/users/{id}`), registered by @hono/zod-openapi as `/users/:id`. */
  openapiPath?: true;
  line: number;
  range: SourceRange;
  handler: HandlerSpec | null;
  nest?: NestInfo;
  /** A registration of each row a helper is given (`case 'GET': router.get(path, …)` in a loop over its parameter,
   *  ./jsRowDispatch): the helper's functions[] id. No route of its own when every call of the helper passes rows the
   *  analysis reads (they are the routes then). */
  byRow?: number;
}

export interface Mount {
  parent: Ref;
  child: Ref;
  prefix: Val | null;
  /** The prefix is only a prefix if this does not resolve to a router/function (`app.use(x, router)`). */
  prefixRef?: Ref;
  line: number;
  /** Where the call that mounts starts (its offset in the file), for a `register`. */
  at?: number;
  /** include: FastAPI include_router (adds), blueprint: Flask (overrides creation prefix), use: Express/Koa,
   *  register: Fastify, route: Hono app.route, base: Hono basePath, alias: function parameter binding. */
  kind: 'include' | 'blueprint' | 'use' | 'register' | 'route' | 'base' | 'alias';
  /** Only when the child is an instance of a project subclass of `Api` (`api = TodolistApi(app)` binds it to `app`). */
  ifApi?: true;
}

/** Which part of a table's element a mount reads: the key of an object's property, its value, or a property of the value. */
export type TableSlot = 'key' | 'value' | { prop: string };

/**
 * A mount in a loop over a table another module exports (`Object.keys(routes).forEach((r) => app.use(r, routes[r]))`,
 * `routers.forEach(({ path, router }) => app.use(path, router))`): made once per element of the table `of` (an object's
 * properties when `obj`, else an array's elements) at resolve time.
 */
export interface TableMount {
  parent: Ref;
  of: Ref;
  obj: boolean;
  /** The part of each element mounted, or one router mounted once per element (`router.use('/' + category, sub)`). */
  child: TableSlot | { fixed: Ref };
  prefix: TableSlot | null;
  /** A prefix written for every element alike (`app.include_router(m.router, prefix="/api")`). */
  prefixVal?: Val;
  /** A prefix concatenated from strings and parts of the element (`'/' + category`, `` `/${m.name}` ``). */
  prefixParts?: (string | TableSlot)[];
  /** A prefix chosen by whether the element has a prefix of its own (`path_prefix if not bp.url_prefix else None`):
   *  `test` as written, the prefix given when it has one and when it has none (null: Python `None`, its own kept). */
  prefixIf?: { test: string; has: Val | null; lacks: Val | null };
  line: number;
  kind: Mount['kind'];
  /** Python, over a concatenation (./pyConcat): each part joined as written, one per spread of `of`. */
  parts?: string[];
}

/** `router.prefix('/x')` (Koa). */
export interface PrefixSet {
  target: Ref;
  prefix: Val;
  line: number;
}

/** A call that passes values to a function's parameters: `setup(app)`, `require('./r')(app, '/p')`. */
export interface CallEdge {
  callee: Ref;
  args: (Ref | null)[];
  /** Python keyword arguments by parameter name. */
  kw?: Record<string, Ref>;
  /** String arguments by position (`"0"`) or keyword, for prefixes passed to a helper's parameter. */
  strs?: Record<string, Val>;
  line: number;
  /** Where the call starts (its offset in the file): what tells two calls on one line apart. */
  at?: number;
  /** The call as written (a call the analyzer saw, not one the resolver made): where a route it gives its helper the
   *  path of is reported (./perCall). */
  range?: SourceRange;
  /** Python: `args[0]` is the object a bound method is called on (./pyMethods), not written among the arguments. */
  recv?: true;
  /** `ROUTERS.forEach((r) => app.route('/admin', r))`, `for (const c of controllers)`: the callback or loop body is
   *  called once per element of `each`, an array that is imported, a parameter (what the callers pass) or a field. */
  each?: Ref;
  /** With `each`: the call is of this attribute of each element, with the arguments as written (Python `for m in
   *  modules: m.setup(app)`, ./pyEach); `callee` is then `<each>.<member>`. */
  member?: string;
  /** With `each`: its elements are the property values of the object it is (`Object.values(routes)`, `for…in`). */
  props?: true;
  /** With `each`: the call is of each element itself, with the arguments as written (`for (const k in routes)
   *  routes[k](app)`, ./jsKeyedCalls); `callee` is then `each`. */
  direct?: true;
  /** Python: the instance a class call makes (`routes = Routes(app)`), the `self` its `__init__` is bound to. */
  self?: Ref;
  /** Python: made by the resolver (./pyMethods), its arguments already bound: a class statement calling the
   *  `__init_subclass__` of a base (`line` is the class's). */
  hook?: true;
  /** A call of a table's rows (./jsRouteDefs) that registers only the rows of these methods (FuncDecl.registersOnly). */
  methods?: HttpMethod[];
}

/** A call passing route definition objects of other modules to a function or method (./jsRouteDefs): `fastify.service({
 *  operations: [getProfile, updateLink] })`, `registerRoutes(router, [list, create])`. */
export interface DefCall {
  callee: Ref;
  /** A member call's method name and receiver (`this` of a decorated method). */
  method?: string;
  self?: Ref;
  args: (Ref | null)[];
  /** The definitions passed (elements of the arrays in the arguments): imported, or the rows function of an object literal
   *  of this file (./jsRouteTables). */
  defs: Ref[];
  /** Some element of those arrays is no definition the analysis reads (a row whose method is no literal HTTP method). */
  partial?: true;
  /** The definitions are the call's arguments themselves (`route.addRoutes(...routes)`, `route.addRoute({ method, url,
   *  handler })`): read only when the callee collects rows (FuncDecl.collects). */
  direct?: true;
  /** The object the call makes when its value is kept (`export const users = generateRouter([…])`): where a registrar
   *  that makes and returns its router registers (FuncDecl.registers `ret`). */
  made?: Ref;
  line: number;
}

/** What a NestJS `@Module` imports (./nestGraph). */
export interface NestImports {
  /** Module classes: written in `imports` (also as `X.forRoot(…)`, `forwardRef(() => X)`), or arrays of them. */
  imports: Ref[];
  /** Names passed to a dynamic module's call (`TypeOrmModule.forRootAsync({ imports: [ConfigModule] })`): a module
   *  among them is imported too. */
  also: Ref[];
  /** Controllers its dynamic modules declare (`static forRoot() { return { module: X, controllers: [C] } }`). */
  controllers: Ref[];
  /** Classes called with a static method this analysis does not read (`FeatModule.forChild()`): the graph is not whole
   *  when one is a project class. */
  calls?: Ref[];
  /** An element the analysis cannot read (`...getModules()`): the graph below this module is not whole. */
  unknown?: string;
}

export interface NestGlobal {
  prefix: Val | null;
  /** Where the prefix is set (`app.setGlobalPrefix('api')`): what a reason names. */
  at?: { line: number; text: string };
  exclude: { path: string; methods: HttpMethod[] | null }[];
  uriVersioning: { prefix: string; defaultVersion: string[] | null } | null;
}

export interface FileAnalysis {
  file: string;
  language: 'python' | 'javascript';
  objects: ObjDecl[];
  functions: FuncDecl[];
  classes: ClassDecl[];
  routes: RawRoute[];
  mounts: Mount[];
  /** Mounts in loops over a table another module exports. */
  tableMounts?: TableMount[];
  prefixSets: PrefixSet[];
  calls: CallEdge[];
  /** Exported name → value. JS: 'default' = export default / module.exports. Python: every module-level name. */
  exports: Record<string, Ref>;
  /** Module-level literal constants (assigned once), also importable. Configuration values are keyed
   *  `cfg:KEY` (Flask `app.config["KEY"] = "/api"`, NestJS `registerAs('app', () => ({ prefix: 'api' }))` → `cfg:app.prefix`);
   *  object literals `name.a.b`. */
  consts: Record<string, string>;
  /** Keys of object literals (`name.a.b`) written with a value the analysis does not read: not missing (a route
   *  configuration's `method`, ./nestDecorators). */
  opaque?: string[];
  /** Provenance of the constants that are configuration defaults (`process.env.PREFIX`). */
  constSrc?: Record<string, string>;
  /** Constants (keyed as `consts`) given by a call of an environment reader another module defines (`prefix:
   *  parser.str('API_PREFIX', 'api')`, Ref `env`): read by the resolver. */
  envConsts?: Record<string, Val>;
  /** Module-level constant arrays (`export const routers = [users, items]`; `default` when exported so): elements. */
  arrays?: Record<string, Ref[]>;
  /** The arrays spread into a constant array of `arrays` (`[...admin, ...public]`). */
  arraySpreads?: Record<string, Ref[]>;
  /** `export * from './x'` targets. */
  starExports: ModId[];
  /** Python: a literal module-level `__all__` (the names `from m import *` binds); null when it is not one. */
  pyAll?: string[] | null;
  /** Framework packages this file imports (hints for parameters whose callers are not found). */
  frameworks: Framework[];
  nest: NestGlobal | null;
  /** NestJS `@Module({ controllers })` of classes of this file. */
  nestModules?: {
    cls: number;
    controllers: Ref[];
    /** the `controllers` expression */
    text: string;
    line: number;
    /** The module graph (./nestGraph): the modules it imports, also through its dynamic modules' `imports`. */
    graph?: NestImports;
  }[];
  /** NestJS `NestFactory.create(AppModule)`: the root module of each application this file bootstraps; `noHttp` for
   *  `createMicroservice` / `createApplicationContext`, which serve no HTTP. */
  nestBoots?: { module: Ref; line: number; noHttp?: true }[];
  /** NestJS `ConfigModule.forRoot({ load: [configuration] })` / `forFeature(configuration)`: the factories loaded. */
  configLoads?: Ref[];
  /** NestJS `RouterModule.register([{ path, module, children }])`: each module with its full path. */
  nestRouter?: { module: Ref; path: string; /** its own path when the resolver evaluates it (below `path`) */ val?: Val }[];
  /** routing-controllers servers made or set up in this file. */
  rcServers?: RcServer[];
  /** inversify-express-utils servers made in this file. */
  ieServers?: IeServer[];
  /** @fastify/autoload registrations: routes of plugin files under dir get the directory as prefix. */
  autoload: {
    parent: Ref;
    dir: string;
    prefix: Val | null;
    line: number;
    /** dirNameRoutePrefix: false */
    flat?: boolean;
    /** dirNameRoutePrefix is neither `true` nor `false` (a function, a variable): its text */
    dirNames?: string;
    filters?: AutoloadFilters;
    /** `encapsulate: false`: each plugin shares the loader's instance, as fastify-plugin makes it (prefixes do not apply) */
    shared?: true;
    /** `options` the analysis cannot read whole (a spread, a variable, `Object.assign({}, opts)`): its text. What the
     *  plugins get as `opts.prefix` is then unknown (the mount keeps the prefix the literal part gives). */
    optionsUnread?: string;
    /** `routeParams: true`: a folder named `_id` is the parameter `:id` of the prefix. */
    routeParams?: true;
    /** Registered once per entry of a folder listing (./jsAutoloadLoops): `dir` is the listed folder, this its entry's. */
    each?: AutoloadEach;
  }[];
  /** An @fastify/autoload registration whose `dir` is not statically known: it may load any file. */
  autoloadUnknown?: true;
  /** The modules this file loads (JS/TS static imports, `require`/`import()` of a literal name; Python imports). */
  loads?: ModId[];
  /** Python: the modules the text loads (./pyLoads): imports at any depth, literal `import_module('x')`, module names in
   *  strings (`"app.main:app"`). */
  pyImports?: ModId[];
  /** The file loads modules whose name is computed (JS/TS: a folder loader, `readdirSync` + `require(f)`; Python:
   *  `import_module(name)`, `exec(…)`, ./pyLoads): the line of each such load, read from the text. */
  loadsComputed?: number[];
  /** The line of each computed load the analysis understood (JS/TS: over a literal list, or of a known folder; Python:
   *  an `import_module` whose name or package it reads, ./pyLoaders). */
  computedKnown?: number[];
  /** JS/TS: loads by a computed name not over a literal list, with the folder they read (`require(`./legacy/${f}`)`). */
  computedLoads?: { text: string; line: number; dir: string }[];
  /** Python: the modules a folder loader keeps of the package pattern it imports (`py:app.routes.*`, ./pyLoaders): a test on
   *  the entry; null when it is not understood (every module kept). */
  loaderFilters?: Record<ModId, NameExpr | null>;
  /** JS/TS: loops over the entries of a folder (./folderLoops), whose modules are `each:<index>`. */
  folderLoops?: FolderLoop[];
  /** JS/TS: folders bare module names resolve in (app-module-path `addPath(__dirname)`), like a tsconfig baseUrl. */
  moduleRoots?: string[];
  /** Calls passing route definitions (./jsRouteDefs). */
  defCalls?: DefCall[];
  /** Fastify `decorate('name', fn)` of a function that registers the route definitions passed to it: where (./jsRouteDefs). */
  decorated?: Record<string, number | 'this'>;
  /** HonoX (./honox): the apps `createApp()` makes with the routes folder they serve; the router of this file's routes. */
  honox?: { roots?: { parent: Ref; dir: string; line: number }[]; routes?: Ref };
  /** The file serves requests itself (`app.listen(…)`, `serve(…)`, `{ fetch }`; Python: it runs as a script, `if __name__
   *  == "__main__":`, `app.run(…)`): an entry point, never dead. */
  serves?: true;
  /** fastapi-versioning (./pyVersioning): its `VersionedFastAPI` calls in this file. */
  pyVersioned?: VersionedCall[];
  /** fastapi-versioning: the `@version(…)` of this file's functions, by the line of their `def`. */
  apiVersions?: Record<number, ApiVersion>;
  /** Syntax errors, unsupported idioms, etc. */
  notes: string[];
}

export function emptyAnalysis(file: string, language: FileAnalysis['language']): FileAnalysis {
  return {
    file,
    language,
    objects: [],
    functions: [],
    classes: [],
    routes: [],
    mounts: [],
    prefixSets: [],
    calls: [],
    exports: {},
    consts: {},
    starExports: [],
    frameworks: [],
    nest: null,
    autoload: [],
    notes: [],
  };
}
