/**
 * What a symbolic reference of the per-file facts is across files (resolve.ts): a module's export, an imported name, a
 * member of a module, class or instance, the value a project function returns, and what calling a project class or
 * function made (an instance of a framework subclass, or a fresh instance of the router a factory creates), and a
 * route's handler function. Pure.
 */
import { ANY_PROP, type CallEdge, type ClassDecl, type FileAnalysis, type ModId, type RawRoute, type Ref, type Val } from './model';
import { evalName, folderEntries, globKeepsDot, type FolderEntry, type NameExpr, type NameFns } from './folderLoops';
import * as path from 'node:path';
import { lastName, makesHonoApp, TABLE_ROWS } from './common';
import { passesOn } from './jsMiddleware';
import { CLIENT_PKGS, isData } from './jsHttpClients';
import type { Framework, Route } from './types';
import type { ModuleIndex } from './modules';
import { starGives, starLookupOrder } from './pyStar';
import type { Ent } from './values';
import { pyMember, pyMethod, pyReceiver, pyReturn, type PyContext } from './pyMethods';

/** One entry of a folder loader: its modules' pattern (`each:0`, `py:app.routes.*`), the entry's module and names. */
export interface EntryAt {
  mod: ModId;
  entry: FolderEntry;
  /** The string helpers of other modules the loader's expressions call. */
  fns: NameFns;
}

/** A reference with the folder loader's module replaced by the entry's. */
export function refAt(r: Ref, at: EntryAt): Ref {
  if (r.k === 'imp') return r.mod === at.mod ? { ...r, mod: at.entry.mod } : r;
  if (r.k === 'mem') return { ...r, base: refAt(r.base, at) };
  return r.k === 'alt' ? { ...r, refs: r.refs.map((x) => refAt(x, at)) } : r;
}

/** A string computed from the folder entry's name (Val.each), at the entry; any other value as it is. */
export function valAt(v: Val | null, at: EntryAt): Val | null {
  const each = v && 'e' in v ? v.each : undefined;
  if (!v || !('e' in v) || !each || !(each.mod === at.mod || (each.mod === 'py:*' && at.mod.startsWith('py:')))) return v;
  const s = evalName(each.x, at.entry.name, at.entry.stem, at.fns);
  // a name not known for certain (FolderEntry.alt): known when both names give the same string
  const alt = at.entry.alt;
  if (alt && s !== evalName(each.x, alt.name, at.entry.stem, at.fns)) return { ...v, why: alt.why };
  return typeof s === 'string' ? { s } : v;
}

/** A call made once per entry: its callee, arguments and strings at the entry. */
export function callAt(c: CallEdge, at: EntryAt): CallEdge {
  const strs = c.strs ? Object.fromEntries(Object.entries(c.strs).map(([k, v]) => [k, valAt(v, at)!])) : undefined;
  return { ...c, callee: refAt(c.callee, at), args: c.args.map((a) => a && refAt(a, at)), ...(strs ? { strs } : {}) };
}

/** `pkg`: made by a call of a package's function, a router only where an Express app or router mounts it at a path. */
/** `collect`: an instance of a class collecting route rows (./jsCollectors), a router where its rows are registered. */
export type Made = {
  framework: Framework;
  kind: 'app' | 'router';
  namespace?: true;
  api?: true;
  replay?: true;
  inner?: Ent;
  pkg?: true;
  collect?: true;
};

/** The graph key of an entity. */
export const key = (e: Ent): string => {
  switch (e.t) {
    case 'obj':
      return `o|${e.file}|${e.id}${e.of === undefined ? '' : `|${e.of}`}`;
    case 'param':
      return `p|${e.file}|${e.fn}|${e.i}${e.prop === undefined ? '' : `|${e.prop}`}`;
    default:
      return `${e.t}|${e.file}|${'id' in e ? e.id : ''}`;
  }
};

