/**
 * Modules loaded by a computed name over a literal list (each element a module load, a prefix built from the same
 * element), folder loaders read at run time (each file of the folder; the reason names the computed load when its filter
 * is not read), and helpers called as members of an imported module object.
 */
import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, detectRoutes } from '../../../src/core/routes/detector';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path}: ${r.fullPathReason})`} ${r.file}`;
const js = (path: string, ...lines: string[]): { path: string; text: string } => ({ path, text: lines.join('\n') + '\n' });
const ROUTER = (p: string): string[] => [
  "const { Router } = require('express');",
  'const router = Router();',
  `router.get('${p}', (req, res) => res.send('ok'));`,
  'module.exports = router;',
];

test('forEach over a literal list: each required module is called with the app, so its routes get the app', async () => {
  const app = js(
    '/p/app.js',
    "const express = require('express');",
    'const app = express();',
    "['health', 'stats'].forEach((name) => require(`./plugins/${name}`)(app));",
  );
  const health = js('/p/plugins/health.js', "module.exports = (app) => { app.get('/healthz', (req, res) => res.send('ok')); };");
  const stats = js('/p/plugins/stats.js', "module.exports = function (app) { app.get('/stats', (req, res) => res.json({})); };");
  const routes = await detectRoutes([app, health, stats]);
  assert.deepEqual(routes.map(brief), ['GET /healthz /p/plugins/health.js', 'GET /stats /p/plugins/stats.js']);
});

test('for … of and .map over a constant list: the prefix is built from the same element as the module name', async () => {
  const app = js(
    '/p/app.js',
    "const path = require('path');",
    "const express = require('express');",
    'const app = express();',
    "const RESOURCES = ['books', 'authors'];",
    "for (const r of RESOURCES) app.use(`/api/${r}`, require(path.join(__dirname, 'routes', r)));",
    "['tags'].map((t) => app.use('/v2/' + t, require('./routes/' + t)));",
  );
  const routes = await detectRoutes([
    app,
    js('/p/routes/books.js', ...ROUTER('/')),
    js('/p/routes/authors.js', ...ROUTER('/:id')),
    js('/p/routes/tags.js', ...ROUTER('/')),
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /api/authors/:id /p/routes/authors.js',
    'GET /api/books /p/routes/books.js',
    'GET /v2/tags /p/routes/tags.js',
  ]);
});

test('an object filled in a loop over a literal list and returned: its properties are the modules, mounted by key', async () => {
  const index = js(
    '/p/controllers/index.js',
    'module.exports = (db) => {',
    "  const files = ['user', 'project'];",
    '  const controllers = {};',
    '  files.forEach((file) => {',
    '    controllers[file] = require(`./${file}`)(db);',
    '  });',
    '  return controllers;',
    '};',
  );
  const factory = (p: string): { path: string; text: string } =>
    js(
      `/p/controllers/${p}.js`,
      "const express = require('express');",
      'module.exports = (db) => {',
      '  const router = express.Router();',
      `  router.get('/${p}-only', (req, res) => res.json(db));`,
      '  return router;',
      '};',
    );
  const app = js(
    '/p/app.js',
    "const express = require('express');",
    'const app = express();',
    "const controllers = require('./controllers')({});",
    "app.use('/user', controllers.user);",
    "app.use('/project', controllers.project);",
  );
  const routes = await detectRoutes([app, index, factory('user'), factory('project')]);
  assert.deepEqual(routes.map(brief), [
    'GET /project/project-only /p/controllers/project.js',
    'GET /user/user-only /p/controllers/user.js',
  ]);
});

test('import() of an element inside the loop body, through a local binding and a destructured default', async () => {
  const app = js(
    '/p/src/index.ts',
    "import { Hono } from 'hono';",
    'const app = new Hono();',
    "for (const name of ['users', 'orders'] as const) {",
    '  const mod = await import(`./routes/${name}.js`);',
    '  app.route(`/api/${name}`, mod.default);',
    '}',
    "await Promise.all(['admin'].map(async (s) => { const { default: r } = await import(`./routes/${s}.js`); app.route(`/${s}`, r); }));",
  );
  const hono = (p: string): { path: string; text: string } =>
    js(`/p/src/routes/${p}.ts`, "import { Hono } from 'hono';", `export default new Hono().get('/${p}-list', (c) => c.json([]));`);
  const routes = await detectRoutes([app, hono('users'), hono('orders'), hono('admin')]);
  assert.deepEqual(routes.map(brief), [
    'GET /admin/admin-list /p/src/routes/admin.ts',
    'GET /api/orders/orders-list /p/src/routes/orders.ts',
    'GET /api/users/users-list /p/src/routes/users.ts',
  ]);
});

