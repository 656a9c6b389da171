/** Controller classes passed to an App class (`new App([new UsersController()])`): the App mounts each instance's router
 *  field, so the routes the classes register on it get a full path; instances that are not passed stay unmounted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`}`;
const run = async (files: Record<string, string>): Promise<string[]> =>
  (await detectRoutes(Object.entries(files).map(([p, text]) => ({ path: `/p/src/${p}`, text })))).map(brief).sort();

const controller = (name: string, path: string, field = 'router'): string =>
  `import { Router } from 'express';\nexport class ${name} {\n  public path = '${path}';\n  public ${field} = Router();\n` +
  `  constructor() {\n    this.init();\n  }\n  private init() {\n    this.${field}.get(this.path, this.list);\n` +
  `    this.${field}.post(\`\${this.path}/:id\`, this.list);\n  }\n  private list = (req, res) => res.json([]);\n}\n`;

/** An App class: `body` is its method that mounts what `mount(c)` says for each controller `c` of `controllers`. */
const app = (body: string): string =>
  `import express from 'express';\nexport default class App {\n  public app = express();\n` +
  `  constructor(controllers, port = 3000) {\n    this.setup(controllers);\n  }\n  private setup(controllers) {\n${body}\n  }\n}\n`;

test('the routers of the instances an array literal passes to the App constructor, mounted in forEach, get their full path', async () => {
  const routes = await run({
    'users.ts': controller('Users', '/users'),
    'posts.ts': controller('Posts', '/posts', 'routes'),
    'app.ts': app(
      "    const api = express.Router();\n    controllers.forEach((c) => api.use(c.router ?? c.routes));\n    this.app.use('/api', api);",
    ),
    'server.ts':
      "import App from './app';\nimport { Users } from './users';\nimport { Posts } from './posts';\nnew App([new Users(), new Posts()], 5000);\n",
  });
  // `c.router ?? c.routes` is no member the detector reads: only a plain member is mounted
  assert.deepEqual(routes, ['GET null(/posts)', 'GET null(/users)', 'POST null(/posts/:id)', 'POST null(/users/:id)']);
  const named = await run({
    'users.ts': controller('Users', '/users'),
    'posts.ts': controller('Posts', '/posts', 'routes'),
    'app.ts': app("    controllers.forEach((c) => this.app.use('/api', c.routes));"),
    'server.ts':
      "import App from './app';\nimport { Users } from './users';\nimport { Posts } from './posts';\nnew App([new Users(), new Posts()], 5000);\n",
  });
  // any member name: `routes` here; Users has no `routes` field, so it is not mounted
  assert.deepEqual(named, ['GET /api/posts', 'GET null(/users)', 'POST /api/posts/:id', 'POST null(/users/:id)']);
});

test('an array held in a variable, kept in a field and mounted in a for…of, with the prefix a member of each element', async () => {
  const routes = await run({
    'users.ts': controller('Users', '/users'),
    'posts.ts': controller('Posts', '/posts'),
    'app.ts': app(
      '    this.list = controllers;\n    for (const c of this.list) {\n      this.app.use(`/v1${c.path}`, c.router);\n    }\n    for (const c of this.list) this.app.use(c.path, c.router);',
    ),
    'server.ts':
      "import App from './app';\nimport { Users } from './users';\nimport { Posts } from './posts';\nconst controllers = [new Users(), new Posts()];\nconst app = new App(controllers);\n",
  });
  assert.deepEqual(routes, [
    'GET /posts/posts',
    'GET /users/users',
    'GET /v1/posts/posts',
    'GET /v1/users/users',
    'POST /posts/posts/:id',
    'POST /users/users/:id',
    'POST /v1/posts/posts/:id',
    'POST /v1/users/users/:id',
  ]);
});

test('no mount for a class never instantiated, an instance not passed to the App, or an element that is no project instance', async () => {
  const routes = await run({
    'users.ts': controller('Users', '/users'),
    'posts.ts': controller('Posts', '/posts'),
    'audit.ts': controller('Audit', '/audit'),
    'app.ts': app("    controllers.forEach((c) => this.app.use('/api', c.router));"),
    'server.ts':
      "import App from './app';\nimport { Users } from './users';\nimport { Posts } from './posts';\nimport { Audit } from './audit';\n" +
      "import { External } from 'some-package';\nconst audit = new Audit();\naudit.init();\nnew App([new Users(), new External(), makeController()]);\nexport { Posts };\n",
  });
  assert.deepEqual(routes, [
    'GET /api/users',
    'GET null(/audit)',
    'GET null(/posts)',
    'POST /api/users/:id',
    'POST null(/audit/:id)',
    'POST null(/posts/:id)',
  ]);
  const detected = await detectRoutes([{ path: '/p/src/posts.ts', text: controller('Posts', '/posts') }]);
  assert.match(
    detected[0]!.fullPathReason ?? '',
    /^`Router\(\)` \(.*posts\.ts:4\) is never mounted.* \(the `router` field of class `Posts`: no instance of it is passed to a mount\)$/,
  );
});

test('plain JavaScript classes (CommonJS) whose constructor sets the fields', async () => {
  const cls = (name: string, path: string): string =>
    `const { Router } = require('express');\nclass ${name} {\n  constructor() {\n    this.path = '${path}';\n    this.router = Router();\n` +
    `    this.router.get(this.path, (req, res) => res.end());\n  }\n}\nmodule.exports = ${name};\n`;
  const routes = await run({
    'users.js': cls('Users', '/users'),
    'items.js': cls('Items', '/items'),
    'app.js':
      "const express = require('express');\nmodule.exports = class App {\n  constructor(controllers) {\n    this.app = express();\n" +
      "    for (const controller of controllers) this.app.use('/api', controller.router);\n  }\n};\n",
    'index.js':
      "const App = require('./app');\nconst Users = require('./users');\nconst Items = require('./items');\nnew App([new Users(), new Items()]);\n",
  });
  assert.deepEqual(routes, ['GET /api/items', 'GET /api/users']);
});

