/**
 * Project environment readers (Python): a module-level function of the project that looks its key parameter up in the
 * environment and gives its default parameter when the variable is unset — `def env_str(key, default=None): return
 * os.getenv(key, default)`, `os.environ.get(key, default)`, `os.environ.get(key) or default`, a local variable given one
 * of those, a branch of a conditional, through `str(…)` or `.strip()` — is, called with a literal default
 * (`env_str("API_PREFIX", "/api")`, also `default="/api"`), that default as written, with where it came from
 * (configValues envCallVal). A body that may raise, or gives its default changed, reads the variable but gives no default
 * a call can be sure of: the call says why, naming the function. A function of this module is read in place; an
 * imported one by the resolver (values.ts) through FuncDecl.env, which pyEnvReaders records for this module's functions.
 * Methods are not followed (`self` and `cls` shift what a call passes). Pure; bounded by body size.
 */
import { named, ownNodes, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs, pyParamNames } from '../parsing/python';
import { clip } from './common';
import { envCallVal } from './configValues';
import type { EnvRead, Ref, Val } from './model';
import type { PyAnalyzer } from './python';

type Eval = (n: Node) => Val;

/** `os.getenv`, `getenv`, `os.environ.get`, `environ.get`: a lookup that takes its default as second argument. */
const GETENV = /^(?:os\.)?(?:getenv|environ\.get)$/;
const ENVIRON = /^(?:os\.)?environ$/;

/** The name of an environment variable: what a call of an imported function must pass to be read by the resolver. */
const ENV_KEY = /^[A-Z][A-Z0-9_]*$/;

const MAX_BODY = 20_000;
const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);

/** The value of a call of a project environment reader, or null when the call is something else. */
export function pyEnvReaderCall(A: PyAnalyzer, call: Node, ev: Eval): Val | null {
  const f = call.childForFieldName('function');
  const { pos, kw } = pyArgs(call);
  if (!f || (!pos.length && !kw.size) || pos.length > 3 || kw.size > 3) return null;
  const callee = f.type === 'identifier' ? A.lookup(f.text, f) : f.type === 'attribute' ? A.refOf(f) : null;
  const local = callee?.k === 'fn' ? A.fnNodes[callee.id] : undefined;
  const args = pos.map(ev);
  const kwv = kw.size ? Object.fromEntries([...kw].map(([k, v]) => [k, ev(v)])) : undefined;
  const r = local ? envRead(local) : null;
  if (local && !r) return null;
  const fbName = r && !('why' in r) && r.fallback !== undefined ? r.names[r.fallback] : undefined;
  const fb = r && !('why' in r) && r.fallback !== undefined ? (args[r.fallback] ?? (fbName ? kwv?.[fbName] : undefined)) : undefined;
  // a default another module may know (`env_str("HOST", DEFAULT_HOST)`): left to the resolver
  if (r && !(fb && 'e' in fb && (fb.ref || fb.parts))) return envCallVal(r, args, [], call.text, kwv);
  const other = (callee?.k === 'fn' ? callee : null) ?? importedFn(callee);
  const keyed = [...args, ...Object.values(kwv ?? {})].some((v) => 's' in v && ENV_KEY.test(v.s));
  if (!other || !keyed) return null;
  return { e: clip(call.text), why: 'function call', ref: { k: 'env', fn: other, args, ...(kwv ? { kw: kwv } : {}) } };
}

/** An imported function (`from .env import env_str`, `envs.env_str` of an imported module), else null. */
function importedFn(r: Ref | null): Ref | null {
  if (r?.k === 'imp') return r;
  return r?.k === 'mem' && r.base.k === 'imp' ? r : null;
}

/** Records FuncDecl.env of this module's functions that read the environment (for calls of other modules). */
export function pyEnvReaders(A: PyAnalyzer): void {
  for (const decl of A.fa.functions) {
    const fn = A.fnNodes[decl.id];
    const r = fn ? envRead(fn) : null;
    if (r) decl.env = r;
  }
}

const memo = new WeakMap<Node, EnvRead | null>();

function envRead(fn: Node): EnvRead | null {
  let r = memo.get(fn);
  if (r === undefined) memo.set(fn, (r = readerOf(fn)));
  return r;
}

interface Reading {
  body: Node;
  names: string[];
  key: number;
  fallback?: number;
}

