/**
 * HTTP route detector: public entry points. Pure (no `vscode`).
 *  - analyzeFile: per-file facts, cheap and serializable (cache them by document version);
 *  - analyzeFileSliced: the same, time-sliced (parse, query and analysis yield to the event loop);
 *  - analyzeTreeMirrored / analyzeTreeMirroredSliced: the same for an already parsed tree read through a
 *    document's TreeMirror (used by the incremental DocumentAnalyzer of ./incremental, which keeps an open
 *    document's tree and mirror across edits: only edited statements are queried and read from wasm again);
 *  - resolveRoutes: cross-file prefix resolution over any set of analyses;
 *  - detectRoutes: convenience for in-memory files.
 */
import { grammarForFile, loadParsers, type GrammarId, type ParserSet, type TS } from '../parsing/treeSitter';
import { abortCheck, isAbortError, parseSliced, Slicer, tick } from '../parsing/slicing';
import { errorMessage } from '../errors';
import type { SyntaxNode } from '../parsing/nodes';
import type { MirrorCapture, TreeMirror } from '../parsing/mirror';
import { emptyAnalysis, type FileAnalysis } from './model';
import { PYTHON_MAX_DEPTH, PYTHON_QUERY, pythonTasks } from './python';
import { jsModuleLoads } from './jsLoads';
import { pyModuleLoads } from './pyLoads';
import { JS_MAX_DEPTH, JS_QUERY, javascriptTasks, TS_QUERY } from './javascript';
import { resolveRoutes, type ResolveOptions } from './resolve';
import type { Route } from './types';

export type { FileAnalysis } from './model';
export { resolveRoutes, type ResolveOptions } from './resolve';

interface Plan {
  grammar: GrammarId;
  fa: FileAnalysis;
}

function plan(file: string, text: string): Plan | FileAnalysis {
  const grammar = grammarForFile(file);
  if (!grammar) {
    const fa = emptyAnalysis(file, 'javascript');
    fa.notes.push('not a Python/JavaScript/TypeScript file');
    return fa;
  }
  if (grammar === 'python') return { grammar, fa: { ...emptyAnalysis(file, 'python'), ...pyModuleLoads(text, file) } };
  return { grammar, fa: { ...emptyAnalysis(file, 'javascript'), ...jsModuleLoads(text, file) } };
}

function querySpec(grammar: GrammarId): { source: string; depth: number } {
  if (grammar === 'python') return { source: PYTHON_QUERY, depth: PYTHON_MAX_DEPTH };
  return { source: grammar === 'javascript' ? JS_QUERY : TS_QUERY, depth: JS_MAX_DEPTH };
}

function tasks(p: Plan, caps: { name: string; node: SyntaxNode }[]): (() => void)[] {
  return p.grammar === 'python' ? pythonTasks(p.fa, p.fa.file, caps) : javascriptTasks(p.fa, p.fa.file, caps);
}

function failed(p: Plan, e: unknown): FileAnalysis {
  const fa = emptyAnalysis(p.fa.file, p.fa.language);
  for (const k of ['loads', 'loadsComputed', 'serves', 'pyImports'] as const) if (p.fa[k]) Object.assign(fa, { [k]: p.fa[k] });
  fa.notes.push(`analysis failed: ${errorMessage(e)}`);
  return fa;
}

/** Analyses one file. Never throws: unknown extensions give an empty analysis, syntax errors partial results + notes. */
export function analyzeFile(parsers: ParserSet, file: string, text: string): FileAnalysis {
  const p = plan(file, text);
  if (!('grammar' in p)) return p;
  let tree: TS.Tree | null = null;
  try {
    tree = parsers.parser(p.grammar).parse(text);
    return analyzeTreeInto(parsers, p, tree);
  } catch (e) {
    return failed(p, e);
  } finally {
    tree?.delete();
  }
}

