/**
 * NestJS route decorators a project defines (`@ApiRoute(routes.list, { guards })`): a function that applies Nest's
 * `RequestMapping(config)` — also as `RequestMapping({ path: config.path, method: config.method })`, inside
 * `applyDecorators(…)`, or `Get(config.path)` — to what its parameter holds (FuncDecl.nestMapping), called on a
 * controller method with a configuration read from a module constant object (`ROUTES.users.list`, or `routes.list` of
 * `const routes = getRouteConfig('users')` whose function returns `routeConfig[name]`: FuncDecl.keyed). The resolver
 * reads its path and method there (`RequestMethod.POST`, a string; none: GET, as Nest's default); a configuration it
 * cannot read gives no route unless the function fixes the method, then one whose path is unknown. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip, toMethod } from './common';
import type { JsAnalyzer } from './javascript';
import type { DecoArg, FileAnalysis, FuncDecl, RawRoute, Ref, Val } from './model';
import type { Ent } from './values';
import type { HttpMethod } from './types';
import { patternNames } from './jsPatterns';
import { MAX_ELEMENTS } from './loops';

/** Nest's method decorators of `@nestjs/common` and the method each registers. */
export const NEST_METHODS: Record<string, HttpMethod> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  Options: 'OPTIONS',
  All: 'ALL',
  // server-sent events: Nest registers a GET route that streams
  Sse: 'GET',
};

/** The mapping decorators a project's own decorator may apply: the method each fixes (RequestMapping: the one it is given). */
const MAPPERS: Record<string, HttpMethod | null> = { RequestMapping: null, ...NEST_METHODS };

const MAX_KEYS = 8;

/** The same node (nodes are objects made per access). */
function same(a: Node, b: Node): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** A member chain's base and the keys it reads (`config.a.path` → config, ['a', 'path']); null when a key is computed. */
function memberKeys(n: Node | null): { base: Node | null; keys: string[] } | null {
  const keys: string[] = [];
  let u = unwrapExpr(n);
  while (u?.type === 'member_expression' && keys.length < MAX_KEYS) {
    const p = u.childForFieldName('property');
    if (p?.type !== 'property_identifier') return null;
    keys.unshift(p.text);
    u = unwrapExpr(u.childForFieldName('object'));
  }
  return { base: u, keys };
}

/** A parameter of an enclosing function and the keys read of it (`config.path` → config, ['path']). */
function paramKeys(n: Node | null): { fn: Node; i: number; keys: string[] } | null {
  const m = memberKeys(n);
  const u = m?.base;
  if (u?.type !== 'identifier') return null;
  const keys = m!.keys;
  for (let p = u.parent, depth = 0; p && depth < 40; p = p.parent, depth++) {
    if (!JS_FUNCTION_TYPES.has(p.type)) continue;
    const i = jsParamNames(p).indexOf(u.text);
    if (i >= 0) return { fn: p, i, keys };
  }
  return null;
}

/** The method a `method:` of RequestMapping's options gives: `RequestMethod.POST`, or read of the parameter
 *  (`config.method`, `RequestMethod[config.method ?? 'GET']`). */
function methodOf(n: Node): HttpMethod | { fn: Node; i: number; keys: string[] } | null {
  const u = unwrapExpr(n);
  const fixed = /^RequestMethod\.([A-Z]+)$/.exec(u?.text ?? '');
  if (fixed) return toMethod(fixed[1]!);
  let x =
    u?.type === 'subscript_expression' && /^RequestMethod$/.test(u.childForFieldName('object')?.text ?? '')
      ? unwrapExpr(u.childForFieldName('index'))
      : u;
  if (x?.type === 'binary_expression' && /^(?:\?\?|\|\|)$/.test(x.childForFieldName('operator')?.text ?? ''))
    x = x.childForFieldName('left');
  return paramKeys(x);
}

/** A call of Nest's `RequestMapping` / `Get` / … that is no decorator itself, in a function that maps its parameter
 *  with it: that function's FuncDecl.nestMapping. */
