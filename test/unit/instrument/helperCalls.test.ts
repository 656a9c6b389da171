/**
 * Instrument Route on a route reported at a call of the project function that registers it (Route.helperCall: the
 * function registers the path, and the handler, the call passes). The wrapper style wraps the handler argument of
 * that call with the call's label (JS, Koa too, Flask views and Flask-RESTful resources), once for the methods one
 * argument serves, and refuses with the reason a handler written in the function, one argument serving several
 * paths (a call in a loop over a table), a FastAPI view and a fastapi-restful resource; the inline style
 * instruments the function the call passes.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import type { Route } from '../../../src/core/routes/types';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];
const OPTS = { ...DEFAULT_OPTIONS };

/** The routes of a project of in-memory files (name → lines) under a folder of the temp dir, and its folder. */
async function project(
  name: string,
  files: Record<string, string[]>,
): Promise<{ dir: string; routes: Route[]; text: (f: string) => string }> {
  const dir = path.join(os.tmpdir(), `tl-helper-calls-${name}`);
  const all = Object.entries(files).map(([f, lines]) => ({ path: path.join(dir, f), text: lines.join('\n') }));
  return { dir, routes: await detectRoutes(all), text: (f) => all.find((x) => x.path === path.join(dir, f))!.text };
}

const LIB = [
  'function reg(router, path, handler) {',
  '  router.get(path, handler);',
  '}',
  'function readWrite(router, path, handler) {',
  '  router.get(path, handler);',
  '  router.put(path, handler);',
  '}',
  'function crud(router, base) {',
  '  router.post(base, (req, res) => res.status(201).json(req.body));',
  '}',
  'module.exports = { reg, readWrite, crud };',
  '',
];

const APP = [
  "const express = require('express');",
  "const { reg, readWrite, crud } = require('./lib');",
  '',
  'const app = express();',
  'function listUsers(req, res) {',
  '  res.json([]);',
  '}',
  '',
  "reg(app, '/a', (req, res) => res.send('a'));",
  "reg(app, '/users', listUsers);",
  "readWrite(app, '/settings', (req, res) => res.json({}));",
  "crud(app, '/books');",
  "crud(app, '/authors');",
  'const TABLE = [',
  "  { path: '/x', handler: listUsers },",
  "  { path: '/y', handler: listUsers },",
  '];',
  'for (const row of TABLE) reg(app, row.path, row.handler);',
  '',
  'module.exports = app;',
  '',
];

