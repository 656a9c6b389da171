/**
 * The calls of the project functions across files (resolve.ts), for one level of parameter passing: plain calls,
 * `new C(args)` into the class's constructor, and a callback or `for…of` body called once per element of an array,
 * followed to where the array is written: a literal passed in (`new App([new UsersController()])`), a parameter (what
 * its callers pass), a class field (`this.controllers = controllers`) or a constant of another module; an element's
 * function property called in such a callback (`providers.forEach((p) => p.configure(app))`) is called per element. A
 * class's constructor parameter held in a field (`this.router = router`) is, in a method called on an instance made
 * in the same chain (`new BaseRouting(router, user).addGet('/x', …).getRouter()`), that call's argument. Python methods
 * are bound (./pyMethods: `storage.init_app(app)` passes `storage` as `self`, `Routes(app)` calls `__init__`), a class
 * statement calls its base's `__init_subclass__`, and a `*args` parameter's elements are the call's arguments. The
 * routes a helper makes per call: ./perCall. Pure.
 */
import { ANY_PROP } from './model';
import type { CallEdge, Mount, Ref, TableMount, TableSlot, Val, ValPart } from './model';
import { MAX_EXPANDED } from './loops';
import { callAt, RefResolver } from './refs';
import type { Ent } from './values';
import { routeDefEdges } from './jsRouteDefs';
import { starGives, starLookupOrder } from './pyStar';
import { pyBoundCall, pyClassField, pyMethod, pySelfClass, pySubclassHooks } from './pyMethods';
import { unreadParts, type UnreadPart } from './pyConcat';

export interface Caller {
  /** The file the call's arguments are written in (an element of an array: where the array is). */
  file: string;
  /** The file the call is written in. */
  from: string;
  call: CallEdge;
}

/** How a table mount's prefix is read: a value where it is written, an element's own prefix (`bp.url_prefix`). */
type TableEval = { str: (file: string, v: Val) => Val; own: (e: Ent) => Val | null };

/** A mount of a loop over an imported table at one element: the mount, its parent, child and prefix. */
type TableMountAt = { m: Mount; parent: Ent | null; child: Ent | null; prefix: Val | null };

export class CallGraph extends RefResolver {
  /** Calls of each project function (key `file|fn id`). */
  protected readonly callsTo = new Map<string, Caller[]>();
  /** Where a method of a project object is called (`file|offset`): `mp.register(app)` there calls it, registering no plugin. */
  protected readonly methodCalls = new Set<string>();

  /** The caller's argument for parameter i of function fn (positional, else Python keyword). */
  protected argOf(c: Caller, fnFile: string, fn: number, i: number): { ref: Ref | null; str: Val | null } {
    const name = this.files.get(fnFile)?.functions[fn]?.params[i];
    const ref = c.call.args[i] ?? (name ? c.call.kw?.[name] : undefined) ?? null;
    const str = c.call.strs?.[String(i)] ?? (name ? c.call.strs?.[name] : undefined) ?? null;
    return { ref, str };
  }

  /** The string arguments the callers of function `fn` pass to its parameter `i` (one level of calls). */
  protected paramArgs(file: string, fn: number, i: number): { file: string; v: Val }[] {
    return (this.callsTo.get(`${file}|${fn}`) ?? []).flatMap((c) => {
      const v = this.argOf(c, file, fn, i).str;
      return v ? [{ file: c.file, v }] : [];
    });
  }

