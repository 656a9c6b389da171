/**
 * Configuration idioms of the static string evaluator: a value read from the environment or a configuration object
 * is its default when the default is written in the code, and keeps where it came from (`src`) so the editor can say
 * "prefix from `settings.API_V1_STR` (default `/api/v1`)". Without a default the value stays a run-time expression
 * with the reason. Used by the per-language `evalStr` of python.ts and javascript.ts; pure.
 */
import { jsStringLiteral, named, type SyntaxNode as Node } from '../parsing/nodes';
import { pyArgs } from '../parsing/python';
import { JS_FUNCTION_TYPES, unwrapExpr } from '../parsing/javascript';
import { clip } from './common';
import type { EnvRead, Val } from './model';

type Eval = (n: Node) => Val;

/** `os.getenv("X")`, `os.environ.get`, `environ.get`, `getenv`, python-decouple's `config("X", default=…)`, environs'
 *  `env("X", …)` / `env.str("X", …)`; then `config.get`, `settings.get`, `app.config.get`. */
const PY_ENV_GETTERS = /(?:^|\.)(?:getenv|environ\.get)$|^(?:decouple\.)?config$|^env(?:\.str)?$/;
const PY_CONFIG_GETTER = /(?:^|\.)(?:config|conf|settings|cfg)\.get$/i;

/** An option name of a configparser section (`prefix`, `host_name`). */
const OPTION = /^[A-Za-z_][\w-]*$/;

/** The value of a Python call that reads configuration, or null when the call is something else. */
export function pyConfigCall(call: Node, ev: Eval): Val | null {
  const callee = call.childForFieldName('function')?.text ?? '';
  const { pos, kw } = pyArgs(call);
  if (/(?:^|\.)Field$/.test(callee)) {
    // pydantic Field(default=...) / Field("/x")
    const d = kw.get('default') ?? pos[0];
    return d ? ev(d) : null;
  }
  const env = PY_ENV_GETTERS.test(callee);
  if (!env && !PY_CONFIG_GETTER.test(callee)) return null;
  const keyNode = pos[0] ?? kw.get('key');
  const keyVal = keyNode ? ev(keyNode) : null;
  let key = keyVal && 's' in keyVal ? keyVal.s : (keyNode?.text ?? '?');
  // configparser's `config.get("webui", "prefix")`: a section and an option (its default only `fallback=`), not a
  // key and a default; an option is a word, where a default prefix is a path or empty
  const second = !env && pos[1]?.type === 'string' ? ev(pos[1]) : null;
  const option = second && 's' in second && OPTION.test(second.s) ? second.s : null;
  if (option) key = `${key}.${option}`;
  const d = option ? kw.get('fallback') : (pos[1] ?? kw.get('default'));
  const what = env ? `run-time environment variable ${key}` : `configuration value ${key}`;
  if (!d) return env ? { e: clip(call.text), why: `${what} with no default` } : { e: clip(call.text), why: what, ref: { k: 'cfg', key } };
  const v = ev(d);
  return 's' in v ? { s: v.s, src: configured(call.text, v.s) } : { e: clip(call.text), why: `${what} whose default is not a literal` };
}

/** `os.environ["X"]` (run time), `app.config["KEY"]` / `current_app.config["KEY"]` (a configuration key). */
export function pySubscript(n: Node, ev: Eval): Val | null {
  const obj = n.childForFieldName('value')?.text ?? '';
  const idx = n.childForFieldName('subscript');
  const k = idx ? ev(idx) : null;
  if (!k || !('s' in k)) return null;
  if (/(?:^|\.)environ$/.test(obj)) return { e: clip(n.text), why: `run-time environment variable ${k.s} with no default` };
  if (/(?:^|\.)config$/.test(obj)) return { e: clip(n.text), why: `configuration value ${k.s}`, ref: { k: 'cfg', key: k.s } };
  return null;
}

/** `X.config["KEY"] = "/api"` (Flask configuration set in the code): the key, or null. */
export function pyConfigKey(target: Node, ev: Eval): string | null {
  if (target.type !== 'subscript' || !/(?:^|\.)config$/.test(target.childForFieldName('value')?.text ?? '')) return null;
  const idx = target.childForFieldName('subscript');
  const k = idx ? ev(idx) : null;
  return k && 's' in k ? k.s : null;
}

