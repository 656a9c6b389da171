/**
 * Cross-file half of the static string evaluator: a value the per-file analysis left symbolic (`Val.ref`, `Val.parts`)
 * is looked up the way a reader would — a constant of this or an imported module, a field of a settings class reached
 * through its instance or factory (`settings.API_V1_STR`, `get_settings().API_V1_STR`), a key of a configuration
 * object literal (`config.api.prefix`), a configuration key set in the code (`app.config["API_PREFIX"] = ...`,
 * NestJS `registerAs`, a plain factory `ConfigModule.forRoot({ load })` loads), or the string a helper's only caller
 * passes to its parameter. Configuration values keep where they came from (`src`). Pure.
 */
import type { FileAnalysis, ModId, Ref, Val } from './model';
import { configured, envCallVal } from './configValues';
import type { NameFns } from './folderLoops';
import { applyHelper } from './jsStrHelpers';
import { starGives, starLookupOrder } from './pyStar';
import { pyClassConst, pySelfClass } from './pyMethods';

/** What a reference resolves to across files (resolve.ts). */
export type Ent =
  | { t: 'obj'; file: string; id: number; /** a field a base class declares, as held by this subclass's instances */ of?: string }
  | { t: 'param'; file: string; fn: number; i: number; /** a property of it (`{ router } = options`) */ prop?: string }
  | { t: 'fn'; file: string; id: number; fp?: boolean }
  | { t: 'cls'; file: string; id: number }
  | { t: 'inst'; file: string; id: number }
  | { t: 'ns'; file: string }
  | { t: 'lit'; file: string; props: Record<string, Ref> };

export interface ValueContext {
  files: ReadonlyMap<string, FileAnalysis>;
  modFile(mod: ModId, from: string): string | null;
  resolve(file: string, ref: Ref): Ent | null;
  /** The string arguments the callers of function `fn` pass to its parameter `i` (one level of calls). */
  paramArgs(file: string, fn: number, i: number): { file: string; v: Val }[];
  /** The string helpers (./jsStrHelpers) the modules `file` imports export. */
  nameFns(file: string): NameFns;
  /** Property `name` of parameter `i` of function `fn` as what registers the function gives it (a plugin's
   *  `opts.prefix` @fastify/autoload sets: ./autoload autoloadOptions); null when not known that way. */
  pluginOption?(file: string, fn: number, i: number, name: string): Val | null;
}

type Str = { s: string; src?: string };

/** Class names whose fields are configuration (Flask `app.config.from_object(Config)`, settings classes). */
const CONFIG_CLASS = /config|settings/i;

export class Values {
  private cfgMemo = new Map<string, Str | null>();

  constructor(private readonly c: ValueContext) {}

  /** Why a constant an environment reader gives is not known (fileValue), for the reason of the value read through it. */
  private envWhy: string | null = null;

  /** Evaluates what the file's analysis left symbolic; `{ s }` when every part is known. */
  evalVal(file: string, v: Val): Val {
    const outer = this.envWhy;
    this.envWhy = null;
    try {
      const r = this.evalOnce(file, v);
      // `env.api.prefix` whose leaf is `parser.str('API_PREFIX')`: why that call gives no default
      return 's' in r || !this.envWhy ? r : { ...r, why: `${r.why} (${this.envWhy})` };
    } finally {
      this.envWhy = outer;
    }
  }

  private evalOnce(file: string, v: Val): Val {
    if ('s' in v) return v;
    if (v.ref?.k === 'strfn') return this.helperVal(file, v.ref, v.e) ?? v;
    if (v.ref?.k === 'env') return this.envCall(file, v.ref, v.e) ?? v;
    if (v.ref) {
      // a plugin's option its loader sets: known, or unknown for the loader's reason
      const o = this.optionOf(file, v.ref);
      if (o) return 's' in o ? o : { e: o.e, why: o.why };
      const c = this.constOf(file, v.ref, v.e);
      if (c) return c;
    }
    if (v.parts) {
      let out = '';
      let src: string | undefined;
      for (const p of v.parts) {
        if (typeof p === 'string') out += p;
        else {
          const c = this.constOf(file, p.ref, p.e);
          if (!c) return this.unknownField(file, v, p) ?? v;
          out += c.s;
          src ??= c.src;
        }
      }
      return src ? { s: out, src } : { s: out };
    }
    return v;
  }

