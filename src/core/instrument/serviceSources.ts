/**
 * The source files of a service, for a fact the planner looks for across it (a metrics library's registrations, a
 * private registry): JS/TS or Python files under its folder, tests and vendored folders left out (the route scan's
 * rules). Bounded: MAX_WALK_FILES entries, MAX_DEPTH folders deep. Never throws.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ScanRules } from '../routes/scanRules';

const MAX_WALK_FILES = 5000;
const MAX_DEPTH = 12;
const JS_SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

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
