/**
 * The wrapper style (the default): one line per handler plus the helper's import, as in `<input>.wrapped.<ext>`; the
 * helper module as in `telemetry_routes.expected.py` / `telemetryRoutes.expected.ts|js`; handlers in other modules,
 * wrapper calls and shared handlers covered where they are registered; a second run changes nothing; an existing
 * helper is found and never rewritten; the metric lint accepts the helper. Regenerate with UPDATE_GOLDEN=1.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentFile, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Aspect } from '../../../src/core/instrument/types';
import { detectRoutes } from '../../../src/core/routes/detector';
import { scanWorkspace } from '../../../src/core/routes/workspace';
import type { Route } from '../../../src/core/routes/types';
import { asWritten } from '../../../src/core/routes/route';
import { lintMetrics } from '../../../src/core/lint/metricLint';
import { CASES } from '../../support/instrument/cases';
import { FIXTURES } from '../../support/instrument/helpers';
import { tempDir, tempTree } from '../../support/tempTree';

const ALL: Aspect[] = ['counter', 'histogram', 'span'];

/** The routes of files read alone, as `instrument --single-file` reads them: a prefix set elsewhere is taken as written. */
const alone = async (files: { path: string; text: string }[]): Promise<Route[]> => (await detectRoutes(files)).map(asWritten);
const OPTS = { ...DEFAULT_OPTIONS };

/** Every route registered in `input`, detected over all the files of its folder (handlers in other modules). */
async function registered(input: string, text?: string): Promise<{ file: string; text: string; routes: Route[] }> {
  const file = path.join(FIXTURES, input);
  const dir = path.dirname(file);
  const files = fs
    .readdirSync(dir)
    .filter((f) => !/\.(expected|wrapped)\./.test(f))
    .map((f) => path.join(dir, f));
  const own = text ?? fs.readFileSync(file, 'utf8');
  const all = await detectRoutes(files.map((p) => ({ path: p, text: p === file ? own : fs.readFileSync(p, 'utf8') })));
  return { file, text: own, routes: all.filter((r) => r.file === file) };
}

/** The routes registered in one file of a project of the route corpus, detected over the whole project. */
async function projectFile(project: string, rel: string): Promise<{ file: string; text: string; own: Route[] }> {
  const root = path.resolve(__dirname, '../../fixtures/routes', project);
  const file = path.join(root, rel);
  const { routes } = await scanWorkspace(root, {});
  return { file, text: fs.readFileSync(file, 'utf8'), own: routes.filter((r) => r.file === file) };
}

/** A second run over the instrumented text plans nothing. */
async function assertNothingMore(file: string, out: string): Promise<void> {
  const routes = (await alone([{ path: file, text: out }])).filter((r) => r.file === file);
  assert.deepEqual((await planInstrumentFile(out, file, routes, ALL, OPTS)).edits, []);
}

const wrappedPath = (input: string) => input.replace(/(\.[a-z]+)$/, '.wrapped$1');

function golden(rel: string, actual: string): void {
  const p = path.join(FIXTURES, rel);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(p, actual);
  assert.equal(actual, fs.readFileSync(p, 'utf8'));
}

const INPUTS = [
  ...CASES.map((c) => c.input),
  'fastapi-crossfile/app.py',
  'express-crossfile/app.ts',
  // route tables registered by a loop calling router[row.method](row.path, row.controller)
  'koa-route-table/routes.js',
  'express-route-table/books.routes.js',
];

