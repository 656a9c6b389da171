/**
 * Project environment readers: `readString(envSource, 'BASE_PATH', '')` where `readString` is a function of this file
 * that looks its key parameter up on `process.env` (or on a source parameter) and returns its fallback parameter when
 * the variable is unset (`source[key] ?? fallback`, `process.env[key] || fallback`, `v === undefined ? fallback : v`).
 * The call's value is the fallback as written, with where it came from; without a fallback argument it is a run-time
 * environment variable with no default. The source must be `process.env` or a parameter defaulting to it
 * (`loadAppEnv(envSource = process.env)`). One level of call, pure.
 */
import { named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { JS_FUNCTION_TYPES, jsParamNames, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import { configured } from './configValues';
import type { JsAnalyzer } from './javascript';
import type { Val } from './model';

type Eval = (n: Node) => Val;

/** How a function reads the environment: which parameter is the key, the source (absent: `process.env` itself) and
 *  the fallback. */
interface EnvReader {
  key: number;
  source?: number;
  fallback: number;
}

const PROCESS_ENV = /^process\s*\.\s*env$/;

/** Bounds what a function body may make us walk. */
const MAX_BODY = 20_000;

/** The value of a call of a project environment reader of this file, or null when the call is something else. */
export function envReaderCall(A: JsAnalyzer, call: Node, ev: Eval): Val | null {
  const f = unwrapExpr(call.childForFieldName('function'));
  const r = f?.type === 'identifier' ? A.lookup(f.text, f) : null;
  const fn = r?.k === 'fn' ? A.fnNode(r.id) : undefined;
  const reader = fn ? envReader(fn) : null;
  if (!reader) return null;
  const args = named(call.childForFieldName('arguments')!).filter((c) => c.type !== 'comment');
  if (args.some((a) => a.type === 'spread_element')) return null;
  const src = reader.source === undefined ? null : args[reader.source];
  if (reader.source !== undefined && (!src || !isProcessEnv(src))) return null;
  const k = args[reader.key] ? ev(args[reader.key]!) : null;
  if (!k || !('s' in k)) return null;
  const d = args[reader.fallback];
  if (!d) return { e: clip(call.text), why: `run-time environment variable ${k.s} with no default` };
  const v = ev(d);
  if (!('s' in v)) return { e: clip(call.text), why: `run-time environment variable ${k.s} whose default is not a literal` };
  return { s: v.s, src: configured(call.text, v.s) };
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

const readerMemo = new WeakMap<Node, EnvReader | null>();

/** Whether a function is an environment reader, and how; null when it is not. */
function envReader(fn: Node): EnvReader | null {
  const memo = readerMemo.get(fn);
  if (memo !== undefined) return memo;
  const r = readerOf(fn);
  readerMemo.set(fn, r);
  return r;
}

function readerOf(fn: Node): EnvReader | null {
  const body = fn.childForFieldName('body');
  if (!body || body.text.length > MAX_BODY || /^async\b/.test(fn.text) || fn.children.some((c) => c?.type === '*')) return null;
  const names = jsParamNames(fn);
  if (names.length < 1 || names.length > 3 || names.some((n) => n === null)) return null;
  // the lookup: `source[key]` or `process.env[key]`, both parameters
  let key = -1;
  let source: number | undefined;
  walk(body, (c) => {
    if (key < 0 && c.type === 'subscript_expression') {
      const o = unwrapExpr(c.childForFieldName('object'));
      const i = names.indexOf(unwrapExpr(c.childForFieldName('index'))?.text ?? '');
      const s = o?.type === 'identifier' ? names.indexOf(o.text) : -1;
      if (i >= 0 && (s >= 0 || PROCESS_ENV.test(o?.text ?? ''))) {
        key = i;
        source = s >= 0 ? s : undefined;
      }
    }
    return c === body || !JS_FUNCTION_TYPES.has(c.type);
  });
  if (key < 0 || source === key) return null;
  const rest = names.map((_, i) => i).filter((i) => i !== key && i !== source);
  if (rest.length !== 1) return rest.length === 0 ? { key, source, fallback: names.length } : null;
  const fallback = rest[0]!;
  // the fallback is what a return gives when the variable is unset: a return of it, a branch of a conditional, or the
  // right side of `||` / `??`
  const returned = returns(body).some((e) => isFallback(e, names[fallback]!));
  return returned ? { key, source, fallback } : null;
}

/** The expressions a function body returns (its expression, for an arrow function without braces). */
function returns(body: Node): Node[] {
  if (body.type !== 'statement_block') return [body];
  const out: Node[] = [];
  walk(body, (c) => {
    if (c.type === 'return_statement' && named(c)[0]) out.push(named(c)[0]!);
    return c === body || !JS_FUNCTION_TYPES.has(c.type);
  });
  return out;
}

function isFallback(e: Node | null, name: string, depth = 0): boolean {
  const u = unwrapExpr(e);
  if (!u || depth > 4) return false;
  if (u.type === 'identifier') return u.text === name;
  if (u.type === 'ternary_expression')
    return ['consequence', 'alternative'].some((f) => isFallback(u.childForFieldName(f), name, depth + 1));
  const op = u.type === 'binary_expression' ? u.childForFieldName('operator')?.text : null;
  return (op === '||' || op === '??') && isFallback(u.childForFieldName('right'), name, depth + 1);
}
