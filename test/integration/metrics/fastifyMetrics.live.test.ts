/**
 * fastify-metrics for real: a Fastify app with the fastify-metrics plugin (the worktree's, prom-client's default
 * registry) serves requests; a real Prometheus scrapes its /metrics every second. The engine must detect the
 * convention from what the plugin really exports and give every route the numbers Prometheus itself answers for
 * the equivalent single-route PromQL. Traffic comes in two identical rounds with a scrape between them and none
 * during them (the /metrics route waits for a round to end), so every series grows the same way and the error
 * ratio is exactly the second round's. Waits are bounded polls on the observable condition.
 * The plugin is the npm package fastify-metrics installed under the alias `fastify-metrics-for-tests`: the repository's
 * package.json is the manifest Instrument Route reads for the fixtures inside it, and a dependency named
 * fastify-metrics there would make each of them a service exporting fastify-metrics' http_request_duration_seconds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyMetrics from 'fastify-metrics-for-tests';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { MetricsEngine, type ServiceSpec } from '../../../src/core/metrics/engine';
import { formatDuration } from '../../../src/core/metrics/format';
import { promQuery, promScalar, startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { makeRoute } from './datasets';

const JOB = 'fastify-live';
let app: FastifyInstance;
let prom: PrometheusInstance;
let engine: MetricsEngine;
/** Resolved while no round of traffic is under way (the /metrics route waits for it). */
let idle: Promise<void> = Promise.resolve();
let evalTime = 0;

const routes = [
  makeRoute('/users/:id', 'GET', 0, 'fastify'),
  makeRoute('/users', 'POST', 1, 'fastify'),
  makeRoute('/health', 'GET', 2, 'fastify'),
  makeRoute('/api/orders/:orderId', 'GET', 3, 'fastify'),
  makeRoute('/never', 'GET', 4, 'fastify'),
];
const service: ServiceSpec = { id: JOB, selector: `job="${JOB}"`, convention: 'auto', routes };

/** One round: GET /users/:id 18 × 200 (6 of them slow) and 2 × 500, POST /users 4 × 201 and 1 × 400, GET /health 5 × 200,
 *  GET /api/orders/:orderId (a prefixed plugin) 3 × 503. */
async function round(): Promise<void> {
  let done!: () => void;
  idle = new Promise((r) => (done = r));
  try {
    const reqs = [
      ...Array.from({ length: 18 }, (_, i) => app.inject({ method: 'GET', url: `/users/${i}${i < 6 ? '?slow=1' : ''}` })),
      ...Array.from({ length: 2 }, () => app.inject({ method: 'GET', url: '/users/fail' })),
      ...Array.from({ length: 4 }, () => app.inject({ method: 'POST', url: '/users', payload: { name: 'a' } })),
      app.inject({ method: 'POST', url: '/users', payload: {} }),
      ...Array.from({ length: 5 }, () => app.inject({ method: 'GET', url: '/health' })),
      ...Array.from({ length: 3 }, (_, i) => app.inject({ method: 'GET', url: `/api/orders/${i}` })),
    ];
    const codes = (await Promise.all(reqs)).map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c >= 500).length, 5);
  } finally {
    done();
  }
}

async function poll<T>(what: string, fn: () => Promise<T | null | undefined>, attempts = 150): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200)); // interval between bounded polls of the condition
  }
  throw new Error(`timed out waiting for ${what}\n${prom.logs().split('\n').slice(-10).join('\n')}`);
}

/** Requests of the app's routes Prometheus has seen (the /metrics route left out). */
const seen = async () =>
  promScalar(prom.url, `sum(http_request_duration_seconds_count{job="${JOB}", route!="/metrics"})`, Math.floor(Date.now() / 1000));

before(async () => {
  app = Fastify();
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/metrics')) await idle;
  });
  await app.register(fastifyMetrics, { endpoint: '/metrics' });
  app.get<{ Params: { id: string }; Querystring: { slow?: string } }>('/users/:id', async (req, reply) => {
    if (req.params.id === 'fail') return reply.code(500).send({ error: 'boom' });
    if (req.query.slow) await new Promise((r) => setTimeout(r, 30)); // a handler that takes a while
    return { id: req.params.id };
  });
  app.post<{ Body: { name?: string } }>('/users', async (req, reply) => reply.code(req.body?.name ? 201 : 400).send({}));
  app.get('/health', async () => 'ok');
  await app.register(
    async (api) => {
      api.get('/orders/:orderId', async (_req, reply) => reply.code(503).send({ error: 'unavailable' }));
    },
    { prefix: '/api' },
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  prom = await startPrometheus({ scrapeInterval: '1s', scrapes: [{ job: JOB, targets: [new URL(address).host] }] });
  engine = new MetricsEngine(new PrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 }), { refreshIntervalMs: 0 });

  await round();
  await poll('the first round scraped', async () => ((await seen()) === 33 ? true : null));
  await round();
  await poll('the second round scraped', async () => ((await seen()) === 66 ? true : null));
  // a scrape after the last change, so that the evaluation time is after every sample of the rounds
  const scrapes = await promScalar(prom.url, `count_over_time(up{job="${JOB}"}[1h])`, Math.floor(Date.now() / 1000));
  await poll('one more scrape', async () => {
    const now = await promScalar(prom.url, `count_over_time(up{job="${JOB}"}[1h])`, Math.floor(Date.now() / 1000));
    return now !== null && scrapes !== null && now > scrapes ? true : null;
  });
  evalTime = Math.floor(Date.now() / 1000);
});