export function nestMappingCall(A: JsAnalyzer, n: Node): void {
  const fn = n.childForFieldName('function');
  const argv = named(n.childForFieldName('arguments')!);
  if (fn?.text === 'Controller') return nestControllerCall(A, n, argv);
  if (fn?.type !== 'identifier' || !Object.hasOwn(MAPPERS, fn.text) || n.parent?.type === 'decorator') return;
  const r = A.lookup(fn.text, fn);
  if (r?.k !== 'imp' || r.mod !== 'pkg:@nestjs/common' || r.name !== fn.text) return;
  const fixed = MAPPERS[fn.text]!;
  const a = unwrapExpr(argv[0] ?? null);
  let found: { fn: Node; i: number; path: string[] | null; method: string[] | HttpMethod } | null = null;
  if (fixed) {
    const p = a ? paramKeys(a) : null;
    if (p) found = { fn: p.fn, i: p.i, path: p.keys, method: fixed };
  } else if (a?.type === 'object') {
    const pn = A.prop(a, 'path');
    const mn = A.prop(a, 'method');
    const p = pn ? paramKeys(pn) : null;
    const m = mn ? methodOf(mn) : 'GET';
    const owner = p ?? (m && typeof m === 'object' ? m : null);
    if (!owner || !m || (pn && !p) || (typeof m === 'object' && (!same(m.fn, owner.fn) || m.i !== owner.i))) return;
    found = { fn: owner.fn, i: owner.i, path: p ? p.keys : null, method: typeof m === 'object' ? m.keys : m };
  } else {
    const p = a ? paramKeys(a) : null; // RequestMapping(config): its own `path` and `method`
    if (p) found = { fn: p.fn, i: p.i, path: [...p.keys, 'path'], method: [...p.keys, 'method'] };
  }
  if (!found) return;
  const F = A.fa.functions[A.fnId(found.fn)];
  if (!F) return;
  const m: NonNullable<FuncDecl['nestMapping']> = { i: found.i, path: found.path, method: found.method };
  const had = F.nestMapping;
  if (!had) F.nestMapping = m;
  else if (had.i !== m.i || had.path?.join('.') !== m.path?.join('.') || typeof had.method !== typeof m.method) F.nestMapping = undefined;
  else if (typeof had.method === 'string' && had.method !== m.method) {
    // `Get(config.path)` or `Post(config.path)` chosen by the configuration's method
    const at = m.path?.slice(0, -1);
    F.nestMapping = at && m.path?.length ? { ...had, method: [...at, 'method'] } : undefined;
  }
}

/** A call of Nest's `Controller` that is no decorator itself (`applyDecorators(Controller(name), ApiTags(name))`), with
 *  the function's parameter or a fixed path: that function's FuncDecl.nestController (a project controller decorator). */
function nestControllerCall(A: JsAnalyzer, n: Node, argv: readonly Node[]): void {
  const fn = n.childForFieldName('function')!;
  const r = A.lookup(fn.text, fn);
  if (n.parent?.type === 'decorator' || r?.k !== 'imp' || r.mod !== 'pkg:@nestjs/common' || r.name !== 'Controller') return;
  const a = unwrapExpr(argv[0] ?? null);
  const p = a ? paramKeys(a) : null;
  const fixed = a ? A.evalStr(a) : { s: '' };
  const owner = p && !p.keys.length ? p.fn : null;
  let f: Node | null = owner;
  for (let q = n.parent; !f && q; q = q.parent) if (JS_FUNCTION_TYPES.has(q.type)) f = q;
  const F = f ? A.fa.functions[A.fnId(f)] : undefined;
  if (!F) return;
  const m = owner ? { i: p!.i } : 's' in fixed ? { path: fixed.s } : undefined;
  F.nestController = F.nestController && JSON.stringify(F.nestController) !== JSON.stringify(m) ? undefined : m;
}

/** A decorator calling a project function (not one of Nest's): the function and its first arguments, else null. */
function projectCall(A: JsAnalyzer, d: Node): { callee: Ref; argv: Node[] } | null {
  const call = named(d)[0];
  const f = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (f?.type !== 'identifier') return null;
  const r = A.lookup(f.text, f);
  // an import of a bare name may be a path alias (`@api/decorators`): the resolver tells
  if (!r || (r.k === 'imp' && r.mod.startsWith('pkg:@nestjs/')) || (r.k !== 'imp' && r.k !== 'fn')) return null;
  return { callee: r, argv: named(call!.childForFieldName('arguments')!).slice(0, 3) };
}