  /** `/v1/${c.basePath}` where `c` is an instance (`new Seasons()`) whose field is no one string: which field of which
   *  class, in the reason; null for any other unknown part. */
  private unknownField(file: string, v: Extract<Val, { e: string }>, p: { e: string; ref: Ref }): Val | null {
    const base = p.ref.k === 'mem' ? p.ref.base : null;
    const inst = base?.k === 'inst' || (base?.k === 'obj' && !!this.c.files.get(file)?.objects[base.id]?.inst);
    const b = inst ? this.c.resolve(file, base!) : null;
    const cls = b?.t === 'inst' ? this.c.files.get(b.file)?.classes[b.id] : undefined;
    if (!cls || this.c.files.get(b!.file)?.language !== 'javascript') return null;
    const name = (p.ref as { name: string }).name;
    return { ...v, why: `${v.why} (\`${p.e}\`: field \`${name}\` of class \`${cls.name}\` holds no string known before run time)` };
  }

  private constOf(file: string, ref: Ref, text: string, depth = 0): Str | null {
    if (depth > 8) return null;
    switch (ref.k) {
      case 'imp': {
        const t = this.c.modFile(ref.mod, file);
        const fa = t ? this.c.files.get(t) : undefined;
        if (!fa) return null;
        const known = this.fileValue(fa, ref.name);
        if (known !== undefined) return known;
        const ex = fa.exports[ref.name];
        if (ex) return this.constOf(fa.file, ex, text, depth + 1);
        // a barrel: `export * from './constants'`, Python `from .constants import *`
        for (const mod of starLookupOrder(fa)) {
          const from = this.c.modFile(mod, fa.file);
          if (!from || !starGives(this.c.files.get(from), ref.name)) continue;
          const c = this.constOf(fa.file, { k: 'imp', mod, name: ref.name }, text, depth + 1);
          if (c) return c;
        }
        return null;
      }
      case 'mem':
        return this.memberConst(file, ref, text);
      case 'str':
        return { s: ref.s };
      case 'cfg':
        return this.configValue(ref.key, text);
      case 'strfn': {
        const v = this.helperVal(file, ref, text);
        return v && 's' in v ? v : null;
      }
      case 'env': {
        const v = this.envCall(file, ref, text);
        return v && 's' in v ? v : null;
      }
      case 'cond': {
        // `env.BASE_PATH ? `${env.BASE_PATH}/api/v1` : '/api/v1'` with the default of `env.BASE_PATH` known
        const t = this.evalVal(file, ref.test);
        if (!('s' in t)) return null;
        const b = this.evalVal(file, t.s ? ref.yes : ref.no);
        const src = t.src ?? ('s' in b ? b.src : undefined);
        return 's' in b ? (src ? { s: b.s, src } : { s: b.s }) : null;
      }
      case 'param': {
        const vals = this.c.paramArgs(file, ref.fn, ref.i).map((a) => this.evalVal(a.file, a.v));
        const first = vals[0];
        return first && 's' in first && vals.every((x) => 's' in x && x.s === first.s) ? first : null;
      }
      default:
        return null;
    }
  }

  /** `parser.str('API_PREFIX', 'api')` of an environment reader another module defines (FuncDecl.env): its default, or
   *  why not; null when the function is no reader (the call stays what it was). */
  private envCall(file: string, ref: Extract<Ref, { k: 'env' }>, text: string): Val | null {
    const f = this.envDepth < 4 ? this.c.resolve(file, ref.fn) : null; // a default given by such a call, a few deep
    const r = f?.t === 'fn' ? this.c.files.get(f.file)?.functions[f.id]?.env : undefined;
    if (!r) return null;
    this.envDepth++;
    try {
      const ev = (a: Val): Val => this.evalVal(file, a);
      const kw = ref.kw && Object.fromEntries(Object.entries(ref.kw).map(([k, a]) => [k, ev(a)]));
      return envCallVal(r, ref.args.map(ev), ref.env ?? [], text, kw);
    } finally {
      this.envDepth--;
    }
  }
  private envDepth = 0;

  /** Constant `k` of a module: a string, a string an environment reader another module defines gives (null when that
   *  call gives none, with why in envWhy), undefined when the module has no such constant. */
  private fileValue(fa: FileAnalysis, k: string): Str | null | undefined {
    if (k in fa.consts) return fileConst(fa, k);
    const d = fa.envConsts?.[k];
    if (!d || 's' in d) return undefined;
    const v = this.evalOnce(fa.file, d);
    if ('s' in v) return v;
    if (v.why !== d.why) this.envWhy ??= `\`${v.e}\`: ${v.why}`;
    return null;
  }

