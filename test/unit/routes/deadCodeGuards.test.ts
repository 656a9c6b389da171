/** Routes of a module nothing known loads are kept when the project's loads are not all known (an unread file, an alias). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import { resolveRoutes } from '../../../src/core/routes/resolve';
import { emptyAnalysis } from '../../../src/core/routes/model';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { analyzeFile } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';
import { scanWorkspace, toRouteJson } from '../../../src/core/routes/workspace';
import { tempTree } from '../../support/tempTree';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.knownSuffix ?? r.path})`} ${r.file}`;

// a served app (it listens) mounting one router; another router module nothing known imports
const APP = {
  path: '/p/src/app.ts',
  text: "import Koa from 'koa';\nimport users from './users/routes';\nconst app = new Koa();\napp.use(users.routes());\napp.listen(3000);\n",
};
const router = (prefix: string): string =>
  `import Router from '@koa/router';\nconst router = new Router({ prefix: '${prefix}' });\nrouter.get('/', (ctx) => { ctx.body = []; });\nexport default router;\n`;
const USERS = { path: '/p/src/users/routes.ts', text: router('/api/users') };
const ADMIN = { path: '/p/src/admin/routes.ts', text: router('/api/admin') };
const LIVE = 'GET /api/users /p/src/users/routes.ts';

test('without a reason to doubt, a router module nothing imports is dead', async () => {
  const routes = await detectRoutes([APP, USERS, ADMIN], { projectDirs: ['/p'] });
  assert.deepEqual(routes.map(brief), [LIVE]);
});

test('a JS/TS file of the project the scan could not read keeps the routes nothing known loads, saying why', async () => {
  const routes = await detectRoutes([APP, USERS, ADMIN], { projectDirs: ['/p'], root: '/p', jsUnread: ['/p/src/huge.ts'] });
  assert.deepEqual(routes.map(brief), ['GET null(/api/admin) /p/src/admin/routes.ts', LIVE]);
  assert.match(routes[0]!.fullPathReason ?? '', /kept although nothing known loads its module: src\/huge\.ts could not be read/);
  // an unread file of another project says nothing of this one
  const other = await detectRoutes([APP, USERS, ADMIN], { projectDirs: ['/p', '/q'], jsUnread: ['/q/huge.ts'] });
  assert.deepEqual(other.map(brief), [LIVE]);
});

test('a JS/TS file whose parse or analysis failed keeps the routes nothing known loads', async () => {
  const parsers = await loadParsers();
  const failed = { ...emptyAnalysis('/p/src/boot.ts', 'javascript'), notes: ['parse failed'] };
  const analyses = [APP, USERS, ADMIN].map((f) => analyzeFile(parsers, f.path, f.text));
  const routes = resolveRoutes([...analyses, failed], { projectDirs: ['/p'], root: '/p' });
  assert.deepEqual(routes.map(brief), ['GET null(/api/admin) /p/src/admin/routes.ts', LIVE]);
  assert.match(routes[0]!.fullPathReason ?? '', /src\/boot\.ts could not be analysed \(parse failed\)/);
});

test('an import through a project alias the analysis cannot resolve keeps the routes nothing known loads', async () => {
  for (const spec of ['@/setup/plugins', '~/setup', '#setup', '@lib/setup']) {
    const boot = { path: '/p/src/boot.ts', text: `import setup from '${spec}';\nexport default setup;\n` };
    const options = {
      projectDirs: ['/p'],
      root: '/p',
      pathConfigs: [{ dir: '/p', aliases: [{ pattern: '@lib/*', targets: ['/p/lib/*'] }] }],
    };
    const routes = await detectRoutes([APP, USERS, ADMIN, boot], options);
    assert.deepEqual(routes.map(brief), ['GET null(/api/admin) /p/src/admin/routes.ts', LIVE], spec);
    assert.match(routes[0]!.fullPathReason ?? '', /imports `[^`]+`, a path alias the analysis cannot resolve/, spec);
  }
  // a scoped registry package, or an alias naming a component or an asset, loads no module of routes
  for (const spec of ['@koa/cors', '@/components/Nav.vue', '~/styles/main.css']) {
    const boot = { path: '/p/src/boot.ts', text: `import x from '${spec}';\nexport default x;\n` };
    const routes = await detectRoutes([APP, USERS, ADMIN, boot], { projectDirs: ['/p'] });
    assert.deepEqual(routes.map(brief), [LIVE], spec);
  }
});

test('a scan that skips a JS/TS file over the size limit keeps the routes nothing known loads', async () => {
  const root = tempTree({
    'package.json': '{"name":"p"}',
    'src/app.ts': APP.text,
    'src/users/routes.ts': USERS.text,
    'src/admin/routes.ts': ADMIN.text,
    // too large to read: it may be the module that mounts the admin routes
    'src/boot.ts': `import admin from './admin/routes';\nexport default admin;\n// ${'x'.repeat(5000)}\n`,
  });
  const { routes } = await scanWorkspace(root, { maxFileBytes: 2000 });
  assert.deepEqual(
    routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath}`),
    ['src/admin/routes.ts null', 'src/users/routes.ts /api/users'],
  );
});
