/**
 * A JavaScript mirror of a tree-sitter tree, for an analysis that reads the same nodes many times and runs
 * again after every edit (the route detector's DocumentAnalyzer). Pure.
 *
 * A mirror node reads each property from wasm once, when it is first asked for, and keeps it. Positions are
 * kept relative to the top-level statement that contains the node. After an incremental re-parse, every
 * top-level statement tree-sitter reused (same node id, same text, same start column) keeps its mirror,
 * moved to its new place, together with the query captures made in it: only the edited statements are
 * mirrored and queried again.
 */
import type { Point, SyntaxNodeOf } from './nodes';
import type { TS } from './treeSitter';

let lastId = 0;

/**
 * Where a top-level statement is in the current text, and the tree-sitter node it is in the current tree. The
 * wasm nodes of its mirror nodes are kept here for the current generation only (a wasm node keeps its tree's
 * text alive, and a statement may be kept through thousands of edits), and only while an analysis reads the
 * mirror (`TreeMirror.release` drops them: each is found again from the statement's node when needed).
 */
interface Anchor {
  index: number;
  row: number;
  column: number;
  /** The statement's text, a copy of its own (a slice would keep the whole text of its generation alive). */
  text: string;
  node: TS.Node;
  gen: number;
  reals?: Map<MirrorNode, TS.Node>;
  kids?: Map<MirrorNode, TS.Node[]>;
}

function anchorOf(k: TS.Node, text: string, gen: number): Anchor {
  const at = k.startPosition;
  return { index: k.startIndex, row: at.row, column: at.column, text, node: k, gen };
}

/** A string with no reference to the (much longer) string it was sliced from. */
function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

/** The index of the value of `key` in an array of key/value pairs, or -1. */
function valueAt(pairs: unknown[] | undefined, key: string): number {
  if (pairs) for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key) return i + 1;
  return -1;
}

/** The pairs with one more, in an array of exactly their size. */
function withPair(pairs: unknown[] | undefined, key: string, value: unknown): unknown[] {
  return pairs ? [...pairs, key, value] : [key, value];
}

export class MirrorNode implements SyntaxNodeOf<MirrorNode> {
  readonly id = ++lastId;
  /** Start and end relative to the anchor: index offset, row offset, column (the end's read when first asked for). */
  private readonly rs: number;
  private readonly rrow: number;
  private readonly col: number;
  private ei = -1;
  private erow = 0;
  private ecol = 0;
  private kind?: string;
  private ownText?: string;
  /** The children made so far (by index), and whether that is all of them. */
  private kids?: MirrorNode[];
  private allKids = false;
  private namedKids?: MirrorNode[];
  /** What was asked for by key (a field's child, a field's children, a derived value): few per node, so kept as
   *  key/value pairs in arrays made at their size (a Map, or an array grown by push, takes 150 bytes or more). */
  private fieldOne?: unknown[];
  private fieldAll?: unknown[];
  private memo?: unknown[];
  private start?: Point;
  private startGen = -1;

  constructor(
    private readonly anchor: Anchor,
    /** The parent; a statement's parent is the root of the current generation. */
    public parent: MirrorNode | null,
    /** The index among the parent's children (unused for a statement, which is found by its anchor). */
    private readonly idx: number,
    node: TS.Node,
  ) {
    this.rs = node.startIndex - anchor.index;
    const p = node.startPosition;
    this.rrow = p.row - anchor.row;
    this.col = p.column;
    (anchor.reals ??= new Map()).set(this, node);
  }

  get type(): string {
    return (this.kind ??= this.node().type);
  }
  get startIndex(): number {
    return this.anchor.index + this.rs;
  }
  get startPosition(): Point {
    if (this.startGen !== this.anchor.gen) {
      this.start = { row: this.anchor.row + this.rrow, column: this.col };
      this.startGen = this.anchor.gen;
    }
    return this.start!;
  }
  get endIndex(): number {
    return this.anchor.index + this.ends();
  }
  get endPosition(): Point {
    this.ends();
    return { row: this.anchor.row + this.erow, column: this.ecol };
  }
  get text(): string {
    return (this.ownText ??= this.anchor.text.slice(this.rs, this.ends()));
  }
  get children(): readonly MirrorNode[] {
    if (!this.allKids) {
      for (let i = 0, n = this.wasmKids().length; i < n; i++) this.childAt(i);
      this.allKids = true;
    }
    return this.kids ?? (this.kids = []);
  }
  get namedChildren(): readonly MirrorNode[] {
    if (!this.namedKids) {
      const real = this.wasmKids();
      let n = 0;
      for (const r of real) if (r.isNamed) n++;
      const named = (this.namedKids = new Array<MirrorNode>(n));
      for (let i = 0, j = 0; i < real.length; i++) if (real[i]!.isNamed) named[j++] = this.childAt(i)!;
    }
    return this.namedKids;
  }
  child(index: number): MirrorNode | null {
    return this.childAt(index) ?? null;
  }
  childForFieldName(fieldName: string): MirrorNode | null {
    const at = valueAt(this.fieldOne, fieldName);
    let c = at < 0 ? undefined : (this.fieldOne![at] as MirrorNode | null);
    if (c === undefined) {
      const r = this.node().childForFieldName(fieldName);
      c = r ? this.childAt(this.indexOf(r))! : null;
      this.fieldOne = withPair(this.fieldOne, fieldName, c);
    }
    return c;
  }
  childrenForFieldName(fieldName: string): readonly MirrorNode[] {
    const at = valueAt(this.fieldAll, fieldName);
    let cs = at < 0 ? undefined : (this.fieldAll![at] as MirrorNode[]);
    if (!cs) {
      cs = this.node()
        .childrenForFieldName(fieldName)
        .filter((r): r is TS.Node => !!r)
        .map((r) => this.childAt(this.indexOf(r))!);
      this.fieldAll = withPair(this.fieldAll, fieldName, cs);
    }
    return cs;
  }

