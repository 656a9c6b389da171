/** Aggregation of grouped query answers into per-route statistics, without Prometheus. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../../src/core/metrics/aggregate';
import { getConvention } from '../../../src/core/metrics/conventions';
import type { VectorSample } from '../../../src/core/metrics/prometheusApi';
import type { HttpMethod, Route } from '../../../src/core/routes/types';

function route(methods: HttpMethod[], path: string, line: number): Route {
  const range = { start: { line, column: 0 }, end: { line, column: 10 } };
  return {
    framework: 'express',
    methods,
    path,
    fullPath: path,
    file: '/app.ts',
    line,
    range,
    handlerFile: '/app.ts',
    handlerLine: line,
    handlerName: null,
  };
}

const sample = (metric: Record<string, string>, v: string): VectorSample => ({ metric, value: [1_700_000_000, v] });

test('series are summed per route by template and method; unmatched traffic is listed busiest first', () => {
  const getUser = route(['GET'], '/users/:id', 3);
  const postUser = route(['POST'], '/users', 4);
  const idle = route(['GET'], '/health', 5);
  const conv = getConvention('telemetry-lens');
  const rate = [
    sample({ route: '/users/:id', method: 'GET', status: '200' }, '3'),
    sample({ route: '/users/:id', method: 'GET', status: '500' }, '1'),
    sample({ route: '/users', method: 'POST', status: '201' }, '2'),
    sample({ route: '/gone', method: 'GET', status: '200' }, '0.5'),
    sample({ route: '/old', method: 'GET', status: '200' }, '1.5'),
  ];
  const errors = [sample({ route: '/users/:id', method: 'GET' }, '1')];
  const buckets = ['0.1', '0.5', '+Inf'].map((le, i) => sample({ route: '/users/:id', method: 'GET', le }, String([2, 4, 4][i])));
  const out = aggregate([getUser, postUser, idle], conv, { rate, errors, buckets });

  const [u, p, h] = out.routes;
  assert.equal(u!.rate, 4);
  assert.equal(u!.errorRatio, 0.25);
  assert.ok(u!.p50! > 0 && u!.p50! <= 0.1, `p50 ${u!.p50}`);
  assert.ok(u!.p99! > 0.1 && u!.p99! <= 0.5, `p99 ${u!.p99}`);
  assert.deepEqual([p!.rate, p!.errorRatio, p!.p99, p!.hasData], [2, 0, null, true]);
  assert.deepEqual([h!.rate, h!.hasData], [null, false]);
  assert.deepEqual(out.seen.get(getUser), { label: 'route', values: ['/users/:id'], methods: ['GET'] });
  assert.equal(out.seen.has(idle), false);
  assert.deepEqual(
    out.unmatched.map((x) => [x.value, x.rate]),
    [
      ['/old', 1.5],
      ['/gone', 0.5],
    ],
  );
});

test('NaN and infinite samples are dropped: the route is seen, with no traffic counted from them', () => {
  const r = route(['GET'], '/x', 1);
  const out = aggregate([r], getConvention('telemetry-lens'), {
    rate: [sample({ route: '/x', method: 'GET' }, '+Inf')],
    errors: [sample({ route: '/x', method: 'GET' }, 'NaN')],
    buckets: [],
  });
  assert.deepEqual([out.routes[0]!.rate, out.routes[0]!.errorRatio, out.routes[0]!.hasData], [0, null, true]);
});

test('prometheus-flask-exporter: raw `path` URLs are matched by pattern and summed; `url_rule` rules exactly; a summary has no quantiles', () => {
  const getUser = route(['GET'], '/users/<int:user_id>', 3);
  const listUsers = route(['GET'], '/users/me', 4);
  const byPath = getConvention('prometheus-flask-exporter');
  const rate = [
    sample({ path: '/users/7', method: 'GET', status: '200' }, '3'),
    sample({ path: '/users/8', method: 'GET', status: '500' }, '1'),
    sample({ path: '/users/me', method: 'GET', status: '200' }, '2'),
  ];
  const errors = [sample({ path: '/users/8', method: 'GET' }, '1')];
  // default_latency_as_histogram=False: a summary, no _bucket series
  const out = aggregate([getUser, listUsers], byPath, { rate, errors, buckets: [] });
  assert.deepEqual(
    out.routes.map((s) => [s.rate, s.errorRatio, s.p99]),
    [
      [4, 0.25, null],
      [2, 0, null],
    ],
  );
  assert.deepEqual(out.seen.get(getUser), { label: 'path', values: ['/users/7', '/users/8'], methods: ['GET'] });

  const byRule = getConvention({ name: 'prometheus-flask-exporter', routeLabel: 'url_rule' });
  const ruled = aggregate([getUser, listUsers], byRule, {
    rate: [sample({ url_rule: '/users/<int:user_id>', method: 'GET', status: '200' }, '5')],
    errors: [],
    buckets: ['0.1', '+Inf'].map((le) => sample({ url_rule: '/users/<int:user_id>', method: 'GET', le }, '5')),
  });
  assert.deepEqual([ruled.routes[0]!.rate, ruled.routes[0]!.errorRatio, ruled.routes[1]!.hasData], [5, 0, false]);
  assert.ok(ruled.routes[0]!.p99! > 0 && ruled.routes[0]!.p99! <= 0.1);
  assert.deepEqual(ruled.seen.get(getUser), { label: 'url_rule', values: ['/users/<int:user_id>'], methods: ['GET'] });
});
