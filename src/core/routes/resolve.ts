/**
 * Cross-file resolution: turns per-file facts (FileAnalysis) into Routes with full paths. Pure and
 * deterministic; never throws on odd input (unresolvable things drop out or give fullPath null + reason).
 */
import * as path from 'node:path';
import { autoloadMounts, autoloadOptions } from './autoload';
import { honoxMounts } from './honox';
import type { FileAnalysis, Mount, Ref, RawRoute, Val } from './model';
import type { Framework, HttpMethod, Route } from './types';
import { commonDir, ModuleIndex } from './modules';
import { joinMount, joinPrefix, joinRoute } from './paths';
import { Values, type Ent } from './values';
import { describeKey, entOfKey, key, passedOn, refAt, valAt, type Made } from './refs';
import { paramRoot, type Caller } from './callGraph';
import { PerCallRoutes, type PerCall } from './perCall';
import { provenance } from './configValues';
import { clip, cmp, compatible, guessFramework, toMethod } from './common';
import { NestApps } from './nest';
import { Roots } from './roots';
import { selfInstances } from './pySelf';
import { resourceRoutes, type ResourceContext } from './pyResourceRoutes';
import { redprintMounts } from './pyRedprint';
import { collectorMounts, collectorPath } from './jsCollectors';
import { loadedModules, mountedThrough } from './jsLoads';
import { unreadWhy } from './pyConcat';
import { DeadFiles } from './deadFiles';
import { pyDeadCode, pyUnreadMountNote, unreadRouterMount } from './pyDeadCode';
import { classFieldNote, madeInMethod } from './methodMade';
import type { ResolveOptions } from './resolveOptions';
import { installedPackage } from './workspacePackages';
import { isHttpClientParam } from './jsHttpClients';
import { unservedRouters } from './jsPackageRouters';
import type { Base, Edge } from './graphEdges';
import { versionedEdges, versionRoutes, type VersionedRoute } from './pyVersioning';

export type { ResolveOptions };

const MAX_PATHS = 8;

export function resolveRoutes(analyses: FileAnalysis[], options: ResolveOptions = {}): Route[] {
  try {
    return new Resolver(analyses, options).run();
  } catch {
    return [];
  }
}

class Resolver extends PerCallRoutes {
  private edges = new Map<string, Edge[]>();
  private root: string;
  private nestApps: NestApps;
  private wsFrameworks = { python: new Set<Framework>(), javascript: new Set<Framework>() };
  private values: Values;
  private roots: Roots;
  /** Files a folder convention (autoload, HonoX) mounts something of. */
  private folderLoaded = new Set<string>();
  /** Package routers no Express app mounts at a path (./jsPackageRouters). */
  private unserved = new Set<string>();

  constructor(
    analyses: FileAnalysis[],
    private readonly options: ResolveOptions,
  ) {
    const sorted = [...analyses].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    super(new ModuleIndex(sorted, options));
    for (const fa of sorted) for (const o of fa.objects) if (!o.ctor) this.wsFrameworks[fa.language].add(o.framework);
    this.root = options.root ?? commonDir(sorted.map((f) => f.file));
    this.nestApps = new NestApps(
      this.files,
      (file, ref) => this.resolve(file, ref),
      (file, v) => this.evalVal(file, v),
      (file, ref) => this.arrayOf(file, ref),
      (file) => this.rel(file),
      () => loadedModules([...this.files.values()], (m, from) => this.mods.modFile(m, from)),
      (file, spec) => installedPackage(options.installedPackages ?? [], spec, file),
    );
    this.roots = new Roots(
      this.mods,
      (file, ref) => this.resolve(file, ref),
      (file, id) => this.objDecl(file, id),
      (k) => passedOn(this.edges, k),
      { stems: options.entryStems, dirs: options.projectDirs, root: this.root },
    );
    this.values = new Values({
      files: this.files,
      modFile: (mod, from) => this.mods.modFile(mod, from),
      resolve: (file, ref) => this.resolve(file, ref),
      paramArgs: (file, fn, i) => this.paramArgs(file, fn, i),
      nameFns: (file) => this.nameFns(file),
      pluginOption: autoloadOptions(
        this.edges,
        (f, v) => this.evalVal(f, v),
        (f) => this.rel(f),
      ),
    });
  }

