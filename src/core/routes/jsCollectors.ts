/**
 * A project's own route-collection class: its instances collect route rows `{ method, url, handler }` and hand them to
 * the framework later (`new Route('/memory').addRoutes({ method: 'GET', url: '/x', handler }, …)`, then
 * `route.register(fastify)` calling `this.getRoutes().forEach((r) => fastify.route(r))`, or the app's own `for (const r
 * of route.routes) app[r.method.toLowerCase()](r.url, r.handler)`). Read from the class's syntax (collectorClass): the
 * methods storing each row they are given in an array field (`this.routes.push(row)`, over a rest or array parameter, or
 * the one row a method takes), the row's url joined after the instance's root (`path.join(this.rootUrl, url)`,
 * `` `${this.root}${url}` ``, `this.root + url`, or kept as it is), the root a constructor parameter (with its default) or
 * a string field, and the methods handing the array out (`getRoutes() { return this.routes }`).
 *
 * The rows passed to such a method (written in place, spread from a table, `this.addRoutes(…)` in a subclass's method)
 * are registered on the instance (./jsRouteDefs DefCall, FuncDecl.collects); the instance is a router (refs.ts made) and
 * a loop registering its array (or what a getter hands out) on a framework object mounts it there with its root as the
 * prefix (collectorMounts, resolve time; `this` in the class's method is each caller's receiver). An instance whose rows
 * nothing registers gives no route. Pure.
 */
