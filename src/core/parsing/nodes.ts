/**
 * Language-neutral helpers over tree-sitter syntax nodes, shared by the route detector, the instrument planner
 * and the metric lint. Pure.
 */
import type { TS } from './treeSitter';

export type Node = TS.Node;

/** A row and a UTF-16 column, 0-based (tree-sitter's `Point`). */
export interface Point {
  row: number;
  column: number;
}

/**
 * What the analyses read of a syntax node whose related nodes are `N`: a tree-sitter node has it, and so
 * has a node of the JavaScript mirror (./mirror) the incremental route analysis keeps across edits.
 */
export interface SyntaxNodeOf<N> {
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly parent: N | null;
  readonly children: readonly (N | null)[];
  readonly namedChildren: readonly (N | null)[];
  child(index: number): N | null;
  childForFieldName(fieldName: string): N | null;
  childrenForFieldName(fieldName: string): readonly (N | null)[];
  /** A node that keeps what is derived from its subtree alone (a mirror node) computes it once per `key`. */
  derived?<T>(key: string, compute: () => T): T;
}
/** Any syntax node (tree-sitter's or a mirror's). */
export type SyntaxNode = SyntaxNodeOf<SyntaxNode>;

/** 1-based line, 0-based UTF-16 column (what VS Code positions use, plus one on the line). */
export interface SourcePosition {
  line: number;
  column: number;
}
export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export function rangeOf(n: SyntaxNode): SourceRange {
  return {
    start: { line: n.startPosition.row + 1, column: n.startPosition.column },
    end: { line: n.endPosition.row + 1, column: n.endPosition.column },
  };
}

/** The range of a node together with its UTF-16 offsets. */
export function spanOf(n: SyntaxNode): { range: SourceRange; start: number; end: number } {
  return { start: n.startIndex, end: n.endIndex, range: rangeOf(n) };
}

/** 1-based first line of a node. */
export function lineOf(n: SyntaxNode): number {
  return n.startPosition.row + 1;
}

/** What `compute` derives from the subtree of `n` alone: computed once if the node keeps such values. */
export function derived<T>(n: SyntaxNodeOf<unknown>, key: string, compute: () => T): T {
  return n.derived ? n.derived(key, compute) : compute();
}

/** Named children, without nulls and comments (do not modify the array: a mirror node keeps it). */
export function named<N extends SyntaxNodeOf<N>>(n: N): readonly N[] {
  return derived(n, 'named', () => n.namedChildren.filter((c): c is N => !!c && c.type !== 'comment'));
}

/** The root of the tree `node` is in (the file's program node). */
export function rootOf<N extends SyntaxNodeOf<N>>(node: N): N {
  let root = node;
  while (root.parent) root = root.parent;
  return root;
}

/** Visits every named node (pre-order); return false from `visit` to skip the node's children. */
export function walk<N extends SyntaxNodeOf<N>>(node: N, visit: (n: N) => boolean | void): void {
  if (visit(node) === false) return;
  for (const c of node.namedChildren) if (c) walk(c, visit);
}

/** The `type` nodes of a function body that are its own: not inside the functions written in it (`fnTypes`). */
export function ownNodes<N extends SyntaxNodeOf<N>>(body: N, type: string, fnTypes: ReadonlySet<string>): N[] {
  const out: N[] = [];
  walk(body, (c) => {
    if (c.type === type) out.push(c);
    return c === body || !fnTypes.has(c.type);
  });
  return out;
}

/** The value of the one `type` node under `root` whose `nameField` reads `name` (a declaration or an assignment written
 *  once: `const x = …`, `x = …`), its `valueField`; undefined when there is none or more than one. */
export function soleBinding<N extends SyntaxNodeOf<N>>(
  root: N,
  name: string,
  type: string,
  nameField: string,
  valueField: string,
): N | undefined {
  const found: N[] = [];
  walk(root, (n) => {
    if (n.type !== type || n.childForFieldName(nameField)?.text !== name) return;
    const v = n.childForFieldName(valueField);
    if (v) found.push(v);
  });
  return found.length === 1 ? found[0] : undefined;
}

export function findAll<N extends SyntaxNodeOf<N>>(node: N, pred: (n: N) => boolean): N[] {
  const out: N[] = [];
  walk(node, (n) => {
    if (pred(n)) out.push(n);
  });
  return out;
}

/** Does an identifier (or a JS shorthand property) named `name` occur under `node`? */
export function usesIdentifier(node: SyntaxNode, name: string): boolean {
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
export function calleeName(call: SyntaxNode): string {
  const f = call.childForFieldName('function') ?? call.childForFieldName('constructor');
  if (!f) return '';
  if (f.type === 'identifier') return f.text;
  if (f.type === 'attribute') return f.childForFieldName('attribute')?.text ?? '';
  if (f.type === 'member_expression') return f.childForFieldName('property')?.text ?? '';
  return '';
}

/** A literal string's value, Python or JS (see pyStringValue / jsStaticString); undefined for anything else. */
export function stringValue(n: SyntaxNode | null | undefined): string | undefined {
  if (n?.type === 'string' && n.child(0)?.type === 'string_start') return pyStringValue(n);
  return jsStaticString(n);
}

/** Python: a string without interpolations → its content (escape sequences as written); else undefined. */
export function pyStringValue(n: SyntaxNode | null | undefined): string | undefined {
  if (!n || n.type !== 'string') return undefined;
  if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return n.namedChildren
    .filter((c) => c?.type === 'string_content')
    .map((c) => c!.text)
    .join('');
}

/** JS/TS string literal → its value (a two-character escape gives the escaped character); null otherwise. */
export function jsStringLiteral(n: SyntaxNode): string | null {
  if (n.type !== 'string') return null;
  return jsLiteralParts(n);
}

/** JS/TS string literal or template literal without substitutions → its value; undefined otherwise. */
export function jsStaticString(n: SyntaxNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'string') return jsLiteralParts(n);
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) return jsLiteralParts(n);
  return undefined;
}

function jsLiteralParts(n: SyntaxNode): string {
  return derived(n, 'literal', () => {
    let out = '';
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'string_fragment') out += c.text;
      else if (c.type === 'escape_sequence') out += jsEscape(c.text);
    }
    return out;
  });
}

/** The character a JS escape sequence stands for, as the route detector reads it (`\/` → `/`). */
export function jsEscape(text: string): string {
  return text.length === 2 ? text[1]! : text;
}
