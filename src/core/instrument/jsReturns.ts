/**
 * What a JS/TS handler body returns, as the inline instrumentation needs it: the returned expressions (of the body,
 * not of functions nested in it), whether one may be a promise or another thenable, and how to await it. Pure.
 */
import { type Node, walk } from '../parsing/nodes';
import { JS_HANDLER_FUNCTION_TYPES as FUNCTION_TYPES } from '../parsing/javascript';
import type { TextEdit } from './types';

/** Expressions `await` can never make a difference to (literals), and those it binds to without parentheses. */
const NEVER_THENABLE = new Set([
  'string',
  'template_string',
  'number',
  'true',
  'false',
  'null',
  'undefined',
  'regex',
  'array',
  'object',
  'await_expression',
]);
const AWAIT_BINDS = new Set([
  'call_expression',
  'member_expression',
  'subscript_expression',
  'identifier',
  'parenthesized_expression',
  'this',
  'new_expression',
]);

/** `await ` (or `await (`…`)`) for a returned expression; undefined when awaiting it cannot matter. */
export function awaitPrefix(expr: Node): { open: string; close: string } | undefined {
  let inner: Node | null | undefined = expr;
  while (inner?.type === 'parenthesized_expression') inner = inner.namedChildren.find((c) => c && c.type !== 'comment');
  if (!inner || NEVER_THENABLE.has(inner.type)) return undefined;
  return AWAIT_BINDS.has(expr.type) ? { open: 'await ', close: '' } : { open: 'await (', close: ')' };
}

/** The expressions a handler body returns: those of its `return x` statements (not of nested functions), or itself. */
export function returnedExprs(body: Node): Node[] {
  if (body.type !== 'statement_block') return [body];
  const out: Node[] = [];
  walk(body, (n) => {
    if (n !== body && (FUNCTION_TYPES.includes(n.type) || n.type === 'class_declaration' || n.type === 'class')) return false;
    if (n.type !== 'return_statement') return true;
    const expr = n.namedChildren.find((c) => c && c.type !== 'comment');
    if (expr) out.push(expr);
    return false;
  });
  return out;
}

/** `return x` → `return await x` for the returns of a handler body (not of functions nested in it). */
export function awaitReturnEdits(body: Node): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const expr of returnedExprs(body)) {
    const a = awaitPrefix(expr);
    if (!a) continue;
    edits.push({ start: expr.startIndex, end: expr.startIndex, newText: a.open });
    if (a.close) edits.push({ start: expr.endIndex, end: expr.endIndex, newText: a.close });
  }
  return edits;
}

/**
 * Whether a sync handler body may return a promise (or another thenable: a query builder, a Fastify reply): it
 * returns something other than a literal, or than what `answers` knows is the response itself (`res.json(x)`).
 */
export function mayReturnThenable(body: Node, answers: (expr: Node) => boolean): boolean {
  return returnedExprs(body).some((e) => awaitPrefix(e) && !answers(e));
}

/** The name a call chain starts from: `res` of `res.status(404).json(x)`; undefined for any other expression. */
export function chainRoot(expr: Node): string | undefined {
  let n: Node | null = expr;
  while (n && (n.type === 'call_expression' || n.type === 'member_expression')) {
    n = n.type === 'call_expression' ? n.childForFieldName('function') : n.childForFieldName('object');
  }
  return n?.type === 'identifier' ? n.text : undefined;
}
