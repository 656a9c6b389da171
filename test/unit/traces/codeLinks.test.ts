/**
 * Span → code without the editor (span creation sites, http.route → detected route, code.filepath → workspace
 * file) and the Traces view's pure parts (sort orders, ages, operation paths).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bestFileMatch, routeForSpan, spanSites } from '../../../src/core/traces/codeLinks';
import { ageText, operationPath, sortSummaries, spanNameStats } from '../../../src/core/traces/explorer';
import type { Route } from '../../../src/core/routes/types';
import type { TraceSummary } from '../../../src/core/traces/model';

const PY = `from opentelemetry import trace
tracer = trace.get_tracer("shop")

def list_orders():
    with tracer.start_as_current_span("orders.list") as span:
        span.set_attribute("n", 1)
    s = tracer.start_span('orders.\\'quoted\\'')
`;
const TS = `const tracer = trace.getTracer('catalog');
export async function load() {
  return tracer.startActiveSpan("catalog.load", async (span) => {
    const child = tracer.startSpan(\`catalog.fetch\`);
    const dynamic = tracer.startSpan(\`x-\${id}\`);
  });
}`;

function route(methods: Route['methods'], path: string, fullPath: string | null, file = '/w/app.py'): Route {
  return {
    framework: 'fastapi',
    methods,
    path,
    fullPath,
    file,
    line: 3,
    range: { start: { line: 2, column: 0 }, end: { line: 2, column: 1 } },
    handlerFile: file,
    handlerLine: 4,
    handlerName: 'h',
  } as Route;
}

describe('span creation sites', () => {
  it('Python start_as_current_span / start_span with their 1-based lines and unescaped names', () => {
    assert.deepEqual(spanSites(PY), [
      { name: 'orders.list', line: 5 },
      { name: "orders.'quoted'", line: 7 },
    ]);
  });

  it('JS/TS startActiveSpan / startSpan; template literals with interpolation are not literal names', () => {
    assert.deepEqual(spanSites(TS), [
      { name: 'catalog.load', line: 3 },
      { name: 'catalog.fetch', line: 4 },
    ]);
  });
});

describe('http.route → detected route', () => {
  const routes = [
    route(['GET'], '/users/{user_id}', '/api/users/{user_id}'),
    route(['DELETE'], '/users/{id}', '/api/users/{id}', '/w/admin.py'),
    route(['ALL'], '/health', null),
  ];

  it('matches across template forms and prefers the route serving the span method', () => {
    assert.equal(
      routeForSpan({ attributes: { 'http.route': '/api/users/:id', 'http.request.method': 'DELETE' } }, routes)?.file,
      '/w/admin.py',
    );
    assert.equal(routeForSpan({ attributes: { 'http.route': '/api/users/<int:id>', 'http.method': 'GET' } }, routes)?.file, '/w/app.py');
    assert.equal(routeForSpan({ attributes: { 'http.route': '/health', 'http.request.method': 'POST' } }, routes)?.path, '/health');
    assert.equal(routeForSpan({ attributes: { 'http.route': '/nope' } }, routes), undefined);
    assert.equal(routeForSpan({ attributes: {} }, routes), undefined);
  });
});

describe('code.filepath → workspace file', () => {
  it('the longest common path suffix wins; no common file name, no match', () => {
    const files = ['/w/a/app/main.py', '/w/b/main.py', '/w/a/other/main.py'];
    assert.equal(bestFileMatch('/srv/app/main.py', files), '/w/a/app/main.py');
    assert.equal(bestFileMatch('C:\\build\\other\\main.py', files), '/w/a/other/main.py');
    assert.equal(bestFileMatch('/srv/app/server.py', files), undefined);
  });
});

describe('Traces view ordering and labels', () => {
  const s = (traceId: string, startUs: number, durationUs: number, errorSpanCount: number): TraceSummary => ({
    traceId,
    startUs,
    durationUs,
    errorSpanCount,
    matchedSpans: [],
  });
  const list = [s('a', 1, 500, 0), s('b', 3, 100, 2), s('c', 2, 900, 2)];

  it('newest, slowest, errors (ties by newest)', () => {
    assert.deepEqual(
      sortSummaries(list, 'newest').map((x) => x.traceId),
      ['b', 'c', 'a'],
    );
    assert.deepEqual(
      sortSummaries(list, 'slowest').map((x) => x.traceId),
      ['c', 'a', 'b'],
    );
    assert.deepEqual(
      sortSummaries(list, 'errors').map((x) => x.traceId),
      ['b', 'c', 'a'],
    );
  });

  it('ages and operation paths', () => {
    const now = 1_700_000_000_000;
    assert.equal(ageText((now - 5_000) * 1000, now), '5 s ago');
    assert.equal(ageText((now - 125_000) * 1000, now), '2 min ago');
    assert.equal(ageText((now - 7_300_000) * 1000, now), '2 h ago');
    assert.equal(operationPath('GET /users/:id'), '/users/:id');
    assert.equal(operationPath('/health'), '/health');
    assert.equal(operationPath('SQL SELECT'), undefined);
  });
});

describe('span lens statistics', () => {
  it('count, nearest-rank p50/p99 and errors; nothing observed: undefined', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({ seconds: (i + 1) / 1000, error: i % 10 === 0 }));
    assert.deepEqual(spanNameStats(samples), { count: 100, p50: 0.05, p99: 0.099, errors: 10 });
    assert.deepEqual(spanNameStats([{ seconds: 0.2, error: true }]), { count: 1, p50: 0.2, p99: 0.2, errors: 1 });
    assert.equal(spanNameStats([]), undefined);
  });
});
