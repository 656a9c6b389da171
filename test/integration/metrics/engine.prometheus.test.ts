/**
 * MetricsEngine against a REAL Prometheus loaded with one deterministic data set per convention.
 * Each route's stats must equal (a) the hand-computed values in datasets.ts and (b) what Prometheus itself
 * answers for the equivalent single-route PromQL, to display rounding.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { MetricsEngine, type ServiceSpec } from '../../../src/core/metrics/engine';
import { detectConvention } from '../../../src/core/metrics/detect';
import type { Route } from '../../../src/core/routes/types';
import { formatDuration, formatRate, formatRatio, formatStats } from '../../../src/core/metrics/format';
import { startPrometheus, promScalar, type PrometheusInstance } from '../../support/prometheus';
import { buildHistory, CASES, EVAL_TIME, makeRoute, TL_PREFIX, type ConventionCase } from './datasets';

let prom: PrometheusInstance;
let client: PrometheusClient;

before(async () => {
  prom = await startPrometheus({ openMetrics: buildHistory() });
  client = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 });
});
after(async () => {
  await prom?.stop();
});

function close(actual: number | null, expected: number | null, what: string) {
  if (expected === null) return assert.equal(actual, null, `${what}: expected no value, got ${actual}`);
  assert.ok(actual !== null, `${what}: expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 + Math.abs(expected) * 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

const FRAMEWORK: Partial<Record<ConventionCase['convention'], Route['framework']>> = {
  instrumentator: 'fastapi',
  'starlette-exporter': 'fastapi',
  'prometheus-flask-exporter': 'flask',
  'fastify-metrics': 'fastify',
};

function serviceOf(c: ConventionCase, convention: ServiceSpec['convention'] = 'auto'): ServiceSpec {
  return {
    id: c.job,
    selector: `job="${c.job}"`,
    convention,
    routes: c.routes.map((r, i) => makeRoute(r.path, r.method, i, FRAMEWORK[c.convention] ?? 'express')),
  };
}

/** Independent single-route PromQL, written out per convention (not built by the code under test). */
function referenceQueries(c: ConventionCase, r: ConventionCase['routes'][number]) {
  const job = `job="${c.job}"`;
  const values = r.traffic.map((t) => t.value);
  const label = r.traffic[0]?.label;
  const eq = (l: string) => (values.length === 1 ? `${l}="${values[0]}"` : `${l}=~"${values.join('|')}"`);
  const spec = {
    instrumentator: {
      count: 'http_requests_total',
      bucket: 'http_request_duration_seconds_bucket',
      m: `${eq('handler')},method="${r.method}"`,
      err: 'status=~"5.."',
      k: '',
    },
    otel: {
      count: 'http_server_request_duration_seconds_count',
      bucket: 'http_server_request_duration_seconds_bucket',
      m: `${eq('http_route')},http_request_method="${r.method}"`,
      err: 'http_response_status_code=~"5.."',
      k: '',
    },
    'otel-legacy': {
      count: 'http_server_duration_milliseconds_count',
      bucket: 'http_server_duration_milliseconds_bucket',
      m: `${eq(label ?? 'http_route')},http_method="${r.method}"`,
      err: 'http_status_code=~"5.."',
      k: ' / 1000',
    },
    'express-prom-bundle': {
      count: 'http_request_duration_seconds_count',
      bucket: 'http_request_duration_seconds_bucket',
      m: `${eq('path')},method="${r.method}"`,
      err: 'status_code=~"5.."',
      k: '',
    },
    'fastify-metrics': {
      count: 'http_request_duration_seconds_count',
      bucket: 'http_request_duration_seconds_bucket',
      m: `${eq('route')},method="${r.method}"`,
      err: 'status_code=~"5.."',
      k: '',
    },
    'starlette-exporter': {
      count: 'starlette_requests_total',
      bucket: 'starlette_request_duration_seconds_bucket',
      m: `${eq('path')},method="${r.method}"`,
      err: 'status_code=~"5.."',
      k: '',
    },
    'prometheus-flask-exporter': {
      count: 'flask_http_request_duration_seconds_count',
      bucket: 'flask_http_request_duration_seconds_bucket',
      m: `${eq('path')},method="${r.method}"`,
      err: 'status=~"5.."',
      k: '',
    },
    'telemetry-lens': {
      count: `${TL_PREFIX}http_requests_total`,
      bucket: `${TL_PREFIX}http_request_duration_seconds_bucket`,
      m: `${eq('route')},method="${r.method}"`,
      err: 'status=~"5.."',
      k: '',
    },
  }[c.convention];
  const q = (x: number) => `histogram_quantile(${x}, sum by (le) (rate(${spec.bucket}{${job},${spec.m}}[5m])))${spec.k}`;
  return {
    rate: `sum(rate(${spec.count}{${job},${spec.m}}[5m]))`,
    errorRatio: `sum(rate(${spec.count}{${job},${spec.m},${spec.err}}[5m])) / sum(rate(${spec.count}{${job},${spec.m}}[5m]))`,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
  };
}