function readerOf(fn: Node): EnvRead | null {
  const body = fn.childForFieldName('body');
  if (!body || body.text.length > MAX_BODY || method(fn) || /^async\b/.test(fn.text)) return null;
  const names0 = pyParamNames(fn);
  if (names0.length < 1 || names0.length > 3 || names0.some((n) => n === null)) return null;
  const names = names0 as string[];
  const name = fn.childForFieldName('name')?.text ?? fnName(fn);
  let key = -1;
  walk(body, (c) => {
    if (key >= 0) return false;
    key = lookupKey(c, names);
    return c === body || !FUNCTION_TYPES.has(c.type);
  });
  if (key < 0) return null;
  const rest = names.map((_, i) => i).filter((i) => i !== key);
  if (rest.length > 1) return null;
  if (ownNodes(body, 'raise_statement', FUNCTION_TYPES).length) return { why: 'may raise instead of giving a default', key, names, name };
  const rd: Reading = { body, names, key, fallback: rest[0] };
  const given = returned(body)
    .map((e) => gives(rd, e, 0))
    .find((g) => g !== null);
  if (given === undefined)
    return rest.length ? { why: `does not return its default parameter \`${names[rest[0]!]}\` as it is given`, key, names, name } : null;
  return { key, names, name, ...(rest.length ? { fallback: rest[0]! } : {}), ...(given.trim ? { trim: true as const } : {}) };
}

/** A function defined in a class body (also decorated). */
function method(fn: Node): boolean {
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  return holder.parent?.type === 'block' && holder.parent.parent?.type === 'class_definition';
}

function fnName(fn: Node): string {
  const a = fn.parent?.type === 'assignment' ? fn.parent.childForFieldName('left') : null; // `env = lambda key, d: …`
  return a?.type === 'identifier' ? a.text : 'function';
}

/** The parameter a lookup reads the environment by (`os.getenv(key)`, `os.environ[key]`), else -1. */
function lookupKey(c: Node, names: readonly string[]): number {
  if (c.type === 'call' && GETENV.test(c.childForFieldName('function')?.text ?? '')) {
    const k = pyArgs(c).pos[0] ?? pyArgs(c).kw.get('key');
    return k?.type === 'identifier' ? names.indexOf(k.text) : -1;
  }
  if (c.type === 'subscript' && ENVIRON.test(c.childForFieldName('value')?.text ?? '')) {
    const k = c.childForFieldName('subscript');
    return k?.type === 'identifier' ? names.indexOf(k.text) : -1;
  }
  return -1;
}

/** What a body returns (a lambda's expression). */
function returned(body: Node): Node[] {
  return body.type === 'block' ? ownNodes(body, 'return_statement', FUNCTION_TYPES).flatMap((c) => named(c)[0] ?? []) : [body];
}

/** Whether `e` is what the reader gives when the variable is unset: its default (as is, or stripped); for a reader
 *  without one, the variable itself. */
function gives(rd: Reading, e: Node | null, depth: number): { trim?: true } | null {
  if (!e || depth > 6) return null;
  const fb = rd.fallback === undefined ? null : rd.names[rd.fallback]!;
  switch (e.type) {
    case 'parenthesized_expression':
      return gives(rd, named(e)[0] ?? null, depth + 1);
    case 'identifier': {
      if (e.text === fb) return {};
      if (rd.names.includes(e.text)) return null;
      for (const v of localValues(rd.body, e.text)) {
        const g = gives(rd, v, depth + 1);
        if (g) return g;
      }
      return null;
    }
    case 'subscript':
      return fb === null && lookupKey(e, rd.names) === rd.key ? {} : null;
    case 'boolean_operator':
      return fb !== null && e.childForFieldName('operator')?.text === 'or' ? gives(rd, e.childForFieldName('right'), depth + 1) : null;
    case 'conditional_expression': {
      const [a, , b] = named(e);
      return gives(rd, a ?? null, depth + 1) ?? gives(rd, b ?? null, depth + 1);
    }
    case 'call':
      return converted(rd, e, depth);
    default:
      return null;
  }
}

/** `os.getenv(key, default)`, `str(x)`, `x.strip()` of what the reader gives. */
function converted(rd: Reading, e: Node, depth: number): { trim?: true } | null {
  const f = e.childForFieldName('function');
  const { pos, kw } = pyArgs(e);
  if (lookupKey(e, rd.names) === rd.key) {
    const d = pos[1] ?? kw.get('default');
    const fb = rd.fallback === undefined ? null : rd.names[rd.fallback]!;
    return (fb === null ? !d : d?.type === 'identifier' && d.text === fb) ? {} : null;
  }
  if (f?.type === 'identifier' && f.text === 'str' && pos.length === 1 && !kw.size) return gives(rd, pos[0]!, depth + 1);
  if (f?.type === 'attribute' && f.childForFieldName('attribute')?.text === 'strip' && !pos.length && !kw.size) {
    const g = gives(rd, f.childForFieldName('object'), depth + 1);
    return g && { trim: true };
  }
  return null;
}

/** The values a body assigns to a local name, at most a few. */
function localValues(body: Node, name: string): Node[] {
  const out: Node[] = [];
  walk(body, (c) => {
    if (out.length > 4) return false;
    if (c.type === 'assignment' && c.childForFieldName('left')?.text === name) {
      const v = c.childForFieldName('right');
      if (v) out.push(v);
    }
    return c === body || !FUNCTION_TYPES.has(c.type);
  });
  return out.length > 4 ? [] : out;
}
