/**
 * What JS/TS instrumentation needs to know per framework: the handler's parameters (request, response, context),
 * the request method and path parameters as expressions, and how the response status is known. Pure.
 */
import { jsStaticString, type Node, usesIdentifier } from '../parsing/nodes';
import { jsBareParameter, jsParamNames } from '../parsing/javascript';
import type { Framework, Route } from '../routes/types';
import { chainRoot } from './jsReturns';
import type { TextEdit } from './types';

/** How the status label is known once the body ran (or threw). */
export type StatusRule =
  /** read from the request/response object the handler receives (`res.statusCode`, `ctx.status`) */
  | { kind: 'response'; expr: (req: string | undefined, res: string | undefined) => string }
  /** the status of the Response the handler returns (Hono) */
  | { kind: 'returned' }
  /** fixed by the decorators (`@HttpCode()`, else 201 for POST), or the HttpException thrown (NestJS) */
  | { kind: 'decorated' };

interface FrameworkRules {
  /** Handler parameter roles, in order. */
  roles: string[];
  /** Index of the parameter the status is read from, if it is read from one. */
  statusParam?: number;
  /** Index of the parameter the request method is read from (for a handler serving several methods). */
  methodParam?: number;
  /** The request method, given the request parameter's name. */
  method?: (req: string) => string;
  /** A path parameter's value, given the request parameter's name (undefined when it cannot be had). */
  pathParam: (p: { req: string | undefined; fn: Node; name: string; q: (s: string) => string; ts: boolean }) => string | undefined;
  status: StatusRule;
  /**
   * A returned expression known to be the answer itself, never a promise, given the handler's parameter names:
   * Express `res.json(x)` (the response), Hono `c.json(x)` (a Response). A sync handler returning anything else may
   * return a promise, which the inline code observes until it settles.
   */
  answers?: (expr: Node, params: (string | null)[]) => boolean;
}

const paramsOf = ({ req, name, q }: { req: string | undefined; name: string; q: (s: string) => string }) =>
  req ? `${req}.params[${q(name)}]` : undefined;

/** Express response methods, which return the response (or nothing): `res.status(404).json(x)`. */
const EXPRESS_ANSWERS = new Set(['send', 'json', 'jsonp', 'end', 'render', 'redirect', 'sendStatus', 'sendFile', 'status', 'set', 'type']);
/** Hono Context methods that return a Response (`c.html()` may return a promise of one). */
const HONO_RESPONSES = new Set(['json', 'text', 'body', 'redirect', 'newResponse', 'notFound']);

/** The method a call calls on an object: `json` of `res.status(404).json(x)`; undefined for anything else. */
function calledMethod(e: Node): string | undefined {
  const f = e.type === 'call_expression' ? e.childForFieldName('function') : null;
  return f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
}

const RULES: Partial<Record<Framework, FrameworkRules>> = {
  express: {
    roles: ['req', 'res'],
    statusParam: 1,
    methodParam: 0,
    method: (req) => `${req}.method`,
    pathParam: paramsOf,
    status: { kind: 'response', expr: (_req, res) => `${res}.statusCode` },
    answers: (e, ps) => !!ps[1] && chainRoot(e) === ps[1] && EXPRESS_ANSWERS.has(calledMethod(e) ?? ''),
  },
  fastify: {
    roles: ['request', 'reply'],
    statusParam: 1,
    methodParam: 0,
    method: (req) => `${req}.method`,
    pathParam: (p) => (p.req && p.ts ? `(${p.req}.params as Record<string, unknown>)[${p.q(p.name)}]` : paramsOf(p)),
    status: { kind: 'response', expr: (_req, res) => `${res}.statusCode` },
  },
  koa: {
    roles: ['ctx'],
    statusParam: 0,
    methodParam: 0,
    method: (req) => `${req}.method`,
    pathParam: paramsOf,
    status: { kind: 'response', expr: (req) => `${req}.status` },
  },
  hono: {
    roles: ['c'],
    methodParam: 0,
    method: (req) => `${req}.req.method`,
    pathParam: ({ req, name, q }) => (req ? `${req}.req.param(${q(name)})` : undefined),
    status: { kind: 'returned' },
    answers: (e, ps) => {
      const obj = e.type === 'call_expression' ? e.childForFieldName('function')?.childForFieldName('object') : null;
      return obj?.type === 'identifier' && obj.text === ps[0] && HONO_RESPONSES.has(calledMethod(e) ?? '');
    },
  },
};
const NEST: FrameworkRules = { roles: [], pathParam: ({ fn, name }) => nestParamLocal(fn, name), status: { kind: 'decorated' } };

export function frameworkRules(fw: Framework): FrameworkRules {
  return RULES[fw] ?? NEST;
}

interface ParamInfo {
  /** parameter local names (null: destructured / rest) */
  names: (string | null)[];
  /** where to insert extra parameters; undefined when impossible */
  insertAt?: number;
  /** the lone unparenthesised arrow parameter, which needs parentheses to add more */
  bare?: Node;
}

function params(fn: Node): ParamInfo {
  const names = jsParamNames(fn);
  const bare = jsBareParameter(fn);
  if (bare) return { names, bare };
  const fp = fn.childForFieldName('parameters');
  if (!fp) return { names };
  const last = fp.namedChildren.filter((c) => c && c.type !== 'comment').pop();
  return { names, insertAt: last ? last.endIndex : fp.startIndex + 1 };
}

/**
 * The local names of the framework parameters the instrumentation reads (request for the method when the handler
 * serves several, response or context for the status), adding the missing ones to the parameter list (edits) where
 * that is safe. A refusal (string) when a needed parameter is destructured, or undeclared in a typed named handler.
 */
