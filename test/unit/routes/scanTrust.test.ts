/**
 * The workspace scan against a hostile repository (issue 11, findings 5 and 11; issue 9's one rule set):
 * pathological or broken patterns, symlinks out of the root, a file and byte budget, and the watcher's
 * isIndexable agreeing with the scan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempTree } from '../../support/tempTree';
import { isIndexable, scanWorkspace } from '../../../src/core/routes/workspace';
import { callBounded } from '../../support/bounded';

const tree = tempTree;

const ROUTE = (p: string): string =>
  `const express = require('express');\nconst app = express();\napp.get('${p}', (req, res) => res.end());\n`;
const paths = (routes: { fullPath: string | null }[]): string[] => routes.map((r) => r.fullPath ?? '').sort();

// The old glob → RegExp was exponential on this pattern and a long path; the bound turns that into a failure.
test('a pathological exclude glob does not hang the matcher', async () => {
  const mod = path.join(__dirname, '../../../src/core/routes/workspace.ts');
  assert.equal(await callBounded(mod, 'isIndexable', [`${'a'.repeat(60)}/app.js`, { exclude: [`${'*a'.repeat(30)}*b`] }]), true);
});

test('a pathological .gitignore glob and a broken exclude neither hang nor fail the scan', async () => {
  const deep = `${'a'.repeat(60)}/app.js`;
  const root = tree({ '.gitignore': `${'*a'.repeat(30)}*b\n[\n`, [deep]: ROUTE('/deep'), 'src/app.js': ROUTE('/ok') });
  const { routes } = await scanWorkspace(root, { exclude: ['{unclosed', '\\', '[z-a]'] });
  assert.deepEqual(paths(routes), ['/deep', '/ok']);
  assert.equal(isIndexable('src/app.js', { exclude: ['[z-a]', '{', '**/*.{'] }), true);
});

test('a symlink whose real path leaves the workspace is not followed', async () => {
  const outside = tree({ 'secret/app.js': ROUTE('/outside') });
  const root = tree({ 'src/app.js': ROUTE('/inside'), 'src/sub/b.js': ROUTE('/linked-inside') });
  fs.symlinkSync(outside, path.join(root, 'lib'));
  fs.symlinkSync(path.join(outside, 'secret', 'app.js'), path.join(root, 'src', 'out.js'));
  fs.symlinkSync(path.join(root, 'src', 'sub'), path.join(root, 'alias'));
  const { routes, notes } = await scanWorkspace(root);
  assert.ok(!paths(routes).includes('/outside'), paths(routes).join(' '));
  assert.ok(paths(routes).includes('/inside') && paths(routes).includes('/linked-inside'));
  assert.equal(notes.filter((n) => /symlink to outside the workspace/.test(n)).length, 2, notes.join('\n'));
});

test('a scan stops at its file and byte budget with a note', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`src/r${String(i).padStart(2, '0')}.js`] = ROUTE(`/r${i}`);
  const root = tree(files);
  const byFiles = await scanWorkspace(root, { maxFiles: 10 });
  assert.equal(byFiles.routes.length, 10);
  assert.ok(byFiles.notes.some((n) => /scan budget reached/.test(n)));
  const size = Buffer.byteLength(ROUTE('/r10'));
  const byBytes = await scanWorkspace(root, { maxTotalBytes: size * 5 });
  assert.equal(byBytes.routes.length, 5);
});

test('isIndexable follows the same rules as the scan (dot-folders, .egg-info, .d.ts, .min.js)', async () => {
  const files = {
    'src/app.js': ROUTE('/ok'),
    '.hidden/app.js': ROUTE('/hidden'),
    'pkg.egg-info/app.py': 'from flask import Flask\napp = Flask(__name__)\n@app.route("/egg")\ndef v(): ...\n',
    'types/app.d.ts': ROUTE('/dts'),
    'public/app.min.js': ROUTE('/min'),
    'README.md': '# not code',
  };
  const root = tree(files);
  const scanned = new Set((await scanWorkspace(root)).analyses.keys());
  for (const rel of Object.keys(files)) {
    assert.equal(isIndexable(rel), scanned.has(path.join(root, rel)), rel);
  }
});

test("the scan's own rules hold a gitignored file nothing loads out, as the scan did", async () => {
  const files = {
    '.gitignore': 'scratch/\nlocal.js\n',
    'src/app.js': ROUTE('/ok'),
    'scratch/app.js': ROUTE('/scratch'),
    'local.js': ROUTE('/local'),
  };
  const root = tree(files);
  const scan = await scanWorkspace(root);
  const scanned = new Set(scan.analyses.keys());
  for (const rel of ['src/app.js', 'scratch/app.js', 'local.js']) {
    assert.equal(scan.indexable(rel), scanned.has(path.join(root, rel)), rel);
  }
  assert.equal(scan.indexable('scratch/new.js'), false, 'a new file in a gitignored folder');
  assert.equal(scan.indexable('src/new.js'), true);
});
