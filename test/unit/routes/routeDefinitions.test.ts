/** Route definition objects of other modules registered by a project function or a Fastify decorated method (JS/TS). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.file.replace(/^\/p\//, '')}:${r.line}`;

const def = (name: string, method: string, url: string) => ({
  path: `/p/src/${name}.js`,
  text: `const handler = require('./handlers').${name.replace(/\W/g, '_')};\n\nmodule.exports = {\n  method: '${method}',\n  url: '${url}',\n  handler,\n};\n`,
});

/** A Fastify app whose plugin decorates `service` with `body` and registers two plugins calling it with definitions. */
const fastifyProject = (body: string) => [
  {
    path: '/p/src/app.js',
    text:
      "const fastify = require('fastify');\nconst app = fastify();\n" +
      "app.register(require('./services'));\napp.register(require('./users'), { prefix: '/users' });\n" +
      "app.register(require('./orders'), { prefix: '/orders' });\napp.listen({ port: 3000 });\n",
  },
  {
    path: '/p/src/services.js',
    text: `const fp = require('fastify-plugin');\n${body}\nmodule.exports = fp(async (app) => app.decorate('service', Service));\n`,
  },
  {
    path: '/p/src/users.js',
    text: "const list = require('./users/list');\nconst show = require('./users/show');\nmodule.exports = async (app) => app.service({ operations: [list, show] });\n",
  },
  {
    path: '/p/src/orders.js',
    text: "const create = require('./orders/create');\nmodule.exports = async (app) => app.service([create]);\n",
  },
  def('users/list', 'GET', '/'),
  def('users/show', 'GET', '/:id'),
  def('orders/create', 'POST', '/'),
];

test('Fastify: definitions passed to a decorated method that routes them are routes of the plugin that passes them', async () => {
  // `this.register(async (s) => …)` then `s.route({ ...op, preHandler })`: what the service registers is under its caller
  const registers =
    'function Service(props) {\n  const operations = props.operations || props;\n  this.register(async (s) => {\n' +
    '    operations.forEach((op) => s.route({ ...op, preHandler: auth }));\n  });\n}\n';
  const routes = await detectRoutes(fastifyProject(registers));
  assert.deepEqual(routes.map(brief), [
    'POST /orders src/orders/create.js:3',
    'GET /users src/users/list.js:3',
    'GET /users/:id src/users/show.js:3',
  ]);
  // the same definitions given to a decorated method that only reads them are no routes
  const reads = 'function Service(props) {\n  this.log.info(props.operations.map((op) => op.url));\n}\n';
  assert.deepEqual(await detectRoutes(fastifyProject(reads)), []);
});

test('Express: definitions passed to a helper that registers them by their method are routes of the router it is given', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/server.js',
      text:
        "const express = require('express');\nconst { mount, describe } = require('./helpers');\nconst health = require('./health');\n" +
        "const users = require('./users');\nconst app = express();\nconst api = express.Router();\n" +
        "mount(api, [health, users.list]);\ndescribe([users.remove]);\napp.use('/api', api);\napp.listen(3000);\n",
    },
    {
      path: '/p/src/helpers.js',
      text:
        'exports.mount = (router, defs) => defs.forEach((d) => router[d.method](d.path, d.handler));\n' +
        'exports.describe = (defs) => defs.map((d) => `${d.method} ${d.path}`);\n',
    },
    { path: '/p/src/health.js', text: "module.exports = { method: 'get', path: '/health', handler: (req, res) => res.send('ok') };\n" },
    {
      path: '/p/src/users.js',
      text:
        "exports.list = { method: 'get', path: '/users', handler: (req, res) => res.json([]) };\n" +
        "exports.remove = { method: 'delete', path: '/users/:id', handler: (req, res) => res.end() };\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/health src/health.js:1', 'GET /api/users src/users.js:1']);
});

test('Koa: definitions written in the calling file, in place or in a constant array, registered by a helper', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/app.js',
      text:
        "const Koa = require('koa');\nconst Router = require('@koa/router');\nconst { register } = require('./register');\n" +
        "const app = new Koa();\nconst router = new Router({ prefix: '/api' });\n" +
        "const status = { method: 'get', path: '/status', handler: (ctx) => { ctx.body = 'ok'; } };\n" +
        'const table = [status];\n' +
        "register(router, table);\nregister(router, [{ method: 'post', path: '/echo', handler: (ctx) => { ctx.body = ctx.request.body; } }]);\n" +
        "const menu = [{ method: 'get', path: '/menu', handler: null }];\nconsole.log([menu]);\n" +
        'app.use(router.routes());\napp.listen(3000);\n',
    },
    {
      path: '/p/src/register.js',
      text: 'exports.register = (router, defs) => {\n  for (const { method, path, handler } of defs) router[method](path, handler);\n};\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/status src/app.js:6', 'POST /api/echo src/app.js:9']);
});
