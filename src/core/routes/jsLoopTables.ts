/**
 * Routers mounted in a loop over a literal table of this file: `routes.forEach((r) => app.use(r.path, r.router))`,
 * `ROUTES.forEach(([prefix, router]) => app.use(prefix, router))`, `for (const { path, router } of ROUTES) app.use(path,
 * router)`. The table's elements are read where the loop variable stands. Pure.
 */
import { clip, concatVals } from './common';
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';
import type { Val } from './model';

/** The loop around some call arguments: its table's elements, and what an argument is for one element. */
export interface LoopTable {
  elements: Node[];
  /** The node `n` stands for when the loop is at element `el` (`n` itself when it does not depend on the loop). */
  pick(n: Node, el: Node): Node | null;
}

/** A name read in the loop body: `prefix`, also as a shorthand property (`{ prefix }`). */
function isName(n: Node | null | undefined): n is Node {
  return n?.type === 'identifier' || n?.type === 'shorthand_property_identifier';
}

/** How a loop binds a name: the whole element, one index of an array element, or one key of an object element. */
type Part = { whole: true } | { index: number } | { key: string };

function partOf(pattern: Node | null | undefined, name: string): Part | null {
  if (pattern?.type === 'identifier') return pattern.text === name ? { whole: true } : null;
  if (pattern?.type === 'array_pattern') {
    const i = named(pattern).findIndex((c) => c.type === 'identifier' && c.text === name);
    return i >= 0 ? { index: i } : null;
  }
  if (pattern?.type !== 'object_pattern') return null;
  for (const c of named(pattern)) {
    if (c.type === 'shorthand_property_identifier_pattern' && c.text === name) return { key: name };
    if (c.type === 'pair_pattern' && c.childForFieldName('value')?.text === name) return { key: c.childForFieldName('key')?.text ?? '' };
  }
  return null;
}

/** The enclosing loop that binds `name` at `at`, over a literal array: a `forEach`/`map` callback's first parameter,
 *  or the variable of a `for … of`. `member`: the name is read as `name.prop` (a bare forEach parameter is passed to
 *  the callback as it is: call edges follow it). */
function loopBinding(A: JsAnalyzer, at: Node, name: string, member: boolean): { part: Part; elements: Node[] } | null {
  for (let p = at.parent; p; p = p.parent) {
    let pattern: Node | null | undefined;
    let arr: Node | null | undefined;
    if (p.type === 'for_in_statement' && p.children.some((c) => c?.type === 'of')) {
      pattern = p.childForFieldName('left');
      arr = p.childForFieldName('right');
    } else if (/^(arrow_function|function_expression|function)$/.test(p.type)) {
      const params = p.childForFieldName('parameters');
      pattern = p.childForFieldName('parameter') ?? (params ? named(params)[0] : null);
      pattern = pattern?.type === 'required_parameter' ? pattern.childForFieldName('pattern') : pattern;
      const call = p.parent?.type === 'arguments' ? p.parent.parent : null;
      const f = call?.childForFieldName('function');
      const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : null;
      arr = m === 'forEach' || m === 'map' ? f!.childForFieldName('object') : null;
      if (!arr && partOf(pattern, name)) return null; // bound by another function's parameter
      if (pattern?.type === 'identifier' && !member) arr = null;
    } else continue;
    const part = partOf(pattern, name);
    if (!part) continue;
    const elements = arr ? tableElements(A, arr) : null;
    return elements ? { part, elements } : null;
  }
  return null;
}

/** The elements of a literal array, written in place or the value of a name declared once in this file. */
function tableElements(A: JsAnalyzer, n: Node): Node[] | null {
  return A.arrayElements(n, false)?.map((e) => unwrapExpr(e) ?? e) ?? null;
}

function take(A: JsAnalyzer, part: Part, el: Node): Node | null {
  if ('whole' in part) return el;
  if ('index' in part) return el.type === 'array' ? (named(el)[part.index] ?? null) : null;
  return el.type === 'object' ? A.prop(el, part.key) : null;
}

/** The loop the arguments of a call inside it read their values from, when one of them reads the loop variable. */
export function loopTable(A: JsAnalyzer, argv: readonly Node[]): LoopTable | null {
  for (const a of argv) {
    const u = unwrapExpr(a);
    const member = u?.type === 'member_expression';
    const id = member ? u.childForFieldName('object') : u;
    if (!isName(id)) continue;
    const b = loopBinding(A, id, id.text, member);
    if (!b) continue;
    const { part, elements } = b;
    const pick = (n: Node, el: Node): Node | null => {
      const v = unwrapExpr(n) ?? n;
      const vb = isName(v) ? loopBinding(A, v, v.text, false) : null;
      if (vb) return take(A, vb.part, el);
      const obj = v.type === 'member_expression' ? v.childForFieldName('object') : null;
      if (obj?.type === 'identifier' && obj.text === id.text && member) {
        const whole = take(A, part, el);
        return whole?.type === 'object' ? A.prop(whole, v.childForFieldName('property')?.text ?? '') : null;
      }
      return v;
    };
    return { elements, pick };
  }
  return null;
}

/** A string expression inside the loop body at element `el`: `${config.api.prefix}${r.path}`, `'/v3' + prefix`. */
export function evalInLoop(A: JsAnalyzer, n0: Node, table: LoopTable, el: Node): Val {
  const n = unwrapExpr(n0) ?? n0;
  const picked = table.pick(n, el);
  if (picked !== n) return picked ? A.evalStr(picked) : { e: clip(n.text), why: 'expression' };
  const parts =
    n.type === 'template_string'
      ? named(n)
      : n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+'
        ? named(n)
        : null;
  if (!parts) return A.evalStr(n);
  const vals = parts.map((c): Val => {
    if (c.type === 'string_fragment') return { s: c.text };
    if (c.type === 'template_substitution') return named(c)[0] ? evalInLoop(A, named(c)[0]!, table, el) : { e: '', why: 'expression' };
    return evalInLoop(A, c, table, el);
  });
  return concatVals(vals, n, 'template literal with substitutions');
}
