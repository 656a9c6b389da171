/** `telemetry-lens instrument` writes (issue 11, finding 7): symlinks, planted temp files, mode. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeAtomic } from '../../../src/cli/commands/instrument';
import { tempDir } from '../../support/tempTree';

function dir(): string {
  return tempDir('tl-write-');
}

test('a symlinked file stays a symlink; its target gets the content and keeps its mode', () => {
  const d = dir();
  fs.mkdirSync(path.join(d, 'real'));
  const real = path.join(d, 'real', 'app.py');
  fs.writeFileSync(real, 'old\n', { mode: 0o754 });
  fs.chmodSync(real, 0o754);
  const link = path.join(d, 'app.py');
  fs.symlinkSync(real, link);
  writeAtomic(link, 'new\n');
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is not replaced by a regular file');
  assert.equal(fs.readFileSync(real, 'utf8'), 'new\n');
  assert.equal(fs.statSync(real).mode & 0o777, 0o754);
  assert.deepEqual(fs.readdirSync(path.join(d, 'real')), ['app.py'], 'no temp file left');
});

test('a symlink planted at the old predictable temp name is not followed', () => {
  const d = dir();
  const victim = path.join(d, 'victim.txt');
  fs.writeFileSync(victim, 'precious\n');
  const file = path.join(d, 'app.py');
  fs.writeFileSync(file, 'old\n');
  fs.symlinkSync(victim, path.join(d, `.app.py.telemetry-lens-${process.pid}.tmp`));
  writeAtomic(file, 'new\n');
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'new\n');
});

test('a new file is created; a failed write leaves the original and no temp file', () => {
  const d = dir();
  writeAtomic(path.join(d, 'telemetry.py'), 'x = 1\n');
  assert.equal(fs.readFileSync(path.join(d, 'telemetry.py'), 'utf8'), 'x = 1\n');
  const file = path.join(d, 'app.py');
  fs.writeFileSync(file, 'old\n');
  fs.mkdirSync(path.join(d, 'sub'));
  assert.throws(() => writeAtomic(path.join(d, 'sub'), 'x')); // a directory cannot be replaced by a file
  assert.deepEqual(fs.readdirSync(d).sort(), ['app.py', 'sub', 'telemetry.py']);
});
