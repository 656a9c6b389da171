/**
 * The JavaScript/TypeScript half of the static string evaluator: literals, template literals and concatenations of
 * known parts, `const`s and object literals of this file (`ROUTES.users.list`, `Object.freeze`, `as const`), TypeScript
 * enums, and configuration defaults (./configValues); anything else stays an expression, with a reference resolved
 * across files when it may be an imported constant. Pure.
 */
import { jsEscape, jsStringLiteral as unquote, named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, unwrapExpr } from '../parsing/javascript';
import { clip, concatVals } from './common';
import { frozen, getterValue, jsConfigGet, jsEnv, jsFallback, zodDefaults } from './configValues';
import type { JsAnalyzer } from './javascript';
import type { Ref, Val } from './model';
import { patternSource } from './jsPatterns';
import { helperCall } from './jsStrHelpers';
import { envReaderCall } from './jsEnvReaders';
import { MAX_ELEMENTS } from './loops';

/** TypeScript `enum Paths { Users = '/users' }`: its string members are constants `Paths.Users`. */
export function jsEnumConsts(A: JsAnalyzer, n: Node): void {
  const name = n.childForFieldName('name')?.text;
  const body = n.childForFieldName('body');
  for (const m of name && body ? named(body) : []) {
    const key = m.type === 'enum_assignment' ? m.childForFieldName('name') : null;
    const v = m.childForFieldName('value');
    const val = key && v ? jsEvalStr(A, v) : null;
    if (val && 's' in val) A.fa.consts[`${name}.${unquote(key!) ?? key!.text}`] = val.s;
  }
}

/** `ROUTES.users.list` where ROUTES is a constant object literal (or enum) of this file: the string at that key. */
function localMember(A: JsAnalyzer, n: Node, depth: number): Val | null {
  const keys: string[] = [];
  let root: Node | null = n;
  while (root?.type === 'member_expression' && keys.length < 8) {
    keys.unshift(root.childForFieldName('property')?.text ?? '');
    root = unwrapExpr(root.childForFieldName('object'));
  }
  if (root?.type !== 'identifier') return null;
  const dotted = `${root.text}.${keys.join('.')}`;
  if (dotted in A.fa.consts) return { s: A.fa.consts[dotted]! };
  let decl = A.soleDeclarator(root.text);
  const src = decl && patternSource(decl, root.text); // `const { stats } = ROUTES; stats.all`
  if (src) {
    keys.unshift(...src.keys);
    decl = A.soleDeclarator(src.root);
  }
  if (!decl || !isConst(decl)) return null;
  const zod = keys.length === 1 ? zodMember(A, root.text, keys[0]!, decl, depth) : null;
  if (zod) return zod;
  let v = frozen(decl.childForFieldName('value'));
  for (const k of keys) v = v?.type === 'object' ? frozen(getterValue(A.prop(v, k)) ?? A.prop(v, k)) : null;
  return v && v.type !== 'object' ? jsEvalStr(A, v, depth + 1) : null;
}

/** `env.API_PREFIX` where `const env = schema.parse(process.env)` (or `= parseEnv()`, see zodSource) is a constant of
 *  this file, exported or not: the default the zod schema gives that key, else null. */
function zodMember(A: JsAnalyzer, name: string, key: string, decl: Node, depth: number): Val | null {
  const memo = zodMemo.get(A) ?? new Map<string, Map<string, Val>>();
  zodMemo.set(A, memo);
  const at = `${decl.id} ${name}`; // the name read (an alias of the constant names its defaults too)
  let defaults = memo.get(at);
  if (!defaults) {
    const found = new Map<string, Val>();
    const ev = (c: Node): Val => jsEvalStr(A, c, depth + 1);
    zodDefaults(
      name,
      zodSource(A, decl.childForFieldName('value')),
      ev,
      (id) => A.soleDeclarator(id),
      (k, v) => found.set(k, v),
    );
    memo.set(at, (defaults = found));
  }
  return defaults.get(`${name}.${key}`) ?? null;
}

/** The zod defaults of each declarator read so far (`name.KEY` → its default), per analyzer: read once per constant,
 *  not once per `env.X`. */