export function frameworkParams(
  fn: Node,
  rules: FrameworkRules,
  want: { status: boolean; method: boolean; ts: boolean },
  edits: TextEdit[],
): { req: string | undefined; res: string | undefined } | string {
  const { roles } = rules;
  const pinfo = params(fn);
  const need = new Set<number>();
  if (want.status && rules.statusParam !== undefined) need.add(rules.statusParam);
  if (want.method && rules.methodParam !== undefined) need.add(rules.methodParam);
  const local: (string | undefined)[] = roles.map((_, i) => pinfo.names[i] ?? undefined);
  const maxNeeded = Math.max(-1, ...need);
  for (const i of need) {
    if (i < pinfo.names.length && pinfo.names[i] === null)
      return `parameter ${i + 1} of the handler is destructured; name it (e.g. ${roles[i]}) to instrument it`;
  }
  if (maxNeeded >= pinfo.names.length) {
    const inline = fn.parent?.type === 'arguments' || fn.parent?.type === 'pair';
    if (want.ts && !inline) return `the handler does not declare its ${roles[maxNeeded]} parameter; add it to instrument the handler`;
    const add: string[] = [];
    for (let i = pinfo.names.length; i <= maxNeeded; i++) {
      const base = need.has(i) ? roles[i]! : `_${roles[i]}`;
      const n = usesIdentifier(fn, base) ? `telemetry${base[0]!.toUpperCase()}${base.slice(1)}` : base;
      add.push(n);
      local[i] = n;
    }
    if (pinfo.bare) {
      edits.push({ start: pinfo.bare.startIndex, end: pinfo.bare.startIndex, newText: '(' });
      edits.push({ start: pinfo.bare.endIndex, end: pinfo.bare.endIndex, newText: `, ${add.join(', ')})` });
    } else if (pinfo.insertAt !== undefined) {
      edits.push({ start: pinfo.insertAt, end: pinfo.insertAt, newText: (pinfo.names.length ? ', ' : '') + add.join(', ') });
    } else return 'cannot add the missing request/response parameters';
  }
  return { req: local[0], res: local[1] };
}

/** A class method's decorators, nearest first: its preceding siblings in the class body (comments skipped). */
export function decoratorsOf(fn: Node): Node[] {
  const out: Node[] = [];
  for (let d = fn.previousNamedSibling; d && (d.type === 'decorator' || d.type === 'comment'); d = d.previousNamedSibling) {
    if (d.type === 'decorator') out.push(d);
  }
  return out;
}

/** A NestJS method decorator call by name (`@HttpCode(204)` → its call expression). */
function nestDecorator(fn: Node, name: string): Node | undefined {
  for (const d of decoratorsOf(fn)) {
    const call = d.namedChildren[0];
    if (call?.type === 'call_expression' && call.childForFieldName('function')?.text === name) return call;
  }
  return undefined;
}

/**
 * NestJS: the status a method answers with, from `@Redirect(url, code)` (its code, else 302: a returned
 * `{ url, statusCode }` is read at run time, see nestRedirect), `@HttpCode()`, else 201 for POST and 200 otherwise.
 */
export function nestStatus(fn: Node, route: Route): string {
  const redirect = nestDecorator(fn, 'Redirect');
  if (redirect) return redirect.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment')[1]?.text ?? '302';
  const arg = nestDecorator(fn, 'HttpCode')?.childForFieldName('arguments')?.namedChildren[0];
  if (arg) return arg.text;
  return route.methods.length === 1 && route.methods[0] === 'POST' ? '201' : '200';
}

/** NestJS: a `@Redirect()` method, whose returned `{ url, statusCode }` may set the status. */
export function nestRedirect(fn: Node): boolean {
  return !!nestDecorator(fn, 'Redirect');
}

/**
 * NestJS: the parameter the response is injected into with `@Res()` / `@Response()` (Express or Fastify under Nest):
 * the method answers with it (or sets its status, with `passthrough`), so the status is its statusCode at the end.
 */
export function nestResponseParam(fn: Node): string | undefined {
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    const dec = p?.namedChildren.find((c) => c?.type === 'decorator');
    const call = dec?.namedChildren[0];
    const name = call?.type === 'call_expression' ? call.childForFieldName('function')?.text : undefined;
    const pat = p?.childForFieldName('pattern');
    if ((name === 'Res' || name === 'Response') && pat?.type === 'identifier') return pat.text;
  }
  return undefined;
}

/** NestJS: a method declared to return an Observable, which Nest subscribes to after the method has returned. */
export function nestReturnsObservable(fn: Node): boolean {
  return /^:\s*(?:Observable|rxjs\.Observable)\s*(?:<|$)/.test(fn.childForFieldName('return_type')?.text ?? '');
}

/** NestJS: the parameter bound to a path parameter by `@Param('name')`. */
function nestParamLocal(fn: Node, name: string): string | undefined {
  const fp = fn.childForFieldName('parameters');
  for (const p of fp?.namedChildren ?? []) {
    if (!p) continue;
    const dec = p.namedChildren.find((c) => c?.type === 'decorator');
    const call = dec?.namedChildren[0];
    if (call?.type !== 'call_expression' || call.childForFieldName('function')?.text !== 'Param') continue;
    const arg = jsStaticString(call.childForFieldName('arguments')?.namedChildren[0]);
    const pat = p.childForFieldName('pattern');
    if (arg === name && pat?.type === 'identifier') return pat.text;
  }
  return undefined;
}
