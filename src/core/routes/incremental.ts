/**
 * Incremental route analysis of one open document. Pure (no `vscode`).
 *
 * Keeps the document's last syntax tree; on an edit the tree is edited (`tree.edit`) and reparsed with
 * the old tree (`parser.parse(text, oldTree)`), which reuses every unchanged subtree, so only the edited
 * statement is parsed again. After an edit the tree is read through a TreeMirror (../parsing/mirror) kept with
 * it: the top-level statements tree-sitter reused keep their mirror and query captures, so only the edited ones
 * are queried and read from wasm again, and the analysis steps run over plain JavaScript objects. A first (full)
 * analysis reads the tree directly, as fast as `analyzeFile`; the mirror is built only for an edit: in idle time
 * slices after a time-sliced first analysis, or else when the first edit comes. The result is exactly
 * `analyzeFile(parsers, file, text)`, except while the syntax is broken: tree-sitter's error recovery may then
 * build a different tree from the old one than from scratch.
 */
import { grammarForFile, type GrammarId, type ParserSet, type TS } from '../parsing/treeSitter';
import { abortError as abortErrorOf, parseSliced, tick } from '../parsing/slicing';
import { TreeMirror } from '../parsing/mirror';
import { analyzeFile, analyzeTree, analyzeTreeMirrored, analyzeTreeMirroredSliced } from './detector';
import type { FileAnalysis } from './model';

/** One text change, with exactly the fields of VS Code's `TextDocumentContentChangeEvent` we need
 *  (offsets in UTF-16 code units into the text before the change). */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

interface Point {
  row: number;
  column: number;
}

