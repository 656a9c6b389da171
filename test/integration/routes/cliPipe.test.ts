/**
 * INTEGRATION (builds and runs a child process): the bundled CLI whose reader stops early
 * (`telemetry-lens routes <dir> --json | head -1`) exits quietly with status 0, without an EPIPE stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { tempTree } from '../../support/tempTree';

const ROOT = path.resolve(__dirname, '../../..');

test('routes --json into a pipe closed after the first chunk: exit 0, nothing on stderr', async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  // 4000 routes print about 1.5 MB of JSON: far more than a pipe holds, so the CLI is still writing when the reader goes.
  const lines = Array.from({ length: 4000 }, (_, i) => `app.get('/r${i}', (req, res) => res.send('${i}'));`);
  const dir = tempTree({ 'app.js': `const app = require('express')();\n${lines.join('\n')}\n` });
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'routes', dir, '--json']);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  assert.match(first.toString(), /^\[/);
  child.stdout.destroy();
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
