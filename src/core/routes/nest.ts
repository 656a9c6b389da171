/** NestJS: controllers and their route decorators (routing-controllers' too: ./routingControllers; inversify-express-utils':
 *  ./inversifyExpress), the global prefix and URI versioning. */
import { jsStringLiteral, lineOf, named, rangeOf, type SyntaxNode as Node } from '../parsing/nodes';
import { jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip, toMethod } from './common';
import {
  configPaths,
  controllerDecorator,
  controllerPaths,
  decoArg,
  decoratedRoutes,
  elementRoutes,
  NEST_METHODS,
  projectDecorator,
} from './nestDecorators';
import type { JsAnalyzer } from './javascript';
import type { FileAnalysis, NestGlobal, NestInfo, RawRoute, Ref, Val } from './model';
import type { Ent } from './values';
import type { Framework, HttpMethod, Route } from './types';
import { joinNest } from './paths';
import { factoryObject, provenance } from './configValues';
import { FD_PKG, RC_PKG, RcServers, rcServer } from './routingControllers';
import { literalArray } from './jsValues';
import { NestGraph, nestBootstrap, nestImports } from './nestGraph';
import { IE_METHODS, IE_PKG, IeServers } from './inversifyExpress';
import { NestGlobals } from './nestGlobals';

/** The subset of a member call the NestJS set-up calls read. */
interface SetupCall {
  n: Node;
  argv: readonly Node[];
}

/** fastify-decorators' route decorators (decorators/request-handlers.js). */
const FD_METHODS = /^(?:GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|ALL)$/;