const zodMemo = new WeakMap<JsAnalyzer, Map<string, Map<string, Val>>>();

/** What a constant holding parsed configuration is computed from: the expression itself, or for a call without
 *  arguments of a function of this file (`const env = parseEnv()`), what that function returns when it has one
 *  `return` (also inside `try { return schema.parse(process.env) } catch …`). */
export function zodSource(A: JsAnalyzer, n: Node | null): Node | null {
  const u = unwrapExpr(n);
  const f = u?.type === 'call_expression' && !named(u.childForFieldName('arguments')!).length ? u.childForFieldName('function') : null;
  const r = f?.type === 'identifier' ? A.lookup(f.text, f) : null;
  const body = r?.k === 'fn' ? A.fnNode(r.id)?.childForFieldName('body') : null;
  if (!body) return u;
  if (body.type !== 'statement_block') return body;
  const rets: Node[] = [];
  walk(body, (c) => {
    if (c.type === 'return_statement') rets.push(c);
    return c === body || !JS_FUNCTION_TYPES.has(c.type);
  });
  return rets.length === 1 ? (named(rets[0]!)[0] ?? u) : u;
}

/** `r.path` where `r` is a loop's name (./loops), or `GROUPS[k].prefix` where `k` is (see keyedProp): the property of the
 *  element being read (null when the element is no object or has no such key); undefined when `n` reads no loop's name. */
export function boundProp(A: JsAnalyzer, n: Node): Node | null | undefined {
  const o = A.loopEl ? n.childForFieldName('object') : null;
  const el = o?.type === 'identifier' ? A.boundTo(o.text) : o?.type === 'subscript_expression' ? keyedProp(A, o) : undefined;
  return el === undefined ? undefined : el?.type === 'object' ? A.prop(el, n.childForFieldName('property')?.text ?? '') : null;
}

/** `c.basePath` where `c` is a loop's name bound to an instance (`[new Books(), new Shelves()].forEach((c) => …)`): the
 *  field of that element's class, resolved across files (values.ts); null when the element is no instance. */
function instanceField(A: JsAnalyzer, n: Node): Val | null {
  const o = n.childForFieldName('object');
  const el = o?.type === 'identifier' ? A.boundTo(o.text) : null;
  const base = el ? A.refOf(el) : null;
  const name = n.childForFieldName('property')?.text;
  return base && A.isInstance(base) && name ? { e: clip(n.text), why: 'variable', ref: { k: 'mem', base, name } } : null;
}

/** `GROUPS[k]` while a loop is read at an element, `k` a name the loop binds to a property's key or a string (`for (const
 *  k in routes)`): the property of that name of the object literal `GROUPS` names (written in place, or given once in this
 *  file), null when it has none; undefined when `n` is no such lookup. */
export function keyedProp(A: JsAnalyzer, n: Node): Node | null | undefined {
  const index = A.loopEl ? unwrapExpr(n.childForFieldName('index')) : null;
  const key = index?.type === 'identifier' ? A.boundTo(index.text) : undefined;
  const name = key?.type === 'property_identifier' ? key.text : key?.type === 'string' ? unquote(key) : null;
  const obj = name !== null ? literalObject(A, n.childForFieldName('object')) : null;
  return obj ? A.prop(obj, name!) : undefined;
}

/** Expressions that may compute a string from a folder entry's name. */
const FOLDER_NAMES = new Set([
  'identifier',
  'call_expression',
  'template_string',
  'binary_expression',
  'member_expression',
  'subscript_expression',
]);

