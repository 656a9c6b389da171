/** A never-mounted router in a module nothing loads is dead code, not a route (only when the app tree is known). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.file}`;

const APP = {
  path: '/p/src/app.ts',
  text: [
    "import Koa from 'koa';",
    "import users from './users/routes';",
    'const app = new Koa();',
    'app.use(users.routes());',
    '// which modules load is up to the build: it controls the import',
    '// (the old copy in ./old is kept for reference)',
    'export default app;',
    '',
  ].join('\n'),
};
const router = (prefix: string): string =>
  `import Router from '@koa/router';\nconst router = new Router({ prefix: '${prefix}' });\nrouter.get('/', (ctx) => { ctx.body = []; });\nexport default router;\n`;
const USERS = { path: '/p/src/users/routes.ts', text: router('/api/users') };
const OLD = { path: '/p/src/old/routes.ts', text: router('/api/old') };

test('a router in a module nothing imports is dropped when the app mounts the others', async () => {
  const routes = await detectRoutes([APP, USERS, OLD]);
  assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts']);
});

test('a module loaded by import(), by a computed name whose folder is unknown, or by a folder-loader package keeps its routes', async () => {
  const literal = { path: '/p/src/lazy.ts', text: "export const load = () => import('./old/routes');\n" };
  const computed = { path: '/p/src/loader.ts', text: 'export const load = (name: string) => import(name);\n' };
  // lfb/nodejs-koa-blog: requireDirectory(module, `${process.cwd()}/app/api`, { visit }) mounts every router it finds
  const folderLoader = {
    path: '/p/src/init.js',
    text: "const requireDirectory = require('require-directory');\nmodule.exports = (dir, visit) => requireDirectory(module, dir, { visit });\n",
  };
  for (const extra of [literal, computed, folderLoader]) {
    const routes = await detectRoutes([APP, USERS, OLD, extra]);
    assert.deepEqual(routes.map(brief), ['GET null(/) /p/src/old/routes.ts', 'GET /api/users /p/src/users/routes.ts'], extra.path);
  }
});

test('a folder loader keeps the routes of the folder it reads (and below) only; modules elsewhere nothing imports stay dead', async () => {
  const loader = {
    path: '/p/src/loader.ts',
    text:
      "import * as fs from 'node:fs';\nimport * as path from 'node:path';\n" +
      "export const plugins = fs.readdirSync(path.join(__dirname, 'plugins')).map((f) => require(path.join(__dirname, 'plugins', f)));\n" +
      'export const load = (name: string) => import(`./plugins/${name}`);\n',
  };
  const plugin = { path: '/p/src/plugins/audit/routes.ts', text: router('/api/audit') };
  const routes = await detectRoutes([APP, USERS, OLD, loader, plugin]);
  assert.deepEqual(routes.map(brief), ['GET null(/) /p/src/plugins/audit/routes.ts', 'GET /api/users /p/src/users/routes.ts']);
});

test('an ES module loader importing file URLs keeps its folder only; a file URL of an unknown path keeps every module', async () => {
  const loader = (load: string): { path: string; text: string } => ({
    path: '/p/src/plugins/index.js',
    text:
      "import fs from 'node:fs';\nimport path from 'node:path';\nimport url, { pathToFileURL } from 'node:url';\n" +
      `for (const file of fs.readdirSync(import.meta.dirname)) {\n  const p = path.join(import.meta.dirname, file);\n  await ${load};\n}\n`,
  });
  const plugin = { path: '/p/src/plugins/audit/routes.ts', text: router('/api/audit') };
  const kept = ['GET null(/) /p/src/plugins/audit/routes.ts', 'GET /api/users /p/src/users/routes.ts'];
  for (const load of ['import(pathToFileURL(p).href)', 'import(url.pathToFileURL(p))']) {
    const routes = await detectRoutes([APP, USERS, OLD, loader(load), plugin]);
    assert.deepEqual(routes.map(brief), kept, load);
  }
  const unknown = await detectRoutes([APP, USERS, OLD, loader('import(pathToFileURL(process.argv[2]).href)'), plugin]);
  assert.deepEqual(unknown.map(brief), ['GET null(/) /p/src/old/routes.ts', ...kept]);
});

test('without a resolved app tree (a library of routers) every router keeps its routes', async () => {
  const routes = await detectRoutes([USERS, OLD]);
  assert.deepEqual(routes.map(brief), ['GET null(/) /p/src/old/routes.ts', 'GET null(/) /p/src/users/routes.ts']);
});

test('a standalone service (it listens itself) keeps its routes although nothing imports it', async () => {
  const standalone = {
    path: '/p/src/tools/metrics.ts',
    text: "import Koa from 'koa';\nimport Router from '@koa/router';\nconst app = new Koa();\nconst r = new Router();\nr.get('/scrape', (ctx) => { ctx.body = ''; });\napp.listen(9464);\n",
  };
  const routes = await detectRoutes([APP, USERS, standalone]);
  assert.deepEqual(routes.map(brief), ['GET null(/scrape) /p/src/tools/metrics.ts', 'GET /api/users /p/src/users/routes.ts']);
});

test('a router outside the app folder (another package of a monorepo, loaded by its name) keeps its routes', async () => {
  const shared = { path: '/p/packages/shared/routes.ts', text: router('/api/shared') };
  const routes = await detectRoutes([APP, USERS, shared]);
  assert.deepEqual(routes.map(brief), ['GET null(/) /p/packages/shared/routes.ts', 'GET /api/users /p/src/users/routes.ts']);
});

test('a TypeScript method named import or require is not a computed load: modules nothing imports stay dead', async () => {
  const importer = {
    path: '/p/src/importer.ts',
    text: 'export interface Importer {\n  import(data: unknown[]): Promise<void>;\n}\nexport class Rows {\n  private require(id: string): string {\n    return id;\n  }\n}\n',
  };
  const routes = await detectRoutes([APP, USERS, OLD, importer]);
  assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts']);
});

test('the sub-routers of a router module nothing imports are dead too: their only mount chain ends there', async () => {
  const group = {
    path: '/p/src/old/index.ts',
    text: "import Router from '@koa/router';\nimport routes from './routes';\nconst group = new Router();\ngroup.use('/v0', routes.routes());\nexport default group;\n",
  };
  const routes = await detectRoutes([APP, USERS, OLD, group]);
  assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts']);
  // a module the configuration runs (`"legacy": "tsx src/old/index.ts"`) is no dead code
  const named = await detectRoutes([APP, USERS, OLD, group], { entryStems: ['/p/src/old'] });
  assert.deepEqual(named.map(brief), ['GET null(/) /p/src/old/routes.ts', 'GET /api/users /p/src/users/routes.ts']);
});

// the app of a project served for sure: it listens itself (a `src/server.ts` the configuration runs would do too)
const SERVED = { ...APP, text: APP.text.replace('export default app;', 'app.listen(3000);') };
const FACTORY = {
  path: '/p/config/router.ts',
  text: "import Router from '@koa/router';\nexport default () => {\n  const router = new Router({ prefix: '/api' });\n  router.get('/v0', (ctx) => { ctx.body = []; });\n  return router;\n};\n",
};

test('a router module of the served app’s project that nothing imports is dead outside the app folder too', async () => {
  const routes = await detectRoutes([SERVED, USERS, FACTORY], { projectDirs: ['/p'] });
  assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts']);
  // another package (a folder of its own) may be loaded by its name; an app not served for sure may be another's part
  const pkg = { ...FACTORY, path: '/p/packages/legacy/router.ts' };
  const other = await detectRoutes([SERVED, USERS, pkg], { projectDirs: ['/p', '/p/packages/legacy'] });
  assert.deepEqual(other.map(brief), ['GET null(/v0) /p/packages/legacy/router.ts', 'GET /api/users /p/src/users/routes.ts']);
  const unsure = await detectRoutes([APP, USERS, FACTORY], { projectDirs: ['/p'] });
  assert.deepEqual(unsure.map(brief), ['GET null(/v0) /p/config/router.ts', 'GET /api/users /p/src/users/routes.ts']);
  // imported through an alias the analysis cannot read (a bundler's `~`), or run by the configuration: kept
  const aliased = { path: '/p/src/boot.ts', text: "import build from '~/config/router';\nexport const legacy = build();\n" };
  for (const [files, entryStems] of [
    [[SERVED, USERS, FACTORY, aliased], []],
    [[SERVED, USERS, FACTORY], ['/p/config/router']],
  ] as const) {
    const kept = await detectRoutes([...files], { projectDirs: ['/p'], entryStems: [...entryStems] });
    assert.ok(
      kept.some((r) => r.file === FACTORY.path),
      entryStems.join(),
    );
  }
});

const EXAMPLE_SERVER = (file: string) => ({
  path: file,
  text: "const express = require('express');\nconst app = express();\napp.post('/api/verify', (req, res) => res.json({}));\napp.listen(4000);\n",
});

test('a server that is a copy template or a static file of a public/ or static/ folder, and that nothing loads, is dead', async () => {
  // static/: Nuxt 2 and SvelteKit serve its files as they are
  for (const f of [
    '/p/web/public/api/verify.js',
    '/p/web/static/api/verify.js',
    '/p/static/verify.js',
    '/p/src/verify.example.js',
    '/p/src/verify.sample.ts',
  ]) {
    const routes = await detectRoutes([APP, USERS, EXAMPLE_SERVER(f)], { projectDirs: ['/p', '/p/web'] });
    assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts'], f);
  }
  // a `public/` or `static/` folder below the project's own (a module group named so), one the app loads, one a script runs
  const nested = EXAMPLE_SERVER('/p/src/public/verify.js');
  const nestedStatic = EXAMPLE_SERVER('/p/src/static/verify.js');
  const loaded = EXAMPLE_SERVER('/p/src/verify.example.js');
  const importer = { path: '/p/src/dev.js', text: "require('./verify.example');\n" };
  const run = EXAMPLE_SERVER('/p/tools/verify.sample.js');
  for (const [files, stems] of [
    [[nested], []],
    [[nestedStatic], []],
    [[loaded, importer], []],
    [[run], ['/p/tools/verify.sample']],
  ] as const) {
    const routes = await detectRoutes([APP, USERS, ...files], { projectDirs: ['/p'], entryStems: [...stems] });
    const expected = ['POST /api/verify ' + files[0].path, 'GET /api/users /p/src/users/routes.ts'];
    assert.deepEqual(routes.map(brief).sort(), expected.sort(), files[0].path);
  }
});

test('only Node’s createServer serves: a project function named createServer is no proof the app is served', async () => {
  const server = (text: string) => ({
    path: '/p/src/app.ts',
    text: `import Koa from 'koa';\nimport users from './users/routes';\n${text}\n`,
  });
  const make = 'const app = new Koa();\napp.use(users.routes());';
  const served = [
    `import * as https from 'node:https';\n${make}\nhttps.createServer({}, app.callback());`,
    `import { createServer } from 'node:http';\n${make}\ncreateServer(app.callback());`,
    `const { createServer } = require('http2');\n${make}\ncreateServer(app.callback());`,
  ];
  for (const text of served) {
    const routes = await detectRoutes([server(text), USERS, FACTORY], { projectDirs: ['/p'] });
    assert.deepEqual(routes.map(brief), ['GET /api/users /p/src/users/routes.ts'], text);
  }
  // the project's own factory, called by a handler module: the app may be another's part, so nothing is dead
  const own = server(`export function createServer() {\n  ${make}\n  return app;\n}`);
  const handler = { path: '/p/src/handler.ts', text: "import { createServer } from './app';\nexport const handler = createServer();\n" };
  const routes = await detectRoutes([own, handler, USERS, FACTORY], { projectDirs: ['/p'] });
  assert.deepEqual(routes.map(brief), ['GET null(/v0) /p/config/router.ts', 'GET /api/users /p/src/users/routes.ts']);
});
