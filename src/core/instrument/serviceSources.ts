/**
 * The source files of a service, for a fact the planner looks for across it (a metrics library's registrations, a
 * private registry): JS/TS or Python files under its folder, tests and vendored folders left out (the route scan's
 * rules). Bounded: MAX_WALK_FILES entries, MAX_DEPTH folders deep; what is read of each file is kept while the file
 * stays the same (SourceFacts). Never throws.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ScanRules } from '../routes/scanRules';

const MAX_WALK_FILES = 5000;
const MAX_DEPTH = 12;
const JS_SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
const MAX_MEMO = 4096;

/** Calls `each` with every source file of the service folder `dir` (its path, and its path relative to `dir`); false
 *  when the folder is larger than the walk reads (what was not read may hold what is looked for). */
export async function walkServiceSources(
  dir: string,
  python: boolean,
  each: (file: string, rel: string) => Promise<void>,
): Promise<boolean> {
  const rules = new ScanRules({});
  let seen = 0;
  const visit = async (d: string, depth: number): Promise<boolean> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (++seen > MAX_WALK_FILES) return false;
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p).split(path.sep).join('/');
      if (e.isDirectory()) {
        if (rules.skipsDir(rel)) continue;
        if (depth >= MAX_DEPTH || !(await visit(p, depth + 1))) return false;
      } else if (e.isFile() && (python ? e.name.endsWith('.py') : JS_SOURCE.test(e.name) && !e.name.endsWith('.d.ts'))) {
        if (!rules.skipsFile(rel)) await each(p, rel);
      }
    }
    return true;
  };
  return visit(dir, 0);
}

/**
 * A fact about a source file computed from its text once per version of the file (its size and modification time):
 * the walks above run on every plan (a lightbulb's probe too), and a service's sources seldom change between two.
 * Files over `maxBytes` give `empty`; at most MAX_MEMO entries are kept.
 */
export class SourceFacts<T> {
  private readonly memo = new Map<string, { mtimeMs: number; size: number; value: T }>();

  constructor(
    private readonly maxBytes: number,
    private readonly empty: T,
  ) {}

  /** The fact `compute` gives of `file`'s text, under `key` (the file and whatever else the fact depends on). */
  async of(file: string, key: string, compute: (text: string) => T | Promise<T>): Promise<T> {
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile() || st.size > this.maxBytes) return this.empty;
    const known = this.memo.get(key);
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known.value;
    const value = await compute(await readFile(file, 'utf8').catch(() => ''));
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, { mtimeMs: st.mtimeMs, size: st.size, value });
    return value;
  }
}