  derived<T>(key: string, compute: () => T): T {
    const at = valueAt(this.memo, key);
    if (at >= 0) return this.memo![at] as T;
    const v = compute();
    this.memo = withPair(this.memo, key, v);
    return v;
  }

  /** Sets the children of a root (the statements of the current generation). */
  adopt(statements: MirrorNode[]): void {
    this.kids = statements;
    this.allKids = true;
  }

  /** The mirror node of a wasm node under this one (a query capture), created on the way down. */
  locate(target: TS.Node, start = target.startIndex, end = target.endIndex): MirrorNode {
    if (this.node().id === target.id) return this;
    const kids = this.wasmKids();
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i]!;
      if (k.startIndex > start) continue;
      const kEnd = k.endIndex;
      if (kEnd >= end && (kEnd > k.startIndex || end === start)) return this.childAt(i)!.locate(target, start, end);
    }
    throw new Error(`no mirror node for a ${target.type} at ${start}`);
  }

  /** The i-th child, made when first asked for (most punctuation children never are); undefined past the last. */
  private childAt(i: number): MirrorNode | undefined {
    if (this.allKids) return this.kids?.[i];
    const reals = this.wasmKids();
    const kids = (this.kids ??= new Array<MirrorNode>(reals.length)); // made at its size
    const made = kids[i];
    if (made) return made;
    const real = reals[i];
    return real ? (kids[i] = new MirrorNode(this.anchor, this, i, real)) : undefined;
  }

  private isStatement(): boolean {
    return !this.parent || this.parent.anchor !== this.anchor;
  }

  private node(): TS.Node {
    let real = this.anchor.reals?.get(this);
    if (!real) {
      real = this.isStatement() ? this.anchor.node : this.parent!.wasmKids()[this.idx]!;
      (this.anchor.reals ??= new Map()).set(this, real);
    }
    return real;
  }

  private wasmKids(): TS.Node[] {
    let kids = this.anchor.kids?.get(this);
    if (!kids) {
      kids = this.node().children.filter((k): k is TS.Node => !!k);
      (this.anchor.kids ??= new Map()).set(this, kids);
    }
    return kids;
  }

  private indexOf(r: TS.Node): number {
    const i = this.wasmKids().findIndex((k) => k.id === r.id);
    if (i < 0) throw new Error(`field child ${r.type} is not a child`);
    return i;
  }

  /** The end's index offset (row offset and column read with it). */
  private ends(): number {
    if (this.ei < 0) {
      const n = this.node();
      const p = n.endPosition;
      this.ei = n.endIndex - this.anchor.index;
      this.erow = p.row - this.anchor.row;
      this.ecol = p.column;
    }
    return this.ei;
  }
}

export interface MirrorCapture {
  name: string;
  node: MirrorNode;
}

interface Statement {
  anchor: Anchor;
  top: MirrorNode;
  /** Without syntax errors: the same text at the same column is the same subtree wherever it is. */
  clean: boolean;
  captures: MirrorCapture[];
  /** Its index among the top-level statements of its tree. */
  order: number;
}

/**
 * The statement after the last one kept, when the new top-level node `k` is the same clean text at the same column
 * (tree-sitter parses the statements after an edit again: they usually follow in the same order). Compared in
 * place, without slicing and hashing the text as `TextIndex.take` does.
 */
function nextInOrder(st: Statement | undefined, k: TS.Node, source: string, gen: number): Statement | undefined {
  if (!st?.clean || st.anchor.gen === gen || st.anchor.column !== k.startPosition.column) return undefined;
  const text = st.anchor.text;
  if (k.endIndex - k.startIndex !== text.length || !source.startsWith(text, k.startIndex) || k.hasError) return undefined;
  return st;
}

/**
 * The clean statements of the previous tree by their text, in order: built when first needed (when a statement
 * matches neither by node id nor in order), once per update.
 */
class TextIndex {
  private map: Map<string, Statement[]> | undefined;

  constructor(private readonly statements: readonly Statement[]) {}