/** JS `process.env.X || '/api'`, `process.env.X ?? 'api'`, `cfg.prefix || '/api'`: the default, with the source. */
export function jsFallback(n: Node, ev: Eval): Val | null {
  const op = n.childForFieldName('operator')?.text;
  if (op !== '||' && op !== '??') return null;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  if (!l || !r) return null;
  const lv = ev(l);
  if ('s' in lv) return op === '??' || lv.s ? lv : ev(r);
  const rv = ev(r);
  if (!('s' in rv)) return { e: clip(n.text), why: 'expression' };
  return { s: rv.s, src: configured(unwrapExpr(l)?.text ?? l.text, rv.s) };
}

/** `process.env.X` alone: known only at run time. */
export function jsEnv(n: Node): Val | null {
  const t = n.text.replace(/\s+/g, '');
  const m = /^process\.env(?:\.([\w$]+)|\[['"]([^'"]+)['"]\])$/.exec(t);
  return m ? { e: clip(n.text), why: `run-time environment variable ${m[1] ?? m[2]} with no default` } : null;
}

/** `configService.get('app.prefix')`, `config.get<string>('prefix')` (NestJS ConfigService, node-config). */
export function jsConfigGet(call: Node, ev: Eval): Val | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'member_expression' || !/^(?:get|getOrThrow)$/.test(fn.childForFieldName('property')?.text ?? '')) return null;
  if (!/config/i.test(fn.childForFieldName('object')?.text ?? '')) return null;
  const args = named(call.childForFieldName('arguments')!);
  const k = args[0] ? ev(args[0]) : null;
  if (!k || !('s' in k)) return null;
  const v: Val = { e: clip(call.text), why: `configuration value ${k.s}`, ref: { k: 'cfg', key: k.s } };
  // configService.get('X', 'default')
  const d = args[1] ? ev(args[1]) : null;
  return d && 's' in d ? { s: d.s, src: configured(call.text, d.s) } : v;
}

/**
 * A call of a project environment reader (FuncDecl.env: `env('API_PREFIX', '/api')`, `parser.str('API_PREFIX', 'api')`)
 * with its arguments' values (`env`: the positions given `process.env`; `kw`: Python keyword arguments): the default it
 * passes, with where it came from; else why not (no default, one that is no literal, a reader whose default a call cannot
 * be sure of). Null when the call is no lookup (a key that is no string, a source that is not the environment).
 */
export function envCallVal(r: EnvRead, args: readonly Val[], env: readonly number[], text: string, kw?: Record<string, Val>): Val | null {
  const arg = (i: number | undefined): Val | undefined => {
    if (i === undefined) return undefined;
    const name = r.names[i];
    return args[i] ?? (name !== undefined && kw && Object.hasOwn(kw, name) ? kw[name] : undefined);
  };
  const k = arg(r.key);
  const key = k && 's' in k ? k.s : null;
  if ('why' in r)
    return {
      e: clip(text),
      why: `${key !== null ? `run-time environment variable ${key}` : 'function call'} read by \`${r.name}\`, which ${r.why}`,
    };
  if (key === null || (r.source !== undefined && !env.includes(r.source))) return null;
  const what = `run-time environment variable ${key}`;
  const d = arg(r.fallback);
  if (!d) return { e: clip(text), why: `${what} with no default` };
  if (!('s' in d)) return { e: clip(text), why: `${what} whose default is not a literal` };
  const s = r.trim ? d.s.trim() : d.s;
  return { s, src: configured(text, s) };
}

