/** The route vocabulary: identity, labels and which route a line of a file belongs to (hover, commands, code actions). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectRoutes } from '../../../src/core/routes/detector';
import { routeAtLine, routeId, routeLabel, routeProvenance, routeTemplate, routeTitle, routeTooltip } from '../../../src/core/routes/route';

const PY = [
  'from fastapi import FastAPI', // 1
  'app = FastAPI()', // 2
  '', // 3
  '@app.get("/users/{id}")', // 4
  '@cache', // 5
  'def get_user(id: int):', // 6
  '    return {"id": id}', // 7
  '', // 8
  '@app.post("/users")', // 9
  'def create_user():', // 10
  '    return {}', // 11
].join('\n');

test('a Python route owns its decorators and its def line (head), and its body too (whole)', async () => {
  const routes = await detectRoutes([{ path: '/p/app.py', text: PY }]);
  const at = (line: number, extent: 'head' | 'whole') => routeAtLine(routes, '/p/app.py', line, extent)?.path ?? null;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((l) => at(l, 'head')),
    [null, null, null, '/users/{id}', '/users/{id}', '/users/{id}', null, null, '/users', '/users', null],
  );
  assert.deepEqual(
    [6, 7, 8, 9, 11].map((l) => at(l, 'whole')),
    ['/users/{id}', '/users/{id}', null, '/users', '/users'],
  );
  assert.equal(routeAtLine(routes, '/p/other.py', 4, 'whole'), undefined);
});

test('an Express route whose handler is defined in another file: its registration line here, its function there', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/app.js',
      text: "const express = require('express');\nconst { list } = require('./handlers');\nconst app = express();\napp.get('/items', list);\n",
    },
    { path: '/p/handlers.js', text: 'function list(req, res) {\n  res.json([]);\n}\nmodule.exports = { list };\n' },
  ]);
  assert.equal(routes.length, 1);
  assert.equal(routeAtLine(routes, '/p/app.js', 4, 'whole')?.path, '/items');
  assert.equal(routeAtLine(routes, '/p/app.js', 3, 'whole'), undefined);
  assert.equal(routeAtLine(routes, '/p/handlers.js', 2, 'whole')?.path, '/items');
  assert.equal(routeAtLine(routes, '/p/handlers.js', 2, 'head'), undefined);
  assert.equal(routeAtLine(routes, '/p/handlers.js', 4, 'whole'), undefined);
});

test('identity and names: file:line, the template, the label and the title (a marker when a prefix is unknown)', async () => {
  const [r] = await detectRoutes([{ path: '/p/app.py', text: PY }]);
  assert.equal(routeId(r!), '/p/app.py:4');
  assert.equal(routeTemplate(r!), '/users/{id}');
  assert.equal(routeLabel({ ...r!, methods: ['GET', 'HEAD'] }), 'GET|HEAD /users/{id}');
  assert.equal(routeTitle(r!), 'GET /users/{id}');
  assert.equal(routeTitle({ ...r!, fullPath: null }), 'GET …/users/{id}');
  assert.equal(routeLabel({ ...r!, fullPath: null }), 'GET /users/{id}');
});

test('where a full path comes from: a configuration default, live inference, or why it is unknown', async () => {
  const routes = await detectRoutes([
    {
      path: '/p/main.py',
      text: 'import os\nfrom fastapi import FastAPI, APIRouter\napp = FastAPI()\nr = APIRouter()\n@r.get("/x")\ndef x(): pass\napp.include_router(r, prefix=os.getenv("P", "/api"))\napp.include_router(r, prefix=os.environ["Q"])\n',
    },
  ]);
  const [unknown, configured] = [routes.find((r) => r.fullPath === null)!, routes.find((r) => r.fullPath !== null)!];
  assert.equal(configured.fullPath, '/api/x');
  assert.equal(routeProvenance(configured), 'prefix from `os.getenv("P", "/api")` (default `/api`)');
  assert.match(routeTooltip(configured), /prefix from `os\.getenv/);
  assert.match(routeProvenance(unknown)!, /^prefix unknown: prefix at main\.py:8 is a run-time environment variable Q with no default/);
  assert.equal(routeProvenance(unknown, { prefix: '/svc' }), 'prefix `/svc` inferred from live metrics');
});
