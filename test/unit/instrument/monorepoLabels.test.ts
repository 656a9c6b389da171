/**
 * Instrument Route in a monorepo: a package's router mounted by an app of another package under a prefix. The routes
 * of the folder instrumenting one file scans (core/routes/projectRoot: the monorepo's root) carry the prefix, and so do
 * the labels the planner writes, in both styles; the package's own folder alone would have labelled them without it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { projectRoot } from '../../../src/core/routes/projectRoot';
import { scanWorkspace } from '../../../src/core/routes/workspace';
import { DEFAULT_OPTIONS } from '../../../src/core/instrument/types';
import { tempTree } from '../../support/tempTree';

const MONOREPO = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }),
  'apps/server/package.json': JSON.stringify({ name: 'server', dependencies: { '@repo/admin-api': 'workspace:*', hono: '^4' } }),
  'apps/server/src/index.ts':
    "import { serve } from '@hono/node-server';\nimport { Hono } from 'hono';\nimport adminApi from '@repo/admin-api';\n\n" +
    "const app = new Hono();\napp.get('/', (c) => c.text('ok'));\napp.route('/admin', adminApi);\n\nserve({ fetch: app.fetch, port: 3000 });\n",
  'packages/admin-api/package.json': JSON.stringify({ name: '@repo/admin-api', main: 'dist/index.js', type: 'module' }),
  'packages/admin-api/src/index.ts':
    "import { Hono } from 'hono';\nimport roleHandler from './handlers/role-handler.js';\n\n" +
    "const adminApi = new Hono();\nadminApi.route('/roles', roleHandler);\nexport default adminApi;\n",
  'packages/admin-api/src/handlers/role-handler.ts':
    "import { Hono } from 'hono';\n\nconst roleHandler = new Hono();\n\n" +
    "roleHandler.get('/', async (c) => c.json([]));\nroleHandler.put('/:id', async (c) => c.json({ id: c.req.param('id') }));\n\n" +
    'export default roleHandler;\n',
};

async function plan(root: string, scanRoot: string, style: 'wrapper' | 'inline') {
  const file = path.join(root, 'packages/admin-api/src/handlers/role-handler.ts');
  const text = fs.readFileSync(file, 'utf8');
  const scan = await scanWorkspace(scanRoot);
  const routes = scan.routes.filter((r) => path.resolve(r.file) === file);
  const p = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...DEFAULT_OPTIONS, style }, routes);
  return { routes, plan: p, after: applyEdits(text, p.edits) };
}

describe('Instrument Route labels in a monorepo', () => {
  it('the file of a member package scans the monorepo root, so its labels carry the mount of another package', async () => {
    const root = tempTree(MONOREPO);
    const file = path.join(root, 'packages/admin-api/src/handlers/role-handler.ts');
    assert.equal(projectRoot(file), root);
    const wrapper = await plan(root, projectRoot(file)!, 'wrapper');
    assert.deepEqual(wrapper.routes.map((r) => r.fullPath).sort(), ['/admin/roles', '/admin/roles/:id']);
    assert.equal(wrapper.plan.refused, undefined, wrapper.plan.summary);
    assert.match(wrapper.after, /observeRoute\('PUT', '\/admin\/roles\/:id'\)/);
    assert.match(wrapper.after, /observeRoute\('GET', '\/admin\/roles'\)/);
    assert.doesNotMatch(wrapper.after, /'\/roles/);
    const inline = await plan(root, projectRoot(file)!, 'inline');
    assert.equal(inline.plan.refused, undefined, inline.plan.summary);
    assert.match(inline.after, /'PUT \/admin\/roles\/:id'/);
    assert.doesNotMatch(inline.after, /'PUT \/roles\/:id'/);
  });

  it('the package alone does not see the mount (why the monorepo root is scanned)', async () => {
    const root = tempTree(MONOREPO);
    const { routes } = await plan(root, path.join(root, 'packages/admin-api'), 'wrapper');
    assert.ok(!routes.some((r) => r.fullPath?.startsWith('/admin')));
  });
});
