/**
 * Folder loaders (src/core/routes/folderLoops.ts, jsFolderLoops.ts): a loop over a folder listing mounts each project
 * file of the folder at the prefix it computes from the file name; the filter and guards are applied, the loader never
 * mounts itself, a filter that is not a string test keeps the full path unknown, names and patterns from the repository
 * are bounded, the listing follows files added and removed without analysing the loader again, and Instrument Route
 * labels such a route with its full path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, detectRoutes, resolveRoutes } from '../../../src/core/routes/detector';
import { loadParsers } from '../../../src/core/parsing/treeSitter';
import { DocumentAnalyzer } from '../../../src/core/routes/incremental';
import {
  evalName,
  folderEntries,
  globKeepsDot,
  globSplit,
  globTest,
  isDir,
  not,
  RUN_MARK,
  settle,
  UNKNOWN,
  type NameExpr,
} from '../../../src/core/routes/folderLoops';
import { routeParams } from '../../../src/core/routes/autoload';
import { DEFAULT_OPTIONS, planInstrumentFile } from '../../../src/core/instrument/planner';
import type { Route } from '../../../src/core/routes/types';
import { replace } from './edits';

const brief = (r: Route): string => `${r.methods.join(',')} ${r.fullPath ?? `null(${r.path}: ${r.fullPathReason})`} ${r.file}`;
const js = (path: string, ...lines: string[]): { path: string; text: string } => ({ path, text: lines.join('\n') + '\n' });
const ROUTER = (p: string): string[] => [
  "const router = require('express').Router();",
  `router.get('${p}', (req, res) => res.send('ok'));`,
  'module.exports = router;',
];

/** An app mounting the loader routes/index.js at /api. */
const API_APP = js('/p/app.js', "const app = require('express')();", "app.use('/api', require('./routes'));", 'app.listen(3000);');

const call = (fn: string, on: NameExpr, ...args: NameExpr[]): NameExpr => ({ k: 'call', fn, on, args });
const s = (v: string): NameExpr => ({ k: 's', s: v });
const entry: NameExpr = { k: 'entry' };

test('names: string, path and case functions, regular expressions through RE2, tests', () => {
  const kebab = call('toLowerCase', call('replace', entry, { k: 're', re: '([a-z])([A-Z])', flags: 'g' }, s('$1-$2')));
  assert.equal(evalName(kebab, 'fortuneAppleGame', 'x'), 'fortune-apple-game');
  assert.equal(evalName(call('at', call('split', entry, s('.')), s('0')), 'users.route.js', 'x'), 'users');
  assert.equal(evalName({ k: 'call', fn: 'basename', on: entry, args: [s('.js')] }, 'api/books.js', 'x'), 'books');
  assert.equal(evalName(call('kebabCase', entry), 'userProfile', 'x'), 'user-profile');
  assert.equal(evalName(call('camelCase', entry), 'order-items', 'x'), 'orderItems');
  assert.equal(evalName(call('slice', entry, s(''), s('-3')), 'cart.py', 'x'), 'cart');
  assert.equal(evalName({ k: 'entry', stem: true }, 'cart.py', 'cart'), 'cart');
  // `file.substr(0, file.indexOf('.'))`, `substring`, `slice` up to the last dot; a position that is not known: unknown
  const dot = call('indexOf', entry, s('.'));
  assert.equal(evalName(call('substr', entry, s('0'), dot), 'counters.route.js', 'x'), 'counters');
  assert.equal(evalName(call('substring', entry, dot, s('0')), 'users.js', 'x'), 'users');
  assert.equal(evalName(call('slice', entry, s('0'), call('lastIndexOf', entry, s('.'))), 'a.b.js', 'x'), 'a.b');
  assert.equal(evalName(call('substr', entry, s('-3')), 'cart.js', 'x'), '.js');
  assert.equal(evalName(call('substr', entry, s('0'), call('toString', { k: 're', re: 'x', flags: '' })), 'a.js', 'x'), null);
  assert.equal(evalName(call('substring', entry, s('0'), s('1.5')), 'a.js', 'x'), null);
  const keep = call('and', call('ne', entry, s('index.js')), [call('endsWith', entry, s('.js'))][0]!);
  assert.deepEqual(
    ['index.js', 'a.js', 'b.md'].map((n) => evalName(keep, n, n)),
    [false, true, false],
  );
  // a back-reference is not RE2: the value is unknown, never a guess
  assert.equal(evalName(call('test', entry, { k: 're', re: '(a)\\1', flags: '' }), 'aa', 'aa'), null);
  // a pattern that backtracks exponentially in a backtracking engine is linear in RE2
  const evil = call('test', entry, { k: 're', re: '^(a|a)*$', flags: '' });
  assert.equal(evalName(evil, `${'a'.repeat(200)}b`, 'x'), false);
});

