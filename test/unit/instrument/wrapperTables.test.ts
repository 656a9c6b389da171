/**
 * The wrapper style on the rows of a route table registered by a loop calling `router[row.method](row.path,
 * row.controller)`: the value of the property the detector reads as the row's handler (`handler`, else `controller`) is
 * wrapped in place, one line per row (a shorthand `{ controller }` becomes `controller: observeRoute(…, controller)`, a
 * method `async controller(ctx) {…}` a function expression); a value no wrapper can take in place (a string, a spread,
 * an empty list) is refused for that row with the reason; an already wrapped row offers nothing, and one route planned
 * alone gets the same edit. The goldens of the Koa (ESM) and Express (CommonJS) tables are in wrapper.test.ts; a real
 * run in test/integration/instrument/route-table-run.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import { registeredElsewhere } from '../../../src/core/instrument/common';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import { asWritten } from '../../../src/core/routes/route';
import type { Route } from '../../../src/core/routes/types';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const OPTS = { ...DEFAULT_OPTIONS };

async function routesOf(file: string, text: string): Promise<Route[]> {
  return (await detectRoutes([{ path: file, text }])).map(asWritten).filter((r) => r.file === file);
}

const TABLE = [
  "const Router = require('@koa/router');",
  "const users = require('./users');",
  '',
  'const router = new Router();',
  'const controller = users.ping;',
  'const chain = [users.auth, users.d];',
  '',
  'const rows = [',
  "  { method: 'get', path: '/a', controller: users.a },",
  "  { method: 'get', path: '/b', controller },",
  "  { method: 'get', path: '/c', controller: 'users#c' },",
  "  { method: 'get', path: '/d', controller: [...chain] },",
  "  { method: 'get', path: '/e', handler: users.e, controller: users.legacy },",
  "  { method: 'get', path: '/f', 'controller': users.f },",
  "  { method: 'get', path: '/g', controller: [] },",
  "  { method: 'post', path: '/h', async controller(ctx) { ctx.status = 201; } },",
  "  { method: 'put', path: '/i', controller: [users.auth, users.i] },",
  '];',
  '',
  'rows.forEach((r) => router[r.method](r.path, r.handler || r.controller));',
  '',
  'module.exports = router;',
  '',
].join('\n');

describe('wrapper style: the rows of a route table', () => {
  it('the handler value of each row wrapped in place, one line per row; what cannot be wrapped refused with the reason', async () => {
    const file = path.join(os.tmpdir(), 'tl-route-table', 'routes.js');
    const routes = await routesOf(file, TABLE);
    assert.deepEqual(
      routes.map((r) => `${r.methods.join()} ${r.path}`),
      ['GET /a', 'GET /b', 'GET /c', 'GET /d', 'GET /e', 'GET /f', 'GET /g', 'POST /h', 'PUT /i'],
    );
    const plan = await planInstrumentFile(TABLE, file, routes, ALL, OPTS);
    const out = applyEdits(TABLE, plan.edits);
    const lines = out.split('\n');
    assert.equal(lines[2], "const { observeRoute } = require('./telemetryRoutes');", 'imported once, CommonJS');
    assert.equal(lines.filter((l) => l.includes("require('./telemetryRoutes')")).length, 1);
    assert.equal(lines.length, TABLE.split('\n').length + 1, 'one line more: the import');
    for (const row of [
      "  { method: 'get', path: '/a', controller: observeRoute('GET', '/a', users.a) },",
      "  { method: 'get', path: '/b', controller: observeRoute('GET', '/b', controller) },",
      // the detector reads `handler` before `controller`: so does the wrapper
      "  { method: 'get', path: '/e', handler: observeRoute('GET', '/e', users.e), controller: users.legacy },",
      "  { method: 'get', path: '/f', 'controller': observeRoute('GET', '/f', users.f) },",
      "  { method: 'post', path: '/h', controller: observeRoute('POST', '/h', async function controller(ctx) { ctx.status = 201; }) },",
      "  { method: 'put', path: '/i', controller: [users.auth, observeRoute('PUT', '/i', users.i)] },",
      // left as they are
      "  { method: 'get', path: '/c', controller: 'users#c' },",
      "  { method: 'get', path: '/d', controller: [...chain] },",
      "  { method: 'get', path: '/g', controller: [] },",
    ])
      assert.ok(lines.includes(row), `${row}\n${out}`);
    assert.match(plan.summary, /instrument 6 handlers one line each/);
    assert.match(
      plan.summary,
      /GET \/c: the `controller` of its row is a string \(`'users#c'`\), no handler expression to wrap in place: wrap it by hand/,
    );
    assert.match(plan.summary, /GET \/d: the `controller` of its row is a list ending in a spread \(`\.\.\.chain`\)/);
    assert.match(plan.summary, /GET \/g: the `controller` of its row is an empty list/);
    assert.doesNotMatch(plan.summary, /passes no handler to wrap/);
    // one route alone: the same edit as in the file's plan (one undo step either way)
    const one = await planInstrumentRoute(TABLE, file, routes[0]!, ALL, OPTS, routes);
    assert.match(applyEdits(TABLE, one.edits), /controller: observeRoute\('GET', '\/a', users\.a\) \},/);
    // a second run: every row still a route, nothing more to do, a wrapped row offers nothing
    const again = await routesOf(file, out);
    assert.equal(again.length, routes.length, 'the wrapped rows are still routes');
    assert.deepEqual((await planInstrumentFile(out, file, again, ALL, OPTS)).edits, []);
    const wrappedRow = again.find((r) => r.path === '/b')!;
    const offered = await planInstrumentRoute(out, file, wrappedRow, ALL, OPTS, again);
    assert.deepEqual(offered.edits, []);
    assert.deepEqual(offered.alreadyInstrumented, ALL);
  });

  it('ESM: imported once with the extension of the file’s own imports', async () => {
    const file = path.join(os.tmpdir(), 'tl-route-table-esm', 'routes.mjs');
    const text = [
      "import Router from '@koa/router';",
      "import { list, show } from './users.mjs';",
      '',
      'const router = new Router();',
      'const a = [',
      '  {',
      "    method: 'get',",
      "    path: '/users',",
      '    controller: list,',
      '  },',
      '];',
      "const b = [{ method: 'get', path: '/users/:id', controller: show }];",
      '',
      'const routes = [].concat(a, b);',
      'for (const { method, path, controller } of routes) router[method](path, controller);',
      '',
      'export default router;',
      '',
    ].join('\n');
    const routes = await routesOf(file, text);
    const out = applyEdits(text, (await planInstrumentFile(text, file, routes, ALL, OPTS)).edits);
    assert.match(out, /^import \{ list, show \} from '\.\/users\.mjs';\nimport \{ observeRoute \} from '\.\/telemetryRoutes\.mjs';$/m);
    assert.match(out, /^ {4}controller: observeRoute\('GET', '\/users', list\),$/m);
    assert.match(
      out,
      /^const b = \[\{ method: 'get', path: '\/users\/:id', controller: observeRoute\('GET', '\/users\/:id', show\) \}\];$/m,
    );
  });
});

describe('a module whose handlers other files register', () => {
  const route = (file: string, handlerFile: string): Route =>
    ({ file, handlerFile, methods: ['GET'], path: '/x', fullPath: '/x' }) as unknown as Route;

  it('names the files registering them (wrapper style: instrument those)', () => {
    const show = (p: string) => path.relative('/p', p);
    const why = registeredElsewhere('/p/controller/user.js', [route('/p/router/routes.js', '/p/controller/user.js')], show);
    assert.equal(
      why,
      'no route is registered in controller/user.js: its handlers (1 route) are registered in router/routes.js; instrument that file (the wrapper style wraps a handler where it is registered)',
    );
    const many = ['a', 'b', 'c', 'd'].map((f) => route(`/p/routes/${f}.js`, '/p/c.js'));
    assert.match(
      registeredElsewhere('/p/c.js', many, show)!,
      /its handlers \(4 routes\) are registered in routes\/a\.js, routes\/b\.js, routes\/c\.js and 1 more; instrument those files/,
    );
    assert.equal(registeredElsewhere('/p/c.js', [route('/p/c.js', '/p/c.js'), route('/p/r.js', '/p/other.js')], show), undefined);
  });
});
