/**
 * The value a `let` of a loop body holds where it is read, when the statements between its declaration and the read
 * change it in ways a NameExpr can follow (./jsFolderLoops):
 *
 *   let route = file.slice(6, -3);
 *   if (route.endsWith('index')) route = route.slice(0, -5);
 *   app.use(route, require(path.resolve(file)));
 *
 * Each step is an expression over the value before it: `x = e`, `x += e`, and an `if` whose branches only do such
 * steps (a `pick` of the test). Anything else that may assign the name (a loop, a call's callback, an exit from a
 * branch) leaves the value unknown. Pure.
 */
import { named, walk, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { NameExpr } from './folderLoops';

/** Evaluates an expression with some names bound to values (the variable as it is before a step). */
export type BoundEval = (x: Node, bound: ReadonlyMap<string, NameExpr>) => NameExpr | null;

/** Statements followed between a declaration and its read, and nodes searched for assignments (repository input). */
const MAX_STEPS = 32;
const MAX_NODES = 5000;

const DECL = /^(?:lexical_declaration|variable_declaration)$/;

/**
 * The value of the variable `use` reads, declared with a value in a block of the range [lo, hi) (a loop body) before
 * the statement that reads it: undefined when no such declaration is there (the caller reads the name otherwise), null
 * when a statement between may change it in a way not followed.
 */
export function letValue(use: Node, lo: number, hi: number, ev: BoundEval): NameExpr | null | undefined {
  const name = use.text;
  for (let s: Node = use; s.parent && s.parent.startIndex >= lo && s.parent.endIndex <= hi; s = s.parent) {
    const block = s.parent;
    if (block.type !== 'statement_block') {
      if (s.type !== 'statement_block' && assignsBefore(s, name, use)) return null; // `f(x = g(x), x)`
      continue;
    }
    const stmts = named(block).filter((x) => x.type !== 'comment');
    const i = stmts.findIndex((x) => x.id === s.id);
    if (i < 0) return null;
    let j = i - 1;
    while (j >= 0 && declared(stmts[j]!, name) === undefined) j--;
    if (j >= 0) {
      const init = declared(stmts[j]!, name);
      if (!init || i - j > MAX_STEPS) return null;
      let v = ev(init, new Map());
      for (const st of stmts.slice(j + 1, i)) v = v && step(st, name, v, ev);
      return v && assignsBefore(s, name, use) ? null : v;
    }
    if (stmts.slice(0, i).some((st) => assigns(st, name)) || assignsBefore(s, name, use)) return null;
  }
  return undefined;
}

/** The value a `let`/`var` statement declares `name` with: its initializer; null without one (or destructured);
 *  undefined when it does not declare the name. */
function declared(st: Node, name: string): Node | null | undefined {
  if (!DECL.test(st.type)) return undefined;
  for (const d of named(st)) {
    if (d.type !== 'variable_declarator') continue;
    const id = d.childForFieldName('name');
    if (id?.type === 'identifier' && id.text === name) return d.childForFieldName('value');
  }
  return undefined;
}

/** The value after statement `st`, given `v` before it; null when it changes the name in a way not followed. */
function step(st: Node, name: string, v: NameExpr, ev: BoundEval, depth = 0): NameExpr | null {
  if (!assigns(st, name)) return v;
  if (depth > 4) return null;
  const bound = new Map([[name, v]]);
  if (st.type === 'expression_statement') {
    const a = unwrapExpr(named(st)[0] ?? null);
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!a || left?.type !== 'identifier' || left.text !== name || !right || assigns(right, name)) return null;
    const op =
      a.type === 'augmented_assignment_expression' ? a.childForFieldName('operator')?.text : a.type === 'assignment_expression' ? '=' : '';
    const r = op === '=' || op === '+=' ? ev(right, bound) : null;
    return r && (op === '=' ? r : { k: 'cat', parts: [v, r] });
  }
  if (st.type === 'statement_block') {
    let out: NameExpr | null = v;
    for (const x of named(st).filter((y) => y.type !== 'comment')) out = out && step(x, name, out, ev, depth + 1);
    return out;
  }
  if (st.type !== 'if_statement') return null;
  const cond = st.childForFieldName('condition');
  const then = st.childForFieldName('consequence');
  const alt = st.childForFieldName('alternative'); // an else_clause
  const test = cond && !assigns(cond, name) ? ev(cond, bound) : null;
  const a = then ? step(then, name, v, ev, depth + 1) : null;
  const elseSt = alt ? (named(alt)[0] ?? null) : null;
  const b = alt ? (elseSt ? step(elseSt, name, v, ev, depth + 1) : null) : v;
  return test && a && b ? { k: 'call', fn: 'pick', on: test, args: [a, b] } : null;
}

/** Whether `n` may assign `name` (an assignment, `++`/`--`, a declaration of it in a nested scope is not one). */
function assigns(n: Node, name: string): boolean {
  if (!n.text.includes(name)) return false;
  let found = false;
  let seen = 0;
  walk(n, (x) => {
    if (found || ++seen > MAX_NODES) {
      found ||= seen > MAX_NODES; // too large to read: it may
      return false;
    }
    if (/^(?:assignment_expression|augmented_assignment_expression)$/.test(x.type)) {
      const left = x.childForFieldName('left');
      if (left?.type === 'identifier' && left.text === name) found = true;
    } else if (x.type === 'update_expression' && named(x).some((y) => y.type === 'identifier' && y.text === name)) found = true;
    return !found;
  });
  return found;
}

/** Whether `s` assigns `name` before the read `use` it holds (`app.use(x = f(x), …)`). */
function assignsBefore(s: Node, name: string, use: Node): boolean {
  if (!assigns(s, name)) return false;
  let found = false;
  walk(s, (x) => {
    if (found || x.startIndex >= use.startIndex) return false;
    const left = x.childForFieldName('left');
    if (/assignment_expression$/.test(x.type) && left?.type === 'identifier' && left.text === name) found = true;
    if (x.type === 'update_expression' && named(x).some((y) => y.type === 'identifier' && y.text === name)) found = true;
    return !found;
  });
  return found;
}

/** The names a body changes by `x += …` (not a binding: see Analyzer.declaredIn), with the statement's text. */
export function augmented(body: Node): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  let seen = 0;
  walk(body, (x) => {
    if (++seen > MAX_NODES) return false;
    const left = x.type === 'augmented_assignment_expression' ? x.childForFieldName('left') : null;
    if (left?.type === 'identifier') out.push({ name: left.text, text: x.text });
    return true;
  });
  return out;
}