import * as path from 'node:path';
import { lineOf, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { ClassDecl, FileAnalysis, Ref, RowCollector, Val } from './model';
import { TABLE_ROWS } from './common';
import type { Caller } from './callGraph';
import type { Ent } from './values';
import { enclosingLoop } from './jsRouteTables';
import { patternNames } from './jsPatterns';

/** Nodes of a method's body read at most (a larger method stores no rows this reader follows). */
const MAX_NODES = 3000;
/** Arguments of `new` and `super(…)` kept at most. */
const MAX_ARGS = 8;

/** A parameter as written: its name (null: a pattern), rest, its default, a TypeScript parameter property. */
type Param = { name: string | null; rest: boolean; dflt: Node | null; prop: boolean };

function paramsOf(fn: Node): Param[] {
  const ps = fn.childForFieldName('parameters');
  return (ps ? named(ps) : [])
    .filter((p) => p.type !== 'comment')
    .map((p) => {
      const ts = p.type === 'required_parameter' || p.type === 'optional_parameter';
      let q: Node | null = ts ? p.childForFieldName('pattern') : p;
      let dflt: Node | null = ts ? p.childForFieldName('value') : null;
      if (q?.type === 'assignment_pattern') [q, dflt] = [q.childForFieldName('left'), q.childForFieldName('right')];
      const rest = q?.type === 'rest_pattern';
      if (rest) q = named(q!)[0] ?? null;
      const prop = ts && p.children.some((c) => c?.type === 'accessibility_modifier' || c?.type === 'readonly');
      return { name: q?.type === 'identifier' ? q.text : null, rest, dflt, prop };
    });
}

const methodName = (m: Node): string => m.childForFieldName('name')?.text ?? '';

/** `this.<name>` → name. */
function thisField(n0: Node | null): string | null {
  const n = unwrapExpr(n0);
  if (n?.type !== 'member_expression' || n.childForFieldName('object')?.type !== 'this') return null;
  return n.childForFieldName('property')?.text ?? null;
}

/** The statements of a method's body (its top level). */
const stmts = (m: Node): Node[] => {
  const b = m.childForFieldName('body');
  return b ? named(b).filter((s) => s.type !== 'comment') : [];
};

/** How one method stores rows: in `list`, its url as the row's (`none`) or joined after the field `root`. */
interface Store {
  list: string;
  join: RowCollector['join'];
  root: string | null;
  unread?: string;
  line: number;
}

/** Reads of the row a method is given: its element (`r`, `{ method, url }`) or, with no loop, the parameter itself. */
interface RowCtx {
  /** The name the row is, when it is one name. */
  name: string | null;
  /** Names bound to one key of the row (`{ method, url: u }`). */
  keys: Map<string, string>;
  /** Local `const x = …` of the method, by name (the pushed object, the joined url). */
  locals: Map<string, Node>;
}

/** The key of the row `n` reads (`url`, `r.url`), or null. */
function rowKey(ctx: RowCtx, n0: Node | null): string | null {
  const n = unwrapExpr(n0);
  if (n?.type === 'identifier' || n?.type === 'shorthand_property_identifier') return ctx.keys.get(n.text) ?? null;
  if (n?.type !== 'member_expression') return null;
  const o = unwrapExpr(n.childForFieldName('object'));
  return o?.type === 'identifier' && o.text === ctx.name ? (n.childForFieldName('property')?.text ?? null) : null;
}

/** Whether `n` is the row itself. */
const isRow = (ctx: RowCtx, n: Node | null): boolean => {
  const u = unwrapExpr(n);
  return u?.type === 'identifier' && u.text === ctx.name;
};

/** A value of the pushed object carrying the row's key `k`: that key read, or a call given it (`wrap(handler)`). */
function carries(ctx: RowCtx, n: Node | null, k: string): boolean {
  const u = unwrapExpr(n);
  if (!u) return false;
  if (rowKey(ctx, u) === k) return true;
  const args = u.type === 'call_expression' ? u.childForFieldName('arguments') : null;
  return !!args && named(args).some((a) => rowKey(ctx, a) === k);
}

/** The url of the pushed object: the row's own, or joined after a field (`path.join(this.rootUrl, url)`). */
function urlForm(ctx: RowCtx, n0: Node | null, depth = 0): Pick<Store, 'join' | 'root' | 'unread'> {
  const n = unwrapExpr(n0);
  const unread = { join: 'none' as const, root: null, unread: (n0?.text ?? '').slice(0, 60) };
  if (!n) return unread;
  const k = rowKey(ctx, n);
  if (k === 'url' || k === 'path') return { join: 'none', root: null };
  const local = n.type === 'identifier' ? ctx.locals.get(n.text) : undefined;
  if (local && depth < 2) return urlForm(ctx, local, depth + 1);
  const isUrl = (x: Node | null | undefined): boolean => /^(?:url|path)$/.test(rowKey(ctx, x ?? null) ?? '');
  if (n.type === 'call_expression' && /^(?:(?:path\.)?(?:posix\.)?join)$/.test(n.childForFieldName('function')?.text ?? '')) {
    const a = named(n.childForFieldName('arguments') ?? n).filter((x) => x.type !== 'comment');
    const root = a.length === 2 ? thisField(a[0]!) : null;
    return root && isUrl(a[1]) ? { join: 'path', root } : unread;
  }
  if (n.type === 'template_string') {
    const subs = named(n).filter((x) => x.type === 'template_substitution');
    const lit = named(n).some((x) => x.type === 'string_fragment' || x.type === 'escape_sequence');
    const root = subs.length === 2 && !lit ? thisField(named(subs[0]!)[0] ?? null) : null;
    return root && isUrl(named(subs[1]!)[0]) ? { join: 'concat', root } : unread;
  }
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
    const root = thisField(n.childForFieldName('left'));
    return root && isUrl(n.childForFieldName('right')) ? { join: 'concat', root } : unread;
  }
  return unread;
}

/** The `const x = …` declarations of a method (its top level and the loop's callback), by name. */
function localsOf(scope: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  let count = 0;
  walk(scope, (x) => {
    if (++count > MAX_NODES) return false;
    if (x.type === 'variable_declarator') {
      const name = x.childForFieldName('name');
      const v = x.childForFieldName('value');
      if (name?.type === 'identifier' && v) out.set(name.text, v);
    }
    return true;
  });
  return out;
}