test('entries: the files of the folder, a sub-folder by its index, never the loader; at most 256', () => {
  const files = ['/p/r/index.js', '/p/r/a.js', '/p/r/sub/index.js', '/p/r/deep/x/y.js', '/p/other.js'];
  const got = folderEntries(
    { dir: '/p/r', line: 1, text: '', spec: { k: 'cat', parts: [s('./'), entry] } },
    '/p/r/index.js',
    files,
    (m) => {
      const p = m.slice(5);
      return files.find((f) => f === p || f === `${p}/index.js`) ?? null;
    },
  );
  assert.deepEqual(
    got.map((e) => [e.name, e.mod]),
    [
      ['a.js', 'file:/p/r/a.js'],
      ['sub', 'file:/p/r/sub/index.js'],
    ],
  );
  const many = Array.from({ length: 300 }, (_, i) => `/p/r/m${i}.js`);
  assert.equal(folderEntries({ dir: '/p/r', line: 1, text: '' }, '/p/app.js', many, (m) => m.slice(5)).length, 256);
});

test('a loader in the folder it reads: each other module mounted at its name, a guard and the filter applied', async () => {
  const index = js(
    '/p/routes/index.js',
    "const fs = require('fs');",
    "const router = require('express').Router();",
    'fs.readdirSync(__dirname)',
    "  .filter((f) => f !== 'index.js' && !f.startsWith('.'))",
    '  .forEach((f) => {',
    "    if (f.endsWith('.test.js')) return;",
    "    router.use('/' + f.replace('.js', ''), require('./' + f));",
    '  });',
    'module.exports = router;',
  );
  const routes = await detectRoutes([
    API_APP,
    index,
    js('/p/routes/users.js', ...ROUTER('/:id')),
    js('/p/routes/posts/index.js', ...ROUTER('/')),
    js('/p/routes/users.test.js', ...ROUTER('/never')),
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET /api/posts /p/routes/posts/index.js',
    'GET /api/users/:id /p/routes/users.js',
    'GET null(/never: `router` (routes/users.test.js:1) is left out by the filter of the folder loader at routes/index.js:3) /p/routes/users.test.js',
  ]);
});

test('a filter callback that mounts, through a helper of this file and a conditional: the guard keeps the others', async () => {
  const index = js(
    '/p/routes/index.js',
    "const fs = require('fs');",
    "const router = require('express').Router();",
    "const stem = (file) => file.split('.').slice(0, -1).join('.').toString();",
    'fs.readdirSync(`${__dirname}/`).filter((file) => {',
    '  const name = stem(file);',
    "  return name !== 'index' && name !== 'auth' ? router.use(`/${name}`, require(`./${name}`)) : '';",
    '});',
    'module.exports = router;',
  );
  const routes = await detectRoutes([
    API_APP,
    index,
    js('/p/routes/users.js', ...ROUTER('/:id')),
    js('/p/routes/auth.js', ...ROUTER('/login')),
  ]);
  assert.deepEqual(routes.map(brief), [
    'GET null(/login: `router` (routes/auth.js:1) is left out by the filter of the folder loader at routes/index.js:4) /p/routes/auth.js',
    'GET /api/users/:id /p/routes/users.js',
  ]);
  assert.equal(evalName(call('implode', call('slice', call('split', entry, s('.')), s('0'), s('-1')), s('.')), 'a.b.js', 'x'), 'a.b');
});

