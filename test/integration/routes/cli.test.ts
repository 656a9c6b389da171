/** `telemetry-lens routes` through main() with a capturing Io. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';

const FIXTURES = path.resolve(__dirname, '../../fixtures/routes');

function io(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), cwd: FIXTURES };
}

test('routes --json prints exactly the RouteJson keys, matching expected.json', async () => {
  const c = io();
  const code = await main(['routes', 'express_cjs', '--json'], c);
  assert.equal(code, 0);
  const rows = JSON.parse(c.stdout.join('')) as Record<string, unknown>[];
  assert.ok(rows.length > 0);
  // `fullPathSource` (where a configured prefix came from) is there only when the full path has one
  for (const r of rows) {
    const keys = [
      'framework',
      'methods',
      'path',
      'fullPath',
      ...(r.fullPath === null ? ['fullPathReason'] : []),
      ...('fullPathSource' in r ? ['fullPathSource'] : []),
      'file',
      'line',
      'handlerFile',
      'handlerLine',
      'handlerName',
    ];
    assert.deepEqual(Object.keys(r), keys);
  }
  assert.ok(
    rows.some((r) => typeof r.fullPathSource === 'string'),
    'express_cjs has a prefix from process.env with a default',
  );
  assert.deepEqual(rows, JSON.parse(fs.readFileSync(path.join(FIXTURES, 'express_cjs', 'expected.json'), 'utf8')));
});

test('routes prints an aligned table', async () => {
  const c = io();
  assert.equal(await main(['routes', path.join(FIXTURES, 'fastapi_app')], c), 0);
  const lines = c.stdout.join('\n').split('\n');
  assert.match(lines[0]!, /^METHOD\s+PATH\s+LOCATION\s+HANDLER$/);
  const row = lines.find((l) => l.includes('/api/v1/users/{user_id}/avatar'))!;
  assert.match(
    row,
    /^GET,HEAD\s+\/api\/v1\/users\/\{user_id\}\/avatar\s+app\/api\/routes\/users\.py:39\s+get_avatar app\/api\/routes\/handlers\.py:1$/,
  );
  const col = lines[0]!.indexOf('LOCATION');
  assert.equal(row.indexOf('app/api/routes/users.py'), col);
  assert.match(lines[lines.length - 1]!, /^14 routes/);
});

test('routes on a missing directory is a clear CLI error', async () => {
  const c = io();
  const code = await main(['routes', 'no-such-dir'], c);
  assert.equal(code, 2);
  assert.match(c.stderr.join(''), /no such directory: no-such-dir/);
  const c2 = io();
  assert.equal(await main(['routes'], c2), 2);
  assert.match(c2.stderr.join(''), /expected exactly one <dir>/);
});

test('routes --help', async () => {
  const c = io();
  assert.equal(await main(['routes', '--help'], c), 0);
  assert.match(c.stdout.join(''), /routes <dir> \[--json\]/);
});
