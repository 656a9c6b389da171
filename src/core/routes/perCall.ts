/**
 * Routes a project helper registers once per call (resolve.ts): a path, a method or a table row that one call of the
 * helper passes (`crud(router, '/books')`, `router[method](base + path, h)`, a Python loop over the rows a caller
 * passes), a route of a base class's method registered on each subclass's instance, and a callback's route per element
 * of a table of modules; a table's row kept only when a branch of the helper registering it selects its method
 * (./jsRowDispatch). Such a route is reported where the call that gives its path is written (`reg(app, '/a', (req,
 * res) => …)`: Route.helperCall), its handler what the call passes when the helper registers its parameter; a path
 * written in the helper itself keeps the helper's line. Builds on the call graph (./callGraph). Pure.
 */
import type { FileAnalysis, RawRoute, Ref, Val, ValPart } from './model';
import { MAX_ELEMENTS } from './loops';
import { key } from './refs';
import type { Ent } from './values';
import { elementOf, elementWhy, ownParam } from './pyEach';
import { toMethod } from './common';
import type { HelperCall, HttpMethod, SourceRange } from './types';
import { CallGraph, joinParts, type Caller } from './callGraph';

/** Where a route one call of its helper makes is reported: that call; the handler it passes (a function or a class). */
export interface CallSite {
  file: string;
  line: number;
  range: SourceRange;
  handler?: Ent;
  via: HelperCall;
}

/** A route as one call of its helper makes it (PerCallRoutes.perCall): its router, its path and, when the helper is
 *  given its method, that method; where it is reported. */
export type PerCall = { owner: Ent | null; path: Val; methods?: HttpMethod[]; site?: CallSite };

/** Calls followed up from the one calling the helper to the one writing the path (each the only call of its function). */
const MAX_UP = 4;

export abstract class PerCallRoutes extends CallGraph {
  /** The string call `c` passes to parameter `i` of `fn`: its string argument, or a parameter of the function it is
   *  made in that it passes on (`self.mount(app, base)` in `__init__(self, app, base)`: what the callers of that pass). */
  private argStr(c: Caller, fnFile: string, fn: number, i: number, e: string): Val {
    const a = this.argOf(c, fnFile, fn, i);
    return a.str ?? (a.ref?.k === 'param' ? { e, why: 'variable', ref: a.ref } : { e, why: 'variable' });
  }