/** The row `push` stores in method `m` over its parameter `p` (see the top of this file), or null. */
function storeOf(m: Node, p: Param): Store | null {
  const body = m.childForFieldName('body');
  let push: Node | null = null;
  let count = 0;
  if (body)
    walk(body, (x) => {
      if (push || ++count > MAX_NODES) return false;
      const f = x.type === 'call_expression' ? x.childForFieldName('function') : null;
      if (f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'push' && thisField(f.childForFieldName('object')))
        push = x;
      return true;
    });
  if (!push || !p.name) return null;
  const call: Node = push;
  const list = thisField(call.childForFieldName('function')!.childForFieldName('object'))!;
  const argv = named(call.childForFieldName('arguments') ?? call).filter((a) => a.type !== 'comment');
  const arg = argv.length === 1 ? argv[0]! : null;
  const line = lineOf(call);
  if (!arg) return null;
  // `this.routes.push(...routes)`: every row as it is
  if (arg.type === 'spread_element')
    return unwrapExpr(named(arg)[0] ?? null)?.text === p.name ? { list, join: 'none', root: null, line } : null;
  const loop = enclosingLoop(call);
  const inM = !!loop && loop.scope.startIndex > m.startIndex && loop.scope.endIndex <= m.endIndex;
  const over = inM && unwrapExpr(loop!.seq)?.type === 'identifier' && unwrapExpr(loop!.seq)!.text === p.name;
  if (inM && !over) return null; // a loop over something else
  if (!over && p.rest) return null;
  const head = over ? loopHead(loop!.scope) : null;
  const ctx: RowCtx = { name: over ? (head?.type === 'identifier' ? head.text : null) : p.name, keys: new Map(), locals: localsOf(body!) };
  if (head?.type === 'object_pattern') for (const b of patternNames(head)) if (b.keys.length === 1) ctx.keys.set(b.name, b.keys[0]!);
  let v = unwrapExpr(arg);
  if (v?.type === 'identifier' && !isRow(ctx, v)) v = unwrapExpr(ctx.locals.get(v.text) ?? null);
  if (!v) return null;
  if (isRow(ctx, v)) return { list, join: 'none', root: null, line };
  if (v.type !== 'object') return null;
  const prop = (k: string): Node | null => {
    for (const x of named(v!)) {
      if (x.type === 'shorthand_property_identifier' && x.text === k) return x;
      if (x.type === 'pair' && x.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '') === k) return x.childForFieldName('value');
    }
    return null;
  };
  const spreads = named(v).some((x) => x.type === 'spread_element' && isRow(ctx, named(x)[0] ?? null));
  // the row's own method and handler (a method written here would not be the row's)
  const method = prop('method');
  const handler = prop('handler');
  if (method ? !carries(ctx, method, 'method') : !spreads) return null;
  if (handler ? !carries(ctx, handler, 'handler') : !spreads) return null;
  const url = prop('url') ?? prop('path');
  const form = url ? urlForm(ctx, url) : spreads ? { join: 'none' as const, root: null } : null;
  return form ? { list, ...form, line } : null;
}

/** The loop's element as written: the `for…of` variable or pattern, or the callback's first parameter. */
function loopHead(scope: Node): Node | null {
  if (scope.type === 'for_in_statement') return scope.childForFieldName('left');
  const bare = scope.childForFieldName('parameter');
  const p = bare ?? named(scope.childForFieldName('parameters') ?? scope).find((x) => x.type !== 'comment') ?? null;
  return p && /^(?:required|optional)_parameter$/.test(p.type) ? p.childForFieldName('pattern') : p;
}

/** `getRoutes() { return this.routes }`: the array field a method without parameters hands out, else null. */
function getterOf(m: Node): string | null {
  if (paramsOf(m).length) return null;
  const s = stmts(m);
  const r = s.length === 1 && s[0]!.type === 'return_statement' ? (named(s[0]!)[0] ?? null) : null;
  const arr = unwrapExpr(r);
  // `return [...this.routes]`
  const els = arr?.type === 'array' ? named(arr) : [];
  const copy = els.length === 1 && els[0]!.type === 'spread_element' ? (named(els[0]!)[0] ?? null) : null;
  return thisField(copy ?? r);
}

