/** scanWorkspace on generated temp trees: ignores, bad input, symlink loops, abort, yielding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempTree } from '../../support/tempTree';
import { scanWorkspace, toRouteJson } from '../../../src/core/routes/workspace';
import { expandBraces, ScanRules } from '../../../src/core/routes/scanRules';
import { macrotasksDuring } from '../../support/eventLoop';

const tree = tempTree;

const APP = "const express = require('express');\nconst app = express();\napp.get('/ok', (req, res) => res.end());\n";
const ROUTE = (p: string): string =>
  `const express = require('express');\nconst app = express();\napp.get('${p}', (req, res) => res.end());\n`;

test('skips node_modules, virtualenvs, build output, .git, gitignored and excluded files, and tests', async () => {
  const root = tree({
    'src/app.js': APP,
    'node_modules/x/index.js': ROUTE('/nm'),
    '.venv/lib/site.py': 'from flask import Flask\napp = Flask(__name__)\n@app.route("/venv")\ndef v(): ...\n',
    'venv/a.py': 'from flask import Flask\napp = Flask(__name__)\n@app.route("/venv2")\ndef v(): ...\n',
    'dist/app.js': ROUTE('/dist'),
    'build/app.js': ROUTE('/build'),
    'out/app.js': ROUTE('/out'),
    '__pycache__/a.py': 'x',
    '.git/hooks/a.js': ROUTE('/git'),
    'generated/gen.js': ROUTE('/generated'),
    'src/secret.gen.js': ROUTE('/gen-file'),
    'src/skipme/x.js': ROUTE('/excluded'),
    'src/app.test.js': ROUTE('/test-file'),
    'tests/test_api.py': 'x',
    '.gitignore': '# comment\n/generated/\n*.gen.js\n!keep.js\n',
  });
  const { routes, analyses } = await scanWorkspace(root, { exclude: ['**/skipme/**'] });
  assert.deepEqual(
    routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath}`),
    ['src/app.js /ok'],
  );
  assert.deepEqual(
    [...analyses.keys()].map((f) => path.relative(root, f)),
    [path.join('src', 'app.js')],
  );
  const withTests = await scanWorkspace(root, { exclude: ['**/skipme/**'], includeTests: true });
  assert.ok(withTests.routes.some((r) => r.path === '/test-file'));
});

test('huge, binary and undecodable files are skipped with a note; never throws', async () => {
  const root = tree({
    'big.js': `${APP}${'// padding\n'.repeat(2000)}`,
    'bin.js': Buffer.from([0x63, 0x6f, 0x00, 0x01, 0x02, 0xff]),
    'latin1.py': Buffer.from([0x23, 0x20, 0xe9, 0xe8, 0x0a]),
    'good.js': ROUTE('/good'),
  });
  const { routes, notes } = await scanWorkspace(root, { maxFileBytes: 10_000 });
  assert.deepEqual(
    routes.map((r) => r.path),
    ['/good'],
  );
  assert.ok(
    notes.some((n) => n.startsWith('big.js') && /over the 10000-byte limit/.test(n)),
    notes.join('\n'),
  );
  assert.ok(notes.some((n) => n.startsWith('bin.js') && /binary/.test(n)));
  assert.ok(notes.some((n) => n.startsWith('latin1.py') && /UTF-8/.test(n)));
});

test('symlink loops and broken symlinks do not hang or throw', async () => {
  const root = tree({ 'a/app.js': APP });
  fs.symlinkSync(root, path.join(root, 'a', 'loop'));
  fs.symlinkSync(path.join(root, 'a'), path.join(root, 'b'));
  fs.symlinkSync(path.join(root, 'missing'), path.join(root, 'broken.js'));
  const { routes, notes } = await scanWorkspace(root, {});
  assert.equal(routes.length, 1);
  assert.ok(notes.some((n) => /symlink/.test(n)));
});

test('honours AbortSignal and reports progress', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`f${i}.js`] = ROUTE(`/r${i}`);
  const root = tree(files);
  const progress: number[] = [];
  const ok = await scanWorkspace(root, { onProgress: (d, t) => progress.push(d / t) });
  assert.equal(ok.routes.length, 40);
  assert.equal(progress[progress.length - 1], 1);
  const ac = new AbortController();
  await assert.rejects(
    scanWorkspace(root, { signal: ac.signal, onProgress: (d) => d === 5 && ac.abort() }),
    (e: Error) => e.name === 'AbortError',
  );
});

test('yields to the event loop between files during a scan', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 150; i++)
    files[`src/m${i}.ts`] =
      `import { Router } from 'express';\nexport const r${i} = Router();\n${Array.from({ length: 40 }, (_, j) => `r${i}.get('/a${j}', (req, res) => res.end());`).join('\n')}\n`;
  const root = tree(files);
  // Behaviour, not timing: other macrotasks run between files (the stall length is in `npm run bench`).
  const { result, ticks } = await macrotasksDuring(() => scanWorkspace(root, { yieldEvery: 4 }));
  assert.equal(result.routes.length, 150 * 40);
  assert.ok(ticks >= 150 / 4 - 1, `other tasks ran only ${ticks} times during a 150-file scan`);
});

test('non-existent root rejects; toRouteJson gives posix relative paths', async () => {
  await assert.rejects(scanWorkspace('/definitely/not/here', {}));
  const json = toRouteJson(
    {
      framework: 'express',
      methods: ['GET'],
      path: '/x',
      fullPath: '/x',
      file: path.join('/root', 'src', 'a.js'),
      line: 3,
      range: { start: { line: 3, column: 0 }, end: { line: 3, column: 10 } },
      handlerFile: path.join('/root', 'src', 'h.js'),
      handlerLine: 1,
      handlerName: 'h',
    },
    '/root',
  );
  assert.deepEqual(json, {
    framework: 'express',
    methods: ['GET'],
    path: '/x',
    fullPath: '/x',
    file: 'src/a.js',
    line: 3,
    handlerFile: 'src/h.js',
    handlerLine: 1,
    handlerName: 'h',
  });
});

test('exclude globs: VS Code syntax with braces, bare names at any depth, anchored paths', () => {
  const rules = new ScanRules({ exclude: ['**/node_modules', '**/*.{js,ts}', 'src/*.py', 'gen'] });
  assert.ok(rules.skipsDir('a/b/node_modules'));
  assert.ok(rules.skipsFile('x/y.ts') && rules.skipsFile('x/y.js'));
  assert.ok(rules.skipsFile('src/a.py') && !rules.skipsFile('src/a/b.py'));
  assert.ok(rules.skipsDir('deep/gen'));
  assert.deepEqual(expandBraces('{a,b}/*.{js,ts}'), ['a/*.js', 'a/*.ts', 'b/*.js', 'b/*.ts']);
});

/** `fullPath handlerFile:handlerLine` of every route of a scanned tree. */
async function fullPaths(files: Record<string, string>): Promise<string[]> {
  const root = tree(files);
  const { routes } = await scanWorkspace(root, {});
  return routes.map((r) => toRouteJson(r, root)).map((r) => `${r.fullPath} ${r.handlerFile}:${r.handlerLine}`);
}