/** A class decorator calling a project function (`@ControllerInit('courses')`): a controller when that function applies
 *  Nest's `Controller` (read by the resolver: controllerPaths). */
export function controllerDecorator(A: JsAnalyzer, d: Node): { callee: Ref; args: Val[] } | null {
  const c = projectCall(A, d);
  return c && { callee: c.callee, args: c.argv.map((a) => A.evalStr(a)) };
}

/** The controller paths a project controller decorator gives (NestInfo.ctrlDeco); null when its function applies no
 *  `Controller` (the class is no controller), unknown when the function cannot be read. */
export function controllerPaths(c: DecoContext, file: string, deco: { callee: Ref; args: Val[] }, text: string): Val[] | null {
  const f = c.resolve(file, deco.callee);
  if (f?.t !== 'fn') return [{ e: text, why: 'controller decorator this analysis does not read' }];
  const m = c.files.get(f.file)?.functions[f.id]?.nestController;
  if (!m) return null;
  if ('path' in m) return [{ s: m.path }];
  const arg = deco.args[m.i];
  return [arg ? c.evalVal(file, arg) : { s: '' }];
}

/** The keys into a module constant object an expression reads: `routeConfig[name].routes` → ['routeConfig', 0,
 *  'routes'] (0: the function's first parameter); a `const` of the function is followed. */
function keysOf(A: JsAnalyzer, fn: Node, n: Node | null, depth: number): (string | number)[] | null {
  const u = unwrapExpr(n);
  if (!u || depth > 6) return null;
  if (u.type === 'member_expression') {
    const p = u.childForFieldName('property');
    const b = p?.type === 'property_identifier' ? keysOf(A, fn, u.childForFieldName('object'), depth + 1) : null;
    return b && [...b, p!.text];
  }
  if (u.type === 'subscript_expression') {
    const b = keysOf(A, fn, u.childForFieldName('object'), depth + 1);
    const ix = unwrapExpr(u.childForFieldName('index'));
    const i = ix?.type === 'identifier' ? jsParamNames(fn).indexOf(ix.text) : -1;
    const s = ix?.type === 'string' ? A.evalStr(ix) : null;
    return b && (i >= 0 ? [...b, i] : s && 's' in s ? [...b, s.s] : null);
  }
  if (u.type !== 'identifier' && u.type !== 'shorthand_property_identifier') return null;
  const decl = A.soleDeclarator(u.text, u);
  const v = unwrapExpr(decl?.childForFieldName('value') ?? null);
  if (!decl || decl.childForFieldName('name')?.type !== 'identifier' || !v) return null;
  let inFn = false;
  for (let p = decl.parent; p && !inFn; p = p.parent) inFn = same(p, fn);
  if (inFn) return keysOf(A, fn, v, depth + 1);
  return v.type === 'object' ? [u.text] : null;
}

/** FuncDecl.keyed of each function of the file that returns keys into a module constant object (`return
 *  routeConfig[name]`, or `return { path, routes }` of `const routes = routeConfig[key].routes`). */
export function keyedReturns(A: JsAnalyzer): void {
  for (const F of A.fa.functions) {
    const fn = A.fnNode(F.id);
    if (!fn || fn.text.length > 4000 || !fn.text.includes('[') || !jsParamNames(fn).length) continue;
    const ret = unwrapExpr(A.returnedExpr(fn) ?? null);
    if (!ret) continue;
    const keyed: Record<string, (string | number)[]> = {};
    if (ret.type === 'object') {
      for (const p of named(ret)) {
        const key = p.type === 'pair' ? p.childForFieldName('key') : p.type === 'shorthand_property_identifier' ? p : null;
        const ks = key ? keysOf(A, fn, p.type === 'pair' ? p.childForFieldName('value') : p, 0) : null;
        if (key && ks?.some((k) => typeof k === 'number')) keyed[key.text] = ks;
      }
    } else {
      const ks = keysOf(A, fn, ret, 0);
      if (ks?.some((k) => typeof k === 'number')) keyed[''] = ks;
    }
    if (Object.keys(keyed).length) F.keyed = keyed;
  }
}