/** A string literal's text (no substitution), else undefined. */
const literal = (n: Node | null | undefined): string | undefined =>
  n?.type === 'string' || (n?.type === 'template_string' && !named(n).some((x) => x.type === 'template_substitution'))
    ? named(n)
        .filter((x) => x.type === 'string_fragment')
        .map((x) => x.text)
        .join('')
    : undefined;

/**
 * Where the root field comes from: a constructor parameter (a parameter property, `this.root = root`, `this.root = root
 * || '/'` with that fallback as its default), or a string field (`this.root = '/api'`, `root = '/api'`, none set in the
 * constructor); null when the constructor computes it otherwise.
 */
function rootOf(ctor: Node | null, field: string): RowCollector['root'] {
  const ps = ctor ? paramsOf(ctor) : [];
  const at = (i: number, fallback?: Node | null): RowCollector['root'] => {
    // the parameter's own default first (`root = '/a'` stays '/a' under `root || '/b'`)
    const d = ps[i]!.dflt;
    const s = d ? literal(d) : literal(fallback);
    return { arg: i, name: ps[i]!.name!, ...(s !== undefined ? { dflt: s } : {}) };
  };
  const own = ps.findIndex((p) => p.prop && p.name === field);
  if (own >= 0) return at(own);
  for (const s of ctor ? stmts(ctor) : []) {
    const a = s.type === 'expression_statement' ? unwrapExpr(named(s)[0] ?? null) : null;
    if (a?.type !== 'assignment_expression' || thisField(a.childForFieldName('left')) !== field) continue;
    let r = unwrapExpr(a.childForFieldName('right'));
    if (literal(r) !== undefined) return { field };
    const or = r?.type === 'binary_expression' && /^(?:\|\||\?\?)$/.test(r.childForFieldName('operator')?.text ?? '');
    const fallback = or ? unwrapExpr(r!.childForFieldName('right')) : null;
    if (or && literal(fallback) === undefined) return null;
    if (or) r = unwrapExpr(r!.childForFieldName('left'));
    const i = r?.type === 'identifier' ? ps.findIndex((p) => !p.rest && p.name === r!.text) : -1;
    return i >= 0 ? at(i, fallback) : null;
  }
  return { field };
}

/** `super(…)` at the top of a constructor: its arguments, by position. */
function superArgs(A: JsAnalyzer, ctor: Node): Record<string, Val> | null {
  for (const s of stmts(ctor)) {
    const c = s.type === 'expression_statement' ? unwrapExpr(named(s)[0] ?? null) : null;
    if (c?.type !== 'call_expression' || c.childForFieldName('function')?.type !== 'super') continue;
    const out: Record<string, Val> = {};
    named(c.childForFieldName('arguments') ?? c)
      .filter((a) => a.type !== 'comment')
      .slice(0, MAX_ARGS)
      .forEach((a, i) => {
        out[String(i)] = A.evalStr(a); // an unknown one too: the base gets it, not its default
      });
    return out;
  }
  return null;
}

/**
 * Reads class `cls` (ClassDecl `decl`): the `super(…)` arguments of its constructor, and whether it collects route rows
 * (ClassDecl.collect; its storing methods marked FuncDecl.registers `this` and collects).
 */