test('TypeScript sources listed by their compiled names when the filter keeps only `.js`; unread filters stay unknown', async () => {
  const index = js(
    '/p/src/routes/index.ts',
    "import { readdirSync, statSync } from 'fs';",
    "import path from 'path';",
    "import { Router } from 'express';",
    'export const api = Router();',
    "for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.js') && f !== 'index.js')) {",
    "  api.use(`/${path.basename(file, '.js')}`, require(path.join(__dirname, file)).default);",
    '}',
    "for (const file of readdirSync(path.join(__dirname, '../admin')).filter((f) => statSync(f).isFile())) {",
    "  api.use('/admin', require(path.join(__dirname, '../admin', file)).default);",
    '}',
  );
  const app = js('/p/src/app.ts', "import express from 'express';", "import { api } from './routes';", 'express().use(api).listen(1);');
  const router = (p: string): string[] => [
    "import { Router } from 'express';",
    'const r = Router();',
    `r.get('${p}', (req, res) => res.end());`,
    'export default r;',
  ];
  const routes = await detectRoutes([
    app,
    index,
    js('/p/src/routes/books.ts', ...router('/')),
    js('/p/src/admin/keys.ts', ...router('/keys')),
  ]);
  assert.deepEqual(routes.map(brief), [
    "GET null(/keys: `r` (admin/keys.ts:2) is mounted through a computed require(path.join(__dirname, '../admin', file)) (routes/index.ts:9)) /p/src/admin/keys.ts",
    'GET /books /p/src/routes/books.ts',
  ]);
});

test('ES modules: an awaited glob and readdir, imported through pathToFileURL, the router a named or default export', async () => {
  const server = js(
    '/p/server.mjs',
    "import express from 'express';",
    "import { glob } from 'glob';",
    "import { readdir } from 'node:fs/promises';",
    "import path from 'node:path';",
    "import { pathToFileURL } from 'node:url';",
    'const app = express();',
    "const files = await glob('/p/v1/*.mjs');",
    'for (const f of files) {',
    '  const mod = await import(pathToFileURL(f).href);',
    "  app.use('/v1/' + path.basename(f, '.mjs'), mod.router ?? mod.default);",
    '}',
    "const dir = path.join(import.meta.dirname, 'v2');",
    'for (const f of await readdir(dir)) {',
    '  const mod = await import(pathToFileURL(path.join(dir, f)).href);',
    "  app.use(`/v2/${f.replace(/\\.mjs$/, '')}`, mod.router ?? mod.default);",
    '}',
    'app.listen(3000);',
  );
  const esm = (named: boolean, p: string): string[] => [
    "import { Router } from 'express';",
    `${named ? 'export ' : ''}const router = Router();`,
    `router.get('${p}', (req, res) => res.end());`,
    ...(named ? [] : ['export default router;']),
  ];
  const routes = await detectRoutes([server, js('/p/v1/tags.mjs', ...esm(true, '/')), js('/p/v2/users.mjs', ...esm(false, '/:id'))]);
  assert.deepEqual(routes.map(brief), ['GET /v1/tags /p/v1/tags.mjs', 'GET /v2/users/:id /p/v2/users.mjs']);
});