test('controllers in an options object (`new App({ port, controllers: [...] })`), read as a property or destructured', async () => {
  const server =
    "import App from './app';\nimport { Users } from './users';\nimport { Posts } from './posts';\n" +
    'const app = new App({ port: 5000, controllers: [new Users(), new Posts()], middleWares: [] });\n';
  const opts = (ctor: string): Promise<string[]> =>
    run({
      'users.ts': controller('Users', '/users'),
      'posts.ts': controller('Posts', '/posts'),
      'app.ts': `import express from 'express';\nexport default class App {\n  public app = express();\n  ${ctor}\n  private routes(controllers) {\n    controllers.forEach((c) => this.app.use('/', c.router));\n  }\n}\n`,
      'server.ts': server,
    });
  const all = ['GET /posts', 'GET /users', 'POST /posts/:id', 'POST /users/:id'];
  assert.deepEqual(await opts('constructor(appInit) {\n    this.routes(appInit.controllers);\n  }'), all);
  assert.deepEqual(await opts('constructor({ port, controllers }) {\n    this.routes(controllers);\n  }'), all);
  // another property of the options is not the controllers
  assert.deepEqual(await opts('constructor(appInit) {\n    this.routes(appInit.middleWares);\n  }'), [
    'GET null(/posts)',
    'GET null(/users)',
    'POST null(/posts/:id)',
    'POST null(/users/:id)',
  ]);
});

test('route classes whose method returns the router a base class sets: keyed in an object table, or called on one instance', async () => {
  const base =
    "import { Router } from 'express';\nexport abstract class Route {\n  readonly router: Router;\n  abstract initRoutes(): Router;\n" +
    '  constructor() {\n    this.router = Router();\n  }\n}\n';
  const route = (name: string, p: string): string =>
    `import { Route } from './route';\nexport class ${name} extends Route {\n  initRoutes() {\n` +
    `    this.router.get('${p}', (req, res) => res.json([]));\n    return this.router;\n  }\n}\n`;
  const routes = await run({
    'route.ts': base,
    'orders.ts': route('OrderRoute', '/:id'),
    'payments.ts': route('PaymentRoute', '/'),
    'health.ts': route('HealthRoute', '/health'),
    'app.ts':
      "import express from 'express';\nimport { OrderRoute } from './orders';\nimport { PaymentRoute } from './payments';\n" +
      "import { HealthRoute } from './health';\nconst app = express();\nconst v = '/api/v1';\n" +
      'const routes = { orders: new OrderRoute(), payments: new PaymentRoute() };\n' +
      'Object.entries(routes).forEach(([url, route]) => app.use(`${v}/${url}`, route.initRoutes()));\n' +
      "app.use('/', new HealthRoute().initRoutes());\napp.listen(3000);\n",
  });
  assert.deepEqual(routes, ['GET /api/v1/orders/:id', 'GET /api/v1/payments', 'GET /health']);
});

test('a router a static method creates and returns, exported as its result, is mounted where it is imported', async () => {
  const routes = await run({
    'admin.js':
      "import { Router } from 'express';\nclass AdminRouter {\n  static routes() {\n    const router = Router();\n" +
      "    router.post('/about/add', (req, res) => res.send('ok'));\n    return router;\n  }\n}\nexport default AdminRouter.routes();\n",
    'app.js':
      "import express from 'express';\nimport adminRoute from './admin';\nconst app = express();\nconst router = express.Router();\n" +
      "router.use('/admin', adminRoute);\napp.use('/api', router);\napp.listen(3000);\n",
  });
  assert.deepEqual(routes, ['POST /api/admin/about/add']);
});

test('a Fastify plugin registered on the line of a project method call `register(app)` (compact code) keeps its prefix', async () => {
  const files = (sep: string) => ({
    'app.js':
      "const fastify = require('fastify')();\nconst users = require('./users');\nconst mp = require('./mp');\n" +
      `fastify.register(users, { prefix: '/u' });${sep}mp.register(fastify);\nfastify.listen({ port: 3000 });\n`,
    'users.js': "module.exports = async function (app) {\n  app.get('/list', async () => 'x');\n};\n",
    'mp.js': "class Metrics {\n  register(app) {\n    app.get('/metrics', async () => 'm');\n  }\n}\nmodule.exports = new Metrics();\n",
  });
  const expected = ['GET /metrics', 'GET /u/list'];
  assert.deepEqual(await run(files('\n')), expected);
  // the method call is still no plugin registration, and the plugin's registration on its line still one
  assert.deepEqual(await run(files(' ')), expected);
});

test('a router class built from itself (`const r = new R(r).add(…).getRouter()`) does not take the other routers down', async () => {
  const routing =
    'module.exports = class R {\n  constructor(router) {\n    this.router = router;\n  }\n' +
    '  add(p) {\n    this.router.get(p, (req, res) => res.end());\n    return this;\n  }\n' +
    '  getRouter() {\n    return this.router;\n  }\n};\n';
  const routes = await run({
    'r.js': routing,
    'app.js':
      "const express = require('express');\nconst R = require('./r');\nconst app = express();\n" +
      "const ok = new R(express.Router()).add('/ok').getRouter();\n" +
      "const self = new R(self).add('/self').getRouter();\n" +
      "const a = new R(b).add('/a').getRouter(), b = new R(a).add('/b').getRouter();\n" +
      "app.use('/api', ok);\napp.use('/s', self);\napp.use('/x', a);\n",
  });
  assert.ok(routes.includes('GET /api/ok'), routes.join('\n'));
});
