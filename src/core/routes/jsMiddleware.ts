/**
 * Middleware bound to a method is not a route: `app.get('/admin/*', adminMiddleware)` registers a guard in front of
 * the endpoints that follow; when it passes the request on (`await next()`), another registration answers it. The
 * analysis marks the functions that pass requests on (`FuncDecl.passes`); the resolver drops a registration whose
 * last handler is one, where the framework makes that certain.
 */
import { derived, named, usesIdentifier, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { isInlineFunction, JS_FUNCTION_TYPES, jsParamNames, unwrapExpr } from '../parsing/javascript';
import type { FuncDecl } from './model';
import type { Framework } from './types';
import type { JsAnalyzer } from './javascript';

/** Middleware factories: the function they wrap is a middleware (`createMiddleware(async (c, next) => …)`). */
const FACTORIES: Record<string, readonly string[]> = { 'hono/factory': ['createMiddleware'], 'hono/validator': ['validator'] };

const FACTORY_NAMES = new Set(Object.values(FACTORIES).flat());

/** Marks the functions of a module that pass the request on (after its exports are known: run last). */
export function markMiddlewares(A: JsAnalyzer): void {
  A.fa.functions.forEach((d, id) => {
    const fn = A.fnNode(id);
    const p = fn ? passes(A, fn) : undefined;
    if (p) d.passes = p;
  });
}

function passes(A: JsAnalyzer, fn: Node): FuncDecl['passes'] {
  const call = fn.parent?.type === 'arguments' ? fn.parent.parent : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  // the name first: resolving every callee a function is passed to costs more than the rest of this pass
  const pkg = callee && FACTORY_NAMES.has(callee.text.replace(/^.*\./, '')) ? A.pkgOf(A.refOf(callee)) : null;
  if (pkg && FACTORIES[pkg.pkg]?.includes(pkg.name)) return 'factory';
  // what the function's own code says depends on its subtree alone: a mirror node keeps it across edits
  return derived(fn, 'passes', () => callsOwnNext(fn));
}

/** (c, next) / (ctx, next) / (req, res, next): the last parameter, called with no argument. */
function callsOwnNext(fn: Node): FuncDecl['passes'] {
  const names = jsParamNames(fn);
  const next = names.at(-1);
  if (names.length < 2 || names.length > 3 || !next) return undefined;
  const body = fn.childForFieldName('body');
  // the text first (`next()` written somewhere), the syntax tree only then: most functions never call their last parameter
  if (!body || !bareCallText(next).test(body.text) || !callsBare(body, next)) return undefined;
  // ends by answering (`return c.json(…)`): a handler that only falls through now and then (`if (!job) return next()`)
  if (answersLast(body, next)) return undefined;
  const res = names[1];
  return names.length === 3 && res && !usesIdentifier(body, res) ? 'silent' : 'next';
}

/**
 * Does a block body end by answering? Its last statement returns something other than `next()`, or is an
 * `if … else` whose every branch does, or throws after the body has answered somewhere (`return c.json(…)` on its
 * other branches: a guard that throws returns nothing but `next()`).
 */
function answersLast(body: Node, next: string): boolean {
  return endsAnswering(body, next, () => returnsAnswer(body, next));
}

function endsAnswering(n: Node | null, next: string, answered: () => boolean): boolean {
  const last = n?.type === 'statement_block' ? lastStatement(n) : n;
  if (last?.type === 'statement_block') return endsAnswering(last, next, answered);
  if (last?.type === 'return_statement') return isAnswer(named(last)[0], next);
  if (last?.type === 'throw_statement') return answered();
  if (last?.type !== 'if_statement') return false;
  const alt = last.childForFieldName('alternative');
  const otherwise = alt ? (named(alt).find((c) => c.type !== 'comment') ?? null) : null;
  return !!otherwise && endsAnswering(last.childForFieldName('consequence'), next, answered) && endsAnswering(otherwise, next, answered);
}

function lastStatement(block: Node): Node | undefined {
  return named(block)
    .filter((n) => n.type !== 'comment')
    .at(-1);
}

/** A returned value other than `next()` (`return;` answers nothing). */
function isAnswer(value: Node | undefined, next: string): boolean {
  const call = value ? unwrapExpr(value) : null;
  return !!call && !(call.type === 'call_expression' && call.childForFieldName('function')?.text === next);
}

/** Does the body (not its nested functions) return a value other than `next()` anywhere? */
function returnsAnswer(body: Node, next: string): boolean {
  let found = false;
  walk(body, (n) => {
    if (found || (n !== body && JS_FUNCTION_TYPES.has(n.type))) return false;
    if (n.type === 'return_statement' && isAnswer(named(n)[0], next)) found = true;
    return !found;
  });
  return found;
}

/** `name()` in text (`name` is an identifier: only `$` needs escaping). */
function bareCallText(name: string): RegExp {
  return new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}\\s*\\(\\s*\\)`);
}

/** Does `body` call `name()` with no argument (`next()`, `await next()`; not `next(err)`, not `it.next()`)? */
function callsBare(body: Node, name: string): boolean {
  let found = false;
  walk(body, (n) => {
    if (found) return false;
    const f = n.type === 'call_expression' ? n.childForFieldName('function') : null;
    const args = n.childForFieldName('arguments');
    if (f?.type === 'identifier' && f.text === name && args && !named(args).length) found = true;
    return !found;
  });
  return found;
}

/**
 * Is a route whose last handler is `fn` really a middleware? Hono: any function that passes the request on (a Hono
 * handler never calls `next`). Express: only one that calls `next()` and never touches the response (a handler that
 * sometimes calls `next()` or `next(err)` still answers). Koa route handlers often end with `await next()`: never.
 */
export function passesOn(fw: Framework, fn: FuncDecl | undefined): boolean {
  if (!fn?.passes) return false;
  return fw === 'hono' || (fw === 'express' && fn.passes === 'silent');
}

/**
 * Hono `app.use('/p', mw…, last)`: is `last` a function (written in place, or declared in this module) that cannot pass
 * the request on, declaring no `next` (one parameter, `c`, or none)? Then it answers every method on the path: a route.
 */
export function answersUse(A: JsAnalyzer, last: Node): boolean {
  const u = unwrapExpr(last);
  const r = u && !isInlineFunction(u) ? A.refOf(u) : null;
  const fn = r?.k === 'fn' ? A.fnNode(r.id) : u && isInlineFunction(u) ? u : undefined;
  return !!fn && jsParamNames(fn).length <= 1 && !fn.childForFieldName('parameters')?.text.includes('...');
}
