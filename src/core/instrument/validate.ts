/** Parsing helpers: run code against a live syntax tree; validate a planned result by re-parsing. Pure. */
import type { Node } from '../parsing/nodes';
import { withTree } from '../parsing/treeSitter';

function errorNodes(root: Node): Node[] {
  const out: Node[] = [];
  const visit = (n: Node) => {
    if (n.type === 'ERROR' || n.isMissing) {
      out.push(n);
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return out;
}

/** Re-parses: a reason when `after` has syntax errors that `before` did not have (by count), else undefined. */
export async function validateResult(before: string, after: string, file: string): Promise<string | undefined> {
  const b = await withTree(before, file, (r) => errorNodes(r).length);
  const a = await withTree(after, file, (r) => {
    const errs = errorNodes(r);
    return { count: errs.length, first: errs[0] ? { line: errs[0].startPosition.row + 1, text: errs[0].text.slice(0, 40) } : undefined };
  });
  if (b === undefined || a === undefined) return undefined;
  if (a.count > b) {
    return `the instrumented code would not parse (syntax error near line ${a.first?.line ?? '?'}${a.first?.text ? `: ${JSON.stringify(a.first.text)}` : ''}); nothing was changed`;
  }
  return undefined;
}
