/**
 * The generated prometheus.yml, pointed at the two demo services (only the targets and the scrape interval
 * change), run by a real Prometheus with the generated rule files: it scrapes both services, and every
 * dashboard query (with $route set to a route that has traffic) and every alert expression (without its
 * threshold) returns data. Waits are bounded polls on the observable condition.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';
import { freePort, promQuery, startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { startService } from '../../support/services';

const ROOT = path.resolve(__dirname, '../../..');
const DEMO = path.join(ROOT, 'demo');
const PYTHON = '/usr/bin/python3';
const pythonDeps =
  fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, prometheus_client']).status === 0
    ? false
    : `${PYTHON} lacks fastapi/uvicorn/prometheus_client (bash scripts/setup.sh)`;
// As scripts/demo.mjs does: the no-op opentelemetry stand-in only when the real package is missing.
const otelShim = spawnSync(PYTHON, ['-c', 'import opentelemetry.trace']).status !== 0;

/** A route of each service that the traffic below hits (and the label value it reports). */
const ROUTE = { 'python-api': '/api/orders', 'node-api': '/api/products/:id' } as const;
type Job = keyof typeof ROUTE;

const out = fs.mkdtempSync(path.join(tmpdir(), 'tl-scaffold-live-'));
let prom: PrometheusInstance | undefined;
const stops: Array<() => Promise<void>> = [];
let traffic: Promise<void> | undefined;
let trafficOn = true;

