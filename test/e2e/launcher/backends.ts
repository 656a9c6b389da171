/**
 * Real backends for the e2e run, started before code-server: a Prometheus (Debian package) on loopback
 * with a deterministic history for the e2e workspace's routes (telemetry-lens convention, job="shop"),
 * queried at a pinned evaluation time. Returns the settings and environment the extension under test
 * needs, and stops everything it started.
 */
import * as http from 'node:http';
import { EPOCH, OpenMetricsWriter, startPrometheus } from '../../support/prometheus';

export interface E2eBackends {
  userSettings: Record<string, unknown>;
  env: Record<string, string>;
  describe: Record<string, string>;
  stop(): Promise<void>;
}

/** Evaluation time of every e2e query: one hour into the history, 15 s aligned. */
export const E2E_TIME = EPOCH + 3600;

/**
 * Per route: status → req/s, and the latency histogram's cumulative bucket rates.
 * GET /api/orders: 9.9 ok + 0.1 errors = 10 req/s, 1% errors, p99 = 0.25 s (rank 9.9 hits the 0.25 bucket's top).
 * GET /api/orders/{order_id}: 4 req/s, no errors, p99 inside (0.5, 1]: 0.5 + 0.5 × (3.96 − 3.8) / (4 − 3.8) = 0.9 s.
 * GET /api/products/:id (Express): 0.5 req/s, 20% errors (0.1 × 500), p99 = 0.05 + 0.05 × 0.095 / 0.1 = 97.5 ms.
 */
export function e2eHistory(): string {
  const w = new OpenMetricsWriter({ start: EPOCH, end: EPOCH + 7200 });
  const series: { method: string; route: string; status: Record<string, number>; buckets: [number, number][] }[] = [
    {
      method: 'GET',
      route: '/api/orders',
      status: { '200': 9.9, '500': 0.1 },
      buckets: [
        [0.05, 5],
        [0.1, 9],
        [0.25, 9.9],
        [0.5, 10],
      ],
    },
    {
      method: 'GET',
      route: '/api/orders/{order_id}',
      status: { '200': 4 },
      buckets: [
        [0.1, 2],
        [0.5, 3.8],
        [1, 4],
      ],
    },
    {
      method: 'GET',
      route: '/api/products/:id',
      status: { '200': 0.4, '500': 0.1 },
      buckets: [
        [0.05, 0.4],
        [0.1, 0.5],
      ],
    },
  ];
  for (const s of series) {
    for (const [status, rate] of Object.entries(s.status)) {
      w.counter('http_requests', { job: 'shop', method: s.method, route: s.route, status }, rate, 'HTTP requests');
    }
    const count = s.buckets[s.buckets.length - 1]![1];
    w.histogram('http_request_duration_seconds', { job: 'shop', method: s.method, route: s.route }, s.buckets, { countRate: count });
  }
  // The second workspace folder, catalog-ts (Fastify), is instrumented with OpenTelemetry's HTTP semantic
  // conventions: GET /catalog/items/:id at 2 ok + 0.5 errors (503) req/s = 20% errors; summed buckets
  // 0.025→1, 0.05→2, 0.1→2.45, 0.25→2.5: p99 rank 2.475 → 0.1 + 0.15 × 0.025 / 0.05 = 0.175 s.
  const otel = (code: string, buckets: [number, number][]): void => {
    w.histogram(
      'http_server_request_duration_seconds',
      { job: 'catalog', http_route: '/catalog/items/:id', http_request_method: 'GET', http_response_status_code: code },
      buckets,
      { countRate: buckets[buckets.length - 1]![1] },
    );
  };
  otel('200', [
    [0.025, 1],
    [0.05, 1.8],
    [0.1, 2],
    [0.25, 2],
  ]);
  otel('503', [
    [0.025, 0],
    [0.05, 0.2],
    [0.1, 0.45],
    [0.25, 0.5],
  ]);
  // The shop service exports Instrument Route's optional in-flight gauge (3 requests in flight).
  w.gauge('http_requests_in_progress', { job: 'shop' }, 3, 'HTTP requests in progress');
  // Another service's series with the same route must not leak into the shop's numbers.
  w.counter('http_requests', { job: 'other', method: 'GET', route: '/api/orders', status: '200' }, 100);
  return w.toString();
}

/**
 * Alerts are evaluated live (the history is in the past), so the e2e alert fires from a constant
 * expression carrying the labels a real HighErrorRate rule would have for GET /api/orders of job shop.
 */
const E2E_RULES = `groups:
  - name: e2e
    rules:
      - alert: HighErrorRate
        expr: vector(1)
        for: 0s
        labels: { severity: page, job: shop, route: /api/orders }
        annotations: { summary: "GET /api/orders fails more than 5% of requests" }
`;

/** The trace id of the e2e exemplar; the traces suite posts a trace with this id to the local receiver. */
export const E2E_EXEMPLAR_TRACE = '7a3c0d5e9b1f42c68d0e1f2a3b4c5d6e';

/**
 * Exemplars are not part of TSDB blocks (promtool cannot backfill them): a target scraped live serves the
 * latency histogram of GET /api/orders/{order_id} with an exemplar stamped inside the history (5 min before
 * the evaluation time), which Prometheus stores with that timestamp. Its own samples are "now", far outside the
 * pinned evaluation time, so no number changes; GET /api/orders has a (constant) request counter "now" too, so a
 * test looking at the last hour instead of the pinned time has a chart to mark the live alert on.
 */
function liveTarget(): string {
  const l = 'method="GET",route="/api/orders/{order_id}"';
  return [
    '# TYPE http_requests counter',
    'http_requests_total{method="GET",route="/api/orders",status="200"} 5',
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{${l},le="1.0"} 1 # {trace_id="${E2E_EXEMPLAR_TRACE}"} 0.93 ${E2E_TIME - 300}.000`,
    `http_request_duration_seconds_bucket{${l},le="+Inf"} 1`,
    `http_request_duration_seconds_count{${l}} 1`,
    `http_request_duration_seconds_sum{${l}} 0.93`,
    '# EOF',
    '',
  ].join('\n');
}

export async function startE2eBackends(_tmp: string): Promise<E2eBackends> {
  const target = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    res.end(liveTarget());
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const prom = await startPrometheus({
    openMetrics: e2eHistory(),
    rules: E2E_RULES,
    evaluationInterval: '1s',
    exemplars: true,
    scrapes: [{ job: 'shop', targets: [`127.0.0.1:${(target.address() as { port: number }).port}`], scrapeInterval: '1s' }],
  });
  return {
    userSettings: {
      'telemetryLens.prometheus.url': prom.url,
      'telemetryLens.metrics.evaluationTime': String(E2E_TIME),
      'telemetryLens.metrics.refreshIntervalSeconds': 5,
      'telemetryLens.prometheus.timeoutSeconds': 3,
    },
    env: { E2E_PROMETHEUS_URL: prom.url, E2E_TIME: String(E2E_TIME) },
    describe: { prometheus: prom.url },
    stop: async () => {
      await prom.stop();
      target.closeAllConnections();
      await new Promise((r) => target.close(r));
    },
  };
}

/** Every request a hostile endpoint received (what a workspace's settings would exfiltrate to). */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface RequestRecorder {
  url: string;
  close(): void;
}

/**
 * A loopback server that answers like Prometheus and records every request; `GET /__recorded` (not
 * recorded itself) returns the list, so the suite inside the extension host can assert on it.
 */
export async function startRequestRecorder(): Promise<RequestRecorder> {
  const recorded: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET' && req.url === '/__recorded') return void res.end(JSON.stringify(recorded));
    recorded.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}
