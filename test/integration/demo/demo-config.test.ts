// The live demo's static pieces: Prometheus config + alert rules (promtool), the workspace and
// folder settings, and a short smoke run of each demo service checking the metrics it exposes.
// Run: node scripts/run-unit.mjs demo
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderPrometheusConfig } from '../../../scripts/demo/prometheus-config.mjs';
import { startService } from '../../support/services';
import { main } from '../../../src/cli/main';
import { applyEdits, DEFAULT_OPTIONS, planInstrumentRoute } from '../../../src/core/instrument/planner';
import type { Route } from '../../../src/core/routes/types';

const root = new URL('../../../', import.meta.url).pathname;
const demo = join(root, 'demo');
const PYTHON = '/usr/bin/python3';

const promtool = spawnSync('promtool', ['--version']).status === 0;
const noPromtool = promtool ? false : 'promtool not installed (bash scripts/setup.sh)';
const pythonDeps =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, prometheus_client']).status === 0
    ? false
    : `${PYTHON} lacks fastapi/uvicorn/prometheus_client (bash scripts/setup.sh)`;

function run(cmd: string, args: string[], cwd = demo) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const tmp = mkdtempSync(join(tmpdir(), 'tl-demo-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo Prometheus config and alert rules', () => {
  it('prometheus.yml passes promtool check config and loads the generated rules of both services', { skip: noPromtool }, () => {
    const r = run('promtool', ['check', 'config', 'prometheus.yml']);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /2 rule files found/);
  });

  it('the alert rules are what `telemetry-lens scaffold` generates for the demo services (--for 1m)', async () => {
    const out = join(tmp, 'scaffold');
    const io = { out: () => {}, err: () => {}, cwd: demo };
    assert.equal(await main(['scaffold', 'python-api', 'node-api', '--out', out, '--for', '1m'], io), 0);
    for (const job of ['python-api', 'node-api']) {
      assert.equal(readFileSync(join(demo, 'rules', `${job}.yml`), 'utf8'), readFileSync(join(out, 'prometheus/rules', `${job}.yml`), 'utf8'), `demo/rules/${job}.yml is stale`);
      assert.equal(readFileSync(join(demo, 'tests', `${job}.test.yml`), 'utf8'), readFileSync(join(out, 'prometheus/tests', `${job}.test.yml`), 'utf8'), `demo/tests/${job}.test.yml is stale`);
    }
    const rules = readFileSync(join(demo, 'rules', 'python-api.yml'), 'utf8');
    assert.match(rules, /alert: HighErrorRate[\s\S]*status=~"5\.\."[\s\S]*> 0\.05[\s\S]*for: 1m/);
    assert.match(rules, /alert: SlowResponses[\s\S]*histogram_quantile\(0\.99,[\s\S]*http_request_duration_seconds_bucket[\s\S]*> 0\.5/);
  });

  it('the rules pass promtool check rules and their generated unit tests', { skip: noPromtool }, () => {
    const check = run('promtool', ['check', 'rules', 'rules/python-api.yml', 'rules/node-api.yml']);
    assert.equal(check.status, 0, check.out);
    assert.equal(check.out.match(/SUCCESS: 2 rules found/g)?.length, 2, check.out);
    for (const job of ['python-api', 'node-api']) {
      const r = run('promtool', ['test', 'rules', `tests/${job}.test.yml`]);
      assert.equal(r.status, 0, r.out);
    }
  });

  it('scrapes job python-api and node-api every 5s', () => {
    const cfg = readFileSync(join(demo, 'prometheus.yml'), 'utf8');
    assert.match(cfg, /scrape_interval: 5s/);
    assert.match(cfg, /job_name: python-api/);
    assert.match(cfg, /job_name: node-api/);
  });

  it('the config rendered for a demo run (other ports, absolute rules path) is valid', { skip: noPromtool }, () => {
    const template = readFileSync(join(demo, 'prometheus.yml'), 'utf8');
    const rendered = renderPrometheusConfig(template, { pythonPort: 18000, nodePort: 13000, rulesPath: join(demo, 'rules', '*.yml') });
    assert.match(rendered, /'127\.0\.0\.1:18000'/);
    assert.match(rendered, /'127\.0\.0\.1:13000'/);
    const file = join(tmp, 'prometheus.yml');
    writeFileSync(file, rendered);
    const r = run('promtool', ['check', 'config', file], tmp);
    assert.equal(r.status, 0, r.out);
  });

  it('rendering refuses a template whose targets changed', () => {
    assert.throws(() => renderPrometheusConfig('scrape_configs: []\n', { pythonPort: 1, nodePort: 2, rulesPath: '/x' }), /expected exactly one/);
  });
});

describe('demo workspace', () => {
  it('is a multi-root workspace of python-api and node-api with per-folder service selectors', () => {
    const ws = JSON.parse(readFileSync(join(demo, 'telemetry-lens-demo.code-workspace'), 'utf8'));
    assert.deepEqual(
      ws.folders.map((f: { path: string }) => f.path),
      ['python-api', 'node-api'],
    );
    for (const job of ['python-api', 'node-api']) {
      const settings = JSON.parse(readFileSync(join(demo, job, '.vscode/settings.json'), 'utf8'));
      assert.equal(settings['telemetryLens.metrics.serviceSelector'], `job="${job}"`);
    }
  });
});

// ---------------------------------------------------------------- service smoke runs

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The Route the detector reports for the FastAPI decorator starting with `decorator`. */
function fastapiRoute(file: string, text: string, decorator: string, method: 'GET' | 'POST', fullPath: string): Route {
  const lines = text.split('\n');
  const d = lines.findIndex((l) => l.startsWith(decorator));
  assert.ok(d >= 0, `${decorator} not found in ${file}`);
  const at = { line: d + 1, column: 0 };
  return {
    framework: 'fastapi',
    methods: [method],
    path: fullPath,
    fullPath,
    file,
    line: d + 1,
    range: { start: at, end: { line: d + 1, column: lines[d]!.length } },
    handlerFile: file,
    handlerLine: d + 2,
    handlerName: null,
  };
}

describe('demo python-api instrumentation matches "Instrument Route"', () => {
  const cases: [string, string, 'GET' | 'POST', string][] = [
    ['routers/orders.py', '@router.get("", ', 'GET', '/api/orders'],
    ['routers/orders.py', '@router.get("/{order_id}"', 'GET', '/api/orders/{order_id}'],
    ['routers/orders.py', '@router.post("", ', 'POST', '/api/orders'],
    ['main.py', '@app.get("/healthz")', 'GET', '/healthz'],
  ];
  for (const [rel, decorator, method, fullPath] of cases) {
    it(`${method} ${fullPath} is already instrumented (no edits planned)`, async () => {
      const file = join(demo, 'python-api', rel);
      const text = readFileSync(file, 'utf8');
      const plan = await planInstrumentRoute(text, file, fastapiRoute(file, text, decorator, method, fullPath), ['counter', 'histogram'], { ...DEFAULT_OPTIONS, style: 'inline' });
      assert.deepEqual(plan.edits, [], plan.summary);
      assert.deepEqual(plan.alreadyInstrumented, ['counter', 'histogram'], plan.summary);
    });
  }
});

// As scripts/demo.mjs does: the no-op opentelemetry stand-in only when the real package is missing.
const otelShim = spawnSync(PYTHON, ['-c', 'import opentelemetry.trace']).status !== 0;

async function startPythonApi(dir: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: otelShim ? join(demo, 'python-otel-shim') : '', PYTHONHOME: '' };
  return startService(PYTHON, ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(port), '--no-access-log'], dir, env, port);
}

