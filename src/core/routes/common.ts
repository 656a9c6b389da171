/** Small helpers shared by the Python and JavaScript route analyzers. */
import { derived, lineOf, type SyntaxNode as Node } from '../parsing/nodes';
import { errorMessage } from '../errors';
import type { Framework, HttpMethod } from './types';
import type { FileAnalysis, RawRoute, Ref, Val, ValPart } from './model';

const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ALL'];

/** The export (and member) suffix naming a JS route table's rows function (./jsRouteTables). */
export const TABLE_ROWS = '#rows';

/** The properties naming the handler of a route object (`handler`) and, of a row of a table dispatched by its method
 *  (`router[row.method](row.path, row.controller)`: ./jsRouteTables), also `controller`, in the order they are read;
 *  Instrument Route wraps the value of the same one. */
export const ROUTE_OBJECT_HANDLER_KEYS = ['handler'] as const;
export const TABLE_ROW_HANDLER_KEYS = ['handler', 'controller'] as const;

export function toMethod(s: string): HttpMethod | null {
  const u = s.toUpperCase();
  if (u === 'DEL') return 'DELETE';
  return (HTTP_METHODS as readonly string[]).includes(u) ? (u as HttpMethod) : null;
}

export function clip(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function none(n: Node | null | undefined): Ref {
  return { k: 'none', text: n ? derived(n, 'none', () => clip(n.text, 60)) : '' };
}

/** Safely runs a step of the analysis; failures become notes instead of exceptions (`what` names the step). */
function guard<T>(notes: string[], what: (arg: T) => string, fn: (arg: T) => void, arg: T): void {
  try {
    fn(arg);
  } catch (e) {
    if (notes.length < 50) notes.push(`${what(arg)}: internal error ${errorMessage(e)}`);
  }
}

/** Captures handled by one step (a step per capture would make two closures per capture and run). */
const BATCH = 8;

/**
 * The analysis of one file as small guarded steps over the query captures, grouped by capture name, so it
 * can run at once or time-sliced. `withFinish` adds a last step that appends the steps `finish` returns:
 * those depend on every binding the earlier steps made (exports, constants).
 */
export function captureSteps(notes: string[], caps: { name: string; node: Node }[]) {
  const byName: Record<string, Node[]> = {};
  const seen = new Set<string>();
  for (const c of caps) {
    const k = `${c.name}|${c.node.id}`;
    if (seen.has(k)) continue; // a node two patterns of one capture name match is one step
    seen.add(k);
    (byName[c.name] ??= []).push(c.node);
  }
  const nodes = (name: string): Node[] => byName[name] ?? [];
  return {
    nodes,
    each: (name: string, what: string, fn: (n: Node) => void): (() => void)[] => {
      const ns = nodes(name);
      const where = (n: Node): string => `${what} line ${lineOf(n)}`;
      const steps: (() => void)[] = [];
      for (let from = 0; from < ns.length; from += BATCH) {
        const to = Math.min(from + BATCH, ns.length);
        steps.push(() => {
          for (let i = from; i < to; i++) guard(notes, where, fn, ns[i]!);
        });
      }
      return steps;
    },
    withFinish: (steps: (() => void)[], finish: () => (() => void)[]): (() => void)[] => {
      const exports = (): string => 'exports';
      const call = (f: () => void): void => f();
      steps.push(() => steps.push(...finish().map((f) => () => guard(notes, exports, call, f))));
      return steps;
    },
  };
}

/** Concatenates evaluated pieces: a literal when all are literal; otherwise an expression that keeps the
 *  pieces when every non-literal piece may still be an imported constant (resolved across files later). */
export function concatVals(vals: Val[], n: Node, why: string): Val {
  if (vals.every((v) => 's' in v)) return { s: vals.map((v) => (v as { s: string }).s).join('') };
  const text = clip(n.text);
  const parts: ValPart[] = [];
  let resolvable = true;
  let cause = '';
  for (const v of vals) {
    if ('s' in v) parts.push(v.s);
    else if (v.parts) parts.push(...v.parts);
    else if (v.ref) parts.push({ e: v.e, ref: v.ref });
    else {
      resolvable = false;
      // `f"/{getenv('ENDPOINT')}"`: say which part is unknown, and why, when that is more than "an expression"
      if (!cause && v.why !== 'expression') cause = ` (${v.why})`;
    }
  }
  const out: Val = resolvable ? { e: text, why, parts } : { e: text, why: why + cause };
  const tail = literalTail(vals);
  if (tail) out.tail = tail;
  return out;
}

/** The literal text after the last unknown piece (that piece's own literal end included). */
function literalTail(vals: Val[]): string {
  let tail = '';
  for (let i = vals.length - 1; i >= 0; i--) {
    const v = vals[i]!;
    if ('s' in v) tail = v.s + tail;
    else return (v.tail ?? '') + tail;
  }
  return tail;
}

/** Could calling this reach a function of the project (whose parameters may then be bound)? */
export function mayBeLocalFunction(r: Ref): boolean {
  switch (r.k) {
    case 'fn':
    case 'param':
    case 'imp': // a bare specifier may be a path alias (`@/lib/setup`): resolve.ts decides
      return true;
    case 'mem':
    case 'wrap':
      return mayBeLocalFunction(r.k === 'mem' ? r.base : r.inner);
    case 'inst':
    case 'self':
    case 'cls':
    case 'ret':
      return true;
    default:
      return false;
  }
}

export const METHOD_DECORATORS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** The route form of a Python decorator method: `.get`… (FastAPI or Flask), `.route` (Flask), `.api_route` (FastAPI). */
export function decoratorFlavour(method: string): 'py-method' | 'py-route' | 'py-api-route' | null {
  if (METHOD_DECORATORS.has(method)) return 'py-method';
  return method === 'route' ? 'py-route' : method === 'api_route' ? 'py-api-route' : null;
}

/** Framework for a route on a parameter whose callers are unknown: the file's imports, then the workspace's objects
 *  (`ws`); none for a route table's. */
export function guessFramework(fa: FileAnalysis, r: RawRoute, ws: Iterable<Framework>): Framework | null {
  if (r.owner?.k === 'param' && fa.functions[r.owner.fn]?.table) return null; // a table nobody applies: no route
  const ok = (s: Iterable<Framework>): Framework[] => [...s].filter((f) => f !== 'nestjs' && compatible(r, f));
  const fromFile = ok(fa.frameworks);
  if (fromFile.length) return fromFile.length === 1 ? fromFile[0]! : null;
  const all = ok(ws);
  return all.length === 1 ? all[0]! : null;
}

/** Can a registration of this form belong to an object of this framework? */
export function compatible(r: Pick<RawRoute, 'flavour'>, fw: Framework): boolean {
  switch (r.flavour) {
    case 'py-method':
    case 'py-route':
      return fw === 'fastapi' || fw === 'flask';
    case 'py-api-route':
    case 'py-add-api-route':
      return fw === 'fastapi';
    case 'py-add-url-rule':
      return fw === 'flask';
    case 'py-resource': // Flask-RESTful / MethodView classes, fastapi-restful resources
      return fw === 'flask' || fw === 'fastapi';
    case 'js-route-object': // Fastify `app.route({ … })`, koa-joi-router `router.route({ … })`
      return fw === 'fastify' || fw === 'koa';
    case 'hono-on':
      return fw === 'hono';
    case 'js-chain':
      return fw === 'express';
    case 'js-method':
      return fw === 'express' || fw === 'koa' || fw === 'hono' || fw === 'fastify';
    case 'nest':
      return fw === 'nestjs';
  }
}

/** The last identifier of an expression's text (`controller.create` → `create`), or null. */
export function lastName(text: string): string | null {
  // scanned back from the end, not a `…\s*$` regex: that is quadratic on a long identifier (repository text)
  const t = text.trimEnd();
  let i = t.length;
  while (i > 0 && /[\w$]/.test(t[i - 1]!)) i--;
  while (i < t.length && /\d/.test(t[i]!)) i++;
  return i < t.length ? t.slice(i) : null;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `new <name>()` of package `pkg` makes a Hono app: Hono's `Hono` (from any entry), @hono/zod-openapi's `OpenAPIHono`. */
export function makesHonoApp(pkg: string, name: string): boolean {
  return ((pkg === 'hono' || pkg.startsWith('hono/')) && name === 'Hono') || (pkg === '@hono/zod-openapi' && name === 'OpenAPIHono');
}