  /** `opts.prefix` of a function's options parameter, as what registers the function gives it (ValueContext.pluginOption). */
  private optionOf(file: string, ref: Ref): Val | null {
    return ref.k === 'mem' && ref.base.k === 'param' ? (this.c.pluginOption?.(file, ref.base.fn, ref.base.i, ref.name) ?? null) : null;
  }

  /** `strip(APP_CONFIG.BASE_API_PATH)`: the helper's body on its argument's value (or why not); null when the argument
   *  is unknown. */
  private helperVal(file: string, ref: Extract<Ref, { k: 'strfn' }>, text: string): Val | null {
    const a = this.evalVal(file, ref.arg);
    return 's' in a ? applyHelper(ref.x, a, text, this.c.nameFns(file)) : null;
  }

  /** `mod.NAME`, `settings.API_V1_STR`, `config.api.prefix` (a key path into an exported object literal). */
  private memberConst(file: string, ref: Extract<Ref, { k: 'mem' }>, text: string): Str | null {
    const opt = this.optionOf(file, ref);
    if (opt) return 's' in opt ? opt : null;
    if (ref.base.k === 'lit') {
      // `c.path` of an element `{ path: '/users', router }` of an imported table (callGraph.ts), or `{ path: paths.ADMIN }`
      const s = ref.base.strs?.[ref.name];
      const p = ref.base.props[ref.name];
      return s !== undefined ? { s } : p ? this.constOf(file, p, text) : null;
    }
    // `const env = loadAppEnv(process.env)` (what a project function returns), or that call in place
    const via = ref.base.k === 'obj' ? this.c.files.get(file)?.objects[ref.base.id]?.via : ref.base;
    const made = via?.k === 'ret' ? this.factoryConst(file, via, ref.name, text) : null;
    if (made) return made;
    const b0 = this.c.resolve(file, ref.base);
    // Python `self.base` / `cls.path` in a method: the class's attribute, its own or a base's (./pyMethods)
    const b = b0?.t === 'param' ? pySelfClass(this.c.files, b0) : b0;
    if (b?.t === 'inst' || b?.t === 'cls') {
      const cls = this.c.files.get(b.file)?.classes[b.id];
      const py = this.c.files.get(b.file)?.language === 'python';
      const c = py
        ? pyClassConst(this.c, { t: 'cls', file: b.file, id: b.id }, ref.name)
        : b.t === 'inst'
          ? this.instanceConst(b, ref.name)
          : cls?.consts?.[ref.name];
      if (c === undefined || c === null) return null;
      return CONFIG_CLASS.test(cls!.name) ? { s: c, src: configured(text, c) } : { s: c };
    }
    const names: string[] = [ref.name];
    let base: Ref = ref.base;
    while (base.k === 'mem' && names.length < 8) {
      names.unshift(base.name);
      base = base.base;
    }
    return this.objectConst(file, base, names, 0);
  }

  /**
   * The string a JS/TS instance holds in field `name` (`new Books().basePath`): what its class sets it to (a field
   * initializer, an assignment in a method, a getter returning a literal), else its nearest base's; a static field is no
   * instance's. Null when the nearest class that sets it sets something else (a non-literal, two different strings).
   */
  private instanceConst(c: { file: string; id: number }, name: string): string | null {
    let cur = c;
    for (let i = 0; i < 8; i++) {
      const decl = this.c.files.get(cur.file)?.classes[cur.id];
      if (!decl) return null;
      if (!decl.statics?.includes(name)) {
        if (decl.consts && Object.hasOwn(decl.consts, name)) return decl.consts[name]!;
        if ((decl.fields && Object.hasOwn(decl.fields, name)) || Object.hasOwn(decl.methods, name)) return null;
      }
      const sup = decl.supers?.[0];
      const s = sup ? this.c.resolve(cur.file, sup) : null;
      if (s?.t !== 'cls') return null;
      cur = s;
    }
    return null;
  }