test('a route registered in a loop over a literal list is one route per element; other registrations there are read once', async () => {
  const app = js(
    '/p/app.js',
    "const express = require('express');",
    'const app = express();',
    "['a', 'b'].forEach((n) => {",
    '  app.get(`/${n}`, (req, res) => res.send(n));',
    "  app.get('/same', (req, res) => res.send('x'));",
    '});',
  );
  const routes = await detectRoutes([app]);
  assert.deepEqual(routes.map(brief), ['GET /a /p/app.js', 'GET /b /p/app.js', 'GET /same /p/app.js']);
});

test('a literal-list load records each element module as loaded by the file', async () => {
  const parsers = await loadParsers();
  const fa = analyzeFile(
    parsers,
    '/p/app.js',
    "const app = require('express')();\nfor (const f of ['x', 'y']) app.use(require(`./r/${f}`));\n",
  );
  assert.ok(fa.loads?.includes('file:/p/r/x') && fa.loads.includes('file:/p/r/y'), JSON.stringify(fa.loads));
  assert.equal(fa.computedLoads, undefined);
});

test('a loop over a folder listing mounts each file of the folder; one whose filter is a project function stays unknown', async () => {
  const app = js(
    '/p/app.js',
    "const fs = require('fs');",
    "const express = require('express');",
    "const isRoute = require('./lib/isRoute');",
    'const app = express();',
    "for (const file of fs.readdirSync(__dirname + '/legacy')) app.use('/legacy', require(`./legacy/${file}`));",
    "fs.readdirSync(__dirname + '/old').filter(isRoute).forEach((f) => app.use('/old', require('./old/' + f)));",
    'module.exports = (names) => names.forEach((n) => app.use(require(`./other/${n}`)));',
  );
  const isRoute = js('/p/lib/isRoute.js', "module.exports = (f) => f.endsWith('.js');");
  const routes = await detectRoutes([app, isRoute, js('/p/legacy/old.js', ...ROUTER('/old')), js('/p/old/x.js', ...ROUTER('/x'))]);
  assert.deepEqual(routes.map(brief), [
    'GET /legacy/old /p/legacy/old.js',
    "GET null(/x: `router` (old/x.js:2) is mounted through a computed require('./old/' + f) (app.js:6)) /p/old/x.js",
  ]);
});

test('helpers called as members of an imported module object: CommonJS object, exports.x, ES namespace and default object', async () => {
  const helpers = js(
    '/p/lib/helpers.js',
    "function addRoutes({ router }) { router.get('/', (req, res) => res.json([])); return router; }",
    'module.exports = { addRoutes };',
  );
  const utils = js('/p/lib/utils.js', 'exports.crud = (router, base) => { router.post(base, (req, res) => res.sendStatus(201)); };');
  const esm = js(
    '/p/lib/health.ts',
    "export function mountHealth(router) { router.get('/health', (req, res) => res.send('ok')); }",
    "function mountPing(router) { router.get('/ping', (req, res) => res.send('pong')); }",
    'export default { mountPing };',
  );
  const items = js(
    '/p/routes/items.js',
    "const express = require('express');",
    "const helpers = require('../lib/helpers');",
    "const utils = require('../lib/utils');",
    'let router = express.Router();',
    'router = helpers.addRoutes({ router });',
    "utils.crud(router, '/bulk');",
    'module.exports = router;',
  );
  const tags = js(
    '/p/routes/tags.ts',
    "import { Router } from 'express';",
    "import * as health from '../lib/health';",
    "import lib from '../lib/health';",
    'const router = Router();',
    'health.mountHealth(router);',
    'lib.mountPing(router);',
    'export default router;',
  );
  const app = js(
    '/p/app.ts',
    "import express from 'express';",
    "import items from './routes/items';",
    "import tags from './routes/tags';",
    'const app = express();',
    "app.use('/items', items);",
    "app.use('/tags', tags);",
  );
  const routes = await detectRoutes([app, helpers, utils, esm, items, tags]);
  assert.deepEqual(routes.map(brief), [
    'GET /tags/health /p/lib/health.ts',
    'GET /tags/ping /p/lib/health.ts',
    'GET /items /p/lib/helpers.js',
    'POST /items/bulk /p/lib/utils.js',
  ]);
});

