/**
 * Our metrics beside another library's of the same name with other labels, on the real clients: the helper and an
 * inline-instrumented module fail at import, once, naming the metric, its labels and the fix (a metric prefix), never
 * at every request; the helper and an inline-instrumented module of one process still share their metrics.
 * prom-client (the worktree's) and prometheus_client (Debian's /usr/bin/python3, an opentelemetry stub).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { jsHelper } from '../../../src/core/instrument/helperJs';
import { pythonHelper } from '../../../src/core/instrument/helperPy';
import { applyEdits, planInstrumentFile } from '../../../src/core/instrument/planner';
import { DEFAULT_OPTIONS } from '../../../src/core/instrument/types';
import { fastapiApp, OPTS, route } from '../../support/instrument/helpers';
import { runPython, scratchDir, writeOtelStub } from '../../support/instrument/pyenv';

const FIX = /set telemetryLens\.instrument\.metricPrefix \(CLI --prefix\), e\.g\. app_, so the names differ/;

async function inline(dir: string, name: string, text: string, framework: 'express' | 'fastapi', p: string): Promise<void> {
  const file = path.join(dir, name);
  const plan = await planInstrumentFile(text, file, [route(framework, ['GET'], p, text, file)], ['counter', 'histogram', 'span'], OPTS);
  assert.equal(plan.refused, undefined);
  fs.writeFileSync(file, applyEdits(text, plan.edits));
}

function runNode(code: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('prom-client: a metric of our name registered already', () => {
  let dir = '';
  before(async () => {
    dir = scratchDir('clash-js');
    fs.writeFileSync(path.join(dir, 'telemetryRoutes.js'), jsHelper(DEFAULT_OPTIONS, { esm: false, ts: false, eol: '\n' }));
    const app = [
      "const express = require('express');",
      'const app = express();',
      "app.get('/users', (req, res) => res.json([]));",
      'module.exports = app;',
      '',
    ];
    await inline(dir, 'app.js', app.join('\n'), 'express', '/users');
  });

  it('with other labels (fastify-metrics, express-prom-bundle): the helper fails at import, saying the labels and the fix', () => {
    const r = runNode(
      [
        "const { Histogram } = require('prom-client');",
        "new Histogram({ name: 'http_request_duration_seconds', help: 'x', labelNames: ['method', 'route', 'status_code'] });",
        "try { require('./telemetryRoutes'); console.log('loaded'); } catch (e) { console.log('ERR ' + e.message); }",
      ].join('\n'),
      dir,
    );
    assert.equal(r.status, 0, r.out);
    assert.match(
      r.out,
      /^ERR http_request_duration_seconds is registered already with the labels \[method, route, status_code\], not \[method, route, status\]: /m,
    );
    assert.match(r.out, FIX);
  });

  it('with other labels: an inline-instrumented module fails at import too', () => {
    const r = runNode(
      [
        "const { Counter } = require('prom-client');",
        "new Counter({ name: 'http_requests_total', help: 'x', labelNames: ['handler', 'status', 'method'] });",
        "try { require('./app'); console.log('loaded'); } catch (e) { console.log('ERR ' + e.message); }",
      ].join('\n'),
      dir,
    );
    assert.match(r.out, /^ERR http_requests_total is registered already with the labels \[handler, status, method\]/m, r.out);
    assert.match(r.out, FIX);
  });

  it('ours (helper and inline module in one process, either order): shared, and counted', () => {
    for (const order of [
      ['./app', './telemetryRoutes'],
      ['./telemetryRoutes', './app'],
    ]) {
      const r = runNode(
        [
          "const { register } = require('prom-client');",
          `for (const m of ${JSON.stringify(order)}) require(m);`,
          "const c = register.getSingleMetric('http_requests_total');",
          "c.inc({ method: 'GET', route: '/users', status: '200' });",
          'register.metrics().then((t) => console.log(t.split("\\n").filter((l) => l.startsWith("http_requests_total{")).join("\\n")));',
        ].join('\n'),
        dir,
      );
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /^http_requests_total\{method="GET",route="\/users",status="200"\} 1$/m, r.out);
    }
  });
});

describe('prometheus_client: a metric of our name registered already', () => {
  let dir = '';
  before(async () => {
    dir = scratchDir('clash-py');
    writeOtelStub(dir);
    fs.writeFileSync(path.join(dir, 'telemetry_routes.py'), pythonHelper(DEFAULT_OPTIONS, '\n'));
    await inline(dir, 'app.py', fastapiApp(), 'fastapi', '/users');
  });

  const foreign = ['from prometheus_client import Counter', 'Counter("http_requests_total", "x", ["handler", "status", "method"])'].join(
    '\n',
  );

  for (const module of ['telemetry_routes', 'app']) {
    it(`with other labels (prometheus-fastapi-instrumentator): ${module} fails at import, saying the labels and the fix`, () => {
      const r = runPython(`${foreign}\ntry:\n    import ${module}\n    print("loaded")\nexcept ValueError as e:\n    print("ERR", e)`, dir);
      assert.equal(r.status, 0, r.out);
      assert.match(
        r.out,
        /^ERR http_requests_total is registered already with the labels \['handler', 'status', 'method'\], not \[method, route, status\]: /m,
      );
      assert.match(r.out, FIX);
    });
  }

  it('ours (helper and inline module in one process, either order): shared', () => {
    for (const order of [
      ['app', 'telemetry_routes'],
      ['telemetry_routes', 'app'],
    ]) {
      const r = runPython(
        [
          `import ${order[0]}, ${order[1]}`,
          'import app, telemetry_routes',
          'assert app.HTTP_REQUESTS_TOTAL is telemetry_routes.HTTP_REQUESTS_TOTAL',
          'assert app.HTTP_REQUEST_DURATION_SECONDS is telemetry_routes.HTTP_REQUEST_DURATION_SECONDS',
          'print("shared")',
        ].join('\n'),
        dir,
      );
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /^shared$/m);
    }
  });
});
