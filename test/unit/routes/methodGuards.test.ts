/** A middleware bound to a method (`app.get('/admin/*', guard)`) is not a route: its last handler passes the request
 *  on, so another registration answers it. Only where the framework makes that certain. Conversely a Hono `use` whose
 *  last function cannot pass the request on (it declares no `next`) answers every method on its path: a route. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? r.path}`;

test('a Hono guard function declared in another module, passing on through next(), is not a route', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/guard.ts',
      text:
        'export default async function guard(c, next) {\n  if (!c.get("user")) return c.text("no", 401);\n  return next();\n}\n' +
        'export async function paginate(c, next) {\n  const it = [1, 2].values();\n  it.next();\n  return c.json([...it]);\n}\n',
    },
    {
      path: '/p/src/app.ts',
      text:
        "import { Hono } from 'hono';\nimport guard, { paginate } from './guard';\nconst app = new Hono();\n" +
        "app.delete('/posts/:id', guard);\napp.delete('/posts/:id', (c) => c.body(null, 204));\napp.get('/posts', paginate);\nexport default app;\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['DELETE /posts/:id', 'GET /posts']);
});

test('Express: a last handler that never touches the response and calls next() is middleware; next(err) is a handler', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text:
        "const express = require('express');\nconst app = express();\n" +
        'function stamp(req, _res, next) {\n  req.at = Date.now();\n  next();\n}\n' +
        'function fail(req, res, next) {\n  next(new Error("gone"));\n}\n' +
        "app.get('/a', stamp);\napp.get('/b', fail);\napp.listen(1);\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /b']);
});

test('Hono use: a last function declaring no next answers every method; one declaring next, or a factory, is middleware', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/app.ts',
      text:
        "import { Hono } from 'hono';\nimport { cors } from 'hono/cors';\nconst app = new Hono();\n" +
        "app.use('/api/*', cors());\napp.use('/api/*', async (c, next) => { await next(); });\n" +
        "app.use('/spread/*', (...a) => go(...a));\napp.use(async (c) => c.text('no path'));\n" +
        "app.use('/old/*', cors(), (c) => c.redirect('/'));\napp.use('/ping', () => new Response('pong'));\n" +
        "app.use('/up', up);\nfunction up(c) {\n  return c.json({ up: true });\n}\nexport default app;\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['ALL /old/*', 'ALL /ping', 'ALL /up']);
});

test('use with a one-parameter function on an Express app is not a route', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text: "const express = require('express');\nconst app = express();\napp.use('/x', (req) => req.socket.destroy());\n",
    },
  ]);
  assert.deepEqual(routes, []);
});