/** The object or parameter entity of a graph key. */
export function entOfKey(k: string): Ent | null {
  const [t, file, a, b, prop] = k.split('|');
  if (!file) return null;
  if (t === 'o') return { t: 'obj', file, id: Number(a), ...(b === undefined ? {} : { of: b }) };
  if (t === 'p') return { t: 'param', file, fn: Number(a), i: Number(b), ...(prop === undefined ? {} : { prop }) };
  return null;
}

/**
 * The edges of graph key `k`. A property of a parameter (`function setupUsers({ app, db })`) is also that property of
 * what each call passes on whole: another function's parameter (`register(context) { setupUsers(context) }`, so
 * `register({ app, ...deps })` gives it `app`); followed as far as the chain of such calls goes (a cycle ends where
 * the walk over the edges meets a key twice).
 */
export function passedOn<E extends { kind: string; parent: string }>(edges: ReadonlyMap<string, E[]>, k: string): E[] {
  const own = edges.get(k) ?? [];
  const e = entOfKey(k);
  if (e?.t !== 'param' || e.prop === undefined) return own;
  const out: E[] = [];
  for (const edge of edges.get(key({ t: 'param', file: e.file, fn: e.fn, i: e.i })) ?? []) {
    const p = edge.kind === 'alias' ? entOfKey(edge.parent) : null;
    if (p?.t === 'param' && p.prop === undefined) out.push({ ...edge, parent: key({ ...p, prop: e.prop }) });
  }
  return out.length ? [...own, ...out] : own;
}