async function generateTraffic(bases: Record<Job, string>): Promise<void> {
  const body = JSON.stringify({ customer: 'c', items: ['x'], total: 1 });
  // Load, not synchronisation: requests keep the counters moving while the test polls Prometheus.
  while (trafficOn) {
    await Promise.allSettled([
      fetch(`${bases['python-api']}/api/orders`),
      fetch(`${bases['python-api']}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      fetch(`${bases['node-api']}/api/products/7`),
      fetch(`${bases['node-api']}/api/products/7/inventory`),
      fetch(`${bases['node-api']}/api/products/999`),
    ]);
  }
}

before(async () => {
  if (pythonDeps) return;
  const c: Io = { out: () => {}, err: () => {}, cwd: ROOT };
  assert.equal(await main(['scaffold', 'demo/python-api', 'demo/node-api', '--out', out], c), 0);
  const [py, node] = [await freePort(), await freePort()];
  const python = await startService(
    PYTHON,
    ['-m', 'uvicorn', 'main:app', '--host', '127.0.0.1', '--port', String(py), '--no-access-log'],
    path.join(DEMO, 'python-api'),
    { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: otelShim ? path.join(DEMO, 'python-otel-shim') : '', PYTHONHOME: '' },
    py,
  );
  stops.push(python.stop);
  const nodeApi = await startService(
    process.execPath,
    ['server.js'],
    path.join(DEMO, 'node-api'),
    { PORT: String(node), OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    node,
  );
  stops.push(nodeApi.stop);
  traffic = generateTraffic({ 'python-api': python.base, 'node-api': nodeApi.base });

  // Point the generated config at the local services; everything else stays as generated.
  const file = path.join(out, 'prometheus/prometheus.yml');
  const cfg = parse(fs.readFileSync(file, 'utf8'));
  const local: Record<string, string> = { 'python-api': `127.0.0.1:${py}`, 'node-api': `127.0.0.1:${node}` };
  cfg.global.scrape_interval = '1s';
  cfg.global.scrape_timeout = '1s';
  cfg.global.evaluation_interval = '1s';
  cfg.scrape_configs = cfg.scrape_configs.filter((s: { job_name: string }) => s.job_name in local);
  for (const s of cfg.scrape_configs) s.static_configs[0].targets = [local[s.job_name]];
  fs.writeFileSync(file, stringify(cfg));
  prom = await startPrometheus({ configFile: file, exemplars: true });
});

after(async () => {
  trafficOn = false;
  await traffic;
  await prom?.stop();
  for (const stop of stops) await stop();
  fs.rmSync(out, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);

/** Polls until every query returns at least one finite sample (bounded); returns the ones still empty. */
async function emptyQueries(queries: string[], attempts = 150): Promise<string[]> {
  let empty = queries;
  for (let i = 0; i < attempts && empty.length; i++) {
    const results = await Promise.all(empty.map(async (q) => ({ q, r: await promQuery(prom!.url, q, now()) })));
    empty = results.filter(({ r }) => !r.some((s) => Number.isFinite(Number(s.value[1])))).map(({ q }) => q);
    if (empty.length) await new Promise((r) => setTimeout(r, 200)); // interval between bounded polls
  }
  return empty;
}

describe('the generated stack against the live demo services', { skip: pythonDeps }, () => {
  it('scrapes both services with the generated jobs and loads the generated rules', { timeout: 60_000 }, async () => {
    assert.deepEqual(await emptyQueries(['up{job="python-api"} == 1', 'up{job="node-api"} == 1']), []);
    const rules = (await (await fetch(`${prom!.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string }> }> };
    };
    const loaded = rules.data.groups.flatMap((g) => g.rules.map((r) => `${g.name}/${r.name}/${r.health}`)).sort();
    assert.deepEqual(loaded, [
      'node-api-http/HighErrorRate/ok',
      'node-api-http/SlowResponses/ok',
      'python-api-http/HighErrorRate/ok',
      'python-api-http/SlowResponses/ok',
    ]);
  });

  it('--prometheus: the convention comes from what Prometheus has for job="<service>"', { timeout: 60_000 }, async () => {
    assert.deepEqual(await emptyQueries(['http_requests_total{job="node-api"}']), []);
    const notes: string[] = [];
    const c: Io = { out: () => {}, err: (s) => notes.push(s), cwd: ROOT };
    assert.equal(
      await main(['scaffold', 'demo/node-api', '--out', path.join(out, 'detected'), '--prometheus', prom!.url], c),
      0,
      notes.join('\n'),
    );
    assert.match(
      notes.join('\n'),
      /node-api: convention telemetry-lens \(\{job="node-api"\} has http_requests_total with route\/method\/status labels/,
    );
  });

  for (const job of Object.keys(ROUTE) as Job[]) {
    it(`${job}: every dashboard query and the route variable return data`, { timeout: 90_000 }, async () => {
      const dashboard = JSON.parse(fs.readFileSync(path.join(out, `grafana/dashboards/${job}.json`), 'utf8'));
      const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
      // node-api exports the in-flight gauge (demo/node-api/metrics.js): its service row has the in-flight panel too
      assert.equal(exprs.length, job === 'node-api' ? 11 : 10, 'rate, errors, p50/p90/p99 for the service and for a route (+ in-flight)');
      if (job === 'node-api') assert.ok(exprs.includes('sum(http_requests_in_progress{job="node-api"})'), exprs.join('\n'));
      const queries = exprs.map((e) => e.replace(/\$__rate_interval/g, '30s').replace(/\$route/g, ROUTE[job]));
      assert.deepEqual(await emptyQueries(queries), []);
      const variable = dashboard.templating.list[0].query.query as string;
      const m = /^label_values\((.+), (\w+)\)$/.exec(variable)!;
      const values = await promQuery(prom!.url, `group by (${m[2]}) (${m[1]})`, now());
      assert.ok(
        values.some((v) => v.metric[m[2]!] === ROUTE[job]),
        `${variable} lists ${ROUTE[job]}`,
      );
    });

    it(`${job}: every alert expression returns data without its threshold`, { timeout: 90_000 }, async () => {
      const rules = parse(fs.readFileSync(path.join(out, `prometheus/rules/${job}.yml`), 'utf8'));
      const exprs: string[] = rules.groups[0].rules.map((r: { expr: string }) => r.expr.replace(/\s*>\s*[\d.e+-]+\s*$/, ''));
      assert.equal(exprs.length, 2);
      for (const e of exprs) assert.doesNotMatch(e, />/, 'the threshold comparison is removed');
      assert.deepEqual(await emptyQueries(exprs), []);
    });
  }
});
