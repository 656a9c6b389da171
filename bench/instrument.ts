/**
 * Instrumentation figures: locating the wrapper style's Python helper for every file of a service whose route files
 * import nothing of the project (each location reads the .py modules of up to four folders to learn how the project
 * imports the file): files opened and time for a first pass over the service and a second one (another code action's
 * probe, a second instrumentation).
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
  // files opened: fs/promises' open counted while the locations are computed
  let opened = 0;
  const open = fsp.open;
  (fsp as { open: typeof fsp.open }).open = ((...a: Parameters<typeof fsp.open>) => {
    opened++;
    return open(...a);
  }) as typeof fsp.open;
  const out: BenchResult[] = [];
  try {
    for (const pass of ['first', 'second']) {
      opened = 0;
      const t0 = performance.now();
      for (let i = 0; i < files.length; i++) await pythonHelperLocation(files[i]!, texts[i]!);
      const ms = performance.now() - t0;
      const label = `${pass}_pass.${files.length}_files`;
      out.push({ name: `instrument.python_helper_location_files_opened.${label}`, value: opened, unit: 'files' });
      out.push({ name: `instrument.python_helper_location_ms.${label}`, value: Math.round(ms * 10) / 10, unit: 'ms' });
    }
  } finally {
    (fsp as { open: typeof fsp.open }).open = open;
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}