function collectorClass(A: JsAnalyzer, cls: Node, decl: ClassDecl): void {
  const body = cls.childForFieldName('body');
  const methods = body ? named(body).filter((m) => m.type === 'method_definition') : [];
  const ctor = methods.find((m) => methodName(m) === 'constructor') ?? null;
  const sup = ctor && cls.text.includes('super(') ? superArgs(A, ctor) : null;
  if (sup) decl.superArgs = sup;
  if (!body?.text.includes('.push(')) return;
  const stores: { m: Node; s: Store }[] = [];
  for (const m of methods) {
    const ps = paramsOf(m);
    const name = methodName(m);
    if (name === 'constructor' || ps.length !== 1 || m.children.some((c) => c?.type === 'static' || c?.type === 'get')) continue;
    const s = storeOf(m, ps[0]!);
    if (s) stores.push({ m, s });
  }
  const first = stores[0]?.s;
  if (!first) return;
  const same = stores.filter((x) => x.s.list === first.list);
  // methods storing one list differently: the url is not one the analysis reads
  const differ = same.some((x) => x.s.join !== first.join || x.s.root !== first.root || x.s.unread !== first.unread);
  const root = first.root ? rootOf(ctor, first.root) : null;
  const unread = differ
    ? 'the url its methods store in different ways'
    : first.root && !root
      ? `this.${first.root} (computed by its constructor)`
      : first.unread;
  decl.collect = {
    list: first.list,
    add: same.map((x) => methodName(x.m)),
    getters: methods.filter((m) => getterOf(m) === first.list).map(methodName),
    join: first.join,
    root,
    ...(unread !== undefined ? { unread } : {}),
    line: first.line,
  };
  for (const x of same) {
    const id = A.fnId(x.m);
    A.computeReturns(id); // `return this`: calls chain on (`group.add(a).add(b)`, ./jsRouteDefs)
    const f = A.fa.functions[id];
    if (f) Object.assign(f, { registers: 'this' as const, collects: true as const });
  }
}

/** The classes of a file read once their names are bound: those already met, and every one that stores into an array of
 *  `this` (a route collector, met or not). */
export function collectorClasses(A: JsAnalyzer): void {
  for (const n of A.classNodes) {
    const known = A.hasClass(n) || !!n.childForFieldName('body')?.text.includes('.push(');
    if (known) collectorClass(A, n, A.fa.classes[A.clsId(n)]!);
  }
}

/** `this` in a method of class `cls` (written at `at`) as an object standing for the instances (./pySelf selfInstances):
 *  the receiver of rows a method of the class or a subclass adds (`this.addRoutes({ … })`). */
export function selfObject(A: JsAnalyzer, at: Node, cls: number): Ref {
  let c: Node | null = at.parent;
  while (c && c.type !== 'class_declaration' && c.type !== 'class' && c.type !== 'abstract_class_declaration') c = c.parent;
  if (!c) return { k: 'self', cls };
  const r = A.objectAt(c, {
    framework: 'fastify',
    kind: 'router',
    name: 'this',
    prefix: () => null,
    ctor: { k: 'cls', id: cls },
    via: { k: 'self', cls },
  });
  if (r.k === 'obj') Object.assign(A.fa.objects[r.id]!, { self: true as const, inst: true as const });
  return r;
}

/** The arguments of `new C(…)` as strings (ObjDecl.args), by position (an unknown one too: the constructor gets it, not
 *  its default); null when none. */
export function newArgs(A: JsAnalyzer, argv: readonly Node[]): Record<string, Val> | null {
  const out: Record<string, Val> = {};
  argv.slice(0, MAX_ARGS).forEach((a, i) => (out[String(i)] = A.evalStr(a)));
  return Object.keys(out).length ? out : null;
}

/** Whether the value of `new …` at `n` is kept where a later call finds it again (a variable, a field, an export), or a
 *  method is called on it (`new HealthRoutes().register(app)`). */
export function keptNew(n: Node): boolean {
  let [c, p] = [n, n.parent];
  while (p && /^(?:parenthesized_expression|as_expression|satisfies_expression|non_null_expression)$/.test(p.type)) [c, p] = [p, p.parent];
  if (p?.type === 'member_expression' && p.childForFieldName('object')?.id === c.id) return p.parent?.type === 'call_expression';
  return !!p && /^(?:variable_declarator|assignment_expression|export_statement|public_field_definition|field_definition)$/.test(p.type);
}

// ---- resolve time --------------------------------------------------------------------------------

/** What the resolver lends collectorMounts. */
export interface CollectContext {
  files: ReadonlyMap<string, FileAnalysis>;
  resolve(file: string, r: Ref): Ent | null;
  evalVal(file: string, v: Val): Val;
  callers(file: string, fn: number): readonly Caller[];
  inCaller(c: Caller, file: string, fn: number, r: Ref): Ent | null;
  chainOf(file: string, r: Ref): Ref;
  /** Whether an object is an instance of a route collector (refs.ts made). */
  isCollector(file: string, id: number): boolean;
  rel(file: string): string;
}