for (const c of CASES) {
  describe(`convention ${c.convention} (job="${c.job}")`, () => {
    it('detects the convention from the metric names under the service selector', async () => {
      const engine = new MetricsEngine(client);
      const r = await engine.refresh([serviceOf(c)], { evaluationTime: EVAL_TIME, window: '5m' });
      assert.equal(r.services[0]!.convention, c.convention, r.services[0]!.reason);
      if (c.convention === 'telemetry-lens') assert.equal(r.services[0]!.conventionConfig?.prefix, TL_PREFIX);
      if (c.convention === 'otel-legacy') assert.match(r.services[0]!.warnings.join('\n'), /legacy .*millisecond/i);
      else assert.deepEqual(r.services[0]!.warnings, []);
    });

    it('gives every route the hand-computed rate, error ratio and quantiles, equal to Prometheus', async () => {
      const engine = new MetricsEngine(client);
      const service = serviceOf(c);
      const r = await engine.refresh([service], { evaluationTime: EVAL_TIME, window: '5m' });
      const stats = r.services[0]!.routes;
      assert.equal(stats.length, c.routes.length);
      for (const [i, rc] of c.routes.entries()) {
        const s = stats[i]!;
        const what = `${c.convention} ${rc.method} ${rc.path}`;
        assert.equal(s.route, service.routes[i]);
        assert.equal(s.hasData, rc.expected.hasData, `${what} hasData`);
        for (const k of ['rate', 'errorRatio', 'p50', 'p90', 'p99'] as const) close(s[k], rc.expected[k], `${what} ${k} (hand)`);
        assert.equal(formatStats(s), rc.expected.display, `${what} display`);
        if (!rc.expected.hasData) continue;
        const ref = referenceQueries(c, rc);
        for (const k of ['rate', 'errorRatio', 'p50', 'p90', 'p99'] as const) {
          const fromProm = await promScalar(prom.url, ref[k], EVAL_TIME);
          const fmt = k === 'rate' ? formatRate : k === 'errorRatio' ? formatRatio : formatDuration;
          assert.equal(
            fmt(s[k]),
            fmt(fromProm ?? (k === 'errorRatio' && s.rate ? 0 : null)),
            `${what} ${k}: engine ${s[k]} vs Prometheus ${fromProm} (${ref[k]})`,
          );
        }
      }
    });

    it('offers single-route queries ("Open in Prometheus") that Prometheus evaluates to the same stats', async () => {
      const engine = new MetricsEngine(client);
      const service = serviceOf(c);
      const r = await engine.refresh([service], { evaluationTime: EVAL_TIME, window: '5m' });
      for (const [i, rc] of c.routes.entries()) {
        if (!rc.expected.hasData) continue;
        const raw = await engine.rawQueries(service, service.routes[i]!, { evaluationTime: EVAL_TIME });
        assert.ok(raw);
        const s = r.services[0]!.routes[i]!;
        close(await promScalar(prom.url, raw.rate, EVAL_TIME), s.rate, `${rc.path} raw rate`);
        close(await promScalar(prom.url, raw.errorRatio, EVAL_TIME), s.errorRatio, `${rc.path} raw errorRatio`);
        assert.equal(formatDuration(await promScalar(prom.url, raw.p99, EVAL_TIME)), formatDuration(s.p99), `${rc.path} raw p99`);
        assert.ok(raw.links.rate.startsWith(`${prom.url}/graph?`));
        assert.equal(new URL(raw.links.rate).searchParams.get('g0.expr'), raw.rate);
      }
    });

    it('reports label values with traffic that match no route in the code', async () => {
      const engine = new MetricsEngine(client);
      const r = await engine.refresh([serviceOf(c)], { evaluationTime: EVAL_TIME, window: '5m' });
      assert.deepEqual(
        r.services[0]!.unmatched.map((u) => [u.value, u.method]),
        c.unmatched.map((u) => [u.value, u.method]),
      );
    });
  });
}