  /**
   * `crud(router, '/books')` and `crud(admin, '/authors')`: a route whose path is built from a parameter of the helper it
   * is in, when the callers pass different strings, is one route per call, with that call's string and router. So is one
   * whose method is a parameter (`router[method](base + path, h)`, ./jsMethodParams), with that call's method: none for a
   * call whose method is no literal HTTP method; its path unknown, with the reason, when the call's is. So is one whose
   * path takes the elements a Python loop reads (Ref `el`: `for name, view in rules:` over a parameter, one route per
   * element of what each call passes; over a module's list, one per element): an element that is no known string keeps
   * the route, its path unknown with the reason.
   */
  protected perCall(fa: FileAnalysis, r: RawRoute, ev: (f: string, v: Val) => Val): (PerCall | undefined)[] {
    const v = r.path;
    // a table's row a helper's branches register only when one selects its method (./jsRowDispatch)
    const only = r.owner?.k === 'param' && fa.functions[r.owner.fn]?.table ? this.rowMethods(fa.file, r.owner.fn) : null;
    const ms = only ? r.methods.filter((m) => only.has(m)) : r.methods;
    if (only && !ms.length) return [];
    if (ms.length < r.methods.length) return [{ owner: this.resolve(fa.file, r.owner!), path: ev(fa.file, v), methods: ms }];
    // `case 'GET': router.get(path, …)` over the rows a helper is given: its rows are the routes when every call is read
    if (r.byRow !== undefined && this.rowsRead(fa.file, r.byRow)) return [];
    const inherited = this.bySubclass(fa, r, ev);
    if (inherited) return inherited;
    const mv = r.methodVal && 'e' in r.methodVal ? r.methodVal : null;
    const mp = mv?.ref?.k === 'param' ? mv.ref : null;
    if (!r.owner) return [undefined];
    const parts = 's' in v ? [v.s] : (v.parts ?? (v.ref ? [{ e: v.e, ref: v.ref }] : [{ e: v.e, ref: { k: 'none', text: v.e } }]));
    const fns = new Set(parts.flatMap((p) => (typeof p !== 'string' && ownParam(p.ref) ? [ownParam(p.ref)!.fn] : [])));
    if (mp) fns.add(mp.fn);
    const fn = fns.size === 1 ? [...fns][0]! : -1;
    const hp = this.handlerParam(fa.file, fn, r);
    // a path its only caller gives is that string, but `this.router` of a constructor's is each caller's instance's, and
    // a handler the only call passes is that call's (`reg(app, '/a', (req, res) => …)`)
    const fixed = !mp && (!('e' in v) || ('s' in ev(fa.file, v) && !this.ctorParam(this.resolve(fa.file, r.owner))));
    if (fixed && (hp === null || this.callsTo.get(`${fa.file}|${fn}`)?.length !== 1)) return [undefined];
    const params = parts.flatMap((p) => (typeof p !== 'string' && p.ref.k === 'param' && p.ref.fn === fn ? [p.ref.i] : []));
    if (mp?.fn === fn) params.push(mp.i);
    // `addGet(route, …) { this.router.get(route, …) }`: a class's helper whose path is its parameter, never called, is no route
    const method = fa.classes.some((k) => Object.values(k.methods).includes(fn));
    if (method && 'e' in v && v.ref?.k === 'param' && !this.callsTo.get(`${fa.file}|${fn}`)?.length) return [];
    const all: PerCall[] = [];
    const unknown: Val = 'e' in v ? { ...v, why: `${v.why} (${elementWhy(parts)})` } : v;
    const add = (owner: Ent | null, path: Val, m: HttpMethod | null, site?: CallSite | null): void => {
      all.push({ owner, path, ...(m ? { methods: [m] } : {}), ...(site ? { site } : {}) });
    };
    const loop = elementOf(parts);
    // `for route, view in ROUTES:` over a sequence the helper's callers do not pass: its elements, where it is written
    if (loop && fns.size === 0)
      for (const el of this.elementsAt(fa.file, loop.of)) {
        const vals = this.pieces(fa, parts, v, ev, el);
        // an element that is no known string: the route, its path unknown (never left out when its sequence is read)
        add(this.resolve(fa.file, r.owner), vals.every((x) => 's' in x) ? joinParts(vals) : unknown, null);
      }
    for (const c of this.callsTo.get(`${fa.file}|${fn}`) ?? []) {
      const ms = mp ? ev(c.file, this.argOf(c, fa.file, fn, mp.i).str ?? { e: mv!.e, why: 'variable' }) : null;
      const m = ms && 's' in ms && !ms.src ? toMethod(ms.s) : null; // written, not a configuration default
      if (mp && !m) continue; // the method is known only at run time: never guessed
      const owner = this.ofInstance(c.file, c.call.line, this.inCaller(c, fa.file, fn, r.owner));
      const site = this.siteOf(c, fa.file, fn, params, hp, r.line);
      // a loop over a sequence the call passes (`map_action_routes(app, (("change-password", view),))`): a route per element
      const own = loop?.of.k === 'param' && loop.of.fn === fn ? loop.of : null;
      const a = own ? this.argOf(c, fa.file, fn, own.i).ref : null;
      const els = !loop ? [undefined] : a ? this.elementsAt(c.file, a) : own ? [] : this.elementsAt(fa.file, loop.of);
      // a sequence passed that cannot be read (`map_actions(app, load_rows())`): its routes, the path unknown
      if (own && !els.length && a?.k !== 'arr' && (a || own.i < c.call.args.length)) add(owner, unknown, m, site);
      for (const el of els) {
        const vals = this.pieces(fa, parts, v, ev, el, c, fn);
        const bad = vals.find((x) => !('s' in x));
        // a call's unknown path is a route only when the call gives its method, or it is a loop's element's
        if (bad && !el && !m) continue;
        add(owner, bad ? (el ? unknown : bad) : joinParts(vals), m, site);
      }
    }
    // no call the analysis sees passes the sequence (the helper's callers are in files not analysed): said so
    const uncalled = 'e' in v && loop && ownParam(loop)?.fn === fn && !this.callsTo.get(`${fa.file}|${fn}`)?.length;
    const why = uncalled ? { ...v, why: `${v.why} (${elementWhy(parts, fa.functions[fn]?.name ?? null)})` } : unknown;
    if (loop && !all.length) return [{ owner: this.resolve(fa.file, r.owner), path: why }];
    // at its calls when they pass the handler, or when there are several (one call's routes keep the registration's line:
    // the handler written there serves them, and is instrumented there)
    const at = (x: PerCall): string => (x.site ? `${x.site.file}|${x.site.range.start.line}|${x.site.range.start.column}` : '');
    const sited = hp !== null || new Set(all.map(at)).size > 1;
    const out = new Map<string, PerCall>();
    for (const x of all) {
      const { site, ...rest } = x;
      const y = sited && site ? x : rest;
      out.set(`${x.owner ? key(x.owner) : ''}|${x.methods?.[0] ?? ''}|${'s' in x.path ? x.path.s : `\0${x.path.e}`}|${at(y)}`, y);
    }
    return out.size ? [...out.values()] : [undefined];
  }