export function jsEvalStr(A: JsAnalyzer, n0: Node, depth = 0): Val {
  const n = unwrapExpr(n0) ?? n0;
  if (depth > 8) return { e: clip(n.text), why: 'expression' };
  // computed from the name of a file a folder listing loop reads: evaluated per file by the resolver
  const each = FOLDER_NAMES.has(n.type) ? A.loops.folders.val(n) : null;
  if (each) return each;
  // `xs[i]` of an indexed loop (./jsIndexedLoops), at the element being read
  const el = n.type === 'subscript_expression' && A.loopEl ? A.boundTo(n.text) : undefined;
  if (el) return jsEvalStr(A, el, depth + 1);
  switch (n.type) {
    case 'string':
      return { s: unquote(n) ?? '' };
    case 'template_string': {
      const vals: Val[] = [];
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'string_fragment') vals.push({ s: c.text });
        else if (c.type === 'escape_sequence') vals.push({ s: jsEscape(c.text) });
        else if (c.type === 'template_substitution') {
          const e = named(c)[0];
          vals.push(e ? jsEvalStr(A, e, depth + 1) : { e: '', why: 'expression' });
        }
      }
      return concatVals(vals, n, 'template literal with substitutions');
    }
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l && r && n.childForFieldName('operator')?.text === '+') {
        return concatVals([jsEvalStr(A, l, depth + 1), jsEvalStr(A, r, depth + 1)], n, 'string concatenation with variables');
      }
      return jsFallback(n, (c) => jsEvalStr(A, c, depth + 1)) ?? { e: clip(n.text), why: 'expression' };
    }
    case 'property_identifier': // the key of an object table's property (`{ orders: … }` read by `Object.entries`)
      return n.parent?.type === 'pair' && n.parent.childForFieldName('key')?.id === n.id
        ? { s: n.text }
        : { e: clip(n.text), why: 'expression' };
    case 'shorthand_property_identifier': // `{ prefix }`: the name's value
    case 'identifier': {
      const bound = A.loopEl ? A.boundTo(n.text) : undefined; // a loop's name, at the element being read
      if (bound !== undefined) return bound ? jsEvalStr(A, bound, depth + 1) : { e: clip(n.text), why: 'expression' };
      const decl = A.soleDeclarator(n.text);
      if (decl) {
        const v = decl.childForFieldName('value');
        if (isConst(decl) && v && v.type !== 'identifier') {
          const r = jsEvalStr(A, v, depth + 1);
          if ('s' in r || r.ref || r.parts) return r; // a constant, or one of another module
        }
      }
      const ref = A.lookup(n.text, n);
      if (ref && (ref.k === 'imp' || ref.k === 'mem' || ref.k === 'param')) return { e: n.text, why: 'variable', ref };
      return { e: n.text, why: 'variable' };
    }
    case 'member_expression': {
      const v = boundProp(A, n);
      if (v !== undefined) return v ? jsEvalStr(A, v, depth + 1) : (instanceField(A, n) ?? { e: clip(n.text), why: 'expression' });
      return jsEnv(n) ?? localMember(A, n, depth) ?? { e: clip(n.text), why: 'variable', ref: A.refOf(n) };
    }
    case 'call_expression': {
      const ev = (c: Node): Val => jsEvalStr(A, c, depth + 1);
      return jsConfigGet(n, ev) ?? helperCall(A, n, ev) ?? envReaderCall(A, n, ev) ?? { e: clip(n.text), why: 'function call' };
    }
    case 'ternary_expression':
      return ternary(A, n, depth);
    case 'regex':
      return { e: n.text, why: 'regular expression' };
    default:
      return { e: clip(n.text), why: 'expression' };
  }
}

/** `cond ? 'api' : 'api'`: the same string either way. `env.BASE_PATH ? `${env.BASE_PATH}/api` : '/api'`: the branch a
 *  known condition (a constant, a configuration default) takes, keeping where the condition came from; a condition
 *  another module may know is left to the cross-file evaluator (values.ts). Else it depends on the run. */
function ternary(A: JsAnalyzer, n: Node, depth: number): Val {
  const [c, a, b] = ['condition', 'consequence', 'alternative'].map((f) => {
    const x = n.childForFieldName(f);
    return x ? jsEvalStr(A, x, depth + 1) : null;
  });
  if (a && b && 's' in a && 's' in b && a.s === b.s) return a;
  const v: Val = { e: clip(n.text), why: 'conditional expression' };
  if (!c || !a || !b) return v;
  if ('s' in c) {
    const t = c.s ? a : b;
    return 's' in t ? { s: t.s, ...((c.src ?? t.src) ? { src: c.src ?? t.src } : {}) } : t.ref || t.parts ? t : v;
  }
  return c.ref || c.parts ? { ...v, ref: { k: 'cond', test: c, yes: a, no: b } } : v;
}

