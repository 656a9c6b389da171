/**
 * Routes a project helper registers once per call (resolve.ts): a path, a method or a table row that one call of the
 * helper passes (`crud(router, '/books')`, `router[method](base + path, h)`, a Python loop over the rows a caller
 * passes), a route of a base class's method registered on each subclass's instance, and a callback's route per element
 * of a table of modules; a table's row kept only when a branch of the helper registering it selects its method
 * (./jsRowDispatch). Builds on the call graph (./callGraph). Pure.
 */
import type { FileAnalysis, RawRoute, Ref, Val, ValPart } from './model';
import { MAX_ELEMENTS } from './loops';
import { key } from './refs';
import type { Ent } from './values';
import { elementOf, elementWhy, ownParam } from './pyEach';
import { toMethod } from './common';
import type { HttpMethod } from './types';
import { CallGraph, joinParts, type Caller } from './callGraph';

/** A route as one call of its helper makes it (PerCallRoutes.perCall): its router, its path and, when the helper is
 *  given its method, that method. */
export type PerCall = { owner: Ent | null; path: Val; methods?: HttpMethod[] };

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
    // a path its only caller gives is that string, but `this.router` of a constructor's is each caller's instance's
    if (!r.owner || (!mp && (!('e' in v) || ('s' in ev(fa.file, v) && !this.ctorParam(this.resolve(fa.file, r.owner))))))
      return [undefined];
    const parts = 's' in v ? [v.s] : (v.parts ?? (v.ref ? [{ e: v.e, ref: v.ref }] : [{ e: v.e, ref: { k: 'none', text: v.e } }]));
    const fns = new Set(parts.flatMap((p) => (typeof p !== 'string' && ownParam(p.ref) ? [ownParam(p.ref)!.fn] : [])));
    if (mp) fns.add(mp.fn);
    const fn = fns.size === 1 ? [...fns][0]! : -1;
    // `addGet(route, …) { this.router.get(route, …) }`: a class's helper whose path is its parameter, never called, is no route
    const method = fa.classes.some((k) => Object.values(k.methods).includes(fn));
    if (method && 'e' in v && v.ref?.k === 'param' && !this.callsTo.get(`${fa.file}|${fn}`)?.length) return [];
    const out = new Map<string, PerCall>();
    const unknown: Val = 'e' in v ? { ...v, why: `${v.why} (${elementWhy(parts)})` } : v;
    const add = (owner: Ent | null, path: Val, m: HttpMethod | null): void => {
      const at: PerCall = m ? { owner, path, methods: [m] } : { owner, path };
      out.set(`${owner ? key(owner) : ''}|${m ?? ''}|${'s' in path ? path.s : `\0${path.e}`}`, at);
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
      // a loop over a sequence the call passes (`map_action_routes(app, (("change-password", view),))`): a route per element
      const own = loop?.of.k === 'param' && loop.of.fn === fn ? loop.of : null;
      const a = own ? this.argOf(c, fa.file, fn, own.i).ref : null;
      const els = !loop ? [undefined] : a ? this.elementsAt(c.file, a) : own ? [] : this.elementsAt(fa.file, loop.of);
      // a sequence passed that cannot be read (`map_actions(app, load_rows())`): its routes, the path unknown
      if (own && !els.length && a?.k !== 'arr' && (a || own.i < c.call.args.length)) add(owner, unknown, m);
      for (const el of els) {
        const vals = this.pieces(fa, parts, v, ev, el, c, fn);
        const bad = vals.find((x) => !('s' in x));
        // a call's unknown path is a route only when the call gives its method, or it is a loop's element's
        if (bad && !el && !m) continue;
        add(owner, bad ? (el ? unknown : bad) : joinParts(vals), m);
      }
    }
    // no call the analysis sees passes the sequence (the helper's callers are in files not analysed): said so
    const uncalled = 'e' in v && loop && ownParam(loop)?.fn === fn && !this.callsTo.get(`${fa.file}|${fn}`)?.length;
    const why = uncalled ? { ...v, why: `${v.why} (${elementWhy(parts, fa.functions[fn]?.name ?? null)})` } : unknown;
    if (loop && !out.size) return [{ owner: this.resolve(fa.file, r.owner), path: why }];
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