  /** What the tables' rows functions register of each method: the methods the calls of the rows of table `fn` keep
   *  (CallEdge.methods; a table spread into another, those of the other's calls); null when some call keeps every one. */
  private rowMethods(file: string, fn: number, depth = 0): ReadonlySet<HttpMethod> | null {
    const k = `${file}|${fn}`;
    if (this.rowMemo.has(k)) return this.rowMemo.get(k)!;
    this.rowMemo.set(k, null); // a cycle of spreads keeps every method
    const out = new Set<HttpMethod>();
    for (const c of depth < 8 ? (this.callsTo.get(k) ?? []) : []) {
      const a = c.call.args[0];
      const outer = c.call.methods ?? null;
      const spread =
        !outer && a?.k === 'param' && this.files.get(c.file)?.functions[a.fn]?.table ? this.rowMethods(c.file, a.fn, depth + 1) : null;
      if (!outer && !spread) return null;
      for (const m of outer ?? spread ?? []) out.add(m);
    }
    const got = out.size ? out : null;
    this.rowMemo.set(k, got);
    return got;
  }
  private readonly rowMemo = new Map<string, ReadonlySet<HttpMethod> | null>();

  /**
   * Whether every call of helper `fn` (./jsRowDispatch) passes rows the analysis reads: a DefCall of it (with the object
   * it makes, for a helper registering on the router it returns) at each call edge and each object a call of it makes.
   */
  private rowsRead(file: string, fn: number): boolean {
    const k = `${file}|${fn}`;
    const done = this.readMemo.get(k);
    if (done !== undefined) return done;
    const ret = this.files.get(file)?.functions[fn]?.registers === 'ret';
    const read = new Set<string>();
    const sites: string[] = (this.callsTo.get(k) ?? []).map((c) => `${c.file}|${c.call.line}`);
    for (const fa of this.files.values()) {
      for (const dc of fa.defCalls ?? []) {
        const e = this.resolve(fa.file, dc.callee);
        if (e?.t === 'fn' && e.file === file && e.id === fn && !dc.partial && (!ret || dc.made)) read.add(`${fa.file}|${dc.line}`);
      }
      for (const o of fa.objects) {
        const e = o.ctor ? this.resolve(fa.file, o.ctor) : null;
        if (e?.t === 'fn' && e.file === file && e.id === fn) sites.push(`${fa.file}|${o.line}`);
      }
    }
    const all = read.size > 0 && sites.every((s) => read.has(s));
    this.readMemo.set(k, all);
    return all;
  }
  private readonly readMemo = new Map<string, boolean>();

