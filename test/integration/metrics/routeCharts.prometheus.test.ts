/**
 * The route details panel's charts (dashboards/routeCharts) against a REAL Prometheus: a deterministic history
 * backfilled with promtool, and exemplars stamped inside that history from a target scraped live (TSDB blocks
 * carry no exemplars). Each range gets its step and a bounded number of points; the values are Prometheus's own
 * answers; the in-flight panel appears only for a service exporting the gauge; exemplars outside the range or
 * without a valid trace id are dropped.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { routeCharts, TIME_RANGES, rateWindow, type RouteChartsInput } from '../../../src/core/dashboards/routeCharts';
import { getConvention } from '../../../src/core/metrics/conventions';
import { EPOCH, OpenMetricsWriter, startPrometheus, type PrometheusInstance } from '../../support/prometheus';

const END = EPOCH + 6 * 3600;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const EARLY_TRACE = '00f067aa0ba902b7a3ce929d0e0e4736';

let prom: PrometheusInstance;
let client: PrometheusClient;
let server: http.Server;

function history(): string {
  const w = new OpenMetricsWriter({ start: EPOCH, end: END + 600 });
  for (const [job, gauge] of [
    ['api', true],
    ['nogauge', false],
  ] as const) {
    for (const [status, rate] of Object.entries({ '200': 9, '404': 0.5, '500': 0.5 }))
      w.counter('http_requests', { job, method: 'GET', route: '/users/{id}', status }, rate);
    w.counter('http_requests', { job, method: 'POST', route: '/users/{id}', status: '500' }, 7); // another method
    w.histogram('http_request_duration_seconds', { job, method: 'GET', route: '/users/{id}' }, [
      [0.1, 5],
      [0.5, 9],
      [1, 10],
    ]);
    if (gauge) w.gauge('http_requests_in_progress', { job }, 2);
  }
  return w.toString();
}

/** The live target: the same histogram with exemplars stamped at END − 10 min, END − 2 h and one with a junk id. */
function exposition(): string {
  const l = 'method="GET",route="/users/{id}"';
  return [
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{${l},le="0.5"} 1 # {trace_id="${EARLY_TRACE}"} 0.3 ${END - 7200}.000`,
    `http_request_duration_seconds_bucket{${l},le="1.0"} 2 # {trace_id="${TRACE}"} 0.8 ${END - 600}.000`,
    `http_request_duration_seconds_bucket{${l},le="+Inf"} 3 # {trace_id="not-a-trace-id"} 2.5 ${END - 300}.000`,
    `http_request_duration_seconds_count{${l}} 3`,
    `http_request_duration_seconds_sum{${l}} 3.6`,
    '# EOF',
    '',
  ].join('\n');
}

before(async () => {
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    res.end(exposition());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  prom = await startPrometheus({
    openMetrics: history(),
    exemplars: true,
    scrapeInterval: '1s',
    scrapes: [{ job: 'api', targets: [`127.0.0.1:${(server.address() as AddressInfo).port}`] }],
  });
  client = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 });
});
after(async () => {
  await prom?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

const conv = getConvention('telemetry-lens');
const input = (over: Partial<RouteChartsInput> = {}): RouteChartsInput => ({
  conv,
  config: { name: 'telemetry-lens' },
  ref: { label: 'route', values: ['/users/{id}'], methods: ['GET'] },
  selector: 'job="api"',
  window: '5m',
  range: '1h',
  end: END,
  ...over,
});
const last = (values: (number | null)[]) => values[values.length - 1];

describe('route charts (real Prometheus)', () => {
  it('each range has its step and at most 181 points, ending at the end asked for (the newest samples)', async () => {
    for (const r of TIME_RANGES) {
      const c = await routeCharts(client, input({ range: r.id, end: END + 7 }));
      assert.equal(c.step, r.step);
      assert.equal(c.times.length, r.seconds / r.step + 1);
      assert.ok(c.times.length <= 181, `${r.id}: ${c.times.length} points`);
      assert.equal(c.times[c.times.length - 1], END + 7);
      assert.equal(c.window, rateWindow('5m', r.step));
      for (const p of c.panels) for (const s of p.series) assert.equal(s.values.length, c.times.length);
    }
    assert.equal(rateWindow('5m', 3600), '1h');
    assert.equal(rateWindow('5m', 600), '10m');
    assert.equal(rateWindow('2m', 15), '2m');
  });

  it('the four panels of the route, with the values Prometheus computes (the other method left out)', async () => {
    const c = await routeCharts(client, input());
    assert.deepEqual(
      c.panels.map((p) => [p.kind, p.serviceWide]),
      [
        ['rate', false],
        ['errors', false],
        ['latency', false],
        ['inflight', true],
      ],
    );
    const [rate, errors, latency, inflight] = c.panels;
    assert.deepEqual(
      rate!.series.map((s) => [s.label, last(s.values)]),
      [
        ['2xx', 9],
        ['4xx', 0.5],
        ['5xx', 0.5],
      ],
    );
    assert.equal(last(errors!.series[0]!.values), 0.05);
    assert.deepEqual(
      latency!.series.map((s) => s.label),
      ['p50', 'p90', 'p99'],
    );
    // Each series against Prometheus's own answer to the panel's exact query.
    for (const p of [errors!, latency!]) {
      for (const [i, q] of p.queries.entries()) {
        const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q.expr)}&time=${END}`);
        const expected = Number(((await r.json()) as { data: { result: { value: [number, string] }[] } }).data.result[0]!.value[1]);
        assert.equal(last(p.series[i]!.values), expected, q.expr);
      }
    }
    assert.equal(last(latency!.series[0]!.values), 0.1);
    assert.equal(last(inflight!.series[0]!.values), 2);
    assert.equal(inflight!.queries[0]!.expr, 'sum(http_requests_in_progress{job="api"})');
  });

  it('no in-flight panel for a service without the gauge; no series where there is no traffic', async () => {
    const c = await routeCharts(client, input({ selector: 'job="nogauge"' }));
    assert.deepEqual(
      c.panels.map((p) => p.kind),
      ['rate', 'errors', 'latency'],
    );
    const none = await routeCharts(client, input({ ref: { label: 'route', values: ['/nothing'], methods: ['GET'] } }));
    assert.deepEqual(
      none.panels.filter((p) => !p.serviceWide).map((p) => p.series.length),
      [0, 0, 0],
    );
  });

  it('exemplars with a valid trace id inside the range, in seconds', async () => {
    const seen = async (range: RouteChartsInput['range']) => {
      for (let i = 0; i < 100; i++) {
        const c = await routeCharts(client, input({ range }));
        if (c.exemplars.length) return c.exemplars;
        await new Promise((r) => setTimeout(r, 200)); // interval between bounded polls: the first scrape
      }
      throw new Error(`no exemplars\n${prom.logs()}`);
    };
    assert.deepEqual(await seen('1h'), [{ time: END - 600, value: 0.8, traceId: TRACE }]);
    assert.deepEqual(
      (await seen('6h')).map((e) => e.traceId),
      [EARLY_TRACE, TRACE],
    );
  });
});