/** The configuration argument of a decorator call as keys into a constant (see DecoArg). */
export function decoArg(A: JsAnalyzer, n: Node | null, depth = 0): DecoArg {
  const e = { e: clip(n?.text ?? '') };
  const m = memberKeys(n);
  if (!m) return e;
  const { base: u, keys } = m;
  if ((u?.type !== 'identifier' && u?.type !== 'shorthand_property_identifier') || depth > 4) return e;
  const decl = A.soleDeclarator(u.text, u);
  if (!decl) {
    const r = A.lookup(u.text, u);
    return r?.k === 'imp' && r.name !== '*' && r.name !== 'cjs' ? { name: r.name, mod: r.mod, keys } : e;
  }
  const pat = decl.childForFieldName('name');
  const v = unwrapExpr(decl.childForFieldName('value'));
  if (pat?.type === 'object_pattern') {
    const b = patternNames(pat).find((x) => x.name === u!.text);
    if (!b) return e;
    keys.unshift(...b.keys);
  } else if (pat?.type !== 'identifier') return e;
  // an object of route paths, or an array of them (`const PROBES = ['/live', '/ready'] as const`)
  if ((v?.type === 'object' || v?.type === 'array') && pat?.type === 'identifier') return { name: u.text, keys };
  if (v?.type === 'call_expression') {
    const f = v.childForFieldName('function');
    const args = named(v.childForFieldName('arguments')!).map((a) => (a.type === 'string' ? A.evalStr(a) : null));
    if (f?.type !== 'identifier' || args.some((a) => !a || !('s' in a))) return e;
    return { call: A.refOf(f), args: args.map((a) => (a as { s: string }).s), keys };
  }
  if (v?.type === 'identifier' || v?.type === 'member_expression') {
    const inner = decoArg(A, v, depth + 1);
    return 'keys' in inner ? { ...inner, keys: [...inner.keys, ...keys] } : e;
  }
  return e;
}

/** `@ApiRoute(routes.list, {…})` on a controller method: a call of a project function with arguments, else null. */
export function projectDecorator(A: JsAnalyzer, d: Node): { callee: Ref; args: DecoArg[] } | null {
  const c = projectCall(A, d);
  return c?.argv.length ? { callee: c.callee, args: c.argv.map((a) => decoArg(A, a)) } : null;
}

/** What the resolver gives this module. */
export interface DecoContext {
  files: ReadonlyMap<string, FileAnalysis>;
  resolve(file: string, ref: Ref): Ent | null;
  evalVal(file: string, v: Val): Val;
}

/** The constant object a DecoArg names: its file and key (`routeConfig.users.routes.list`), or null. */
function target(c: DecoContext, file: string, a: DecoArg, depth = 0): { fa: FileAnalysis; key: string } | null {
  if ('e' in a || depth > 4) return null;
  if ('call' in a) {
    const f = c.resolve(file, a.call);
    const keyed = f?.t === 'fn' ? c.files.get(f.file)?.functions[f.id]?.keyed : undefined;
    const base = keyed?.[''] ?? (a.keys[0] !== undefined ? keyed?.[a.keys[0]] : undefined);
    if (!base) return null;
    const rest = keyed![''] ? a.keys : a.keys.slice(1);
    const ks = base.map((k) => (typeof k === 'number' ? a.args[k] : k));
    return ks.every((k) => k !== undefined) ? { fa: c.files.get((f as { file: string }).file)!, key: [...ks, ...rest].join('.') } : null;
  }
  const ns = a.mod ? c.resolve(file, { k: 'imp', mod: a.mod, name: '*' }) : null;
  const fa = c.files.get(a.mod ? (ns?.t === 'ns' ? ns.file : '') : file);
  if (!fa) return null;
  const ex = a.mod ? fa.exports[a.name] : undefined;
  if (ex?.k === 'imp') return target(c, fa.file, { name: ex.name, mod: ex.mod, keys: a.keys }, depth + 1);
  const key = [a.name, ...a.keys].join('.');
  if (known(fa, key) || Object.hasOwn(fa.arrays ?? {}, key)) return { fa, key };
  for (const mod of fa.starExports) {
    const t = target(c, fa.file, { name: a.name, mod, keys: a.keys }, depth + 1);
    if (t) return t;
  }
  return null;
}