  /** The elements of a sequence a loop reads (CallGraph.arrayOf), at most MAX_ELEMENTS (a longer one is data). */
  private elementsAt(file: string, seq: Ref): { file: string; ref: Ref }[] {
    const els = this.arrayOf(file, seq);
    return els.length > MAX_ELEMENTS ? [] : els;
  }

  /** The values of a path `v`'s parts at one call `c` of its helper `fn` (its parameters) and one element `el` of the
   *  sequence a loop reads (a loop's name). */
  private pieces(
    fa: FileAnalysis,
    parts: readonly ValPart[],
    v: Val,
    ev: (f: string, v: Val) => Val,
    el?: { file: string; ref: Ref },
    c?: Caller,
    fn = -1,
  ): Val[] {
    return parts.map((p): Val => {
      if (typeof p === 'string') return { s: p };
      if (p.ref.k === 'el') {
        if (!el) return { e: p.e, why: 'variable' };
        const at: Ref = p.ref.index === undefined ? el.ref : { k: 'mem', base: el.ref, name: String(p.ref.index) };
        return ev(el.file, { e: p.e, why: 'variable', ref: at });
      }
      if (p.ref.k === 'param' && c) return ev(c.file, this.argStr(c, fa.file, fn, p.ref.i, p.e));
      return ev(fa.file, p.ref.k === 'none' ? v : { e: p.e, why: 'variable', ref: p.ref });
    });
  }

  /** The parameter of function `fn` the route registers as its handler (`router.get(path, h)`), else null. */
  private handlerParam(file: string, fn: number, r: RawRoute): number | null {
    const e = r.handler && fn >= 0 ? this.resolve(file, r.handler.ref) : null;
    return e?.t === 'param' && e.file === file && e.fn === fn && e.prop === undefined ? e.i : null;
  }

  /**
   * Where the route the call `c` of function `fn` (of `fnFile`, registering at line `line`) makes is reported: the call,
   * or, while the strings it passes for the route's parameters `params` (path, method) read parameters of the function
   * it is written in and that function is called once, that call (the one writing the literal: `crud(r, base) { reg(r,
   * `${base}/x`, h) }` called once). The handler, what that call passes for parameter `hp` (carried up with the path).
   * Null for a call the resolver made (a class statement, an element of an array: no range).
   */
  protected siteOf(c: Caller, fnFile: string, fn: number, params: number[], hp: number | null, line: number): CallSite | null {
    if (!c.call.range) return null;
    const decl = this.files.get(fnFile)?.functions[fn];
    let [cur, file, f, ps, h] = [c, fnFile, fn, params, hp];
    let handler: Ent | null = null;
    for (let depth = 0; depth < MAX_UP; depth++) {
      const up = cur.file === cur.from ? this.paramsRead(cur, file, f, ps) : null;
      const callers = up ? (this.callsTo.get(`${cur.file}|${up.fn}`) ?? []) : [];
      if (!up || callers.length !== 1 || !callers[0]!.call.range) break;
      const a = h === null ? null : this.argOf(cur, file, f, h).ref;
      if (h !== null && !(a?.k === 'param' && a.fn === up.fn)) [handler, h] = [this.passed(cur, file, f, h), null];
      else if (a?.k === 'param') h = a.i;
      [cur, file, f, ps] = [callers[0]!, cur.file, up.fn, up.params];
    }
    if (h !== null) handler = this.passed(cur, file, f, h);
    const handlerArg = h === null ? undefined : argPosition(cur, this.files.get(file)?.functions[f]?.params, h);
    const via: HelperCall = { file: fnFile, line, name: decl?.name ?? null, ...(handlerArg !== undefined ? { handlerArg } : {}) };
    return { ...callSite(cur, via), ...(handler ? { handler } : {}) };
  }

