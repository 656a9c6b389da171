/**
 * Route detector bench: detect on a generated 20,000-line FastAPI file and a 20,000-line Express (TS)
 * file (median of several runs after warm-up, target < 100 ms each, with its phases: the tree-sitter parse
 * and the query alone), a 1,000-file workspace scan (target < 5 s), re-detection of an open 20,000-line
 * document after a one-line edit (incremental DocumentAnalyzer, target < 20 ms: median time, its parse
 * share, the top-level statements it read again, and the longest stall of the time-sliced variant), the
 * DocumentAnalyzer's first analysis of the file and its first edit (which builds the mirror the edits use), the
 * mirror's heap, and peak RSS. Times are wall-clock; `cpu_ms` figures are the
 * process CPU time of the same runs (less sensitive to other processes on a loaded machine).
 * Run alone with `node --import tsx bench/routes.ts`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { grammarForFile, loadParsers, type TS } from '../src/core/parsing/treeSitter';
import { analyzeFile, analyzeFileSliced, resolveRoutes } from '../src/core/routes/detector';
import { DocumentAnalyzer, type ContentChange } from '../src/core/routes/incremental';
import { JS_MAX_DEPTH, JS_QUERY } from '../src/core/routes/javascript';
import { PYTHON_MAX_DEPTH, PYTHON_QUERY } from '../src/core/routes/python';
import { scanWorkspace } from '../src/core/routes/workspace';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const LINES = 20_000;

/** A realistic FastAPI module: routers, decorated async handlers with bodies, helpers, comments. */
export function generatePython(lines = LINES): string {
  const out = [
    'from fastapi import APIRouter, Depends, FastAPI, HTTPException',
    'from pydantic import BaseModel',
    '',
    'app = FastAPI()',
    'router = APIRouter(prefix="/api")',
    '',
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(
      '',
      `class Item${i}(BaseModel):`,
      '    id: int',
      '    name: str',
      '',
      '',
      `@router.get("/items${i}/{item_id}", response_model=Item${i})`,
      `async def read_item_${i}(item_id: int, q: str | None = None, user=Depends(current_user)):`,
      `    """Return item ${i}."""`,
      '    item = await db.fetch_one(item_id)',
      '    if item is None:',
      '        raise HTTPException(status_code=404, detail="not found")',
      '    # filter by query',
      '    if q:',
      '        item = {**item, "q": q}',
      '    return item',
      '',
      '',
      `def helper_${i}(values: list[int]) -> int:`,
      '    total = 0',
      '    for v in values:',
      '        total += v * 2',
      '    return total',
      '',
    );
    i++;
  }
  out.push('app.include_router(router)', '');
  return out.slice(0, lines).join('\n');
}

/** A realistic Express module in TypeScript: routes with middleware, inline and named handlers. */
export function generateTypeScript(lines = LINES): string {
  const out = [
    "import express, { Request, Response } from 'express';",
    "import { auth } from './auth';",
    '',
    'const app = express();',
    'const router = express.Router();',
    "app.use('/api', router);",
    '',
  ];
  let i = 0;
  while (out.length < lines) {
    out.push(
      '',
      `interface Item${i} {`,
      '  id: number;',
      '  name: string;',
      '}',
      '',
      `router.get('/items${i}/:id', auth, async (req: Request, res: Response) => {`,
      '  const item = await db.fetchOne(Number(req.params.id));',
      '  if (!item) {',
      "    return res.status(404).json({ error: 'not found' });",
      '  }',
      '  // enrich',
      `  res.json({ ...item, index: ${i} });`,
      '});',
      '',
      `router.post('/items${i}', auth, createItem${i});`,
      '',
      `async function createItem${i}(req: Request, res: Response): Promise<void> {`,
      `  const body = req.body as Item${i};`,
      '  const total = [1, 2, 3].map((v) => v * 2).reduce((a, b) => a + b, 0);',
      '  res.status(201).json({ ...body, total });',
      '}',
    );
    i++;
  }
  out.push('export default app;', '');
  return out.slice(0, lines).join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall-clock and CPU time of `f`. */
function timed(f: () => void): { ms: number; cpu: number } {
  const c = cpuMs();
  const t = performance.now();
  f();
  return { ms: performance.now() - t, cpu: cpuMs() - c };
}

/** Median wall-clock and CPU time of runs. */
function medians(runs: { ms: number; cpu: number }[]): { ms: number; cpu: number } {
  return { ms: median(runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpu)) };
}

