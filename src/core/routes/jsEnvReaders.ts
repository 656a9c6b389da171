/**
 * Project environment readers (JS/TS): a function or method of the project that looks its key parameter up in the
 * environment and returns its fallback parameter when the variable is unset — `env('API_PREFIX', '/api')`,
 * `readString(envSource, 'BASE_PATH', '')`, `parser.str('API_PREFIX', 'api')` of a project class — is, called with a
 * literal default, that default as written, with where it came from (configValues envCallVal).
 *
 * What it reads: `process.env[key]`, `source[key]` of a parameter the call gives `process.env` (or one defaulting to it),
 * `this.config[key]` of a field its class sets to `process.env` (also when the class may set it to a parsed `.env` file
 * instead: the default is what any unset variable gives). What it returns when the variable is unset: the fallback
 * itself, the right side of `||` / `??`, a branch of a conditional, a local variable given one of those, through
 * `String(…)`, `.toString()` or `.trim()`; or a call of another reader of its class or file that it passes its key and
 * fallback on (one more level: `str(key, d) { return String(this.get(key, d)); }`). A body that may throw, or returns its
 * fallback changed (`Number(…)`, a computation), reads the variable but gives no default a call can be sure of: the call
 * says why, naming the function.
 *
 * A function of this file is read in place; one another module defines (an import, a method of an instance of an
 * imported class) is left to the resolver (values.ts) when the call passes an environment variable's name, through
 * FuncDecl.env, which envReaders records for this file's functions and methods. Pure; bounded by body and class size.
 */
