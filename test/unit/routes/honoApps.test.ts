/** Hono: apps made by the factory helper (`createFactory().createApp()`, handlers from `createHandlers`), and which
 *  unmounted Hono app is a root (a served one) and which is an unmounted sub-app (no full path). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.fullPathReason ?? ''})`}`;
const FACTORY = {
  path: '/p/src/factory.ts',
  text: "import { createFactory } from 'hono/factory';\nconst factory = createFactory();\nexport default factory;\n",
};

test('factory.createApp() from a factory of another module: the root app and mounted sub-apps, through a helper', async () => {
  const routes = await detectRoutes([
    FACTORY,
    {
      path: '/p/src/index.ts',
      text:
        "import { serve } from '@hono/node-server';\nimport factory from './factory';\nimport { setupRouter } from './router';\n" +
        'const app = factory.createApp();\nsetupRouter(app);\nserve({ fetch: app.fetch, port: 3000 });\n',
    },
    {
      path: '/p/src/router.ts',
      text:
        "import { wallet } from './wallet';\nexport function setupRouter(app) {\n  const v1 = app.basePath('/api/v1');\n" +
        "  v1.route('/wallet', wallet);\n  v1.get('/health', (c) => c.text('ok'));\n}\n",
    },
    {
      path: '/p/src/wallet.ts',
      text:
        "import factory from './factory';\nexport const wallet = factory.createApp();\n" +
        'const getWallet = factory.createHandlers(async (c) => {\n  return c.json({});\n});\n' +
        "wallet.get('/', ...getWallet);\nwallet.post('/send', ...factory.createHandlers((c) => c.json({})));\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/v1/health', 'GET /api/v1/wallet', 'POST /api/v1/wallet/send']);
  const [get, post] = routes.filter((r) => r.file === '/p/src/wallet.ts');
  assert.deepEqual([get?.handlerLine, post?.handlerLine], [3, 7], 'the handler is the function createHandlers is given');
});

test('a chained createFactory().createApp() is an app; createApp() of anything else makes none', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/index.ts',
      text:
        "import { createFactory } from 'hono/factory';\nimport { makeKit } from './kit';\n" +
        "const app = createFactory().createApp();\napp.get('/a', (c) => c.text('a'));\n" +
        "const other = makeKit().createApp();\nother.get('/b', (c) => c.text('b'));\nexport default app;\n",
    },
    { path: '/p/src/kit.ts', text: 'export function makeKit() {\n  return { createApp: () => ({ get() {} }) };\n}\n' },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /a']);
});

const SUB =
  "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/elevation-grid', (c) => c.json([]));\nexport const topologyRoutes = app;\n";

test('an unmounted Hono app is no root when another app is served: default export, serve(), fetch handler', async () => {
  for (const entry of [
    "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/', (c) => c.text('ok'));\nexport default app;\n",
    "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/', (c) => c.text('ok'));\nexport default { port: 3000, fetch: app.fetch };\n",
    "import { Hono } from 'hono';\nimport { serve } from '@hono/node-server';\nconst app = new Hono();\napp.get('/', (c) => c.text('ok'));\nserve(app);\n",
    "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/', (c) => c.text('ok'));\nBun.serve({ fetch: app.fetch });\n",
  ]) {
    const routes = await detectRoutes([
      { path: '/p/src/index.ts', text: entry },
      { path: '/p/src/routes/topology.ts', text: SUB },
    ]);
    assert.deepEqual(
      routes.map(brief),
      ['GET /', 'GET null(`app` (routes/topology.ts:2) is never mounted/registered in the analysed files)'],
      entry,
    );
  }
});

test('with no served Hono app, every unmounted one stays a root (a single-file app, or files of the same kind)', async () => {
  const one = await detectRoutes([{ path: '/p/src/app.ts', text: SUB }]);
  assert.deepEqual(one.map(brief), ['GET /elevation-grid']);
  const two = await detectRoutes([
    { path: '/p/src/a.ts', text: SUB },
    { path: '/p/src/b.ts', text: SUB.replace('/elevation-grid', '/b') },
  ]);
  assert.deepEqual(two.map(brief), ['GET /elevation-grid', 'GET /b']);
});

test('mounted sub-apps exported as default are no served roots: the unserved app that mounts them stays the root', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/index.ts',
      text: "import { Hono } from 'hono';\nimport users from './users';\nconst app = new Hono();\napp.route('/users', users);\n",
    },
    {
      path: '/p/src/users.ts',
      text: "import { Hono } from 'hono';\nconst users = new Hono();\nusers.get('/', (c) => c.json([]));\nexport default users;\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /users']);
});

test("a path-less verb in a chain registers at the chain's last path, as Hono keeps it; only on Hono", async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/index.ts',
      text:
        "import { Hono } from 'hono';\nfunction auth(c, next) {\n  return next();\n}\nconst app = new Hono()\n" +
        "  .get('/a', (c) => c.text('a'))\n  .post((c) => c.text('a'))\n" +
        "  .on(['PUT', 'PATCH'], ['/b', '/c'], (c) => c.text('b'))\n  .delete(auth, (c) => c.text('c'))\n" +
        "  .route('/sub', new Hono())\n  .all((c) => c.text('c'))\n  .use(auth)\n  .options((c) => c.text('*'));\n" +
        "app.get((c) => c.text('unknown: the path is the last one registered before this statement'));\n" +
        'export default app;\n',
    },
    {
      path: '/p/src/x.ts',
      text: "import { Hono } from 'hono';\nexport default new Hono().basePath('/x').get((c) => c.text('x')).get('/y').put((c) => c.text('y'));\n",
    },
    {
      path: '/p/src/express.js',
      text: "const express = require('express');\nconst app = express();\napp.get('/e', (req, res) => res.end()).post((req, res) => res.end());\napp.listen(3000);\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /e',
    'GET /a',
    'POST /a',
    'PUT,PATCH /b',
    'PUT,PATCH /c',
    'DELETE /c',
    'ALL /c',
    'OPTIONS /*',
    'GET /x',
    'PUT /x/y',
  ]);
});

test('a sub-app imported through an alias no config declares has no full path, with where it is imported; not a root', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/index.ts',
      text: "import { Hono } from 'hono';\nimport users from '@/routes/users';\nconst app = new Hono();\napp.route('/users', users);\nexport default app;\n",
    },
    {
      path: '/p/src/routes/users.ts',
      text: "import { Hono } from 'hono';\nconst users = new Hono();\nusers.get('/', (c) => c.json([]));\nexport default users;\n",
    },
    {
      path: '/p/src/factory.ts',
      text: "import { Hono } from 'hono/tiny';\nexport default new Hono().get('/factory', (c) => c.text('f'));\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /factory',
    'GET null(`users` (routes/users.ts:2) is imported as `@/routes/users` by index.ts, a path alias the analysis cannot resolve)',
  ]);
});

const ROUTER_MODULE = {
  path: '/p/src/features/payment/route/index.ts',
  text: "import { Hono } from 'hono';\nimport list from './list';\nconst PaymentRouter = new Hono().route('/', list);\nexport default PaymentRouter;\n",
};
const ROUTER_LIST = {
  path: '/p/src/features/payment/route/list.ts',
  text: "import { Hono } from 'hono';\nexport default new Hono().get('/', (c) => c.json([]));\n",
};
const mainApp = (serveIt: string): { path: string; text: string } => ({
  path: '/p/src/index.ts',
  text:
    "import { Hono } from 'hono';\nimport { serve } from '@hono/node-server';\nimport users from './features/user/route';\n" +
    `const app = new Hono();\napp.route('/users', users);\n${serveIt}\n`,
});
const USERS = {
  path: '/p/src/features/user/route/index.ts',
  text: "import { Hono } from 'hono';\nexport default new Hono().get('/', (c) => c.json([]));\n",
};

test('a default-exported router module nothing imports is no root when another app is served for sure: not a route', async () => {
  const files = [USERS, ROUTER_MODULE, ROUTER_LIST];
  for (const serveIt of ['serve(app);', 'export default { fetch: app.fetch };']) {
    const routes = await detectRoutes([mainApp(serveIt), ...files]);
    assert.deepEqual(routes.map(brief), ['GET /users'], serveIt);
  }
  // the entry is only default-exported: served for sure when the configuration names it (wrangler.toml main)
  const named = await detectRoutes([mainApp('export default app;'), ...files], { entryStems: ['/p/src'] });
  assert.deepEqual(named.map(brief), ['GET /users']);
});

test('…but stays a root when nothing is served for sure, when it is named as an entry, shallow, or loaded', async () => {
  const files = [USERS, ROUTER_MODULE, ROUTER_LIST];
  // only default exports, no configuration: which one the runtime serves is not known
  const unsure = await detectRoutes([mainApp('export default app;'), ...files]);
  assert.deepEqual(unsure.map(brief), ['GET /', 'GET /users']);
  // package.json runs it (`bun run src/features/payment/route/index.ts`)
  const entry = await detectRoutes([mainApp('serve(app);'), ...files], { entryStems: ['/p/src/features/payment/route'] });
  assert.deepEqual(entry.map(brief), ['GET /', 'GET /users']);
  // one folder below the project: a conventional entry (`src/worker.ts`, `api/index.ts`)
  const shallow = await detectRoutes([
    mainApp('serve(app);'),
    { path: '/p/src/worker.ts', text: ROUTER_MODULE.text.replace('./list', './features/payment/route/list') },
    ROUTER_LIST,
    USERS,
  ]);
  assert.deepEqual(shallow.map(brief), ['GET /', 'GET /users']);
  // some module loads it (by import(): what it does with it is not known)
  const lazy = { path: '/p/src/lazy.ts', text: "export const load = () => import('./features/payment/route');\n" };
  const loaded = await detectRoutes([mainApp('serve(app);'), lazy, ...files]);
  assert.deepEqual(loaded.map(brief), ['GET /', 'GET /users']);
});