export function nestController(A: JsAnalyzer, cls: Node): void {
  const decos: Node[] = [...cls.childrenForFieldName('decorator').filter((d): d is Node => !!d)];
  if (cls.parent?.type === 'export_statement') decos.push(...cls.parent.childrenForFieldName('decorator').filter((d): d is Node => !!d));
  if (!decos.length) {
    for (const c of cls.children) if (c?.type === 'decorator') decos.push(c);
    if (cls.parent?.type === 'export_statement') for (const c of cls.parent.children) if (c?.type === 'decorator') decos.push(c);
  }
  const calls = decos.map((d) => decoCall(A, d));
  const mod = calls.find((d) => d && d.name === 'Module');
  if (mod) nestModule(A, cls, mod.args[0]);
  const own = calls.find((d) => d && (d.ie ? d.name === 'controller' : d.name === 'Controller' || (d.rc && d.name === 'JsonController')));
  // a project controller decorator (`@ControllerInit('courses')` applying `Controller(name)`): read by the resolver
  const byDeco = own ? undefined : decos.map((d) => ({ d, deco: controllerDecorator(A, d) })).find((x) => x.deco);
  const ctrlDeco = byDeco?.deco;
  const ctrl = own ?? (ctrlDeco ? { name: 'Controller', args: [], rc: false } : null);
  if (!ctrl) return;
  if (!ctrl.rc && !ctrlDeco) A.frameworks.add('nestjs');
  let ctrlPaths: Val[] = byDeco ? [{ e: clip(named(byDeco.d)[0]?.text ?? ''), why: 'controller decorator' }] : [{ s: '' }];
  let ctrlVersion: string[] | null = null;
  const a0 = unwrapExpr(ctrl.args[0] ?? null);
  if (a0?.type === 'object') {
    const p = A.prop(a0, ctrl.fd ? 'route' : 'path');
    if (p) ctrlPaths = A.paths(p);
    const v = A.prop(a0, 'version');
    if (v) ctrlVersion = versions(A, v);
  } else if (a0) ctrlPaths = A.paths(a0);
  // `@Controller(path)` of `const { path } = getRouteConfig('users')` (./nestDecorators)
  const named0 = a0?.type === 'object' ? A.prop(a0, 'path') : a0;
  const ca = ctrlPaths.length === 1 && 'e' in ctrlPaths[0]! && named0 && !ctrl.rc ? decoArg(A, named0) : null;
  const ctrlArg = ca && !('e' in ca) ? ca : null;
  const body = cls.childForFieldName('body');
  if (!body) return;
  let pending: Node[] = [];
  for (const c of body.children) {
    if (!c) continue;
    if (c.type === 'decorator') {
      pending.push(c);
      continue;
    }
    if (c.type === 'method_definition') {
      for (const c2 of c.children) if (c2?.type === 'decorator') pending.push(c2);
      const calls = pending.map((d) => ({ d, call: decoCall(A, d) }));
      const ver = calls.find((x) => x.call?.name === 'Version');
      const methodVersion = ver?.call?.args[0] ? versions(A, ver.call.args[0]) : null;
      for (const { d, call } of calls) {
        // routing-controllers `@Method('get', '/x')`, inversify-express-utils `@httpMethod('get', '/x')`
        const byName = ctrl.ie ? 'httpMethod' : 'Method';
        const rcMethod = ctrl.rc && call?.name === byName && call.args[0] ? A.evalStr(call.args[0]) : null;
        const method =
          rcMethod && 's' in rcMethod
            ? toMethod(rcMethod.s)
            : call?.fd
              ? FD_METHODS.exec(call.name) && toMethod(call.name)
              : call?.ie
                ? (Object.hasOwn(IE_METHODS, call.name) && IE_METHODS[call.name]) || null
                : call && call.name in NEST_METHODS
                  ? NEST_METHODS[call.name]
                  : null;
        // a project route decorator (`@ApiRoute(routes.list)`, ./nestDecorators): read by the resolver
        const deco = !call && !ctrl.rc && !ctrlDeco ? projectDecorator(A, d) : null;
        if (!deco && (!call || !method || call.rc !== ctrl.rc || !!call.ie !== !!ctrl.ie)) continue;
        const nest: NestInfo = {
          ctrl: ctrlPaths,
          ctrlVersion,
          methodVersion,
          cls: A.clsId(cls),
          ...(ctrl.rc ? { rc: true as const } : {}),
          ...(ctrl.fd ? { fd: true as const } : {}),
          ...(ctrl.ie ? { ie: true as const } : {}),
          ...(ctrlArg ? { ctrlArg } : {}),
          ...(ctrlDeco ? { ctrlDeco } : {}),
        };
        if (deco) {
          const text = clip(named(d)[0]?.text ?? '');
          const handler = { ref: { k: 'fn' as const, id: A.fnId(c) }, text: c.childForFieldName('name')?.text ?? '', line: lineOf(c) };
          const path = { e: text, why: 'route decorator' };
          A.fa.routes.push({
            owner: null,
            framework: 'nestjs',
            flavour: 'nest',
            methods: [],
            path,
            line: lineOf(d),
            range: rangeOf(d),
            handler,
            nest: { ...nest, deco },
          });
          continue;
        }
        if (!call || !method) continue;
        if (ctrlDeco) A.frameworks.add('nestjs');
        // fastify-decorators `@GET({ url: '/:id', options })`, `@GET('/:id')`, `@GET()` (url '/')
        const a = call.args[rcMethod ? 1 : 0];
        const pathArg = call.fd && unwrapExpr(a ?? null)?.type === 'object' ? A.prop(unwrapExpr(a!)!, 'url') : a;
        const ps = pathArg ? A.paths(pathArg) : [{ s: call.fd ? '/' : '' }];
        // `@Get(ROUTES.status)` of a constant array (`status: ['/status', '/status/:id']`): expanded by the resolver
        const pa = ps.length === 1 && 'e' in ps[0]! && pathArg && !ctrl.rc ? decoArg(A, pathArg) : null;
        const routeNest = pa && !('e' in pa) ? { ...nest, pathArg: pa } : nest;
        for (const p of ps) {
          A.fa.routes.push({
            owner: null,
            framework: ctrl.rc ? null : 'nestjs',
            flavour: 'nest',
            methods: [method],
            path: p,
            line: lineOf(d),
            range: rangeOf(d),
            handler: { ref: { k: 'fn', id: A.fnId(c) }, text: c.childForFieldName('name')?.text ?? '', line: lineOf(c) },
            nest: routeNest,
          });
        }
      }
    }
    if (c.type !== 'comment') pending = [];
  }
}

/** A call that makes a server of decorated controllers: a routing-controllers server, or a NestJS bootstrap. */
export function controllerServer(A: JsAnalyzer, n: Node, argv: readonly Node[]): boolean {
  return !!rcServer(A, n) || nestBootstrap(A, n, argv);
}