  /** The function or class call `c` passes to parameter `i` of `fn` (also the value of a literal table's row it passes,
   *  unrolled: `row.handler`), else null; through a wrapper call, the function it wraps (`observeRoute('GET', '/a', h)`,
   *  `asyncHandler(h)`: its last argument that is one), as a registration's handler is read. */
  private passed(c: Caller, file: string, fn: number, i: number): Ent | null {
    const { ref, str } = this.argOf(c, file, fn, i);
    // (a JS call's value is an object the call made: ObjDecl.via)
    const via = ref?.k === 'obj' ? this.files.get(c.file)?.objects[ref.id]?.via : ref;
    const wrapped = via?.k === 'ret' ? [...(via.args ?? [])].reverse() : [];
    for (const r of [...wrapped, ref, str && 'e' in str ? str.ref : undefined]) {
      const e = r ? this.resolve(c.file, r) : null;
      if (e?.t === 'fn' || e?.t === 'cls') return e;
    }
    return null;
  }

  /** The parameters of the one function the strings `c` passes for `params` of `fn` read (a call passing on what it is
   *  given: `reg(r, `${base}/x`)` in `crud(r, base)`); null when they read none, or those of several. */
  private paramsRead(c: Caller, file: string, fn: number, params: number[]): { fn: number; params: number[] } | null {
    const read: (Ref & { k: 'param' })[] = [];
    for (const i of params) {
      const { ref, str } = this.argOf(c, file, fn, i);
      const refs = str && 'e' in str ? [str.ref, ...(str.parts ?? []).map((p) => (typeof p === 'string' ? undefined : p.ref))] : [ref];
      for (const r of refs) if (r?.k === 'param') read.push(r);
    }
    const fns = new Set(read.map((r) => r.fn));
    return fns.size === 1 ? { fn: read[0]!.fn, params: [...new Set(read.map((r) => r.i))] } : null;
  }

  /**
   * `this.app.get(…)` in a method of a subclass where `app` is a field of a base class holding its constructor's
   * parameter (`constructor(protected app: Application)`): the object each `new` of this subclass (or one below it)
   * passes, not what the base's other subclasses are made with. Null when no such `new` is known.
   */
  private bySubclass(fa: FileAnalysis, r: RawRoute, ev: (f: string, v: Val) => Val): { owner: Ent | null; path: Val }[] | null {
    const self = r.owner?.k === 'mem' && r.owner.base.k === 'self' ? r.owner.base.cls : -1;
    const e = self >= 0 ? this.resolve(fa.file, r.owner!) : null;
    if (!this.ctorParam(e) || (e.file === fa.file && this.files.get(fa.file)?.classes[self]?.methods['constructor'] === e.fn)) return null;
    const below = (c: Ent | null): boolean => {
      for (let i = 0, cur = c; i < 8 && cur?.t === 'cls'; i++) {
        if (cur.file === fa.file && cur.id === self) return true;
        const sup = this.files.get(cur.file)?.classes[cur.id]?.supers?.[0];
        cur = sup ? this.resolve(cur.file, sup) : null;
      }
      return false;
    };
    const out = new Map<string, { owner: Ent | null; path: Val }>();
    for (const c of this.callsTo.get(`${e.file}|${e.fn}`) ?? []) {
      const made = c.call.callee.k === 'mem' && c.call.callee.name === 'constructor' ? this.resolve(c.file, c.call.callee.base) : null;
      const a = below(made) ? this.argOf(c, e.file, e.fn, e.i).ref : null;
      const owner = a ? this.resolve(c.file, a) : null;
      if (owner) out.set(key(owner), { owner, path: ev(fa.file, r.path) });
    }
    return out.size ? [...out.values()] : null;
  }

