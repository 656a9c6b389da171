/**
 * Type arguments of a tagged template (`` sql<User[]>`select …` ``, postgres.js / slonik style): valid TypeScript that
 * tree-sitter-typescript misparses as a comparison or an instantiation expression, often with a syntax error
 * (`` await sql<User[]>`…` ``). Blanking them (spaces, same length: every offset and position stays) gives a text
 * tree-sitter parses right and that means the same to an analysis (a type argument is no value). Pure.
 */
import { findAll, type SyntaxNode } from './nodes';

/** How far back from a template the `<` of its type arguments is looked for (characters). */
const MAX_TYPE_ARGS = 1000;

/**
 * The offsets [lt, gt] of the `<…>` right before `template` (whitespace between allowed), when `<` follows what can
 * be a tag (a name, `)`, `]`); undefined when there are none.
 */
function typeArgsBefore(text: string, templateStart: number): [number, number] | undefined {
  let gt = templateStart - 1;
  while (gt >= 0 && /\s/.test(text[gt]!)) gt--;
  if (text[gt] !== '>' || text[gt - 1] === '=') return undefined;
  let depth = 0;
  for (let i = gt; i >= 0 && i > gt - MAX_TYPE_ARGS; i--) {
    const c = text[i]!;
    if (c === '`') return undefined;
    if (c === '>' && text[i - 1] !== '=') depth++;
    else if (c === '<' && --depth === 0) return /[\w$)\]]/.test(text[i - 1] ?? '') ? [i, gt] : undefined;
  }
  return undefined;
}

/**
 * `text` with the type arguments of its tagged templates blanked (newlines kept), the templates found in the tree
 * `root` parsed from it; undefined when there are none.
 */
export function blankTaggedTemplateTypeArgs(root: SyntaxNode, text: string): string | undefined {
  const spans = findAll(root, (n) => n.type === 'template_string')
    .map((t) => typeArgsBefore(text, t.startIndex))
    .filter((s): s is [number, number] => !!s);
  if (!spans.length) return undefined;
  let out = '';
  let at = 0;
  for (const [lt, gt] of spans.sort((a, b) => a[0] - b[0])) {
    if (lt < at) continue; // nested in one blanked already
    out += text.slice(at, lt) + text.slice(lt, gt + 1).replace(/[^\r\n]/g, ' ');
    at = gt + 1;
  }
  return out + text.slice(at);
}