/** A configuration default as the editor says it: "`settings.API_V1_STR` (default `/api/v1`)", "(default empty)". */
export function configured(expr: string, value: string): string {
  return `\`${clip(expr, 60)}\` (default ${value ? `\`${value}\`` : 'empty'})`;
}

/** Where a configured prefix or path comes from, for the editor: "prefix from `settings.X` (default `/api`)". */
export function provenance(what: 'prefix' | 'path', v: { s: string; src?: string }): string | undefined {
  return v.src ? `${what} from ${v.src}` : undefined;
}

/** An expression without `Object.freeze(...)` / `createRoute(...)` / `defineOpenAPIRoute(...)` (@hono/zod-openapi),
 *  parentheses and TypeScript assertions (`{ … } as const`): the object literal they hold; an immediately invoked
 *  function without arguments (`(function () { …; return { … }; })()`) is the object literal it returns. */
export function frozen(n: Node | null): Node | null {
  const u = unwrapExpr(n);
  if (u?.type !== 'call_expression') return u;
  const f = unwrapExpr(u.childForFieldName('function'));
  const args = named(u.childForFieldName('arguments')!);
  if (f && JS_FUNCTION_TYPES.has(f.type) && !args.length && f.parent?.type === 'parenthesized_expression') return factoryObject(f) ?? u;
  if (!/^(?:Object\.freeze|createRoute|defineOpenAPIRoute)$/.test(f?.text ?? '')) return u;
  return unwrapExpr(args[0] ?? null);
}

/** A getter of an object literal that only returns a value (`get apiPrefix() { return "/api"; }`): that value; else
 *  null (also for a method or property that is no such getter). */
export function getterValue(p: Node | null): Node | null {
  if (p?.type !== 'method_definition' || !p.children.some((c) => c?.type === 'get')) return null;
  const body = named(p.childForFieldName('body')!).filter((c) => c.type !== 'comment');
  return body.length === 1 && body[0]!.type === 'return_statement' ? (named(body[0]!)[0] ?? null) : null;
}

/**
 * String leaves of a JS object literal, keyed `name.a.b` (`module.exports = { api: { prefix: '/api' } }`), and NestJS
 * `registerAs('app', () => ({ apiPrefix: process.env.API_PREFIX || 'api' }))`, keyed `cfg:app.apiPrefix`.
 */
export function jsObjectConsts(
  name: string,
  n: Node,
  ev: Eval,
  set: (key: string, v: { s: string; src?: string }) => void,
  depth = 0,
  more?: ObjectLeaves,
): void {
  const u = frozen(n);
  if (!u || depth > 4) return;
  if (u.type === 'call_expression' && /(?:^|\.)registerAs$/.test(u.childForFieldName('function')?.text ?? '')) {
    const [ns, factory] = named(u.childForFieldName('arguments')!);
    const k = ns ? ev(ns) : null;
    const obj = factory ? factoryObject(factory) : null;
    if (k && 's' in k && obj) jsObjectConsts(`cfg:${k.s}`, obj, ev, set, depth + 1, more);
    return;
  }
  if (u.type !== 'object') return;
  for (const p of named(u)) {
    const getter = getterValue(p);
    const key = p.type === 'pair' ? p.childForFieldName('key') : getter ? p.childForFieldName('name') : null;
    const value = getter ?? p.childForFieldName('value');
    if (!key || !value) continue;
    const kv = key.type === 'string' ? ev(key) : { s: key.text };
    if (!('s' in kv)) continue;
    const k = `${name}.${kv.s}`;
    // a route configuration's `method: RequestMethod.POST` (NestJS's enum, read by ./nestDecorators): its name
    const rm = kv.s === 'method' ? /^RequestMethod\.([A-Z]+)$/.exec(unwrapExpr(value)?.text ?? '') : null;
    const v = rm ? { s: rm[1]! } : ev(value);
    const list = 's' in v ? null : stringList(value, ev);
    if ('s' in v) set(k, v);
    else if (list) more?.list(k, list);
    else {
      if (v.ref?.k === 'env') more?.env(k, v); // the default of an environment reader of another module, for the resolver
      if ((kv.s === 'method' || kv.s === 'path') && unwrapExpr(value)?.type !== 'object') more?.opaque(k);
      else jsObjectConsts(k, value, ev, set, depth + 1, more);
    }
  }
}

/** Where jsObjectConsts puts the leaves that are no string: arrays of strings (`path: ['a', 'b']`; an element it does
 *  not read: its text), `method` / `path` keys whose value it does not read, and calls of environment readers of other
 *  modules (the resolver reads them). */
export interface ObjectLeaves {
  list(key: string, strs: (string | { e: string })[]): void;
  opaque(key: string): void;
  env(key: string, v: Val): void;
}

/** The strings of an array of string literals and templates (at most 16; a template it cannot evaluate: its text), else null. */
function stringList(n: Node, ev: Eval): (string | { e: string })[] | null {
  const u = unwrapExpr(n);
  if (u?.type !== 'array') return null;
  const els = named(u).filter((e) => e.type !== 'comment');
  if (!els.length || els.length > 16 || els.some((e) => e.type !== 'string' && e.type !== 'template_string')) return null;
  return els.map((e) => {
    const v = e.type === 'string' ? { s: jsStringLiteral(e) ?? '' } : ev(e);
    return 's' in v ? v.s : { e: e.text };
  });
}

/**
 * zod: `const env = schema.parse(process.env)` with `schema = z.object({ HEALTH_PATH: z.string().default('/health') })`
 * (the schema in place or a `const` of this file): each key's default written in the code is `name.KEY`, as the value
 * when the variable is unset; also `schema.safeParse(process.env).data`, the call in place or a `const` of this file
 * (`const parsed = schema.safeParse(process.env); …; export const env = parsed.data`). A chain that transforms the
 * value (`transform`, `pipe`, `preprocess`) gives none. False when `n` is no such call.
 */
export function zodDefaults(
  name: string,
  n: Node | null,
  ev: Eval,
  declOf: (id: string) => Node | null,
  set: (key: string, v: { s: string; src?: string }) => void,
): boolean {
  const safe = safeParsed(unwrapExpr(n), declOf);
  const u = safe ?? unwrapExpr(n);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  if (f?.type !== 'member_expression' || f.childForFieldName('property')?.text !== (safe ? 'safeParse' : 'parse')) return false;
  let schema = unwrapExpr(f.childForFieldName('object'));
  if (schema?.type === 'identifier') schema = unwrapExpr(declOf(schema.text)?.childForFieldName('value') ?? null);
  const sf = schema?.type === 'call_expression' ? schema.childForFieldName('function') : null;
  const obj = sf && /^(?:z|zod)\.object$/.test(sf.text) ? unwrapExpr(named(schema!.childForFieldName('arguments')!)[0] ?? null) : null;
  if (obj?.type !== 'object') return false;
  for (const p of named(obj)) {
    const key = p.type === 'pair' ? p.childForFieldName('key') : null;
    const d = zodDefault(p.childForFieldName('value'));
    const k = key ? (key.type === 'string' ? ev(key) : { s: key.text }) : null;
    const v = d ? ev(d) : null;
    if (k && 's' in k && v && 's' in v) set(`${name}.${k.s}`, { s: v.s, src: configured(`${name}.${k.s}`, v.s) });
  }
  return true;
}

/** The `schema.safeParse(…)` call whose `.data` `n` reads (`parsed.data` of `const parsed = schema.safeParse(…)`), or null. */
function safeParsed(n: Node | null, declOf: (id: string) => Node | null): Node | null {
  if (n?.type !== 'member_expression' || n.childForFieldName('property')?.text !== 'data') return null;
  let o = unwrapExpr(n.childForFieldName('object'));
  if (o?.type === 'identifier') o = unwrapExpr(declOf(o.text)?.childForFieldName('value') ?? null);
  const f = o?.type === 'call_expression' ? o.childForFieldName('function') : null;
  return f?.type === 'member_expression' && f.childForFieldName('property')?.text === 'safeParse' ? o : null;
}

/** The argument of a zod chain's outermost `.default(x)` (`z.string().min(1).default('/health')`), unless it transforms. */
function zodDefault(n: Node | null): Node | null {
  const u = unwrapExpr(n);
  const f = u?.type === 'call_expression' ? u.childForFieldName('function') : null;
  if (f?.type !== 'member_expression' || f.childForFieldName('property')?.text !== 'default') return null;
  if (/\.\s*(?:transform|pipe|preprocess)\s*\(/.test(f.text)) return null;
  return named(u!.childForFieldName('arguments')!)[0] ?? null;
}

/** The object literal a configuration factory returns: `() => ({ … })`, `function () { return { … }; }`; else null. */
export function factoryObject(fn: Node): Node | null {
  const body = fn.childForFieldName('body');
  const ret = body?.type === 'statement_block' ? named(body).find((c) => c.type === 'return_statement') : body;
  const obj = frozen(ret?.type === 'return_statement' ? (named(ret)[0] ?? null) : (ret ?? null));
  return obj?.type === 'object' ? obj : null;
}
