// Runs test/<kind>/**/*.test.ts (kind: unit or integration) with node's own test runner (TypeScript through tsx);
// arguments select the files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function runTests(kind, only) {
  const root = new URL('..', import.meta.url).pathname;
  const files = [];
  (function walk(dir) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.ts')) files.push(p);
    }
  })(join(root, 'test', kind));
  const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
  if (!selected.length) {
    console.error(`no ${kind} test files matched`);
    process.exit(1);
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected.sort()], {
    stdio: 'inherit',
    cwd: root,
  });
  process.exit(r.status ?? 1);
}
