/** Unit tests of the pure detector API: analyzeFile / resolveRoutes / detectRoutes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { analyzeFile, analyzeFileSliced, detectRoutes, resolveRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';
import { isStaticRoute, routeTemplate } from '../../../src/core/routes/route';
import { macrotasksDuring } from '../../support/eventLoop';

const brief = (r: Route): string =>
  `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.handlerName ?? '<anon>'}@${r.handlerLine}`;

test('FastAPI: prefixes from APIRouter and include_router, nested across modules', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app/main.py',
      text: 'from fastapi import FastAPI\nfrom app.api import users\napp = FastAPI()\napp.include_router(users.router, prefix="/api")\n',
    },
    {
      path: '/p/app/api/users.py',
      text: 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/users")\n\n@router.get("/{id}")\nasync def get_user(id: int):\n    return id\n',
    },
    { path: '/p/app/api/__init__.py', text: '' },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/users/{id} get_user@5']);
  assert.equal(routes[0]!.line, 4);
  assert.equal(routes[0]!.framework, 'fastapi');
});

test('fullPath is null with a reason naming the expression when a prefix is computed at run time', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/main.py',
      text: 'from fastapi import FastAPI, APIRouter\nfrom config import settings\napp = FastAPI()\nr = APIRouter()\n@r.get("/x")\ndef x(): ...\napp.include_router(r, prefix=settings.API_V1_STR)\n',
    },
    {
      path: '/p/server.js',
      text: "const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/y', (req, res) => res.end());\napp.use(`/${process.env.BASE}`, r);\n",
    },
  ]);
  assert.equal(routes.length, 2);
  for (const r of routes) assert.equal(r.fullPath, null);
  assert.match(routes[0]!.fullPathReason!, /settings\.API_V1_STR/);
  assert.match(routes[1]!.fullPathReason!, /template literal/);
  assert.match(routes[1]!.fullPathReason!, /process\.env\.BASE/);
});

test('module constants are resolved, also when imported', async () => {
  const routes = await detectRoutes([
    { path: '/p/consts.ts', text: "export const API = '/api';\n" },
    {
      path: '/p/app.ts',
      text: "import express from 'express';\nimport { API } from './consts';\nconst V = '/v2';\nconst app = express();\nconst r = express.Router();\nr.get('/z', z);\nfunction z() {}\napp.use(API + V, r);\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /api/v2/z z@7']);
});

test('objects are recognised by how they were created, not by their names', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/a.js',
      text: "import express from 'express';\nconst server = express();\nconst app = new Map();\napp.get('/not');\nserver.get('/yes', function yes(req, res) {});\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /yes yes@5']);
});

test('handlers in other files and wrapped handlers resolve to the real function', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/routes.ts',
      text: "import { Router } from 'express';\nimport * as ctrl from './ctrl';\nimport asyncHandler from 'express-async-handler';\nconst r = Router();\nr.get('/a', ctrl.list);\nr.post('/b', asyncHandler(ctrl.create));\nr.put('/c', asyncHandler(async (req, res) => {\n  res.end();\n}));\nexport default r;\n",
    },
    { path: '/p/ctrl.ts', text: 'export function list() {}\n\nexport const create = async () => {};\n' },
  ]);
  assert.deepEqual(
    routes.map((r) => [r.handlerName, r.handlerFile, r.handlerLine]),
    [
      ['list', '/p/ctrl.ts', 1],
      ['create', '/p/ctrl.ts', 3],
      [null, '/p/routes.ts', 7],
    ],
  );
});

test('analyzeFile never throws and its result is structured-clone safe', async () => {
  const parsers = await loadParsers();
  const inputs: [string, string][] = [
    ['/x/a.py', 'def (:\n  @app.get(\n'],
    ['/x/b.ts', 'app.get(`/${'],
    ['/x/c.js', '\u0000\u0001\u0002garbage'],
    ['/x/d.tsx', '<div>{app.get("/x", () => 1)}</div>'],
    ['/x/e.txt', 'not code'],
    ['/x/f.py', ''],
    ['/x/g.js', 'x'.repeat(10000)],
  ];
  for (const [file, text] of inputs) {
    const fa = analyzeFile(parsers, file, text);
    assert.equal(fa.file, file);
    assert.deepEqual(structuredClone(fa), fa);
    assert.doesNotThrow(() => resolveRoutes([fa]));
  }
});

test('resolveRoutes is deterministic regardless of input order', async () => {
  const parsers = await loadParsers();
  const files = [
    [
      '/p/main.py',
      'from fastapi import FastAPI\nfrom .a import router as ra\nfrom .b import router as rb\napp = FastAPI()\napp.include_router(rb, prefix="/b")\napp.include_router(ra, prefix="/a")\n',
    ],
    [
      '/p/a.py',
      'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/1")\ndef one(): ...\n@router.post("/2")\ndef two(): ...\n',
    ],
    ['/p/b.py', 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/1")\ndef one(): ...\n'],
  ].map(([f, t]) => analyzeFile(parsers, f!, t!));
  const a = resolveRoutes(files);
  const b = resolveRoutes([...files].reverse());
  assert.deepEqual(a, b);
  assert.deepEqual(
    a.map((r) => `${r.file}:${r.line} ${r.fullPath}`),
    ['/p/a.py:3 /a/1', '/p/a.py:5 /a/2', '/p/b.py:3 /b/1'],
  );
});

test('a router mounted twice gives one route per full path', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text: "const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/x', (q, s) => s.end());\napp.use('/v1', r);\napp.use('/v2', r);\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => r.fullPath),
    ['/v1/x', '/v2/x'],
  );
});

test('Express app passed to a route-registering function in another module', async () => {
  const routes = await detectRoutes([
    { path: '/p/index.js', text: "const express = require('express');\nconst app = express();\nrequire('./routes')(app);\n" },
    { path: '/p/routes.js', text: "module.exports = (app) => {\n  app.get('/r', (req, res) => res.end());\n};\n" },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /r <anon>@2']);
  assert.equal(routes[0]!.framework, 'express');
});

test('Flask: register_blueprint url_prefix overrides the Blueprint url_prefix; several routes on one view', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.py',
      text: 'from flask import Flask, Blueprint\nbp = Blueprint("b", __name__, url_prefix="/old")\n@bp.route("/a")\n@bp.route("/b", methods=["POST"])\ndef v(): ...\napp = Flask(__name__)\napp.register_blueprint(bp, url_prefix="/new")\n',
    },
  ]);
  assert.deepEqual(routes.map(brief), ['GET /new/a v@5', 'POST /new/b v@5']);
});

test('Fastify: fp-wrapped plugins ignore the prefix; unregistered plugins get fullPath null (none when nothing loads them)', async () => {
  const files = [
    {
      path: '/p/app.js',
      text: "const fastify = require('fastify')();\nconst fp = require('fastify-plugin');\nfastify.register(fp(async (f) => { f.get('/fp', async () => 1); }), { prefix: '/ignored' });\n",
    },
    {
      path: '/p/lonely.js',
      text: "const fastify = require('fastify');\nmodule.exports = async function (app) {\n  app.get('/lonely', async () => 1);\n};\n",
    },
  ];
  // a module loads it (what it does with it is not known)
  const plugins = { path: '/p/plugins.js', text: "module.exports = { lonely: require('./lonely') };\n" };
  const routes = await detectRoutes([...files, plugins]);
  assert.deepEqual(
    routes.map((r) => [r.framework, r.fullPath]),
    [
      ['fastify', '/fp'],
      ['fastify', null],
    ],
  );
  assert.match(routes[1]!.fullPathReason!, /not registered/);
  // nothing loads it, beside an app that registers its plugins: dead code
  const dead = await detectRoutes(files);
  assert.deepEqual(
    dead.map((r) => [r.framework, r.fullPath]),
    [['fastify', '/fp']],
  );
});

test('Fastify autoload with import.meta.dirname; autoPrefix export', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/src/app.ts',
      text: "import path from 'node:path';\nimport Fastify from 'fastify';\nimport autoload from '@fastify/autoload';\nconst app = Fastify();\napp.register(autoload, { dir: path.join(import.meta.dirname, 'routes'), options: { prefix: '/api' } });\n",
    },
    { path: '/p/src/routes/users/index.ts', text: "export default async function (fastify) {\n  fastify.get('/', async () => []);\n}\n" },
    {
      path: '/p/src/routes/health.ts',
      text: "export const autoPrefix = '/_';\nexport default async (f) => {\n  f.get('/health', async () => 'ok');\n};\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => r.fullPath),
    ['/api/_/health', '/api/users'],
  );
});

test('NestJS: global prefix with exclude, URI versioning with defaultVersion, controller arrays', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/main.ts',
      text: "import { NestFactory } from '@nestjs/core';\nimport { VersioningType } from '@nestjs/common';\nasync function b() {\n  const app = await NestFactory.create(M);\n  app.setGlobalPrefix('api', { exclude: ['ping'] });\n  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1', prefix: 'ver' });\n}\n",
    },
    {
      path: '/p/c.ts',
      text: "import { Controller, Get, Post } from '@nestjs/common';\n@Controller(['a', 'b'])\nexport class C {\n  @Get()\n  list() {}\n  @Post(':id')\n  make() {}\n}\n@Controller()\nexport class P {\n  @Get('ping')\n  ping() {}\n}\n",
    },
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /api/ver1/a list@5',
    'GET /api/ver1/b list@5',
    'POST /api/ver1/a/:id make@7',
    'POST /api/ver1/b/:id make@7',
    'GET /ver1/ping ping@12',
  ]);
});

test('NestJS: under a global prefix only known at run time, the controller and method paths are the known part', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/main.ts',
      text: "import { NestFactory } from '@nestjs/core';\nasync function b(prefix: string) {\n  const app = await NestFactory.create(M);\n  app.setGlobalPrefix(prefix);\n}\n",
    },
    {
      path: '/p/auth.controller.ts',
      text: "import { Controller, Get, Post } from '@nestjs/common';\n@Controller('auth')\nexport class A {\n  @Post('/login')\n  login() {}\n  @Get()\n  me() {}\n}\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => [r.fullPath, r.knownSuffix, routeTemplate(r), isStaticRoute(r)]),
    [
      [null, '/auth/login', '/auth/login', true],
      [null, '/auth', '/auth', true],
    ],
  );
  assert.match(routes[0]!.fullPathReason ?? '', /global prefix is a variable: prefix/);
});

test('Python: factory functions, add_url_rule with view_func, a loop over modules of a namespace package (no __init__.py)', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.py',
      text: 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    app.add_url_rule("/x", view_func=x_view)\n    return app\n\ndef x_view():\n    return ""\n',
    },
    {
      path: '/p/api.py',
      text: 'from fastapi import FastAPI, APIRouter\nfrom . import a, b\napp = FastAPI()\nfor m in (a, b):\n    app.include_router(m.router)\n',
    },
    { path: '/p/a.py', text: 'from fastapi import APIRouter\nrouter = APIRouter(prefix="/a")\n@router.get("/1")\ndef one(): ...\n' },
  ]);
  assert.deepEqual(
    routes.map((r) => `${r.file}:${r.line} ${r.fullPath} ${r.handlerName}@${r.handlerLine}`),
    ['/p/a.py:3 /a/1 one@4', '/p/app.py:5 /x x_view@8'],
  );
});

test('analyzeFileSliced (parse suspended/resumed, ranged queries, batched steps) equals analyzeFile', async () => {
  const parsers = await loadParsers();
  const fs = await import('node:fs');
  const path = await import('node:path');
  const root = path.resolve(__dirname, '../../fixtures/routes');
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(py|ts|js|mjs)$/.test(e.name)) files.push(p);
    }
  };
  walk(root);
  assert.ok(files.length > 40);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const a = analyzeFile(parsers, f, text);
    const b = await analyzeFileSliced(parsers, f, text, { sliceMs: 0 });
    assert.deepEqual(b, a, f);
  }
});

test('analyzeFileSliced yields to the event loop while it works on a 20,000-line file', async () => {
  // Behaviour, not timing: other macrotasks run between the slices (the stall length is in `npm run bench`).
  const parsers = await loadParsers();
  const { generateTypeScript } = await import('../../../bench/routes');
  const text = generateTypeScript(20_000);
  const { result: fa, ticks } = await macrotasksDuring(() => analyzeFileSliced(parsers, '/big.ts', text, { sliceMs: 0 }));
  assert.ok(ticks >= 3, `other tasks ran only ${ticks} times during the analysis`);
  assert.equal(fa.routes.length, analyzeFile(parsers, '/big.ts', text).routes.length);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(analyzeFileSliced(parsers, '/big.ts', text, { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  // the parser is usable again after an abort
  assert.equal(
    (
      await analyzeFileSliced(
        parsers,
        '/small.ts',
        "import express from 'express';\nconst a = express();\na.get('/x', (q, s) => s.end());\n",
      )
    ).routes.length,
    1,
  );
});

test('concurrent sliced analyses do not disturb each other', async () => {
  const parsers = await loadParsers();
  const { generatePython } = await import('../../../bench/routes');
  const big = generatePython(6000);
  const small = 'from flask import Flask\napp = Flask(__name__)\n@app.route("/a")\ndef a(): ...\n';
  const [x, y, z] = await Promise.all([
    analyzeFileSliced(parsers, '/x.py', big, { sliceMs: 1 }),
    analyzeFileSliced(parsers, '/y.py', small, { sliceMs: 1 }),
    analyzeFileSliced(parsers, '/z.py', big, { sliceMs: 1 }),
  ]);
  const expected = analyzeFile(parsers, '/x.py', big);
  assert.deepEqual(x, expected);
  assert.deepEqual({ ...z, file: '/x.py' }, expected);
  assert.equal(y.routes.length, 1);
});

test('TypeScript import = require / export =, generic Hono, koa-router template prefix, fastapi module attribute', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/a.ts',
      text: "import { Router } from 'express';\nconst router = Router();\nrouter.get('/x', [auth], (req, res) => res.end());\nexport = router;\n",
    },
    {
      path: '/p/main.ts',
      text: "import express = require('express');\nimport r = require('./a');\nconst app = express();\napp.use('/a', r);\n",
    },
    {
      path: '/p/h.ts',
      text: "import { Hono } from 'hono';\ntype Env = {};\nconst app = new Hono<{ Bindings: Env }>();\napp.get('/h', (c) => c.text('x'));\nexport default app;\n",
    },
    {
      path: '/p/k.js',
      text: "const Router = require('koa-router');\nconst r = new Router({ prefix: `/k` });\nr.get('/', ctx => {});\nconst Koa = require('koa');\nconst app = new Koa();\napp.use(r.routes()).use(r.allowedMethods());\n",
    },
    {
      path: '/p/f.py',
      text: "import fastapi\napp = fastapi.FastAPI()\nrouter = fastapi.APIRouter(prefix='/f')\n@router.get('/')\nasync def root():\n    ...\napp.include_router(router)\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => `${r.framework} ${r.fullPath}`),
    ['express /a/x', 'fastapi /f/', 'hono /h', 'koa /k'],
  );
});

test('mount cycles and self-registration never hang and still report the routes', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/a.js',
      text: "const express = require('express');\nconst a = express.Router();\nconst b = express.Router();\na.use('/b', b);\nb.use('/a', a);\na.use(a);\na.get('/x', (q, s) => s.end());\nb.get('/y', (q, s) => s.end());\n",
    },
  ]);
  assert.equal(routes.length, 2);
  for (const r of routes) assert.equal(r.fullPath, null);
});

test('app factories: the object a project function returns (create_app(), buildApp())', async () => {
  const routes = await detectRoutes([
    { path: '/p/pkg/__init__.py', text: 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n' },
    {
      path: '/p/pkg/views.py',
      text: 'from flask import Blueprint\nbp = Blueprint("v", __name__, url_prefix="/v")\n@bp.get("/x")\ndef x(): ...\n',
    },
    {
      path: '/p/manage.py',
      text: 'from pkg import create_app\nfrom pkg.views import bp\napp = create_app()\napp.register_blueprint(bp)\n',
    },
    {
      path: '/p/app.ts',
      text: "import express from 'express';\nexport function buildApp() {\n  const app = express();\n  return app;\n}\n",
    },
    {
      path: '/p/main.ts',
      text: "import { buildApp } from './app';\nimport { Router } from 'express';\nconst r = Router();\nr.get('/y', (q, s) => s.end());\nconst app = buildApp();\napp.use('/api', r);\n",
    },
  ]);
  assert.deepEqual(
    routes.map((r) => r.fullPath),
    ['/api/y', '/v/x'],
  );
});
