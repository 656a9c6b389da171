/**
 * The wrapper style on route tables registered by a loop calling `router[row.method](row.path, row.controller)`,
 * instrumented by the CLI and then run by node: a Koa service in ES modules (tables joined by `[].concat(…)`, a
 * shorthand `{ controller }` row, a row whose controller is a method) and an Express service in CommonJS (tables in
 * their own modules spread into one, a row with middleware before its controller, a row whose controller is a spread,
 * refused with the reason). Each row's controller is wrapped in place with its full path, the helper imported once in
 * the module style of the table's file; a second run changes nothing; the controller module, which only defines the
 * handlers, says which file registers them. Each app answers as the original does, every request counted under its
 * row's route and status. A typed TypeScript table type-checks once wrapped (contextual types kept).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { main } from '../../../src/cli/main';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { detectRoutes } from '../../../src/core/routes/detector';
import { asWritten } from '../../../src/core/routes/route';
import { FIXTURES, OPTS } from '../../support/instrument/helpers';
import { scratchDir } from '../../support/instrument/pyenv';

async function cli(cwd: string, ...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd });
  return { code, out: lines.join('\n') };
}

/** The fixture folder (without its goldens) copied as `original/` and `instrumented/` under a fresh scratch directory. */
function copies(name: string, fixture: string): { original: string; instrumented: string } {
  const base = scratchDir(name);
  const [original, instrumented] = ['original', 'instrumented'].map((d) => path.join(base, d)) as [string, string];
  for (const d of [original, instrumented]) {
    fs.cpSync(path.join(FIXTURES, fixture), d, { recursive: true, filter: (f) => !/\.(expected|wrapped)\./.test(f) });
  }
  return { original, instrumented };
}

/** Runs the folder's app (`app.js`: a Koa app or an Express listener) under node, sends the requests, returns the
 *  answers and the default registry's exposition. */
