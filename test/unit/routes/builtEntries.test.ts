/**
 * A workspace package committed only as its build output (`dist/index.js`, `dist/index.d.ts`) gives its constants to
 * the modules that import it by name (the hono_workspace_built_package and express_workspace_declarations fixtures
 * show the paths); these tests hold the limits: build output never yields routes, a package's source wins over its
 * build, a file over the size limit or outside the package is not read, and declaration types that are not string
 * literals are no values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { withTree } from '../../../src/core/parsing/treeSitter';
import { declarationAnalysis } from '../../../src/core/routes/builtEntries';
import { scanWorkspace } from '../../../src/core/routes/workspace';
import { tempTree } from '../../support/tempTree';

const WORKSPACE = JSON.stringify({ name: 'w', private: true, workspaces: ['packages/*', 'apps/*'] });
const CONTRACTS = JSON.stringify({ name: 'acme-contracts', main: 'dist/index.js', types: 'dist/index.d.ts' });

async function declared(text: string): Promise<Record<string, string>> {
  const fa = await withTree(text, '/w/dist/index.d.ts', (root) => declarationAnalysis('/w/dist/index.d.ts', root));
  return fa!.consts;
}

test('declaration files: string literal types, nested readonly object types, `= "…"` and enum strings are values; wider types not', async () => {
  const consts = await declared(
    [
      'export declare const A: "/a";',
      'export declare const B = "/b";',
      'export declare const R: { readonly users: { readonly list: \'/users\'; readonly "byId": "/users/:id" }; readonly n: 3 };',
      'export declare const S: string;',
      'export declare let L: "/let";',
      'export declare function f(): "/f";',
      'declare const hidden: { readonly x: "/x" };',
      'export { hidden as shown };',
      'export declare enum P { Users = "/users", N = 2 }',
      "export declare const enum Q { 'x-y' = '/q' }",
    ].join('\n'),
  );
  assert.deepEqual(consts, {
    A: '/a',
    B: '/b',
    'R.users.list': '/users',
    'R.users.byId': '/users/:id',
    'hidden.x': '/x',
    'shown.x': '/x',
    'P.Users': '/users',
    'Q.x-y': '/q',
  });
});

test('a route registered in a package build output is never reported, its constants are read', async () => {
  const root = tempTree({
    'package.json': WORKSPACE,
    'packages/contracts/package.json': CONTRACTS,
    'packages/contracts/dist/index.js': [
      "import express from 'express';",
      "export const USERS = '/users';",
      'export const app = express();',
      "app.get('/from-dist', (req, res) => res.end());",
      'app.listen(3000);',
    ].join('\n'),
    'apps/api/src/server.ts': [
      "import express from 'express';",
      "import { USERS, app as built } from 'acme-contracts';",
      'const app = express();',
      'app.get(USERS, (req, res) => res.end());',
      "built.get('/extra', (req, res) => res.end());",
      'app.listen(3000);',
    ].join('\n'),
  });
  const { routes, analyses } = await scanWorkspace(root);
  assert.deepEqual(
    routes.map((r) => [path.relative(root, r.file), r.fullPath]),
    [['apps/api/src/server.ts', '/users']],
  );
  const dist = analyses.get(path.join(root, 'packages/contracts/dist/index.js'));
  assert.ok(dist);
  assert.deepEqual([dist.routes.length, dist.objects.length, dist.functions.length, dist.serves], [0, 0, 0, undefined]);
});

test("the package's source wins over its build; an oversize build file or one outside the package is not read", async () => {
  const root = tempTree({
    'package.json': WORKSPACE,
    'packages/contracts/package.json': CONTRACTS,
    'packages/contracts/src/index.ts': "export const USERS = '/users';",
    'packages/contracts/dist/index.js': "export const USERS = '/stale';",
    'packages/big/package.json': JSON.stringify({ name: 'big', main: 'dist/index.js' }),
    'packages/big/dist/index.js': `export const BIG = '/big';\n// ${'x'.repeat(4096)}`,
    'packages/far/package.json': JSON.stringify({ name: 'far', main: 'dist/index.js' }),
    'packages/far/dist/index.js': "export * from '../../other/dist/index.js';",
    'packages/other/package.json': JSON.stringify({ name: 'other', main: 'dist/index.js' }),
    'packages/other/dist/index.js': "export const FAR = '/far';",
    'apps/api/src/server.ts': [
      "import express from 'express';",
      "import { USERS } from 'acme-contracts';",
      "import { BIG } from 'big';",
      "import { FAR } from 'far';",
      'const app = express();',
      'app.get(USERS, (req, res) => res.end());',
      'app.get(BIG, (req, res) => res.end());',
      'app.get(FAR, (req, res) => res.end());',
      'app.listen(3000);',
    ].join('\n'),
  });
  const { routes, notes, analyses } = await scanWorkspace(root, { maxFileBytes: 2048 });
  assert.deepEqual(
    routes.map((r) => r.fullPath),
    ['/users', null, null],
  );
  assert.ok(!analyses.has(path.join(root, 'packages/contracts/dist/index.js')));
  assert.ok(
    notes.some((n) => n.startsWith('packages/big/dist/index.js: package build output not read')),
    notes.join('\n'),
  );
});
