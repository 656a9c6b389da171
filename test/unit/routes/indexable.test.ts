import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isIndexable } from '../../../src/core/routes/workspace';

test('files the editor hears about follow the workspace scan rules', () => {
  assert.equal(isIndexable('app/main.py'), true);
  assert.equal(isIndexable('src/routes/users.ts'), true);
  // library code opened by go-to-definition, virtual environments and build output never add routes
  assert.equal(isIndexable('node_modules/express/lib/router/index.js'), false);
  assert.equal(isIndexable('.venv/lib/python3.11/site-packages/fastapi/routing.py'), false);
  assert.equal(isIndexable('dist/server.js'), false);
  // tests call routes, they do not define them
  assert.equal(isIndexable('tests/test_api.py'), false);
  assert.equal(isIndexable('src/users.spec.ts'), false);
  assert.equal(isIndexable('tests/test_api.py', { includeTests: true }), true);
  // user excludes: globs and bare names
  assert.equal(isIndexable('legacy/old.py', { exclude: ['legacy/**'] }), false);
  assert.equal(isIndexable('a/b/generated.ts', { exclude: ['**/generated.ts'] }), false);
  assert.equal(isIndexable('a/b/kept.ts', { exclude: ['**/generated.ts'] }), true);
});