  /**
   * A factory's object prefix (`url_prefix=f"{API_PREFIX}{path}"`) as the call at `file:line` made it: each parameter of
   * the factory is that call's string argument (`api_blueprint("todos", "/todos")`); `v` unchanged when one is unknown.
   */
  protected atCall(file: string, line: number, fnFile: string, v: Val, ev: (f: string, v: Val) => Val): Val {
    if (!('e' in v)) return v;
    const parts = v.parts ?? (v.ref ? [{ e: v.e, ref: v.ref }] : []);
    const out: ValPart[] = [];
    for (const p of parts) {
      // a parameter, or a key of the options object it holds (`new Router(opt)`: `opt.prefix`, ./jsRouterOptions)
      const opt = typeof p !== 'string' && p.ref.k === 'mem' && p.ref.base.k === 'param' ? p.ref : null;
      const param = typeof p === 'string' ? null : p.ref.k === 'param' ? p.ref : opt?.base.k === 'param' ? opt.base : null;
      if (typeof p === 'string' || !param) {
        out.push(p);
        continue;
      }
      const fn = param.fn;
      const c = (this.callsTo.get(`${fnFile}|${fn}`) ?? []).find((x) => x.file === file && x.call.line === line);
      if (opt && c && c.call.args.length <= param.i) continue; // no options passed: no prefix
      const a = c ? (opt ? (c.call.strs?.[`${param.i}.${opt.name}`] ?? null) : this.argOf(c, fnFile, fn, param.i).str) : null;
      const s = a ? ev(c!.file, a) : null;
      if (!s || !('s' in s)) return v;
      out.push(s.s);
    }
    return ev(fnFile, { e: v.e, why: v.why, parts: out });
  }

  /**
   * `this.router` (a field holding constructor parameter `e`) on an instance made in the same chain as the call `c` or
   * the object at `line` (`new BaseRouting(router, user).addGet('/dashboard', …).getRouter()`): what that constructor
   * call passed; else `e` as it is (every instance's). `depth`: of the resolve that asks, carried on (`const r = new
   * R(r)…` would ask forever).
   */
  protected ofInstance(file: string, line: number, e: Ent | null, depth = 0): Ent | null {
    if (!this.ctorParam(e)) return e;
    const news = (this.callsTo.get(`${e.file}|${e.fn}`) ?? []).filter((x) => x.file === file && x.call.line === line);
    const a = news.length === 1 ? this.argOf(news[0]!, e.file, e.fn, e.i).ref : null;
    return (a && this.resolve(file, a, depth + 1)) ?? e;
  }

  /** An object a method call made (ObjDecl.via) holding a constructor's parameter: see ofInstance. */
  override resolve(file: string, ref: Ref, depth = 0): Ent | null {
    const e = super.resolve(file, ref, depth);
    const o = ref.k === 'obj' && this.ctorParam(e) ? this.files.get(file)?.objects[ref.id] : undefined;
    return o ? this.ofInstance(file, o.line, e, depth) : e;
  }

  /** Whether `e` is a parameter of a class's constructor (what each `new` passes). */
  protected ctorParam(e: Ent | null): e is Ent & { t: 'param' } {
    return (
      e?.t === 'param' &&
      e.prop === undefined &&
      !!this.files.get(e.file)?.classes.some((k) => Object.hasOwn(k.methods, 'constructor') && k.methods['constructor'] === e.fn)
    );
  }

  /** The chain `r` is (see paramRoot), an object a call may have made (`const router = endPoint.getRouter()`:
   *  ObjDecl.via) at its start read as that call. */
  protected chainOf(file: string, r: Ref, depth = 0): Ref {
    if (depth > 8) return r;
    if (r.k === 'mem') return { ...r, base: this.chainOf(file, r.base, depth + 1) };
    if (r.k === 'ret' && !r.args) return { ...r, callee: this.chainOf(file, r.callee, depth + 1) };
    const via = r.k === 'obj' ? this.files.get(file)?.objects[r.id]?.via : undefined;
    return via ? this.chainOf(file, via, depth + 1) : r;
  }

  /** What `r`, written in function fn of `file`, is in one call of fn: a parameter of fn is that call's argument, also
   *  under members and method calls of it (`router.getRouter()` over a list of instances: the argument's method's value). */
  protected inCaller(c: Caller, file: string, fn: number, r: Ref): Ent | null {
    // Python `self` of the method (an object standing for every instance, ./pySelf): the object this call is made on
    const self = r.k === 'obj' ? this.files.get(file)?.objects[r.id] : undefined;
    if (self?.self && self.via?.k === 'param' && self.via.fn === fn && self.via.i === 0 && c.call.args[0])
      return this.resolve(c.file, c.call.args[0]);
    const e = this.resolve(file, r);
    const chain = e ? null : this.chainOf(file, r);
    const root = chain ? paramRoot(chain) : null;
    if (root && root.fn === fn && root !== chain) {
      const a = this.argOf(c, file, fn, root.i).ref;
      return a ? this.resolve(c.file, onArg(chain!, a)) : null;
    }
    if (e?.t !== 'param' || e.file !== file || e.fn !== fn) return e;
    const a = this.argOf(c, file, fn, e.i).ref;
    return a ? this.resolve(c.file, e.prop === undefined ? a : { k: 'mem', base: a, name: e.prop }) : null;
  }

