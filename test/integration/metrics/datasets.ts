/**
 * Deterministic HTTP-metrics data sets, one per convention, all in ONE OpenMetrics history (separate `job`s,
 * so the service selector is exercised too). Expected values are computed BY HAND below.
 *
 * Time: samples every 15 s from EPOCH (2026-01-01T00:00Z) for 2 h; queries are evaluated at EVAL_TIME.
 */
import type { HttpMethod, Route } from '../../../src/core/routes/types';
import { EPOCH, OpenMetricsWriter } from '../../support/prometheus';

export const EVAL_TIME = EPOCH + 5400;

export interface Traffic {
  /** Route label value as the library reports it. */
  value: string;
  /** Route label override (otel-legacy http_target). */
  label?: string;
  method: string;
  /** status code → req/s */
  statuses: Record<string, number>;
  /** [le seconds, cumulative req/s]; +Inf = total. */
  buckets: Array<[number, number]>;
}

export interface Expected {
  rate: number | null;
  errorRatio: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  hasData: boolean;
  /** formatStats() of the values. */
  display: string;
}

const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Profiles shared by all conventions. */
const A = {
  // GET /users/{id}: 10 req/s, 0.5 req/s of 500 → 5 % errors.
  statuses: { '200': 9.5, '500': 0.5 },
  cum: [1, 2, 4, 6, 8, 9.5, 9.8, 9.95, 10],
  // p50: rank 5 → (0.025,0.05] holds 4..6 → 0.025 + 0.025·(5−4)/2 = 0.0375
  // p90: rank 9 → (0.1,0.25] holds 8..9.5 → 0.1 + 0.15·(9−8)/1.5 = 0.2
  // p99: rank 9.9 → (0.5,1] holds 9.8..9.95 → 0.5 + 0.5·(9.9−9.8)/0.15 = 0.8333…
  expected: {
    rate: 10,
    errorRatio: 0.05,
    p50: 0.0375,
    p90: 0.2,
    p99: 0.5 + (0.5 * 0.1) / 0.15,
    hasData: true,
    display: '10 req/s · 5% errors · p99 833 ms',
  },
};
const B = {
  // POST /users: 2 req/s, 400s are not errors.
  statuses: { '201': 1.8, '400': 0.2 },
  cum: [0, 0, 0, 0.5, 1.2, 1.6, 1.9, 2, 2],
  // p50: rank 1 → (0.05,0.1] 0.5..1.2 → 0.05 + 0.05·0.5/0.7 = 0.0857142857
  // p90: rank 1.8 → (0.25,0.5] 1.6..1.9 → 0.25 + 0.25·0.2/0.3 = 0.4166666667
  // p99: rank 1.98 → (0.5,1] 1.9..2 → 0.5 + 0.5·0.08/0.1 = 0.9
  expected: {
    rate: 2,
    errorRatio: 0,
    p50: 0.05 + (0.05 * 0.5) / 0.7,
    p90: 0.25 + (0.25 * 0.2) / 0.3,
    p99: 0.9,
    hasData: true,
    display: '2 req/s · 0% errors · p99 900 ms',
  },
};
const C = {
  // GET /health: 0.05 req/s = 3 req/min, everything under 5 ms.
  statuses: { '200': 0.05 },
  cum: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
  // all in the first bucket (0,0.005]: p = 0.005·q
  expected: {
    rate: 0.05,
    errorRatio: 0,
    p50: 0.0025,
    p90: 0.0045,
    p99: 0.00495,
    hasData: true,
    display: '3 req/min · 0% errors · p99 4.95 ms',
  },
};
const D = {
  // GET /orders/{id}/items: 1 req/s, all 503; 60 % slower than 2.5 s → every quantile ≥ rank lands in +Inf → 2.5 s.
  statuses: { '503': 1 },
  cum: [0, 0, 0, 0, 0, 0, 0, 0, 0.4],
  expected: { rate: 1, errorRatio: 1, p50: 2.5, p90: 2.5, p99: 2.5, hasData: true, display: '1 req/s · 100% errors · p99 2.5 s' },
};
const IDLE = {
  // GET /idle: series exist but no traffic in the window → 0 req/s, error ratio and quantiles undefined (NaN in PromQL) → null.
  statuses: { '200': 0 },
  cum: [0, 0, 0, 0, 0, 0, 0, 0, 0],
  expected: { rate: 0, errorRatio: null, p50: null, p90: null, p99: null, hasData: true, display: '0 req/s · — errors · p99 —' },
};
export const NO_DATA: Expected = { rate: null, errorRatio: null, p50: null, p90: null, p99: null, hasData: false, display: '—' };

