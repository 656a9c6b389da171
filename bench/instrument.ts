/**
 * Instrumentation figures: locating the wrapper style's Python helper for every file of a service whose route files
 * import nothing of the project (each location reads the .py modules of up to four folders to learn how the project
 * imports the file): files opened, `stat` calls and time for a first pass over the service and a second one (another
 * code action's probe, a second instrumentation).
 */
import * as fs from 'node:fs';
import fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonHelperLocation } from '../src/core/instrument/helperLocation';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const FOLDERS = 4;
const FILES = 50;

export async function benchInstrument(): Promise<BenchResult[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-helper-'));
  const files: string[] = [];
  let dir = root;
  for (let level = 0; level < FOLDERS; level++) {
    dir = path.join(dir, `pkg${level}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < FILES; i++) {
      const file = path.join(dir, `views${i}.py`);
      fs.writeFileSync(file, `import os\nimport json\n\n\ndef view${i}():\n    return json.dumps(os.environ.get("X"))\n`.repeat(20));
      files.push(file);
    }
  }
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  // files opened and `stat` calls: fs/promises' open and stat counted while the locations are computed
  const counted = { open: 0, stat: 0 };
  const fns = fsp as unknown as Record<keyof typeof counted, (...a: unknown[]) => unknown>;
  const original = { open: fns.open, stat: fns.stat };
  for (const k of ['open', 'stat'] as const)
    fns[k] = (...a: unknown[]) => {
      counted[k]++;
      return original[k](...a);
    };
  const out: BenchResult[] = [];
  try {
    for (const pass of ['first', 'second']) {
      counted.open = counted.stat = 0;
      const t0 = performance.now();
      for (let i = 0; i < files.length; i++) await pythonHelperLocation(files[i]!, texts[i]!);
      const ms = performance.now() - t0;
      const label = `${pass}_pass.${files.length}_files`;
      out.push({ name: `instrument.python_helper_location_files_opened.${label}`, value: counted.open, unit: 'files' });
      out.push({ name: `instrument.python_helper_location_stat_calls.${label}`, value: counted.stat, unit: 'calls' });
      out.push({ name: `instrument.python_helper_location_ms.${label}`, value: Math.round(ms * 10) / 10, unit: 'ms' });
    }
  } finally {
    Object.assign(fns, original);
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}