test('files added to and removed from the folder: the same loader analysis (also after an incremental edit) follows them', async () => {
  const parsers = await loadParsers();
  const file = '/p/app.js';
  let text = [
    "const fs = require('fs');",
    "const path = require('path');",
    "const app = require('express')();",
    "const dir = path.join(__dirname, 'routes');",
    'for (const f of fs.readdirSync(dir)) app.use(`/v1/${path.parse(f).name}`, require(path.join(dir, f)));',
    'app.listen(3000);',
  ].join('\n');
  const doc = new DocumentAnalyzer(parsers, file);
  try {
    doc.update(text);
    const change = replace(text, '`/v1/', '`/v2/');
    text = text.slice(0, change.rangeOffset) + change.text + text.slice(change.rangeOffset + change.rangeLength);
    const loader = doc.update(text, [change]);
    assert.equal(doc.lastStats.mode, 'incremental');
    assert.deepEqual(loader, analyzeFile(parsers, file, text));
    const a = analyzeFile(parsers, '/p/routes/a.js', ROUTER('/x').join('\n'));
    const b = analyzeFile(parsers, '/p/routes/b.js', ROUTER('/y').join('\n'));
    const paths = (files: (typeof a)[]): string[] => resolveRoutes([loader, ...files]).map((r) => `${r.fullPath}`);
    assert.deepEqual(paths([a]), ['/v2/a/x']);
    assert.deepEqual(paths([a, b]), ['/v2/a/x', '/v2/b/y']);
    assert.deepEqual(paths([b]), ['/v2/b/y']);
  } finally {
    doc.dispose();
  }
});

