/**
 * Entry point loaded by the extension host (extensionTestsPath): runs every *.test.js next to it with
 * mocha and prints one `E2E_RESULT {"passed":N,"failed":N,"skipped":N}` line that the launcher requires.
 * Tests tagged `@dom` need the Playwright bridge (code-server launcher); the desktop launcher sets
 * E2E_NO_DOM=1 and they are not run there. The Restricted Mode run (launcher `--restricted`, E2E_RESTRICTED=1)
 * opens another workspace and runs the *.rtest.js files instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.E2E_GREP) mocha.grep(process.env.E2E_GREP);
  if (process.env.E2E_NO_DOM) mocha.grep('@dom').invert();
  const suffix = process.env.E2E_RESTRICTED ? '.rtest.js' : '.test.js';
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith(suffix)) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const skipped = runner.stats?.pending ?? 0;
      console.log(`E2E_RESULT ${JSON.stringify({ passed, failed: failures, skipped })}`);
      if (failures) reject(new Error(`${failures} e2e test(s) failed`));
      else if (!passed) reject(new Error('no e2e test ran'));
      else resolve();
    });
  });
}