function probe(dir: string, asks: [string, string, Record<string, string>?][]): { answers: string[]; metrics: string } {
  const script = `
import http from 'node:http';
import promClient from 'prom-client';
import app from './app.js';
const listener = typeof app.callback === 'function' ? app.callback() : app;
const server = http.createServer(listener).listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const answers = [];
  for (const [method, url, headers] of ${JSON.stringify(asks)}) {
    const r = await fetch(base + url, { method, headers });
    answers.push(method + ' ' + url + ' ' + r.status + ' ' + (await r.text()));
  }
  server.close();
  console.log(JSON.stringify({ answers, metrics: await promClient.register.metrics() }));
});
`;
  fs.writeFileSync(path.join(dir, 'probe.mjs'), script);
  const r = spawnSync(process.execPath, ['probe.mjs'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { answers: string[]; metrics: string };
}

const count = (metrics: string, m: string, route: string, status: number) =>
  new RegExp(`^http_requests_total\\{method="${m}",route="${route.replace(/[/:]/g, '\\$&')}",status="${status}"\\} (\\d+)$`, 'm').exec(
    metrics,
  )?.[1];

describe('wrapper style on route tables, run for real', () => {
  it(
    'Koa (ES modules): every row wrapped in place, answers as before, each row counted under its route',
    { timeout: 120_000 },
    async () => {
      const { original, instrumented } = copies('route-table-koa', 'koa-route-table');
      const first = await cli(instrumented, 'instrument', 'routes.js', '--all');
      assert.equal(first.code, 0, first.out);
      assert.match(first.out, /instrument 5 handlers one line each, new telemetryRoutes\.js/);
      const text = fs.readFileSync(path.join(instrumented, 'routes.js'), 'utf8');
      assert.match(text, /^import \{ observeRoute \} from '\.\/telemetryRoutes\.js';$/m);
      assert.match(text, /^ {4}controller: observeRoute\('GET', '\/api\/v1\/users\/:id', getUser\),$/m);
      assert.match(
        text,
        /^ {2}\{ method: 'get', path: '\/health', controller: observeRoute\('GET', '\/api\/v1\/health', controller\) \},$/m,
      );
      assert.match(text, /^ {4}controller: observeRoute\('DELETE', '\/api\/v1\/cache', async function controller\(ctx\) \{$/m);
      for (const f of ['app.js', 'router.js', 'users.js'])
        assert.equal(fs.readFileSync(path.join(instrumented, f), 'utf8'), fs.readFileSync(path.join(original, f), 'utf8'), f);
      // a second run changes nothing
      const again = await cli(instrumented, 'instrument', 'routes.js', '--all');
      assert.match(again.out, /nothing to change: already instrumented/);
      assert.equal(fs.readFileSync(path.join(instrumented, 'routes.js'), 'utf8'), text);
      // the controller module: where its handlers are registered
      const ctrl = await cli(instrumented, 'instrument', 'users.js', '--all');
      assert.equal(ctrl.code, 1);
      assert.match(
        ctrl.out,
        /no route is registered in users\.js: its handlers \(3 routes\) are registered in routes\.js; instrument that file/,
      );
      const asks: [string, string][] = [
        ['GET', '/api/v1/users'],
        ['GET', '/api/v1/users/1'],
        ['GET', '/api/v1/users/9'],
        ['POST', '/api/v1/users'],
        ['GET', '/api/v1/health'],
        ['DELETE', '/api/v1/cache'],
      ];
      const before = probe(original, asks);
      const after = probe(instrumented, asks);
      assert.deepEqual(after.answers, before.answers);
      assert.doesNotMatch(before.metrics, /http_requests_total/);
      const m = after.metrics;
      assert.equal(count(m, 'GET', '/api/v1/users', 200), '1');
      assert.equal(count(m, 'GET', '/api/v1/users/:id', 200), '1');
      assert.equal(count(m, 'GET', '/api/v1/users/:id', 404), '1');
      assert.equal(count(m, 'POST', '/api/v1/users', 201), '1');
      assert.equal(count(m, 'GET', '/api/v1/health', 200), '1', 'the shorthand row');
      assert.equal(count(m, 'DELETE', '/api/v1/cache', 204), '1', 'the method row');
    },
  );

  it(
    'Express (CommonJS): tables spread into one; a spread controller refused with the reason; answers as before',
    { timeout: 120_000 },
    async () => {
      const { original, instrumented } = copies('route-table-express', 'express-route-table');
      const books = await cli(instrumented, 'instrument', 'books.routes.js', '--all');
      assert.equal(books.code, 0, books.out);
      assert.match(books.out, /instrument 3 handlers one line each, new telemetryRoutes\.js/);
      const admin = await cli(instrumented, 'instrument', 'admin.routes.js', '--all');
      assert.equal(admin.code, 0, admin.out);
      assert.match(
        admin.out,
        /skipped: GET \/api\/admin\/audit: the `controller` of its row is a list ending in a spread \(`\.\.\.auditChain`\), no handler expression to wrap in place: wrap it by hand/,
      );
      const text = fs.readFileSync(path.join(instrumented, 'books.routes.js'), 'utf8');
      assert.match(text, /^const \{ observeRoute \} = require\('\.\/telemetryRoutes'\);$/m);
      assert.match(text, /controller: \[requireAuth, observeRoute\('POST', '\/api\/books', books\.create\)\] \},$/m);
      assert.match(
        fs.readFileSync(path.join(instrumented, 'admin.routes.js'), 'utf8'),
        /\{ method: 'get', path: '\/admin\/stats', controller: observeRoute\('GET', '\/api\/admin\/stats', controller\) \},/,
      );
      for (const f of ['books.routes.js', 'admin.routes.js']) {
        const out = fs.readFileSync(path.join(instrumented, f), 'utf8');
        assert.match((await cli(instrumented, 'instrument', f, '--all')).out, /nothing to change: already instrumented/);
        assert.equal(fs.readFileSync(path.join(instrumented, f), 'utf8'), out);
      }
      const ctrl = await cli(instrumented, 'instrument', 'books.js', '--all');
      assert.match(ctrl.out, /no route is registered in books\.js: its handlers \(3 routes\) are registered in books\.routes\.js/);
      const token = { 'x-token': 'secret' };
      const asks: [string, string, Record<string, string>?][] = [
        ['GET', '/api/books'],
        ['GET', '/api/books/1'],
        ['GET', '/api/books/9'],
        ['POST', '/api/books'],
        ['POST', '/api/books', token],
        ['GET', '/api/admin/stats'],
        ['GET', '/api/admin/audit', token],
      ];
      const before = probe(original, asks);
      const after = probe(instrumented, asks);
      assert.deepEqual(after.answers, before.answers);
      const m = after.metrics;
      assert.equal(count(m, 'GET', '/api/books', 200), '1');
      assert.equal(count(m, 'GET', '/api/books/:id', 200), '1');
      assert.equal(count(m, 'GET', '/api/books/:id', 404), '1');
      assert.equal(count(m, 'POST', '/api/books', 201), '1', 'the middleware before it answered 401 without calling it');
      assert.equal(count(m, 'POST', '/api/books', 401), undefined);
      assert.equal(count(m, 'GET', '/api/admin/stats', 200), '1');
      assert.doesNotMatch(m, /route="\/api\/admin\/audit"/, 'the refused row is left alone');
    },
  );

  it('a typed TypeScript table type-checks once wrapped: contextual types of inline handlers kept', { timeout: 120_000 }, async () => {
    const dir = scratchDir('route-table-ts');
    const file = path.join(dir, 'routes.ts');
    fs.writeFileSync(path.join(dir, 'package.json'), '{}'); // the project root: the helper goes beside the table
    const text = [
      "import Router from '@koa/router';",
      "import type { Context, Middleware } from 'koa';",
      '',
      "interface Row { method: 'get' | 'post' | 'delete'; path: string; controller: Middleware }",
      '',
      'async function controller(ctx: Context): Promise<void> {',
      "  ctx.body = 'ok';",
      '}',
      '',
      'const rows: Row[] = [',
      "  { method: 'get', path: '/a', controller: async (ctx) => { ctx.body = ctx.path; } },",
      "  { method: 'get', path: '/b', controller },",
      "  { method: 'delete', path: '/c', async controller(ctx) { ctx.status = 204; } },",
      '];',
      '',
      'const router = new Router();',
      'for (const { method, path, controller } of rows) router[method](path, controller);',
      '',
      'export default router;',
      '',
    ].join('\n');
    // the file alone, as `instrument --single-file` reads it: paths as written
    const routes = (await detectRoutes([{ path: file, text }])).filter((r) => r.file === file).map(asWritten);
    assert.equal(routes.length, 3);
    const plan = await planInstrumentFile(text, file, routes, ['counter', 'histogram', 'span'], { ...OPTS, style: 'wrapper' });
    assert.match(plan.summary, /instrument 3 handlers one line each/);
    const out = applyEdits(text, plan.edits);
    assert.match(out, /^import \{ observeRoute \} from '\.\/telemetryRoutes';$/m);
    fs.writeFileSync(file, out);
    const helper = path.join(dir, 'telemetryRoutes.ts');
    fs.writeFileSync(helper, plan.newFiles![0]!.content);
    // negative control: the handler's context is Koa's (resolved, not `any`), so a wrong status does not type-check
    const control = path.join(dir, 'control.ts');
    fs.writeFileSync(
      control,
      "import type { Middleware } from 'koa';\nimport { observeRoute } from './telemetryRoutes';\n" +
        "export const m: Middleware = observeRoute('GET', '/x', async (ctx) => { ctx.status = 'x'; });\n",
    );
    const program = ts.createProgram([file, helper, control], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      noUnusedLocals: true,
    });
    const diags = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${path.basename(d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    assert.equal(diags.filter((d) => d.startsWith('control.ts')).length, 1, diags.join('\n'));
    assert.deepEqual(
      diags.filter((d) => !d.startsWith('control.ts')),
      [],
    );
  });
});