/** `@Module({ controllers: [...], imports: [RouterModule.register(routes)] })` */
function nestModule(A: JsAnalyzer, cls: Node, arg: Node | undefined): void {
  const o = unwrapExpr(arg ?? null);
  if (o?.type !== 'object') return;
  const list = (key: string): readonly Node[] => {
    let v = unwrapExpr(A.prop(o, key));
    // `imports` of `const imports = [AuthModule, RouterModule.register(routes)]`
    if (v?.type === 'identifier' || v?.type === 'shorthand_property_identifier')
      v = unwrapExpr(A.soleDeclarator(v.text, v)?.childForFieldName('value') ?? null);
    return v?.type === 'array' ? named(v) : [];
  };
  const c = A.prop(o, 'controllers');
  const controllers = c ? controllerRefs(A, c, 0) : [];
  const graph = nestImports(A, o, cls.childForFieldName('body'));
  (A.fa.nestModules ??= []).push({ cls: A.clsId(cls), controllers, text: c?.text.slice(0, 80) ?? '', line: lineOf(c ?? cls), graph });
  for (const imp of list('imports')) {
    const u = unwrapExpr(imp);
    if (u?.type !== 'call_expression' || !/RouterModule\.(?:register|forRoutes)$/.test(u.childForFieldName('function')?.text ?? ''))
      continue;
    let routes = unwrapExpr(named(u.childForFieldName('arguments')!)[0] ?? null);
    if (routes?.type === 'identifier') routes = unwrapExpr(A.soleDeclarator(routes.text)?.childForFieldName('value') ?? null);
    if (routes) routerTree(A, routes, '', 0);
  }
}

/** `controllers: [A, B, ...shared]` or `controllers: adminControllers` (a constant array of this or another module): the
 *  classes, and the arrays the resolver expands (CallGraph.arrayOf). */
function controllerRefs(A: JsAnalyzer, n: Node, depth: number): Ref[] {
  const arr = depth < 4 ? literalArray(A, n, true) : null;
  if (!arr) return [A.refOf(n)];
  return named(arr).flatMap((e) => {
    const spread = e.type === 'spread_element' ? named(e)[0] : undefined;
    return e.type === 'comment' ? [] : spread ? controllerRefs(A, spread, depth + 1) : [A.refOf(e)];
  });
}

/** `[{ path: 'admin', module: AdminModule, children: [{ path: 'stats', module: StatsModule }, OtherModule] }]` */
function routerTree(A: JsAnalyzer, arr: Node, base: string, depth: number): void {
  if (arr.type !== 'array' || depth > 6) return;
  for (const e0 of named(arr)) {
    const e = unwrapExpr(e0);
    if (!e) continue;
    if (e.type !== 'object') {
      (A.fa.nestRouter ??= []).push({ module: A.refOf(e), path: base });
      continue;
    }
    const p = A.prop(e, 'path');
    const v = p ? A.evalStr(p) : { s: '' };
    if (!('s' in v)) {
      // `path: env.api.prefix`: evaluated by the resolver (a constant or configuration default of another module)
      const m = A.prop(e, 'module');
      if (m) (A.fa.nestRouter ??= []).push({ module: A.refOf(m), path: base, val: v });
      continue;
    }
    const path = joinNest([base, v.s]);
    const m = A.prop(e, 'module');
    if (m) (A.fa.nestRouter ??= []).push({ module: A.refOf(m), path });
    const children = unwrapExpr(A.prop(e, 'children'));
    if (children) routerTree(A, children, path, depth + 1);
  }
}

/** A decorator call of NestJS, or of routing-controllers, fastify-decorators or inversify-express-utils (`rc`; `fd`:
 *  fastify-decorators, `ie`: inversify-express-utils). */
function decoCall(A: JsAnalyzer, d: Node): { name: string; args: readonly Node[]; rc: boolean; fd?: boolean; ie?: boolean } | null {
  const e = named(d)[0];
  if (!e || e.type !== 'call_expression') return null;
  const f = e.childForFieldName('function');
  let name = f?.type === 'identifier' ? f.text : f?.type === 'member_expression' ? (f.childForFieldName('property')?.text ?? '') : '';
  if (!name) return null;
  let rc = false;
  let fd = false;
  let ie = false;
  if (f?.type === 'identifier') {
    const r = A.lookup(name, f);
    fd = r?.k === 'imp' && r.mod === `pkg:${FD_PKG}`;
    ie = r?.k === 'imp' && r.mod === `pkg:${IE_PKG}`;
    rc = fd || ie || (r?.k === 'imp' && r.mod === `pkg:${RC_PKG}`);
    if (r && !rc && !(r.k === 'imp' && r.mod.startsWith('pkg:@nestjs/'))) return null; // a local function of the same name
    if (ie && r?.k === 'imp') name = r.name; // `import { httpGet as get }`
  } else if (f && A.pkgOf(A.refOf(f))?.pkg === IE_PKG) rc = ie = true; // `@ieu.httpGet('/')` of `import * as ieu`
  const args = e.childForFieldName('arguments');
  return { name, args: args ? named(args) : [], rc, ...(fd ? { fd } : {}), ...(ie ? { ie } : {}) };
}

