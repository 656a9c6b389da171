/** Root apps a factory returns (a class's method or a function), served from another module through the call's result:
 *  `serve({ fetch: server.create().fetch })`, `export default server.create()`, `Bun.serve(…)`, `{ fetch }`, `.listen()`;
 *  also through a property of what an (awaited) function returns (`const { server } = await boot()`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? 'null'}`;
/** Another app served on its own, so an unmounted app is a root only when it is served too. */
const OTHER = {
  path: '/p/worker/index.ts',
  text: "import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/ping', (c) => c.text('pong'));\nexport default app;\n",
};
const USERS = {
  path: '/p/src/users.ts',
  text: "import { Hono } from 'hono';\nexport const users = new Hono().get('/:id', (c) => c.json({}));\n",
};
const CLASS = {
  path: '/p/src/server.ts',
  text:
    "import { Hono } from 'hono';\nimport { users } from './users';\n" +
    "export class Server {\n  create() {\n    const api = new Hono().route('/users', users);\n" +
    "    return new Hono().route('/api', api);\n  }\n}\n",
};
const FUNCTION = {
  path: '/p/src/server.ts',
  text:
    "import { Hono } from 'hono';\nimport { users } from './users';\n" +
    "export function createApp() {\n  return new Hono().basePath('/api').route('/users', users);\n}\n",
};

test('a root app a class method makes, served through the call on an instance in another module', async () => {
  const head = "import { serve } from '@hono/node-server';\nimport { Server } from './server';\nconst server = new Server();\n";
  for (const serving of [
    'serve({ fetch: server.create().fetch, port: 3000 });',
    'Bun.serve({ fetch: server.create().fetch });',
    'export default server.create();',
    'export default { fetch: server.create().fetch };',
    'export default { port: 3000, fetch: new Server().create().fetch };',
  ]) {
    const routes = await detectRoutes([{ path: '/p/src/main.ts', text: head + serving + '\n' }, CLASS, USERS, OTHER]);
    assert.deepEqual(routes.map(brief), ['GET /api/users/:id', 'GET /ping'], serving);
  }
});

test('a root app a function makes, served through its call', async () => {
  const head = "import { serve } from '@hono/node-server';\nimport { createApp } from './server';\n";
  for (const serving of [
    'serve({ fetch: createApp().fetch });',
    'export default createApp();',
    'export default { fetch: createApp().fetch };',
  ])
    assert.deepEqual(
      (await detectRoutes([{ path: '/p/src/main.ts', text: head + serving + '\n' }, FUNCTION, USERS, OTHER])).map(brief),
      ['GET /api/users/:id', 'GET /ping'],
      serving,
    );
});

test('the instance held by a property of what an awaited function returns', async () => {
  const boot = {
    path: '/p/src/boot.ts',
    text: "import { Server } from './server';\nexport async function boot() {\n  const server = new Server();\n  return { server, port: 3000 };\n}\n",
  };
  for (const main of [
    "import { serve } from '@hono/node-server';\nimport { boot } from './boot';\nconst { server, port } = await boot();\nserve({ fetch: server.create().fetch, port });\n",
    "import { serve } from '@hono/node-server';\nimport { boot } from './boot';\nconst ctx = await boot();\nserve({ fetch: ctx.server.create().fetch });\n",
  ]) {
    const routes = await detectRoutes([{ path: '/p/src/main.ts', text: main }, boot, CLASS, USERS, OTHER]);
    assert.deepEqual(routes.map(brief), ['GET /api/users/:id', 'GET /ping'], main);
  }
});

test('a factory whose call is never served keeps its routes unmounted beside a served app', async () => {
  const main = "import { Server } from './server';\nconst app = new Server().create();\nconsole.log(app.routes.length);\n";
  const routes = await detectRoutes([{ path: '/p/src/main.ts', text: main }, CLASS, USERS, OTHER]);
  assert.deepEqual(routes.map(brief), ['GET null', 'GET /ping']);
});

test('a receiver that cannot be followed: the app the one method of that name returns is served', async () => {
  const main =
    "import { serve } from '@hono/node-server';\nimport { container } from 'tsyringe';\nimport { Server } from './server';\n" +
    'serve({ fetch: container.resolve(Server).create().fetch });\n';
  const routes = await detectRoutes([{ path: '/p/src/main.ts', text: main }, CLASS, USERS, OTHER]);
  assert.deepEqual(routes.map(brief), ['GET /api/users/:id', 'GET /ping']);
  // two methods of that name return an app: which one is served is not known
  const second = {
    path: '/p/src/admin.ts',
    text: "import { Hono } from 'hono';\nexport class Admin {\n  create() {\n    return new Hono().get('/stats', (c) => c.json({}));\n  }\n}\n",
  };
  const both = await detectRoutes([{ path: '/p/src/main.ts', text: main }, CLASS, USERS, OTHER, second]);
  assert.deepEqual(both.map(brief), ['GET null', 'GET null', 'GET /ping']);
});
