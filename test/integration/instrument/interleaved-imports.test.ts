/**
 * Modules whose imports are interleaved with registrations, instrumented by the CLI and then imported for real: a
 * Python `import` and a CommonJS `require()` run where they are written, so the lines the edits rely on (the wrapper
 * style's helper import, the inline style's metrics and the imports they use) must come above the first line using
 * them, or importing the module fails (NameError, ReferenceError) although it still compiles. Debian's Flask and
 * Flask-RESTful (/usr/bin/python3): a blueprint package importing each resource module right above the lines adding
 * it, and a Flask app importing its own prometheus_client Counter below its routes; Express (CommonJS) run by node:
 * requires between registrations, and prom-client required below the routes. Each app answers as the original does
 * and /metrics counts each route.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main';
import { FIXTURES } from '../../support/instrument/helpers';
import { pyCompile, runPython, scratchDir, writeOtelStub } from '../../support/instrument/pyenv';

async function cli(cwd: string, ...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd });
  return { code, out: lines.join('\n') };
}

/** The fixture folder copied as `original/` and `instrumented/` under a fresh scratch directory. */
function copies(name: string, fixture: string, marker: [string, string]): { original: string; instrumented: string } {
  const base = scratchDir(name);
  const [original, instrumented] = ['original', 'instrumented'].map((d) => path.join(base, d)) as [string, string];
  for (const d of [original, instrumented]) {
    fs.cpSync(path.join(FIXTURES, fixture), d, { recursive: true });
    fs.writeFileSync(path.join(d, marker[0]), marker[1]); // the project root
  }
  return { original, instrumented };
}

/** Imports `module`'s app, sends the requests, prints the answers and the registry's exposition. */
const pyProbe = (module: string, asks: [string, string][]) =>
  [
    'import json',
    `from ${module} import app`,
    'out = []',
    `for method, url in ${JSON.stringify(asks)}:`,
    '    r = app.test_client().open(url, method=method)',
    '    out.append([method, url, r.status_code, r.get_json()])',
    'print("ANSWERS " + json.dumps(out))',
    'from prometheus_client import generate_latest',
    'print(generate_latest().decode())',
  ].join('\n');

const NODE_PROBE = `
const http = require('node:http');
const { register } = require('prom-client');
const app = require('./app.js');
const server = http.createServer(app).listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const out = [];
  for (const [method, url] of [['GET', '/users'], ['GET', '/users/1'], ['GET', '/users/9'], ['GET', '/health'], ['POST', '/orders']]) {
    const r = await fetch(base + url, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"items":[1]}' : undefined });
    out.push([method, url, r.status, await r.json()]);
  }
  console.log('ANSWERS ' + JSON.stringify(out));
  console.log(await register.metrics());
  server.close();
});
`;

function runNode(cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-e', NODE_PROBE], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const answers = (out: string) => /^ANSWERS (.*)$/m.exec(out)?.[1];
const count = (out: string, method: string, route: string, status: number) =>
  new RegExp(`^http_requests_total\\{method="${method}",route="${route}",status="${status}"\\} (\\d+)(?:\\.0)?$`, 'm').exec(out)?.[1];

describe('Python: imports interleaved with registrations, and an import below the routes', () => {
  let original = '';
  let instrumented = '';
  let wrapperRun = '';
  before(async () => {
    ({ original, instrumented } = copies('interleaved-py', 'interleaved-py', ['pyproject.toml', '']));
    writeOtelStub(instrumented);
    const w = await cli(instrumented, 'instrument', 'api/__init__.py', '--all');
    assert.equal(w.code, 0, w.out);
    wrapperRun = w.out;
    const i = await cli(instrumented, 'instrument', 'shop.py', '--all', '--style', 'inline');
    assert.equal(i.code, 0, i.out);
  });

  it('the helper is imported above the first registration, below the docstring and the __future__ import', () => {
    assert.match(wrapperRun, /instrument 4 handlers one line each/);
    const text = fs.readFileSync(path.join(instrumented, 'api', '__init__.py'), 'utf8');
    const imp = text.indexOf('from .telemetry_routes import observe_resource, observe_route\n');
    assert.ok(imp > text.indexOf('from __future__ import annotations'), text);
    assert.ok(imp < text.indexOf('api.add_resource(observe_resource(UserList'), text);
    for (const f of ['api/__init__.py', 'shop.py', 'api/telemetry_routes.py']) {
      const c = pyCompile(path.join(instrumented, f));
      assert.ok(c.ok, c.output);
    }
  });

  /** The probe run on the original and the instrumented copy: both import and answer alike; the instrumented output. */
  function sameAnswers(module: string, asks: [string, string][]): string {
    const a = runPython(pyProbe(module, asks), original);
    const b = runPython(pyProbe(module, asks), instrumented);
    assert.equal(a.status, 0, a.out);
    assert.equal(b.status, 0, b.out);
    assert.equal(answers(b.out), answers(a.out));
    return b.out;
  }

  it('wrapper style: the blueprint package imports and answers as the original one; /metrics counts every route', () => {
    const out = sameAnswers('app', [
      ['GET', '/api/users'],
      ['GET', '/api/users/1'],
      ['GET', '/api/users/9'],
      ['GET', '/api/ping'],
      ['POST', '/api/orders'],
    ]);
    assert.ok(answers(out)?.includes('user 9 not found'), out);
    assert.equal(count(out, 'GET', '/api/users', 200), '1', out);
    assert.equal(count(out, 'GET', '/api/users/<int:user_id>', 200), '1');
    assert.equal(count(out, 'GET', '/api/users/<int:user_id>', 404), '1');
    assert.equal(count(out, 'GET', '/api/ping', 200), '1');
    assert.equal(count(out, 'POST', '/api/orders', 201), '1');
  });

  it('inline style: the module importing Counter below its routes imports and answers; both counters count', () => {
    const out = sameAnswers('shop', [['GET', '/basket/3']]);
    assert.equal(count(out, 'GET', '/basket/<int:basket_id>', 200), '1', out);
    assert.match(out, /^baskets_seen_total 1\.0$/m, "the app's own Counter, imported below its routes, still counts");
  });
});

describe('CommonJS: requires interleaved with registrations, and prom-client required below the routes', () => {
  for (const style of ['wrapper', 'inline']) {
    it(`${style} style: the module runs under node and answers as the original one; /metrics counts the routes`, async () => {
      const { original, instrumented } = copies(`interleaved-cjs-${style}`, 'interleaved-cjs', [
        'package.json',
        '{ "name": "interleaved", "private": true }\n',
      ]);
      const r = await cli(instrumented, 'instrument', 'app.js', '--all', '--style', style);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, style === 'wrapper' ? /instrument 4 handlers one line each/ : /instrument 1 handler with counter/);
      const a = runNode(original);
      const b = runNode(instrumented);
      assert.equal(a.status, 0, a.out);
      assert.equal(b.status, 0, b.out);
      assert.equal(answers(b.out), answers(a.out));
      assert.equal(count(b.out, 'GET', '/health', 200), '1', b.out);
      assert.match(b.out, /^health_checks_total 1$/m, "the app's own Counter, required below its routes, still counts");
      if (style === 'wrapper') {
        assert.equal(count(b.out, 'GET', '/users', 200), '1');
        assert.equal(count(b.out, 'GET', '/users/:id', 404), '1');
        assert.equal(count(b.out, 'POST', '/orders', 201), '1');
      }
    });
  }
});