  /**
   * What `r` is in one call of fn (see inCaller), and when it is still a chain on a parameter of the caller (`register
   * (endPoint)` called per element of a list: `endPoint.getRouter().getRouter()`), what it is in each call of that one.
   */
  protected inCallers(c: Caller, file: string, fn: number, r: Ref, depth = 0): Ent[] {
    const e = this.inCaller(c, file, fn, r);
    const chain = this.chainOf(file, r);
    const root = paramRoot(chain);
    const a = !e && depth < 2 && root?.fn === fn ? this.argOf(c, file, fn, root.i).ref : null;
    const next = a ? onArg(chain, a) : null;
    const p = next ? paramRoot(next) : null;
    if (!p || p === next) return e ? [e] : [];
    return (this.callsTo.get(`${c.file}|${p.fn}`) ?? []).flatMap((c2) => this.inCallers(c2, c.file, p.fn, next!, depth + 1));
  }

  /**
   * Records every call of a project function; `bind(param, arg, file, from, line)` for each value a call passes to a
   * parameter (an object literal's properties one by one), `file` the one the argument is written in, `from` the call's. Calls once per element of an
   * array last: the elements of a parameter are what the other calls pass.
   */
  protected linkCalls(bind: (p: Ent, arg: Ref, file: string, from: string, line: number) => void): void {
    const link = (callee: Ent & { t: 'fn' }, file: string, from: string, c0: CallEdge): void => {
      // Python: a bound method's `self` is the object it is called on, a class call's the instance it makes (./pyMethods)
      const on = c0.member === undefined && !c0.direct && file === from && c0.callee.k === 'mem' ? c0.callee.base : null;
      const c = pyBoundCall(this.py, callee, from, c0, c0.self ?? on);
      const k = `${callee.file}|${callee.id}`;
      const list = this.callsTo.get(k) ?? [];
      list.push({ file, from, call: c });
      if (c.callee.k === 'mem' && c.at !== undefined) this.methodCalls.add(`${from}|${c.at}`);
      this.callsTo.set(k, list);
      const params = this.files.get(callee.file)?.functions[callee.id]?.params ?? [];
      const args = [...c.args];
      for (const [name, r] of Object.entries(c.kw ?? {})) {
        const i = params.indexOf(name);
        if (i >= 0 && !args[i]) args[i] = r;
      }
      const rest = this.files.get(callee.file)?.functions[callee.id]?.rest ?? Infinity;
      args.forEach((a, i) => {
        if (i >= rest) return; // a Python `*args` parameter's elements (argElements)
        const p = { t: 'param' as const, file: callee.file, fn: callee.id, i };
        if (a?.k === 'lit') for (const [prop, v] of Object.entries(a.props)) bind({ ...p, prop }, v, file, from, c.line);
        else if (a) bind(p, a, file, from, c.line);
        // `const ctx = { app, db }; register(ctx)`: each property too, as of an object literal written in the call
        const held = a && a.k !== 'lit' ? this.resolve(file, a) : null;
        if (held?.t === 'lit') for (const [prop, v] of Object.entries(held.props)) bind({ ...p, prop }, v, held.file, from, c.line);
      });
    };
    const all = [
      ...[...this.files.values()].flatMap((fa) => fa.calls.map((c) => ({ from: fa.file, c }))),
      ...routeDefEdges(this.files, (f, r) => this.resolve(f, r)),
    ];
    const ofElements: { from: string; c: CallEdge; e: Ent & { t: 'param' } }[] = [];
    for (const h of pySubclassHooks(this.py)) link(h.callee, h.file, h.file, h.call);
    for (const { from, c: edge } of [...all.filter((x) => !x.c.each), ...all.filter((x) => x.c.each)]) {
      // `for m in modules: m.setup(app)`: each element's function, resolved where the element is written
      const calls: { file: string; call: CallEdge; callee?: Ent | null }[] = edge.each
        ? (edge.props ? this.propsOf(from, edge.each) : this.arrayOf(from, edge.each)).map((el) =>
            edge.member === undefined && !edge.direct
              ? { file: el.file, call: { ...edge, args: [el.ref], each: undefined } }
              : {
                  file: from,
                  call: { ...edge, each: undefined },
                  callee: this.resolve(el.file, edge.direct ? el.ref : { k: 'mem', base: el.ref, name: edge.member! }),
                },
          )
        : this.perEntry(from, [edge.callee, ...edge.args], (at) => ({ file: from, call: at ? callAt(edge, at) : edge }));
      for (const { file, call: c, callee: ofElement } of calls) {
        // `(await services[name]()).default(app)`: the function each value of `services` gives, called with `app`
        const keyed = ofElement === undefined ? this.keyedCallees(from, c.callee) : null;
        for (let callee of keyed ?? [ofElement !== undefined ? ofElement : this.resolve(from, c.callee)]) {
          if (callee?.t === 'ns') callee = this.exportOf(callee.file, 'default', 0);
          // a parameter, or what a call of it gives (`(await load()).default(app)` in a loop over loaders: each one's)
          const root = !callee && !edge.each && !keyed ? paramRoot(this.chainOf(from, c.callee)) : null;
          if (root) callee = { t: 'param', file: from, fn: root.fn, i: root.i };
          if (callee?.t === 'cls') callee = pyMethod(this.py, callee, '__init__') ?? callee; // Python `Routes(app)`
          if (callee?.t === 'param' && !edge.each) ofElements.push({ from, c, e: callee });
          if (callee?.t === 'fn') link(callee, file, from, c);
          if (callee?.t === 'fn' && c.callee.k === 'mem' && c.callee.name === 'constructor')
            for (const d of this.inheritedCtorCalls(from, c, callee)) link(d.callee, file, from, d.call);
        }
      }
    }
    // `providers.forEach((p) => p.configure(app))`: the function property of each element the callback is called with;
    // `for (const route of [blogRoutes, userRoutes]) await route(app)`: each element itself, a function
    for (const { from, c, e } of ofElements)
      for (const caller of this.callsTo.get(`${e.file}|${e.fn}`) ?? []) {
        const callee = this.inCaller(caller, e.file, e.fn, c.callee);
        const own = callee?.t === 'fn' && from === e.file ? this.withCallerArgs(caller, from, e.fn, c) : null;
        if (callee?.t === 'fn') link(callee, own ? caller.file : from, from, own ?? c);
      }
  }

