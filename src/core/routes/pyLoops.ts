/** Python loops over a literal list or tuple, or a concatenation of such (./pyConcat; see ./loops): `for name in
 *  ["users", "items"]:` (module names, prefixes), `for ext in (logging, api, oauth2): ext.init_app(app)`, `for bp,
 *  prefix in ((users.bp, "/users"), (items.bp, "/items")): app.register_blueprint(bp, url_prefix=prefix)`, and a
 *  comprehension with one `for` used for its effect (`[api.include_router(r) for r in routers]`). Pure. */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import type { Loop, LoopSyntax, Part } from './loops';
import { pyLiteralElements } from './pyConcat';
import type { Ref } from './model';
import type { PyAnalyzer } from './python';

/** The `for` statement, or the one `for … in` clause of a comprehension: its pattern (`left`) and sequence (`right`). */
function forClause(n: Node): Node | null {
  if (n.type === 'for_statement') return n;
  if (!COMPREHENSIONS.has(n.type)) return null;
  const clauses = named(n).filter((c) => c.type === 'for_in_clause');
  return clauses.length === 1 ? clauses[0]! : null;
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression']);

export function pySyntax(A: PyAnalyzer, forNodes: readonly Node[]): LoopSyntax {
  return {
    loop(n) {
      const clause = forClause(n);
      const body = clause ? n.childForFieldName('body') : null;
      return body ? { body, seq: clause!.childForFieldName('right') } : null;
    },
    names(n) {
      const names = new Map<string, Part>();
      const pattern = forClause(n)?.childForFieldName('left');
      if (pattern?.type === 'identifier') names.set(pattern.text, { whole: true });
      if (pattern?.type === 'pattern_list' || pattern?.type === 'tuple_pattern')
        named(pattern).forEach((c, index) => c.type === 'identifier' && !names.has(c.text) && names.set(c.text, { index }));
      return names;
    },
    elements(seq) {
      const elements = pyLiteralElements(A, seq);
      return elements ? { elements, partial: false } : null;
    },
    part: (el, part) =>
      'whole' in part ? el : 'index' in part && (el.type === 'tuple' || el.type === 'list') ? (named(el)[part.index] ?? null) : null,
    strings(seq) {
      const elements = pyLiteralElements(A, seq);
      const out: string[] = [];
      for (const e of elements ?? []) {
        const v = e.type === 'string' ? A.evalStr(e) : null;
        if (!v || !('s' in v)) return null;
        out.push(v.s);
      }
      return elements ? out : null;
    },
    candidates: () => forNodes.map((f) => ({ seq: f.childForFieldName('right'), loop: () => f })),
  };
}

/** The loop of the `for` or comprehension around `n` (in the same function) whose name `n` is, when every element has the part the
 *  name takes (`for a, b in …`: tuples of two). */
function loopOf(A: PyAnalyzer, n: Node | null | undefined): Loop | null {
  if (n?.type !== 'identifier') return null;
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition'; p = p.parent) {
    const part = forClause(p) ? A.loops.syntax.names(p).get(n.text) : undefined;
    if (!part) continue;
    const loop = A.loops.of(p);
    return loop?.elements.every((el) => loop.part(el, part)) ? loop : null;
  }
  return null;
}

/** The node `n` stands for at the element being read. */
const pick = (A: PyAnalyzer, n: Node): Node => (n.type === 'identifier' ? A.boundTo(n.text) : null) ?? n;

/** `app.include_router(child, prefix=prefix)` inside such a loop: the (child, prefix) of each element; a child may be
 *  an attribute of the element (`for m in (users, items): app.include_router(m.router)`). */
export function pyLoopMounts(A: PyAnalyzer, child: Node, prefix: Node | undefined): { child: Ref; prefix?: Node }[] {
  const attr = child.type === 'attribute' ? child.childForFieldName('attribute')?.text : undefined;
  const obj = attr ? child.childForFieldName('object')! : child;
  const loop = loopOf(A, obj) ?? (prefix ? loopOf(A, prefix) : null);
  return A.loops.each(loop, () => {
    const c = A.refOf(loop ? pick(A, obj) : child); // outside a loop, `self.items` may be a field (./pySelf)
    return { child: attr && loop ? { k: 'mem', base: c, name: attr } : c, prefix: prefix && loop ? pick(A, prefix) : prefix };
  });
}

/** `ext.init_app(app)` inside such a loop: the callee for each element (`logging.init_app`, `api.init_app`). */
export function pyLoopCallees(A: PyAnalyzer, fnNode: Node): Ref[] | null {
  if (fnNode.type !== 'attribute') return null;
  const name = fnNode.childForFieldName('attribute')?.text ?? '';
  const obj = fnNode.childForFieldName('object');
  const loop = loopOf(A, obj);
  return loop ? A.loops.each(loop, () => pick(A, obj!)).map((e): Ref => ({ k: 'mem', base: A.refOf(e), name })) : null;
}