function buckets(cum: number[], scale = 1): Array<[number, number]> {
  return LE.map((le, i) => [le, cum[i]! * scale]);
}

export interface ConventionCase {
  convention:
    | 'instrumentator'
    | 'otel'
    | 'otel-legacy'
    | 'express-prom-bundle'
    | 'telemetry-lens'
    | 'fastify-metrics'
    | 'starlette-exporter'
    | 'prometheus-flask-exporter';
  job: string;
  /** Routes as the detector would report them, with the expected stats. */
  routes: Array<{ path: string; method: HttpMethod; expected: Expected; traffic: Traffic[] }>;
  /** Traffic with no route in the code. */
  unmatched: Traffic[];
}

function route(
  path: string,
  method: HttpMethod,
  p: { statuses: Record<string, number>; cum: number[]; expected: Expected } | null,
  values: Array<{ value: string; label?: string; share?: number }>,
) {
  return {
    path,
    method,
    expected: p ? p.expected : NO_DATA,
    traffic: p
      ? values.map((v) => {
          const share = v.share ?? 1;
          const statuses = Object.fromEntries(Object.entries(p.statuses).map(([k, r]) => [k, r * share]));
          return { value: v.value, method, statuses, buckets: buckets(p.cum, share), ...(v.label ? { label: v.label } : {}) };
        })
      : [],
  };
}

/** A request no route answers (prometheus-flask-exporter's raw `path` keeps it; its own /metrics is do_not_track). */
const notFound: Traffic = {
  value: '/wp-login.php',
  method: 'GET',
  statuses: { '404': 0.3 },
  buckets: buckets([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]),
};

const metricsEndpoint: Traffic = {
  value: '/metrics',
  method: 'GET',
  statuses: { '200': 1 },
  buckets: buckets([1, 1, 1, 1, 1, 1, 1, 1, 1]),
};