  /**
   * The functions a call through a computed key calls (`services[name](app)`, `(await services[name]()).default(app)`:
   * a chain of members and calls on ANY_PROP), one per value of the object (a literal of this file or imported), each
   * read where it is written (`{ web: () => import('./web') }`); null when `r` is no such chain.
   */
  private keyedCallees(file: string, r: Ref): (Ent | null)[] | null {
    const chain = this.chainOf(file, r);
    const anyOf = (x: Ref): Ref | null =>
      x.k === 'mem' ? (x.name === ANY_PROP ? x : anyOf(x.base)) : x.k === 'ret' && !x.args ? anyOf(x.callee) : null;
    const any = anyOf(chain);
    if (any?.k !== 'mem') return null;
    const onValue = (x: Ref, v: Ref): Ref =>
      x === any ? v : x.k === 'mem' ? { ...x, base: onValue(x.base, v) } : x.k === 'ret' ? { ...x, callee: onValue(x.callee, v) } : x;
    return this.propsOf(file, any.base).map((el) => this.resolve(el.file, onValue(chain, el.ref)));
  }

  /**
   * `applyRoutes(users, app)` and `applyRoutes(books, api)` where `applyRoutes(routes, router)` calls the rows of `routes`
   * with `router`: the call as this caller makes it, each argument a parameter of the function passed on as the caller's
   * argument (each table with its own router, not with every caller's); null when some argument is anything else.
   */
  private withCallerArgs(caller: Caller, file: string, fn: number, c: CallEdge): CallEdge | null {
    const own = (a: Ref | null): a is Ref & { k: 'param' } => a?.k === 'param' && a.fn === fn;
    if (!c.args.length || !c.args.every(own) || c.kw) return null;
    const args: (Ref | null)[] = [];
    const strs: Record<string, Val> = {};
    c.args.forEach((a, j) => {
      const { ref, str } = this.argOf(caller, file, fn, (a as Ref & { k: 'param' }).i);
      args.push(ref);
      if (str) strs[String(j)] = str;
    });
    const { strs: _, ...rest } = c;
    return { ...rest, args, ...(Object.keys(strs).length ? { strs } : {}) };
  }