  private rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join('/') || path.basename(file);
  }

  // ---- value resolution --------------------------------------------------------------------------

  private evalVal(file: string, v: Val): Val {
    return this.values.evalVal(file, v);
  }

  // ---- graph -------------------------------------------------------------------------------------

  /** A mounted thing as an entity whose routes get the prefix: plugin functions become their first parameter. */
  private mountTarget(e: Ent | null, depth = 0): Ent | null {
    if (!e || depth > 4) return null;
    if (e.t === 'ns') return this.mountTarget(this.exportOf(e.file, 'default', 0), depth + 1);
    if (e.t === 'fn') return { t: 'param', file: e.file, fn: e.id, i: 0 };
    if (e.t === 'obj' || e.t === 'param') return e;
    return null;
  }

  private addEdge(child: Ent, edge: Edge): void {
    const k = key(child);
    if (k === edge.parent) return;
    const list = this.edges.get(k) ?? [];
    list.push(edge);
    this.edges.set(k, list);
  }

  private addMount(file: string, m: Mount, parent: Ent | null, raw: Ent | null, prefix: Val | null, edgeFile = file): void {
    if (!parent || (parent.t !== 'obj' && parent.t !== 'param')) return;
    if (parent.t === 'obj' && this.files.get(parent.file)?.objects[parent.id]?.inst) return; // a project instance mounts nothing
    if (m.kind === 'use' && raw?.t === 'fn') return; // middleware
    const ofRouter = m.kind === 'include' || m.kind === 'blueprint' || m.kind === 'route' || m.kind === 'base';
    if (ofRouter && raw?.t !== 'obj' && raw?.t !== 'param') {
      if (unreadRouterMount(m.child, this.files.get(file), (mod) => !this.mods.modFile(mod, file)))
        this.unreadIncludes.push(`${this.rel(file)}:${m.line}`);
      return;
    }
    const child = m.kind === 'register' ? this.mountTarget(raw) : raw?.t === 'obj' || raw?.t === 'param' ? raw : null;
    if (!child) return;
    if (m.prefixRef && this.resolve(file, m.prefixRef)) prefix = null;
    let extra: Val | null = null;
    if (m.kind === 'register' && child.t === 'param') {
      const cfa = this.files.get(child.file);
      const def = cfa?.exports.default;
      const defEnt = def ? this.resolve(child.file, def) : null;
      if (cfa && defEnt?.t === 'fn' && defEnt.id === child.fn && 'autoPrefix' in cfa.consts) extra = { s: cfa.consts.autoPrefix! };
    }
    const fp = raw?.t === 'fn' ? raw.fp : false;
    this.addEdge(child, { parent: key(parent), prefix, kind: m.kind, file: edgeFile, line: m.line, fp, extra });
  }

  /**
   * `def mount(app, prefix, router): app.include_router(router, prefix=prefix)`: the prefix is a parameter, so the
   * mount is made once per call of the helper, with that call's prefix, parent and child (one level of calls).
   */
  private expandMount(fa: FileAnalysis, m: Mount, fn: number): void {
    const inCaller = (c: Caller, r: Ref): Ent | null => this.inCaller(c, fa.file, fn, r);
    const v = m.prefix && 'e' in m.prefix ? m.prefix : null;
    const p = v?.ref?.k === 'param' && v.ref.fn === fn ? v.ref : null;
    // `api.use(controller.path, c.router)`, `/v1${c.path}`: members of each element the callers pass (`path = '/users'`)
    const member = (r: Ref): { i: number; name: string } | null =>
      r.k === 'mem' && r.base.k === 'param' && r.base.fn === fn ? { i: r.base.i, name: r.name } : null;
    // `/v1/${name}`: a parameter of the helper in a template literal, each call's string argument
    const own = (r: Ref): r is Ref & { k: 'param' } => r.k === 'param' && r.fn === fn;
    const pm = !!v && ((!!v.ref && !!member(v.ref)) || !!v.parts?.some((x) => typeof x !== 'string' && (member(x.ref) || own(x.ref))));
    const name = p ? (this.files.get(fa.file)?.functions[fn]?.params[p.i] ?? '?') : '';
    // app.use(prefix, router) in the helper: the caller decides whether `prefix` is a path or a router
    const prefixIn = (c: Caller): Val | null => {
      if (p) {
        const arg = this.argOf(c, fa.file, fn, p.i);
        if (arg.ref && this.resolve(c.file, arg.ref)) return null;
        return arg.str ? this.evalVal(c.file, arg.str) : { e: name, why: 'parameter with no string argument' };
      }
      if (!pm) return m.prefix && ownFile(m.prefix);
      const inCall = (r: Ref): Ref | null => {
        const mm = member(r);
        const el = mm ? this.argOf(c, fa.file, fn, mm.i).ref : null;
        return el ? { k: 'mem', base: el, name: mm!.name } : null;
      };
      const whole = v!.ref ? inCall(v!.ref) : null;
      if (whole && this.resolve(c.file, whole)) return null; // a router, not a prefix
      const part = (e: string, r: Ref): Val => {
        const a = own(r) ? this.argOf(c, fa.file, fn, r.i).str : null;
        if (a) return this.evalVal(c.file, a);
        const f = inCall(r);
        return f ? this.evalVal(c.file, { e, why: 'variable', ref: f }) : this.evalVal(fa.file, { e, why: 'variable', ref: r });
      };
      const vals = v!.ref ? [part(v!.e, v!.ref)] : v!.parts!.map((x) => (typeof x === 'string' ? { s: x } : part(x.e, x.ref)));
      return vals.every((x) => 's' in x) ? { s: vals.map((x) => (x as { s: string }).s).join('') } : v;
    };
    // a prefix that owes nothing to the call (`${apiBase}/auth`) is read in the helper's module, where its names are
    const ownFile = (x: Val): Val => {
      const e = this.evalVal(fa.file, x);
      return 's' in e ? e : { e: e.e, why: e.why, ...(e.tail !== undefined ? { tail: e.tail } : {}) };
    };
    for (const c of this.callsTo.get(`${fa.file}|${fn}`) ?? []) {
      const prefix = prefixIn(c);
      const at = { ...m, line: c.call.line, ...(p || pm ? { prefixRef: undefined } : {}) };
      const parent = inCaller(c, m.parent);
      for (const child of this.inCallers(c, fa.file, fn, m.child)) this.addMount(fa.file, at, parent, child, prefix, c.file);
    }
  }

  private buildGraph(): void {
    this.linkCalls((p, a, file, from, line) => {
      const arg = this.resolve(file, a);
      if (arg?.t === 'obj' || arg?.t === 'param') this.addEdge(p, { parent: key(arg), prefix: null, kind: 'alias', file: from, line });
    });
    // a factory's object is each instance its calls made: it gets their mounts
    for (const fa of this.files.values()) {
      for (const o of fa.objects) {
        const inner = o.ctor ? this.made(fa.file, o.id)?.inner : undefined;
        const parent = key({ t: 'obj', file: fa.file, id: o.id });
        if (inner) this.addEdge(inner, { parent, prefix: null, kind: 'instance', file: fa.file, line: o.line });
      }
    }
    // `self` in a method of a framework subclass is each instance of it (./pySelf)
    const made = (f: string, id: number): Made | null => this.made(f, id);
    for (const s of selfInstances(
      this.files,
      (f, r) => this.resolve(f, r),
      (f, id) => !!made(f, id),
    ))
      this.addEdge(s.self, { parent: key(s.inst), prefix: null, kind: 'instance', file: s.inst.file, line: s.line });
    for (const fa of this.files.values()) {
      const mounts = fa.mounts.flatMap((m) =>
        this.perEntry(fa.file, [m.child], (at) => (at ? { ...m, child: refAt(m.child, at), prefix: valAt(m.prefix, at) } : m)),
      );
      const kept = (x: Mount) =>
        (!x.ifApi || this.apiInstance(fa.file, x.child)) && !(x.kind === 'register' && this.methodCalls.has(`${fa.file}|${x.at}`));
      for (const m of mounts.filter(kept)) {
        const child = this.resolve(fa.file, m.child);
        const param =
          m.prefix && 'e' in m.prefix
            ? [m.prefix.ref, ...(m.prefix.parts ?? []).map((x) => (typeof x === 'string' ? undefined : x.ref))]
            : [];
        const fromParam = param.find((x) => x?.k === 'param');
        const fn =
          fromParam?.k === 'param'
            ? fromParam.fn
            : child?.t === 'param' && child.file === fa.file && m.kind !== 'register'
              ? child.fn
              : (paramRoot(this.chainOf(fa.file, m.child))?.fn ?? -1);
        if (this.callsTo.has(`${fa.file}|${fn}`)) this.expandMount(fa, m, fn);
        else this.addMount(fa.file, m, this.resolve(fa.file, m.parent), child, m.prefix);
      }
      for (const t of fa.tableMounts ?? []) {
        const xs = this.tableMounts(fa.file, t, { str: (f, v) => this.evalVal(f, v), own: (e) => this.ownPrefix(key(e)) });
        if (!xs.length && fa.language === 'python') this.unknownTables.push(`${this.rel(fa.file)}:${t.line}`);
        for (const x of xs) this.addMount(fa.file, x.m, x.parent, x.child, x.prefix);
      }
    }
    // a redprint's registration call mounts it under the blueprint it is given (./pyRedprint)
    const ctx = { ...this.callContext, isRedprint: (f: string, id: number) => !!made(f, id)?.replay, rel: (f: string) => this.rel(f) };
    for (const x of redprintMounts(ctx))
      this.addEdge(x.child, { parent: key(x.parent), prefix: x.prefix, kind: 'blueprint', file: x.file, line: x.line });
    // a route collector's instance is mounted where a loop registers its rows, under its root (./jsCollectors)
    const isCollector = (f: string, id: number): boolean => !!made(f, id)?.collect;
    const inCaller = (c: Caller, f: string, fn: number, r: Ref): Ent | null => this.inCaller(c, f, fn, r);
    for (const x of collectorMounts({ ...ctx, inCaller, chainOf: (f, r) => this.chainOf(f, r), isCollector }))
      this.addEdge(x.child, { parent: key(x.parent), prefix: x.prefix, kind: 'collect', join: x.join, file: x.file, line: x.line });
    // @fastify/autoload: default-exported plugins of files under dir; HonoX: route files and apps under app/routes
    const isHono = (e: Ent) => e.t === 'obj' && this.objDecl(e.file, e.id)?.framework === 'hono';
    const res = (f: string, r: Ref) => this.resolve(f, r);
    for (const [kind, ms] of [
      ['autoload', autoloadMounts(this.files, res)],
      ['route', honoxMounts(this.files, res, isHono)],
    ] as const)
      for (const m of ms) {
        // a non-literal autoload prefix is evaluated where it is registered; the folder part follows it
        const prefix = m.outer ?? { s: m.prefix };
        const extra = m.outer ? { s: m.prefix } : undefined;
        const unread = 'optionsUnread' in m ? { optionsUnread: m.optionsUnread } : {};
        this.addEdge(m.child, { parent: key(m.parent), prefix, extra, kind, file: m.file, line: m.line, fp: m.fp, ...unread });
        this.folderLoaded.add(m.child.file);
      }
    for (const x of versionedEdges(this.files, res))
      this.addEdge(x.child, { parent: key(x.parent), prefix: null, kind: 'include', file: x.ver.file, line: x.line, ver: x.ver });
    // what a package's function makes is a router only where an Express app mounts it at a path (./jsPackageRouters)
    this.unserved = unservedRouters(this.files, this.edges, made, (k) => this.frameworkOf(k));
  }

  private frameworkOf(k: string, seen = new Set<string>()): Framework | null {
    if (seen.has(k)) return null;
    seen.add(k);
    const e = entOfKey(k);
    if (!e) return null;
    // a route collector's instance (./jsCollectors) is of the framework its rows are registered on
    const d = e.t === 'obj' && !this.unserved.has(k) ? this.objDecl(e.file, e.id) : null;
    if (e.t === 'obj' && !(d && 'collect' in d && d.collect)) return d?.framework ?? null;
    if (this.roots.isAppPlugin(k)) return 'fastify';
    for (const edge of passedOn(this.edges, k)) {
      const fw = this.frameworkOf(edge.parent, seen);
      if (fw) return fw;
    }
    return null;
  }

  /** Why a router or plugin parameter has no mount (a folder loader's computed `require` when its folder has one). */
  private unmounted(k: string, what: string): string {
    const e = entOfKey(k);
    const py = this.files.get(e?.file ?? '')?.language === 'python';
    const through =
      this.leftOut(e?.file ?? '', (f) => this.rel(f)) ??
      mountedThrough(this.files.values(), e?.file ?? '', (f) => this.rel(f)) ??
      this.aliasedFrom(e?.file ?? '') ??
      unreadWhy(py ? this.unreadLists[0] : undefined, (f) => this.rel(f));
    const { field, inst } = classFieldNote(this.files, e, () => [...this.edges.keys()].some((x) => x.startsWith(`${k}|`)));
    const method = !field && e?.t === 'obj' ? madeInMethod(this.files.get(e.file), e.id, (f) => this.rel(f)) : null;
    const loop = py ? pyUnreadMountNote(this.unknownTables, this.unreadIncludes) : '';
    const kept = e ? this.deadFiles.js.kept.get(e.file) : undefined;
    const why = `${this.describe(k)} ${through ?? method ?? `is ${what} in the analysed files${inst}${loop}`}`;
    return kept ? `${why}; kept although nothing known loads its module: ${kept}` : why;
  }

  /** Python table mounts whose elements are not known statically, includes of a computed router (`file:line`). */
  private readonly unknownTables: string[] = [];
  private readonly unreadIncludes: string[] = [];

  /** "is imported as `@backend/route/User.ts` by …": through an alias no config the analysis reads declares. */
  private aliasedFrom(file: string): string | null {
    const a = this.roots.aliasImport(file);
    return a ? `is imported as \`${clip(a.spec)}\` by ${this.rel(a.from)}, a path alias the analysis cannot resolve` : null;
  }

  private describe(k: string): string {
    return describeKey(this.files, k, (f) => this.rel(f));
  }

  private ownPrefix(k: string): Val | null {
    const e = entOfKey(k);
    if (!e || e.t !== 'obj') return null;
    const fa = this.files.get(e.file)!;
    const o = fa.objects[e.id];
    // an instance a factory made has the prefix the factory gives its object (`APIRouter(prefix=f"/{name}")` inside)
    const made = o?.ctor ? this.made(e.file, e.id) : null;
    const inner = made?.inner;
    const own = inner?.t === 'obj' ? this.files.get(inner.file)?.objects[inner.id]?.prefix : null;
    let v: Val | null = inner ? this.ownPrefix(key(inner)) : made?.namespace && o?.nsPrefix ? o.nsPrefix : (o?.prefix ?? null);
    if (inner && own && !(v && 's' in v)) v = this.atCall(e.file, o!.line, inner.file, own, (f, x) => this.evalVal(f, x));
    else v = v && !inner ? this.evalVal(e.file, v) : v;
    for (const ps of fa.prefixSets) {
      const t = this.resolve(fa.file, ps.target);
      if (t && key(t) === k) v = this.evalVal(fa.file, ps.prefix);
    }
    return v;
  }

  private baseMemo = new Map<string, Base[]>();

  private bases(k: string, fw: Framework, stack: Set<string>): Base[] {
    const memo = this.baseMemo.get(k);
    if (memo) return memo;
    if (stack.has(k)) return [];
    stack.add(k);
    const out: Base[] = [];
    const push = (b: Base): void => {
      if (!b.source) delete b.source;
      if (b.tail === undefined) delete b.tail;
      if (!b.collect) delete b.collect;
      if (!b.ver) delete b.ver;
      const same = (x: Base): boolean =>
        x.path === b.path && JSON.stringify(x.collect) === JSON.stringify(b.collect) && x.ver?.v === b.ver?.v;
      if (out.length < MAX_PATHS && !out.some((x) => same(x) && (x.path !== null || x.reason === b.reason))) out.push(b);
    };
    const own = this.ownPrefix(k);
    const edges = passedOn(this.edges, k);
    const applyOwn = (base: string, skipOwn: boolean, source?: string): Base => {
      if (skipOwn || !own) return { path: base, source };
      if ('e' in own) return { path: null, reason: `prefix of ${this.describe(k)} is a ${own.why}: ${own.e}`, tail: '' };
      return { path: joinPrefix(fw, base, own.s), source: source ?? provenance('prefix', own) };
    };
    // the known part below an unknown prefix: this edge's prefix (unless it is the unknown one), autoPrefix, own prefix
    // (of the unknown one, its literal end: `cfg.root + '/users'` mounts below `cfg.root` at `/users`)
    const below = (tail: string | undefined, edge: Edge | null, unknownEdge = false): string | undefined => {
      if (tail === undefined) return undefined;
      const v = edge?.prefix && !edge.fp ? this.evalVal(edge.file, edge.prefix) : null;
      if (v && 'e' in v && !unknownEdge) return undefined;
      let t = !v ? tail : 's' in v ? joinPrefix(fw, tail, v.s) : v.tail ? joinPrefix(fw, tail, v.tail) : tail;
      if (edge?.extra && 's' in edge.extra && !edge.fp) t = joinPrefix(fw, t, edge.extra.s);
      if (!own || (edge?.kind === 'blueprint' && edge.prefix !== null) || edge?.kind === 'instance') return t;
      return 's' in own ? joinPrefix(fw, t, own.s) : undefined;
    };
    if (!edges.length) {
      if (this.roots.isRoot(k) && !this.deadFiles.has(entOfKey(k)?.file ?? '', 'spare')) push(applyOwn('', false));
      else push({ path: null, reason: this.unmounted(k, 'never mounted/registered'), tail: below('', null), dead: k });
    }
    for (const edge of edges) {
      const parents = this.bases(edge.parent, fw, stack);
      for (const pb of parents) {
        if (pb.path === null) {
          push({ ...pb, tail: below(pb.tail, edge) });
          continue;
        }
        let base = pb.path;
        let source = pb.source;
        // a collector's root stays apart down to its rows (alias, instance) and is joined as it joins them (emit)
        const carry = pb.collect && (edge.kind === 'alias' || edge.kind === 'instance') && !edge.prefix && !own ? pb.collect : undefined;
        if (pb.collect && !carry) base = joinMount(fw, base, pb.collect.root);
        if (edge.kind === 'collect' && edge.join && edge.prefix) {
          const v = this.evalVal(edge.file, edge.prefix);
          if ('s' in v) {
            push({ ...applyOwn(base, false, source ?? provenance('prefix', v)), collect: { join: edge.join, root: v.s } });
            continue;
          }
        }
        if (edge.prefix && !edge.fp) {
          const v = this.evalVal(edge.file, edge.prefix);
          if ('e' in v) {
            push({
              path: null,
              reason: `prefix at ${this.rel(edge.file)}:${edge.line} is a ${v.why}: ${v.e}`,
              tail: below('', edge, true),
            });
            continue;
          }
          base = joinMount(fw, base, v.s);
          source ??= provenance('prefix', v);
        }
        if (edge.extra && 's' in edge.extra && !edge.fp) base = joinPrefix(fw, base, edge.extra.s);
        const skip = (edge.kind === 'blueprint' && edge.prefix !== null) || edge.kind === 'instance';
        const ver = edge.ver ? { v: edge.ver, at: base.length } : pb.ver;
        push({ ...applyOwn(base, skip, source), collect: carry, ver });
      }
    }
    if (!out.length && edges.length) out.push({ path: null, reason: `${this.describe(k)} is only mounted inside a mount cycle` });
    stack.delete(k);
    this.baseMemo.set(k, out);
    return out;
  }

  // ---- routes ------------------------------------------------------------------------------------

  run(): Route[] {
    this.buildGraph();
    const routes: Route[] = [];
    for (const fa of this.files.values()) {
      for (const r of fa.routes) {
        try {
          this.emit(fa, r, routes);
        } catch {
          /* one bad route never sinks the rest */
        }
      }
    }
    versionRoutes(
      this.versioned,
      routes,
      this.files,
      (f, v) => this.evalVal(f, v),
      (f) => this.rel(f),
    );
    routes.sort(
      (a, b) =>
        cmp(a.file, b.file) ||
        a.line - b.line ||
        a.range.start.column - b.range.start.column ||
        cmp(a.fullPath ?? '', b.fullPath ?? '') ||
        cmp(a.methods.join(), b.methods.join()) ||
        cmp(a.path, b.path),
    );
    return routes;
  }

  /** The calls and values the Python resource and redprint readers follow (./pyResourceRoutes, ./pyRedprint). */
  private readonly callContext: ResourceContext = {
    files: this.files,
    resolve: (f, x) => this.resolve(f, x),
    evalVal: (f, v) => this.evalVal(f, v),
    callers: (f, fn) => this.callsTo.get(`${f}|${fn}`) ?? [],
    argOf: (c, f, fn, i) => this.argOf(c, f, fn, i),
  };

  private emit(fa: FileAnalysis, r: RawRoute, out: Route[]): void {
    if (r.flavour === 'py-resource') {
      // a Resource / MethodView class: one route per HTTP method it defines or inherits (./pyResourceRoutes)
      for (const x of resourceRoutes(this.callContext, fa, r)) this.emitOne(x.fa, x.route, out, x.handlerFile, x.at);
      return;
    }
    if (r.nest?.deco) return this.nestApps.decorated(fa.file, r).forEach((x) => this.emitOne(fa, x, out));
    // `@Get(ROUTES.status)` of a constant array: a route per element (a constant string is read as any path is)
    const each = r.nest?.pathArg && 'e' in this.evalVal(fa.file, r.path) ? this.nestApps.elements(fa.file, r) : null;
    if (each) return each.forEach((x) => this.emitOne(fa, x, out));
    for (const ra of this.perArgRoutes(fa.file, r))
      for (const at of this.perCall(fa, ra, (f, v) => this.evalVal(f, v))) this.emitOne(fa, ra, out, undefined, at);
  }

  /** `at`: the route as one call of its helper makes it (perCall). */
  private emitOne(fa: FileAnalysis, r0: RawRoute, out: Route[], handlerFile?: string, at?: PerCall): void {
    let r = at?.methods ? { ...r0, methods: at.methods } : r0; // the method the call of its helper gives (perCall)
    if (r.methodVal && !at?.methods) {
      const mv = this.evalVal(fa.file, r.methodVal);
      const ms = 's' in mv ? mv.s.split(',').map(toMethod) : [];
      if (ms.length && !ms.includes(null)) r = { ...r, methods: ms as HttpMethod[] };
      else if (!r.methods.length) return; // not a route definition after all (JS: a `method` that is no HTTP method)
    }
    const handler = this.handlerOf(fa, r, handlerFile, at?.site?.handler);
    const s = at?.site; // reported at the call of its helper that gives its path (./perCall)
    const where = s ? { file: s.file, line: s.line, range: s.range, helperCall: s.via } : { file: fa.file, line: r.line, range: r.range };
    if (this.deadFiles.has(where.file, 'inert')) return; // written in a module nothing imports and that never runs as it stands
    const pv = at?.path ?? this.evalVal(fa.file, r.path);
    const pathVal = r.openapiPath && 's' in pv ? { ...pv, s: pv.s.replace(/\/\{([^/{}]+)\}/g, '/:$1') } : pv;
    const pathText = 's' in pathVal ? pathVal.s : pathVal.e;
    const make = (
      framework: Framework,
      fullPath: string | null,
      reason?: string,
      methods: HttpMethod[] = r.methods,
      source?: string,
    ): Route => {
      const route: Route = { framework, methods, path: pathText, fullPath, ...where, ...handler };
      if (fullPath === null) route.fullPathReason = reason ?? 'unknown prefix';
      const src = fullPath !== null ? (source ?? ('s' in pathVal ? provenance('path', pathVal) : undefined)) : undefined;
      if (src) route.fullPathSource = src;
      return route;
    };
    if (r.flavour === 'nest') {
      this.nestApps.routes(fa.file, r, pathVal, make, out);
      return;
    }
    if (!r.owner) return;
    const owner = at ? at.owner : this.resolve(fa.file, r.owner);
    if (!owner || (owner.t !== 'obj' && owner.t !== 'param')) return;
    if (owner.t === 'obj' && this.files.get(owner.file)?.objects[owner.id]?.inst) return; // a collector registers rows only
    const k = key(owner);
    let fw = this.frameworkOf(k);
    let guessed = false;
    if (!fw && owner.t === 'param') {
      // a parameter whose callers are not in the analysed files (e.g. an exported plugin): be strict, an HTTP client never;
      // a path built in the helper (`${base}/:id`, `base = `/api/${name}``) when it starts with a written '/' and the
      // handler is a function
      if (isHttpClientParam(this.files, owner)) return;
      const lead = 's' in pathVal ? pathVal.s : this.handlerIsFunction(fa, r) ? pathVal.parts?.[0] : null;
      if (typeof lead !== 'string' || !(lead.startsWith('/') || ('s' in pathVal && (lead === '' || lead === '*')))) return;
      if (handler.handlerName === null && handler.handlerLine === r.line && !this.handlerIsFunction(fa, r)) return;
      fw = guessFramework(fa, r, this.wsFrameworks[fa.language]);
      guessed = true;
    }
    if (!fw || !compatible(r, fw) || this.guardOnly(fa, r, fw) || this.handlerIsData(fa, r)) return;
    if ('e' in pathVal) {
      out.push(make(fw, null, `path is a ${pathVal.why}: ${pathVal.e}`));
      return;
    }
    if (guessed) {
      if (this.deadFiles.has(fa.file) && this.deadFiles.has(owner.file)) return; // a plugin no module loads
      out.push({ ...make(fw, null, this.unmounted(k, 'not registered/called')), unmounted: true });
      return;
    }
    const all = this.bases(k, fw, new Set());
    const live = all.filter((b) => !b.dead);
    // every mount chain ends at a router of a module nothing loads (a sub-router of one too): dead code
    if (!live.length && all.every((b) => b.dead && this.deadEnd(b.dead))) return;
    const bases = live.length ? live : all;
    const seen = new Set<string>();
    for (const b of bases) {
      if (b.path === null) {
        if (!seen.has('\0'))
          out.push({
            ...make(fw, null, b.reason),
            ...(b.tail !== undefined ? { knownSuffix: joinRoute(fw, b.tail, pathVal.s) } : {}),
            ...(b.dead ? { unmounted: true as const } : {}),
          });
        seen.add('\0');
        continue;
      }
      const full = joinRoute(fw, b.path, b.collect ? collectorPath(b.collect.join, b.collect.root, pathVal.s) : pathVal.s);
      if (seen.has(full)) continue;
      seen.add(full);
      out.push(make(fw, full, undefined, r.methods, b.source));
      if (b.ver) this.versioned.push({ route: out.at(-1)!, ...b.ver });
    }
  }

  /** Routes of apps fastapi-versioning serves by version, placed under their versions once all are known. */
  private readonly versioned: VersionedRoute[] = [];

  /** A router no mount reaches that is dead code: in a dead module, or a Python one no include may reach (./pyDeadCode). */
  private deadEnd(k: string): boolean {
    const e = entOfKey(k);
    if (!e || this.deadFiles.has(e.file)) return !!e;
    const pyRouter = e.t === 'obj' && this.files.get(e.file)?.language === 'python' && this.objDecl(e.file, e.id)?.kind === 'router';
    const why = `is never mounted/registered in the analysed files`; // no more: no include it may come through
    return pyRouter && this.deadFiles.py.closed(e.file) && this.unmounted(k, 'never mounted/registered') === `${this.describe(k)} ${why}`;
  }

  private readonly deadFiles = new DeadFiles(
    () => ({
      files: this.files,
      modFile: (m, from) => this.mods.modFile(m, from),
      objDecl: (f, id) => this.objDecl(f, id),
      edges: this.edges,
      roots: this.roots,
      folderLoaded: this.folderLoaded,
      guards: { pathAlias: (s, from) => this.mods.pathAlias(s, from), unread: this.options.jsUnread ?? [], rel: (f) => this.rel(f) },
    }),
    () => pyDeadCode(this.mods, (f, id) => this.objDecl(f, id), this.options),
  );
}