describe('demo services expose the Telemetry Lens metrics', () => {
  it('python-api: route templates, numeric status, the un-instrumented cancel route', { skip: pythonDeps, timeout: 40_000 }, async () => {
    const svc = await startPythonApi(join(demo, 'python-api'));
    try {
      assert.equal((await fetch(`${svc.base}/api/orders/3`)).status, 200);
      assert.equal((await fetch(`${svc.base}/api/orders/999`)).status, 404);
      assert.equal((await fetch(`${svc.base}/api/orders/3/cancel`, { method: 'POST' })).status, 200);
      const body = JSON.stringify({ customer: 'c', items: ['x'], total: 1 });
      const created = await fetch(`${svc.base}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.ok([201, 500].includes(created.status));
      const metrics = await (await fetch(`${svc.base}/metrics/`)).text();
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/api\/orders\/\{order_id\}",status="200"\} 1\.0$/m);
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/api\/orders\/\{order_id\}",status="404"\} 1\.0$/m);
      assert.match(metrics, new RegExp(`^http_requests_total\\{method="POST",route="/api/orders",status="${created.status}"\\} 1\\.0$`, 'm'));
      assert.match(metrics, /^http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/orders\/\{order_id\}",status="200"\}/m);
      assert.doesNotMatch(metrics, /cancel/, 'the cancel route is left for "Instrument Route" to do');
    } finally {
      await svc.stop();
    }
  });

  it('python-api: "Instrument Route" (counter, histogram, span) on the cancel route works and is recorded', { skip: pythonDeps, timeout: 40_000 }, async () => {
    const dir = join(tmp, 'python-api');
    cpSync(join(demo, 'python-api'), dir, { recursive: true });
    const file = join(dir, 'routers/orders.py');
    const text = readFileSync(file, 'utf8');
    const route = fastapiRoute(file, text, '@router.post("/{order_id}/cancel"', 'POST', '/api/orders/{order_id}/cancel');
    const plan = await planInstrumentRoute(text, file, route, ['counter', 'histogram', 'span'], { ...DEFAULT_OPTIONS, style: 'inline' });
    assert.equal(plan.refused, undefined, plan.summary);
    const after = applyEdits(text, plan.edits);
    assert.equal(after.match(/= Counter\(/g)?.length, 1, 'no second http_requests_total definition');
    assert.match(after, /start_as_current_span\("POST \/api\/orders\/\{order_id\}\/cancel"\)/);
    writeFileSync(file, after);
    const svc = await startPythonApi(dir);
    try {
      assert.equal((await fetch(`${svc.base}/api/orders/5/cancel`, { method: 'POST' })).status, 200);
      assert.equal((await fetch(`${svc.base}/api/orders/5/cancel`, { method: 'POST' })).status, 409);
      const metrics = await (await fetch(`${svc.base}/metrics/`)).text();
      assert.match(metrics, /^http_requests_total\{method="POST",route="\/api\/orders\/\{order_id\}\/cancel",status="200"\} 1\.0$/m);
      assert.match(metrics, /^http_requests_total\{method="POST",route="\/api\/orders\/\{order_id\}\/cancel",status="409"\} 1\.0$/m);
    } finally {
      await svc.stop();
    }
  });

  it('node-api: OpenMetrics with Express route templates and trace_id exemplars', { timeout: 40_000 }, async () => {
    const port = await freePort();
    const svc = await startService(process.execPath, ['server.js'], join(demo, 'node-api'), { PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: '' }, port);
    try {
      assert.equal((await fetch(`${svc.base}/api/products/7`)).status, 200);
      assert.equal((await fetch(`${svc.base}/api/products/999`)).status, 404);
      assert.equal((await fetch(`${svc.base}/api/nope`)).status, 404);
      const res = await fetch(`${svc.base}/metrics`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/openmetrics-text; version=1\.0\.0/);
      const metrics = await res.text();
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/api\/products\/:id",status="200"\} 1$/m);
      assert.match(metrics, /^http_requests_total\{method="GET",route="\/api\/products\/:id",status="404"\} 1$/m);
      assert.match(metrics, /^http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/api\/products\/:id",status="200"\} 1 # \{trace_id="[0-9a-f]{32}"\} [\d.e-]+ [\d.]+$/m);
      assert.doesNotMatch(metrics, /api\/nope/, 'unmatched URLs are not recorded');
      const again = await (await fetch(`${svc.base}/metrics`)).text();
      assert.doesNotMatch(again, /route="\/metrics"/, 'scrapes are not recorded');
      assert.match(metrics, /^# EOF$/m);
    } finally {
      await svc.stop();
    }
  });

  it('traffic generator refuses non-loopback targets', () => {
    const r = run(process.execPath, [join(demo, 'traffic.mjs'), '--python', 'http://example.com', '--duration', '1']);
    assert.equal(r.status, 2);
    assert.match(r.out, /loopback only/);
  });
});
