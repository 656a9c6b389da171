/**
 * JS/TS indexed loops, `for (let i = 0; i < xs.length; i++)` (the bound also a name holding `xs.length`, declared in
 * the initializer or once in the file; `++i`, `i += 1`): read as `for (const x of xs)` whose element is written `xs[i]`,
 * over a literal array (./jsLoops) or a folder listing (./jsFolderLoops: `const files = fs.readdirSync(__dirname)`, then
 * `require(`./${files[i]}`)` in the body). Over a folder listing, `for (const i in files)` is one too. Pure.
 */
import { named, type SyntaxNode as Node } from '../parsing/nodes';
import { unwrapExpr } from '../parsing/javascript';
import type { JsAnalyzer } from './javascript';

/** An indexed loop: the sequence it walks, and how its body writes the element (`xs[i]`). */
export interface IndexedLoop {
  seq: Node;
  element: string;
}

/** The `for` statement `n` as an indexed loop over a sequence; else null. */
export function indexedLoop(A: JsAnalyzer, n: Node): IndexedLoop | null {
  if (n.type !== 'for_statement') return null;
  const init = n.childForFieldName('initializer');
  const decls =
    init && /^(lexical|variable)_declaration$/.test(init.type) ? named(init).filter((d) => d.type === 'variable_declarator') : [];
  const i = decls[0]?.childForFieldName('name');
  if (i?.type !== 'identifier' || decls[0]!.childForFieldName('value')?.text !== '0') return null;
  const c0 = n.childForFieldName('condition');
  const c = c0?.type === 'expression_statement' ? (named(c0)[0] ?? null) : c0;
  if (c?.type !== 'binary_expression' || c.childForFieldName('operator')?.text !== '<' || c.childForFieldName('left')?.text !== i.text)
    return null;
  const step = n.childForFieldName('increment')?.text.replace(/\s+/g, '');
  if (step !== `${i.text}++` && step !== `++${i.text}` && step !== `${i.text}+=1`) return null;
  let bound = unwrapExpr(c.childForFieldName('right'));
  if (bound?.type === 'identifier') {
    const name = bound.text;
    const decl = decls.find((d) => d.childForFieldName('name')?.text === name) ?? A.soleDeclarator(name, n);
    bound = unwrapExpr(decl?.childForFieldName('value') ?? null);
  }
  const seq =
    bound?.type === 'member_expression' && bound.childForFieldName('property')?.text === 'length'
      ? bound.childForFieldName('object')
      : null;
  return seq?.type === 'identifier' ? { seq, element: `${seq.text}[${i.text}]` } : null;
}

/** `for (const i in xs)`, read as an indexed loop when `xs` is known to be an array (a folder listing); else null. */
export function indexInLoop(n: Node): IndexedLoop | null {
  if (n.type !== 'for_in_statement' || n.childForFieldName('operator')?.text !== 'in') return null;
  const [i, seq] = [n.childForFieldName('left'), n.childForFieldName('right')];
  return i?.type === 'identifier' && seq?.type === 'identifier' ? { seq, element: `${seq.text}[${i.text}]` } : null;
}