after(async () => {
  await prom?.stop();
  await app?.close();
});

/** Independent single-route PromQL over fastify-metrics' series (not built by the code under test). */
function reference(route: string, method: string) {
  const m = `job="${JOB}", route="${route}", method="${method}"`;
  const q = (x: number) => `histogram_quantile(${x}, sum by (le) (rate(http_request_duration_seconds_bucket{${m}}[5m])))`;
  return {
    rate: `sum(rate(http_request_duration_seconds_count{${m}}[5m]))`,
    errorRatio: `sum(rate(http_request_duration_seconds_count{${m}, status_code=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count{${m}}[5m]))`,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
  };
}

function close(actual: number | null, expected: number | null, what: string) {
  if (expected === null) return assert.equal(actual, null, `${what}: expected no value, got ${actual}`);
  assert.ok(actual !== null, `${what}: expected ${expected}, got null`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 + Math.abs(expected) * 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

describe('fastify-metrics (real plugin) scraped by Prometheus', () => {
  it('exports what the convention expects: http_request_duration_seconds{method, route, status_code} and the summary', async () => {
    const series = await promQuery(prom.url, `http_request_duration_seconds_count{job="${JOB}"}`, evalTime);
    assert.ok(series.length >= 6, `${series.length} series`);
    for (const s of series)
      assert.deepEqual(Object.keys(s.metric).sort(), ['__name__', 'instance', 'job', 'method', 'route', 'status_code']);
    assert.ok(series.some((s) => s.metric.route === '/users/:id' && s.metric.status_code === '500'));
    assert.ok(
      series.some((s) => s.metric.route === '/api/orders/:orderId'),
      'the plugin prefix is part of the route label',
    );
    assert.ok((await promQuery(prom.url, `http_request_summary_seconds_count{job="${JOB}"}`, evalTime)).length > 0);
  });

  it('is detected as fastify-metrics, not express-prom-bundle', async () => {
    const r = await engine.refresh([service], { evaluationTime: evalTime });
    assert.equal(r.services[0]!.convention, 'fastify-metrics', r.services[0]!.reason);
    assert.match(
      r.services[0]!.reason,
      /route\/method\/status_code labels and the summary http_request_summary_seconds \(fastify-metrics\)/,
    );
    assert.deepEqual(r.services[0]!.warnings, []);
  });

  it("gives every route Prometheus' own rate, error ratio and quantiles", async () => {
    const r = await engine.refresh([service], { evaluationTime: evalTime });
    const stats = r.services[0]!.routes;
    for (const [i, route] of routes.entries()) {
      const s = stats[i]!;
      const what = `${route.methods[0]} ${route.path}`;
      if (route.path === '/never') {
        assert.equal(s.hasData, false, what);
        continue;
      }
      assert.equal(s.hasData, true, what);
      assert.ok((s.rate ?? 0) > 0, `${what} rate ${s.rate}`);
      const ref = reference(route.path, route.methods[0]!);
      close(s.rate, await promScalar(prom.url, ref.rate, evalTime), `${what} rate`);
      close(s.errorRatio, (await promScalar(prom.url, ref.errorRatio, evalTime)) ?? 0, `${what} error ratio`);
      for (const k of ['p50', 'p90', 'p99'] as const) {
        const fromProm = await promScalar(prom.url, ref[k], evalTime);
        assert.equal(formatDuration(s[k]), formatDuration(fromProm), `${what} ${k}: engine ${s[k]} vs Prometheus ${fromProm} (${ref[k]})`);
      }
    }
    // every series grew by the same round: the ratio is the round's, 2 of 20 and 1 of 5 (a 400 is no error)
    close(stats[0]!.errorRatio, 0.1, 'GET /users/:id error ratio');
    close(stats[1]!.errorRatio, 0, 'POST /users error ratio');
    close(stats[3]!.errorRatio, 1, 'GET /api/orders/:orderId error ratio');
    assert.ok((stats[0]!.p99 ?? 0) > 0.025, `the slow sixth of GET /users/:id shows in its p99 (${stats[0]!.p99})`);
    assert.deepEqual(
      r.services[0]!.unmatched.map((u) => [u.value, u.method]),
      [['/metrics', 'GET']],
    );
  });

  it('offers single-route queries that Prometheus evaluates to the same stats, and hover details', async () => {
    const r = await engine.refresh([service], { evaluationTime: evalTime });
    const raw = await engine.rawQueries(service, routes[0]!, { evaluationTime: evalTime });
    assert.ok(raw);
    const s = r.services[0]!.routes[0]!;
    close(await promScalar(prom.url, raw.rate, evalTime), s.rate, 'raw rate');
    close(await promScalar(prom.url, raw.errorRatio, evalTime), s.errorRatio, 'raw error ratio');
    assert.equal(formatDuration(await promScalar(prom.url, raw.p99, evalTime)), formatDuration(s.p99), 'raw p99');
    const d = await engine.routeDetails(service, routes[0]!, { evaluationTime: evalTime });
    assert.deepEqual(
      d.statusCodes.map((c) => c.code),
      ['200', '500'],
    );
  });
});
