/** Live prefix inference: routes whose prefix is only known at run time get it from the service's route label values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../../../src/core/metrics/aggregate';
import { getConvention } from '../../../src/core/metrics/conventions';
import type { VectorSample } from '../../../src/core/metrics/prometheusApi';
import type { HttpMethod, Route } from '../../../src/core/routes/types';

const REASON = 'prefix at app.js:9 is a run-time environment variable API_PREFIX with no default: process.env.API_PREFIX';

function route(methods: HttpMethod[], path: string, line: number, fullPath: string | null = null, reason = REASON): Route {
  const range = { start: { line, column: 0 }, end: { line, column: 10 } };
  const r: Route = {
    framework: 'express',
    methods,
    path,
    fullPath,
    file: '/routes/articles.js',
    line,
    range,
    handlerFile: '/routes/articles.js',
    handlerLine: line,
    handlerName: null,
  };
  if (fullPath === null) r.fullPathReason = reason;
  return r;
}

const sample = (route: string, method: string, v: string): VectorSample => ({
  metric: { route, method, status: '200' },
  value: [1_700_000_000, v],
});
const conv = getConvention('telemetry-lens');
const rateOf = (...s: VectorSample[]) => ({ rate: s, errors: [], buckets: [] });

test('a prefix confirmed by two routes of the same mount is inferred, and their traffic is theirs', () => {
  const feed = route(['GET'], '/feed', 3);
  const one = route(['GET'], '/:slug', 4);
  const idle = route(['DELETE'], '/:slug', 5);
  const known = route(['GET'], '/health', 6, '/health');
  const out = aggregate(
    [feed, one, idle, known],
    conv,
    rateOf(sample('/api/articles/feed', 'GET', '2'), sample('/api/articles/:slug', 'GET', '3'), sample('/health', 'GET', '1')),
  );
  const [f, o, i, k] = out.routes;
  assert.deepEqual(f!.inferred, { prefix: '/api/articles', fullPath: '/api/articles/feed' });
  assert.deepEqual([f!.rate, o!.rate], [2, 3]);
  assert.equal(o!.inferred?.fullPath, '/api/articles/:slug');
  // a route of the same mount without traffic gets the prefix too, and is "no traffic", not unknown
  assert.deepEqual([i!.inferred?.prefix, i!.hasData], ['/api/articles', false]);
  assert.equal(k!.inferred, undefined);
  assert.deepEqual(out.unmatched, []);
});

test('never when two prefixes fit, nor on the word of a single route', () => {
  const feed = route(['GET'], '/feed', 3);
  const tags = route(['GET'], '/tags', 4);
  const twoFit = aggregate(
    [feed, tags],
    conv,
    rateOf(sample('/v1/feed', 'GET', '1'), sample('/v1/tags', 'GET', '1'), sample('/v2/feed', 'GET', '1'), sample('/v2/tags', 'GET', '1')),
  );
  assert.deepEqual(
    twoFit.routes.map((r) => [r.inferred, r.hasData]),
    [
      [undefined, false],
      [undefined, false],
    ],
  );
  const single = aggregate([feed, tags], conv, rateOf(sample('/v1/feed', 'GET', '1')));
  assert.deepEqual(
    single.routes.map((r) => r.inferred),
    [undefined, undefined],
  );
  assert.equal(single.unmatched.length, 1);
});

test('routes of different mounts (different reasons) are inferred apart; the root path never votes', () => {
  const a1 = route(['GET'], '/list', 3, null, 'reason A');
  const a2 = route(['GET'], '/count', 4, null, 'reason A');
  const aRoot = route(['GET'], '/', 5, null, 'reason A');
  const b1 = route(['GET'], '/list', 6, null, 'reason B');
  const out = aggregate(
    [a1, a2, aRoot, b1],
    conv,
    rateOf(sample('/svc/list', 'GET', '1'), sample('/svc/count', 'GET', '1'), sample('/svc', 'GET', '1')),
  );
  assert.deepEqual(
    out.routes.map((r) => r.inferred?.fullPath),
    ['/svc/list', '/svc/count', '/svc', undefined],
  );
  assert.equal(out.routes[2]!.rate, 1);
});

test('the known part below the unknown prefix (a router prefix of its own) is what the label values must end with', async () => {
  const { detectRoutes } = await import('../../../src/core/routes/detector');
  const routes = await detectRoutes([
    {
      path: '/svc/main.py',
      text: 'import os\nfrom fastapi import FastAPI, APIRouter\napp = FastAPI()\nr = APIRouter(prefix="/orders")\n@r.get("")\ndef list_orders(): pass\n@r.get("/{order_id}")\ndef one(order_id): pass\napp.include_router(r, prefix=os.environ["SHOP_PREFIX"])\n',
    },
  ]);
  assert.deepEqual(
    routes.map((r) => [r.fullPath, r.knownSuffix]),
    [
      [null, '/orders'],
      [null, '/orders/{order_id}'],
    ],
  );
  const out = aggregate(routes, conv, rateOf(sample('/api/orders', 'GET', '2'), sample('/api/orders/{order_id}', 'GET', '1')));
  assert.deepEqual(
    out.routes.map((r) => [r.inferred?.fullPath, r.rate]),
    [
      ['/api/orders', 2],
      ['/api/orders/{order_id}', 1],
    ],
  );
});
