/**
 * The wrapper style on routes a project function registers with the path and handler each call passes
 * (`reg(app, '/a', (req, res) => …)`, `view(app, "/hello", hello)`, `self.register(Books, "/books")`), instrumented by
 * the CLI: each call's handler argument is wrapped with that call's label, the function itself untouched. Real
 * Express and Koa (npm) and Debian's Flask / Flask-RESTful (/usr/bin/python3): the original app and the instrumented one answer
 * every request identically, and every call's requests are counted under its own route (not the first call's), the
 * handler the function writes itself being left alone with the reason.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Koa from 'koa';
import { register } from 'prom-client';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../../support/instrument/helpers';
import { pyCompile, runPython, scratchDir, writeOtelStub } from '../../support/instrument/pyenv';

async function cli(cwd: string, ...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd });
  return { code, out: lines.join('\n') };
}

/** The fixture copied twice (original, wrapped: a project root marker in it). */
function copies(name: string, fixture: string, marker: string): [string, string] {
  const base = scratchDir(name);
  const dirs = ['original', 'wrapped'].map((d) => path.join(base, d)) as [string, string];
  for (const d of dirs) {
    fs.mkdirSync(d);
    for (const f of fs.readdirSync(path.join(FIXTURES, fixture))) fs.copyFileSync(path.join(FIXTURES, fixture, f), path.join(d, f));
  }
  fs.writeFileSync(path.join(dirs[1], marker), marker.endsWith('.json') ? '{}' : '');
  return dirs;
}

