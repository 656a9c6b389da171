/** Python loops over a literal table: `for ext in (logging, api, oauth2): ext.init_app(app)`, `for bp, prefix in
 *  ((users.bp, "/users"), (items.bp, "/items")): app.register_blueprint(bp, url_prefix=prefix)`. Pure. */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import type { Ref } from './model';
import type { PyAnalyzer } from './python';

/** The list or tuple a `for` iterates: written in place, or a name assigned one once. */
export function literalSequence(A: PyAnalyzer, n: Node | null): Node | null {
  const seq = n?.type === 'identifier' ? A.assignedOnce(n) : n;
  return seq?.type === 'list' || seq?.type === 'tuple' ? seq : null;
}

/** The values a loop variable takes when `n` names the variable of an enclosing `for` over a literal list or tuple
 *  (written in place or a name assigned it once), one per element (a tuple element's part for `for a, b in …`);
 *  null otherwise, or when an element does not have that part. */
export function pyLoopValues(A: PyAnalyzer, n: Node | null | undefined): readonly Node[] | null {
  if (n?.type !== 'identifier') return null;
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition'; p = p.parent) {
    const left = p.type === 'for_statement' ? p.childForFieldName('left') : null;
    const names = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? named(left) : left ? [left] : [];
    const i = names.findIndex((x) => x.type === 'identifier' && x.text === n.text);
    if (i < 0) continue;
    const seq = literalSequence(A, p.childForFieldName('right'));
    if (!seq) return null;
    if (names.length === 1) return named(seq);
    const parts = named(seq).map((e) => (e.type === 'tuple' || e.type === 'list' ? named(e)[i] : undefined));
    return parts.every((x) => x) ? (parts as Node[]) : null;
  }
  return null;
}

/** `app.include_router(child, prefix=prefix)` inside such a loop: the (child, prefix) of each element. */
export function pyLoopMounts(A: PyAnalyzer, child: Node, prefix: Node | undefined): { child: Node; prefix?: Node }[] {
  const kids = pyLoopValues(A, child);
  const pres = prefix ? pyLoopValues(A, prefix) : null;
  const count = kids?.length ?? pres?.length ?? 1;
  return Array.from({ length: count }, (_, i) => ({ child: kids?.[i] ?? child, prefix: pres?.[i] ?? prefix }));
}

/** `ext.init_app(app)` inside such a loop: the callee for each element (`logging.init_app`, `api.init_app`). */
export function pyLoopCallees(A: PyAnalyzer, fnNode: Node): Ref[] | null {
  if (fnNode.type !== 'attribute') return null;
  const name = fnNode.childForFieldName('attribute')?.text ?? '';
  return pyLoopValues(A, fnNode.childForFieldName('object'))?.map((e): Ref => ({ k: 'mem', base: A.refOf(e), name })) ?? null;
}