/** Whether a variable declarator is a `const`'s. */
function isConst(d: Node): boolean {
  return d.parent?.type === 'lexical_declaration' && d.parent.child(0)?.text === 'const';
}

/** The value of the `const` a name declares once in this file (read at `at`: at module level, the module's own), else null. */
export function soleConstValue(A: JsAnalyzer, name: string, at?: Node): Node | null {
  const d = A.soleDeclarator(name, at);
  return d && isConst(d) ? d.childForFieldName('value') : null;
}

/** `getAll.url` of a route object another module exports (`app.route(getAll)`, `routes.list.path`): that module's
 *  constant, resolved across files; `text` names the object as written. */
export function importedField(text: string, base: Ref, key: string): Val {
  return { e: `${clip(text)}.${key}`, why: 'variable', ref: { k: 'mem', base, name: key } };
}

/** The array literal an expression is or names: written in place, or held by a name declared once in this file (with
 *  `constOnly`, only a `const`). */
export function literalArray(A: JsAnalyzer, n: Node | null, constOnly = false): Node | null {
  let u = frozenArray(n);
  if (u?.type === 'identifier') {
    const d = A.soleDeclarator(u.text, u);
    const ok = d && (!constOnly || isConst(d));
    u = ok ? frozenArray(d.childForFieldName('value')) : null;
  }
  return u?.type === 'array' ? u : null;
}

/** The elements of a constant array literal `n` is or names (`[users, items]`, a `const` of this file), with those of
 *  the constant arrays of this file it spreads (`[...v1, ...v2]`; any other spread is left out); null when it is none. */
export function constArrayElements(A: JsAnalyzer, n: Node, depth = 0): Node[] | null {
  const u = literalArray(A, n, true);
  if (!u) return null;
  return named(u).flatMap((e) => {
    if (e.type !== 'spread_element') return e.type === 'comment' ? [] : [e];
    const inner = depth < 4 ? named(e)[0] : undefined;
    return (inner && constArrayElements(A, inner, depth + 1)) ?? [];
  });
}

/** An expression without `as const` and the like, and `Object.freeze([…])` as the array it freezes. */
function frozenArray(n: Node | null): Node | null {
  const u = unwrapExpr(n);
  if (u?.type !== 'call_expression' || u.childForFieldName('function')?.text !== 'Object.freeze') return u;
  const a = named(u.childForFieldName('arguments')!);
  const x = a.length === 1 ? unwrapExpr(a[0]!) : null;
  return x?.type === 'array' ? x : u;
}

/** A module-level constant array (`export const routers = [users, items]`): its elements, and the arrays spread into it
 *  (`[...adminControllers, PingController]`), expanded where it is read (CallGraph.arrayOf). */
export function constArray(A: JsAnalyzer, name: string, n: Node): void {
  const u = literalArray(A, n, true);
  if (!u) return;
  const els = named(u).filter((e) => e.type !== 'comment');
  const kept = els.filter((e) => e.type !== 'spread_element');
  // a string element is its value (a loop over an imported list of names, read per element: CallGraph.perArgRoutes); a
  // longer list is data, as a longer literal loop is (./loops)
  const strs = kept.length <= MAX_ELEMENTS && (n.parent?.type !== 'variable_declarator' || isConst(n.parent));
  (A.fa.arrays ??= {})[name] = kept.map((e): Ref => {
    const s = strs && e.type === 'string' ? unquote(e) : null;
    return s !== null ? { k: 'str', s } : A.refOf(e);
  });
  const spreads = els.flatMap((e) => (e.type === 'spread_element' && named(e)[0] ? [A.refOf(named(e)[0]!)] : []));
  if (spreads.length) (A.fa.arraySpreads ??= {})[name] = spreads;
}

/** The object literal an expression is or names: written in place (also in `Object.freeze(…)` / `createRoute(…)`), or
 *  held by a name declared once in this file. */
export function literalObject(A: JsAnalyzer, n: Node | null): Node | null {
  let u = frozen(n);
  if (u?.type === 'identifier') u = frozen(A.soleValue(u.text, u));
  return u?.type === 'object' ? u : null;
}