function versions(A: JsAnalyzer, n: Node): string[] | null {
  const u = unwrapExpr(n);
  if (!u) return null;
  if (/VERSION_NEUTRAL$/.test(u.text)) return [''];
  if (u.type === 'array') return named(u).flatMap((c) => versions(A, c) ?? []);
  const v = A.evalStr(u);
  return 's' in v ? [v.s] : null;
}

/**
 * `ConfigModule.forRoot({ load: [configuration] })`, `ConfigModule.forFeature(configuration)` (@nestjs/config): the
 * configuration factories the application loads, whose keys `configService.get('KEY')` reads (values.ts).
 */
export function nestConfigLoad(A: JsAnalyzer, { recv, m, argv }: SetupCall & { recv: Node; m: string }): void {
  if (!/(?:^|\.)ConfigModule$/.test(recv.text) || !argv[0]) return;
  const o = unwrapExpr(argv[0]);
  const list = o?.type === 'object' ? A.prop(o, 'load') : null;
  const load = m === 'forFeature' ? [argv[0]] : list ? (A.arrayElements(list) ?? []) : [];
  for (const f of load) (A.fa.configLoads ??= []).push(A.refOf(f));
}

/** The keys of the plain configuration factories of a module (`export default () => ({ apiPrefix: … })`), keyed
 *  `fn#<id>.apiPrefix`: factories exported or loaded here that take no parameter, or only parameters with a default
 *  (`loadAppEnv(envSource = process.env)`, ./jsEnvReaders), and return an object literal. */
export function nestConfigFactories(A: JsAnalyzer): void {
  const ids = new Set<number>();
  for (const r of [...Object.values(A.fa.exports), ...(A.fa.configLoads ?? [])]) if (r.k === 'fn') ids.add(r.id);
  for (const id of ids) {
    const fn = A.fnNode(id);
    const obj = fn && allDefaulted(fn) ? factoryObject(fn) : null;
    if (obj) A.constExport(`fn#${id}`, obj);
  }
}

/** Whether every parameter of a function has a default (also when it has none). */
function allDefaulted(fn: Node): boolean {
  if (!jsParamNames(fn).length) return true;
  const ps = fn.childForFieldName('parameters');
  return !!ps && ps.type !== 'identifier' && named(ps).every((p) => p.type === 'assignment_pattern' || !!p.childForFieldName('value'));
}

/** NestJS `app.setGlobalPrefix('api', { exclude })` */
export function nestGlobalPrefix(A: JsAnalyzer, { n, argv }: SetupCall): void {
  if (!A.frameworks.has('nestjs') || !argv[0]) return;
  const g = (A.fa.nest ??= { prefix: null, exclude: [], uriVersioning: null });
  g.prefix = A.evalStr(argv[0]);
  g.at = { line: lineOf(n), text: clip(n.text, 60) };
  const o = unwrapExpr(argv[1] ?? null);
  const ex = o?.type === 'object' ? unwrapExpr(A.prop(o, 'exclude')) : null;
  for (const e of ex?.type === 'array' ? named(ex) : []) {
    if (e.type === 'string') g.exclude.push({ path: jsStringLiteral(e) ?? '', methods: null });
    else if (e.type === 'object') {
      const p = A.prop(e, 'path');
      const mm = A.prop(e, 'method');
      const pv = p ? A.evalStr(p) : null;
      const mname = mm?.text.split('.').pop() ?? '';
      const meth = mname === 'ALL' ? null : toMethod(mname);
      if (pv && 's' in pv) g.exclude.push({ path: pv.s, methods: meth ? [meth] : null });
    }
  }
}

/** NestJS `app.enableVersioning({ type: VersioningType.URI })`; without options it is URI versioning too (Nest's default). */
export function nestVersioning(A: JsAnalyzer, { argv }: SetupCall): void {
  if (!A.frameworks.has('nestjs')) return;
  const o = unwrapExpr(argv[0] ?? null);
  if (o && (o.type !== 'object' || !/URI$/.test(A.prop(o, 'type')?.text ?? ''))) return;
  const g = (A.fa.nest ??= { prefix: null, exclude: [], uriVersioning: null });
  if (!o) {
    g.uriVersioning = { prefix: 'v', defaultVersion: null };
    return;
  }
  const p = A.prop(o, 'prefix');
  const pv = p ? (p.text === 'false' ? { s: '' } : A.evalStr(p)) : { s: 'v' };
  const dv = A.prop(o, 'defaultVersion');
  g.uriVersioning = { prefix: 's' in pv ? pv.s : 'v', defaultVersion: dv ? versions(A, dv) : null };
}

