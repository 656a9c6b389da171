/** Temp folders for tests: removed when the test process exits. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
let hooked = false;

/**
 * A fresh temp folder named `<prefix>XXXXXX`, removed when the test process exits (each test file runs in its own
 * process), so a thousand runs do not leave a thousand folders behind.
 */
export function tempDir(prefix = 'tl-tree-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** A fresh temp folder with `files` (root-relative path → content) written into it. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const root = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return root;
}
