/** Routers mounted in a loop over a table another module exports (JS/TS), and Python folder loaders' filters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.file.replace(/^\/p\//, '')} ${r.fullPath ?? `null(${r.path})`}`;

const router = (name: string) => ({
  path: `/p/src/routes/${name}.ts`,
  text: `import { Router } from 'express';\nconst r = Router();\nr.get('/', (req, res) => res.send('${name}'));\nexport default r;\n`,
});

test('JS/TS: the keys of an imported table are the prefixes of its routers, read where the table is written', async () => {
  const table = (keys: [string, string]) => ({
    path: '/p/src/routes/index.ts',
    text: `import users from './users';\nimport items from './items';\n\nexport default { '${keys[0]}': users, '${keys[1]}': items };\n`,
  });
  const app = {
    path: '/p/src/app.ts',
    text:
      "import express from 'express';\nimport routes from './routes';\n\nconst app = express();\n" +
      'Object.keys(routes).forEach((r) => app.use(r, routes[r]));\napp.listen(3000);\n',
  };
  const before = await detectRoutes([app, table(['/users', '/items']), router('users'), router('items')]);
  assert.deepEqual(before.map(brief), ['src/routes/items.ts /items', 'src/routes/users.ts /users']);
  // the table changes: the full paths follow it
  const after = await detectRoutes([app, table(['/v2/users', '/v2/items']), router('users'), router('items')]);
  assert.deepEqual(after.map(brief), ['src/routes/items.ts /v2/items', 'src/routes/users.ts /v2/users']);
});

test('JS/TS: entries and arrays of { path, router } imported from a CommonJS module, a path a constant of a third', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/app.js',
      text:
        "const express = require('express');\nconst table = require('./table');\nconst { routers } = require('./routers');\n" +
        'const app = express();\n' +
        'for (const [p, r] of Object.entries(table)) app.use(p, r);\n' +
        'routers.forEach(({ path, router }) => app.use(path, router));\napp.listen(1);\n',
    },
    { path: '/p/src/table.js', text: "module.exports = { '/users': require('./routes/users') };\n" },
    { path: '/p/src/paths.js', text: "exports.ITEMS = '/items';\n" },
    {
      path: '/p/src/routers.js',
      text: "const items = require('./routes/items').default;\nconst { ITEMS } = require('./paths');\nexports.routers = [{ path: ITEMS, router: items }];\n",
    },
    router('users'),
    router('items'),
  ]);
  assert.deepEqual(routes.map(brief), ['src/routes/items.ts /items', 'src/routes/users.ts /users']);
});

test(
  'JS/TS: arrays spreading arrays across files (64 spreads, 6 files deep) expand within a bound, the route still mounted',
  // the timeout only guards CI: expanded in full, the arrays would hang the test
  { timeout: 120_000 },
  async () => {
    // untrusted repository input: expanded in full this is 64^6 elements, a hang and an out-of-memory crash
    const spreads = (i: number) => Array.from({ length: 64 }, () => `...a${i + 1}`).join(', ');
    const tables = Array.from({ length: 6 }, (_, i) => ({
      path: `/p/src/t${i}.js`,
      text: `import { a${i + 1} } from './t${i + 1}';\nexport const a${i} = [${spreads(i)}];\n`,
    }));
    const routes = await detectRoutes([
      {
        path: '/p/src/app.js',
        text: "import express from 'express';\nimport { a0 } from './t0';\nconst app = express();\nfor (const r of a0) app.use('/api', r);\n",
      },
      ...tables,
      {
        path: '/p/src/t6.js',
        text: "import { Router } from 'express';\nconst r = Router();\nr.get('/x', (req, res) => res.send('x'));\nexport const a6 = [r];\n",
      },
    ]);
    assert.deepEqual(routes.map(brief), ['src/t6.js /api/x']);
  },
);

test('JS/TS: an escape sequence in the template prefix of a loop over an imported table is read as the character', async () => {
  const app = (prefix: string) => ({
    path: '/p/src/app.js',
    text:
      "import express from 'express';\nimport { resources } from './conf';\nimport sub from './routes/users';\n" +
      `const app = express();\nfor (const { category } of resources) app.use(\`${prefix}\`, sub);\n`,
  });
  const conf = { path: '/p/src/conf.js', text: "export const resources = [{ category: 'a' }, { category: 'b' }];\n" };
  const paths = async (prefix: string) => (await detectRoutes([app(prefix), conf, router('users')])).map(brief).sort();
  assert.deepEqual(await paths('/v1/${category}'), ['src/routes/users.ts /v1/a', 'src/routes/users.ts /v1/b']);
  assert.deepEqual(await paths('/v1\\-${category}'), ['src/routes/users.ts /v1-a', 'src/routes/users.ts /v1-b']);
});

test('JS/TS: a `for…of` body opening with a function declaration still mounts each element of the imported array', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/app.js',
      text:
        "import express from 'express';\nimport { routers } from './routers';\nconst app = express();\n" +
        "for (const r of routers) {\n  function log(r) {\n    return r;\n  }\n  app.use('/v2', r);\n}\n",
    },
    { path: '/p/src/routers.js', text: "import users from './routes/users';\nexport const routers = [users];\n" },
    router('users'),
  ]);
  assert.deepEqual(routes.map(brief), ['src/routes/users.ts /v2']);
});

test('JS/TS: a helper that registers a table on the router it is given registers each caller table on that caller router only', async () => {
  const table = (name: string) => ({
    path: `/p/src/${name}.js`,
    text: `module.exports = [{ path: '/${name}', method: 'get', handler: (req, res) => res.end() }];\n`,
  });
  const routes = await detectRoutes([
    {
      path: '/p/src/helper.js',
      text: 'exports.applyRoutes = (routes, router) => {\n  for (const r of routes) router[r.method](r.path, r.handler);\n};\n',
    },
    {
      path: '/p/src/app.js',
      text:
        "const express = require('express');\nconst { applyRoutes } = require('./helper');\nconst app = express();\nconst api = express.Router();\n" +
        "applyRoutes(require('./users'), app);\napplyRoutes(require('./books'), api);\napp.use('/api', api);\napp.listen(3000);\n",
    },
    table('users'),
    table('books'),
  ]);
  assert.deepEqual(routes.map(brief), ['src/books.js /api/books', 'src/users.js /users']);
});
