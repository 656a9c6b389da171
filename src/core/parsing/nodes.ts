/**
 * Language-neutral helpers over tree-sitter syntax nodes, shared by the route detector, the instrument planner
 * and the metric lint. Pure.
 */
import type { TS } from './treeSitter';

export type Node = TS.Node;

/** 1-based line, 0-based UTF-16 column (what VS Code positions use, plus one on the line). */
export interface SourcePosition {
  line: number;
  column: number;
}
export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export function rangeOf(n: Node): SourceRange {
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column },
    end: { line: n.endPosition.row + 1, column: n.endPosition.column },
  };
}

/** The range of a node together with its UTF-16 offsets. */
export function spanOf(n: Node): { range: SourceRange; start: number; end: number } {
  return { start: n.startIndex, end: n.endIndex, range: rangeOf(n) };
}

/** 1-based first line of a node. */
export function lineOf(n: Node): number {
  return n.startPosition.row + 1;
}

/** Named children, without nulls and comments. */
export function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Visits every named node (pre-order); return false from `visit` to skip the node's children. */
export function walk(node: Node, visit: (n: Node) => boolean | void): void {
  if (visit(node) === false) return;
  for (const c of node.namedChildren) if (c) walk(c, visit);
}

export function findAll(node: Node, pred: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  walk(node, (n) => {
    if (pred(n)) out.push(n);
  });
  return out;
}

/** Does an identifier (or a JS shorthand property) named `name` occur under `node`? */
export function usesIdentifier(node: Node, name: string): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if ((n.type === 'identifier' || n.type === 'shorthand_property_identifier') && n.text === name) found = true;
    return !found;
  });
  return found;
}

/**
 * The name a call (Python `call`, JS `call_expression`) or `new` expression calls, by its last segment:
 * `f()` → f, `a.b.f()` → f, `new x.Counter()` → Counter; '' when the callee is anything else.
 */
export function calleeName(call: Node): string {
  const f = call.childForFieldName('function') ?? call.childForFieldName('constructor');
  if (!f) return '';
  if (f.type === 'identifier') return f.text;
  if (f.type === 'attribute') return f.childForFieldName('attribute')?.text ?? '';
  if (f.type === 'member_expression') return f.childForFieldName('property')?.text ?? '';
  return '';
}

/** A literal string's value, Python or JS (see pyStringValue / jsStaticString); undefined for anything else. */
export function stringValue(n: Node | null | undefined): string | undefined {
  if (n?.type === 'string' && n.child(0)?.type === 'string_start') return pyStringValue(n);
  return jsStaticString(n);
}

/** Python: a string without interpolations → its content (escape sequences as written); else undefined. */
export function pyStringValue(n: Node | null | undefined): string | undefined {
  if (!n || n.type !== 'string') return undefined;
  if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return n.namedChildren
    .filter((c) => c?.type === 'string_content')
    .map((c) => c!.text)
    .join('');
}

/** JS/TS string literal → its value (a two-character escape gives the escaped character); null otherwise. */
export function jsStringLiteral(n: Node): string | null {
  if (n.type !== 'string') return null;
  return jsLiteralParts(n);
}

/** JS/TS string literal or template literal without substitutions → its value; undefined otherwise. */
export function jsStaticString(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'string') return jsLiteralParts(n);
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) return jsLiteralParts(n);
  return undefined;
}

function jsLiteralParts(n: Node): string {
  let out = '';
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_fragment') out += c.text;
    else if (c.type === 'escape_sequence') out += jsEscape(c.text);
  }
  return out;
}

/** The character a JS escape sequence stands for, as the route detector reads it (`\/` → `/`). */
export function jsEscape(text: string): string {
  return text.length === 2 ? text[1]! : text;
}