/** A collector instance mounted where its rows are registered, with its root as the prefix. */
export interface CollectMount {
  child: Ent;
  parent: Ent;
  /** The root (null: none), joined with each row's url as the collector does (`path`: path.join, `concat`). */
  prefix: Val | null;
  join: 'path' | 'concat';
  file: string;
  line: number;
}

/** How deep a collector's subclasses are followed. */
const MAX_SUPERS = 8;

/** The method of class `cls` (its innermost) written around `line`, or -1. */
function methodAt(fa: FileAnalysis, cls: number, line: number): number {
  let best = -1;
  let size = Infinity;
  for (const id of Object.values(fa.classes[cls]?.methods ?? {})) {
    const r = fa.functions[id]?.range;
    if (!r || line < r.start.line || line > r.end.line || r.end.line - r.start.line >= size) continue;
    [best, size] = [id, r.end.line - r.start.line];
  }
  return best;
}

/**
 * Each registration of a collector's rows (see the top of this file): a loop registering its array, or what a getter
 * hands out, on a framework object (`register(fastify) { this.getRoutes().forEach((r) => fastify.route(r)) }` per call of
 * `register`, `for (const r of group.routes) app.route(r)`): a call of that array's rows (./jsRouteTables) made the
 * instance's mount under the object, with the instance's root as the prefix.
 */
export function collectorMounts(c: CollectContext): CollectMount[] {
  const out: CollectMount[] = [];
  for (const fa of c.files.values()) {
    if (fa.language !== 'javascript') continue;
    for (const e of fa.calls) {
      if (e.callee.k !== 'mem' || e.callee.name !== TABLE_ROWS || !e.args[0]) continue;
      const t = c.chainOf(fa.file, e.callee.base);
      const [x, name, getter] =
        t.k === 'mem'
          ? [t.base, t.name, false]
          : t.k === 'ret' && t.callee.k === 'mem'
            ? [t.callee.base, t.callee.name, true]
            : [null, '', false];
      if (!x) continue;
      const pairs: { child: Ent | null; parent: Ent | null; file: string; line: number }[] = [];
      const perCall = (fn: number, child: (cc: Caller) => Ent | null): void => {
        for (const cc of c.callers(fa.file, fn))
          pairs.push({ child: child(cc), parent: c.inCaller(cc, fa.file, fn, e.args[0]!), file: cc.from, line: cc.call.line });
      };
      const held = x.k === 'self' ? null : c.resolve(fa.file, x);
      if (x.k === 'self') {
        // in a method of the class: each call's receiver (`memoryRoute.register(fastify)`)
        const fn = methodAt(fa, x.cls, e.line);
        if (fn >= 0) perCall(fn, (cc) => (cc.call.callee.k === 'mem' ? c.resolve(cc.from, cc.call.callee.base) : null));
      } else if (held?.t === 'param' && held.prop === undefined && held.file === fa.file) {
        perCall(held.fn, (cc) => c.inCaller(cc, fa.file, held.fn, x));
      } else pairs.push({ child: held, parent: c.resolve(fa.file, e.args[0]), file: fa.file, line: e.line });
      for (const p of pairs) {
        const { child, parent } = p;
        if (child?.t !== 'obj' || !c.isCollector(child.file, child.id) || (parent?.t !== 'obj' && parent?.t !== 'param')) continue;
        const col = collectorOf(c, child);
        if (!col || !(getter ? col.decl.getters.includes(name) : col.decl.list === name)) continue;
        const join = col.decl.join === 'concat' ? 'concat' : 'path';
        out.push({ child, parent, prefix: rootPrefix(c, col), join, file: p.file, line: p.line });
      }
    }
  }
  return out;
}

/** An argument of `new`, where it is written. */
type ArgAt = { file: string; v: Val };

/** The collector class of an instance: its declaration, where it is, the constructor arguments it gets through the
 *  subclasses' `super(…)` calls, and the classes from the instance's own up to it (string fields, nearest first). */