interface Detect {
  ms: number;
  cpu: number;
  parseMs: number;
  queryMs: number;
}

/** Median time of a full detection (parse, query, analysis, resolution), and of its parse and its query alone. */
async function timeDetect(file: string, text: string, runs = 9): Promise<Detect> {
  const parsers = await loadParsers();
  const grammar = grammarForFile(file)!;
  const query = grammar === 'python' ? { source: PYTHON_QUERY, depth: PYTHON_MAX_DEPTH } : { source: JS_QUERY, depth: JS_MAX_DEPTH };
  for (let i = 0; i < 3; i++) resolveRoutes([analyzeFile(parsers, file, text)]); // warm-up
  const runsOf: { ms: number; cpu: number }[] = [];
  const parse: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < runs; i++) {
    runsOf.push(timed(() => resolveRoutes([analyzeFile(parsers, file, text)])));
    let tree: TS.Tree | null = null;
    parse.push(timed(() => (tree = parsers.parser(grammar).parse(text))).ms);
    const root = tree!.rootNode;
    queries.push(timed(() => parsers.query(grammar, query.source).captures(root, { maxStartDepth: query.depth })).ms);
    tree!.delete();
  }
  return { ...medians(runsOf), parseMs: median(parse), queryMs: median(queries) };
}

/** A full garbage collection, then the JS heap in use, in MB (`gc` exposed at run time: no node flag needed). */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

interface Redetect {
  ms: number;
  cpu: number;
  parseMs: number;
  analyzeMs: number;
  /** Top-level statements read again / kept by the last edit. */
  mirrored: number;
  kept: number;
  /** The DocumentAnalyzer's first (full) analysis of the file, and its first edit (which builds the mirror). */
  first: { ms: number; cpu: number };
  firstEdit: { ms: number; cpu: number };
  /** JS heap the mirror adds to the open document, after the edits (MB). */
  mirrorHeapMb: number;
}

/** Median time of DocumentAnalyzer.update after a one-line edit (a route path in the middle of the file). */
async function timeRedetect(file: string, text: string, runs = 15): Promise<Redetect> {
  const parsers = await loadParsers();
  const at = text.indexOf('/items', text.length >> 1);
  if (at < 0) throw new Error('no route in the middle of the bench file');
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    const first = timed(() => doc.update(text));
    const opened = heapMb();
    let firstEdit = { ms: 0, cpu: 0 };
    let cur = text;
    const times: { ms: number; cpu: number }[] = [];
    const parse: number[] = [];
    const analyze: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      // type a character into the path, or delete it again
      const change: ContentChange =
        i % 2 === 0 ? { rangeOffset: at + 1, rangeLength: 0, text: 'x' } : { rangeOffset: at + 1, rangeLength: 1, text: '' };
      cur = cur.slice(0, change.rangeOffset) + change.text + cur.slice(change.rangeOffset + change.rangeLength);
      const t = timed(() => doc.update(cur, [change]));
      if (doc.lastStats.mode !== 'incremental') throw new Error(`re-detection was not incremental (${doc.lastStats.mode})`);
      if (i === 0) firstEdit = t;
      if (i < 3) continue; // warm-up
      times.push(t);
      parse.push(doc.lastStats.parseMs);
      analyze.push(doc.lastStats.analyzeMs);
    }
    const { mirrored, kept } = doc.lastStats.statements;
    const mirrorHeapMb = heapMb() - opened;
    return {
      ...medians(times),
      parseMs: median(parse),
      analyzeMs: median(analyze),
      mirrored,
      kept,
      first,
      firstEdit,
      mirrorHeapMb,
    };
  } finally {
    doc.dispose();
  }
}