/** The routes of a NestJS handler under its controller paths, the bootstrap's global prefix (with its exclusions) and URI versions. */
function nestRoutes(
  g: NestGlobal | null,
  modulePath: string | { why: string },
  r: RawRoute,
  pathVal: Val,
  make: (fw: Framework, full: string | null, reason?: string, methods?: HttpMethod[], source?: string) => Route,
  out: Route[],
  /** where a RouterModule path from configuration comes from */
  moduleSrc?: string,
): void {
  const info = r.nest!;
  if ('e' in pathVal) {
    out.push(make('nestjs', null, `path is a ${pathVal.why}: ${pathVal.e}`));
    return;
  }
  const versions = info.methodVersion ?? info.ctrlVersion ?? g?.uriVersioning?.defaultVersion ?? [''];
  for (const cv of info.ctrl) {
    const c = 's' in cv ? cv : null;
    if (!c) {
      out.push(make('nestjs', null, `controller path is a ${'why' in cv ? cv.why : 'expression'}: ${'e' in cv ? cv.e : ''}`));
      continue;
    }
    if (typeof modulePath !== 'string') {
      out.push({ ...make('nestjs', null, modulePath.why), knownSuffix: joinNest([c.s, pathVal.s]) });
      continue;
    }
    for (const v of g?.uriVersioning ? versions : ['']) {
      const local = joinNest([modulePath, c.s, pathVal.s]);
      const ver = v && g?.uriVersioning ? `${g.uriVersioning.prefix}${v}` : '';
      let prefix = '';
      let source: string | undefined;
      if (g?.prefix) {
        const excluded = g.exclude.some(
          (x) => joinNest([x.path]) === local && (!x.methods || x.methods.some((m) => r.methods.includes(m))),
        );
        if (!excluded && 'e' in g.prefix) {
          // what is below the unknown prefix is known: the route's template (label, lens) until live inference finds it
          const knownSuffix = joinNest([ver, modulePath, c.s, pathVal.s]);
          out.push({ ...make('nestjs', null, `global prefix is a ${g.prefix.why}: ${g.prefix.e}`), knownSuffix });
          continue;
        }
        if (!excluded && 's' in g.prefix) {
          prefix = g.prefix.s;
          source = provenance('prefix', g.prefix); // an empty default too: the path is as written because of it
        }
      }
      out.push(make('nestjs', joinNest([prefix, ver, modulePath, c.s, pathVal.s]), undefined, r.methods, source ?? moduleSrc));
    }
  }
}

/** The NestJS applications of a workspace: bootstraps (global prefix, versioning) and RouterModule paths. */
export class NestApps {
  private readonly globals: NestGlobals;
  private modules: {
    paths: Map<string, string | { why: string }>;
    /** where a path from configuration comes from (`prefix from \`process.env.API_PREFIX\` (default \`api\`)`) */
    srcs: Map<string, string>;
    declared: Set<string>;
    unknown: string[];
  } | null = null;
  private readonly rc: RcServers;
  private readonly ie: IeServers;
  private readonly graph: NestGraph;

  constructor(
    readonly files: ReadonlyMap<string, FileAnalysis>,
    readonly resolve: (file: string, ref: Ref) => Ent | null,
    readonly evalVal: (file: string, v: Val) => Val,
    private readonly arrayOf: (file: string, ref: Ref) => { file: string; ref: Ref }[],
    private readonly rel: (file: string) => string,
    loaded: () => Set<string>,
    installed: (file: string, spec: string) => boolean,
  ) {
    this.globals = new NestGlobals(files, resolve, evalVal, rel, loaded);
    this.rc = new RcServers(files, resolve, arrayOf, evalVal, rel);
    this.ie = new IeServers(files, evalVal, rel, loaded);
    this.graph = new NestGraph(files, resolve, arrayOf, rel, loaded, installed);
  }