  /**
   * `new Users(router)` of a subclass that inherits its constructor (`constructor(router) { this.routes(router) }` in an
   * abstract base): the base constructor's calls of methods on `this` are of the subclass's own method (its override),
   * each with what this `new` passes to the constructor parameters it forwards (another argument is unknown).
   */
  private inheritedCtorCalls(from: string, c: CallEdge, ctor: Ent & { t: 'fn' }): { callee: Ent & { t: 'fn' }; call: CallEdge }[] {
    const sub = c.callee.k === 'mem' ? this.resolve(from, c.callee.base) : null;
    const cfa = this.files.get(ctor.file);
    const base = cfa?.classes.find((k) => Object.hasOwn(k.methods, 'constructor') && k.methods['constructor'] === ctor.id);
    const range = cfa?.functions[ctor.id]?.range;
    if (sub?.t !== 'cls' || !base || !range || (sub.file === ctor.file && sub.id === base.id)) return [];
    const out: { callee: Ent & { t: 'fn' }; call: CallEdge }[] = [];
    for (const inner of cfa!.calls) {
      const m = inner.callee;
      if (m.k !== 'mem' || m.base.k !== 'self' || m.base.cls !== base.id || inner.each) continue;
      if (inner.line < range.start.line || inner.line > range.end.line) continue;
      const own = this.resolve(ctor.file, m);
      const callee = this.resolve(sub.file, { k: 'mem', base: { k: 'self', cls: sub.id }, name: m.name });
      if (callee?.t !== 'fn' || (own?.t === 'fn' && own.file === callee.file && own.id === callee.id)) continue;
      const args: (Ref | null)[] = [];
      const strs: Record<string, Val> = {};
      inner.args.forEach((a, j) => {
        const fwd = a?.k === 'param' && a.fn === ctor.id ? a.i : -1;
        args[j] = fwd >= 0 ? (c.args[fwd] ?? null) : null;
        const str = fwd >= 0 ? c.strs?.[String(fwd)] : inner.strs?.[String(j)];
        if (str && (fwd >= 0 || 's' in str)) strs[String(j)] = str;
      });
      out.push({ callee, call: { callee: c.callee, args, strs, line: c.line, ...(c.at !== undefined ? { at: c.at } : {}) } });
    }
    return out;
  }

  /**
   * The elements of the array `ref` is, each with the file it is written in (see the top of this file). Repository
   * input: arrays spreading arrays (`[...a, ...a, …]` over files) multiply, so the expansion stops after
   * MAX_EXPANDED elements or arrays followed (the rest is unknown, as a longer literal table is).
   */
  protected arrayOf(file: string, ref: Ref): { file: string; ref: Ref }[] {
    const out: { file: string; ref: Ref }[] = [];
    this.elementsOf(file, ref, 0, out, { visits: 0 });
    return out;
  }

