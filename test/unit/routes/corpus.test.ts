/** Every sample project under test/fixtures/routes/<project>/ must produce exactly its expected.json. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanWorkspace, toRouteJson } from '../../../src/core/routes/workspace';
import type { RouteJson } from '../../../src/core/routes/types';

const FIXTURES = path.resolve(__dirname, '../../fixtures/routes');
const projects = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('the corpus has a project per framework plus negatives', () => {
  for (const p of [
    'fastapi_app',
    'flask_app',
    'flask_restful',
    'express_cjs',
    'express_ts',
    'express_class',
    'fastify_app',
    'nest_app',
    'koa_app',
    'hono_app',
    'negatives',
  ]) {
    assert.ok(projects.includes(p), `missing fixture project ${p}`);
  }
});

for (const project of projects) {
  test(`corpus: ${project}`, async () => {
    const root = path.join(FIXTURES, project);
    const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected.json'), 'utf8')) as RouteJson[];
    const { routes } = await scanWorkspace(root, {});
    const actual = routes.map((r) => toRouteJson(r, root));
    assert.deepEqual(actual, expected);
    const sorted = [...actual].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    assert.deepEqual(
      actual.map((r) => `${r.file}:${r.line}`),
      sorted.map((r) => `${r.file}:${r.line}`),
      'sorted by file, line',
    );
  });
}

test('negatives: clients, comments, docstrings, middleware, hooks and look-alike objects are never routes', async () => {
  const { routes } = await scanWorkspace(path.join(FIXTURES, 'negatives'), {});
  assert.deepEqual(routes, []);
});
