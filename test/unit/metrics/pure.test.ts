/** Pure parts of the metrics engine: template mapping, formatting, sparkline, histogram quantiles, PromQL. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bestTemplateFor,
  canonicalRouteKey,
  toExpressPath,
  toOpenApiPath,
  toPromBundlePath,
} from '../../../src/core/metrics/routeTemplates';
import {
  formatDuration,
  formatQuantiles,
  formatRate,
  formatRatio,
  formatStats,
  sparklineDataUri,
  sparklineSvg,
} from '../../../src/core/metrics/format';
import { histogramQuantile } from '../../../src/core/metrics/quantile';
import { CONVENTION_NAMES, explainConvention, getConvention, groupedQueries, routeQueries } from '../../../src/core/metrics/conventions';
import { detectConvention, suggestServiceSelectors } from '../../../src/core/metrics/detect';

describe('route templates', () => {
  it('maps every spelling of a parameter to one canonical key', () => {
    const forms = [
      '/users/{id}',
      '/users/{user_id:int}',
      '/users/:id',
      '/users/:id(\\d+)',
      '/users/<int:id>',
      '/users/<id>',
      '/users/#val',
      'users/:id/',
    ];
    for (const f of forms) assert.equal(canonicalRouteKey(f), '/users/{}', f);
    assert.equal(canonicalRouteKey('/orders/{order_id}/items/<int:n>'), '/orders/{}/items/{}');
    assert.equal(canonicalRouteKey('/'), '/');
    assert.equal(canonicalRouteKey('/files/{p:path}'), '/files/*');
    assert.equal(canonicalRouteKey('/files/<path:p>'), '/files/*');
    assert.equal(canonicalRouteKey('/files/*'), '/files/*');
    assert.equal(canonicalRouteKey('/files/{*rest}'), '/files/*');
    assert.equal(canonicalRouteKey('/users?id=3'), '/users');
    assert.notEqual(canonicalRouteKey('/users/me'), canonicalRouteKey('/users/:id'));
  });

  it('converts between forms', () => {
    assert.equal(toPromBundlePath('/users/{id}/posts/<int:n>'), '/users/#val/posts/#val');
    assert.equal(toExpressPath('/users/{user_id}'), '/users/:user_id');
    assert.equal(toExpressPath('/users/<int:id>'), '/users/:id');
    assert.equal(toOpenApiPath('/users/:id'), '/users/{id}');
  });

  it('matches raw and normalised URLs to the most specific template', () => {
    const templates = ['/users/:id', '/users/me', '/orders/:o/items', '/files/*'];
    assert.equal(bestTemplateFor('/users/42', templates), '/users/:id');
    assert.equal(bestTemplateFor('/users/me', templates), '/users/me');
    assert.equal(bestTemplateFor('/users/#val', templates), '/users/:id');
    assert.equal(bestTemplateFor('/orders/abc/items', templates), '/orders/:o/items');
    assert.equal(bestTemplateFor('/files/a/b/c', templates), '/files/*');
    assert.equal(bestTemplateFor('/nothing/here', templates), undefined);
  });
});

describe('formatting', () => {
  it('renders the one-line summary with units chosen by value', () => {
    assert.equal(formatStats({ rate: 12.34, errorRatio: 0.008, p99: 0.184, hasData: true }), '12.3 req/s · 0.8% errors · p99 184 ms');
    assert.equal(formatStats({ rate: 0.01, errorRatio: 0, p99: 0.0005, hasData: true }), '0.6 req/min · 0% errors · p99 500 µs');
    assert.equal(formatStats({ rate: 250, errorRatio: 0.25, p99: 3.2, hasData: true }), '250 req/s · 25% errors · p99 3.2 s');
    assert.equal(formatStats({ rate: 0, errorRatio: null, p99: null, hasData: true }), '0 req/s · — errors · p99 —');
    assert.equal(formatStats({ rate: null, errorRatio: null, p99: null, hasData: false }), '—');
  });

  it('never prints NaN or Infinity', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, undefined]) {
      assert.equal(formatRate(v), '—');
      assert.equal(formatRatio(v), '—');
      assert.equal(formatDuration(v), '—');
    }
    const s = formatStats({ rate: Number.NaN, errorRatio: Number.POSITIVE_INFINITY, p99: Number.NaN, hasData: true });
    assert.doesNotMatch(s, /NaN|Inf/);
  });

  it('covers the unit boundaries', () => {
    assert.equal(formatRate(0.0001), '<0.01 req/min');
    assert.equal(formatRate(1.5), '1.5 req/s');
    assert.equal(formatRatio(0.0004), '<0.1%');
    assert.equal(formatRatio(1), '100%');
    assert.equal(formatDuration(0.0000123), '12.3 µs');
    assert.equal(formatDuration(0.9996), '1 s');
    assert.equal(formatDuration(300), '5 min');
    assert.equal(formatQuantiles({ p50: 0.012, p90: 0.08, p99: 0.184 }), 'p50 12 ms · p90 80 ms · p99 184 ms');
  });

  it('draws a self-contained SVG sparkline with gaps for missing points', () => {
    const svg = sparklineSvg([1, 2, null, 4, Number.NaN, 3, 5], { width: 100, height: 20 });
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="100" height="20" viewBox="0 0 100 20">.*<\/svg>$/);
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    assert.equal((svg.match(/stroke-width="1.5"/g) ?? []).length, 2, 'two line runs (gap after null, point after NaN)');
    assert.match(svg, /<circle /, 'isolated point drawn as a dot');
    assert.match(sparklineSvg([]), /stroke-dasharray/, 'empty series: a dashed baseline');
    assert.match(
      sparklineDataUri([
        [0, 1],
        [60, 2],
      ]),
      /^data:image\/svg\+xml;base64,/,
    );
  });
});

describe('histogramQuantile (Prometheus algorithm)', () => {
  const b = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));
  it('interpolates linearly inside the bucket', () => {
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [0.1, 2],
          [0.2, 6],
          [Infinity, 8],
        ]),
      ),
      0.1 + 0.1 * ((4 - 2) / 4),
    );
  });
  it('returns the highest finite bound when the rank falls in +Inf, null without +Inf or observations', () => {
    assert.equal(
      histogramQuantile(
        0.99,
        b([
          [1, 1],
          [Infinity, 10],
        ]),
      ),
      1,
    );
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [1, 1],
          [2, 2],
        ]),
      ),
      null,
    );
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
      null,
    );
    assert.equal(histogramQuantile(0.5, b([[Infinity, 3]])), null);
  });
  it('repairs non-monotonic buckets and sums duplicate bounds', () => {
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [1, 4],
          [2, 3],
          [Infinity, 4],
        ]),
      ),
      0.5,
    );
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [1, 1],
          [1, 1],
          [Infinity, 4],
        ]),
      ),
      0.5 * 2,
    );
  });
});

describe('conventions', () => {
  it('lists every convention with an explanation holding the exact queries', () => {
    assert.deepEqual(CONVENTION_NAMES, [
      'instrumentator',
      'otel',
      'otel-legacy',
      'express-prom-bundle',
      'fastify-metrics',
      'starlette-exporter',
      'prometheus-flask-exporter',
      'telemetry-lens',
      'custom',
    ]);
    for (const name of CONVENTION_NAMES) {
      const conv = getConvention(name === 'custom' ? { name, custom: { rate: 'sum(rate(x{$service,r="$route"}[$window]))' } } : name);
      const text = explainConvention(conv, 'job="api"', '5m');
      assert.match(text, new RegExp(`^Convention: ${name} — `));
      if (conv.grouped) {
        const q = groupedQueries(conv, '{job="api"}', '5m');
        for (const expr of Object.values(q)) assert.ok(text.includes(expr), `${name} explanation shows ${expr}`);
      } else assert.match(text, /PER ROUTE/);
    }
  });

  it('detects the Python libraries with their prefixes and route label, not mistaking them for ours', async () => {
    const fake = (labels: Record<string, string[]>) => ({
      labelValues: async () => ({
        data: Object.keys(labels).flatMap((n) => (n.endsWith('_count') ? [n, n.replace(/_count$/, '_bucket')] : [n])),
      }),
      labels: async (o?: { match?: string[] }) => ({ data: labels[(o?.match?.[0] ?? '').replace(/\{.*$/, '')] ?? [] }),
    });
    const starletteLabels = ['method', 'path', 'status_code', 'app_name'];
    const starlette = await detectConvention(
      fake({ starlette_requests_total: starletteLabels, starlette_request_duration_seconds_count: starletteLabels }),
      'job="api"',
    );
    assert.deepEqual(starlette.config, { name: 'starlette-exporter' });
    // PrometheusMiddleware(app, prefix="http"): `http_requests_total` like ours, told apart by app_name
    const http = await detectConvention(
      fake({ http_requests_total: starletteLabels, http_request_duration_seconds_count: starletteLabels }),
      'job="api"',
    );
    assert.deepEqual(http.config, { name: 'starlette-exporter', prefix: 'http_' });
    assert.match(http.reason, /starlette_exporter, prefix "http"/);
    assert.equal(getConvention(http.config!).countMetric, 'http_requests_total');
    assert.equal(getConvention(http.config!).bucketMetric, 'http_request_duration_seconds_bucket');

    const flask = await detectConvention(
      fake({ flask_http_request_duration_seconds_count: ['method', 'path', 'status'], flask_http_request_total: ['method', 'status'] }),
      '',
    );
    assert.deepEqual(flask.config, { name: 'prometheus-flask-exporter' });
    assert.match(
      flask.reason,
      /flask_http_request_duration_seconds_count with method\/path\/status labels beside flask_http_request_total/,
    );
    const byRule = await detectConvention(
      fake({ app_http_request_duration_seconds_count: ['method', 'url_rule', 'status'], app_http_request_total: ['method', 'status'] }),
      '',
    );
    assert.deepEqual(byRule.config, { name: 'prometheus-flask-exporter', prefix: 'app_', routeLabel: 'url_rule' });
    const conv = getConvention(byRule.config!);
    assert.deepEqual(conv.routeLabels, ['url_rule', 'path']);
    assert.equal(conv.countMetric, 'app_http_request_duration_seconds_count');
    // NO_PREFIX: http_request_duration_seconds{method,path,status}, not express-prom-bundle's status_code
    const bare = await detectConvention(
      fake({ http_request_duration_seconds_count: ['method', 'path', 'status'], http_request_total: ['method', 'status'] }),
      '',
    );
    assert.deepEqual(bare.config, { name: 'prometheus-flask-exporter', prefix: '' });
    assert.deepEqual(bare.alsoPresent, []);
    assert.equal(getConvention(bare.config!).title, 'prometheus-flask-exporter (defaults_prefix NO_PREFIX)');
    // group_by='endpoint' names no path: not matched
    const endpoint = await detectConvention(
      fake({ flask_http_request_duration_seconds_count: ['method', 'endpoint', 'status'], flask_http_request_total: ['method', 'status'] }),
      '',
    );
    assert.equal(endpoint.config, null);
  });

  it('builds grouped queries by route and method', () => {
    const q = groupedQueries(getConvention('otel'), 'service_name="checkout"', '1m');
    assert.equal(
      q.rate,
      'sum by (http_route, http_request_method) (rate(http_server_request_duration_seconds_count{service_name="checkout"}[1m]))',
    );
    assert.equal(
      q.errorRate,
      'sum by (http_route, http_request_method) (rate(http_server_request_duration_seconds_count{service_name="checkout", http_response_status_code=~"5.."}[1m]))',
    );
    assert.equal(
      q.buckets,
      'sum by (le, http_route, http_request_method) (rate(http_server_request_duration_seconds_bucket{service_name="checkout"}[1m]))',
    );
    assert.equal(
      groupedQueries(getConvention({ name: 'telemetry-lens', prefix: 'shop_' }), '', '5m').rate,
      'sum by (route, method) (rate(shop_http_requests_total{}[5m]))',
    );
  });

  it('escapes label values in single-route queries', () => {
    const q = routeQueries(getConvention('instrumentator'), '', { label: 'handler', values: ['/a/"b"', '/c.d'], methods: ['GET'] }, '5m');
    assert.equal(q.rate, 'sum(rate(http_requests_total{handler=~"/a/\\"b\\"|/c\\\\.d", method="GET"}[5m]))');
    assert.match(q.p99, /^histogram_quantile\(0\.99, sum by \(le\)/);
    assert.match(
      routeQueries(getConvention('otel-legacy'), '', { label: 'http_route', values: ['/x'], methods: [] }, '5m').p50,
      / \* 0\.001$/,
    );
  });

  it('detects from metric names and labels, explaining why or why not', async () => {
    const fake = (names: string[], labels: Record<string, string[]>) => ({
      labelValues: async () => ({ data: names }),
      labels: async (o?: { match?: string[] }) => ({ data: labels[(o?.match?.[0] ?? '').replace(/\{.*$/, '')] ?? [] }),
    });
    const bundle = await detectConvention(
      fake(['http_request_duration_seconds_bucket', 'http_request_duration_seconds_count', 'up'], {
        http_request_duration_seconds_count: ['path', 'method', 'status_code'],
      }),
      'job="web"',
    );
    assert.equal(bundle.config?.name, 'express-prom-bundle');
    assert.match(bundle.reason, /\{job="web"\} has http_request_duration_seconds with path\/status_code labels/);
    const both = await detectConvention(
      fake(
        [
          'http_server_request_duration_seconds_bucket',
          'http_server_request_duration_seconds_count',
          'http_server_duration_milliseconds_bucket',
          'http_server_duration_milliseconds_count',
        ],
        {},
      ),
      '',
    );
    assert.equal(both.config?.name, 'otel');
    assert.deepEqual(both.alsoPresent, ['otel-legacy']);
    const fastify = await detectConvention(
      fake(['http_request_duration_seconds_bucket', 'http_request_duration_seconds_count', 'http_request_summary_seconds_count'], {
        http_request_duration_seconds_count: ['route', 'method', 'status_code'],
      }),
      'job="api"',
    );
    assert.deepEqual(fastify.config, { name: 'fastify-metrics' });
    assert.deepEqual(fastify.alsoPresent, []);
    const none = await detectConvention(fake(['up', 'http_client_requests_total'], {}), 'job="x"');
    assert.equal(none.config, null);
    assert.match(none.reason, /No known HTTP metric convention under \{job="x"\} \(HTTP-looking metrics: http_client_requests_total\)/);
    assert.deepEqual(
      await suggestServiceSelectors({ labelValues: async (l: string) => ({ data: l === 'job' ? ['api'] : ['checkout'] }) }),
      ['service_name="checkout"', 'job="api"'],
    );
  });
});