  /** arrayOf's walk: appends the elements of `ref` to `out`, within the budget (`seen.visits`, `out.length`). */
  private elementsOf(file: string, ref: Ref, depth: number, out: { file: string; ref: Ref }[], seen: { visits: number }): void {
    if (depth > 6 || ++seen.visits > MAX_EXPANDED || out.length >= MAX_EXPANDED) return;
    const add = (f: string, els: readonly Ref[], spreads: readonly Ref[]): void => {
      for (const r of els.slice(0, MAX_EXPANDED - out.length)) out.push({ file: f, ref: r });
      for (const s of spreads) {
        const before = out.length;
        this.elementsOf(f, s, depth + 1, out, seen);
        // `[].concat(users, items)` of route modules (`module.exports = { path, router }`): a value, not an array
        if (out.length === before && out.length < MAX_EXPANDED && isValue(this.resolve(f, s))) out.push({ file: f, ref: s });
      }
    };
    if (ref.k === 'arr') return add(file, ref.els, ref.spreads ?? []);
    if (ref.k === 'param') {
      for (const c of this.callsTo.get(`${file}|${ref.fn}`) ?? []) this.argElements(c, file, ref.fn, ref.i, depth, out, seen);
      return;
    }
    let mod: string | null = null;
    let name = '';
    if (ref.k === 'imp') [mod, name] = [ref.mod, ref.name === 'cjs' ? 'default' : ref.name];
    else if (ref.k === 'mem' && ref.base.k === 'imp' && ref.base.name === '*') [mod, name] = [ref.base.mod, ref.name];
    else if (ref.k === 'mem') {
      // `this.controllers` (a field of the class), `options.controllers` (of the object literal the callers pass)
      const b = this.resolve(file, ref.base);
      if (b?.t === 'param' && b.prop === undefined) {
        const before = out.length;
        for (const c of this.callsTo.get(`${b.file}|${b.fn}`) ?? []) {
          const a = this.argOf(c, b.file, b.fn, b.i).ref;
          if (a) this.elementsOf(c.file, { k: 'mem', base: a, name: ref.name }, depth + 1, out, seen);
        }
        // `cls.BLUEPRINTS` / `self.blueprints` in a method no call gives a receiver of: what its class (or a base) assigns
        const cls = out.length === before ? pySelfClass(this.files, b) : null;
        const f = cls ? pyClassField(this.py, cls, ref.name) : null;
        if (f) this.elementsOf(f.file, f.ref, depth + 1, out, seen);
        return;
      }
      // a Python class's attribute (`App.BLUEPRINTS`): its own or a base's
      const pf =
        (b?.t === 'inst' || b?.t === 'cls') && this.files.get(b.file)?.language === 'python'
          ? pyClassField(this.py, { t: 'cls', file: b.file, id: b.id }, ref.name)
          : null;
      if (pf) return this.elementsOf(pf.file, pf.ref, depth + 1, out, seen);
      const f =
        b?.t === 'lit'
          ? b.props[ref.name]
          : b?.t === 'inst' || b?.t === 'cls'
            ? this.files.get(b.file)?.classes[b.id]?.fields?.[ref.name]
            : b?.t === 'ns' // `require('./routers').routers`
              ? { k: 'imp' as const, mod: `file:${b.file}`, name: ref.name }
              : undefined;
      if (f) this.elementsOf(b!.file, f, depth + 1, out, seen);
      return;
    }
    const t = mod ? this.mods.modFile(mod, file) : null;
    const fa = t ? this.files.get(t) : undefined;
    const els = fa?.arrays?.[name];
    if (els) return add(fa!.file, els, fa!.arraySpreads?.[name] ?? []);
    const ex = fa?.exports[name];
    if (ex) return this.elementsOf(fa!.file, ex, depth + 1, out, seen);
    // a barrel: `export * from './columns'`
    for (const m of fa && name !== 'default' ? starLookupOrder(fa) : []) {
      const f = this.mods.modFile(m, fa!.file);
      if (f && starGives(this.files.get(f), name)) return this.elementsOf(fa!.file, { k: 'imp', mod: m, name }, depth + 1, out, seen);
    }
  }

  /** The elements of what call `c` passes to parameter `i` of `fn`: its positional arguments from `i` on for a Python
   *  `*args` parameter (`include_views(a.view, b.view)`), else those of the sequence it passes. */
  private argElements(
    c: Caller,
    file: string,
    fn: number,
    i: number,
    depth: number,
    out: { file: string; ref: Ref }[],
    seen: { visits: number },
  ): void {
    if (this.files.get(file)?.functions[fn]?.rest !== i) {
      const a = this.argOf(c, file, fn, i).ref;
      if (a) this.elementsOf(c.file, a, depth + 1, out, seen);
      return;
    }
    for (const a of c.call.args.slice(i, i + MAX_EXPANDED - out.length)) if (a) out.push({ file: c.file, ref: a });
  }