const PY_ROUTER = (p: string, prefix = ''): string[] => [
  'from fastapi import APIRouter',
  `router = APIRouter(${prefix ? `prefix="${prefix}"` : ''})`,
  `@router.get("${p}")`,
  'def handler():',
  '    return []',
];

test('Python importlib over a literal list: each module is included, with the prefix built from the same name', async () => {
  const main = js(
    '/p/app/main.py',
    'import importlib',
    'from fastapi import FastAPI',
    'from .routers import api',
    'app = FastAPI()',
    'NAMES = ("users", "items")',
    'for name in NAMES:',
    '    module = importlib.import_module(f"app.routers.{name}")',
    '    app.include_router(module.router, prefix=f"/api/{name}")',
    'app.include_router(api, prefix="/v2")',
  );
  const pkg = js(
    '/p/app/routers/__init__.py',
    'from importlib import import_module',
    'from fastapi import APIRouter',
    'api = APIRouter()',
    'for name in ["users"]:',
    '    api.include_router(import_module(f".{name}", package=__name__).router)',
  );
  const routes = await detectRoutes([
    main,
    pkg,
    js('/p/app/routers/users.py', ...PY_ROUTER('/list')),
    js('/p/app/routers/items.py', ...PY_ROUTER('/all')),
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /api/items/all /p/app/routers/items.py',
    'GET /api/users/list /p/app/routers/users.py',
    'GET /v2/list /p/app/routers/users.py',
  ]);
});

test('Python folder loaders (pkgutil.iter_modules, os.listdir): every module of the package is included with the prefix written there or computed from its name', async () => {
  const main = js(
    '/p/app/main.py',
    'import importlib, os, pkgutil',
    'from fastapi import FastAPI',
    'from app import plugins',
    'app = FastAPI()',
    'for info in pkgutil.iter_modules(plugins.__path__):',
    '    app.include_router(importlib.import_module("app.plugins." + info.name).router, prefix="/plugins")',
    'for f in os.listdir("app/extras"):',
    '    app.include_router(importlib.import_module(f"app.extras.{f[:-3]}").router, prefix=f"/x/{f[:-3]}")',
  );
  const routes = await detectRoutes([
    main,
    js('/p/app/plugins/__init__.py', ''),
    js('/p/app/plugins/billing.py', ...PY_ROUTER('/invoices', '/billing')),
    js('/p/app/plugins/util.py', 'def helper():', '    return 1'),
    js('/p/app/extras/status.py', ...PY_ROUTER('/status')),
    js('/p/app/other/audit.py', ...PY_ROUTER('/audit')),
  ]);
  // app/other/audit.py: no loader reads its package and nothing imports it, dead code (./pyDeadCode)
  assert.deepEqual(routes.map(brief), [
    'GET /x/status/status /p/app/extras/status.py',
    'GET /plugins/billing/invoices /p/app/plugins/billing.py',
  ]);
});

test('Python folder loaders: a module name built with +, an f-string, .format or % from a package constant names the same package', async () => {
  for (const spec of [
    'PACKAGE + "." + info.name',
    'f"{PACKAGE}.{info.name}"',
    '"{}.{}".format(PACKAGE, info.name)',
    '"%s.%s" % (PACKAGE, info.name)',
  ]) {
    const main = js(
      '/p/app/main.py',
      'import importlib, pkgutil',
      'from fastapi import FastAPI',
      'from app import plugins',
      'PACKAGE = "app.plugins"',
      'app = FastAPI()',
      'for info in pkgutil.iter_modules(plugins.__path__):',
      `    app.include_router(importlib.import_module(${spec}).router, prefix="/plugins")`,
    );
    const routes = await detectRoutes([
      main,
      js('/p/app/plugins/__init__.py', ''),
      js('/p/app/plugins/billing.py', ...PY_ROUTER('/invoices')),
    ]);
    assert.deepEqual(routes.map(brief), ['GET /plugins/invoices /p/app/plugins/billing.py'], spec);
  }
});