  /** The routes of a decorated controller method (NestJS, routing-controllers, or inversify-express-utils). */
  routes(file: string, r: RawRoute, pathVal: Val, make: Parameters<typeof nestRoutes>[4], out: Route[]): void {
    // the controller path is evaluated as the method path is (imported constants, enum members, config values)
    const deco = r.nest?.ctrlDeco;
    const written = r.nest?.ctrl[0];
    const ctrl = deco
      ? controllerPaths(this, file, deco, written && 'e' in written ? written.e : '')
      : r.nest?.ctrlArg
        ? configPaths(this, file, r.nest.ctrlArg)
        : null;
    if (deco && !ctrl) return; // its class decorator applies no Controller: Nest serves none of its methods
    const routed = r.nest ? { ...r, nest: { ...r.nest, ctrl: ctrl ?? r.nest.ctrl.map((cv) => this.evalVal(file, cv)) } } : r;
    if (r.nest?.ie) return this.ie.routes(file, routed, pathVal, make, out);
    if (r.nest?.rc) return this.rc.routes(file, routed, pathVal, make, out);
    // a controller of modules the application never imports: not served (dead code when nothing loads them)
    const off = r.nest?.cls === undefined ? null : this.graph.unserved(file, r.nest.cls);
    if (off?.drop) return;
    const own: Route[] = [];
    const mp = off ?? this.modulePath(file, r.nest?.cls);
    const src = off || r.nest?.cls === undefined ? undefined : this.modules?.srcs.get(`${file}|${r.nest.cls}`);
    nestRoutes(this.globalOf(file), mp, routed, pathVal, make, own, src);
    for (const x of own) out.push(off ? { ...x, unmounted: true } : x);
  }

  /** The routes a project route decorator's call gives (./nestDecorators), each a plain NestJS route. */
  decorated(file: string, r: RawRoute): RawRoute[] {
    return decoratedRoutes(this, file, r);
  }

  /** The routes of a NestJS method whose path names a constant array (`@Get(ROUTES.status)`), one per element; null
   *  when its path names none (./nestDecorators). */
  elements(file: string, r: RawRoute): RawRoute[] | null {
    return elementRoutes(this, file, r);
  }

  /** The set-up of a controller's application (./nestGlobals). */
  private globalOf(file: string): NestGlobal | null {
    return this.globals.of(file);
  }

  /** RouterModule: the path of the module that declares a controller ('' when none); unknown when a routed module's
   *  controllers cannot be evaluated and no evaluated module declares this one (that path may or may not apply). */
  private modulePath(file: string, cls: number | undefined): string | { why: string } {
    const m = (this.modules ??= this.routerModules());
    if (cls === undefined) return '';
    const k = `${file}|${cls}`;
    return m.paths.get(k) ?? (m.declared.has(k) || !m.unknown.length ? '' : { why: m.unknown.join('; ') });
  }

  private routerModules(): NonNullable<typeof this.modules> {
    const declared = new Set<string>();
    const byModule = new Map<string, { classes: string[]; missing: string | null }>();
    for (const fa of this.files.values())
      for (const m of fa.nestModules ?? []) {
        const classes: string[] = [];
        let missing = false;
        for (const c of m.controllers) {
          const els = this.arrayOf(fa.file, c);
          for (const el of els.length ? els : [{ file: fa.file, ref: c }]) {
            const e = this.resolve(el.file, el.ref);
            if (e?.t === 'cls') classes.push(`${e.file}|${e.id}`);
            else missing = true;
          }
        }
        for (const k of classes) declared.add(k);
        byModule.set(`${fa.file}|${m.cls}`, { classes, missing: missing ? `${m.text} (${this.rel(fa.file)}:${m.line})` : null });
      }
    const paths = new Map<string, string | { why: string }>();
    const srcs = new Map<string, string>();
    const unknown: string[] = [];
    for (const fa of this.files.values())
      for (const { module, path: base, val } of fa.nestRouter ?? []) {
        const m = this.resolve(fa.file, module);
        const decl = m?.t === 'cls' ? byModule.get(`${m.file}|${m.id}`) : undefined;
        const v = val ? this.evalVal(fa.file, val) : null;
        const p = !v ? base : 's' in v ? joinNest([base, v.s]) : { why: `RouterModule path is a ${v.why}: ${v.e}` };
        const src = v && 's' in v ? provenance('prefix', v) : undefined;
        for (const k of decl?.classes ?? []) {
          paths.set(k, p);
          if (src) srcs.set(k, src);
          else srcs.delete(k);
        }
        const name = m?.t === 'cls' ? this.files.get(m.file)?.classes[m.id]?.name : '';
        if (decl?.missing)
          unknown.push(
            `RouterModule path ${typeof p === 'string' ? p : p.why} of ${name}: its controllers are not evaluated: ${decl.missing}`,
          );
      }
    return { paths, srcs, declared, unknown };
  }
}