  /** The properties of the object `ref` is (`{ '/users': users }`, also a module's `module.exports`), each with its key. */
  private propsOf(file: string, ref: Ref): { file: string; ref: Ref; key: string }[] {
    const e = this.resolve(file, ref);
    const d = e?.t === 'ns' ? this.files.get(e.file)?.exports.default : undefined;
    const props = e?.t === 'lit' ? e.props : d?.k === 'lit' ? d.props : {};
    return Object.entries(props).map(([key, r]) => ({ file: e!.file, ref: r, key }));
  }

  /**
   * The mounts a loop over an imported table makes (./jsTables), one per element, read where the table is written: the
   * child and the prefix the mount reads of it (a key, or a property: `{ path: '/users', router }`); a first argument
   * that is a router or a function is no prefix.
   */
  protected tableMounts(file: string, t: TableMount, ev: TableEval): TableMountAt[] {
    this.unreadLists.push(...unreadParts(file, t, (r) => this.arrayOf(file, r).length));
    return this.tableGroups(file, t).flatMap(({ els, parent }) => this.tableMountsOf(file, t, els, parent, ev));
  }

  /** Python: parts of the concatenations table mounts loop over that no element of is read (./pyConcat). */
  protected readonly unreadLists: UnreadPart[] = [];

  /** The elements a table mount reads, with the parent they are mounted on: over a parameter, per call of its function
   *  (`router.include_views(a.view, b.view)` mounts these two on `router`, what another call passes on its object). */
  private tableGroups(file: string, t: TableMount): { els: { file: string; ref: Ref; key?: string }[]; parent: Ent | null }[] {
    const of = !t.obj && t.of.k === 'param' ? t.of : null;
    const callers = of ? (this.callsTo.get(`${file}|${of.fn}`) ?? []) : [];
    if (!of || !callers.length)
      return [{ els: t.obj ? this.propsOf(file, t.of) : this.arrayOf(file, t.of), parent: this.resolve(file, t.parent) }];
    return callers.map((c) => {
      const els: { file: string; ref: Ref }[] = [];
      this.argElements(c, file, of.fn, of.i, 0, els, { visits: 0 });
      return { els, parent: this.inCaller(c, file, of.fn, t.parent) };
    });
  }

  /** An unknown prefix that is a parameter of the function a loop is in (`path_prefix`): why, from what the calls of
   *  that function pass it (a configuration value read at run time, `config.get("webui", "prefix")`), or that none does. */
  private passedWhy(file: string, v: Val, str: (file: string, v: Val) => Val, depth = 0): Val {
    const u = 'e' in v ? v : null;
    const p = u?.ref?.k === 'param' ? u.ref : null;
    const fn = p ? this.files.get(file)?.functions[p.fn] : undefined;
    if (!u || !p || !fn || depth > 3) return v;
    const of = `\`${fn.params[p.i] ?? u.e}\` of \`${fn.name ?? 'a function'}\``;
    for (const c of this.callsTo.get(`${file}|${p.fn}`) ?? []) {
      const { ref, str: a } = this.argOf(c, file, p.fn, p.i);
      const name = ref?.k === 'param' ? this.files.get(c.file)?.functions[ref.fn]?.params[ref.i] : undefined;
      const given: Val | null = a ?? (name && ref ? { e: name, why: 'variable', ref } : null); // the caller's own parameter, passed on
      const x = given ? this.passedWhy(c.file, str(c.file, given), str, depth + 1) : null;
      if (x && 'e' in x)
        return /^(run-time )?value|^parameter/.test(x.why) ? x : { e: x.e, why: `run-time value passed to ${of} (a ${x.why})` };
      if (!x) return { e: u.e, why: `value passed to ${of} that is not known statically` };
    }
    return { e: u.e, why: `parameter ${of} that no analysed call passes a value to` };
  }