  /** `env.BASE_PATH` of `const env = loadAppEnv(process.env)`: the key of the object literal a project factory returns
   *  (nest.ts `nestConfigFactories`), a configuration default when it is one. */
  private factoryConst(file: string, base: Extract<Ref, { k: 'ret' }>, name: string, text: string): Str | null {
    const f = this.c.resolve(file, base.callee);
    const fa = f?.t === 'fn' ? this.c.files.get(f.file) : undefined;
    const k = `fn#${f?.t === 'fn' ? f.id : -1}.${name}`;
    if (!fa || !(k in fa.consts)) return null;
    const s = fa.consts[k]!;
    return fa.constSrc?.[k] ? { s, src: configured(text, s) } : { s };
  }

  /** The string at key path `names` of an object literal or enum that `base` names (a module, or an exported constant). */
  private objectConst(file: string, base: Ref, names: string[], depth: number): Str | null {
    if (depth > 6) return null;
    const imp = base.k === 'imp' && base.name !== '*' && base.name !== 'cjs' ? base : null;
    const t = imp ? this.c.modFile(imp.mod, file) : null;
    const from = t && imp!.name !== 'default' ? this.c.files.get(t) : undefined;
    if (from && imp) {
      // import { ROUTES } from './paths'; ROUTES.users.list — or a re-export of it
      const known = this.fileValue(from, [imp.name, ...names].join('.'));
      if (known !== undefined) return known;
      let ex = from.exports[imp.name];
      const path = [...names];
      for (; ex?.k === 'mem' && path.length < 16; ex = ex.base) path.unshift(ex.name); // `export const { a: b } = imported`
      const imports = ex?.k === 'imp' ? [{ ref: ex, path }] : [];
      for (const mod of starLookupOrder(from)) {
        const star = this.c.modFile(mod, from.file);
        if (star && starGives(this.c.files.get(star), imp.name)) imports.push({ ref: { k: 'imp', mod, name: imp.name }, path: names });
      }
      for (const i of imports) {
        const c = this.objectConst(from.file, i.ref, i.path, depth + 1);
        if (c) return c;
      }
    }
    // a module (`import * as paths`, Python `from . import constants`), or a default-exported constant object
    const root = this.c.resolve(file, base);
    // `import schema from './home.schema'` where the default export is a constant object (`export default homeSchema`)
    const def = root?.t !== 'ns' && base.k === 'imp' && base.name === 'default' ? t : null;
    const fa = this.c.files.get(root?.t === 'ns' ? root.file : (def ?? ''));
    if (!fa) return null;
    for (const k of [names.join('.'), `default.${names.join('.')}`]) {
      const known = this.fileValue(fa, k);
      if (known !== undefined) return known;
    }
    // `route.schema.path` over a namespace import: its export `schema` is an import of another module's constant
    const ex = root?.t === 'ns' && names.length > 1 ? fa.exports[names[0]!] : undefined;
    return ex?.k === 'imp' ? this.objectConst(fa.file, ex, names.slice(1), depth + 1) : null;
  }

  /** A configuration key set in the code somewhere in the workspace, when it has exactly one value. */
  private configValue(key: string, text: string): Str | null {
    const memo = this.cfgMemo.get(key);
    if (memo !== undefined) return memo && { ...memo, src: memo.src ?? configured(text, memo.s) };
    const found: Str[] = [];
    for (const fa of this.c.files.values()) {
      if (`cfg:${key}` in fa.consts) found.push(fileConst(fa, `cfg:${key}`));
      for (const r of fa.configLoads ?? []) {
        // ConfigModule.forRoot({ load: [configuration] }): a key of a plain factory it loads (nest.ts)
        const e = this.c.resolve(fa.file, r);
        // or Flask `app.config.from_object('pkg.settings')`: a module-level name of that module (./pyConfigModules)
        const t = e?.t === 'fn' || e?.t === 'ns' ? this.c.files.get(e.file) : undefined;
        const k = e?.t === 'fn' ? `fn#${e.id}.${key}` : /^[A-Z][A-Z0-9_]*$/.test(key) ? key : '';
        if (t && k in t.consts) found.push(fileConst(t, k));
      }
      for (const cls of fa.classes) if (CONFIG_CLASS.test(cls.name) && cls.consts && key in cls.consts) found.push({ s: cls.consts[key]! });
    }
    const first = found[0];
    const v = first && found.every((f) => f.s === first.s) ? first : null;
    this.cfgMemo.set(key, v);
    return v && { ...v, src: v.src ?? configured(text, v.s) };
  }
}

function fileConst(fa: FileAnalysis, name: string): Str {
  const src = fa.constSrc?.[name];
  return src ? { s: fa.consts[name]!, src } : { s: fa.consts[name]! };
}