async function listen(app: http.RequestListener): Promise<{ ask: (m: string, p: string) => Promise<string>; close: () => Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    ask: async (method, p) => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`, { method });
      return `${r.status} ${await r.text()}`;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('wrapper style at the calls of a project helper: Express', () => {
  let original = '';
  let wrapped = '';
  let first = '';
  before(async () => {
    process.env.NODE_ENV = 'test';
    [original, wrapped] = copies('helper-calls-express', 'express-helper-calls', 'package.json');
    const r = await cli(wrapped, 'instrument', 'app.js', '--all');
    assert.equal(r.code, 0, r.out);
    first = r.out;
  });
  after(() => register.resetMetrics());

  it('each call wrapped with its own label, the helper untouched, the shared handler refused; a second run changes nothing', async () => {
    assert.match(first, /instrument 4 handlers one line each, new telemetryRoutes\.js/);
    assert.match(
      first,
      /skipped: POST \/books: it is registered by `crud` \(lib\.js:16\)[^;]*one label; POST \/authors: it is registered by `crud`/,
    );
    const app = fs.readFileSync(path.join(wrapped, 'app.js'), 'utf8');
    assert.match(app, /^reg\(app, '\/a', observeRoute\('GET', '\/a', \(req, res\) => res\.send\('a'\)\)\);$/m);
    assert.match(app, /^reg\(app, '\/users\/:id', observeRoute\('GET', '\/users\/:id', getUser\)\);$/m);
    assert.match(app, /^readWrite\(app, '\/settings', observeRoute\('GET\|PUT', '\/settings', /m);
    assert.equal(fs.readFileSync(path.join(wrapped, 'lib.js'), 'utf8'), fs.readFileSync(path.join(original, 'lib.js'), 'utf8'));
    const again = await cli(wrapped, 'instrument', 'app.js', '--all');
    assert.match(again.out, /already instrumented/);
    assert.equal(fs.readFileSync(path.join(wrapped, 'app.js'), 'utf8'), app);
  });

  it('answers as before; every call counted under its own route and status', async () => {
    register.resetMetrics();
    const load = async (d: string) => ((await import(path.join(d, 'app.js'))) as { default: http.RequestListener }).default;
    const a = await listen(await load(original));
    const b = await listen(await load(wrapped));
    try {
      for (const [m, p] of [
        ['GET', '/a'],
        ['GET', '/users/1'],
        ['GET', '/users/9'],
        ['GET', '/settings'],
        ['PUT', '/settings'],
        ['POST', '/books'],
        ['POST', '/authors'],
      ] as const)
        assert.equal(await b.ask(m, p), await a.ask(m, p), `${m} ${p}`);
    } finally {
      await a.close();
      await b.close();
    }
    const metrics = await register.metrics();
    const count = (m: string, route: string, status: number) =>
      new RegExp(`^http_requests_total\\{method="${m}",route="${route}",status="${status}"\\} (\\d+)$`, 'm').exec(metrics)?.[1];
    assert.equal(count('GET', '/a', 200), '1');
    assert.equal(count('GET', '/users/:id', 200), '1');
    assert.equal(count('GET', '/users/:id', 404), '1');
    assert.equal(count('GET', '/settings', 200), '1');
    assert.equal(count('PUT', '/settings', 204), '1', 'the method of the request, one wrapper serving both');
    assert.doesNotMatch(metrics, /route="\/(books|authors)"/, 'the handler the helper writes is left alone');
  });
});

describe('wrapper style at the calls of a project helper: Koa', () => {
  it('the handler wrapped in the call (no middleware argument added); answers as before; counted per call', async () => {
    const [original, wrapped] = copies('helper-calls-koa', 'koa-helper-calls', 'package.json');
    const r = await cli(wrapped, 'instrument', 'app.js', '--all');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /instrument 2 handlers one line each/);
    const text = fs.readFileSync(path.join(wrapped, 'app.js'), 'utf8');
    assert.match(text, /^reg\(router, '\/ping', observeRoute\('GET', '\/ping', async \(ctx\) => \{$/m);
    register.resetMetrics();
    const load = async (d: string) => ((await import(path.join(d, 'app.js'))) as { default: Koa }).default.callback();
    const a = await listen(await load(original));
    const b = await listen(await load(wrapped));
    try {
      for (const p of ['/users/1', '/users/9', '/ping']) assert.equal(await b.ask('GET', p), await a.ask('GET', p), p);
    } finally {
      await a.close();
      await b.close();
    }
    const metrics = await register.metrics();
    assert.match(metrics, /^http_requests_total\{method="GET",route="\/users\/:id",status="200"\} 1$/m);
    assert.match(metrics, /^http_requests_total\{method="GET",route="\/users\/:id",status="404"\} 1$/m);
    assert.match(metrics, /^http_requests_total\{method="GET",route="\/ping",status="200"\} 1$/m);
  });
});

describe('wrapper style at the calls of a project helper: Flask views and Flask-RESTful resources', () => {
  let original = '';
  let wrapped = '';
  const out: string[] = [];
  before(async () => {
    [original, wrapped] = copies('helper-calls-flask', 'flask-helper-calls', 'pyproject.toml');
    for (const f of ['app.py', 'helpers.py']) {
      const r = await cli(wrapped, 'instrument', f, '--all');
      assert.equal(r.code, 0, r.out);
      out.push(r.out);
    }
    writeOtelStub(wrapped);
  });

  const PROBE = [
    'import json',
    'from app import app',
    'c = app.test_client()',
    'asks = [("GET", "/hello"), ("GET", "/users/1"), ("GET", "/users/9"), ("GET", "/api/books"), ("POST", "/api/volumes"),',
    '        ("GET", "/api/volumes")]',
    'res = [[m, u, r.status_code, r.get_data(as_text=True)] for m, u in asks for r in [c.open(u, method=m)]]',
    'print("ANSWERS " + json.dumps({"res": res, "endpoints": sorted(r.endpoint for r in app.url_map.iter_rules())}))',
  ].join('\n');

  it('the call arguments wrapped with each call label; valid Python', () => {
    assert.match(out[0]!, /instrument 2 handlers one line each/);
    assert.match(out[1]!, /instrument 4 handlers one line each/);
    const app = fs.readFileSync(path.join(wrapped, 'app.py'), 'utf8');
    assert.match(app, /^view\(app, "\/hello", observe_route\("GET", "\/hello"\)\(hello\)\)$/m);
    assert.match(app, /^view\(app, "\/users\/<int:user_id>", fn=observe_route\("GET", "\/users\/<int:user_id>"\)\(user\)\)$/m);
    const helpers = fs.readFileSync(path.join(wrapped, 'helpers.py'), 'utf8');
    assert.match(helpers, /self\.register\(observe_resource\(Books, "\/api\/books"\), "\/books"\)/);
    assert.match(helpers, /^ {12}observe_resource\(Books, "\/api\/volumes"\),$/m);
    for (const f of ['app.py', 'helpers.py', 'telemetry_routes.py']) assert.ok(pyCompile(path.join(wrapped, f)).ok, f);
  });

  it('answers as before with the same endpoints; each call counted under its own route', () => {
    const a = runPython(PROBE, original);
    const b = runPython([PROBE, 'from prometheus_client import generate_latest', 'print(generate_latest().decode())'].join('\n'), wrapped);
    assert.equal(a.status, 0, a.out);
    assert.equal(b.status, 0, b.out);
    const answers = (s: string) => /^ANSWERS (.*)$/m.exec(s)?.[1];
    assert.ok(answers(a.out)?.includes('/api/volumes'), a.out);
    assert.equal(answers(b.out), answers(a.out));
    const count = (m: string, route: string, status: number) =>
      new RegExp(`^http_requests_total\\{method="${m}",route="${route}",status="${status}"\\} (\\d+)\\.0$`, 'm').exec(b.out)?.[1];
    assert.equal(count('GET', '/hello', 200), '1');
    assert.equal(count('GET', '/users/<int:user_id>', 200), '1');
    assert.equal(count('GET', '/users/<int:user_id>', 404), '1');
    assert.equal(count('GET', '/api/books', 200), '1');
    assert.equal(count('POST', '/api/volumes', 201), '1', 'the second call of one class keeps its own label');
    assert.equal(count('GET', '/api/volumes', 200), '1');
  });
});
