/**
 * The waterfall's view model and insights against the recorded HotROD trace (its driver service looks up 13
 * drivers one by one: the textbook N+1), a generated 100,000-span trace in the recorded shape, and the
 * webview's row logic (collapse, filters, search) and message guards.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOtlpTrace } from '../../../src/core/traces/otlp';
import { waterfallModel, repeatedSiblings, attrText } from '../../../src/core/traces/waterfall';
import type { Trace } from '../../../src/core/traces/model';
import { ancestors, formatUs, parents, searchRows, visibleRows } from '../../../src/webview/app/lib/rows';
import { isWaterfallState, isWaterfallToHost } from '../../../src/webview/protocol/waterfall';
import { fixture, HOSTILE, replicateOtlpTrace } from './helpers';

function hotrod(): Trace {
  const r = parseOtlpTrace(fixture('jaeger', 'otlp_hotrod_40_spans_3_errors.json'));
  assert.ok(r.ok);
  return r.value;
}
const NO_FILTER = { errorsOnly: false, minDurationUs: 0 };

describe('waterfall model and insights (recorded HotROD trace)', () => {
  const m = waterfallModel(hotrod());
  const d = m.data;
  const name = (row: number) => `${d.services[d.spans[row].service]}:${d.spans[row].name}`;

  it('rows are depth-first with parent indices, relative times and the root first', () => {
    assert.equal(d.spans.length, 40);
    assert.equal(name(0), 'frontend:GET /dispatch');
    assert.equal(d.spans[0].parent, -1);
    assert.equal(d.spans[0].startUs, 0);
    d.spans.forEach((s, i) => {
      if (i > 0) assert.ok(s.parent >= 0 && s.parent < i, `row ${i} follows its parent`);
      if (s.parent >= 0) assert.equal(s.depth, d.spans[s.parent].depth + 1);
      assert.equal(m.spans[i].name, s.name);
    });
    assert.equal(d.spans.filter((s) => s.error).length, 3);
  });

  it('the largest self time is the MySQL query', () => {
    assert.equal(name(d.insights.largestSelf!.row), 'mysql:SQL SELECT');
    assert.ok(Math.abs(d.insights.largestSelf!.us - 311681.328) < 0.01);
  });

  it('critical path: shares per service sum to 1, the route service owns the most, and it is flagged on rows', () => {
    const shares = d.insights.criticalShare;
    assert.ok(Math.abs(shares.reduce((t, s) => t + s.share, 0) - 1) < 1e-9);
    assert.equal(shares[0].service, 'route');
    assert.ok(shares.map((s) => s.service).includes('mysql'));
    const total = shares.reduce((t, s) => t + s.us, 0);
    assert.ok(Math.abs(total - d.durationUs) < 1, 'the critical path covers the root span');
    assert.ok(d.spans[0].critical && d.spans[3].critical);
  });

  it('N+1: 13 sequential GetDriver calls under FindNearest, and 11 HTTP GETs under the root, with count and total', () => {
    const getDriver = d.insights.repeated.find((r) => r.label === 'GetDriver')!;
    assert.equal(getDriver.count, 13);
    assert.equal(getDriver.by, 'name');
    assert.equal(name(getDriver.parent), 'driver:driver.DriverService/FindNearest');
    const sum = getDriver.rows.reduce((t, r) => t + d.spans[r].durationUs, 0);
    assert.ok(Math.abs(getDriver.totalUs - sum) < 1e-6);
    const http = d.insights.repeated.find((r) => r.label === 'HTTP GET')!;
    assert.equal(http.count, 11);
    assert.equal(http.parent, 0);
    assert.ok(!d.insights.repeated.some((r) => r.label === 'GET /route'), 'one per parent: no group across parents');
  });

  it('search text carries attribute keys and values', () => {
    const row = d.spans.findIndex((s) => s.name === 'SQL SELECT');
    assert.match(d.spans[row].text, /db\.query\.text=SELECT \* FROM customer WHERE customer_id=567/);
  });
});

describe('repeated siblings by db.statement', () => {
  const rows = [{ parent: -1, durationUs: 100 }, ...Array.from({ length: 4 }, () => ({ parent: 0, durationUs: 5 }))];
  const spans = [
    { name: 'GET /orders', attributes: {} },
    ...Array.from({ length: 4 }, (_, i) => ({
      name: 'SELECT',
      attributes: { 'db.statement': i < 3 ? 'SELECT * FROM items WHERE order_id = ?' : 'SELECT 1' },
    })),
  ];

  it('the statement group is reported, the name group covering the same spans plus one other too', () => {
    const r = repeatedSiblings(spans, rows);
    const stmt = r.find((x) => x.by === 'db.statement')!;
    assert.equal(stmt.count, 3);
    assert.equal(stmt.totalUs, 15);
    assert.equal(stmt.label, 'SELECT * FROM items WHERE order_id = ?');
    assert.equal(r.find((x) => x.by === 'name')?.count, 4);
  });

  it('a name group wholly inside a statement group is not reported twice; fewer than 3 is not a pattern', () => {
    const three = repeatedSiblings(spans.slice(0, 4), rows.slice(0, 4));
    assert.deepEqual(
      three.map((x) => x.by),
      ['db.statement'],
    );
    assert.deepEqual(repeatedSiblings(spans.slice(0, 3), rows.slice(0, 3)), []);
  });
});

describe('webview rows: collapse, filters, search', () => {
  const d = waterfallModel(hotrod()).data;

  it('collapsing a span hides its subtree; expanding shows it again', () => {
    assert.equal(visibleRows(d.spans, new Set(), NO_FILTER).length, 40);
    const findNearest = d.spans.findIndex((s) => s.name === 'driver.DriverService/FindNearest');
    const v = visibleRows(d.spans, new Set([findNearest]), NO_FILTER);
    assert.equal(v.length, 40 - 15); // its driver server span, FindDriverIDs and 13 GetDriver
    assert.ok(!v.some((r) => ancestors(d.spans, r).includes(findNearest)));
    assert.ok(parents(d.spans).has(findNearest));
  });

  it('errors only keeps the error spans and their ancestors; minimum duration hides short spans', () => {
    const v = visibleRows(d.spans, new Set(), { errorsOnly: true, minDurationUs: 0 });
    const errors = d.spans.map((s, i) => (s.error ? i : -1)).filter((i) => i >= 0);
    for (const e of errors) {
      assert.ok(v.includes(e));
      for (const a of ancestors(d.spans, e)) assert.ok(v.includes(a));
    }
    assert.ok(v.every((r) => d.spans[r].error || errors.some((e) => ancestors(d.spans, e).includes(r))));
    const long = visibleRows(d.spans, new Set(), { errorsOnly: false, minDurationUs: 100_000 });
    assert.ok(
      long.every(
        (r) => d.spans[r].durationUs >= 100_000 || d.spans.some((s, i) => ancestors(d.spans, i).includes(r) && s.durationUs >= 100_000),
      ),
    );
    assert.ok(long.length < 10);
  });

  it('search matches names, services and attribute values, case-insensitively', () => {
    assert.equal(searchRows(d.spans, d.services, 'getdriver').length, 13);
    assert.equal(searchRows(d.spans, d.services, 'MYSQL').length, 1);
    assert.equal(searchRows(d.spans, d.services, 'customer_id=567').length, 1);
    assert.deepEqual(searchRows(d.spans, d.services, '  '), []);
  });

  it('a generated 100,000-span trace (recorded shape): one tree, every row visible, collapse of the root leaves one', () => {
    const base = fixture<Parameters<typeof replicateOtlpTrace>[0]>('jaeger', 'otlp_hotrod_40_spans_3_errors.json');
    const big = replicateOtlpTrace(base, 2500);
    const r = parseOtlpTrace(big.doc);
    assert.ok(r.ok);
    const w = waterfallModel(r.value).data;
    assert.equal(w.spans.length, 100_000);
    assert.equal(visibleRows(w.spans, new Set(), NO_FILTER).length, 100_000);
    assert.equal(visibleRows(w.spans, new Set([0]), NO_FILTER).length, 1);
    assert.equal(searchRows(w.spans, w.services, 'GetDriver').length, 13 * 2500);
  });

  it('formats durations', () => {
    assert.equal(formatUs(1_234_567), '1.23 s');
    assert.equal(formatUs(45_600), '45.6 ms');
    assert.equal(formatUs(250_000), '250 ms');
    assert.equal(formatUs(789.4), '789 µs');
  });
});

describe('waterfall protocol guards and hostile strings', () => {
  it('accepts only known messages with valid row indices', () => {
    assert.ok(isWaterfallToHost({ type: 'ready' }));
    assert.ok(isWaterfallToHost({ type: 'details', row: 3 }));
    assert.ok(!isWaterfallToHost({ type: 'details', row: -1 }));
    assert.ok(!isWaterfallToHost({ type: 'goToCode', row: '1' }));
    assert.ok(!isWaterfallToHost({ type: 'openUrl', url: 'https://evil' }));
    assert.ok(!isWaterfallToHost(null));
  });

  it('a persisted state is an identity: a known backend and a hex trace id', () => {
    assert.ok(isWaterfallState({ backend: 'local', traceId: '2ea75461946a7dd10f2c15ab36a076cb' }));
    assert.ok(!isWaterfallState({ backend: 'file', traceId: '2ea75461946a7dd10f2c15ab36a076cb' }));
    assert.ok(!isWaterfallState({ backend: 'jaeger', traceId: '<img src=x onerror=alert(1)>' }));
    assert.ok(!isWaterfallState(undefined));
  });

  it('hostile names and attribute values pass through verbatim (the view renders them as text)', () => {
    const t = hotrod();
    t.spans[0].name = HOSTILE[0];
    t.spans[0].attributes['x'] = HOSTILE[2];
    const w = waterfallModel(t).data;
    assert.equal(w.spans[0].name, HOSTILE[0]);
    assert.ok(w.spans[0].text.includes(`x=${HOSTILE[2]}`));
    assert.equal(attrText({ a: [1, 'b'] }), '{"a":[1,"b"]}');
    assert.equal(attrText('x'.repeat(5000)).length, 4001);
  });
});