import { named, ownNodes, rootOf, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import { envCallVal } from './configValues';
import type { JsAnalyzer } from './javascript';
import type { EnvRead, Ref, Val } from './model';

type Eval = (n: Node) => Val;

const PROCESS_ENV = /^process\s*\.\s*env$/;

/** The name of an environment variable (`API_PREFIX`): what a call of a function of another module must pass to be
 *  read as an environment lookup by the resolver. */
const ENV_KEY = /^[A-Z][A-Z0-9_]*$/;

/** Bounds what a function body, and a class searched for its environment fields, may make us walk. */
const MAX_BODY = 20_000;
const MAX_CLASS = 100_000;

/** How deep a reader may pass its key and fallback on to another reader (`str` → `get`). */
const MAX_DELEGATION = 1;

const CLASS_TYPES = new Set(['class', 'class_declaration', 'abstract_class_declaration']);

/** The value of a call of a project environment reader, or null when the call is something else. */
export function envReaderCall(A: JsAnalyzer, call: Node, ev: Eval): Val | null {
  const f = unwrapExpr(call.childForFieldName('function'));
  const al = call.childForFieldName('arguments');
  if (!f || al?.type !== 'arguments') return null;
  const args = named(al);
  if (!args.length || args.length > 3 || args.some((a) => a.type === 'spread_element')) return null;
  const env = args.flatMap((a, i) => (isProcessEnv(a) ? [i] : []));
  const local = localFunction(A, f);
  if (local === null) return null;
  const vals = args.map(ev);
  const r = local ? envRead(A, local) : null;
  if (local && !r) return null;
  // a default another module may know (`env('HOST', DEFAULT_HOST)`): left to the resolver, as a call of another module's
  const fb = r && !('why' in r) && r.fallback !== undefined ? vals[r.fallback] : undefined;
  if (r && !(fb && 'e' in fb && (fb.ref || fb.parts))) return envCallVal(r, vals, env, call.text);
  if (!vals.some((v) => 's' in v && ENV_KEY.test(v.s))) return null;
  const fn: Ref =
    f.type === 'member_expression' ? { k: 'mem', base: A.refOf(f.childForFieldName('object')), name: propName(f) } : A.refOf(f);
  return { e: clip(call.text), why: 'function call', ref: { k: 'env', fn, args: vals, ...(env.length ? { env } : {}) } };
}

function propName(m: Node): string {
  return m.childForFieldName('property')?.text ?? '';
}

/** The function of this file a callee names (`env`, `this.get`, `parser.str` of an instance of a class of this file);
 *  undefined when another module may define it (an import, a method of an imported class or a base class); null when
 *  it is no project function. */
function localFunction(A: JsAnalyzer, f: Node): Node | null | undefined {
  if (f.type === 'identifier') {
    const r = A.lookup(f.text, f);
    return r?.k === 'fn' ? (A.fnNode(r.id) ?? null) : r?.k === 'imp' ? undefined : null;
  }
  if (f.type !== 'member_expression') return null;
  const b = A.instanceRef(A.refOf(f.childForFieldName('object')));
  const c = b.k === 'self' ? b.cls : b.k === 'cls' ? b.id : b.k === 'inst' && b.cls.k === 'cls' ? b.cls.id : null;
  if (c === null)
    return b.k === 'imp' || (b.k === 'inst' && b.cls.k !== 'none') || (b.k === 'mem' && b.base.k === 'imp') ? undefined : null;
  const decl = A.fa.classes[c];
  const m = decl && Object.hasOwn(decl.methods, propName(f)) ? decl.methods[propName(f)] : undefined;
  if (m !== undefined) return A.fnNode(m) ?? null;
  return decl?.supers?.length ? undefined : null; // a method of a base class, resolved across files
}

/** `process.env`, or a parameter of an enclosing function that defaults to it (`envSource: EnvSource = process.env`). */
function isProcessEnv(n: Node): boolean {
  const u = unwrapExpr(n);
  if (!u) return false;
  if (PROCESS_ENV.test(u.text)) return true;
  if (u.type !== 'identifier') return false;
  for (let p = u.parent; p; p = p.parent) {
    if (!JS_FUNCTION_TYPES.has(p.type)) continue;
    const params = p.childForFieldName('parameters');
    for (const q of params ? named(params) : []) {
      const a = q.type === 'assignment_pattern' ? q : null;
      const name = a ? a.childForFieldName('left') : q.childForFieldName('pattern');
      if (name?.type !== 'identifier' || name.text !== u.text) continue;
      const d = a ? a.childForFieldName('right') : q.childForFieldName('value');
      return !!d && PROCESS_ENV.test(unwrapExpr(d)?.text ?? '');
    }
  }
  return false;
}

/** Records FuncDecl.env of the functions and methods of this file that read the environment (for calls of other
 *  modules); only in a file whose text mentions an environment (`process.env`, `envSource`, `this.env`). */
export function envReaders(A: JsAnalyzer): void {
  const first = A.fa.functions.length ? A.fnNode(0) : undefined;
  if (!first || !/env/i.test(rootOf(first).text)) return;
  for (const decl of A.fa.functions) {
    const fn = A.fnNode(decl.id);
    const r = fn ? envRead(A, fn) : null;
    if (r) decl.env = r;
  }
}

const readMemo: WeakMap<Node, EnvRead | null>[] = [];

/** How a function reads the environment, or why its default is not sure; null when it reads none by a parameter. */
function envRead(A: JsAnalyzer, fn: Node, depth = 0): EnvRead | null {
  const memo = (readMemo[depth] ??= new WeakMap());
  const m = memo.get(fn);
  if (m !== undefined) return m;
  const r = readerOf(A, fn, depth);
  memo.set(fn, r);
  return r;
}

/** A call of a reader in a reader's body: the reader, and what it is given at each of its positions. */
interface Delegation {
  r: EnvRead;
  args: readonly Node[];
}

interface Reading {
  body: Node;
  names: string[];
  key: number;
  source?: number;
  /** The parameter given back when the variable is unset; absent for a reader with no default. */
  fallback?: number;
  depth: number;
}

function readerOf(A: JsAnalyzer, fn: Node, depth: number): EnvRead | null {
  const body = fn.childForFieldName('body');
  if (!body || body.text.length > MAX_BODY || fn.children.some((c) => c?.type === 'async' || c?.type === '*')) return null;
  const names0 = jsParamNames(fn);
  if (names0.length < 1 || names0.length > 3 || names0.some((n) => n === null)) return null;
  const names = names0 as string[];
  const name = functionName(fn);
  // the lookup: `source[key]`, `process.env[key]`, `this.env[key]`, or a reader given the key
  let look: { key: number; source?: number } | { why: string; key: number } | null = null;
  walk(body, (c) => {
    if (look) return false;
    if (c.type === 'subscript_expression') look = lookup(c, names);
    else if (c.type === 'call_expression' && depth < MAX_DELEGATION) {
      const d = delegation(A, c, depth);
      const k = d ? paramAt(d.args, d.r.key, names) : -1;
      if (d && k >= 0 && 'why' in d.r) look = { why: `calls \`${d.r.name}\`, which ${d.r.why}`, key: k };
      else if (d && k >= 0 && !('why' in d.r)) {
        const s = d.r.source === undefined ? undefined : paramAt(d.args, d.r.source, names);
        if (d.r.source === undefined) look = { key: k };
        else if (s !== undefined && s >= 0) look = { key: k, source: s };
        else if (d.args[d.r.source] && PROCESS_ENV.test(unwrapExpr(d.args[d.r.source]!)?.text ?? '')) look = { key: k };
      }
    }
    return c === body || !JS_FUNCTION_TYPES.has(c.type);
  });
  const found = look as { key: number; source?: number } | { why: string; key: number } | null;
  if (!found) return null;
  if ('why' in found) return { why: found.why, key: found.key, names, name };
  const { key, source } = found;
  const rest = names.map((_, i) => i).filter((i) => i !== key && i !== source);
  if (rest.length > 1) return null;
  const base = { key, ...(source !== undefined ? { source } : {}), names, name };
  if (ownNodes(body, 'throw_statement', JS_FUNCTION_TYPES).length)
    return { why: 'may throw instead of giving a default', key, names, name };
  const rd: Reading = { body, names, key, source, fallback: rest[0], depth };
  const given = returns(body)
    .map((e) => gives(A, rd, e, 0))
    .find((g) => g !== null);
  if (given === undefined)
    return rest.length ? { why: `does not return its default parameter \`${names[rest[0]!]}\` as it is given`, key, names, name } : null;
  return { ...base, ...(rest.length ? { fallback: rest[0]! } : {}), ...(given.trim ? { trim: true as const } : {}) };
}

/** `process.env[key]`, `source[key]` of a source parameter, `this.env[key]` of a field holding the environment. */
function lookup(c: Node, names: readonly string[]): { key: number; source?: number } | null {
  const o = unwrapExpr(c.childForFieldName('object'));
  const key = names.indexOf(unwrapExpr(c.childForFieldName('index'))?.text ?? '');
  if (key < 0 || !o) return null;
  const s = o.type === 'identifier' ? names.indexOf(o.text) : -1;
  if (s >= 0) return s === key ? null : { key, source: s };
  return PROCESS_ENV.test(o.text) || envField(o) ? { key } : null;
}

/** The index of the parameter a call passes at position `i` (an identifier naming one), else -1. */
function paramAt(args: readonly Node[], i: number | undefined, names: readonly string[]): number {
  const a = i === undefined ? null : unwrapExpr(args[i] ?? null);
  return a?.type === 'identifier' ? names.indexOf(a.text) : -1;
}

/** A call in a reader's body of another reader of its class (`this.get(…)`) or file (`read(…)`). */
function delegation(A: JsAnalyzer, c: Node, depth: number): Delegation | null {
  const f = unwrapExpr(c.childForFieldName('function'));
  const al = c.childForFieldName('arguments');
  if (!f || al?.type !== 'arguments') return null;
  let callee: Node | null = null;
  if (f.type === 'member_expression' && unwrapExpr(f.childForFieldName('object'))?.type === 'this') callee = ownMethod(f, propName(f));
  else if (f.type === 'identifier') {
    const r = A.lookup(f.text, f);
    callee = r?.k === 'fn' ? (A.fnNode(r.id) ?? null) : null;
  }
  const r = callee ? envRead(A, callee, depth + 1) : null;
  return r ? { r, args: named(al) } : null;
}

/** The method `name` of the class a `this.name` is read in. */
function ownMethod(at: Node, name: string): Node | null {
  const cls = enclosingClass(at);
  const body = cls?.childForFieldName('body');
  for (const m of body ? named(body) : []) {
    if (m.type === 'method_definition' && m.childForFieldName('name')?.text === name) return m;
    const v = m.type === 'public_field_definition' || m.type === 'field_definition' ? unwrapExpr(m.childForFieldName('value')) : null;
    if (v && JS_FUNCTION_TYPES.has(v.type) && (m.childForFieldName('name') ?? m.childForFieldName('property'))?.text === name) return v;
  }
  return null;
}

function enclosingClass(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (CLASS_TYPES.has(p.type)) return p;
  return null;
}

const fieldMemo = new WeakMap<Node, ReadonlySet<string>>();

/** `this.config` where the class sets field `config` to `process.env` (a field initializer, an assignment, a parameter
 *  property defaulting to it). */
function envField(o: Node): boolean {
  if (o.type !== 'member_expression' || unwrapExpr(o.childForFieldName('object'))?.type !== 'this') return false;
  const cls = enclosingClass(o);
  if (!cls) return false;
  let fields = fieldMemo.get(cls);
  if (!fields) fieldMemo.set(cls, (fields = envFields(cls)));
  return fields.has(propName(o));
}

function envFields(cls: Node): ReadonlySet<string> {
  const out = new Set<string>();
  const body = cls.childForFieldName('body');
  if (!body || body.text.length > MAX_CLASS) return out;
  const isEnv = (v: Node | null): boolean => PROCESS_ENV.test(unwrapExpr(v)?.text ?? '');
  walk(body, (c) => {
    if ((c.type === 'public_field_definition' || c.type === 'field_definition') && isEnv(c.childForFieldName('value'))) {
      const n = c.childForFieldName('name') ?? c.childForFieldName('property');
      if (n) out.add(n.text);
    } else if (c.type === 'assignment_expression' && isEnv(c.childForFieldName('right'))) {
      const l = unwrapExpr(c.childForFieldName('left'));
      if (l?.type === 'member_expression' && unwrapExpr(l.childForFieldName('object'))?.type === 'this') out.add(propName(l));
    } else if ((c.type === 'required_parameter' || c.type === 'optional_parameter') && isEnv(c.childForFieldName('value'))) {
      const p = c.childForFieldName('pattern');
      if (p?.type === 'identifier' && c.children.some((x) => x?.type === 'accessibility_modifier' || x?.type === 'readonly'))
        out.add(p.text);
    }
    return !CLASS_TYPES.has(c.type) || c === cls;
  });
  return out;
}

/** The expressions a function body returns (its expression, for an arrow function without braces). */
function returns(body: Node): Node[] {
  return body.type === 'statement_block' ? ownNodes(body, 'return_statement', JS_FUNCTION_TYPES).flatMap((c) => named(c)[0] ?? []) : [body];
}

/**
 * Whether `e` is what the reader gives when the variable is unset: its fallback (as is, or trimmed), and for a reader
 * without one the variable itself; null when it is something else. Through conditionals, `||` / `??` (their right side
 * is the fallback), conversions to a string, local variables, and calls of other readers given the key and fallback.
 */
function gives(A: JsAnalyzer, rd: Reading, e: Node | null, depth: number): { trim?: true } | null {
  const u = unwrapExpr(e);
  if (!u || depth > 6) return null;
  const fb = rd.fallback === undefined ? null : rd.names[rd.fallback]!;
  switch (u.type) {
    case 'identifier': {
      if (u.text === fb) return {};
      if (rd.names.includes(u.text)) return null;
      for (const v of localValues(rd.body, u.text)) {
        const g = gives(A, rd, v, depth + 1);
        if (g) return g;
      }
      return null;
    }
    case 'subscript_expression': {
      const l = fb === null ? lookup(u, rd.names) : null;
      return l && l.key === rd.key && l.source === rd.source ? {} : null;
    }
    case 'ternary_expression':
      for (const f of ['consequence', 'alternative']) {
        const g = gives(A, rd, u.childForFieldName(f), depth + 1);
        if (g) return g;
      }
      return null;
    case 'binary_expression': {
      const op = u.childForFieldName('operator')?.text;
      return fb !== null && (op === '||' || op === '??') ? gives(A, rd, u.childForFieldName('right'), depth + 1) : null;
    }
    case 'template_string': {
      // `${value}`: the string itself
      const parts = named(u);
      const sub = parts.length === 1 && parts[0]!.type === 'template_substitution' ? named(parts[0]!)[0] : null;
      return sub ? gives(A, rd, sub, depth + 1) : null;
    }
    case 'call_expression':
      return convertedOrDelegated(A, rd, u, depth);
    default:
      return null;
  }
}

/** `String(x)`, `x.toString()`, `x.trim()` of what the reader gives, or a call of another reader passing the key and
 *  the fallback on. */
function convertedOrDelegated(A: JsAnalyzer, rd: Reading, u: Node, depth: number): { trim?: true } | null {
  const f = unwrapExpr(u.childForFieldName('function'));
  const al = u.childForFieldName('arguments');
  const args = al?.type === 'arguments' ? named(al) : [];
  if (f?.type === 'identifier' && f.text === 'String' && args.length === 1) return gives(A, rd, args[0]!, depth + 1);
  const m = f?.type === 'member_expression' ? propName(f) : '';
  if ((m === 'trim' || m === 'toString') && !args.length) {
    const g = gives(A, rd, f!.childForFieldName('object'), depth + 1);
    return g && m === 'trim' ? { trim: true } : g;
  }
  const d = rd.depth < MAX_DELEGATION ? delegation(A, u, rd.depth) : null;
  if (!d || 'why' in d.r || paramAt(d.args, d.r.key, rd.names) !== rd.key) return null;
  if (d.r.source !== undefined && rd.source !== undefined && paramAt(d.args, d.r.source, rd.names) !== rd.source) return null;
  const passed = d.r.fallback === undefined ? -1 : paramAt(d.args, d.r.fallback, rd.names);
  const given = d.r.fallback === undefined || !d.args[d.r.fallback];
  if (rd.fallback === undefined ? !given : passed !== rd.fallback) return null;
  return d.r.trim ? { trim: true } : {};
}

/** The values a body gives a local name (`const v = …`, `let v; … v = …`), at most a few. */
function localValues(body: Node, name: string): Node[] {
  const out: Node[] = [];
  walk(body, (c) => {
    if (out.length > 4) return false;
    if (c.type === 'variable_declarator' && c.childForFieldName('name')?.text === name) {
      const v = c.childForFieldName('value');
      if (v) out.push(v);
    } else if (c.type === 'assignment_expression' && unwrapExpr(c.childForFieldName('left'))?.text === name) {
      const v = c.childForFieldName('right');
      if (v) out.push(v);
    }
    return c === body || !JS_FUNCTION_TYPES.has(c.type);
  });
  return out.length > 4 ? [] : out;
}

/** How a reason names a function: `Class.method`, or its name. */
function functionName(fn: Node): string {
  const own = fn.childForFieldName('name')?.text;
  const holder = fn.type === 'method_definition' ? fn : fn.parent;
  const cls = holder && holder.parent?.type === 'class_body' ? holder.parent.parent : null;
  const field = holder && (holder.type === 'public_field_definition' || holder.type === 'field_definition') ? holder : null;
  const m = own ?? (field ? (field.childForFieldName('name') ?? field.childForFieldName('property'))?.text : undefined);
  const clsName = cls?.childForFieldName('name')?.text;
  if (clsName && m) return `${clsName}.${m}`;
  if (m) return m;
  const decl = fn.parent?.type === 'variable_declarator' ? fn.parent.childForFieldName('name')?.text : undefined;
  return decl ?? 'function';
}