test('Instrument Route labels a route mounted by a folder loader with its full path', async () => {
  const index = js(
    '/p/routes/index.js',
    "const fs = require('fs');",
    "const express = require('express');",
    'const app = express();',
    "fs.readdirSync(__dirname).forEach((f) => app.use('/api/' + f.split('.')[0], require('./' + f)));",
    'app.listen(3000);',
  );
  const orders = js('/p/routes/orders.js', ...ROUTER('/:id'));
  const routes = (await detectRoutes([index, orders])).filter((r) => r.file === orders.path);
  assert.deepEqual(routes.map(brief), ['GET /api/orders/:id /p/routes/orders.js']);
  const plan = await planInstrumentFile(orders.text, orders.path, routes, ['counter', 'histogram', 'span'], { ...DEFAULT_OPTIONS });
  const edited = plan.edits.map((e) => e.newText).join('\n');
  assert.match(edited, /observeRoute\('GET', '\/api\/orders\/:id'/);
});

test('names: url-join, tests undecided by an unknown value, folder tests settled per entry, autoload routeParams', () => {
  const urljoin = (...args: NameExpr[]): NameExpr => ({ k: 'call', fn: 'urljoin', args });
  assert.equal(evalName(urljoin(s('/'), entry), 'chats', 'x'), '/chats');
  assert.equal(evalName(urljoin(s('/api/'), s('/v1/'), entry), 'users', 'x'), '/api/v1/users');
  assert.equal(evalName(urljoin(s('https://x.io'), entry), 'users', 'x'), null); // a URL, not a path
  // `!process.env.X && name === 'internal'`: false for another name, undecided for that one
  const guard = call('and', call('not', UNKNOWN), call('eq', entry, s('internal')));
  assert.equal(evalName(guard, 'users', 'x'), false);
  assert.equal(evalName(guard, 'internal', 'x'), null);
  assert.equal(evalName(call('or', UNKNOWN, call('eq', entry, s('a'))), 'a', 'x'), true);
  const dirTest = isDir({ k: 'call', fn: 'join', args: [s('/p/routes'), entry] });
  assert.equal(evalName(dirTest, 'users', 'x'), null);
  assert.equal(
    evalName(
      settle(dirTest, 'users', (p) => p === '/p/routes/users'),
      'users',
      'x',
    ),
    true,
  );
  assert.equal(
    evalName(
      settle(not(dirTest), 'notes.js', () => false),
      'notes.js',
      'x',
    ),
    true,
  );
  assert.equal(routeParams('/chats/_id/messages/_messageId'), '/chats/:id/messages/:messageId');
  assert.equal(routeParams('/users/__id-__slug'), '/users/:id-:slug');
  assert.equal(routeParams('/snake_case'), '/snake_case');
});

test('glob patterns: `**` below the folder, the leading `./` by the glob version, path.resolve from the run directory', () => {
  assert.deepEqual(globSplit('./routes/**/*.js'), { dir: './routes', pattern: '**/*.js' });
  assert.deepEqual(globSplit('api/*.js'), { dir: 'api', pattern: '*.js' });
  for (const p of ['**/*.js', 'routes/{a,b}.js', 'routes/a**b/*.js', 'routes/*/x/*.js']) assert.equal(globSplit(p), null, p);
  const deep = globTest('**/*.js', './routes/');
  for (const [name, ok] of [
    ['./routes/index.js', true],
    ['routes/api/bill.js', true], // glob 9 and later drop the `./`
    ['routes/api/v1/bill.js', true],
    ['routes/.hidden/a.js', false],
    ['routes/api/bill.ts', false],
    ['other/api/bill.js', false],
  ] as const)
    assert.equal(evalName(deep, name, 'x'), ok, name);
  assert.equal(globKeepsDot('glob', '^10.2.7'), false);
  assert.equal(globKeepsDot('glob', '~7.1.6'), true);
  assert.equal(globKeepsDot('glob', '8.1.0'), true);
  assert.equal(globKeepsDot('glob', '>=9'), false);
  assert.equal(globKeepsDot('glob', '>=7'), null); // 7 or 11
  assert.equal(globKeepsDot('glob', '*'), null);
  assert.equal(globKeepsDot('glob', null), null);
  assert.equal(globKeepsDot('fast-glob', null), true);
  assert.equal(globKeepsDot('tiny-glob', '^0.2.9'), null);
  const resolve = (...args: NameExpr[]): NameExpr => ({ k: 'call', fn: 'resolve', args });
  assert.equal(evalName(resolve(entry), 'routes/a.js', 'x'), `${RUN_MARK}/routes/a.js`);
  assert.equal(evalName(resolve(s('/p/app'), entry), 'a.js', 'x'), '/p/app/a.js');
  assert.equal(evalName(resolve(s('/p'), s('/q'), entry), 'a.js', 'x'), '/q/a.js');
});

test('a `let` the loop body changes before the mount: followed through assignments and ifs, else unknown, never the first value', async () => {
  const GLOB10 = [{ dir: '/p', names: ['express', 'glob'], specs: { express: '^4.19.2', glob: '^10.3.0' } }];
  const loader = js(
    '/p/app.js',
    "const app = require('express')();",
    "const glob = require('glob');",
    "const path = require('path');",
    "for (const file of glob.sync('./routes/**/*.js')) {",
    '  let route = file.slice(6, -3);',
    "  if (route.endsWith('/index')) route = route.slice(0, -6);",
    "  else if (route === '/home') { route = '/'; }",
    '  route = route.toLowerCase();',
    '  app.use(route, require(path.resolve(file)));',
    '}',
    "for (const file of glob.sync('./legacy/*.js')) {",
    "  let prefix = '/old';",
    "  [1].forEach(() => { prefix = prefix + '/x'; });",
    "  prefix += '/' + path.basename(file, '.js');",
    '  app.use(prefix, require(path.resolve(file)));',
    '}',
    "let shared = '/acc';",
    "for (const file of glob.sync('./acc/*.js')) {",
    "  shared += '/' + path.basename(file, '.js');",
    '  app.use(shared, require(path.resolve(file)));',
    '}',
    'app.listen(3000);',
  );
  const routes = await detectRoutes(
    [
      loader,
      js('/p/routes/users.js', ...ROUTER('/:id')),
      js('/p/routes/home.js', ...ROUTER('/')),
      js('/p/routes/Reports.js', ...ROUTER('/daily')),
      js('/p/routes/admin/index.js', ...ROUTER('/stats')),
      js('/p/legacy/tags.js', ...ROUTER('/')),
      js('/p/acc/a.js', ...ROUTER('/')),
    ],
    { installedPackages: GLOB10 },
  );
  const got = routes.map(brief);
  assert.deepEqual(got, [
    'GET null(/: prefix at app.js:20 is a variable: shared) /p/acc/a.js', // accumulated over the entries
    'GET null(/: prefix at app.js:15 is a variable: prefix) /p/legacy/tags.js', // a callback may change it: not `/old/tags`
    'GET /reports/daily /p/routes/Reports.js',
    'GET /admin/stats /p/routes/admin/index.js',
    'GET / /p/routes/home.js',
    'GET /users/:id /p/routes/users.js',
  ]);
});