/**
 * The editor host's way: the first analysis through updateSliced (CPU), the mirror then built in idle time slices
 * (CPU, and its longest stall), and the first edit after that (CPU).
 */
async function timeHostOpen(file: string, text: string): Promise<{ first: number; idle: number; idleStall: number; firstEdit: number }> {
  const parsers = await loadParsers();
  const at = text.indexOf('/items', text.length >> 1);
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    let c = cpuMs();
    await doc.updateSliced(text);
    const first = cpuMs() - c;
    c = cpuMs();
    const idleStall = await stallDuring(() => doc.whenIdle());
    const idle = cpuMs() - c;
    const change: ContentChange = { rangeOffset: at + 1, rangeLength: 0, text: 'x' };
    c = cpuMs();
    await doc.updateSliced(text.slice(0, at + 1) + 'x' + text.slice(at + 1), [change]);
    if (doc.lastStats.statements.mirrored !== 1) throw new Error(`the first edit read ${doc.lastStats.statements.mirrored} statements`);
    return { first, idle, idleStall, firstEdit: cpuMs() - c };
  } finally {
    doc.dispose();
  }
}

/** The longest event-loop stall while `work` runs. */
async function stallDuring(work: () => Promise<unknown>): Promise<number> {
  let max = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  try {
    await work();
    return Math.max(max, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
}

/** Longest event-loop stall while DocumentAnalyzer.updateSliced re-analyses after a one-line edit (median of 5 edits). */
async function redetectStall(file: string, text: string): Promise<number> {
  const parsers = await loadParsers();
  const at = text.indexOf('/items', text.length >> 1);
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    await doc.updateSliced(text);
    let cur = text;
    const stalls: number[] = [];
    for (let i = 0; i < 7; i++) {
      const change: ContentChange =
        i % 2 === 0 ? { rangeOffset: at + 1, rangeLength: 0, text: 'x' } : { rangeOffset: at + 1, rangeLength: 1, text: '' };
      cur = cur.slice(0, change.rangeOffset) + change.text + cur.slice(change.rangeOffset + change.rangeLength);
      const max = await stallDuring(() => doc.updateSliced(cur, [change], { sliceMs: 10 }));
      if (doc.lastStats.mode !== 'incremental') throw new Error(`re-detection was not incremental (${doc.lastStats.mode})`);
      if (i >= 2) stalls.push(max);
    }
    return median(stalls);
  } finally {
    doc.dispose();
  }
}

function writeWorkspace(root: string, files = 1000): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, i % 2 ? 'api' : 'web', `pkg${i % 20}`);
    fs.mkdirSync(dir, { recursive: true });
    if (i % 2) {
      fs.writeFileSync(path.join(dir, `mod${i}.py`), generatePython(60 + (i % 7) * 20));
    } else {
      fs.writeFileSync(path.join(dir, `mod${i}.ts`), generateTypeScript(60 + (i % 7) * 20));
    }
  }
}