test('tsconfig paths aliases (JSON with comments) resolve imports across the project', async () => {
  const paths = await fullPaths({
    'tsconfig.json':
      '{\n  // comment\n  "compilerOptions": {\n    "baseUrl": ".",\n    /* aliases */\n    "paths": { "@/*": ["src/*"], "~routes": ["src/routes/index.ts"] },\n  },\n}\n',
    'src/main.ts':
      "import express from 'express';\nimport users from '@/routes/users';\nimport api from '~routes';\nimport { health } from 'src/health';\nconst app = express();\napp.use('/users', users);\napp.use('/api', api);\napp.get('/health', health);\n",
    'src/routes/users.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/', (q, s) => s.end());\nexport default r;\n",
    'src/routes/index.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/v', (q, s) => s.end());\nexport default r;\n",
    'src/health.ts': 'export function health() {}\n',
  });
  assert.deepEqual(paths, ['/health src/health.ts:1', '/api/v src/routes/index.ts:3', '/users src/routes/users.ts:3']);
});

test('tsconfig `extends` (a relative file and a package) brings its baseUrl and paths, relative to the file that sets them', async () => {
  const paths = await fullPaths({
    'tsconfig.json':
      '{ "extends": ["@tsconfig/node20/tsconfig.json", "./config/tsconfig.base.json"], "compilerOptions": { "strict": true } }\n',
    'node_modules/@tsconfig/node20/tsconfig.json': '{ "compilerOptions": { "target": "es2022" } }\n',
    'config/tsconfig.base.json': '{\n  // shared\n  "compilerOptions": { "baseUrl": "..", "paths": { "@app/*": ["src/app/*"] } }\n}\n',
    'src/main.ts': "import express from 'express';\nimport users from '@app/users';\nconst app = express();\napp.use('/users', users);\n",
    'src/app/users.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/:id', (q, s) => s.end());\nexport default r;\n",
  });
  assert.deepEqual(paths, ['/users/:id src/app/users.ts:3']);
});

