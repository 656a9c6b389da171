/** Test helpers: hand-built Route objects for fixtures (until/unless the detector is used) and fixture IO. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Framework, HttpMethod, Route } from '../../../src/core/routes/types';
import { DEFAULT_OPTIONS, type InstrumentOptions } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';

export const ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/instrument');
export const OPTS: InstrumentOptions = { ...DEFAULT_OPTIONS, style: 'inline' };

/** A FastAPI app with one route, `GET /users`: `imports` after FastAPI's, `setup` after `app = FastAPI()` (line 4 + imports). */
export function fastapiApp(imports: string[] = [], setup = ''): string {
  const head = ['from fastapi import FastAPI', ...imports, '', 'app = FastAPI()', ...(setup ? [setup] : [])];
  return [...head, '', '', '@app.get("/users")', 'async def users():', '    return []', ''].join('\n');
}

/** The real `tsc -p <project>/tsconfig.json` of the worktree's typescript: its exit status and everything it printed. */
export function tscProject(project: string): { status: number | null; out: string } {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(project, 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function readFixture(rel: string): { file: string; text: string } {
  const file = path.join(FIXTURES, rel);
  return { file, text: fs.readFileSync(file, 'utf8') };
}

/**
 * A Route for `routePath` in `text`: `line` is the first line containing the quoted path (at or after `after`),
 * the handler is the next `def` (Python), the next method (NestJS), or on the same line (inline JS handlers).
 */
export function route(
  framework: Framework,
  methods: HttpMethod[],
  routePath: string,
  text: string,
  file: string,
  opts: { fullPath?: string; literal?: string; handlerName?: string | null; handlerAt?: string; lineAt?: string } = {},
): Route {
  const lines = text.split(/\r?\n/);
  const lit = opts.literal ?? routePath;
  const idx = opts.lineAt
    ? lines.findIndex((l) => l.includes(opts.lineAt!))
    : lines.findIndex((l) => l.includes(`"${lit}"`) || l.includes(`'${lit}'`));
  if (idx < 0) throw new Error(`path ${lit} not in ${file}`);
  let h = idx;
  if (framework === 'fastapi' || framework === 'flask') {
    while (!/^\s*(async\s+)?def\s/.test(lines[h]!)) h++;
  } else if (framework === 'nestjs') {
    while (!/^\s*(async\s+)?[A-Za-z_]\w*\s*\(/.test(lines[h]!) || /^\s*@/.test(lines[h]!)) h++;
  }
  if (opts.handlerAt) {
    h = lines.findIndex((l) => l.includes(opts.handlerAt!));
    if (h < 0) throw new Error(`handler ${opts.handlerAt} not in ${file}`);
  }
  const pos = { line: idx + 1, column: 0 };
  return {
    framework,
    methods,
    path: routePath,
    fullPath: opts.fullPath ?? routePath,
    file,
    line: idx + 1,
    range: { start: pos, end: { line: idx + 1, column: lines[idx]!.length } },
    handlerFile: file,
    handlerLine: h + 1,
    handlerName: opts.handlerName ?? null,
  };
}

/** The routes the detector finds in `rel`, reading it and `others` (paths relative to `dir`) as a scan would. */
export async function routesIn(dir: string, rel: string, others: string[]): Promise<{ file: string; text: string; routes: Route[] }> {
  const file = path.join(dir, rel);
  const files = [rel, ...others].map((p) => ({ path: path.join(dir, p), text: fs.readFileSync(path.join(dir, p), 'utf8') }));
  const routes = (await detectRoutes(files)).filter((r) => r.file === file);
  return { file, text: files[0]!.text, routes };
}
