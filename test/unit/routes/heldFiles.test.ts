/** Files only the soft scan rules skip (root .gitignore, test folders and names) are analysed when the project loads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { tempTree as tree } from '../../support/tempTree';
import { scanWorkspace, toRouteJson } from '../../../src/core/routes/workspace';
import { ScanRules } from '../../../src/core/routes/scanRules';

const ROUTER = (p: string): string =>
  `const r = require('express').Router();\nr.get('${p}', (req, res) => res.end());\nmodule.exports = r;\n`;
const rows = (routes: Awaited<ReturnType<typeof scanWorkspace>>['routes'], root: string): string[] =>
  routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath ?? 'null'}`);
const files = (analyses: Map<string, unknown>, root: string): string[] =>
  [...analyses.keys()].map((f) => path.relative(root, f).split(path.sep).join('/')).sort();

test('a committed folder the root .gitignore lists is analysed when the app imports it; what nothing imports is never read', async () => {
  const root = tree({
    '.gitignore': '/routes\n/controllers\n/generated\n',
    'app.js':
      "const app = require('express')();\napp.use('/api/users', require('./routes/users'));\napp.use('/x', require('./skipme/x'));\n" +
      "app.use('/v', require('./vendor/v'));\napp.listen(1);\n",
    'routes/users.js':
      "const { list } = require('../controllers/users');\nconst r = require('express').Router();\nr.get('/', list);\nmodule.exports = r;\n",
    'controllers/users.js': 'exports.list = (req, res) => res.json([]);\n',
    'routes/legacy.js': ROUTER('/legacy'),
    // over the size limit: reading it would leave a note
    'generated/huge.js': `${ROUTER('/huge')}// ${'x'.repeat(3000)}\n`,
    'skipme/x.js': ROUTER('/excluded'),
    'vendor/.hidden/v.js': ROUTER('/hidden'),
  });
  const { routes, analyses, notes } = await scanWorkspace(root, { exclude: ['skipme'], maxFileBytes: 2000 });
  assert.deepEqual(rows(routes, root), ['routes/users.js /api/users']);
  assert.deepEqual(files(analyses, root), ['app.js', 'controllers/users.js', 'routes/users.js']);
  assert.ok(!notes.some((n) => n.includes('generated/')), notes.join('\n'));
  assert.equal(toRouteJson(routes[0]!, root).handlerFile, 'controllers/users.js');
});

test("a tests/ folder an autoload reads is analysed; a test-named file there is not, a .gitignore'd one an ESM app imports is", async () => {
  const plugin = (p: string): string => `module.exports = async function (fastify) {\n  fastify.get('${p}', async () => 'ok');\n};\n`;
  const root = tree({
    '.gitignore': '*.local.mjs\n',
    'server.js':
      "const path = require('path');\nconst fastify = require('fastify')();\nfastify.register(require('@fastify/autoload'), { dir: path.join(__dirname, 'services') });\nfastify.listen({ port: 1 });\n",
    'services/tests/quiz.js': plugin('/quiz'),
    'services/tests/quiz.test.js': plugin('/stub'),
    'services/users.js': plugin('/users'),
    'web.mjs':
      "import express from 'express';\nimport r from './admin.local.mjs';\nconst app = express();\napp.use('/admin', r);\napp.listen(2);\n",
    'admin.local.mjs': "import { Router } from 'express';\nconst r = Router();\nr.get('/', (req, res) => res.end());\nexport default r;\n",
  });
  const { routes } = await scanWorkspace(root);
  assert.deepEqual(rows(routes, root), ['admin.local.mjs /admin', 'services/tests/quiz.js /tests/quiz', 'services/users.js /users']);
});

test('a .gitignore folder is walked up to an entry cap (5 × maxFiles): past it, a note and nothing held', async () => {
  const entries: Record<string, string> = {};
  for (let i = 0; i < 11; i++) entries[`data/f${i}.js`] = ROUTER(`/d${i}`);
  const root = tree({
    '.gitignore': 'data/\n',
    'app.js': "const app = require('express')();\napp.use('/d', require('./data/f1'));\napp.listen(1);\n",
    ...entries,
  });
  const { routes, notes } = await scanWorkspace(root, { maxFiles: 2 });
  assert.deepEqual(rows(routes, root), []);
  assert.ok(
    notes.some((n) => n.startsWith('data: not walked, over 10 entries')),
    notes.join('\n'),
  );
  const { routes: all } = await scanWorkspace(root, { maxFiles: 3 });
  assert.deepEqual(rows(all, root), ['data/f1.js /d/d1']);
});

test('.gitignored build output is never pulled: a JS twin of a TS source, a compiled lib/ the package entry requires', async () => {
  const ts = "import { Router } from 'express';\nconst r = Router();\nr.get('/', (req, res) => res.end());\nexport default r;\n";
  const root = tree({
    '.gitignore': '*.js\n/lib\n',
    'src/app.ts':
      "import express from 'express';\nimport users from './routes/users.js';\nconst app = express();\napp.use('/api/users', users);\napp.listen(1);\n",
    'src/routes/users.ts': ts,
    'src/routes/users.js': ts,
    'index.cjs': "require('./lib/server');\n",
    'lib/server.js':
      '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nconst app = require("express")();\napp.get("/built", (req, res) => res.end());\napp.listen(1);\n',
    'lib/esm.js':
      "import express from 'express';\nconst app = express();\napp.get('/mapped', (q, s) => s.end());\napp.listen(1);\n//# sourceMappingURL=esm.js.map\n",
    'main.cjs': "require('./lib/esm.js');\n",
  });
  const { routes, notes } = await scanWorkspace(root);
  assert.deepEqual(rows(routes, root), ['src/routes/users.ts /api/users']);
  assert.ok(notes.includes('lib/server.js: skipped, build output'), notes.join('\n'));
  assert.ok(notes.includes('lib/esm.js: skipped, build output'), notes.join('\n'));
});

test('scan rules: the user excludes and dependency folders are hard, .gitignore and test names only hold a file', () => {
  const rules = new ScanRules({ exclude: ['legacy'], gitignore: '/routes\n*.local.js\nlegacy/\n' });
  assert.equal(rules.holdsDir('routes'), true);
  assert.equal(rules.holdsDir('src/tests'), true);
  assert.equal(rules.holdsDir('legacy'), false);
  assert.equal(rules.hardSkipsDir('legacy'), true);
  assert.equal(rules.hardSkipsDir('node_modules'), true);
  assert.equal(rules.holdsFile('config.local.js'), true);
  assert.equal(rules.holdsFile('src/app.test.ts'), true);
  assert.equal(rules.holdsFile('README.md'), false);
  assert.equal(rules.holdsFile('src/app.js'), false);
  assert.equal(rules.skipsFile('config.local.js'), true);
  assert.equal(new ScanRules({ includeTests: true }).holdsDir('tests'), false);
});

test('a Python loader over a package pulls its gitignored modules (not test-named ones), with the prefix it writes', async () => {
  const router = (p: string): string =>
    `from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("${p}")\ndef h():\n    return {}\n`;
  const root = tree({
    '.gitignore': '/app/routers/\n',
    'app/__init__.py': '',
    'app/main.py':
      'import importlib\nimport pkgutil\n\nfrom fastapi import FastAPI\n\nfrom app import routers\n\napp = FastAPI()\n\n' +
      'for m in pkgutil.iter_modules(routers.__path__):\n    module = importlib.import_module(f"app.routers.{m.name}")\n' +
      '    app.include_router(module.router, prefix=f"/api/{m.name}")\n',
    'app/routers/__init__.py': '',
    'app/routers/users.py': router('/'),
    'app/routers/items.py': router('/{item_id}'),
    'app/routers/test_items.py': router('/stub'),
  });
  const { routes } = await scanWorkspace(root);
  assert.deepEqual(rows(routes, root).sort(), ['app/routers/items.py /api/items/{item_id}', 'app/routers/users.py /api/users/']);
});
