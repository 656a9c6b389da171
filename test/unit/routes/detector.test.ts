/** Unit tests of the pure detector API: analyzeFile / resolveRoutes / detectRoutes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { analyzeFile, detectRoutes, resolveRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path})`} ${r.handlerName ?? '<anon>'}@${r.handlerLine}`;

test('FastAPI: prefixes from APIRouter and include_router, nested across modules', async () => {
  const routes = await detectRoutes([
    { path: '/p/app/main.py', text: 'from fastapi import FastAPI\nfrom app.api import users\napp = FastAPI()\napp.include_router(users.router, prefix="/api")\n' },
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
    ['/p/main.py', 'from fastapi import FastAPI\nfrom .a import router as ra\nfrom .b import router as rb\napp = FastAPI()\napp.include_router(rb, prefix="/b")\napp.include_router(ra, prefix="/a")\n'],
    ['/p/a.py', 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/1")\ndef one(): ...\n@router.post("/2")\ndef two(): ...\n'],
    ['/p/b.py', 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/1")\ndef one(): ...\n'],
  ].map(([f, t]) => analyzeFile(parsers, f!, t!));
  const a = resolveRoutes(files);
  const b = resolveRoutes([...files].reverse());
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((r) => `${r.file}:${r.line} ${r.fullPath}`), ['/p/a.py:3 /a/1', '/p/a.py:5 /a/2', '/p/b.py:3 /b/1']);
});

test('a router mounted twice gives one route per full path', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text: "const express = require('express');\nconst app = express();\nconst r = express.Router();\nr.get('/x', (q, s) => s.end());\napp.use('/v1', r);\napp.use('/v2', r);\n",
    },
  ]);
  assert.deepEqual(routes.map((r) => r.fullPath), ['/v1/x', '/v2/x']);
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

test('Fastify: fp-wrapped plugins ignore the prefix; unregistered plugins get fullPath null', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text: "const fastify = require('fastify')();\nconst fp = require('fastify-plugin');\nfastify.register(fp(async (f) => { f.get('/fp', async () => 1); }), { prefix: '/ignored' });\n",
    },
    { path: '/p/lonely.js', text: "const fastify = require('fastify');\nmodule.exports = async function (app) {\n  app.get('/lonely', async () => 1);\n};\n" },
  ]);
  assert.deepEqual(routes.map((r) => [r.framework, r.fullPath]), [
    ['fastify', '/fp'],
    ['fastify', null],
  ]);
  assert.match(routes[1]!.fullPathReason!, /not registered/);
});