describe('Instrument Route at a call of a project helper (JS)', () => {
  it('the routes are at their calls, each with the handler the call passes', async () => {
    const { dir, routes } = await project('js-routes', { 'lib.js': LIB, 'app.js': APP });
    const app = path.join(dir, 'app.js');
    const at = (p: string) =>
      routes
        .filter((r) => r.fullPath === p)
        .map((r) => `${r.methods.join()} ${path.basename(r.file)}:${r.line} ${r.handlerName}:${r.handlerLine}`);
    assert.deepEqual(at('/a'), ['GET app.js:9 null:9']);
    assert.deepEqual(at('/users'), ['GET app.js:10 listUsers:5']);
    assert.deepEqual(at('/settings'), ['GET app.js:11 null:11', 'PUT app.js:11 null:11']);
    assert.deepEqual(at('/books'), ['POST app.js:12 null:9'], 'the handler written in the helper stays there');
    assert.match(at('/x')[0]!, /^GET app\.js:18 /);
    const books = routes.find((r) => r.fullPath === '/books')!;
    assert.deepEqual(books.helperCall, { file: path.join(dir, 'lib.js'), line: 9, name: 'crud' });
    assert.deepEqual(routes.find((r) => r.fullPath === '/a')!.helperCall, {
      file: path.join(dir, 'lib.js'),
      line: 2,
      name: 'reg',
      handlerArg: 2,
    });
    assert.ok(routes.every((r) => r.file === app));
  });

  it('wrapper: the handler argument wrapped with the call label; a handler in the helper and a loop over a table refused; idempotent', async () => {
    const { dir, routes, text } = await project('js-wrapper', { 'lib.js': LIB, 'app.js': APP });
    const file = path.join(dir, 'app.js');
    const src = text('app.js');
    const p = await planInstrumentFile(src, file, routes, ALL, OPTS);
    const out = applyEdits(src, p.edits);
    assert.match(out, /^reg\(app, '\/a', observeRoute\('GET', '\/a', \(req, res\) => res\.send\('a'\)\)\);$/m);
    assert.match(out, /^reg\(app, '\/users', observeRoute\('GET', '\/users', listUsers\)\);$/m);
    assert.match(
      out,
      /^readWrite\(app, '\/settings', observeRoute\('GET\|PUT', '\/settings', \(req, res\) => res\.json\(\{\}\)\)\);$/m,
      'one wrapper for both methods',
    );
    assert.match(out, /^crud\(app, '\/books'\);$/m);
    assert.match(out, /^for \(const row of TABLE\) reg\(app, row\.path, row\.handler\);$/m);
    assert.match(p.summary, /^instrument 4 handlers one line each/);
    assert.match(
      p.summary,
      /POST \/books: it is registered by `crud` \(lib\.js:9\) with the path this call passes, and its handler is written there: one wrapper there would count every call's requests under one label/,
    );
    assert.match(
      p.summary,
      /GET \/x: this call registers its handler under 2 paths \(\/x, \/y: a call in a loop over a table\); one static label would miscount/,
    );
    // one route alone: the same edit for it
    const a = routes.find((r) => r.fullPath === '/a')!;
    const one = await planInstrumentRoute(src, file, a, ALL, OPTS, routes);
    assert.match(applyEdits(src, one.edits), /^reg\(app, '\/a', observeRoute\('GET', '\/a', \(req, res\) => res\.send\('a'\)\)\);$/m);
    const settings = routes.find((r) => r.fullPath === '/settings' && r.methods[0] === 'PUT')!;
    const put = await planInstrumentRoute(src, file, settings, ALL, OPTS, routes);
    assert.match(applyEdits(src, put.edits), /observeRoute\('GET\|PUT', '\/settings',/, 'labelled with every method of the argument');
    const { routes: again } = await project('js-wrapper', { 'lib.js': LIB, 'app.js': out.split('\n') });
    const second = await planInstrumentFile(out, file, again, ALL, OPTS);
    assert.deepEqual(second.edits, []);
    assert.match(second.summary, /^already instrumented/);
    // the handler of a wrapped call is still the function it passes (read through the wrapper, as a registration's)
    assert.equal(again.find((r) => r.fullPath === '/users')?.handlerName, 'listUsers');
  });

  it('inline: the function the call passes instrumented with its route; the helper-written handler refused', async () => {
    const { dir, routes, text } = await project('js-inline', { 'lib.js': LIB, 'app.js': APP });
    const file = path.join(dir, 'app.js');
    const src = text('app.js');
    const mine = routes.filter((r) => r.handlerFile === file && r.fullPath === '/a');
    const p = await planInstrumentFile(src, file, mine, ALL, { ...OPTS, style: 'inline' }, routes);
    assert.equal(p.refused, undefined, p.summary);
    const out = applyEdits(src, p.edits);
    assert.match(out, /reg\(app, '\/a', \(req, res\) => \{\n\s+return tracer\.startActiveSpan\('GET \/a'/);
    const books = routes.filter((r) => r.fullPath === '/books' || r.fullPath === '/authors');
    const lib = path.join(dir, 'lib.js');
    const q = await planInstrumentFile(text('lib.js'), lib, books, ALL, { ...OPTS, style: 'inline' }, routes);
    assert.match(q.refused ?? '', /its handler is shared by 2 routes/);
  });

  it('Koa: the handler wrapped in the call (a middleware before it would be one more argument)', async () => {
    const koa = [
      "import Koa from 'koa';",
      "import Router from '@koa/router';",
      "import { reg } from './lib';",
      '',
      'const router = new Router();',
      "reg(router, '/ping', async (ctx) => {",
      "  ctx.body = 'pong';",
      '});',
      'export const app = new Koa();',
      'app.use(router.routes());',
      '',
    ];
    const lib = ['export function reg(router, path, handler) {', '  router.get(path, handler);', '}', ''];
    const { dir, routes, text } = await project('koa', { 'lib.ts': lib, 'app.ts': koa });
    const file = path.join(dir, 'app.ts');
    const p = await planInstrumentFile(text('app.ts'), file, routes, ALL, OPTS);
    assert.equal(p.refused, undefined, p.summary);
    assert.match(
      applyEdits(text('app.ts'), p.edits),
      /^reg\(router, '\/ping', observeRoute\('GET', '\/ping', async \(ctx\) => \{\n {2}ctx\.body = 'pong';\n\}\)\);$/m,
    );
  });
});

const PY_HELPERS = [
  'def view(app, rule, fn):',
  '    app.add_url_rule(rule, view_func=fn)',
  '',
  '',
  'def crud(app, base):',
  '    @app.route(base, endpoint=base)',
  '    def listing():',
  '        return "[]"',
  '',
];

const PY_APP = [
  'from flask import Flask',
  'from flask_restful import Api, Resource',
  '',
  'from .helpers import crud, view',
  '',
  'app = Flask(__name__)',
  'api = Api(app)',
  '',
  '',
  'class Users(Resource):',
  '    def get(self):',
  '        return []',
  '',
  '',
  'def hello():',
  '    return "hi"',
  '',
  '',
  'class Routes:',
  '    def __init__(self, api):',
  '        self.api = api',
  '        self.register(Users, "/users")',
  '        self.register(',
  '            Users,',
  '            "/people",',
  '        )',
  '',
  '    def register(self, resource, url):',
  '        self.api.add_resource(resource, url)',
  '',
  '',
  'view(app, "/hello", hello)',
  'view(app, "/hi", fn=hello)',
  'crud(app, "/books")',
  'crud(app, "/authors")',
  'Routes(api)',
  '',
];

describe('Instrument Route at a call of a project helper (Python)', () => {
  it('Flask: the view wrapped in the call (positional or keyword), a resource by observe_resource; a view written in the helper refused', async () => {
    const { dir, routes, text } = await project('flask', { 'site/helpers.py': PY_HELPERS, 'site/__init__.py': PY_APP });
    const file = path.join(dir, 'site', '__init__.py');
    const src = text('site/__init__.py');
    assert.deepEqual(
      routes.filter((r) => r.file === file).map((r) => `${r.methods.join()} ${r.fullPath} ${r.line}`),
      ['GET /users 22', 'GET /people 23', 'GET /hello 32', 'GET /hi 33', 'GET /books 34', 'GET /authors 35'],
    );
    const p = await planInstrumentFile(src, file, routes, ALL, OPTS);
    const out = applyEdits(src, p.edits);
    assert.match(out, /^view\(app, "\/hello", observe_route\("GET", "\/hello"\)\(hello\)\)$/m);
    assert.match(out, /^view\(app, "\/hi", fn=observe_route\("GET", "\/hi"\)\(hello\)\)$/m);
    assert.match(out, /^ {8}self\.register\(observe_resource\(Users, "\/users"\), "\/users"\)$/m);
    assert.match(out, /^ {12}observe_resource\(Users, "\/people"\),$/m);
    assert.match(out, /^from (\.)?telemetry_routes import observe_resource, observe_route$/m);
    assert.match(p.summary, /GET \/books: it is registered by `crud` \(helpers\.py:6\)/);
    const again = await project('flask', { 'site/helpers.py': PY_HELPERS, 'site/__init__.py': out.split('\n') });
    const second = await planInstrumentFile(out, file, again.routes, ALL, OPTS);
    assert.deepEqual(second.edits, []);
  });

  it('FastAPI views and fastapi-restful resources are refused with the reason (no wrong code)', async () => {
    const fastapi = [
      'from fastapi import FastAPI',
      'from fastapi_restful import Api, Resource',
      '',
      'app = FastAPI()',
      'api = Api(app)',
      '',
      '',
      'class Health(Resource):',
      '    def get(self):',
      '        return {}',
      '',
      '',
      'def add(target, path, endpoint):',
      '    target.add_api_route(path, endpoint, methods=["GET"])',
      '',
      '',
      'class Routes:',
      '    def __init__(self, app):',
      '        self.api = Api(app)',
      '        self.register(Health, "/health")',
      '',
      '    def register(self, resource, url):',
      '        self.api.add_resource(resource(), url)',
      '',
      '',
      'async def items():',
      '    return []',
      '',
      '',
      'add(app, "/items", items)',
      'Routes(app)',
      'api.add_resource(Health(), "/ready")',
      '',
    ];
    const { dir, routes, text } = await project('fastapi', { 'main.py': fastapi });
    const file = path.join(dir, 'main.py');
    assert.deepEqual(
      routes.map((r) => `${r.fullPath} ${r.line}`),
      ['/health 20', '/items 30', '/ready 32'],
    );
    const p = await planInstrumentFile(text('main.py'), file, routes, ALL, OPTS);
    assert.deepEqual(p.edits, []);
    assert.match(p.refused ?? '', /GET \/items: FastAPI takes its status code where `add` \(main\.py:14\) registers it/);
    assert.match(p.refused ?? '', /GET \/health: a fastapi-restful resource: observe_resource observes Flask-RESTful classes/);
    assert.match(p.refused ?? '', /GET \/ready: a fastapi-restful resource/);
  });
});