  private tableMountsOf(
    file: string,
    t: TableMount,
    els: { file: string; ref: Ref; key?: string }[],
    parent: Ent | null,
    { str, own }: TableEval,
  ): TableMountAt[] {
    return els.flatMap((el) => {
      const at = (s: TableSlot): Ref | null => (s === 'key' ? null : s === 'value' ? el.ref : { k: 'mem', base: el.ref, name: s.prop });
      // the string a slot of the element holds (its key, or a string property), else null
      const strAt = (s: TableSlot): Val | null => {
        const p = at(s);
        if (s === 'key') return el.key !== undefined ? { s: el.key } : null;
        return p && !this.resolve(el.file, p) ? str(el.file, { e: p.k === 'mem' ? p.name : 'value', why: 'variable', ref: p }) : null;
      };
      const fixed = typeof t.child === 'object' && 'fixed' in t.child ? t.child.fixed : null;
      const c0 = fixed ?? at(t.child as TableSlot);
      // `app.use(path, ...middlewares)`, `app.use(path, middlewares)`: a mount per element of the array held there
      const arr = c0 && !fixed ? this.arrayOf(el.file, c0) : [];
      const kids: { file: string; ref: Ref | null }[] = arr.length ? arr : [{ file: fixed ? file : el.file, ref: c0 }];
      return kids.map(({ file: cf, ref: c }) => {
        const child = c ? this.resolve(cf, c) : null;
        const prefix = t.prefixIf
          ? ownPrefixChoice(t.prefixIf, child && own(child), !!child, (v) => this.passedWhy(file, str(file, v), str))
          : t.prefixVal
            ? this.passedWhy(file, str(file, t.prefixVal), str)
            : t.prefixParts
              ? joinParts(t.prefixParts.map((x) => (typeof x === 'string' ? { s: x } : strAt(x))))
              : t.prefix
                ? strAt(t.prefix)
                : null;
        const m: Mount = { parent: t.parent, child: c ?? t.of, prefix, line: t.line, kind: t.kind };
        return { m, parent, child, prefix };
      });
    });
  }
}

/** An entity an array holds as one element (an object, a module's, a router, an instance, a function), not an array. */
function isValue(e: Ent | null): boolean {
  return e?.t === 'lit' || e?.t === 'ns' || e?.t === 'obj' || e?.t === 'inst' || e?.t === 'fn';
}

/** The concatenation of a table mount's prefix parts at one element: a string when every part is one; else the first
 *  part that is not (its reason; a part the element does not have is unknown too, never an empty prefix). */
export function joinParts(vals: (Val | null)[]): Val {
  const bad = vals.find((v) => !v || !('s' in v));
  if (bad === null) return { e: 'a part of the element', why: 'not in every element of the table' };
  return bad ?? { s: vals.map((v) => (v as { s: string }).s).join('') };
}

/** The prefix a table mount's `prefixIf` gives an element whose own prefix is `own` (`found`: the element is a known
 *  object): the branch its test takes (null: `None`, its own kept), or unknown when its own prefix is. */
function ownPrefixChoice(c: NonNullable<TableMount['prefixIf']>, own: Val | null, found: boolean, str: (v: Val) => Val): Val | null {
  if (!found) return { e: c.test, why: 'test on an element not found in the analysed files' };
  if (own && 'e' in own) return { e: c.test, why: `test on the element's own prefix, which is a ${own.why}` };
  const chosen = own?.s ? c.has : c.lacks;
  return chosen && str(chosen);
}

/** The parameter a chain of members and method calls without arguments starts at (`p.getRouter().router`). */
export function paramRoot(r: Ref): (Ref & { k: 'param' }) | null {
  if (r.k === 'mem') return paramRoot(r.base);
  if (r.k === 'ret' && !r.args) return paramRoot(r.callee);
  return r.k === 'param' ? r : null;
}

/** The chain `r` (see paramRoot) started at `a` instead. */
export function onArg(r: Ref, a: Ref): Ref {
  if (r.k === 'mem') return { ...r, base: onArg(r.base, a) };
  if (r.k === 'ret') return { ...r, callee: onArg(r.callee, a) };
  return a;
}