/**
 * The analysis of an already parsed tree, read from wasm directly (the incremental DocumentAnalyzer's first
 * analysis of a document: no mirror yet): exactly what analyzeFile gives for `text`, the parsed text. A null tree means
 * the parse failed. Never throws. Does not delete the tree.
 */
export function analyzeTree(parsers: ParserSet, file: string, tree: TS.Tree | null, text: string): FileAnalysis {
  const p = plan(file, text);
  return 'grammar' in p ? analyzeTreeInto(parsers, p, tree) : p;
}

function analyzeTreeInto(parsers: ParserSet, p: Plan, tree: TS.Tree | null): FileAnalysis {
  try {
    if (!tree) {
      p.fa.notes.push('parse failed');
      return p.fa;
    }
    const root = tree.rootNode;
    if (root.hasError) p.fa.notes.push('syntax errors: results may be partial');
    const { source, depth } = querySpec(p.grammar);
    return run(p, parsers.query(p.grammar, source).captures(root, { maxStartDepth: depth }));
  } catch (e) {
    return failed(p, e);
  }
}

function run(p: Plan, caps: { name: string; node: SyntaxNode }[]): FileAnalysis {
  const steps = tasks(p, caps);
  for (let i = 0; i < steps.length; i++) steps[i]!(); // steps may append steps
  return p.fa;
}

/** The captures of `tree` (the parse of `text`) through the document's mirror, in steps of a few statements. */
function* mirrorCaptures(parsers: ParserSet, p: Plan, tree: TS.Tree, text: string, mirror: TreeMirror): Generator<void, MirrorCapture[]> {
  if (tree.rootNode.hasError) p.fa.notes.push('syntax errors: results may be partial');
  const { source, depth } = querySpec(p.grammar);
  const query = parsers.query(p.grammar, source);
  // a statement is one level down: its patterns start one level less deep than the root's
  const r = yield* mirror.updating(tree, text, (s) =>
    query.captures(s, { maxStartDepth: depth - 1 }).filter((c) => !c.name.startsWith('_')),
  );
  return r.captures;
}

/**
 * The analysis of `tree`, the parse of `text`, read through the document's mirror (see ../parsing/mirror): exactly
 * what analyzeFile gives for `text`. Never throws. Does not delete the tree.
 */
export function analyzeTreeMirrored(parsers: ParserSet, file: string, tree: TS.Tree, text: string, mirror: TreeMirror): FileAnalysis {
  const p = plan(file, text);
  if (!('grammar' in p)) return p;
  try {
    const steps = mirrorCaptures(parsers, p, tree, text, mirror);
    for (;;) {
      const r = steps.next();
      if (r.done) return run(p, r.value);
    }
  } catch (e) {
    return failed(p, e);
  }
}

export interface SliceOptions {
  /** Longest stretch of synchronous work, in ms (default 10). */
  sliceMs?: number;
  signal?: AbortSignal;
}

const pool = new Map<GrammarId, TS.Parser[]>();

/**
 * analyzeFile, time-sliced: the parse is suspended and resumed (tree-sitter progress callback), the query
 * runs over ranges of top-level statements and the analysis steps run in batches, yielding to the event
 * loop in between. Uses its own parser instances, so it never disturbs a parse in progress elsewhere.
 * Never throws except an AbortError when the signal fires.
 */
export async function analyzeFileSliced(parsers: ParserSet, file: string, text: string, opts: SliceOptions = {}): Promise<FileAnalysis> {
  const p = plan(file, text);
  if (!('grammar' in p)) return p;
  const sliceMs = opts.sliceMs ?? 10;
  const check = abortCheck(opts.signal, 'route analysis aborted');
  // a parser of our own (from a small pool): a suspended parse must not be disturbed by anyone else
  let free = pool.get(p.grammar);
  if (!free) pool.set(p.grammar, (free = []));
  const parser = free.pop() ?? parsers.newParser(p.grammar);
  let tree: TS.Tree | null = null;
  try {
    tree = await parseSliced(parser, text, sliceMs, check);
    if (!tree) {
      p.fa.notes.push('parse failed');
      return p.fa;
    }
    return await analyzeTreeSlicedInto(parsers, p, tree, sliceMs, check);
  } catch (e) {
    parser.reset();
    if (isAbortError(e)) throw e;
    return failed(p, e);
  } finally {
    tree?.delete();
    if (free.length < 4) free.push(parser);
    else parser.delete();
  }
}

