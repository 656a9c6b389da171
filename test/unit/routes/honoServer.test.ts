/** react-router-hono-server: `createHonoServer({ configure(app) {…} })` hands the project the root Hono app, so every
 *  route registered on it (in place, through helpers, in other modules, on mounted sub-apps) has its full path. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `${r.path} (unknown)`}`;

const server = (entry: string, options: string, before = '') =>
  `import { createHonoServer } from '${entry}';\n${before}\nexport default await createHonoServer(${options});\n`;

test('configure written as a method, an arrow property or a function of the module: its parameter is the root app', async () => {
  const forms = [
    ['react-router-hono-server/bun', "{\n  async configure(app) {\n    app.get('/hello', (c) => c.text('hi'));\n  },\n}"],
    ['react-router-hono-server/cloudflare', "{ configure: (server) => { server.get('/hello', (c) => c.text('hi')); } }"],
    [
      'react-router-hono-server/node',
      '{ configure, defaultLogger: false }',
      "function configure(app) {\n  app.get('/hello', (c) => c.text('hi'));\n}",
    ],
    ['react-router-hono-server/node', 'options', "const options = { configure(app) { app.get('/hello', (c) => c.text('hi')); } };"],
  ] as const;
  for (const [entry, options, before] of forms) {
    const routes = await detectRoutes([{ path: '/p/app/server.ts', text: server(entry, options, before) }]);
    assert.deepEqual(routes.map(brief), ['GET /hello'], `${entry} ${options}`);
  }
});

test('an imported configure registering through a helper and a mounted sub-app: full paths across files', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app/server.ts',
      text: server('react-router-hono-server/node', '{ configure: setup }', "import { setup } from './server/setup';"),
    },
    {
      path: '/p/app/server/setup.ts',
      text:
        "import type { Hono } from 'hono';\nimport { Hono as H } from 'hono';\n" +
        "const users = new H();\nusers.get('/:id', (c) => c.json({}));\n" +
        "const routes = (app: Hono) => {\n  app.post('/login', (c) => c.text('ok'));\n  app.route('/api/users', users);\n};\n" +
        'export function setup(app: Hono) {\n  routes(app);\n}\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/users/:id', 'POST /login']);
});

test('the app option, with its base path, is the app the hooks receive; beforeAll receives it too', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/server.ts',
      text: server(
        'react-router-hono-server/node',
        "{ app, beforeAll: (a) => { a.get('/early', (c) => c.text('e')); }, configure(a) { a.get('/late', (c) => c.text('l')); } }",
        "import { Hono } from 'hono';\nconst app = new Hono().basePath('/v1');",
      ),
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /v1/early', 'GET /v1/late']);
});

test('a createHonoServer of another package hands over no known app: the full path stays unknown', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/server.ts',
      text: server('some-hono-kit', "{ configure(app) { app.get('/hello', (c) => c.text('hi')); } }", "import 'hono';"),
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /hello (unknown)']);
});
