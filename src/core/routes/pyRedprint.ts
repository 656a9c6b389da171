/**
 * Flask "redprints": a project class whose `route` decorator only stores each view with its rule and options
 * (`self.mound.append((f, rule, options))`, a tuple or a dict) and whose registration method replays them on the
 * blueprint it is given (`for f, rule, options in self.mound: bp.add_url_rule(url_prefix + rule, …, f, **options)`).
 *
 * The analysis (classReplay) reads such a class from its syntax: the stored list, the registration method, which of its
 * parameters is the blueprint and which the prefix, and the prefix it falls back to (`'/' + self.name`, `self.name` a
 * constructor parameter; `if url_prefix is None: url_prefix = …` or `url_prefix or …`). Its instances are then Flask
 * routers (refs.ts made), the `@api.route(…)` decorators on them their routes, and each call of the registration method
 * mounts the instance under the blueprint with that call's prefix (redprintMounts). The generic `add_url_rule` of the
 * registration method is no route of its own. Anything not read as above leaves the class alone. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { clip } from './common';
import { pyArgs, pyParamNames } from '../parsing/python';
import type { ClassDecl, FileAnalysis, Val } from './model';
import type { ResourceContext } from './pyResourceRoutes';
import type { PyAnalyzer } from './python';
import type { Ent } from './values';

export type RuleReplay = NonNullable<ClassDecl['replay']>;
type Role = 'f' | 'rule' | 'opts';
/** How deep the statements of a method are searched (an `if`, a `for`, a `try` around the replay). */
const MAX_NEST = 4;
const MAX_PARTS = 8;

const defOf = (c: Node): Node | null => {
  const d = c.type === 'decorated_definition' ? c.childForFieldName('definition') : c;
  return d?.type === 'function_definition' ? d : null;
};
const stmts = (fn: Node): readonly Node[] => {
  const b = fn.childForFieldName('body');
  return b ? named(b) : [];
};
/** Every statement of `list`, those of nested blocks too (`if`, `for`, `try`, `with`; bounded), in source order. */
function allStmts(list: readonly Node[], depth = 0): Node[] {
  const out: Node[] = [];
  for (const s of list) {
    out.push(s);
    if (depth >= MAX_NEST) continue;
    for (const c of named(s)) {
      const blocks = c.type === 'block' ? [c] : c.type.endsWith('_clause') ? named(c).filter((x) => x.type === 'block') : [];
      for (const b of blocks) out.push(...allStmts(named(b), depth + 1));
    }
  }
  return out;
}
const exprOf = (s: Node): Node | null => (s.type === 'expression_statement' ? (named(s)[0] ?? null) : null);
const unparen = (n: Node | null | undefined): Node | null => (n?.type === 'parenthesized_expression' ? unparen(named(n)[0]) : (n ?? null));
/** `self.<name>` → name. */
const selfAttr = (n: Node | null, self: string): string | null =>
  n?.type === 'attribute' && n.childForFieldName('object')?.text === self ? (n.childForFieldName('attribute')?.text ?? null) : null;
