/** Metric lint rules for prometheus_client and prom-client, with the real libraries' naming behaviour. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../src/core/instrument/planner';
import { lintMetrics } from '../../../src/core/lint/metricLint';
import { CASES, expectedPath } from '../../support/instrument/cases';
import { FIXTURES } from '../../support/instrument/helpers';

const PY = '/tmp/m.py';
const TS = '/tmp/m.ts';
const codes = async (text: string, file: string) => (await lintMetrics(text, file)).map((d) => d.code);

describe('metric lint: Python prometheus_client', () => {
  it('does not require _total on Python counters (prometheus_client appends it), flags reserved suffixes', async () => {
    const text =
      'from prometheus_client import Counter\nA = Counter("jobs", "d")\nB = Counter("jobs_done_total", "d")\nC = Counter("rows_count", "d")\n';
    const d = await lintMetrics(text, PY);
    assert.deepEqual(
      d.map((x) => [x.code, x.metric, x.range.start.line]),
      [['reserved-suffix', 'rows_count', 4]],
    );
  });

  it('flags duplicates (including x vs x_total), non-base units, seconds histograms with ms buckets', async () => {
    const text = [
      'from prometheus_client import Counter, Histogram',
      'A = Counter("jobs", "d")',
      'B = Counter("jobs_total", "d")',
      'H = Histogram("req_latency_ms", "d")',
      'S = Histogram("req_duration_seconds", "d", buckets=[100, 500, 1000])',
      'OK = Histogram("ok_seconds", "d", buckets=(0.1, 0.5, 1, float("inf")))',
      '',
    ].join('\n');
    const d = await lintMetrics(text, PY);
    assert.deepEqual(
      d.map((x) => x.code),
      ['duplicate-metric', 'non-base-unit', 'bucket-unit-mismatch'],
    );
    assert.match(d[0]!.message, /same counter/);
    assert.match(d[1]!.message, /use _seconds/);
    assert.match(d[2]!.message, /look like milliseconds/);
    assert.equal(d[0]!.severity, 'error');
  });

  it('flags unbounded label values: path params, request.url, user ids; not the route template', async () => {
    const text = [
      'from fastapi import FastAPI, Request',
      'from prometheus_client import Counter',
      'C = Counter("hits", "d", ["path", "user"])',
      'app = FastAPI()',
      '@app.get("/u/{user_id}")',
      'def u(user_id: int, request: Request):',
      '    C.labels(path=request.url.path, user=str(user_id)).inc()',
      '    C.labels("/u/{user_id}", "anon").inc()',
      '    C.labels(path=request.headers.get("x"), user=current.email).inc()',
      '',
    ].join('\n');
    const d = await lintMetrics(text, PY);
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line]),
      [
        ['unbounded-label', 7],
        ['unbounded-label', 7],
        ['unbounded-label', 9],
        ['unbounded-label', 9],
      ],
    );
    assert.match(d[1]!.message, /user_id is a path parameter/);
  });

  it('ignores files that do not use prometheus_client', async () => {
    assert.deepEqual(await codes('class Counter: pass\nCounter("rows_count", "d")\n', PY), []);
  });
});

describe('metric lint: prom-client', () => {
  it('requires _total on counters, with a fix that appends it', async () => {
    const text = "import { Counter } from 'prom-client';\nconst c = new Counter({ name: 'jobs_processed', help: 'd' });\n";
    const d = await lintMetrics(text, TS);
    assert.equal(d.length, 1);
    assert.equal(d[0]!.code, 'counter-total-suffix');
    assert.equal(applyEdits(text, d[0]!.fix!), text.replace("'jobs_processed'", "'jobs_processed_total'"));
    assert.deepEqual(await lintMetrics(applyEdits(text, d[0]!.fix!), TS), []);
  });

  it('flags duplicate names, ms units, ms-scale buckets on seconds histograms, unbounded labels', async () => {
    const text = [
      "const client = require('prom-client');",
      "const a = new client.Counter({ name: 'x_total', help: 'd', labelNames: ['route'] });",
      "const b = new client.Counter({ name: 'x_total', help: 'd' });",
      "const h = new client.Histogram({ name: 'latency_milliseconds', help: 'd' });",
      "const s = new client.Histogram({ name: 'http_duration_seconds', help: 'd', buckets: [100, 500, 1000] });",
      "app.get('/u/:id', (req, res) => {",
      '  a.inc({ route: req.originalUrl });',
      '  a.labels(req.params.id).inc();',
      '  s.observe({ userId: user.id }, 1);',
      "  a.inc({ route: '/u/:id' });",
      '});',
      '',
    ].join('\n');
    const d = await lintMetrics(text, '/tmp/m.js');
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line]),
      [
        ['duplicate-metric', 3],
        ['non-base-unit', 4],
        ['bucket-unit-mismatch', 5],
        ['unbounded-label', 7],
        ['unbounded-label', 8],
        ['unbounded-label', 9],
      ],
    );
  });

  it('prom-client really throws on a duplicate name and keeps counter names as written', async () => {
    const { Registry, Counter } = await import('prom-client');
    const registry = new Registry();
    new Counter({ name: 'jobs_processed', help: 'd', registers: [registry] }).inc();
    assert.match(await registry.metrics(), /^jobs_processed 1$/m);
    assert.throws(() => new Counter({ name: 'jobs_processed', help: 'd', registers: [registry] }), /already been registered/);
  });
});

describe('metric lint: instrumented outputs are clean', () => {
  for (const c of CASES) {
    it(`${c.name}: no diagnostics on ${expectedPath(c.input)}`, async () => {
      const f = path.join(FIXTURES, expectedPath(c.input));
      assert.deepEqual(await lintMetrics(fs.readFileSync(f, 'utf8'), f), []);
    });
  }
});