export const CASES: ConventionCase[] = [
  {
    convention: 'instrumentator',
    job: 'fastapi',
    routes: [
      route('/users/{user_id}', 'GET', A, [{ value: '/users/{user_id}' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/{order_id}/items', 'GET', D, [{ value: '/orders/{order_id}/items' }]),
      route('/users/{user_id}', 'DELETE', null, []),
    ],
    unmatched: [metricsEndpoint],
  },
  {
    convention: 'otel',
    job: 'otel-express',
    routes: [
      route('/users/:id', 'GET', A, [{ value: '/users/:id' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/:orderId/items', 'GET', D, [{ value: '/orders/:orderId/items' }]),
      route('/users/:id', 'DELETE', null, []),
    ],
    unmatched: [metricsEndpoint],
  },
  {
    convention: 'otel-legacy',
    job: 'otel-legacy',
    routes: [
      route('/users/:id', 'GET', A, [{ value: '/users/:id' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      // no http_route: raw http_target URLs, matched to the template by pattern and summed
      route('/orders/:orderId/items', 'GET', D, [
        { value: '/orders/17/items', label: 'http_target', share: 0.6 },
        { value: '/orders/18/items', label: 'http_target', share: 0.4 },
      ]),
      route('/users/:id', 'DELETE', null, []),
    ],
    unmatched: [metricsEndpoint],
  },
  {
    convention: 'express-prom-bundle',
    job: 'express-bundle',
    routes: [
      route('/users/:id', 'GET', A, [{ value: '/users/#val' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      // non-id values stay raw in express-prom-bundle's normalised path
      route('/orders/:orderId/items', 'GET', D, [
        { value: '/orders/abc/items', share: 0.5 },
        { value: '/orders/def/items', share: 0.5 },
      ]),
      route('/users/:id', 'DELETE', null, []),
    ],
    unmatched: [metricsEndpoint],
  },
  {
    convention: 'telemetry-lens',
    job: 'instrumented',
    routes: [
      route('/users/:id', 'GET', A, [{ value: '/users/:id' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/:orderId/items', 'GET', D, [{ value: '/orders/:orderId/items' }]),
      route('/users/:id', 'DELETE', null, []),
    ],
    unmatched: [metricsEndpoint],
  },
  // The three below are appended (the engine tests address the ones above by index).
  {
    // fastify-metrics 13 (node_modules/fastify-metrics-for-tests/dist/fastify-metrics.js, registerRouteMetrics): histogram
    // http_request_duration_seconds {method, route, status_code}, route = request.routeOptions.url. The same family name
    // as express-prom-bundle's above, told apart by `route`. (Its real output is scraped in fastifyMetrics.live.test.ts.)
    convention: 'fastify-metrics',
    job: 'fastify',
    routes: [
      route('/users/:id', 'GET', A, [{ value: '/users/:id' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/:orderId/items', 'GET', D, [{ value: '/orders/:orderId/items' }]),
      route('/users/:id', 'DELETE', null, []),
    ],
    // the plugin's own /metrics route is registered, hence measured
    unmatched: [metricsEndpoint],
  },
  {
    // starlette_exporter 0.23.0, github.com/stephenhillier/starlette_exporter, starlette_exporter/middleware.py
    // (PrometheusMiddleware: request_count = Counter(f"{prefix}_requests_total", …, ("method", "path", "status_code",
    // "app_name")), request_time = Histogram(f"{prefix}_request_duration_seconds", same labels), prefix and app_name
    // default "starlette"); group_paths=True (the default since 0.18.0, commit 4683bf1) puts the route template in
    // `path`; filter_unhandled_paths (also default) drops unrouted requests. The bucket bounds here are a subset of
    // prometheus_client's defaults, which it uses unless `buckets` is given.
    convention: 'starlette-exporter',
    job: 'starlette',
    routes: [
      route('/users/{user_id}', 'GET', A, [{ value: '/users/{user_id}' }]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/{order_id}/items', 'GET', D, [{ value: '/orders/{order_id}/items' }]),
      route('/users/{user_id}', 'DELETE', null, []),
    ],
    // handle_metrics mounted at /metrics is a route like the others
    unmatched: [metricsEndpoint],
  },
  {
    // prometheus-flask-exporter 0.23.2, github.com/rycus86/prometheus_flask_exporter, prometheus_flask_exporter/__init__.py
    // (export_defaults: Histogram('%shttp_request_duration_seconds' % prefix, …, ('method', group_by, 'status')),
    // Counter('%shttp_request_total' % prefix, …, ('method', 'status')), defaults_prefix "flask"); the default
    // group_by='path' labels `path` with request.path, the raw URL (tests/test_group_by.py); its /metrics view is
    // do_not_track. The path-less counter is written too: detection looks for it.
    convention: 'prometheus-flask-exporter',
    job: 'flask',
    routes: [
      route('/users/<int:user_id>', 'GET', A, [
        { value: '/users/7', share: 0.7 },
        { value: '/users/8', share: 0.3 },
      ]),
      route('/users', 'POST', B, [{ value: '/users' }]),
      route('/health', 'GET', C, [{ value: '/health' }]),
      route('/idle', 'GET', IDLE, [{ value: '/idle' }]),
      route('/orders/<order_id>/items', 'GET', D, [{ value: '/orders/abc/items' }]),
      route('/users/<int:user_id>', 'DELETE', null, []),
    ],
    unmatched: [notFound],
  },
];

/** Prefix used by the telemetry-lens data set (exercises prefix detection). */
export const TL_PREFIX = 'myapp_';

const grouped = (code: string) => `${code[0]}xx`;

/** One OpenMetrics history with every case (plus a noisy neighbour job). */
export function buildHistory(): string {
  const w = new OpenMetricsWriter({ start: EPOCH, end: EPOCH + 7200, step: 15 });
  const all = (c: ConventionCase) => [...c.routes.flatMap((r) => r.traffic), ...c.unmatched];
  const split = (t: Traffic) => {
    const total = Object.values(t.statuses).reduce((a, b) => a + b, 0);
    return Object.entries(t.statuses).map(([code, r]) => ({ code, r, share: total ? r / total : 0 }));
  };
  const scaled = (b: Array<[number, number]>, k: number, toMs = false): Array<[number, number]> =>
    b.map(([le, v]) => [toMs ? le * 1000 : le, v * k]);

  for (const c of CASES) {
    const job = c.job;
    /** prometheus-flask-exporter's path-less counter, summed over paths: method|status → req/s */
    const flaskTotals = new Map<string, number>();
    for (const t of all(c)) {
      const total = Object.values(t.statuses).reduce((a, b) => a + b, 0);
      switch (c.convention) {
        case 'instrumentator': {
          const byGroup = new Map<string, number>();
          for (const { code, r } of split(t)) byGroup.set(grouped(code), (byGroup.get(grouped(code)) ?? 0) + r);
          for (const [status, r] of byGroup)
            w.counter('http_requests', { job, instance: 'api:8000', handler: t.value, method: t.method, status }, r);
          w.histogram('http_request_duration_seconds', { job, instance: 'api:8000', handler: t.value, method: t.method }, t.buckets, {
            countRate: total,
          });
          break;
        }
        case 'otel':
          for (const { code, r, share } of split(t)) {
            w.histogram(
              'http_server_request_duration_seconds',
              { job, instance: 'otel:1', http_route: t.value, http_request_method: t.method, http_response_status_code: code },
              scaled(t.buckets, share),
              { countRate: r },
            );
          }
          break;
        case 'otel-legacy':
          for (const { code, r, share } of split(t)) {
            w.histogram(
              'http_server_duration_milliseconds',
              { job, instance: 'otel:2', [t.label ?? 'http_route']: t.value, http_method: t.method, http_status_code: code },
              scaled(t.buckets, share, true),
              { countRate: r, sumRate: r * 100 },
            );
          }
          break;
        case 'express-prom-bundle':
          for (const { code, r, share } of split(t)) {
            w.histogram(
              'http_request_duration_seconds',
              { job, instance: 'web:3000', path: t.value, method: t.method, status_code: code },
              scaled(t.buckets, share),
              {
                countRate: r,
              },
            );
          }
          break;
        case 'telemetry-lens':
          for (const { code, r, share } of split(t)) {
            w.counter(`${TL_PREFIX}http_requests`, { job, instance: 'app:1', method: t.method, route: t.value, status: code }, r);
            w.histogram(
              `${TL_PREFIX}http_request_duration_seconds`,
              { job, instance: 'app:1', method: t.method, route: t.value, status: code },
              scaled(t.buckets, share),
              {
                countRate: r,
              },
            );
          }
          break;
        case 'fastify-metrics':
          for (const { code, r, share } of split(t)) {
            w.histogram(
              'http_request_duration_seconds',
              { job, instance: 'fastify:3000', method: t.method, route: t.value, status_code: code },
              scaled(t.buckets, share),
              { countRate: r },
            );
          }
          break;
        case 'starlette-exporter':
          for (const { code, r, share } of split(t)) {
            const labels = { job, instance: 'starlette:8000', method: t.method, path: t.value, status_code: code, app_name: 'starlette' };
            w.counter('starlette_requests', labels, r);
            w.histogram('starlette_request_duration_seconds', labels, scaled(t.buckets, share), { countRate: r });
          }
          break;
        case 'prometheus-flask-exporter':
          for (const { code, r, share } of split(t)) {
            w.histogram(
              'flask_http_request_duration_seconds',
              { job, instance: 'flask:5000', method: t.method, path: t.value, status: code },
              scaled(t.buckets, share),
              { countRate: r },
            );
            const k = `${t.method}|${code}`;
            flaskTotals.set(k, (flaskTotals.get(k) ?? 0) + r);
          }
          break;
      }
    }
    for (const [k, r] of flaskTotals) {
      const [method, status] = k.split('|') as [string, string];
      w.counter('flask_http_request', { job, instance: 'flask:5000', method, status }, r);
    }
    if (c.convention === 'prometheus-flask-exporter') w.gauge('flask_exporter_info', { job, instance: 'flask:5000', version: '0.23.2' }, 1);
  }
  // Noisy neighbour: same metric names, another job, 100 req/s of 500s on the same template.
  w.counter('http_requests', { job: 'noise', instance: 'x:1', handler: '/users/{user_id}', method: 'GET', status: '5xx' }, 100);
  w.histogram(
    'http_request_duration_seconds',
    { job: 'noise', instance: 'x:1', handler: '/users/{user_id}', method: 'GET' },
    buckets([0, 0, 0, 0, 0, 0, 0, 0, 0]),
    { countRate: 100 },
  );
  return w.toString();
}

/** Route objects as the detector would build them (hand-made: the engine is tested on its own). */
export function makeRoute(path: string, method: HttpMethod, i = 0, framework: Route['framework'] = 'express'): Route {
  const range = { start: { line: 10 + i, column: 0 }, end: { line: 10 + i, column: 40 } };
  return {
    framework,
    methods: [method],
    path,
    fullPath: path,
    file: `/ws/app/${framework}.ts`,
    line: 10 + i,
    range,
    handlerFile: `/ws/app/${framework}.ts`,
    handlerLine: 10 + i,
    handlerName: `handler${i}`,
  };
}
