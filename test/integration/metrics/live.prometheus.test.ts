/**
 * Live scrape: a tiny HTTP server in this process exposes prom-client's OpenMetrics registry (exemplars with
 * trace_id); a real Prometheus with exemplar storage scrapes it every second and evaluates a HighErrorRate
 * rule. The engine must find the slowest exemplar's trace id and the firing alert on the right route.
 * Waits are bounded polls on the observable condition.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { MetricsEngine, type ServiceSpec } from '../../../src/core/metrics/engine';
import { startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { makeRoute } from './datasets';

const SLOW_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const FAST_TRACE = '00f067aa0ba902b7a3ce929d0e0e4736';

let server: http.Server;
let prom: PrometheusInstance;
let engine: MetricsEngine;
let client: PrometheusClient;
const routes = [makeRoute('/users/:id', 'GET', 0), makeRoute('/health', 'GET', 1)];
const service: ServiceSpec = { id: 'live', selector: 'job="live"', convention: 'auto', routes };

async function poll<T>(what: string, fn: () => Promise<T | null | undefined>, attempts = 150): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200)); // interval between bounded polls of the condition
  }
  throw new Error(`timed out waiting for ${what}\n${prom.logs().split('\n').slice(-10).join('\n')}`);
}

before(async () => {
  const registry = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const requests = new Counter<string>({
    name: 'http_requests_total',
    help: 'Requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    enableExemplars: true,
  });
  const duration = new Histogram<string>({
    name: 'http_request_duration_seconds',
    help: 'Latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
    enableExemplars: true,
  });
  const labels = { method: 'GET', route: '/users/:id', status: '200' };
  duration.observe({ labels, value: 0.12, exemplarLabels: { trace_id: FAST_TRACE } });
  duration.observe({
    labels: { ...labels, status: '500' },
    value: 0.9,
    exemplarLabels: { trace_id: SLOW_TRACE, span_id: '00f067aa0ba902b7' },
  });
  requests.inc({ labels, value: 10 });
  requests.inc({ labels: { ...labels, status: '500' }, value: 2 });
  requests.inc({ labels: { method: 'GET', route: '/health', status: '200' }, value: 5 });

  server = http.createServer(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  prom = await startPrometheus({
    exemplars: true,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    scrapes: [{ job: 'live', targets: [target] }],
    rules: [
      'groups:',
      '  - name: http',
      '    rules:',
      '      - alert: HighErrorRate',
      '        expr: sum by (job, route, method) (http_requests_total{status=~"5.."}) > 0',
      '        for: 0s',
      '        labels: { severity: page }',
      '        annotations: { summary: "5xx answers on {{ $labels.route }}" }',
      '',
    ].join('\n'),
  });
  client = new PrometheusClient({ baseUrl: prom.url });
  engine = new MetricsEngine(client, { refreshIntervalMs: 0 });
});

after(async () => {
  await prom?.stop();
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

describe('live scrape (prom-client → Prometheus)', () => {
  it('finds the slowest exemplar of a route with its trace id', async () => {
    const ex = await poll('the slowest exemplar', async () => {
      const e = await engine.slowestExemplar(service, routes[0]!);
      return e && e.traceId === SLOW_TRACE ? e : null;
    });
    assert.equal(ex.value, 0.9);
    assert.equal(ex.spanId, '00f067aa0ba902b7');
    assert.equal(ex.seriesLabels.route, '/users/:id');
    assert.equal(await engine.slowestExemplar(service, routes[1]!), null, '/health has no exemplars');
  });

  it('finds the slowest exemplar of every route of a service with one query', async () => {
    const paths: string[] = [];
    const off = client.onRequest((r) => paths.push(r.path));
    try {
      const found = await poll('grouped exemplars', async () => {
        paths.length = 0;
        const f = await engine.slowestExemplars(service);
        return f.some((x) => x.exemplar.traceId === SLOW_TRACE) ? f : null;
      });
      assert.deepEqual(
        found.map((f) => [f.route, f.exemplar.traceId, f.exemplar.value]),
        [[routes[0], SLOW_TRACE, 0.9]],
      );
      assert.equal(paths.filter((p) => p === '/api/v1/query_exemplars').length, 1, 'one query for the whole service');
    } finally {
      off();
    }
  });

  it('matches the firing HighErrorRate alert to its route', async () => {
    const alerts = await poll('a firing alert', async () => {
      const a = await engine.firingAlerts([service]);
      return a.length ? a : null;
    });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.route, routes[0]);
    assert.equal(alerts[0]!.alertname, 'HighErrorRate');
    assert.equal(alerts[0]!.severity, 'page');
    assert.equal(alerts[0]!.summary, '5xx answers on /users/:id');
    assert.deepEqual(
      await engine.firingAlerts([{ ...service, selector: 'job="other"' }]),
      [],
      'alert of job=live is not shown for job=other',
    );
  });
});