export async function benchRoutes(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const push = (name: string, value: number, unit = 'ms'): void => {
    results.push({ name: `routes.${name}_20k_lines`, value: unit === 'statements' ? value : round(value), unit });
  };
  for (const [lang, framework, ext, generate] of [
    ['python', 'fastapi', 'py', generatePython],
    ['typescript', 'express', 'ts', generateTypeScript],
  ] as const) {
    const text = generate();
    const d = await timeDetect(`/bench/app.${ext}`, text);
    push(`detect_ms.${lang}_${framework}`, d.ms);
    push(`detect_cpu_ms.${lang}_${framework}`, d.cpu);
    push(`detect_parse_ms.${lang}_${framework}`, d.parseMs);
    push(`detect_query_ms.${lang}_${framework}`, d.queryMs);
    // what an editor redoes after typing: re-analysis of the open document after a one-line edit in the middle
    // (a route path changes, so the result really changes), through the incremental DocumentAnalyzer
    const r = await timeRedetect(`/bench/edit.${ext}`, text);
    push(`redetect_after_edit_ms.${lang}`, r.ms);
    push(`redetect_after_edit_cpu_ms.${lang}`, r.cpu);
    push(`redetect_after_edit_parse_ms.${lang}`, r.parseMs);
    push(`redetect_after_edit_analyze_ms.${lang}`, r.analyzeMs);
    push(`redetect_after_edit_statements_read.${lang}`, r.mirrored, 'statements');
    push(`redetect_after_edit_statements_kept.${lang}`, r.kept, 'statements');
    push(`open_document_first_analysis_ms.${lang}`, r.first.ms);
    push(`open_document_first_analysis_cpu_ms.${lang}`, r.first.cpu);
    push(`open_document_first_edit_ms.${lang}`, r.firstEdit.ms);
    push(`open_document_first_edit_cpu_ms.${lang}`, r.firstEdit.cpu);
    push(`open_document_mirror_heap_mb.${lang}`, r.mirrorHeapMb, 'MB');
    const h = await timeHostOpen(`/bench/host.${ext}`, text);
    push(`host_open_first_analysis_cpu_ms.${lang}`, h.first);
    push(`host_open_idle_mirror_cpu_ms.${lang}`, h.idle);
    push(`host_open_idle_mirror_max_stall_ms.${lang}`, h.idleStall);
    push(`host_open_first_edit_cpu_ms.${lang}`, h.firstEdit);
  }
  // what a host feels during that re-detection through DocumentAnalyzer.updateSliced: the longest event-loop stall
  results.push({
    name: 'routes.redetect_after_edit_max_stall_ms.typescript_20k_lines',
    value: round(await redetectStall('/bench/stall-edit.ts', generateTypeScript())),
    unit: 'ms',
  });

  // what a host feels: the longest event-loop stall while the 20k-line TS file is analysed time-sliced
  results.push({ name: 'routes.sliced_max_stall_ms.typescript_20k_lines', value: round(await maxStall(generateTypeScript())), unit: 'ms' });

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-routes-bench-'));
  try {
    writeWorkspace(root);
    const t0 = performance.now();
    const scan = await scanWorkspace(root, {});
    const ms = performance.now() - t0;
    if (scan.routes.length < 1000) throw new Error(`workspace bench found only ${scan.routes.length} routes`);
    results.push({ name: 'routes.scan_workspace_ms.1000_files', value: round(ms), unit: 'ms' });
    // what the editor redoes on the extension host after an edit: cross-file resolution of the whole workspace
    const analyses = [...scan.analyses.values()];
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      resolveRoutes(analyses, scan.resolveOptions);
      times.push(performance.now() - t);
    }
    results.push({ name: 'routes.resolve_ms.1000_files', value: round(median(times)), unit: 'ms' });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  results.push({ name: 'routes.peak_rss_mb', value: round(process.resourceUsage().maxRSS / 1024), unit: 'MB' });
  return results;
}

async function maxStall(text: string): Promise<number> {
  const parsers = await loadParsers();
  await analyzeFileSliced(parsers, '/bench/stall.ts', text); // warm-up
  return stallDuring(() => analyzeFileSliced(parsers, '/bench/stall.ts', text, { sliceMs: 10 }));
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (require.main === module) {
  benchRoutes().then(
    (rs) => {
      for (const r of rs) console.log(`${r.name.padEnd(52)} ${String(r.value).padStart(9)} ${r.unit}`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
