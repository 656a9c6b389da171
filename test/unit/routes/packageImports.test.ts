/** Node subpath imports (package.json `imports`): which files a `#name` may name, as Node resolves it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { subpathTargets, type PackageScope } from '../../../src/core/routes/packageImports';

const root = path.resolve('/proj');
const scopes: PackageScope[] = [
  {
    dir: root,
    imports: {
      '#constants': './src/constants.js',
      '#*': './src/*',
      '#routes/*': ['./src/missing/*', 'other-package/*', './src/routes/*'],
      '#routes/admin/*': './src/admin/*',
      '#lib/*.js': { types: './types/*.d.ts', node: { import: './src/lib/*.mjs' }, default: './src/lib/*.js' },
    },
  },
  { dir: path.join(root, 'packages', 'plain'), imports: null },
];
const from = path.join(root, 'src', 'app.js');

test('an exact key wins over a pattern that also matches', () => {
  assert.deepEqual(subpathTargets(scopes, '#constants', from), [path.join(root, 'src/constants.js')]);
});

test('of two patterns the one with the longer part before * wins; array targets keep their order, bare ones are skipped', () => {
  assert.deepEqual(subpathTargets(scopes, '#routes/admin/users.js', from), [path.join(root, 'src/admin/users.js')]);
  assert.deepEqual(subpathTargets(scopes, '#routes/users.js', from), [
    path.join(root, 'src/missing/users.js'),
    path.join(root, 'src/routes/users.js'),
  ]);
});

test('a conditions object is read in its order, types and unknown conditions skipped, nested conditions followed', () => {
  assert.deepEqual(subpathTargets(scopes, '#lib/db.js', from), [path.join(root, 'src/lib/db.mjs'), path.join(root, 'src/lib/db.js')]);
});

test('the nearest package.json is the scope: one without imports resolves no # name, even when a parent has it', () => {
  assert.deepEqual(subpathTargets(scopes, '#constants', path.join(root, 'packages', 'plain', 'index.js')), []);
  assert.deepEqual(subpathTargets(scopes, '#nothing/x', path.join(root, 'src', 'a.js')), [path.join(root, 'src/nothing/x')]);
  assert.deepEqual(subpathTargets([], '#constants', from), []);
});