interface CollectorAt {
  decl: RowCollector;
  name: string;
  file: string;
  args: Record<string, ArgAt>;
  chain: { file: string; decl: ClassDecl }[];
}

function collectorOf(c: CollectContext, o: Ent & { t: 'obj' }): CollectorAt | null {
  const obj = c.files.get(o.file)?.objects[o.id];
  let cur = obj?.ctor ? c.resolve(o.file, obj.ctor) : null;
  let args: Record<string, ArgAt> = Object.fromEntries(Object.entries(obj?.args ?? {}).map(([k, v]) => [k, { file: o.file, v }]));
  const chain: CollectorAt['chain'] = [];
  for (let i = 0; i < MAX_SUPERS && cur?.t === 'cls'; i++) {
    const decl = c.files.get(cur.file)?.classes[cur.id];
    if (!decl) return null;
    chain.push({ file: cur.file, decl });
    if (decl.collect) return { decl: decl.collect, name: decl.name, file: cur.file, args, chain };
    const ctor = Object.hasOwn(decl.methods, 'constructor') ? decl.methods['constructor'] : undefined;
    if (ctor !== undefined) {
      // `super('/')`, `super(root)`: what the base's constructor gets
      const next: Record<string, ArgAt> = {};
      for (const [k, v] of Object.entries(decl.superArgs ?? {})) {
        const a = superArg(c, cur.file, ctor, v, args);
        if (a) next[k] = a;
      }
      args = next;
    }
    const sup = decl.supers?.[0];
    cur = sup ? c.resolve(cur.file, sup) : null;
  }
  return null;
}

/** What `super(…)` passes at one position, given what the subclass's constructor `ctor` got (`args`): an argument passed
 *  on (`super(base)`; none when it got none), or a string built from some (`` super(`${base}/items`) ``). */
function superArg(c: CollectContext, file: string, ctor: number, v: Val, args: Record<string, ArgAt>): ArgAt | undefined {
  const own = (r: Ref | undefined): number => (r?.k === 'param' && r.fn === ctor ? r.i : -1);
  if ('s' in v) return { file, v };
  if (own(v.ref) >= 0) return args[String(own(v.ref))];
  if (!v.parts?.some((p) => typeof p !== 'string' && own(p.ref) >= 0)) return { file, v };
  let s = '';
  for (const p of v.parts) {
    const a =
      typeof p === 'string' ? null : own(p.ref) >= 0 ? args[String(own(p.ref))] : { file, v: { e: p.e, why: 'variable', ref: p.ref } };
    const x = typeof p === 'string' ? { s: p } : a ? c.evalVal(a.file, a.v) : null;
    if (!x || !('s' in x)) return { file, v: x ?? { e: v.e, why: `${v.why} (a constructor argument not passed)` } };
    s += x.s;
  }
  return { file, v: { s } };
}

/** The prefix an instance's root gives its rows (null: the rows' urls as they are). */
function rootPrefix(c: CollectContext, col: CollectorAt): Val | null {
  const { decl } = col;
  const of = `the route collector \`${col.name}\` (${c.rel(col.file)}:${decl.line})`;
  if (decl.unread !== undefined) return { e: decl.unread, why: `url ${of} stores, which the analysis cannot read` };
  if (decl.join === 'none' || !decl.root) return null;
  let v: Val;
  const root = decl.root;
  if ('arg' in root) {
    const a = col.args[String(root.arg)];
    v = a
      ? c.evalVal(a.file, a.v)
      : root.dflt !== undefined
        ? { s: root.dflt }
        : { e: root.name, why: `root of ${of} that this instance is given no string for` };
  } else {
    const s = col.chain.map((k) => k.decl.consts?.[root.field]).find((x) => x !== undefined);
    v = s !== undefined ? { s } : { e: `this.${root.field}`, why: `root of ${of} held by a field with no string known before run time` };
  }
  return v;
}

/** A row's url after a collector's root, joined as the collector joins them (`path.posix.join`, or concatenated). */
export function collectorPath(join: 'path' | 'concat', root: string, url: string): string {
  return join === 'concat' ? root + url : path.posix.join(root, url);
}