test('a file uses the tsconfig nearest above it; an `extends` cycle reads as nothing and a broken config is noted', async () => {
  const root = tree({
    'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["lib/*"] } } }\n',
    'lib/routes.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/root', (q, s) => s.end());\nexport default r;\n",
    'main.ts': "import express from 'express';\nimport r from '@/routes';\nconst app = express();\napp.use('/a', r);\n",
    'svc/tsconfig.json': '{ "extends": "./b.json" }\n',
    'svc/b.json': '{ "extends": "./tsconfig.json", "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }\n',
    'svc/main.ts': "import express from 'express';\nimport r from '@/routes';\nconst app = express();\napp.use('/b', r);\n",
    'svc/src/routes.ts': "import { Router } from 'express';\nconst r = Router();\nr.get('/svc', (q, s) => s.end());\nexport default r;\n",
    'bad/jsconfig.json': '{ "compilerOptions": ',
  });
  const result = await scanWorkspace(root);
  const paths = result.routes.map((r) => toRouteJson(r, root)).map((r) => `${r.fullPath} ${r.file}`);
  assert.deepEqual(paths.sort(), ['/a/root lib/routes.ts', '/b/svc svc/src/routes.ts']);
  assert.ok(result.notes.includes('bad/jsconfig.json: could not read compilerOptions.paths'), result.notes.join('\n'));
});

test('a test-folder file a non-test module imports is analysed, with what it imports; the other test files are not', async () => {
  const router = (p: string, extra = ''): string =>
    `const { Router } = require('express');\n${extra}const r = Router();\nr.get('${p}', (req, res) => res.end());\nmodule.exports = r;\n`;
  const root = tree({
    'src/app.js':
      "const app = require('express')();\napp.use('/docs', require('./spec/routes'));\nrequire('./spec/big');\napp.listen(3000);\n",
    'src/spec/routes.js': router('/spec', "require('../tests/shared');\n"),
    'src/tests/shared.js': router('/shared'),
    'src/spec/other.js': router('/other'),
    'src/spec/big.js': router('/big', `// ${'x'.repeat(2000)}\n`),
    'test/app.js': "require('../src/spec/other');\n" + router('/stub'),
  });
  const { routes, analyses, notes } = await scanWorkspace(root, { maxFileBytes: 1000 });
  assert.ok(
    notes.some((n) => n.startsWith('src/spec/big.js: skipped')),
    notes.join('\n'),
  );
  assert.deepEqual(
    routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath ?? 'null'}`),
    ['src/spec/routes.js /docs/spec', 'src/tests/shared.js null'],
  );
  assert.deepEqual([...analyses.keys()].map((f) => path.relative(root, f).split(path.sep).join('/')).sort(), [
    'src/app.js',
    'src/spec/routes.js',
    'src/tests/shared.js',
  ]);
});

test('a Python module of a tests/ folder the app imports is analysed too', async () => {
  const root = tree({
    'app/main.py':
      'from fastapi import FastAPI\nfrom app.tests import stubs\napp = FastAPI()\napp.include_router(stubs.router, prefix="/stubs")\n',
    'app/tests/stubs.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/ping")\ndef ping():\n    return "pong"\n',
    'app/tests/test_main.py': 'from app.main import app\n',
  });
  const { routes, analyses } = await scanWorkspace(root);
  assert.deepEqual(
    routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath ?? 'null'}`),
    ['app/tests/stubs.py /stubs/ping'],
  );
  assert.equal(analyses.size, 2);
});

