/** The LogQL the built-in receiver answers: selectors, line filters, one-label filters; the rest refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileLogQuery } from '../../../src/core/logs/logqlSubset';
import { makeLogLine } from '../../../src/core/logs/model';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const lines = [
  makeLogLine('3', '{"msg":"GET /api/products/7 200"}', { service_name: 'node-api' }, { trace_id: TRACE }),
  makeLogLine('2', 'payment failed', { service_name: 'node-api' }, { trace_id: '0af7651916cd43dd8448eb211c80319c' }),
  makeLogLine('1', 'GET /healthz 200', { service_name: 'python-api' }),
];

function run(q: string): string[] {
  const c = compileLogQuery(q);
  assert.ok(c.ok, `${q}: ${c.ok ? '' : c.error}`);
  return lines.filter(c.match).map((l) => l.line);
}

describe('compileLogQuery', () => {
  it('stream selectors, line filters and label filters (structured metadata included) select as Loki does', () => {
    assert.deepEqual(run('{service_name="node-api"}'), ['{"msg":"GET /api/products/7 200"}', 'payment failed']);
    assert.deepEqual(run('{service_name=~"node.*|python-api"} |= "GET" != "healthz"'), ['{"msg":"GET /api/products/7 200"}']);
    assert.deepEqual(run(`{service_name="node-api"} | trace_id="${TRACE}"`), ['{"msg":"GET /api/products/7 200"}']);
    assert.deepEqual(run('{service_name!="node-api", service_name=~".+"} |~ "^GET /\\\\w+"'), ['GET /healthz 200']);
    assert.deepEqual(run('{service_name="node-api"} |~ "/api/products/[^/?#\\" ]+"'), ['{"msg":"GET /api/products/7 200"}']);
    assert.deepEqual(run('{service_name="node-api"} !~ "fail"'), ['{"msg":"GET /api/products/7 200"}']);
  });

  it('regular expressions are RE2, as in Loki: a backtracking pattern answers at once, a lookahead is refused', () => {
    const hostile = [makeLogLine('1', `${'a'.repeat(64)}!`, { service_name: 'a'.repeat(64) + '!' })];
    for (const q of ['{service_name=~"(a+)+$"}', '{service_name=~".+"} |~ "^(a|a)+$"']) {
      const c = compileLogQuery(q);
      assert.ok(c.ok, q);
      assert.deepEqual(hostile.filter(c.match), [], q);
    }
    const c = compileLogQuery('{a="b"} |~ "a(?=b)"'); // a lookahead: JavaScript has it, RE2 (and Loki) do not
    assert.ok(!c.ok);
    assert.match(c.error, /bad regular expression/);
  });

  it('refuses what it cannot answer, with a reason, and invalid LogQL', () => {
    for (const [q, why] of [
      ['rate({a="b"}[1m])', /only log queries/],
      ['{a="b"} | json', /unsupported stage/],
      ['{a="b"} | x="1" or y="2"', /unsupported stage/],
      ['{a="b"} |~ "("', /bad regular expression/],
      ['{a="b"', /parse error/],
    ] as const) {
      const c = compileLogQuery(q);
      assert.ok(!c.ok, q);
      assert.match(c.error, why, q);
    }
  });
});
