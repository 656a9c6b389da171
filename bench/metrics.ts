/**
 * Metrics engine bench against a REAL Prometheus (test/support/prometheus.ts harness):
 *   - HTTP requests per refresh for 10 / 100 / 1,000 routes (must be constant: grouped by route label)
 *   - refresh latency: served from the warm cache, and a forced refresh of 1,000 routes (median)
 *   - CPU time per forced refresh of 1,000 routes (process.cpuUsage, user+system, mean)
 * Requests are counted by the client's request listener (every HTTP request the axios layer sends).
 */
import { PrometheusClient } from '../src/backends/prometheus';
import { MetricsEngine, type ServiceSpec } from '../src/core/metrics/engine';
import type { Route } from '../src/core/routes/types';
import { EPOCH, OpenMetricsWriter, startPrometheus } from '../test/support/prometheus';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const ROUTES = 1000;
const EVAL = EPOCH + 600;

function route(i: number): Route {
  const path = `/api/r${i}/items/{item_id}`;
  const range = { start: { line: i + 1, column: 0 }, end: { line: i + 1, column: 30 } };
  return {
    framework: 'fastapi',
    methods: ['GET'],
    path,
    fullPath: path,
    file: '/bench/app.py',
    line: i + 1,
    range,
    handlerFile: '/bench/app.py',
    handlerLine: i + 2,
    handlerName: `h${i}`,
  };
}

function history(): string {
  const w = new OpenMetricsWriter({ start: EPOCH, end: EVAL, step: 15 });
  for (let i = 0; i < ROUTES; i++) {
    const labels = { job: 'bench', handler: `/api/r${i}/items/{item_id}`, method: 'GET' };
    const r = 1 + (i % 7);
    w.counter('http_requests', { ...labels, status: '2xx' }, r);
    if (i % 10 === 0) w.counter('http_requests', { ...labels, status: '5xx' }, 0.1 * r);
  }
  for (let i = 0; i < ROUTES; i++) {
    const labels = { job: 'bench', handler: `/api/r${i}/items/{item_id}`, method: 'GET' };
    const r = 1 + (i % 7);
    w.histogram(
      'http_request_duration_seconds',
      labels,
      [
        [0.05, 0.5 * r],
        [0.25, 0.9 * r],
        [1, 0.99 * r],
      ],
      { countRate: r * (i % 10 === 0 ? 1.1 : 1) },
    );
  }
  return w.toString();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchMetrics(): Promise<BenchResult[]> {
  const prom = await startPrometheus({ openMetrics: history() });
  try {
    const client = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 30_000 });
    let requests = 0;
    client.onRequest(() => requests++);
    const out: BenchResult[] = [];
    const all = Array.from({ length: ROUTES }, (_, i) => route(i));
    const perRefresh: number[] = [];
    for (const n of [10, 100, 1000]) {
      const engine = new MetricsEngine(client);
      const svc: ServiceSpec = { id: 'bench', selector: 'job="bench"', routes: all.slice(0, n) };
      requests = 0;
      const first = await engine.refresh([svc], { evaluationTime: EVAL });
      const cold = requests;
      requests = 0;
      await engine.refresh([svc], { evaluationTime: EVAL, force: true });
      perRefresh.push(requests);
      if (first.services[0]!.routes.filter((r) => r.hasData).length !== n) throw new Error(`bench data missing for ${n} routes`);
      out.push({ name: `metrics.requests_per_refresh.${n}_routes`, value: requests, unit: 'requests' });
      out.push({ name: `metrics.requests_first_refresh.${n}_routes`, value: cold, unit: 'requests' });
    }
    if (new Set(perRefresh).size !== 1) throw new Error(`requests per refresh not constant: ${perRefresh.join(', ')}`);

    const engine = new MetricsEngine(client, { refreshIntervalMs: 60_000 });
    const svc: ServiceSpec = { id: 'bench', selector: 'job="bench"', routes: all };
    await engine.refresh([svc], { evaluationTime: EVAL });
    const cached: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = process.hrtime.bigint();
      await engine.refresh([svc], { evaluationTime: EVAL });
      cached.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    out.push({ name: 'metrics.refresh_latency_cached.1000_routes', value: round(median(cached), 3), unit: 'ms' });

    const forced: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 15; i++) {
      const c0 = process.cpuUsage();
      const t = process.hrtime.bigint();
      await engine.refresh([svc], { evaluationTime: EVAL, force: true });
      forced.push(Number(process.hrtime.bigint() - t) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    out.push({ name: 'metrics.refresh_latency_forced.1000_routes', value: round(median(forced), 1), unit: 'ms' });
    out.push({ name: 'metrics.refresh_cpu.1000_routes', value: round(cpu.reduce((a, b) => a + b, 0) / cpu.length, 1), unit: 'ms' });
    return out;
  } finally {
    await prom.stop();
  }
}

function round(n: number, d: number): number {
  const k = 10 ** d;
  return Math.round(n * k) / k;
}

if (require.main === module) {
  benchMetrics().then(
    (r) => {
      for (const x of r) console.log(`${x.name.padEnd(48)} ${x.value} ${x.unit}`);
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