test('a module whose export is an object literal is still read as the module: its constants and its routers', async () => {
  const app = js(
    '/p/app.js',
    "const express = require('express');",
    "const config = require('./config');",
    'const app = express();',
    'app.use(config.prefix, config.router);',
  );
  const config = js('/p/config.js', "const prefix = '/api';", "const router = require('./r');", 'module.exports = { prefix, router };');
  const routes = await detectRoutes([app, config, js('/p/r.js', ...ROUTER('/x'))]);
  assert.deepEqual(routes.map(brief), ['GET /api/x /p/r.js']);
});

test('a literal list longer than 64 elements is not unrolled: its registrations stay one unknown each', async () => {
  const names = Array.from({ length: 65 }, (_, i) => `'r${i}'`).join(', ');
  const app = js(
    '/p/app.js',
    "const app = require('express')();",
    `[${names}].forEach((n) => app.get(\`/\${n}\`, (req, res) => res.end()));`,
  );
  const routes = await detectRoutes([app]);
  assert.deepEqual(routes.map(brief), ['GET null(`/${n}`: path is a template literal with substitutions: `/${n}`) /p/app.js']);
});

test('a helper called with different paths makes one route per call, each with the router of that call, at that call', async () => {
  const utils = js(
    '/p/utils.js',
    'exports.crud = (router, base) => {',
    '  router.get(base, (req, res) => res.json([]));',
    '  router.delete(`${base}/:id`, (req, res) => res.end());',
    '};',
  );
  const app = js(
    '/p/app.js',
    "const express = require('express');",
    "const utils = require('./utils');",
    'const app = express();',
    'const a = express.Router();',
    'const b = express.Router();',
    "utils.crud(a, '/books');",
    "utils.crud(b, '/authors');",
    "app.use('/api', a);",
    "app.use('/v2', b);",
  );
  const py = js('/p/py/helpers.py', 'def crud(router, base):', '    @router.get(base)', '    def list_all():', '        return []');
  const main = js(
    '/p/py/main.py',
    'from fastapi import APIRouter, FastAPI',
    'from .helpers import crud',
    'app = FastAPI()',
    'users = APIRouter(prefix="/users")',
    'crud(users, "/all")',
    'crud(app, "/everything")',
    'app.include_router(users)',
  );
  const routes = await detectRoutes([app, utils, py, main]);
  assert.deepEqual(routes.map(brief), [
    'GET /api/books /p/app.js',
    'DELETE /api/books/:id /p/app.js',
    'GET /v2/authors /p/app.js',
    'DELETE /v2/authors/:id /p/app.js',
    'GET /users/all /p/py/main.py',
    'GET /everything /p/py/main.py',
  ]);
  // each at its call; the handler, written in the helper, stays there
  assert.deepEqual(
    routes.map((r) => `${r.line} ${path.basename(r.handlerFile)}:${r.handlerLine}`),
    ['6 utils.js:2', '6 utils.js:3', '7 utils.js:2', '7 utils.js:3', '5 helpers.py:3', '6 helpers.py:3'],
  );
});

test('literal-list loaders of Fastify plugins and Koa routers: register/use per element, with the prefix of that element', async () => {
  const fastify = js(
    '/p/app.js',
    "const fastify = require('fastify')();",
    "for (const f of ['users', 'items']) fastify.register(require(`./routes/${f}`), { prefix: `/api/${f}` });",
    'fastify.listen({ port: 3000 });',
  );
  const koa = js(
    '/p/k.js',
    "const Koa = require('koa');",
    "const Router = require('@koa/router');",
    'const app = new Koa();',
    "const api = new Router({ prefix: '/k' });",
    "['a', 'b'].forEach((n) => api.use(`/${n}`, require(`./kr/${n}`).routes()));",
    'app.use(api.routes());',
  );
  const koaRouter = (p: string): string[] => [
    "const Router = require('@koa/router');",
    'const r = new Router();',
    `r.get('${p}', (ctx) => {});`,
    'module.exports = r;',
  ];
  const routes = await detectRoutes([
    fastify,
    js('/p/routes/users.js', 'module.exports = async function (app) {', "  app.get('/', async () => []);", '};'),
    js('/p/routes/items.js', "module.exports = async (app) => { app.post('/', async () => ({})); };"),
    koa,
    js('/p/kr/a.js', ...koaRouter('/x')),
    js('/p/kr/b.js', ...koaRouter('/y')),
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /k/a/x /p/kr/a.js',
    'GET /k/b/y /p/kr/b.js',
    'POST /api/items /p/routes/items.js',
    'GET /api/users /p/routes/users.js',
  ]);
});