  /**
   * A route a callback registers once per element of a table of modules (`routes.forEach((route) =>
   * router.openapi(route.schema, route.handler))` over namespace imports): the route each call makes, the members of the
   * callback's parameter its path or method reads (and its handler) being those of that call's argument. Only an argument
   * that reads the same in this file (an import, or a call written here); otherwise the route as it is.
   */
  protected perArgRoutes(file: string, r: RawRoute): RawRoute[] {
    const root = (x: Ref | undefined): Ref | undefined => (x?.k === 'mem' ? root(x.base) : x?.k === 'wrap' ? root(x.inner) : x);
    const ref = (v: Val | undefined): Ref | undefined => (v && 'e' in v ? v.ref : undefined);
    const p = [ref(r.path), ref(r.methodVal)].map(root).find((x) => x?.k === 'param');
    // a path or method that is the parameter itself is each call's string (perCall)
    if (p?.k !== 'param' || ref(r.path) === p || ref(r.methodVal) === p) return this.perStringRoutes(file, r);
    const out: RawRoute[] = [];
    for (const c of this.callsTo.get(`${file}|${p.fn}`) ?? []) {
      const a = this.argOf(c, file, p.fn, p.i).ref;
      if (!a || (c.file !== file && a.k !== 'imp')) continue;
      const sub = (x: Ref): Ref =>
        x.k === 'mem'
          ? { ...x, base: sub(x.base) }
          : x.k === 'wrap'
            ? { ...x, inner: sub(x.inner) }
            : x.k === 'param' && x.fn === p.fn && x.i === p.i
              ? a
              : x;
      const val = (v: Val): Val => ('e' in v && v.ref ? { ...v, ref: sub(v.ref) } : v);
      out.push({
        ...r,
        path: val(r.path),
        ...(r.methodVal ? { methodVal: val(r.methodVal) } : {}),
        handler: r.handler && { ...r.handler, ref: sub(r.handler.ref) },
      });
    }
    return out.length ? out : [r];
  }

  /** `for (const c of columns) f.get(`/${c}`, h)` over a list of strings another module exports (`as const` too): the
   *  route once per string, the loop's body being called with each (CallEdge.each, `str` elements); else as it is. */
  private perStringRoutes(file: string, r: RawRoute): RawRoute[] {
    const parts = 'e' in r.path ? r.path.parts : undefined;
    const p = parts?.find((x): x is { e: string; ref: Ref & { k: 'param' } } => typeof x !== 'string' && x.ref.k === 'param');
    if (!parts || !p) return [r];
    const strs = (this.callsTo.get(`${file}|${p.ref.fn}`) ?? []).map((c) => this.argOf(c, file, p.ref.fn, p.ref.i).ref);
    if (!strs.length || strs.length > MAX_ELEMENTS || !strs.every((a) => a?.k === 'str')) return [r];
    const same = (x: Ref): boolean => x.k === 'param' && x.fn === p.ref.fn && x.i === p.ref.i;
    return strs.map((a) => ({
      ...r,
      path: { ...r.path, parts: parts.map((x) => (typeof x !== 'string' && same(x.ref) ? (a as { s: string }).s : x)) } as Val,
    }));
  }
}

/** Where call `c` is written (it has a range), with its helper's registration. */
export function callSite(c: Caller, via: HelperCall): CallSite {
  return { file: c.from, line: c.call.range!.start.line, range: c.call.range!, via };
}

/** Where call `c` writes its argument for parameter `i` of its callee (`params`): its position among the arguments
 *  written (a Python bound method's receiver is not), or its keyword; undefined when it passes none. */
export function argPosition(c: Caller, params: readonly string[] | undefined, i: number): number | string | undefined {
  const at = i - (c.call.recv ? 1 : 0);
  if (i < c.call.args.length) return at >= 0 ? at : undefined;
  const kw = params?.[i];
  return kw && c.call.kw?.[kw] ? kw : undefined;
}
