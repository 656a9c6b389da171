/** Python loops over a literal table: `for ext in (logging, api, oauth2): ext.init_app(app)`. Pure. */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import type { PyAnalyzer } from './python';

/** The elements a loop variable takes when `n` names the variable of an enclosing `for` over a literal list or tuple
 *  (written in place or a name assigned it once); null otherwise. */
export function pyLoopValues(A: PyAnalyzer, n: Node | null | undefined): readonly Node[] | null {
  if (n?.type !== 'identifier') return null;
  for (let p = n.parent; p && p.type !== 'function_definition' && p.type !== 'class_definition'; p = p.parent) {
    if (p.type !== 'for_statement' || p.childForFieldName('left')?.text !== n.text) continue;
    let seq = p.childForFieldName('right');
    if (seq?.type === 'identifier') seq = A.assignedOnce(seq);
    return seq?.type === 'list' || seq?.type === 'tuple' ? named(seq) : null;
  }
  return null;
}
