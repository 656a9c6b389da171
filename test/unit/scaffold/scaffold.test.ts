/** The panel model, alert rules and the scaffold generator, without Prometheus or Docker. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  alertRules,
  alertRuleTests,
  alertSettingsProblems,
  DEFAULT_ALERT_SETTINGS,
  humanizeDuration,
} from '../../../src/core/dashboards/alerts';
import { grafanaDashboard, grafanaRouteUrl } from '../../../src/core/dashboards/grafana';
import { inflightMetric, panels } from '../../../src/core/dashboards/panels';
import { getConvention } from '../../../src/core/metrics/conventions';
import type { Route } from '../../../src/core/routes/types';
import { conventionFromSource, portFromSource } from '../../../src/core/scaffold/inspect';
import { scaffold, serviceName, type ScaffoldService } from '../../../src/core/scaffold/scaffold';
import { IMAGES } from '../../../src/core/scaffold/stack';

function route(path: string, line: number): Route {
  const range = { start: { line, column: 0 }, end: { line, column: 10 } };
  return {
    framework: 'fastapi',
    methods: ['GET'],
    path,
    fullPath: path,
    file: '/app/main.py',
    line,
    range,
    handlerFile: '/app/main.py',
    handlerLine: line,
    handlerName: null,
  };
}

function service(name: string, over: Partial<ScaffoldService> = {}): ScaffoldService {
  return {
    name,
    context: `../${name}`,
    language: 'python',
    port: 8000,
    convention: { name: 'telemetry-lens' },
    routes: [route('/users/{id}', 3), route('/orders', 9)],
    inflight: false,
    metricsPath: '/metrics',
    ...over,
  };
}

const files = (out: { files: Array<{ path: string; content: string }> }) => new Map(out.files.map((f) => [f.path, f.content]));

test('panels: rate by status class, error ratio, three quantiles; in-flight only with a gauge and only service-wide', () => {
  const conv = getConvention('otel-legacy');
  const svc = panels(conv, { selector: 'job="api"', window: '5m', inflight: 'http_server_active_requests' });
  assert.deepEqual(
    svc.map((p) => p.kind),
    ['rate', 'errors', 'latency', 'inflight'],
  );
  assert.equal(
    svc[0]!.queries[0]!.expr,
    'sum by (status_class) (label_replace(rate(http_server_duration_milliseconds_count{job="api"}[5m]), "status_class", "${1}xx", "http_status_code", "([0-9]).*"))',
  );
  assert.match(svc[1]!.queries[0]!.expr, /http_status_code=~"5\.\."/);
  assert.deepEqual(
    svc[2]!.queries.map((q) => q.legend),
    ['p50', 'p90', 'p99'],
  );
  assert.match(svc[2]!.queries[2]!.expr, /^histogram_quantile\(0\.99, .*\) \* 0\.001$/, 'milliseconds are converted to seconds');
  assert.equal(svc[3]!.queries[0]!.expr, 'sum(http_server_active_requests{job="api"})');
  const route = panels(conv, {
    selector: 'job="api"',
    window: '$__rate_interval',
    route: '$route',
    inflight: 'http_server_active_requests',
  });
  assert.deepEqual(
    route.map((p) => p.kind),
    ['rate', 'errors', 'latency'],
  );
  assert.match(route[0]!.queries[0]!.expr, /\{job="api", http_route=~"\$route"\}/);
  assert.match(
    panels(getConvention('instrumentator'), { selector: '', window: '5m', route: '/a"b' })[0]!.queries[0]!.expr,
    /\{handler="\/a\\"b"\}/,
    'a literal route is quoted',
  );
  assert.deepEqual(panels(getConvention({ name: 'custom', custom: { rate: 'x' } }), { selector: '', window: '5m' }), []);
  assert.equal(inflightMetric(getConvention('express-prom-bundle')), undefined);
  assert.equal(inflightMetric(getConvention('telemetry-lens'), 'shop_'), 'shop_http_requests_in_progress');
  assert.equal(inflightMetric(getConvention('starlette-exporter'), 'shop_'), 'starlette_requests_in_progress', 'its own prefix');
  assert.equal(inflightMetric(getConvention({ name: 'starlette-exporter', prefix: 'myapp_' })), 'myapp_requests_in_progress');
  assert.equal(inflightMetric(getConvention('fastify-metrics')), undefined);
  assert.equal(inflightMetric(getConvention('prometheus-flask-exporter')), undefined);
});

test('Grafana dashboard: a service row and a row repeated per route, every target on the provisioned Prometheus uid', () => {
  const d = grafanaDashboard({
    service: 'orders',
    convention: getConvention('telemetry-lens'),
    selector: 'job="orders"',
    inflight: 'http_requests_in_progress',
  });
  const rows = d.panels!.filter((p) => p.type === 'row');
  assert.equal(rows.length, 2);
  assert.equal(rows[1]!.repeat, 'route');
  assert.equal(d.templating!.list![0]!.name, 'route');
  const charts = d.panels!.filter((p) => p.type === 'timeseries');
  assert.equal(charts.length, 4 + 3);
  const ids = d.panels!.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const p of charts)
    for (const t of (p as unknown as { targets: Array<{ datasource: { uid: string } }> }).targets)
      assert.equal(t.datasource.uid, 'prometheus');
  assert.equal(d.uid, 'tl-orders');
});

test('alert rules follow the convention: route label, status label, millisecond histograms scaled', () => {
  const rules = alertRules(getConvention('express-prom-bundle'), 'shop', DEFAULT_ALERT_SETTINGS).groups[0]!.rules;
  assert.deepEqual(
    rules.map((r) => r.alert),
    ['HighErrorRate', 'SlowResponses'],
  );
  assert.match(
    rules[0]!.expr,
    /sum by \(job, path\) \(rate\(http_request_duration_seconds_count\{job="shop", status_code=~"5\.\."\}\[5m\]\)\)/,
  );
  assert.match(rules[0]!.expr, /> 0\.05$/);
  assert.deepEqual(
    rules.map((r) => [r.for, r.labels.severity]),
    [
      ['5m', 'critical'],
      ['5m', 'warning'],
    ],
  );
  assert.deepEqual(Object.keys(rules[1]!.annotations), ['summary', 'description', 'runbook']);
  const legacy = alertRules(getConvention('otel-legacy'), 'shop', {
    ...DEFAULT_ALERT_SETTINGS,
    latencySeconds: 2,
    runbookUrl: 'https://wiki.example/runbook',
  }).groups[0]!.rules[1]!;
  assert.match(legacy.expr, /\) \* 0\.001 > 2$/);
  assert.equal(legacy.annotations.runbook_url, 'https://wiki.example/runbook#slowresponses');
});

test('alert settings are validated', () => {
  assert.deepEqual(alertSettingsProblems(DEFAULT_ALERT_SETTINGS), []);
  const bad = alertSettingsProblems({
    ...DEFAULT_ALERT_SETTINGS,
    errorRatio: 5,
    latencySeconds: 0,
    for: '30s',
    runbookUrl: 'javascript:alert(1)',
  });
  assert.equal(bad.length, 4, bad.join('\n'));
});

test("humanizeDuration matches Prometheus' template function", () => {
  // Outputs of Prometheus' humanizeDuration for the same inputs.
  assert.equal(humanizeDuration(0.75), '750ms');
  assert.equal(humanizeDuration(0.8333333), '833.3ms');
  assert.equal(humanizeDuration(1.5), '1.5s');
  assert.equal(humanizeDuration(0.0005), '500us');
  assert.equal(humanizeDuration(90), '1m 30s');
  assert.equal(humanizeDuration(0), '0s');
});

test('scaffold: every file of the stack; compose services, ports, volumes and mounts agree with the written files', () => {
  const out = scaffold({
    services: [service('orders'), service('catalog', { language: 'node', port: 3000 })],
    traces: 'jaeger',
    alerts: DEFAULT_ALERT_SETTINGS,
  });
  const f = files(out);
  assert.deepEqual([...f.keys()].sort(), [
    'docker-compose.yml',
    'grafana/dashboards/catalog.json',
    'grafana/dashboards/orders.json',
    'grafana/provisioning/dashboards/dashboards.yml',
    'grafana/provisioning/datasources/datasources.yml',
    'otel-collector/config.yaml',
    'prometheus/prometheus.yml',
    'prometheus/rules/catalog.yml',
    'prometheus/rules/orders.yml',
    'prometheus/tests/catalog.test.yml',
    'prometheus/tests/orders.test.yml',
  ]);
  const compose = parse(f.get('docker-compose.yml')!);
  assert.deepEqual(Object.keys(compose.services).sort(), [
    'catalog',
    'grafana',
    'jaeger',
    'loki',
    'orders',
    'otel-collector',
    'prometheus',
  ]);
  const hostPorts: string[] = [];
  for (const [name, svc] of Object.entries<Record<string, unknown>>(compose.services)) {
    if (typeof svc.image === 'string') {
      assert.ok(Object.values(IMAGES).includes(svc.image as never), `${name}: ${svc.image}`);
      assert.doesNotMatch(svc.image, /:latest$|^[^:]+$/, `${name} has a pinned tag`);
    }
    for (const p of (svc.ports as string[]) ?? []) hostPorts.push(p.split(':')[0]!);
    for (const v of (svc.volumes as string[]) ?? []) {
      const [src] = v.split(':');
      if (src!.startsWith('./')) {
        const rel = src!.slice(2);
        assert.ok(
          [...f.keys()].some((k) => k === rel || k.startsWith(`${rel}/`)),
          `${name} mounts ${rel}, which is written`,
        );
      } else assert.ok(src! in compose.volumes, `${name}: ${src} is a declared named volume`);
    }
  }
  assert.equal(new Set(hostPorts).size, hostPorts.length, `no host port twice: ${hostPorts}`);
  assert.deepEqual(compose.services.catalog.ports, ['3001:3000'], 'the app on 3000 moves off Grafana’s port');
  assert.ok(out.notes.some((n) => /catalog listens on 3000 .* host port 3001/.test(n)));

  const prom = parse(f.get('prometheus/prometheus.yml')!);
  assert.equal(prom.global.scrape_interval, '15s');
  assert.deepEqual(prom.rule_files, ['rules/*.yml']);
  assert.deepEqual(
    prom.scrape_configs.map((s: { job_name: string; static_configs: Array<{ targets: string[] }> }) => [
      s.job_name,
      s.static_configs[0]!.targets[0],
    ]),
    [
      ['orders', 'orders:8000'],
      ['catalog', 'catalog:3000'],
      ['otel-collector', 'otel-collector:8889'],
    ],
  );
  for (const s of prom.scrape_configs.slice(0, 2)) assert.ok(s.static_configs[0].targets[0].split(':')[0] in compose.services);
  assert.ok(compose.services.prometheus.command.includes('--enable-feature=exemplar-storage'));
});

test('scaffold: the collector pipelines use only what the config defines; exporters point at compose services', () => {
  for (const traces of ['jaeger', 'tempo'] as const) {
    const f = files(scaffold({ services: [service('orders')], traces, alerts: DEFAULT_ALERT_SETTINGS }));
    const cfg = parse(f.get('otel-collector/config.yaml')!);
    const compose = parse(f.get('docker-compose.yml')!);
    for (const [name, p] of Object.entries<Record<string, string[]>>(cfg.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const c of p[kind] ?? []) assert.ok(c in cfg[kind], `${traces} ${name}: ${kind} ${c} is defined`);
      }
    }
    assert.deepEqual(Object.keys(cfg.service.pipelines).sort(), ['logs', 'metrics', 'traces']);
    for (const e of cfg.service.extensions) assert.ok(e in cfg.extensions);
    const host = (endpoint: string) => endpoint.replace(/^https?:\/\//, '').split(/[:/]/)[0]!;
    for (const [name, e] of Object.entries<{ endpoint: string }>(cfg.exporters)) {
      if (name !== 'prometheus') assert.ok(host(e.endpoint) in compose.services, `${name} → ${e.endpoint}`);
    }
    assert.ok(traces in compose.services);
    assert.equal(f.has('tempo/tempo.yaml'), traces === 'tempo');
  }
});

test('scaffold: Grafana datasources link exemplars → traces → logs → traces by the uids the dashboards use', () => {
  const f = files(scaffold({ services: [service('orders')], traces: 'tempo', alerts: DEFAULT_ALERT_SETTINGS }));
  const ds = parse(f.get('grafana/provisioning/datasources/datasources.yml')!).datasources as Array<{
    uid: string;
    type: string;
    url: string;
    jsonData: Record<string, never>;
  }>;
  const uids = new Set(ds.map((d) => d.uid));
  assert.deepEqual([...uids].sort(), ['loki', 'prometheus', 'tempo']);
  const byType = Object.fromEntries(ds.map((d) => [d.type, d]));
  assert.equal((byType.prometheus!.jsonData.exemplarTraceIdDestinations as Array<{ datasourceUid: string }>)[0]!.datasourceUid, 'tempo');
  assert.equal((byType.tempo!.jsonData.tracesToLogsV2 as { datasourceUid: string }).datasourceUid, 'loki');
  assert.equal((byType.loki!.jsonData.derivedFields as Array<{ datasourceUid: string; url: string }>)[0]!.datasourceUid, 'tempo');
  assert.equal((byType.loki!.jsonData.derivedFields as Array<{ url: string }>)[0]!.url, '$${__value.raw}', 'escaped for provisioning');
  const dashboard = JSON.parse(f.get('grafana/dashboards/orders.json')!);
  const used = JSON.stringify(dashboard)
    .match(/"uid":"[^"]+"/g)!
    .filter((u) => u !== '"uid":"tl-orders"');
  for (const u of used) assert.ok(uids.has(JSON.parse(`{${u}}`).uid), u);
  const provider = parse(f.get('grafana/provisioning/dashboards/dashboards.yml')!);
  const compose = parse(f.get('docker-compose.yml')!);
  assert.ok(compose.services.grafana.volumes.includes(`./grafana/dashboards:${provider.providers[0].options.path}:ro`));
});

test('scaffold: a service without routes still gets a stack, and the notes say so; duplicate names are refused', () => {
  const out = scaffold({ services: [service('empty', { routes: [] })], traces: 'jaeger', alerts: DEFAULT_ALERT_SETTINGS });
  assert.ok(out.notes.some((n) => /empty: no routes found/.test(n)));
  assert.ok(files(out).has('prometheus/tests/empty.test.yml'));
  assert.throws(
    () => scaffold({ services: [service('a'), service('a')], traces: 'jaeger', alerts: DEFAULT_ALERT_SETTINGS }),
    /two services are named "a"/,
  );
  assert.equal(serviceName('My Shop/API!'), 'my-shop-api');
  assert.equal(serviceName('___'), 'app');
});

test('the convention and port are read from the code when it names them', () => {
  assert.equal(conventionFromSource('from prometheus_fastapi_instrumentator import Instrumentator')!.config.name, 'instrumentator');
  assert.equal(conventionFromSource('"express-prom-bundle": "^7.0.0"')!.config.name, 'express-prom-bundle');
  assert.deepEqual(conventionFromSource("Counter('shop_http_requests_total', 'x', ['method', 'route', 'status'])")!.config, {
    name: 'telemetry-lens',
    prefix: 'shop_',
  });
  assert.equal(conventionFromSource('"fastify-metrics": "^13.2.1"')!.config.name, 'fastify-metrics');
  assert.deepEqual(conventionFromSource('from starlette_exporter import PrometheusMiddleware, handle_metrics')!.config, {
    name: 'starlette-exporter',
  });
  assert.deepEqual(
    conventionFromSource(
      'from starlette_exporter import PrometheusMiddleware\napp.add_middleware(PrometheusMiddleware, app_name="shop", prefix="myapp")',
    )!.config,
    { name: 'starlette-exporter', prefix: 'myapp_' },
  );
  assert.deepEqual(conventionFromSource('prometheus-flask-exporter==0.23.2')!.config, { name: 'prometheus-flask-exporter' });
  const flask = conventionFromSource(
    "from prometheus_flask_exporter import PrometheusMetrics, NO_PREFIX\nmetrics = PrometheusMetrics(app, group_by='url_rule', defaults_prefix=NO_PREFIX)",
  )!;
  assert.deepEqual(flask.config, { name: 'prometheus-flask-exporter', prefix: '', routeLabel: 'url_rule' });
  assert.match(flask.reason, /group_by='url_rule'/);
  assert.deepEqual(
    conventionFromSource("from prometheus_flask_exporter import PrometheusMetrics\nPrometheusMetrics(app, defaults_prefix='shop')")!.config,
    { name: 'prometheus-flask-exporter', prefix: 'shop_' },
  );
  assert.equal(conventionFromSource('app = Flask(__name__)'), undefined);
  assert.equal(portFromSource('app.listen(8080)', 'node'), 8080);
  assert.equal(portFromSource('const port = Number(process.env.PORT || 4000)', 'node'), 4000);
  assert.equal(portFromSource('uvicorn.run(app, host="0.0.0.0", port=8081)', 'python'), 8081);
  assert.equal(portFromSource('', 'python'), 8000);
  assert.equal(portFromSource('', 'node'), 3000);
});

test('Open Route in Grafana: http(s) only, path prefix kept, the route as a URL-encoded variable', () => {
  assert.equal(
    grafanaRouteUrl('https://grafana.example/sub', 'orders', '/users/{id}')!.href,
    'https://grafana.example/sub/d/tl-orders?var-route=%2Fusers%2F%7Bid%7D',
  );
  assert.equal(grafanaRouteUrl('http://localhost:3000/', 'orders', '/a&b=c#d')!.searchParams.get('var-route'), '/a&b=c#d');
  assert.equal(
    grafanaRouteUrl('https://user:secret@grafana.example/?x=1#f', 'orders', '/x')!.href,
    'https://grafana.example/d/tl-orders?var-route=%2Fx',
  );
  assert.equal(grafanaRouteUrl('javascript:alert(1)', 'orders', '/x'), undefined);
  assert.equal(grafanaRouteUrl('file:///etc/passwd', 'orders', '/x'), undefined);
  assert.equal(grafanaRouteUrl('not a url', 'orders', '/x'), undefined);
});

test('promtool tests: hostile route values are quoted in series and inserted literally in the expected annotations', () => {
  const conv = getConvention('telemetry-lens');
  const bad = '/a$&"b{{ $labels.job }}\\';
  const t = alertRuleTests(conv, 'svc', DEFAULT_ALERT_SETTINGS, 'rules.yml', { bad, good: '/ok' }) as {
    tests: Array<{
      input_series: Array<{ series: string }>;
      alert_rule_test: Array<{ exp_alerts: Array<{ exp_annotations: Record<string, string> }> }>;
    }>;
  };
  assert.ok(t.tests[0]!.input_series[0]!.series.includes('route="/a$&\\"b{{ $labels.job }}\\\\"'));
  const fired = t.tests[0]!.alert_rule_test[1]!.exp_alerts[0]!.exp_annotations;
  assert.equal(fired.summary, `High error rate on ${bad} (svc)`);
});