/** Row / UTF-16 column of an offset (columns are what tree-sitter's JS binding counts for string input). */
function pointAt(
  text: string,
  offset: number,
  from: { offset: number; point: Point } = { offset: 0, point: { row: 0, column: 0 } },
): Point {
  let row = from.point.row;
  let lineStart = from.offset - from.point.column;
  for (let i = text.indexOf('\n', from.offset); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/** The point after `inserted` written at `start`. */
function advance(start: Point, inserted: string): Point {
  const last = inserted.lastIndexOf('\n');
  if (last === -1) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - last - 1 };
}

export interface UpdateStats {
  /** 'same' (text unchanged, cached result), 'incremental' (old tree reused) or 'full' (fresh parse). */
  mode: 'same' | 'incremental' | 'full';
  parseMs: number;
  analyzeMs: number;
  /** Top-level statements mirrored and queried anew, and kept from the previous tree. */
  statements: { mirrored: number; kept: number };
}

export interface UpdateSlicedOptions {
  /** Longest stretch of synchronous work, in ms (default 10). */
  sliceMs?: number;
  signal?: AbortSignal;
}

const abortError = (): Error => abortErrorOf('route analysis aborted');

/**
 * Incremental analyzer for one document: call `update` (or `updateSliced`) with the whole new text and,
 * when known, the changes since the previous update (VS Code's `event.contentChanges`, in event order).
 * Without changes, or when they do not turn the previous text into `text`, the document is parsed from
 * scratch. Holds a wasm parser and tree: call `dispose()` when the document closes.
 */
export class DocumentAnalyzer {
  private readonly grammar: GrammarId | undefined;
  private ownParser: TS.Parser | undefined;
  /** The tree of `text` (null when that parse failed); undefined when there is none. */
  private tree: TS.Tree | null | undefined;
  private text: string | undefined;
  private result: FileAnalysis | undefined;
  /** The mirror of the tree; `mirrored`: it is the mirror of the kept tree (an incremental parse may reuse it). */
  private readonly mirror = new TreeMirror();
  private mirrored = false;
  /** The mirror's build for the kept tree, in idle time slices (at most one; a sync `update` cancels it). */
  private building: { done: Promise<void> } | undefined;
  /** Bumped by every update: an update in flight that sees another number was superseded. */
  private gen = 0;
  /** How the last completed update went (for benches and logs). */
  lastStats: UpdateStats = { mode: 'full', parseMs: 0, analyzeMs: 0, statements: { mirrored: 0, kept: 0 } };

  constructor(
    private readonly parsers: ParserSet,
    readonly file: string,
  ) {
    this.grammar = grammarForFile(file);
  }

  /** The answer when no parse is needed: the text is unchanged, or the file is not one tree-sitter analyses. */
  private withoutParsing(text: string): FileAnalysis | undefined {
    if (this.result && text === this.text) {
      this.lastStats = { mode: 'same', parseMs: 0, analyzeMs: 0, statements: { mirrored: 0, kept: 0 } };
      return this.result;
    }
    if (!this.grammar) {
      this.commit(text, undefined, analyzeFile(this.parsers, this.file, text));
      return this.result;
    }
    return undefined;
  }

  /** The analysis of `text`, synchronously; equal to `analyzeFile(parsers, file, text)`. Never throws.
   *  Supersedes (aborts) an `updateSliced` in flight. */
  update(text: string, changes?: readonly ContentChange[]): FileAnalysis {
    this.gen++;
    this.building = undefined;
    const known = this.withoutParsing(text);
    if (known) return known;
    const t0 = performance.now();
    if (this.wantsMirror(text, changes)) {
      // the mirror of the kept tree, read by a whole analysis (discarded: it is this.result), so that what the
      // analysis reads of the statements the edit keeps is read from wasm now, once
      this.mirror.clear();
      analyzeTreeMirrored(this.parsers, this.file, this.tree!, this.text!, this.mirror);
      this.mirror.release();
      this.mirrored = true;
    }
    const { tree, mode } = this.parse(text, changes);
    const t1 = performance.now();
    this.keepMirror(mode);
    const fa = !tree
      ? analyzeFile(this.parsers, this.file, text)
      : this.mirrored
        ? analyzeTreeMirrored(this.parsers, this.file, tree, text, this.mirror)
        : analyzeTree(this.parsers, this.file, tree, text);
    const mirrored = this.mirrored;
    this.mirror.release();
    this.commit(text, tree, fa);
    this.mirrored = mirrored && !!tree;
    this.lastStats = { mode, parseMs: t1 - t0, analyzeMs: performance.now() - t1, statements: this.mirror.stats };
    return fa;
  }

  /**
   * `update`, time-sliced for an editor host: a full parse is suspended and resumed (an incremental one,
   * a few ms, runs in one go) and the query and analysis run in batches, yielding to the event loop so that no stretch of work exceeds
   * about `sliceMs`. Rejects with an AbortError when the signal fires or a later `update` /
   * `updateSliced` / `dispose` supersedes it; never rejects otherwise.
   */
  async updateSliced(text: string, changes?: readonly ContentChange[], opts: UpdateSlicedOptions = {}): Promise<FileAnalysis> {
    const gen = ++this.gen;
    const sliceMs = opts.sliceMs ?? 10;
    const check = (): void => {
      if (gen !== this.gen || opts.signal?.aborted) throw abortError();
    };
    check();
    const known = this.withoutParsing(text);
    if (known) return known;
    if (this.wantsMirror(text, changes)) {
      this.buildInIdle(sliceMs);
      await this.building?.done;
      check();
    }
    let parseMs = 0;
    const { tree, mode } = await this.parseSliced(text, changes, sliceMs, gen, check, (ms) => (parseMs += ms));
    if (gen !== this.gen) {
      // superseded while parsing: a newer update owns the document state
      tree?.delete();
      throw abortError();
    }
    this.keepMirror(mode);
    const mirrored = this.mirrored;
    // the new tree becomes the document's tree, even if the analysis is aborted later
    this.commit(text, tree, undefined);
    const t1 = performance.now();
    const fa = tree
      ? await analyzeTreeMirroredSliced(this.parsers, this.file, tree, text, mirrored ? this.mirror : undefined, sliceMs, check)
      : analyzeFile(this.parsers, this.file, text);
    check();
    this.mirror.release();
    this.result = fa;
    this.mirrored = mirrored && !!tree;
    this.lastStats = { mode, parseMs, analyzeMs: performance.now() - t1, statements: this.mirror.stats };
    // the mirror an edit needs, built after the result is delivered (the caller's continuation runs first)
    this.buildInIdle(sliceMs);
    return fa;
  }

  /** Settles when no mirror is being built in idle time (after `updateSliced`, the mirror an edit needs is). */
  whenIdle(): Promise<void> {
    return this.building?.done ?? Promise.resolve();
  }

  /** Frees the kept syntax tree and parser. The analyzer can be used again afterwards (it then parses
   *  from scratch). Aborts an `updateSliced` in flight. */
  dispose(): void {
    this.gen++;
    this.building = undefined;
    this.tree?.delete();
    this.tree = undefined;
    this.text = undefined;
    this.result = undefined;
    this.ownParser?.delete();
    this.ownParser = undefined;
    this.mirror.clear();
    this.mirrored = false;
  }

  /** An edit of the kept tree is coming (the changes turn its text into `text`) and there is no mirror of it yet. */
  private wantsMirror(text: string, changes: readonly ContentChange[] | undefined): boolean {
    return !this.mirrored && !!this.tree && this.text !== undefined && !!changes?.length && validChanges(this.text, text, changes);
  }

  /** Starts building the mirror of the kept tree (as `update` does before an edit) in time slices, unless it is
   *  there or being built. It stops when the tree is replaced or a sync `update` or `dispose` cancels it (an edit
   *  then builds it itself). */
  private buildInIdle(sliceMs: number): void {
    if (this.mirrored || !this.tree || this.text === undefined || this.building) return;
    const { tree, text } = this;
    const job: { done: Promise<void> } = { done: Promise.resolve() };
    const check = (): void => {
      if (this.building !== job || this.tree !== tree) throw abortError();
    };
    this.building = job;
    job.done = (async () => {
      try {
        await tick(); // after the caller has what it waited for
        check();
        this.mirror.clear();
        await analyzeTreeMirroredSliced(this.parsers, this.file, tree, text, this.mirror, sliceMs, check);
        this.mirror.release();
        this.mirrored = true;
      } catch {
        // superseded: the mirror is left without statements (`mirrored` false)
      } finally {
        if (this.building === job) this.building = undefined;
      }
    })();
  }

  /** The mirror's statements may be kept only for a tree parsed incrementally from the tree they mirror
   *  (node ids of a deleted tree could come back as other nodes). */
  private keepMirror(mode: UpdateStats['mode']): void {
    if (mode !== 'incremental' || !this.mirrored) {
      this.mirror.clear();
      this.mirrored = false;
    }
  }

  private commit(text: string, tree: TS.Tree | null | undefined, fa: FileAnalysis | undefined): void {
    if (this.tree !== tree) {
      this.tree?.delete();
      this.mirrored = false;
    }
    this.tree = tree;
    this.text = text;
    this.result = fa;
  }

  private parser(): TS.Parser {
    // a parser of our own: a suspended sliced parse must not be disturbed by anyone else
    this.ownParser ??= this.parsers.newParser(this.grammar!);
    return this.ownParser;
  }

  /** The old tree edited to match `text` (a copy: the kept tree stays as it is), or null for a full parse. */
  private base(text: string, changes: readonly ContentChange[] | undefined): TS.Tree | null {
    if (!this.tree || this.text === undefined || !changes?.length || !validChanges(this.text, text, changes)) return null;
    const copy = this.tree.copy();
    applyEdits(copy, this.text, changes);
    return copy;
  }

  private parse(text: string, changes: readonly ContentChange[] | undefined): { tree: TS.Tree | null; mode: UpdateStats['mode'] } {
    const parser = this.parser();
    parser.reset(); // drop a suspended parse of a superseded updateSliced
    const old = this.base(text, changes);
    try {
      let tree: TS.Tree | null = null;
      try {
        tree = parser.parse(text, old);
      } catch {
        tree = null;
      }
      if (tree || !old) return { tree, mode: old ? 'incremental' : 'full' };
      // never trust a failed incremental parse: start over
      parser.reset();
      try {
        return { tree: parser.parse(text), mode: 'full' };
      } catch {
        return { tree: null, mode: 'full' };
      }
    } finally {
      old?.delete();
    }
  }

  private async parseSliced(
    text: string,
    changes: readonly ContentChange[] | undefined,
    sliceMs: number,
    gen: number,
    check: () => void,
    spent: (ms: number) => void,
  ): Promise<{ tree: TS.Tree | null; mode: UpdateStats['mode'] }> {
    if (this.tree && this.text !== undefined && changes?.length && validChanges(this.text, text, changes)) {
      // an incremental parse runs in one go: it is short (a few ms for an edit), and a suspended and
      // resumed incremental parse was seen to build a different tree than a fresh one after syntax errors
      const start = performance.now();
      const r = this.parse(text, changes);
      spent(performance.now() - start);
      await tick(); // the query comes in a slice of its own
      try {
        check();
      } catch (e) {
        // aborted by the signal: the parse still brings the document up to date; superseded: a newer
        // update owns the document (the kept tree is untouched, the edit went to a copy)
        if (gen === this.gen) this.commit(text, r.tree, undefined);
        else r.tree?.delete();
        throw e;
      }
      return r;
    }
    const parser = this.parser();
    parser.reset();
    const tree = await parseSliced(
      parser,
      text,
      sliceMs,
      () => {
        try {
          check();
        } catch (e) {
          // superseded: the newer update resets the parser itself (and may already be using it)
          if (gen === this.gen) parser.reset();
          throw e;
        }
      },
      spent,
    );
    return { tree, mode: 'full' };
  }
}

/** Do the changes, applied in order (each against the text the previous ones produced), turn `before` into `after`? */
function validChanges(before: string, after: string, changes: readonly ContentChange[]): boolean {
  let cur = before;
  for (const c of changes) {
    if (!(c.rangeOffset >= 0 && c.rangeLength >= 0 && c.rangeOffset + c.rangeLength <= cur.length)) return false;
    cur = cur.slice(0, c.rangeOffset) + c.text + cur.slice(c.rangeOffset + c.rangeLength);
  }
  return cur === after;
}

/** Describes the changes to `tree` (tree-sitter's `Tree.edit`), positions computed from the texts. */
function applyEdits(tree: TS.Tree, before: string, changes: readonly ContentChange[]): void {
  let cur = before;
  for (const c of changes) {
    const startIndex = c.rangeOffset;
    const oldEndIndex = c.rangeOffset + c.rangeLength;
    const startPosition = pointAt(cur, startIndex);
    const oldEndPosition = pointAt(cur, oldEndIndex, { offset: startIndex, point: startPosition });
    const newEndPosition = advance(startPosition, c.text);
    tree.edit({ startIndex, oldEndIndex, newEndIndex: startIndex + c.text.length, startPosition, oldEndPosition, newEndPosition });
    cur = cur.slice(0, startIndex) + c.text + cur.slice(oldEndIndex);
  }
}