  /**
   * A statement of the previous tree with the same text at the same column as the new top-level node `k`, both
   * without syntax errors (taken out of the list: each is kept once). tree-sitter does not always reuse the node
   * of an unchanged statement (Python re-parses the statements after an edit), but it parses equal clean text
   * at the top level to equal subtrees.
   */
  take(k: TS.Node, source: string, gen: number): Statement | undefined {
    if (!this.statements.length) return undefined;
    if (!this.map) {
      this.map = new Map();
      for (const st of this.statements) {
        if (!st.clean) continue;
        // keyed by the statement's own text: its hash is computed once and kept with the string
        const list = this.map.get(st.anchor.text);
        if (list) list.push(st);
        else this.map.set(st.anchor.text, [st]);
      }
    }
    const at = k.startPosition;
    const list = this.map.get(source.slice(k.startIndex, k.endIndex));
    // statements kept in this generation already (by their node id) have moved: anchor.gen is the current one
    const i = list?.findIndex((st) => st.anchor.gen !== gen && st.anchor.column === at.column) ?? -1;
    if (i < 0 || k.hasError) return undefined;
    return list!.splice(i, 1)[0];
  }
}

/** How many top-level statements the last `update` mirrored anew and how many it kept. */
export interface MirrorStats {
  mirrored: number;
  kept: number;
}

type Capture = (statement: TS.Node) => TS.QueryCapture[];
export interface MirrorResult {
  root: MirrorNode;
  captures: MirrorCapture[];
}

/**
 * The mirror of one document's successive trees. `update` with each new tree (incrementally parsed from the
 * previous one, or not: then nothing is kept) gives the mirror's root and the query captures of the whole tree.
 */
export class TreeMirror {
  private byId = new Map<number, Statement>();
  /** The statements in order. */
  private ordered: Statement[] = [];
  private gen = 0;
  stats: MirrorStats = { mirrored: 0, kept: 0 };

  /**
   * The root and the captures of `tree`, the parse of `source`; `capture` runs the query on one new top-level
   * statement (its captures must lie inside it). Statements that tree-sitter reused keep their mirror and captures.
   */
  update(tree: TS.Tree, source: string, capture: Capture): MirrorResult {
    const steps = this.updating(tree, source, capture);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /** `update` as steps of a few statements each (for a time-sliced caller). Stopped half-way, it leaves the mirror empty. */
  *updating(tree: TS.Tree, source: string, capture: Capture): Generator<void, MirrorResult> {
    const gen = ++this.gen;
    const prev = this.byId;
    const byText = new TextIndex(this.ordered);
    const prevOrdered = this.ordered;
    this.byId = new Map();
    this.ordered = [];
    const rootNode = tree.rootNode;
    const root = new MirrorNode(anchorOf(rootNode, source, gen), null, -1, rootNode);
    const byId = new Map<number, Statement>();
    const ordered: Statement[] = [];
    /** The index in prevOrdered after the last statement kept. */
    let next = 0;
    const tops: MirrorNode[] = [];
    const captures: MirrorCapture[] = [];
    const stats: MirrorStats = { mirrored: 0, kept: 0 };
    const kids = rootNode.children;
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i]!;
      const at = k.startPosition;
      let st = prev.get(k.id);
      if (st && !(st.anchor.gen !== gen && st.anchor.column === at.column && source.startsWith(st.anchor.text, k.startIndex)))
        st = undefined;
      if (!st) st = nextInOrder(prevOrdered[next], k, source, gen) ?? byText.take(k, source, gen);
      if (st) {
        next = st.order + 1;
        // moved to where the node is now: every mirror node of the statement is positioned from its anchor
        const a = st.anchor;
        a.index = k.startIndex;
        a.row = at.row;
        a.reals = a.kids = undefined;
        a.node = k;
        a.gen = gen;
        st.top.parent = root;
        stats.kept++;
      } else {
        const anchor = anchorOf(k, ownCopy(source.slice(k.startIndex, k.endIndex)), gen);
        const top = new MirrorNode(anchor, root, i, k);
        const captured = capture(k).map((c) => ({ name: c.name, node: top.locate(c.node) }));
        st = { anchor, top, clean: !k.hasError, captures: captured, order: i };
        stats.mirrored++;
        if (stats.mirrored % 16 === 0) yield;
      }
      st.order = i;
      ordered.push(st);
      byId.set(k.id, st);
      tops.push(st.top);
      for (const c of st.captures) captures.push(c);
    }
    this.byId = byId;
    this.ordered = ordered;
    root.adopt(tops);
    this.stats = stats;
    return { root, captures };
  }

  /** Drops the wasm nodes the last update and analysis read (the mirror nodes keep what they read from them). */
  release(): void {
    for (const st of this.byId.values()) st.anchor.reals = st.anchor.kids = undefined;
  }

  /** Forgets every statement (the next update mirrors the whole tree). */
  clear(): void {
    this.byId.clear();
    this.ordered = [];
    this.stats = { mirrored: 0, kept: 0 };
  }
}