/** The query and the analysis steps of a parsed tree, time-sliced (see analyzeFileSliced). */
async function analyzeTreeSlicedInto(
  parsers: ParserSet,
  p: Plan,
  tree: TS.Tree,
  sliceMs: number,
  check: () => void,
): Promise<FileAnalysis> {
  const root = tree.rootNode;
  if (root.hasError) p.fa.notes.push('syntax errors: results may be partial');
  const { source, depth } = querySpec(p.grammar);
  const query = parsers.query(p.grammar, source);
  const slicer = new Slicer(sliceMs, check);
  // query over groups of top-level statements (~32 KB each)
  const caps: TS.QueryCapture[] = [];
  const kids = root.children.filter((c): c is TS.Node => !!c);
  for (let i = 0; i < kids.length;) {
    const from = kids[i]!.startIndex;
    let j = i;
    while (j < kids.length && kids[j]!.endIndex - from < 32_768) j++;
    if (j === i) j = i + 1;
    // rows, not indices: QueryOptions indices are byte offsets while Node indices count UTF-16 units
    const range = {
      startPosition: { row: kids[i]!.startPosition.row, column: 0 },
      endPosition: { row: kids[j - 1]!.endPosition.row + 1, column: 0 },
    };
    for (const c of query.captures(root, { maxStartDepth: depth, ...range })) caps.push(c);
    i = j;
    await slicer.maybeYield();
  }
  await slicer.yieldNow();
  const seen = new Set<string>();
  const unique = caps.filter((c) => {
    const k = `${c.name}:${c.node.id}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  return runSliced(p, unique, slicer);
}

async function runSliced(p: Plan, caps: { name: string; node: SyntaxNode }[], slicer: Slicer): Promise<FileAnalysis> {
  const steps = tasks(p, caps);
  await slicer.yieldNow();
  for (let i = 0; i < steps.length; i++) {
    steps[i]!(); // steps may append steps
    await slicer.maybeYield();
  }
  await tick();
  return p.fa;
}

/**
 * analyzeTreeMirrored (without a mirror: analyzeTree), time-sliced: the mirror's update (or the query) and the
 * analysis steps run in batches, yielding to the event loop in between. `check` runs after every yield and may
 * throw (abort); the tree must stay alive until the promise settles unless `check` throws first. Throws only
 * what `check` throws.
 */
export async function analyzeTreeMirroredSliced(
  parsers: ParserSet,
  file: string,
  tree: TS.Tree,
  text: string,
  mirror: TreeMirror | undefined,
  sliceMs: number,
  check: () => void,
): Promise<FileAnalysis> {
  const p = plan(file, text);
  if (!('grammar' in p)) return p;
  try {
    if (!mirror) return await analyzeTreeSlicedInto(parsers, p, tree, sliceMs, check);
    const slicer = new Slicer(sliceMs, check);
    const steps = mirrorCaptures(parsers, p, tree, text, mirror);
    for (;;) {
      const r = steps.next();
      if (r.done) return await runSliced(p, r.value, slicer);
      await slicer.maybeYield();
    }
  } catch (e) {
    if (isAbortError(e)) throw e;
    return failed(p, e);
  }
}

export async function detectRoutes(files: { path: string; text: string }[], options?: ResolveOptions): Promise<Route[]> {
  const parsers = await loadParsers();
  return resolveRoutes(
    files.map((f) => analyzeFile(parsers, f.path, f.text)),
    options,
  );
}