describe('engine behaviour on the data sets', () => {
  const inst = CASES.find((c) => c.convention === 'instrumentator')!;

  it('sends the same number of queries for 5 routes and for 500 routes (grouped by route label)', async () => {
    const counting = new PrometheusClient({ baseUrl: prom.url });
    let n = 0;
    counting.onRequest(() => n++);
    const small = serviceOf(inst, 'instrumentator');
    const big: ServiceSpec = {
      ...small,
      routes: [...small.routes, ...Array.from({ length: 495 }, (_, i) => makeRoute(`/generated/${i}/{id}`, 'GET', 100 + i, 'fastapi'))],
    };
    await new MetricsEngine(counting).refresh([small], { evaluationTime: EVAL_TIME });
    const forSmall = n;
    n = 0;
    const r = await new MetricsEngine(counting).refresh([big], { evaluationTime: EVAL_TIME });
    assert.equal(n, forSmall);
    assert.equal(n, 3);
    assert.equal(r.services[0]!.routes.filter((s) => s.hasData).length, 5);
  });

  it('serves a second refresh within the interval from cache and shares identical in-flight refreshes', async () => {
    const counting = new PrometheusClient({ baseUrl: prom.url });
    let n = 0;
    counting.onRequest(() => n++);
    let clock = 1_000_000;
    const engine = new MetricsEngine(counting, { refreshIntervalMs: 15_000, now: () => clock });
    const svc = serviceOf(inst);
    const [a, b] = await Promise.all([
      engine.refresh([svc], { evaluationTime: EVAL_TIME }),
      engine.refresh([svc], { evaluationTime: EVAL_TIME }),
    ]);
    assert.equal(a, b);
    const first = n;
    assert.ok(first > 0);
    clock += 10_000;
    assert.equal(await engine.refresh([svc], { evaluationTime: EVAL_TIME }), a);
    assert.equal(n, first);
    clock += 10_000; // past the interval: refetched (detection stays cached)
    const c = await engine.refresh([svc], { evaluationTime: EVAL_TIME });
    assert.notEqual(c, a);
    assert.equal(n, first + 3);
    assert.deepEqual(
      c.services[0]!.routes.map((s) => s.rate),
      a.services[0]!.routes.map((s) => s.rate),
    );
  });

  it('a caller cancelling a shared refresh does not cancel the others; a cancelled refresh is not reused', async () => {
    const counting = new PrometheusClient({ baseUrl: prom.url });
    let n = 0;
    counting.onRequest(() => n++);
    const engine = new MetricsEngine(counting);
    const svc = serviceOf(inst, 'instrumentator');
    const ctl = new AbortController();
    const a = engine.refresh([svc], { evaluationTime: EVAL_TIME, signal: ctl.signal });
    const b = engine.refresh([svc], { evaluationTime: EVAL_TIME });
    ctl.abort();
    await assert.rejects(a, (e: unknown) => e instanceof Error && (e as { kind?: string }).kind === 'cancelled');
    close((await b).services[0]!.routes[0]!.rate, 10, 'the other caller still gets its result');
    assert.equal(n, 3, 'one shared set of queries');

    const only = new AbortController();
    const c = engine.refresh([svc], { evaluationTime: EVAL_TIME + 15, signal: only.signal });
    only.abort();
    await assert.rejects(c);
    close(
      (await engine.refresh([svc], { evaluationTime: EVAL_TIME + 15 })).services[0]!.routes[0]!.rate,
      10,
      'a new refresh after the abandoned one',
    );
  });

  it('ignores series of other services (selector) — the noisy neighbour does not leak in', async () => {
    const engine = new MetricsEngine(client);
    const r = await engine.refresh([serviceOf(inst)], { evaluationTime: EVAL_TIME });
    close(r.services[0]!.routes[0]!.rate, 10, 'rate of /users/{user_id} in job=fastapi');
    const all = await engine.refresh([{ ...serviceOf(inst, 'instrumentator'), id: 'all', selector: '' }], { evaluationTime: EVAL_TIME });
    close(all.services[0]!.routes[0]!.rate, 110, 'rate with no selector includes the neighbour');
  });

  it('routeDetails gives a one-hour rate series at 60 s steps and the top status codes', async () => {
    const engine = new MetricsEngine(client);
    const svc = serviceOf(CASES.find((c) => c.convention === 'telemetry-lens')!);
    const d = await engine.routeDetails(svc, svc.routes[0]!, { evaluationTime: EVAL_TIME });
    close(d.stats.rate, 10, 'details rate');
    assert.equal(d.rateSeries.length, 61);
    assert.equal(d.rateSeries[60]![0], EVAL_TIME);
    for (const [, v] of d.rateSeries) close(v, 10, 'series point');
    assert.deepEqual(
      d.statusCodes.map((s) => s.code),
      ['200', '500'],
    );
    close(d.statusCodes[0]!.rate, 9.5, '200 rate');
    close(d.statusCodes[1]!.rate, 0.5, '500 rate');
  });

  it('routeDetails reuses the stats of a fresh refresh of all services (2 more queries per hover)', async () => {
    const counting = new PrometheusClient({ baseUrl: prom.url });
    let n = 0;
    counting.onRequest(() => n++);
    const engine = new MetricsEngine(counting);
    const services = CASES.map((c) => serviceOf(c));
    const all = await engine.refresh(services, { evaluationTime: EVAL_TIME });
    n = 0;
    const svc = services[4]!;
    const rescanned = { ...svc.routes[0]! }; // a later workspace scan builds new Route objects
    const d = await engine.routeDetails(svc, rescanned, { evaluationTime: EVAL_TIME });
    assert.equal(n, 2);
    assert.equal(d.stats, all.services[4]!.routes[0]);
  });

  it('explains the detected convention with the exact queries', async () => {
    const engine = new MetricsEngine(client);
    const text = await engine.explain(serviceOf(CASES.find((c) => c.convention === 'express-prom-bundle')!), { evaluationTime: EVAL_TIME });
    assert.match(text, /Convention: express-prom-bundle/);
    assert.match(text, /path\/status_code labels/);
    assert.match(text, /sum by \(path, method\) \(rate\(http_request_duration_seconds_count\{job="express-bundle"\}\[5m\]\)\)/);
    assert.match(text, /#val/);
  });

  it('tells fastify-metrics from express-prom-bundle (one histogram name) by their route label, and says when both are there', async () => {
    const fastify = CASES.find((c) => c.convention === 'fastify-metrics')!;
    const bundle = CASES.find((c) => c.convention === 'express-prom-bundle')!;
    const engine = new MetricsEngine(client);
    const r = await engine.refresh([serviceOf(fastify), serviceOf(bundle)], { evaluationTime: EVAL_TIME });
    assert.deepEqual(
      r.services.map((s) => s.convention),
      ['fastify-metrics', 'express-prom-bundle'],
    );
    assert.match(r.services[0]!.reason, /http_request_duration_seconds with route\/method\/status_code labels \(fastify-metrics\)/);
    const both = await detectConvention(client, 'job=~"fastify|express-bundle"', { start: EVAL_TIME - 3600, end: EVAL_TIME });
    assert.equal(both.config?.name, 'express-prom-bundle');
    assert.deepEqual(both.alsoPresent, ['fastify-metrics']);
    assert.match(both.reason, /Also present: fastify-metrics\./);
  });

  it('explains the Python libraries with what their labels can say per route', async () => {
    const engine = new MetricsEngine(client);
    const flask = await engine.explain(serviceOf(CASES.find((c) => c.convention === 'prometheus-flask-exporter')!), {
      evaluationTime: EVAL_TIME,
    });
    assert.match(flask, /Convention: prometheus-flask-exporter/);
    assert.match(flask, /beside flask_http_request_total/);
    assert.match(flask, /sum by \(path, url_rule, method\) \(rate\(flask_http_request_duration_seconds_count\{job="flask"\}\[5m\]\)\)/);
    assert.match(flask, /flask_http_request_total has no path label/);
    const starlette = await engine.explain(serviceOf(CASES.find((c) => c.convention === 'starlette-exporter')!), {
      evaluationTime: EVAL_TIME,
    });
    assert.match(starlette, /Convention: starlette-exporter — starlette_exporter\n/);
    assert.match(starlette, /group_paths, the default since starlette_exporter 0\.18\.0/);
  });

  it('reports "no convention" for a selector without HTTP metrics instead of failing', async () => {
    const engine = new MetricsEngine(client);
    const r = await engine.refresh([{ id: 'x', selector: 'job="does-not-exist"', routes: [makeRoute('/a', 'GET')] }], {
      evaluationTime: EVAL_TIME,
    });
    assert.equal(r.services[0]!.convention, null);
    assert.match(r.services[0]!.reason, /No series at all under \{job="does-not-exist"\}/);
    assert.equal(r.services[0]!.routes[0]!.hasData, false);
  });

  it('keeps a service whose selector Prometheus rejects apart from the others', async () => {
    const engine = new MetricsEngine(client);
    const r = await engine.refresh(
      [{ ...serviceOf(inst, 'instrumentator'), id: 'broken', selector: 'job=~"(unclosed"' }, serviceOf(inst)],
      { evaluationTime: EVAL_TIME },
    );
    assert.equal(r.services[0]!.error?.kind, 'api-error');
    assert.match(r.services[0]!.reason, /^Prometheus rejected the query \(bad_data\)/);
    assert.equal(
      r.services[0]!.routes.every((s) => !s.hasData),
      true,
    );
    assert.equal(r.services[1]!.error, undefined);
    close(r.services[1]!.routes[0]!.rate, 10, 'healthy service still refreshed');
  });

  it('custom PromQL templates give the same stats per route', async () => {
    const engine = new MetricsEngine(client);
    const svc: ServiceSpec = {
      ...serviceOf(inst),
      convention: 'custom',
      custom: {
        rate: 'sum(rate(http_requests_total{$service, handler="$route", method=~"$method"}[$window]))',
        errorRatio:
          '(sum(rate(http_requests_total{$service, handler="$route", method=~"$method", status="5xx"}[$window])) or vector(0)) / sum(rate(http_requests_total{$service, handler="$route", method=~"$method"}[$window]))',
        latency:
          'histogram_quantile($quantile, sum by (le) (rate(http_request_duration_seconds_bucket{$service, handler="$route", method=~"$method"}[$window])))',
      },
    };
    const r = await engine.refresh([svc], { evaluationTime: EVAL_TIME });
    for (const [i, rc] of inst.routes.entries()) {
      const s = r.services[0]!.routes[i]!;
      assert.equal(s.hasData, rc.expected.hasData, rc.path);
      assert.equal(formatStats(s), rc.expected.display, rc.path);
    }
  });
});
