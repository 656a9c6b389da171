/**
 * The generated dashboards and alert rules of every convention, evaluated by a real Prometheus over series in
 * exactly the shape each library produces (the engine tests' data sets: prometheus-fastapi-instrumentator,
 * OpenTelemetry stable and legacy, express-prom-bundle, Instrument Route with a prefix, fastify-metrics,
 * starlette_exporter, prometheus-flask-exporter): every query returns
 * data for the service and for a route, and the alert expressions return data for the routes with traffic.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertRules, DEFAULT_ALERT_SETTINGS } from '../../../src/core/dashboards/alerts';
import { grafanaDashboard } from '../../../src/core/dashboards/grafana';
import { getConvention, type ConventionConfig } from '../../../src/core/metrics/conventions';
import { promQuery, startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { buildHistory, CASES, EVAL_TIME, TL_PREFIX } from '../metrics/datasets';

let prom: PrometheusInstance;
before(async () => {
  prom = await startPrometheus({ openMetrics: buildHistory() });
});
after(() => prom?.stop());

const finite = <T extends { value: [number, string] }>(r: T[]): T[] => r.filter((s) => Number.isFinite(Number(s.value[1])));

describe('generated queries return data over each library’s series', () => {
  for (const c of CASES) {
    it(`${c.convention} (job ${c.job})`, { timeout: 60_000 }, async () => {
      const config: ConventionConfig =
        c.convention === 'telemetry-lens' ? { name: c.convention, prefix: TL_PREFIX } : { name: c.convention };
      const conv = getConvention(config);
      const route = c.routes[0]!.traffic[0]!.value;
      const dashboard = grafanaDashboard({ service: c.job, convention: conv, selector: `job="${c.job}"` });
      const exprs = (dashboard.panels ?? []).flatMap((p) =>
        ((p as { targets?: Array<{ expr: string }> }).targets ?? []).map((t) => t.expr),
      );
      assert.equal(exprs.length, 10);
      for (const e of exprs) {
        const q = e.replace(/\$__rate_interval/g, '5m').replace(/\$route/g, route);
        assert.ok(finite(await promQuery(prom.url, q, EVAL_TIME)).length > 0, `no data: ${q}`);
      }
      const [errors, slow] = alertRules(conv, c.job, DEFAULT_ALERT_SETTINGS).groups[0]!.rules.map((r) =>
        r.expr.replace(/\s*>\s*[\d.e+-]+\s*$/, ''),
      );
      const routeLabel = conv.routeLabels[0]!;
      const withErrors = finite(await promQuery(prom.url, errors!, EVAL_TIME));
      assert.ok(withErrors.length > 0, errors);
      // Grouped by job and route (otel-legacy series that carry only http_target group under the job alone).
      for (const s of withErrors) for (const k of Object.keys(s.metric)) assert.ok(['job', routeLabel].includes(k), `${k} in ${errors}`);
      assert.ok(withErrors.some((s) => s.metric.job === c.job && s.metric[routeLabel]));
      const quantiles = finite(await promQuery(prom.url, slow!, EVAL_TIME));
      assert.ok(
        quantiles.some((s) => s.metric[routeLabel] === route),
        slow,
      );
    });
  }
});