/** A graph key as the reasons name it: `` `router` (src/app.js:3) ``, `` parameter `app` of `mount` (src/mount.js:1) ``. */
export function describeKey(files: ReadonlyMap<string, FileAnalysis>, k: string, rel: (file: string) => string): string {
  const e = entOfKey(k);
  if (!e || (e.t !== 'obj' && e.t !== 'param')) return k;
  const fa = files.get(e.file);
  if (e.t === 'obj') {
    const o = fa?.objects[e.id];
    return `\`${o?.name ?? '?'}\` (${rel(e.file)}:${o?.line ?? 0})`;
  }
  const f = fa?.functions[e.fn];
  const pn = f?.params[e.i] ?? '?';
  const what = e.prop === undefined ? `parameter \`${pn}\`` : `parameter ${pn ? `\`${pn}\`'s` : 'object'} property \`${e.prop}\``;
  return `${what} of ${f?.name ? `\`${f.name}\`` : 'an anonymous function'} (${rel(e.file)}:${f?.line ?? 0})`;
}

/** A class's own method or field of that name (never an `Object.prototype` member: `constructor`, `toString`). */
const ownOf = <T>(rec: Record<string, T> | undefined, name: string): T | undefined =>
  rec && Object.hasOwn(rec, name) ? rec[name] : undefined;

/** The import a member chain rooted at an imported Python module names: `imp(pkg, sub).mod` is `imp(pkg.sub, mod)`. */
function chainImport(ref: Ref): (Ref & { k: 'imp' }) | null {
  if (ref.k === 'imp') return ref;
  const b = ref.k === 'mem' ? chainImport(ref.base) : null;
  if (!b || ref.k !== 'mem') return null;
  if (b.name === '*') return { k: 'imp', mod: b.mod, name: ref.name };
  return { k: 'imp', mod: b.mod.startsWith('py:') ? `${b.mod}.${b.name}` : `file:${path.join(b.mod.slice(5), b.name)}`, name: ref.name };
}

export class RefResolver {
  protected readonly files: ReadonlyMap<string, FileAnalysis>;

  /** How ./pyMethods reads the project. */
  protected readonly py: PyContext;

  constructor(protected readonly mods: ModuleIndex) {
    this.files = mods.files;
    this.py = { files: this.files, resolve: (f, r, d) => this.resolve(f, r, d) };
  }

  protected exportOf(file: string, name: string, depth: number): Ent | null {
    const fa = this.files.get(file);
    if (!fa || depth > 12) return null;
    const r = fa.exports[name];
    if (r) return this.resolve(file, r, depth + 1);
    for (const m of starLookupOrder(fa)) {
      const f = this.mods.modFile(m, file);
      const e = f && starGives(this.files.get(f), name) ? this.exportOf(f, name, depth + 1) : null;
      if (e) return e;
      // `from .routers import *` of a package whose `__all__` names a submodule it does not bind: the import loads it
      const sub = f && this.files.get(f)?.pyAll?.includes(name) ? this.mods.submodule(f, name) : null;
      if (sub) return { t: 'ns', file: sub };
    }
    return null;
  }

  /** The rows function of the route table `table` is (./jsRouteTables): an imported table's, a module member's, or a
   *  parameter's (what its callers pass). */
  private rowsOf(file: string, table: Ref, depth: number): Ent | null {
    if (table.k === 'imp') {
      const t = this.mods.modFile(table.mod, file);
      return t ? this.exportOf(t, (table.name === 'cjs' ? 'default' : table.name) + TABLE_ROWS, depth + 1) : null;
    }
    const b = table.k === 'mem' ? this.resolve(file, table.base, depth + 1) : null;
    if (b?.t === 'ns') return this.exportOf(b.file, (table as { name: string }).name + TABLE_ROWS, depth + 1);
    const p = table.k === 'param' ? this.resolve(file, table, depth + 1) : null;
    return p?.t === 'param' ? { ...p, prop: TABLE_ROWS } : null;
  }

  resolve(file: string, ref: Ref, depth = 0): Ent | null {
    if (depth > 24) return null;
    switch (ref.k) {
      case 'obj': {
        const o = this.files.get(file)?.objects[ref.id];
        if (o?.ctor && !this.made(file, ref.id)) return o.via ? this.resolve(file, o.via, depth + 1) : null;
        return { t: 'obj', file, id: ref.id };
      }
      case 'param':
        return { t: 'param', file, fn: ref.fn, i: ref.i };
      case 'fn':
        return { t: 'fn', file, id: ref.id };
      case 'cls':
        return { t: 'cls', file, id: ref.id };
      case 'self':
        return { t: 'inst', file, id: ref.cls };
      case 'wrap': {
        let e = this.resolve(file, ref.inner, depth + 1);
        if (e?.t === 'ns') e = this.exportOf(e.file, 'default', depth + 1);
        return e?.t === 'fn' ? { ...e, fp: ref.fp || e.fp } : e;
      }
      case 'ret': {
        let f = this.resolve(file, ref.callee, depth + 1);
        if (f?.t === 'ns') f = this.exportOf(f.file, 'default', depth + 1);
        if (f?.t === 'cls') return { t: 'inst', file: f.file, id: f.id }; // settings = Settings()
        // koa-combine-routers: `app.use(routes())` where `routes = combineRouters(…)` (jsCalls.ts) is that router
        if (f?.t === 'obj' && this.files.get(f.file)?.objects[f.id]?.framework === 'koa') return f;
        if (f?.t !== 'fn') return null;
        const decl = this.files.get(f.file)?.functions[f.id];
        const self = pyReceiver(this.py, file, ref.callee, f, depth); // a Python method called on an instance
        const e = self ? pyReturn(this.py, self, f, depth + 1) : decl?.returns ? this.resolve(f.file, decl.returns, depth + 1) : null;
        if (!e && decl?.returnsType) {
          // `def get_settings() -> Settings: return environments[env]()`: an instance of the annotated class
          const c = this.resolve(f.file, decl.returnsType, depth + 1);
          return c?.t === 'cls' ? { t: 'inst', file: c.file, id: c.id } : null;
        }
        // `router = addRoutes({ router })`: a function returning its parameter returns what this call passed
        if (e?.t !== 'param' || e.file !== f.file || e.fn !== f.id || !ref.args) return e;
        const a = ref.args[e.i];
        return a ? this.resolve(file, e.prop === undefined ? a : { k: 'mem', base: a, name: e.prop }, depth + 1) : null;
      }
      case 'inst': {
        const c = this.resolve(file, ref.cls, depth + 1);
        return c?.t === 'cls' ? { t: 'inst', file: c.file, id: c.id } : null;
      }
      case 'imp': {
        const target = this.mods.modFile(ref.mod, file);
        if (!target) {
          // Python `from pkg import module`, also from an implicit namespace package (a folder without `__init__.py`)
          const sub = ref.name === '*' ? null : this.mods.pySubmodule(ref.mod, ref.name, file);
          return sub ? { t: 'ns', file: sub } : null;
        }
        if (ref.name === '*') return { t: 'ns', file: target };
        const e = this.exportOf(target, ref.name === 'cjs' ? 'default' : ref.name, depth);
        // a module whose default export is an object literal (`module.exports = { a, b }`) is read as the module
        if (e?.t === 'lit' && (ref.name === 'cjs' || ref.name === 'default')) return { t: 'ns', file: target };
        if (e || ref.name === 'cjs') return e ?? { t: 'ns', file: target };
        const sub = this.mods.submodule(target, ref.name) ?? this.mods.pySubmodule(ref.mod, ref.name, file);
        if (sub) return { t: 'ns', file: sub };
        if (ref.name === 'default') return { t: 'ns', file: target };
        return null;
      }
      case 'lit':
        return { t: 'lit', file, props: ref.props };
      case 'alt':
        for (const r of ref.refs) {
          const e = this.resolve(file, r, depth + 1);
          if (e) return e;
        }
        return null;
      case 'mem': {
        if (ref.name === TABLE_ROWS) return this.rowsOf(file, ref.base, depth);
        if (ref.name === ANY_PROP) return null; // a computed key: one of several values (CallGraph.keyedCallees)
        // `require('./books').default`: the default export of an ES module loaded by require (TypeScript's interop)
        if (ref.name === 'default' && ref.base.k === 'imp' && ref.base.name === 'cjs')
          return this.resolve(file, { ...ref.base, name: 'default' }, depth + 1);
        if (ref.base.k === 'mem') {
          // `ctrl.feed.get`: a function of an object exported by a module (`module.exports = { feed: { get() {} } }`)
          const root = this.resolve(file, ref.base.base, depth + 1);
          const e = root?.t === 'ns' ? this.exportOf(root.file, `${ref.base.name}.${ref.name}`, depth) : null;
          if (e) return e;
        }
        const b = this.resolve(file, ref.base, depth + 1);
        if (!b) return this.namespaceMember(file, ref, depth);
        // a member of a route collector's instance (./jsCollectors): its class's (`memoryRoute.register`)
        const held = b.t === 'obj' ? this.files.get(b.file)?.objects[b.id] : undefined;
        if (held?.inst && held.via) return this.resolve(b.file, { k: 'mem', base: held.via, name: ref.name }, depth + 1);
        // an object literal's property, also one a function returns (`return controllers` filled in a loop)
        if (b.t === 'lit') {
          const v = b.props[ref.name];
          return v ? this.resolve(b.file, v, depth + 1) : null;
        }
        // Python: an instance's attribute, `self.setup(app)`, `cls.register(api)`: a method of the class (./pyMethods)
        const py = pyMember(this.py, b, ref.name, depth);
        if (py !== undefined) return py;
        // `const { router } = options`, `function f({ router })`: a property of the object the callers pass
        if (b.t === 'param' && b.prop === undefined) return { ...b, prop: ref.name };
        if (b.t === 'ns') {
          const e = this.exportOf(b.file, ref.name, depth);
          if (e) return e;
          const d = this.exportOf(b.file, 'default', depth); // `export default { mountPing }`
          const p = d?.t === 'lit' ? d.props[ref.name] : undefined;
          if (p) return this.resolve(d!.file, p, depth + 1);
          const sub = this.mods.submodule(b.file, ref.name);
          return sub ? { t: 'ns', file: sub } : null;
        }
        if (b.t === 'inst' || b.t === 'cls') {
          const cls = this.files.get(b.file)?.classes[b.id];
          const m = ownOf(cls?.methods, ref.name);
          if (m !== undefined) return { t: 'fn', file: b.file, id: m };
          const f = ownOf(cls?.fields, ref.name);
          return f ? this.resolve(b.file, f, depth + 1) : this.inherited(b, ref.name, depth);
        }
        return null;
      }
      default:
        return null;
    }
  }

  /**
   * `pkg.sub.mod.router` after `import pkg.sub.mod`, `endpoints.admin` after `from . import endpoints`, in Python: when the
   * packages are implicit namespace packages (PEP 420, folders without `__init__.py`), no module stands for them, so the
   * member is read as an import from the package the chain names (`from pkg.sub import mod`).
   */
  private namespaceMember(file: string, ref: Ref & { k: 'mem' }, depth: number): Ent | null {
    const imp = this.files.get(file)?.language === 'python' ? chainImport(ref) : null;
    return imp ? this.resolve(file, imp, depth + 1) : null;
  }

  /**
   * A member a JS/TS base class declares, reached through a subclass (`class Users extends Base`): its method, or its
   * field; an instance field holding a router (`router = Router()` in Base) is each instance's own, so the object is the
   * one Base creates as held by instances of this subclass (`of`): the subclass's routes and mounts (`new Users().router`)
   * meet there, apart from any other subclass's. A static field is one the subclasses share.
   */
  private inherited(sub: { file: string; id: number }, name: string, depth: number): Ent | null {
    // a Python class attribute is shared; a method is the nearest base's (./pyMethods)
    if (this.files.get(sub.file)?.language !== 'javascript')
      return pyMethod(this.py, { t: 'cls', file: sub.file, id: sub.id }, name, depth);
    let cur = sub;
    for (let i = 0; i < 6; i++) {
      const sup = this.files.get(cur.file)?.classes[cur.id]?.supers?.[0];
      const s = sup ? this.resolve(cur.file, sup, depth + 1) : null;
      if (s?.t !== 'cls') return null;
      const decl = this.files.get(s.file)?.classes[s.id];
      const m = ownOf(decl?.methods, name);
      if (m !== undefined) return { t: 'fn', file: s.file, id: m };
      const f = ownOf(decl?.fields, name);
      if (f) {
        const e = this.resolve(s.file, f, depth + 1);
        return e?.t === 'obj' && !decl!.statics?.includes(name) ? { ...e, of: `${sub.file}#${sub.id}` } : e;
      }
      cur = s;
    }
    return null;
  }

  /** The folder loader's module a reference is rooted at (`py:app.plugins.*`, ./pyLoaders; `each:<i>`, ./folderLoops). */
  private loaderMod(ref: Ref | null | undefined): ModId | null {
    let root = ref;
    while (root?.k === 'mem') root = root.base;
    if (root?.k === 'alt') return root.refs.map((r) => this.loaderMod(r)).find((m) => m) ?? null;
    return root?.k === 'imp' && (root.mod.endsWith('*') || root.mod.startsWith('each:')) ? root.mod : null;
  }

  private entryMemo = new Map<string, EntryAt['entry'][]>();

  /** The entries of a folder loader's module, written in `file`: the modules of the package or folder it names. */
  protected entriesOf(file: string, mod: ModId): EntryAt['entry'][] {
    const k = `${file}|${mod}`;
    let out = this.entryMemo.get(k);
    if (out) return out;
    const modFile = (m: ModId): string | null => this.mods.modFile(m, file);
    if (mod.startsWith('each:')) {
      const loop = this.files.get(file)?.folderLoops?.[Number(mod.slice(5))];
      const keepsDot = (pkg: string): boolean | null => globKeepsDot(pkg, this.mods.dependencySpec(pkg, file));
      out = loop ? folderEntries(loop, file, this.files.keys(), modFile, this.nameFns(file), keepsDot) : [];
    } else {
      const filter = this.files.get(file)?.loaderFilters?.[mod]; // the modules the loader skips (./pyLoaders)
      out = this.mods.modules(mod).map((m) => {
        const f = modFile(m) ?? '';
        const pkg = /^(?:__init__|index)\./.test(path.basename(f));
        const stem = m.startsWith('py:')
          ? m.slice(m.lastIndexOf('.') + 1)
          : path.basename(pkg ? path.dirname(f) : f).replace(/\.[^.]*$/, '');
        return { mod: m, name: pkg ? path.basename(path.dirname(f)) : path.basename(f), stem };
      });
      if (filter) out = out.filter((e) => evalName(filter, e.name, e.stem) !== false); // a test it cannot decide keeps it
    }
    this.entryMemo.set(k, out);
    return out;
  }

  /** f once per entry of the folder loader the references (of `file`) are rooted at; once, with null, without one. */
  protected perEntry<T>(file: string, refs: readonly (Ref | null | undefined)[], f: (at: EntryAt | null) => T): T[] {
    const mod = refs.map((r) => this.loaderMod(r)).find((m) => m);
    if (!mod) return [f(null)];
    const fns = this.nameFns(file);
    return this.entriesOf(file, mod).map((entry) => f({ mod, entry, fns }));
  }

  private loaders: FileAnalysis[] | null = null;

  /** "is left out by …": a file of a folder a loader lists (./folderLoops) that its filter does not keep. */
  protected leftOut(file: string, rel: (file: string) => string): string | null {
    this.loaders ??= [...this.files.values()].filter((fa) => fa.folderLoops?.length);
    for (const fa of this.loaders)
      for (const [i, l] of fa.folderLoops!.entries()) {
        if (l.cwd || !l.spec || file === fa.file || !file.startsWith(l.dir + path.sep)) continue;
        if (!this.entriesOf(fa.file, `each:${i}`).some((x) => x.mod === `file:${file}`))
          return `is left out by the filter of the folder loader at ${rel(fa.file)}:${l.line}`;
      }
    return null;
  }

  private fnsMemo = new Map<string, NameExpr | null>();

  /** The string helpers `file` imports (see NameFns). */
  protected nameFns(file: string): NameFns {
    return (mod, name) => {
      const k = `${file}|${mod}|${name}`;
      let x = this.fnsMemo.get(k);
      if (x === undefined) {
        const e = this.resolve(file, { k: 'imp', mod, name });
        x = (e?.t === 'fn' && this.files.get(e.file)?.functions[e.id]?.str) || null;
        this.fnsMemo.set(k, x);
      }
      return x;
    };
  }

  private classMemo = new Map<string, ClassDecl['base'] | null>();

  /** The framework class a project class derives from (`class AppRouter(APIRouter)`, also through project bases). */
  protected frameworkClass(file: string, ref: Ref, depth = 0): ClassDecl['base'] | null {
    const c = depth > 6 ? null : this.resolve(file, ref, depth + 1);
    if (c?.t !== 'cls') return null;
    const k = `${c.file}|${c.id}`;
    if (this.classMemo.has(k)) return this.classMemo.get(k) ?? null;
    this.classMemo.set(k, null);
    const decl = this.files.get(c.file)?.classes[c.id];
    // a redprint (./pyRedprint): its instances are Flask routers a blueprint registers
    let base: ClassDecl['base'] | null = decl?.base ?? (decl?.replay ? { framework: 'flask', kind: 'router', replay: true } : null);
    // a JS/TS class collecting route rows (./jsCollectors): its instances are routers where their rows are registered
    if (!base && decl?.collect) base = { framework: 'fastify', kind: 'router', collect: true };
    for (const s of decl?.supers ?? []) base ??= this.frameworkClass(c.file, s, depth + 1);
    this.classMemo.set(k, base);
    return base;
  }

  /** The package name an import comes from, through the re-exports of project modules (`export { Hono } from 'hono'`,
   *  `import { Hono } from 'hono'; export { Hono }`, `export * from 'jsr:@hono/hono'`); null when it is a project value. */
  protected packageOf(file: string, ref: Ref, depth = 0): { pkg: string; name: string } | null {
    if (ref.k !== 'imp' || depth > 8 || ref.name === '*' || ref.name === 'cjs') return null;
    const target = this.mods.modFile(ref.mod, file);
    if (!target) return ref.mod.startsWith('pkg:') ? { pkg: ref.mod.slice(4), name: ref.name } : null;
    const fa = this.files.get(target);
    const own = fa?.exports[ref.name];
    if (own) return this.packageOf(target, own, depth + 1);
    for (const m of fa && ref.name !== 'default' ? starLookupOrder(fa) : []) {
      const x = this.packageOf(target, { k: 'imp', mod: m, name: ref.name }, depth + 1);
      if (x) return x;
    }
    return null;
  }

  private madeMemo = new Map<string, Made | null>();

  /**
   * What calling a project class or function made (objects with `ctor`): an instance of a framework subclass, or a fresh
   * instance of the object a factory creates and returns (`inner`: the factory's own object, whose routes and prefix
   * every instance shares); null when it is neither (the object is then its `via` value).
   */
  protected made(file: string, id: number): Made | null {
    const k = `${file}|${id}`;
    if (this.madeMemo.has(k)) return this.madeMemo.get(k) ?? null;
    this.madeMemo.set(k, null);
    const o = this.files.get(file)?.objects[id];
    let m: Made | null = (o?.ctor && this.frameworkClass(file, o.ctor)) || null;
    if (o?.inst) {
      // `new C(…)` of a project class (or a package's): a router only as a route collector (./jsCollectors)
      m = m?.collect ? m : null;
      this.madeMemo.set(k, m);
      return m;
    }
    if (!m && o?.ctor?.k === 'mem' && o.ctor.name === 'createApp') {
      // Hono `factory.createApp()` (./jsHono): a new app when the receiver is a `createFactory()`
      const b = this.resolve(file, o.ctor.base);
      if (b?.t === 'obj' && this.files.get(b.file)?.objects[b.id]?.factory) m = { framework: 'hono', kind: 'app' };
    }
    if (!m && o?.ctor?.k === 'imp' && o.framework === 'hono') {
      // `new Hono()` of a name a project module re-exports from the package (jsCalls.newRef)
      const x = this.packageOf(file, o.ctor);
      if (x && makesHonoApp(x.pkg, x.name)) m = { framework: 'hono', kind: 'app' };
    }
    let f = !m && o?.ctor ? this.resolve(file, o.ctor) : null;
    if (f?.t === 'ns') f = this.exportOf(f.file, 'default', 0);
    const decl = f?.t === 'fn' ? this.files.get(f.file)?.functions[f.id] : undefined;
    const ret = decl?.returns ? this.resolve(f!.file, decl.returns) : null;
    if (ret?.t === 'obj' && ret.file === f!.file) {
      const inner = this.files.get(ret.file)?.objects[ret.id];
      const r = decl!.range;
      const kind = inner ? this.baseOfApp(ret.file, ret.id) : null;
      if (inner && kind && inner.line >= r.start.line && inner.line <= r.end.line)
        m = { framework: kind.framework, kind: kind.kind, inner: ret };
    }
    // `const router = createRouter(__filename)` of a package (express-route-tracker): a router when an Express app mounts
    // it at a path (resolve.ts), never an HTTP client's
    const pkg = !m && !f && o?.ctor && this.files.get(file)?.language === 'javascript' ? this.packageOf(file, o.ctor) : null;
    if (pkg && !CLIENT_PKGS.has(pkg.pkg)) m = { framework: 'express', kind: 'router', pkg: true };
    this.madeMemo.set(k, m);
    return m;
  }

  /** An object's framework and kind; what Hono's `app.basePath('/api')` returns is an app when `app` is one (a factory
   *  returning `createRouter().basePath(BASE_PATH)` makes apps). */
  private baseOfApp(file: string, id: number): { framework: Framework; kind: 'app' | 'router' } | null {
    const d = this.objDecl(file, id);
    const base =
      d?.kind === 'router' ? this.files.get(file)?.mounts.find((m) => m.kind === 'base' && m.child.k === 'obj' && m.child.id === id) : null;
    const p = base ? this.resolve(file, base.parent) : null;
    return p?.t === 'obj' && this.objDecl(p.file, p.id)?.kind === 'app' ? { ...d!, kind: 'app' } : d;
  }

  /** Whether a mount's child is an instance of a project subclass of `Api` (a mount that holds only then: Mount.ifApi). */
  protected apiInstance(file: string, child: Ref): boolean {
    return child.k === 'obj' && !!this.made(file, child.id)?.api;
  }

  /** Framework and kind of an object (a project subclass's come from its framework base, a factory's from its object). */
  protected objDecl(file: string, id: number): { framework: Framework; kind: 'app' | 'router' } | null {
    const o = this.files.get(file)?.objects[id];
    if (!o) return null;
    return o.ctor ? this.made(file, id) : o;
  }

  protected handlerIsFunction(fa: FileAnalysis, r: RawRoute): boolean {
    if (!r.handler) return false;
    const e = this.resolve(fa.file, r.handler.ref);
    return e?.t === 'fn' || e?.t === 'cls';
  }

  /** The handler is data, not a function (./jsHttpClients isData): the call sends it, it registers nothing. */
  protected handlerIsData(fa: FileAnalysis, r: RawRoute): boolean {
    return !!r.handler && isData(this.files, this.resolve(fa.file, r.handler.ref));
  }

  private handlerEnt(fa: FileAnalysis, r: RawRoute, handlerFile?: string): Ent | null {
    const e = r.handler ? this.resolve(handlerFile ?? fa.file, r.handler.ref) : null;
    return e?.t === 'ns' ? this.exportOf(e.file, 'default', 0) : e;
  }

  /** A guard bound to a method (`app.get('/admin/*', adminMiddleware)`): its last handler passes the request on. */
  protected guardOnly(fa: FileAnalysis, r: RawRoute, fw: Framework): boolean {
    const e = this.handlerEnt(fa, r);
    return e?.t === 'fn' && passesOn(fw, this.files.get(e.file)?.functions[e.id]);
  }

  /** The handler function of a route (its definition, possibly in another module), else what the registration names;
   *  `given`: the one a call of the helper registering it passes (./perCall). */
  protected handlerOf(
    fa: FileAnalysis,
    r: RawRoute,
    handlerFile?: string,
    given?: Ent,
  ): Pick<Route, 'handlerFile' | 'handlerLine' | 'handlerName' | 'handlerRange'> {
    const fallback = { handlerFile: fa.file, handlerLine: r.handler?.line ?? r.line, handlerName: lastName(r.handler?.text ?? '') };
    if (!r.handler) return fallback;
    const e = given ?? this.handlerEnt(fa, r, handlerFile);
    if (e?.t === 'fn') {
      const f = this.files.get(e.file)?.functions[e.id];
      if (f)
        return {
          handlerFile: e.file,
          handlerLine: f.line,
          handlerName: r.handler.inline && !given ? r.handler.text || null : f.name,
          handlerRange: f.range,
        };
    }
    if (e?.t === 'cls') {
      const c = this.files.get(e.file)?.classes[e.id];
      if (c) return { handlerFile: e.file, handlerLine: c.line, handlerName: c.name };
    }
    return fallback;
  }
}