test('test-folder files are held up to the file budget: past it they are not walked, even when imported', async () => {
  const router = (p: string): string =>
    `const r = require('express').Router();\nr.get('${p}', (req, res) => res.end());\nmodule.exports = r;\n`;
  const root = tree({
    'app.js':
      "const app = require('express')();\napp.use('/a', require('./spec/a'));\napp.use('/c', require('./spec/c'));\napp.listen(1);\n",
    'spec/a.js': router('/x'),
    'spec/b.js': router('/y'),
    'spec/c.js': router('/z'),
  });
  const { routes } = await scanWorkspace(root, { maxFiles: 2 });
  assert.deepEqual(
    routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath ?? 'null'}`),
    ['spec/a.js /a/x'],
  );
});

// (a NestJS controller only a testing module lists: fixture nest_registry_module_imports)
test('a router or blueprint only a test registers (a supertest app, a pytest fixture) is not served', async () => {
  const router = (p: string): string =>
    `const r = require('express').Router();\nr.get('${p}', (req, res) => res.end());\nmodule.exports = r;\n`;
  const root = tree({
    'package.json': '{ "name": "t", "main": "src/app.js", "dependencies": { "express": "^4.0.0" } }',
    'src/app.js': "const app = require('express')();\napp.use('/users', require('./users'));\napp.listen(3000);\n",
    'src/users.js': router('/'),
    'src/admin.js': router('/stats'),
    'src/audit.js': router('/log'),
    'src/audit.spec.js': "const app = require('express')();\napp.use('/audit', require('./audit'));\n",
    'test/admin.test.js': "const app = require('express')();\napp.use('/admin', require('../src/admin'));\n",
    'py/app/__init__.py': 'from flask import Flask\napp = Flask(__name__)\n',
    'py/app/debug.py': "from flask import Blueprint\nbp = Blueprint('debug', __name__)\n@bp.route('/dump')\ndef dump():\n    return ''\n",
    'py/tests/conftest.py': "from app import app\nfrom app.debug import bp\napp.register_blueprint(bp, url_prefix='/debug')\n",
  });
  const served = async (includeTests: boolean): Promise<string[]> =>
    (await scanWorkspace(root, { includeTests })).routes.map((r) => toRouteJson(r, root)).map((r) => `${r.file} ${r.fullPath ?? 'null'}`);
  // nothing the app loads mounts them: the JS routers are dead code, and so is the blueprint's module (only a test
  // imports it, ./pyDeadCode)
  assert.deepEqual(await served(false), ['src/users.js /users']);
  // asked for, the tests are analysed as any module: their mounts count
  assert.deepEqual(await served(true), [
    'py/app/debug.py /debug/dump',
    'src/admin.js /admin/stats',
    'src/audit.js /audit/log',
    'src/users.js /users',
  ]);
});