describe('wrapper style: one line per handler', () => {
  for (const input of INPUTS) {
    it(`${input}: one line per route and the import, as in ${wrappedPath(input)}; a second run changes nothing`, async () => {
      const { file, text, routes } = await registered(input);
      const plan = await planInstrumentFile(text, file, routes, ALL, OPTS);
      assert.equal(plan.refused, undefined, plan.refused);
      assert.doesNotMatch(plan.summary, /skipped/, plan.summary);
      const out = applyEdits(text, plan.edits);
      golden(wrappedPath(input), out);
      // pure insertions; every added line is the import, a decorator, or nothing at all (a wrapped expression)
      for (const e of plan.edits) assert.equal(e.start, e.end, 'nothing of the original is replaced');
      const added = out.split('\n').length - text.split('\n').length;
      const decorators = plan.edits.filter((e) => /^\r?\n?\s*@(observe_route|ObserveRoute)\(/.test(e.newText)).length;
      assert.ok(added <= decorators + 2, `${added} lines added for ${routes.length} routes`);
      assert.equal(plan.newFiles?.length, 1, 'the helper module is written with the first route');
      const again = await registered(input, out);
      assert.equal(again.routes.length, routes.length, 'the detector still finds every route');
      const second = await planInstrumentFile(out, file, again.routes, ALL, OPTS);
      assert.deepEqual(second.edits, []);
      assert.equal(second.refused, undefined, second.refused);
      assert.deepEqual(second.alreadyInstrumented, ALL);
      for (const r of again.routes) assert.deepEqual((await planInstrumentRoute(out, file, r, ALL, OPTS)).edits, []);
    });
  }

  it('handlers in another module, wrapper calls and middleware factories are wrapped where they are registered', async () => {
    const { file, text, routes } = await registered('express-crossfile/app.ts');
    const out = applyEdits(text, (await planInstrumentFile(text, file, routes, ALL, OPTS)).edits);
    assert.match(out, /router\.get\('\/users\/:id', observeRoute\('GET', '\/api\/users\/:id', users\.show\)\);/);
    assert.match(
      out,
      /router\.get\('\/people\/:id', observeRoute\('GET', '\/api\/people\/:id', users\.show\)\);/,
      'a shared handler: its own label',
    );
    assert.match(out, /router\.post\('\/auth\/login', observeRoute\('POST', '\/api\/auth\/login', wrapAction\(users\.login\)\)\);/);
    const py = await registered('fastapi-crossfile/app.py');
    const pyOut = applyEdits(py.text, (await planInstrumentFile(py.text, py.file, py.routes, ALL, OPTS)).edits);
    assert.match(
      pyOut,
      /add_api_route\("\/items", observe_route\("POST", "\/api\/items", status_code=201\)\(views\.create_item\), methods=\["POST"\], status_code=201\)/,
    );
    assert.match(pyOut, /add_api_route\("\/stock\/\{item_id\}", observe_route\("GET", "\/api\/stock\/\{item_id\}"\)\(views\.get_item\)/);
    assert.match(
      pyOut,
      /^router\.get\("\/legacy\/\{item_id\}"\)\(observe_route\("GET", "\/api\/legacy\/\{item_id\}"\)\(views\.get_item\)\)/m,
    );
  });

  it('the helper modules: Python, TypeScript ESM, JavaScript CommonJS, as in their golden files; the metric lint accepts them', async () => {
    for (const [input, helper] of [
      ['fastapi/app.py', 'fastapi/telemetry_routes.expected.py'],
      ['express/app.ts', 'express/telemetryRoutes.expected.ts'],
      ['express-cjs/app.js', 'express-cjs/telemetryRoutes.expected.js'],
    ] as const) {
      const { file, text, routes } = await registered(input);
      const plan = await planInstrumentFile(text, file, routes, ALL, OPTS);
      const f = plan.newFiles![0]!;
      assert.equal(path.basename(f.path), path.basename(helper).replace('.expected', ''));
      assert.equal(path.dirname(f.path), path.dirname(file));
      golden(helper, f.content);
      assert.deepEqual(await lintMetrics(f.content, f.path), [], `${helper} lints clean`);
      assert.match(f.content, /http_requests_total/);
      assert.match(f.content, /http_request_duration_seconds/);
    }
  });
  it('Flask add_url_rule: endpoint= names the view, view_func= is the handler that gets wrapped', async () => {
    const file = path.join(os.tmpdir(), 'tl-flask-url-rule', 'views.py');
    const text = [
      'from flask import Blueprint',
      '',
      'bp = Blueprint("users", __name__)',
      '',
      '',
      'def show(user_id):',
      '    return "user"',
      '',
      '',
      'bp.add_url_rule("/users/<int:user_id>", methods=["GET"], endpoint="users_with_id", view_func=show)',
      '',
    ].join('\n');
    const routes = await alone([{ path: file, text }]);
    const out = applyEdits(text, (await planInstrumentFile(text, file, routes, ALL, OPTS)).edits);
    assert.match(out, /endpoint="users_with_id", view_func=observe_route\("GET", "\/users\/<int:user_id>"\)\(show\)\)$/m);
  });
});

describe('wrapper style: where the helper is and how it is imported', () => {
  const tmp = () => tempDir('tl-wrapper-');
  const plan = async (file: string, text: string) =>
    planInstrumentFile(
      text,
      file,
      (await alone([{ path: file, text }])).filter((r) => r.file === file),
      ALL,
      OPTS,
    );
  const py =
    'from fastapi import APIRouter\nfrom .deps import db\n\nrouter = APIRouter()\n\n\n@router.get("/x")\ndef x():\n    return {}\n';

  it('Python in a package: the top package, imported relatively; an existing helper is reused and never rewritten', async () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'app', 'api', 'routes'), { recursive: true });
    for (const d of ['app', 'app/api', 'app/api/routes']) fs.writeFileSync(path.join(root, d, '__init__.py'), '');
    const file = path.join(root, 'app', 'api', 'routes', 'items.py');
    const p = await plan(file, py);
    assert.equal(p.newFiles?.[0]?.path, path.join(root, 'app', 'telemetry_routes.py'));
    assert.match(applyEdits(py, p.edits), /^from \.\.\.telemetry_routes import observe_route$/m);
    const absolute = py.replace('from .deps import db', 'from app.deps import db');
    assert.match(applyEdits(absolute, (await plan(file, absolute)).edits), /^from app\.telemetry_routes import observe_route$/m);
    // a namespace package (no __init__.py) inside a package the file imports absolutely
    fs.mkdirSync(path.join(root, 'app', 'views'));
    fs.writeFileSync(path.join(root, 'app', 'deps.py'), '');
    const ns = path.join(root, 'app', 'views', 'items.py');
    const nsPlan = await plan(ns, absolute);
    assert.equal(nsPlan.newFiles?.[0]?.path, path.join(root, 'app', 'telemetry_routes.py'));
    assert.match(applyEdits(absolute, nsPlan.edits), /^from app\.telemetry_routes import observe_route$/m);
    fs.writeFileSync(path.join(root, 'app', 'api', 'telemetry_routes.py'), '# mine\n');
    const reuse = await plan(file, py);
    assert.equal(reuse.newFiles, undefined, 'an existing helper is never rewritten');
    assert.match(applyEdits(py, reuse.edits), /^from \.\.telemetry_routes import observe_route$/m);
  });

  it('the in-flight gauge is off by default; switched on, a new helper has it and an existing one without it is kept, and the plan says so', async () => {
    const root = tmp();
    const file = path.join(root, 'items.py');
    const text = py.replace('from .deps import db\n', '');
    const helperFile = path.join(root, 'telemetry_routes.py');
    const plain = await plan(file, text);
    assert.doesNotMatch(plain.newFiles![0]!.content, /Gauge|in_progress/);
    const gauge = { ...OPTS, inFlightGauge: true };
    const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
    const fresh = await planInstrumentFile(text, file, routes, ALL, gauge);
    assert.match(fresh.newFiles![0]!.content, /HTTP_REQUESTS_IN_PROGRESS\.track_inprogress\(\)/);
    assert.doesNotMatch(fresh.summary, /without the in-flight gauge/);
    fs.writeFileSync(helperFile, plain.newFiles![0]!.content);
    const kept = await planInstrumentFile(text, file, routes, ALL, gauge);
    assert.equal(kept.newFiles, undefined, 'never overwritten');
    assert.ok(kept.edits.length, 'the handler is still instrumented');
    assert.match(kept.summary, /telemetry_routes\.py exists without the in-flight gauge http_requests_in_progress: it is not overwritten/);
    assert.ok(kept.note && kept.summary.endsWith(kept.note), 'the editor shows it as a notification');
    fs.writeFileSync(helperFile, fresh.newFiles![0]!.content);
    assert.doesNotMatch((await planInstrumentFile(text, file, routes, ALL, gauge)).summary, /without the in-flight gauge/);
  });

  it('Python with no packages, run from a source folder: one helper there for every route folder, imported absolutely', async () => {
    const root = tmp();
    const src = path.join(root, 'src');
    fs.mkdirSync(path.join(src, 'helpers'), { recursive: true });
    fs.writeFileSync(path.join(src, 'helpers', 'routing.py'), '');
    const text = py.replace('from .deps import db', 'from helpers.routing import db');
    const helpers = [];
    for (const dir of [
      ['rest', 'users'],
      ['rest', 'admin', 'auth'],
    ]) {
      fs.mkdirSync(path.join(src, ...dir), { recursive: true });
      const p = await plan(path.join(src, ...dir, 'routes.py'), text);
      helpers.push(p.newFiles?.[0]?.path);
      assert.match(applyEdits(text, p.edits), /^from telemetry_routes import observe_route$/m);
    }
    assert.deepEqual(helpers, [path.join(src, 'telemetry_routes.py'), path.join(src, 'telemetry_routes.py')]);
  });

  it("JavaScript with no src/: one helper next to the app's entry file (else package.json) for every route folder", async () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    fs.mkdirSync(path.join(root, 'server'));
    fs.writeFileSync(path.join(root, 'server', 'app.js'), '');
    const js =
      "const { Router } = require('express');\nconst router = Router();\nrouter.get('/u', (req, res) => res.json([]));\nmodule.exports = router;\n";
    for (const dir of [path.join('server', 'routes'), path.join('server', 'modules', 'users')]) {
      fs.mkdirSync(path.join(root, dir), { recursive: true });
      const p = await plan(path.join(root, dir, 'users.js'), js);
      assert.equal(p.newFiles?.[0]?.path, path.join(root, 'server', 'telemetryRoutes.js'), dir);
    }
    fs.mkdirSync(path.join(root, 'routes'));
    assert.equal((await plan(path.join(root, 'routes', 'users.js'), js)).newFiles?.[0]?.path, path.join(root, 'telemetryRoutes.js'));
  });

  it("TypeScript: next to tracing.ts, or in src/; the specifier follows the file's `.js` extensions", async () => {
    const root = tmp();
    fs.writeFileSync(path.join(root, 'package.json'), '{}');
    fs.mkdirSync(path.join(root, 'src', 'routes'), { recursive: true });
    const file = path.join(root, 'src', 'routes', 'users.ts');
    const ts =
      "import { Router } from 'express';\nimport { db } from '../db.js';\n\nexport const router = Router();\nrouter.get('/u', (_req, res) => { res.json(db); });\n";
    const p = await plan(file, ts);
    assert.equal(p.newFiles?.[0]?.path, path.join(root, 'src', 'telemetryRoutes.ts'));
    assert.match(applyEdits(ts, p.edits), /^import \{ observeRoute \} from '\.\.\/telemetryRoutes\.js';$/m);
    assert.match(p.newFiles![0]!.content, /^export function observeRoute</m);
    fs.writeFileSync(path.join(root, 'src', 'routes', 'tracing.ts'), '// mine\n');
    assert.equal((await plan(file, ts)).newFiles?.[0]?.path, path.join(root, 'src', 'routes', 'telemetryRoutes.ts'));
  });

  it('routes under a run-time prefix are labelled with the known part below it: two `/login/` never share a label', async () => {
    const root = tempDir('tl-labels-');
    const main = path.join(root, 'main.py');
    const text = [
      'import os',
      'from fastapi import APIRouter, FastAPI',
      '',
      'app = FastAPI()',
      'admin = APIRouter(prefix="/admin")',
      'users = APIRouter(prefix="/users")',
      '',
      '',
      '@admin.post("/login/")',
      'def admin_login():',
      '    return {}',
      '',
      '',
      '@users.post("/login/")',
      'def user_login():',
      '    return {}',
      '',
      '',
      'app.include_router(admin, prefix=os.environ["API_PREFIX"])',
      'app.include_router(users, prefix=os.environ["API_PREFIX"])',
      '',
    ].join('\n');
    const routes = await detectRoutes([{ path: main, text }]);
    assert.deepEqual(
      routes.map((r) => [r.fullPath, r.knownSuffix]),
      [
        [null, '/admin/login/'],
        [null, '/users/login/'],
      ],
    );
    const out = applyEdits(text, (await planInstrumentFile(text, main, routes, ALL, OPTS)).edits);
    assert.match(out, /^@observe_route\("POST", "\/admin\/login\/"\)$/m);
    assert.match(out, /^@observe_route\("POST", "\/users\/login\/"\)$/m);
  });

  it('a mount prefix that ends in a literal below the run-time part labels the routes with it: no two routers share `/`', async () => {
    const labels: string[] = [];
    for (const rel of ['src/routes/appointments.js', 'src/routes/users.js']) {
      const { file, text, own } = await projectFile('express_unknown_prefix_tail', rel);
      assert.ok(own.every((r) => r.fullPath === null));
      const out = applyEdits(text, (await planInstrumentFile(text, file, own, ALL, OPTS)).edits);
      labels.push(...[...out.matchAll(/observeRoute\('(\w+)', '([^']*)'/g)].map((m) => `${m[1]} ${m[2]}`));
    }
    assert.deepEqual(labels, ['GET /appointment', 'GET /appointment/details', 'GET /users', 'POST /users']);
  });

  it('@hono/zod-openapi: app.openapi(route, handler) gets its one handler wrapped (a middleware there would become the handler)', async () => {
    const { file, text, own } = await projectFile('hono_openapi', 'src/routes/admin/studios/studios.index.ts');
    const p = await planInstrumentFile(text, file, own, ALL, OPTS);
    const out = applyEdits(text, p.edits);
    assert.match(out, /^router\.openapi\(remove, observeRoute\('DELETE', '\/admin\/studios\/:id', \(c\) => c\.body\(null, 204\)\)\);$/m);
    assert.ok(out.includes("observeRoute('POST', '/admin/studios', (c) =>\n  c.json({}, 201)),\n);"), out);
    await assertNothingMore(file, out);
  });

  it('Fastify route options naming the handler by shorthand ({ handler }) become { handler: observeRoute(…, handler) }; a second run changes nothing', async () => {
    const { file, text, own } = await projectFile('fastify_route_shorthand_handler', 'src/routes/login/index.ts');
    const out = applyEdits(text, (await planInstrumentFile(text, file, own, ALL, OPTS)).edits);
    assert.match(out, /^    handler: observeRoute\('POST', '\/auth\/login', handler\),$/m);
    await assertNothingMore(file, out);
  });

  it('a route table row registered by router[row.method](…): its handler (the last of a list) is wrapped in the row; a second run changes nothing', async () => {
    const project = path.resolve(__dirname, '../../fixtures/routes/express_dispatch_tables');
    const { file, text, own } = await projectFile('express_dispatch_tables', 'src/routes/books.js');
    const out = applyEdits(text, (await planInstrumentFile(text, file, own, ALL, OPTS)).edits);
    assert.match(out, /^  \{ path: '\/books', method: 'get', handler: observeRoute\('GET', '\/api\/books', books\.list\) \},$/m);
    assert.match(out, /handler: \[auth, observeRoute\('DELETE', '\/api\/books\/:id', books\.remove\)\] \},$/m);
    const files = Object.fromEntries(
      [
        'package.json',
        'src/index.js',
        'src/utils.js',
        'src/auth.js',
        'src/routes/index.js',
        'src/routes/auth.js',
        'src/routes/booksController.js',
      ].map((rel) => [rel, fs.readFileSync(path.join(project, rel), 'utf8')]),
    );
    const root = tempTree({ ...files, 'src/routes/books.js': out });
    const again = (await scanWorkspace(root, {})).routes.filter((r) => r.file === path.join(root, 'src/routes/books.js'));
    assert.equal(again.length, 2, 'the wrapped rows are still routes');
    assert.deepEqual((await planInstrumentFile(out, again[0]!.file, again, ALL, OPTS)).edits, []);
  });

  it('Hono use answering every method: observed just before its last function in both styles; a second run changes nothing', async () => {
    const { file, text, own } = await projectFile('hono_use_handlers', 'src/index.ts');
    assert.deepEqual(
      own.map((r) => `${r.methods.join()} ${r.fullPath}`),
      ['ALL /legacy/*', 'ALL /ping', 'ALL /status'],
    );
    const out = applyEdits(text, (await planInstrumentFile(text, file, own, ALL, OPTS)).edits);
    assert.match(out, /^app\.use\('\/ping', logger\(\), observeRoute\('ALL', '\/ping'\), async \(\) => new Response\('pong'\)\);$/m);
    assert.match(out, /^app\.use\('\/status', observeRoute\('ALL', '\/status'\), status\);$/m);
    await assertNothingMore(file, out);
    const inlineOpts = { ...OPTS, style: 'inline' as const };
    const inline = applyEdits(text, (await planInstrumentFile(text, file, own, ALL, inlineOpts)).edits);
    assert.match(inline, /httpRequestsTotal\.inc\(\{ method: c\.req\.method, route: '\/legacy\/\*'/);
    const again = (await alone([{ path: file, text: inline }])).filter((r) => r.file === file);
    assert.equal(again.length, 3);
    assert.deepEqual((await planInstrumentFile(inline, file, again, ALL, inlineOpts)).edits, []);
  });

  it('a router mounted under two prefixes: its registration is refused with the reason (one static label would count the requests of both under one)', async () => {
    const file = path.join(os.tmpdir(), 'tl-twice', 'app.js');
    const text = [
      "const express = require('express');",
      'const app = express();',
      'const reviews = express.Router({ mergeParams: true });',
      "reviews.get('/', (req, res) => res.json([]));",
      "app.use('/api/reviews', reviews);",
      "app.use('/api/tours/:id/reviews', reviews);",
      '',
    ].join('\n');
    const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
    assert.deepEqual(routes.map((r) => r.fullPath).sort(), ['/api/reviews', '/api/tours/:id/reviews']);
    const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
    assert.deepEqual(p.edits, []);
    assert.match(
      p.refused ?? '',
      /GET \/api\/reviews: its registration is served under 2 paths \(\/api\/reviews, \/api\/tours\/:id\/reviews/,
    );
    // the single-route plan (lightbulb, Code Lens) sees the file's other routes too
    const one = await planInstrumentRoute(text, file, routes[0]!, ALL, OPTS, routes);
    assert.deepEqual(one.edits, []);
    // the inline style has the same reason, and sends nobody to the wrapper style, which refuses it too
    const inline = await planInstrumentFile(text, file, routes, ALL, { ...OPTS, style: 'inline' });
    assert.deepEqual(inline.edits, []);
    assert.match(inline.refused ?? '', /GET \/api\/reviews: its registration is served under 2 paths/);
    assert.doesNotMatch(inline.refused ?? '', /wrapper style/);
  });

  it('a plugin registered under a known and an unknown prefix: refused too, the unknown mount shown as …/path', async () => {
    const file = path.join(os.tmpdir(), 'tl-twice-unknown', 'app.js');
    const text = [
      "const fastify = require('fastify')();",
      "const { strip } = require('./paths');",
      'async function social(app) {',
      "  app.get('/google', async () => []);",
      '}',
      "fastify.register(social, { prefix: '/api/v1' });",
      "fastify.register(social, { prefix: strip('/api/v1') });",
      '',
    ].join('\n');
    const routes = (await detectRoutes([{ path: file, text }])).filter((r) => r.file === file);
    assert.deepEqual(routes.map((r) => r.fullPath ?? r.fullPathReason).sort(), [
      '/api/v1/google',
      "prefix at app.js:7 is a function call: strip('/api/v1')",
    ]);
    const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
    assert.deepEqual(p.edits, []);
    assert.match(p.refused ?? '', /GET \/api\/v1\/google: its registration is served under 2 paths \(…\/google, \/api\/v1\/google:/);
  });

  it('a handler instrumented inline is already instrumented for the wrapper style too', async () => {
    for (const input of ['fastapi/app.expected.py', 'express/app.expected.ts', 'nestjs/users.controller.expected.ts']) {
      const file = path.join(FIXTURES, input);
      const text = fs.readFileSync(file, 'utf8');
      const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
      const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
      assert.deepEqual([p.edits, p.refused, p.newFiles], [[], undefined, undefined], input);
    }
  });

  it('the inline style stays available as an option', async () => {
    const { file, text, routes } = await registered('express/app.ts');
    const inline = await planInstrumentFile(
      text,
      file,
      routes.filter((r) => r.handlerFile === file),
      ALL,
      { ...OPTS, style: 'inline' },
    );
    assert.equal(inline.newFiles, undefined);
    assert.match(applyEdits(text, inline.edits), /httpRequestsTotal\.inc\(/);
  });
});

describe('Instrument Route refuses rather than write a wrong label or broken code', () => {
  it('a router mounted nowhere the analysis sees is refused with the reason, not labelled with its path as written', async () => {
    const root = tempDir('tl-unmounted-');
    const router = (name: string) =>
      `const express = require('express');\nconst router = express.Router();\nrouter.post('/register', (req, res) => res.send('${name}'));\nmodule.exports = router;\n`;
    const files = ['users.js', 'accounts.js'].map((f) => ({ path: path.join(root, f), text: router(f) }));
    const routes = await detectRoutes(files);
    assert.equal(routes.length, 2);
    for (const f of files) {
      const own = routes.filter((r) => r.file === f.path);
      const p = await planInstrumentFile(f.text, f.path, own, ALL, OPTS);
      assert.deepEqual(p.edits, [], 'two routers would share the label /register');
      assert.match(p.refused ?? '', /POST \/register: its prefix is not known \(`router` \(.*:2\) is never mounted\/registered/);
      // read alone (instrument --single-file), the path as written is the user's choice
      const alonePlan = await planInstrumentFile(f.text, f.path, own.map(asWritten), ALL, OPTS);
      assert.match(applyEdits(f.text, alonePlan.edits), /observeRoute\('POST', '\/register'/);
    }
  });

  it('a NestJS controller path that is an expression is refused; a global prefix set at run time labels the path below it', async () => {
    const ctrl = (cls: string, deco: string) =>
      `import { Controller, Get, Post } from '@nestjs/common';\nimport { PATHS } from './paths';\n@Controller(${deco})\n` +
      `export class ${cls} {\n  @Get()\n  list() { return []; }\n  @Post('/login')\n  login() { return {}; }\n}\n`;
    const root = tempTree({
      'package.json': '{"name":"svc","dependencies":{"@nestjs/core":"10"}}',
      'src/main.ts':
        "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nimport { appSetup } from './setup/app.setup';\n" +
        'async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  appSetup(app, process.env.GLOBAL_PREFIX);\n  await app.listen(3000);\n}\nbootstrap();\n',
      // the global prefix is set in a set-up module that only knows the platform's application type
      'src/setup/app.setup.ts':
        "import { NestExpressApplication } from '@nestjs/platform-express';\n" +
        'export function appSetup(app: NestExpressApplication, globalPrefix: string) {\n  app.setGlobalPrefix(globalPrefix);\n}\n',
      'src/paths.ts': 'export const PATHS = { auth: process.env.AUTH_PATH };\n',
      'src/auth.controller.ts': ctrl('AuthController', 'PATHS.auth'),
      'src/users.controller.ts': ctrl('UsersController', "'users'"),
    });
    const { routes } = await scanWorkspace(root, {});
    const plan = async (rel: string) => {
      const file = path.join(root, rel);
      const text = fs.readFileSync(file, 'utf8');
      return {
        text,
        p: await planInstrumentFile(
          text,
          file,
          routes.filter((r) => r.file === file),
          ALL,
          OPTS,
        ),
      };
    };
    const auth = await plan('src/auth.controller.ts');
    assert.deepEqual(auth.p.edits, [], "every controller's @Get() would share the label ''");
    assert.match(auth.p.refused ?? '', /its prefix is not known \(controller path is a .*PATHS\.auth\)/);
    const users = await plan('src/users.controller.ts');
    assert.equal(users.p.refused, undefined, users.p.refused);
    const out = applyEdits(users.text, users.p.edits);
    assert.match(out, /@ObserveRoute\('GET', '\/users'\)/);
    assert.match(out, /@ObserveRoute\('POST', '\/users\/login'\)/);
    // said, not silent: the labels lack the run-time prefix
    assert.match(
      users.p.note ?? '',
      /GET \/users, POST \/users\/login: labelled with the path below a prefix known only at run time \(global prefix is a variable: globalPrefix\); the lens matches these labels, and they lack that prefix/,
    );
    const listed = routes.find((r) => r.file.endsWith('users.controller.ts') && r.methods.includes('GET'))!;
    assert.deepEqual([listed.fullPath, listed.knownSuffix], [null, '/users'], 'the global prefix is unknown, the path below it is known');
  });

  it('routing-controllers controller methods: one @ObserveRoute(method, full path) under the route decorator, idempotent; the inline style refuses them with the reason', async () => {
    const root = path.resolve(__dirname, '../../fixtures/routes/routing_controllers/express');
    const { routes } = await scanWorkspace(root, {});
    const ctrl = path.join(root, 'controllers/UserController.ts');
    const text = fs.readFileSync(ctrl, 'utf8');
    const own = routes.filter((r) => r.file === ctrl);
    assert.equal(own.length, 4);
    const p = await planInstrumentFile(text, ctrl, own, ALL, OPTS);
    assert.equal(p.refused, undefined, p.refused);
    const out = applyEdits(text, p.edits);
    assert.match(out, /^import \{ ObserveRoute \} from '\.\.\/telemetryRoutes';$/m);
    assert.match(out, /\n {2}@Get\('\/:id'\)\n {2}@ObserveRoute\('GET', '\/api\/users\/:id'\)\n {2}getOne\(/);
    assert.match(out, /\n {2}@Post\(\)\n {2}@ObserveRoute\('POST', '\/api\/users'\)\n {2}create\(/);
    assert.match(out, /\n {2}@Method\('put', '\/:id'\)\n {2}@ObserveRoute\('PUT', '\/api\/users\/:id'\)\n {2}replace\(/);
    const again = await planInstrumentFile(out, ctrl, own, ALL, OPTS);
    assert.deepEqual(again.edits, [], 'a decorated method offers nothing on a second run');
    const inline = await planInstrumentFile(text, ctrl, own, ALL, { ...OPTS, style: 'inline' });
    assert.deepEqual(inline.edits, []);
    assert.match(inline.refused ?? '', /POST \/api\/users: routing-controllers controller methods are observed by the wrapper style only/);
    const app = path.join(root, 'app.ts');
    const appText = fs.readFileSync(app, 'utf8');
    const a = await planInstrumentFile(
      appText,
      app,
      routes.filter((r) => r.file === app),
      ALL,
      OPTS,
    );
    assert.match(applyEdits(appText, a.edits), /app\.get\('\/health', observeRoute\('GET', '\/health', /);
  });

  it('inversify-express-utils controller methods: one @ObserveRoute(method, full path) under the route decorator, idempotent; the inline style refuses them with the reason', async () => {
    const { file, text, own } = await projectFile('inversify_express', 'src/controllers/OrderController.ts');
    assert.equal(own.length, 8);
    const p = await planInstrumentFile(text, file, own, ALL, OPTS);
    assert.equal(p.refused, undefined, p.refused);
    const out = applyEdits(text, p.edits);
    assert.match(out, /^import \{ ObserveRoute \} from '\.\.\/telemetryRoutes';$/m);
    assert.match(
      out,
      /\n {2}@get\('\/:orderId', TYPES\.Audited\)\n {2}@ObserveRoute\('GET', '\/api\/v2\/orders\/:orderId'\)\n {2}public one\(/,
    );
    assert.match(out, /\n {2}@all\('\/:orderId\/events'\)\n {2}@ObserveRoute\('ALL', '\/api\/v2\/orders\/:orderId\/events'\)\n/);
    assert.match(
      out,
      /\n {2}@httpMethod\('options', '\/:orderId\/lines'\)\n {2}@ObserveRoute\('OPTIONS', '\/api\/v2\/orders\/:orderId\/lines'\)\n/,
    );
    assert.equal((out.match(/@ObserveRoute\(/g) ?? []).length, 8, 'one per route, none on the undecorated method');
    const again = await planInstrumentFile(out, file, own, ALL, OPTS);
    assert.deepEqual(again.edits, [], 'a decorated method offers nothing on a second run');
    const inline = await planInstrumentFile(text, file, own, ALL, { ...OPTS, style: 'inline' });
    assert.deepEqual(inline.edits, []);
    assert.match(
      inline.refused ?? '',
      /POST \/api\/v2\/orders: inversify-express-utils controller methods are observed by the wrapper style only/,
    );
  });

  it('a helper module written before routing-controllers support is not overwritten: its controller methods are refused with the reason', async () => {
    const dir = tempDir('tl-rc-old-');
    const file = path.join(dir, 'UserController.ts');
    const text = [
      "import { Get, JsonController } from 'routing-controllers';",
      '',
      "@JsonController('/users')",
      'export class UserController {',
      "  @Get('/')",
      '  all() {',
      '    return [];',
      '  }',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(
      path.join(dir, 'telemetryRoutes.ts'),
      'export function ObserveRoute(method: string, route: string): MethodDecorator {\n  return () => {};\n}\n',
    );
    try {
      const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
      assert.equal(routes.length, 1);
      const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
      assert.deepEqual(p.edits, []);
      assert.match(p.refused ?? '', /telemetryRoutes module predates routing-controllers support and is never overwritten: delete it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path that is source text (an imported constant), not a template, is refused in both styles', async () => {
    const file = path.join(os.tmpdir(), 'tl-source-path', 'routes.js');
    const text = [
      "const express = require('express');",
      "const { AUTH } = require('./config');",
      'const router = express.Router();',
      "router.post(AUTH.SIGNIN, (req, res) => res.send('ok'));",
      'module.exports = router;',
      '',
    ].join('\n');
    const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
    assert.equal(routes.length, 1);
    for (const style of ['wrapper', 'inline'] as const) {
      const p = await planInstrumentFile(text, file, routes, ALL, { ...OPTS, style });
      assert.deepEqual(p.edits, [], style);
      assert.match(p.refused ?? '', /not known statically/, style);
    }
  });

  it('a Flask-RESTful resource is wrapped where it is added, once per call, with the label of each of its URLs', async () => {
    const file = path.join(os.tmpdir(), 'tl-restful', 'app.py');
    const text = [
      'from flask import Flask',
      'from flask_restful import Api, Resource',
      '',
      'app = Flask(__name__)',
      'api = Api(app)',
      '',
      '',
      'class Books(Resource):',
      '    def get(self, id=None):',
      '        return []',
      '',
      '    @auth_required',
      '    def post(self):',
      '        return {}, 201',
      '',
      '',
      "api.add_resource(Books, '/api/v1/books', '/api/v1/books/<int:id>')",
      '',
    ].join('\n');
    const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
    assert.equal(routes.length, 4, JSON.stringify(routes.map((r) => r.fullPath)));
    const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
    assert.doesNotMatch(p.summary, /skipped/);
    assert.match(p.summary, /^instrument 4 handlers one line each/);
    const out = applyEdits(text, p.edits);
    assert.equal(out.split('\n').length, text.split('\n').length + 1, 'the import is the only new line');
    assert.match(out, /^from telemetry_routes import observe_resource$/m);
    assert.match(
      out,
      /^api\.add_resource\(observe_resource\(Books, "\/api\/v1\/books", "\/api\/v1\/books\/<int:id>"\), '\/api\/v1\/books', '\/api\/v1\/books\/<int:id>'\)$/m,
    );
    assert.doesNotMatch(out, /@observe_route/, 'the class is not touched');
    await assertNothingMore(file, out);
    // one route instrumented alone (the CodeLens, `--route`): the same line, with the label of the call's other URL too
    const one = routes.find((r) => r.path === '/api/v1/books/<int:id>' && r.methods[0] === 'POST')!;
    assert.equal(applyEdits(text, (await planInstrumentRoute(text, file, one, ALL, OPTS)).edits), out);
  });

  it('a helper module written before observe_resource is not overwritten: the resources are refused with the reason', async () => {
    const dir = tempDir('tl-restful-old-');
    const file = path.join(dir, 'app.py');
    const text = [
      'from flask import Flask',
      'from flask_restful import Api',
      'from views import Books',
      '',
      'app = Flask(__name__)',
      'api = Api(app)',
      "api.add_resource(Books, '/books')",
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    fs.writeFileSync(
      path.join(dir, 'telemetry_routes.py'),
      'def observe_route(method, route, status_code=200):\n    return lambda fn: fn\n',
    );
    try {
      const views = {
        path: path.join(dir, 'views.py'),
        text: 'from flask_restful import Resource\n\n\nclass Books(Resource):\n    def get(self):\n        return []\n',
      };
      const routes = (await alone([{ path: file, text }, views])).filter((r) => r.file === file);
      assert.equal(routes.length, 1);
      const p = await planInstrumentFile(text, file, routes, ALL, OPTS);
      assert.deepEqual(p.edits, []);
      assert.match(p.refused ?? '', /telemetry_routes\.py predates observe_resource and is never overwritten: delete it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a resource whose route is on the class (flask-restx @ns.route): each HTTP method is observed, outermost', async () => {
    const file = path.join(os.tmpdir(), 'tl-restx', 'app.py');
    const text = [
      'from flask import Flask',
      'from flask_restx import Api, Resource',
      '',
      'app = Flask(__name__)',
      'api = Api(app)',
      '',
      '',
      "@api.route('/todos/<int:id>')",
      'class Todo(Resource):',
      '    def get(self, id):',
      '        return {}',
      '',
      '    @auth_required',
      '    def delete(self, id):',
      "        return '', 204",
      '',
    ].join('\n');
    const routes = (await alone([{ path: file, text }])).filter((r) => r.file === file);
    const out = applyEdits(text, (await planInstrumentFile(text, file, routes, ALL, OPTS)).edits);
    assert.match(out, /^ {4}@observe_route\("GET", "\/todos\/<int:id>"\)\n {4}def get\(self, id\):$/m);
    assert.match(out, /^ {4}@observe_route\("DELETE", "\/todos\/<int:id>"\)\n {4}@auth_required\n {4}def delete\(self, id\):$/m);
    await assertNothingMore(file, out);
  });
});

describe('Instrument Route leaves alone what is not traffic, or already observed in the other style', () => {
  const tmp = () => tempDir('tl-leave-');
  const plan = async (file: string, text: string, style: 'wrapper' | 'inline') =>
    planInstrumentFile(
      text,
      file,
      (await alone([{ path: file, text }])).filter((r) => r.file === file),
      ALL,
      { ...OPTS, style },
    );
  const flask =
    'from prometheus_client import CONTENT_TYPE_LATEST, generate_latest\nfrom flask import Flask\napp = Flask(__name__)\n\n\n@app.route("/metrics")\ndef prometheus_metrics():\n    return generate_latest(), 200, {"Content-Type": CONTENT_TYPE_LATEST}\n\n@app.route("/users")\ndef users():\n    return "x"\n';
  const express =
    "const express = require('express');\nconst { register } = require('prom-client');\nconst app = express();\napp.get('/metrics', async (_req, res) => {\n  res.set('Content-Type', register.contentType);\n  res.end(await register.metrics());\n});\napp.get('/users', (req, res) => res.send('x'));\n";

  // the registry behind the service's own object (`metrics.metrics()`), at /metrics
  const fastify =
    "import fastify from 'fastify';\nimport { metrics } from './metrics';\nconst app = fastify();\napp.get('/metrics', async (_request, reply) => {\n  reply.type('text/plain').send(await metrics.metrics());\n});\napp.get('/users', async () => 'x');\n";

  for (const [name, text] of [
    ['app.py', flask],
    ['app.js', express],
    ['server.ts', fastify],
  ] as const) {
    it(`${name}: the Prometheus scrape endpoint is never observed (every scrape would count as traffic), in both styles`, async () => {
      const file = path.join(tmp(), name);
      for (const style of ['wrapper', 'inline'] as const) {
        const p = await plan(file, text, style);
        assert.match(p.summary, /GET \/users/);
        // said, never silently
        assert.match(p.summary, /left alone: GET \/metrics: serves the Prometheus metrics/);
        assert.doesNotMatch(
          applyEdits(text, p.edits),
          /observe_?[Rr]oute\(["']GET["'], ["']\/metrics|start_?[Aa]ctive_?[Ss]pan\(["']GET \/metrics/,
        );
      }
      const only = (await alone([{ path: file, text }])).filter((r) => r.path === '/metrics');
      const refused = await planInstrumentFile(text, file, only, ALL, OPTS);
      assert.deepEqual(refused.edits, []);
      assert.match(refused.refused ?? '', /GET \/metrics: serves the Prometheus metrics/);
    });

    it(`${name}: the inline style leaves a handler the wrapper style observes as it is (never both)`, async () => {
      const file = path.join(tmp(), name);
      const users = (await alone([{ path: file, text }])).filter((r) => r.path === '/users');
      const wrapped = applyEdits(text, (await planInstrumentFile(text, file, users, ALL, OPTS)).edits);
      const inline = await plan(file, wrapped, 'inline');
      assert.deepEqual(inline.edits, []);
      assert.match(inline.summary, /already instrumented/);
    });
  }
});