const strText = (n: Node): string | null => {
  if (n.type !== 'string' || named(n).some((c) => c.type === 'interpolation')) return null;
  const c = named(n).filter((x) => x.type === 'string_content');
  return /^[rRuU]?['"]/.test(n.text) ? c.map((x) => x.text).join('') : null;
};

/** The route method: `def route(self, rule, **options): def decorator(f): self.<list>.append(<row>); return f; return
 *  decorator`. The list and where the row keeps the view, the rule and the options. */
function storeOf(fn: Node): { list: string; roles: Map<string, Role>; opts: boolean } | null {
  const ps = pyParamNames(fn, true);
  const rest = named(fn.childForFieldName('parameters')!).find((p) => p.type === 'dictionary_splat_pattern');
  const [self, rule] = ps;
  if (!self || !rule || ps.length > 3 || (ps.length === 3 && !rest)) return null;
  const opts = rest ? (named(rest)[0]?.text ?? null) : null;
  const body = stmts(fn);
  const inner = body.map(defOf).find((d) => !!d);
  const ret = body.find((s) => s.type === 'return_statement');
  if (!inner || named(ret ?? inner)[0]?.text !== inner.childForFieldName('name')?.text) return null;
  const [f, ...more] = pyParamNames(inner);
  if (!f || more.length) return null;
  for (const s of allStmts(stmts(inner))) {
    const call = exprOf(s);
    const fnN = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (fnN?.type !== 'attribute' || fnN.childForFieldName('attribute')?.text !== 'append') continue;
    const list = selfAttr(fnN.childForFieldName('object'), self);
    const row = unparen(pyArgs(call!).pos[0]);
    if (!list || !row) continue;
    const roles = new Map<string, Role>();
    const role = (x: Node | null | undefined): Role | null =>
      x?.text === f ? 'f' : x?.text === rule ? 'rule' : opts && x?.text === opts ? 'opts' : null;
    if (row.type === 'tuple' || row.type === 'list')
      named(row).forEach((x, i) => {
        const r = role(x);
        if (r) roles.set(String(i), r);
      });
    else if (row.type === 'dictionary')
      for (const p of named(row).filter((x) => x.type === 'pair')) {
        const k = p.childForFieldName('key');
        const r = role(p.childForFieldName('value'));
        const ks = k ? strText(k) : null;
        if (r && ks !== null) roles.set(ks, r);
      }
    const has = new Set(roles.values());
    if (has.has('f') && has.has('rule') && has.has('opts') === !!opts) return { list, roles, opts: !!opts };
  }
  return null;
}

/** What an expression of the loop body is of the stored row (`rule`, `item['rule']`, `item[1]`). */
function roleIn(n: Node | null, target: Node, roles: Map<string, Role>): Role | null {
  n = unparen(n);
  if (!n) return null;
  if (target.type === 'identifier') {
    if (n.type !== 'subscript' || n.childForFieldName('value')?.text !== target.text) return null;
    const k = n.childForFieldName('subscript');
    const ks = k?.type === 'integer' ? k.text : k ? strText(k) : null;
    return ks === null ? null : (roles.get(ks) ?? null);
  }
  if (n.type !== 'identifier' || (target.type !== 'pattern_list' && target.type !== 'tuple_pattern')) return null;
  const i = named(target).findIndex((x) => x.text === n!.text);
  return i < 0 ? null : (roles.get(String(i)) ?? null);
}

/** `'/' + self.name`, `f"/{self.name}"`: its literal parts and the constructor parameters the fields hold; null when
 *  something else. */
function prefixParts(n: Node | null, self: string, fields: Map<string, { i: number; name: string }>): RuleReplay['fallback'] {
  n = unparen(n);
  if (!n) return null;
  const out: NonNullable<RuleReplay['fallback']> = [];
  const add = (x: Node): boolean => {
    x = unparen(x)!;
    if (out.length > MAX_PARTS) return false;
    if (x.type === 'binary_operator' && x.childForFieldName('operator')?.text === '+')
      return add(x.childForFieldName('left')!) && add(x.childForFieldName('right')!);
    const a = selfAttr(x, self);
    const p = a ? fields.get(a) : undefined;
    if (p) return !!out.push({ arg: p.i, name: p.name });
    const s = strText(x);
    if (s !== null) return !!out.push(s);
    if (x.type !== 'string') return false;
    for (const c of named(x)) {
      if (c.type === 'string_content') out.push(c.text);
      else if (c.type === 'interpolation') {
        const e = named(c);
        const q = e.length === 1 ? fields.get(selfAttr(e[0]!, self) ?? '') : undefined;
        if (!q) return false;
        out.push({ arg: q.i, name: q.name });
      } else if (c.type !== 'string_start' && c.type !== 'string_end') return false;
    }
    return true;
  };
  return add(n) ? out : null;
}

/** `self.name = name` in `__init__`: field → the constructor argument (its position after `self`, and its name). */
function ctorFields(init: Node | null): Map<string, { i: number; name: string }> {
  const out = new Map<string, { i: number; name: string }>();
  const ps = init ? pyParamNames(init) : [];
  for (const s of init ? stmts(init) : []) {
    const a = exprOf(s);
    if (a?.type !== 'assignment') continue;
    const field = selfAttr(a.childForFieldName('left'), ps[0] ?? '');
    const i = ps.indexOf(a.childForFieldName('right')?.text ?? '\0');
    if (field && i > 0) out.set(field, { i: i - 1, name: ps[i]! });
  }
  return out;
}

/** The replay of the stored rules in registration method `fn` (see the top of this file), or null. */
function replayOf(
  fn: Node,
  list: string,
  roles: Map<string, Role>,
  opts: boolean,
  init: Node | null,
): Omit<RuleReplay, 'route' | 'register'> | null {
  const ps = pyParamNames(fn);
  const self = ps[0];
  if (!self) return null;
  const all = allStmts(stmts(fn));
  const loop = all.find((s) => s.type === 'for_statement' && selfAttr(s.childForFieldName('right'), self) === list);
  const target = loop?.childForFieldName('left');
  if (!loop || !target) return null;
  const calls = allStmts(named(loop.childForFieldName('body')!)).map(exprOf);
  const call = calls.find((c) => c?.type === 'call' && c.childForFieldName('function')?.text.endsWith('.add_url_rule'));
  const on = call?.childForFieldName('function')?.childForFieldName('object');
  const bp = on?.type === 'identifier' ? ps.indexOf(on.text) : -1;
  if (!call || bp < 1) return null;
  const { pos, kw } = pyArgs(call);
  const splat = named(call.childForFieldName('arguments')!).filter((a) => a.type === 'dictionary_splat');
  if (roleIn(pos[2] ?? kw.get('view_func') ?? null, target, roles) !== 'f') return null;
  if (opts !== (splat.length === 1 && roleIn(named(splat[0]!)[0] ?? null, target, roles) === 'opts')) return null;
  const path = unparen(pos[0] ?? kw.get('rule'));
  if (path?.type !== 'binary_operator' || path.childForFieldName('operator')?.text !== '+') return null;
  if (roleIn(path.childForFieldName('right'), target, roles) !== 'rule') return null;
  const fields = ctorFields(init);
  // a statement of the method's own block (tree nodes are compared by position: a node is not kept as one object)
  const inBody = (x: Node): boolean => x.parent?.startIndex === fn.childForFieldName('body')?.startIndex;
  const before = all.filter((s) => s.startIndex < loop.startIndex);
  const param = (x: Node | null): number => (x?.type === 'identifier' ? ps.indexOf(x.text) : -1);
  let head = unparen(path.childForFieldName('left'));
  const where = { ...at(call), text: clip(head?.text ?? '', 60) };
  // `prefix = url_prefix or '/' + self.name` (once, before the loop), then `prefix + rule`
  const local = head?.type === 'identifier' && param(head) < 0 ? assignsTo(before, head.text) : [];
  if (local.length) {
    if (local.length > 1 || !inBody(local[0]!)) return { bp, fallback: null, ...where };
    head = unparen(exprOf(local[0]!)!.childForFieldName('right'));
  }
  // `url_prefix or '/' + self.name`
  if (head?.type === 'boolean_operator' && head.childForFieldName('operator')?.text === 'or') {
    const p = param(head.childForFieldName('left'));
    if (p < 1) return { bp, fallback: null, ...where };
    return { bp, prefix: p, fallback: prefixParts(head.childForFieldName('right'), self, fields), ...where };
  }
  const p = param(head);
  if (p < 1) return { bp, fallback: prefixParts(head, self, fields), ...where };
  // `if url_prefix is None: url_prefix = …`, `if not url_prefix: …`, `url_prefix = url_prefix or …`
  const sets = assignsTo(before, head!.text);
  if (!sets.length) return { bp, prefix: p, fallback: null, ...where };
  const s = sets[0]!;
  const right = unparen(exprOf(s)!.childForFieldName('right'));
  const name = head!.text;
  const ifs = s.parent?.parent;
  const cond = ifs?.type === 'if_statement' && inBody(ifs) ? ifs.childForFieldName('condition')?.text.replace(/\s+/g, ' ') : null;
  const guarded = cond === `${name} is None` || cond === `${name} == None` || cond === `not ${name}`;
  const orElse = right?.type === 'boolean_operator' && right.childForFieldName('left')?.text === name && inBody(s);
  if (sets.length > 1 || !(guarded || orElse)) return { bp, fallback: null, ...where }; // set otherwise: not read
  return { bp, prefix: p, fallback: prefixParts(orElse ? right!.childForFieldName('right') : right, self, fields), ...where };
}

/** The statements of `list` that assign `name`. */
const assignsTo = (list: readonly Node[], name: string): Node[] =>
  list.filter((s) => {
    const a = exprOf(s);
    return (a?.type === 'assignment' || a?.type === 'augmented_assignment') && a.childForFieldName('left')?.text === name;
  });

const at = (call: Node): { line: number; col: number } => ({ line: call.startPosition.row + 1, col: call.startPosition.column });

/** A redprint class (see the top of this file) read from class body `body`, or null. */
export function classReplay(body: Node | null): RuleReplay | null {
  const defs = new Map<string, Node>();
  for (const c of body ? named(body) : []) {
    const d = defOf(c);
    const name = d?.childForFieldName('name')?.text;
    if (d && name && (c.type === 'function_definition' || !named(c).some((x) => x.type === 'decorator'))) defs.set(name, d);
  }
  const route = defs.get('route');
  const store = route ? storeOf(route) : null;
  if (!store) return null;
  for (const [name, d] of defs) {
    if (name === 'route' || name === '__init__') continue;
    const r = replayOf(d, store.list, store.roles, store.opts, defs.get('__init__') ?? null);
    if (r) return { route: 'route', register: name, ...r };
  }
  return null;
}

/** The string arguments of a call of a project class (ObjDecl.args), by position and keyword; null when none. */
export function pyCtorArgs(A: PyAnalyzer, pos: readonly Node[], kw: ReadonlyMap<string, Node>): Record<string, Val> | null {
  const out: Record<string, Val> = {};
  const keep = (k: string, n: Node): void => {
    const v = A.evalStr(n);
    if ('s' in v || v.ref || v.parts) out[k] = v;
  };
  pos.slice(0, MAX_PARTS).forEach((n, i) => keep(String(i), n));
  for (const [k, n] of [...kw].slice(0, MAX_PARTS)) keep(k, n);
  return Object.keys(out).length ? out : null;
}

/** Drops the generic `add_url_rule` of each redprint class's registration method from the file's routes. */
export function dropReplayRoutes(fa: FileAnalysis): void {
  const at = new Set(fa.classes.flatMap((c) => (c.replay ? [`${c.replay.line}:${c.replay.col}`] : [])));
  if (at.size) fa.routes = fa.routes.filter((r) => !at.has(`${r.range.start.line}:${r.range.start.column}`));
}

/** What the resolver lends redprintMounts: what it lends resource routes (./pyResourceRoutes), and more. */
export interface ReplayContext extends ResourceContext {
  /** Whether an object is an instance of a redprint class. */
  isRedprint(file: string, id: number): boolean;
  rel(file: string): string;
}

/** Each call of a redprint's registration method: the instance mounted under the blueprint, with the prefix it gets. */
export function redprintMounts(c: ReplayContext): { child: Ent; parent: Ent; prefix: Val; file: string; line: number }[] {
  const out: { child: Ent; parent: Ent; prefix: Val; file: string; line: number }[] = [];
  for (const fa of c.files.values()) {
    if (fa.language !== 'python') continue;
    for (const k of fa.classes) {
      const r = k.replay;
      const fn = r ? k.methods[r.register] : undefined;
      if (!r || fn === undefined) continue;
      for (const call of c.callers(fa.file, fn)) {
        const recv = call.call.args[0];
        const child = recv ? c.resolve(call.file, recv) : null;
        if (child?.t !== 'obj' || !c.isRedprint(child.file, child.id)) continue;
        const bp = c.argOf(call, fa.file, fn, r.bp).ref;
        const parent = bp ? c.resolve(call.file, bp) : null;
        if (parent?.t !== 'obj' && parent?.t !== 'param') continue;
        const given = r.prefix !== undefined ? c.argOf(call, fa.file, fn, r.prefix) : null;
        const prefix = given?.str ?? (given?.ref ? { e: 'url_prefix', why: 'value that is no string' } : fallbackOf(c, fa, r, child));
        out.push({ child, parent, prefix, file: call.from, line: call.call.line });
      }
    }
  }
  return out;
}

/** The prefix a redprint falls back to (`'/' + self.name`) for instance `o`, from the arguments its constructor got. */
function fallbackOf(c: ReplayContext, fa: FileAnalysis, r: RuleReplay, o: Ent & { t: 'obj' }): Val {
  const why = `prefix the redprint's \`${r.register}\` (${c.rel(fa.file)}:${r.line}) puts before each rule`;
  if (!r.fallback) return { e: r.text, why: `${why}, which the analysis cannot read` };
  const args = c.files.get(o.file)?.objects[o.id]?.args ?? {};
  let s = '';
  for (const p of r.fallback) {
    if (typeof p === 'string') {
      s += p;
      continue;
    }
    const a = args[String(p.arg)] ?? args[p.name];
    const v = a ? c.evalVal(o.file, a) : null;
    if (!v || !('s' in v)) return { e: p.name, why: `${why}, built from the constructor argument \`${p.name}\` that is no known string` };
    s += v.s;
  }
  return { s };
}