/** Some key below `key` is written in the file's constants. */
function known(fa: FileAnalysis, key: string): boolean {
  const p = `${key}.`;
  const has = (ks: Iterable<string>): boolean => {
    for (const k of ks) if (k.startsWith(p)) return true;
    return false;
  };
  return has(Object.keys(fa.consts)) || has(Object.keys(fa.arrays ?? {})) || has(fa.opaque ?? []);
}

/** The paths a constant gives at `key`: a string, or each element of an array, an element that is no constant string
 *  unknown (`text[i]`); null when it is neither (an array with spread elements too). */
function pathsAt(c: DecoContext, fa: FileAnalysis, key: string, text: string): Val[] | null {
  if (Object.hasOwn(fa.consts, key)) return [{ s: fa.consts[key]! }];
  const arr = fa.arrays?.[key];
  if (!arr?.length || fa.arraySpreads?.[key]) return null;
  return arr.slice(0, MAX_ELEMENTS).map((r, i): Val => {
    const e = `${text}[${i}]`;
    const v = r.k === 'str' ? { s: r.s } : c.evalVal(fa.file, { e, why: 'variable', ref: r });
    return 's' in v ? v : { e, why: 'non-constant array element' };
  });
}

/** The routes of a project route decorator's call (NestInfo.deco): one per path it configures, with its method; none
 *  when the decorator applies no RequestMapping, or its method cannot be read. */
export function decoratedRoutes(c: DecoContext, file: string, r: RawRoute): RawRoute[] {
  const deco = r.nest?.deco;
  const f = deco ? c.resolve(file, deco.callee) : null;
  const m = f?.t === 'fn' ? c.files.get(f.file)?.functions[f.id]?.nestMapping : undefined;
  const arg = m ? deco!.args[m.i] : undefined;
  if (!m || !arg) return [];
  const t = target(c, file, arg);
  const text = 'e' in arg ? arg.e : 'e' in r.path ? r.path.e : '';
  let method: HttpMethod | null = typeof m.method === 'string' ? m.method : null;
  if (typeof m.method !== 'string' && t) {
    const k = [t.key, ...m.method].join('.');
    method = k in t.fa.consts ? toMethod(t.fa.consts[k]!) : t.fa.opaque?.includes(k) ? null : 'GET';
  }
  if (!method) return [];
  const unread: Val = { e: text, why: 'route configuration this analysis does not read' };
  const pk = t && m.path ? [t.key, ...m.path].join('.') : null;
  const paths: Val[] = !t
    ? [unread]
    : !pk
      ? [{ s: '' }]
      : (pathsAt(c, t.fa, pk, pk) ?? (t.fa.opaque?.includes(pk) || known(t.fa, pk) ? [unread] : [{ s: '' }]));
  const nest = { ...r.nest! };
  delete nest.deco;
  return paths.map((p) => ({ ...r, methods: [method], path: p, nest }));
}

/** The paths a constant gives (NestInfo.ctrlArg, NestInfo.pathArg, see pathsAt), or null when it cannot be read. */
export function configPaths(c: DecoContext, file: string, a: DecoArg): Val[] | null {
  const t = target(c, file, a);
  return t && pathsAt(c, t.fa, t.key, 'e' in a ? a.e : 'call' in a ? t.key : [a.name, ...a.keys].join('.'));
}

/** A NestJS route whose path names a constant array (NestInfo.pathArg): one route per element; null when its path is
 *  no such array. */
export function elementRoutes(c: DecoContext, file: string, r: RawRoute): RawRoute[] | null {
  const paths = r.nest?.pathArg ? configPaths(c, file, r.nest.pathArg) : null;
  if (!paths) return null;
  const nest = { ...r.nest! };
  delete nest.pathArg;
  return paths.map((p) => ({ ...r, path: p, nest }));
}
