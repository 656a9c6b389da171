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
import { isWaterfallState, isWaterfallToHost, ROW_CRITICAL, ROW_ERROR, type WaterfallRows } from '../../../src/webview/protocol/waterfall';
import { fixture, HOSTILE, replicateOtlpTrace } from './helpers';

function hotrod(): Trace {
  const r = parseOtlpTrace(fixture('jaeger', 'otlp_hotrod_40_spans_3_errors.json'));
  assert.ok(r.ok);
  return r.value;
}
const NO_FILTER = { errorsOnly: false, minDurationUs: 0 };
const rowText = (r: WaterfallRows, row: number) => r.search.slice(r.searchStart[row], r.searchStart[row + 1]);
const all = (r: WaterfallRows) => [...r.name.keys()];

describe('waterfall model and insights (recorded HotROD trace)', () => {
  const m = waterfallModel(hotrod());
  const d = m.data;
  const r = d.rows;
  const name = (row: number) => `${d.services[r.service[row]]}:${r.name[row]}`;

  it('rows are depth-first with parent indices, relative times and the root first', () => {
    assert.equal(r.name.length, 40);
    for (const col of [r.service, r.parent, r.depth, r.startUs, r.durationUs, r.selfUs, r.flags]) assert.equal(col.length, 40);
    assert.equal(name(0), 'frontend:GET /dispatch');
    assert.equal(r.parent[0], -1);
    assert.equal(r.startUs[0], 0);
    for (const i of all(r)) {
      const p = r.parent[i];
      if (i > 0) assert.ok(p >= 0 && p < i, `row ${i} follows its parent`);
      if (p >= 0) assert.equal(r.depth[i], r.depth[p] + 1);
      assert.equal(m.spans[i].name, r.name[i]);
      assert.equal(r.durationUs[i], m.spans[i].durationUs);
    }
    assert.equal(all(r).filter((i) => r.flags[i] & ROW_ERROR).length, 3);
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
    assert.ok(r.flags[0] & ROW_CRITICAL && r.flags[3] & ROW_CRITICAL);
  });

  it('N+1: 13 sequential GetDriver calls under FindNearest, and 11 HTTP GETs under the root, with count and total', () => {
    const getDriver = d.insights.repeated.find((r) => r.label === 'GetDriver')!;
    assert.equal(getDriver.count, 13);
    assert.equal(getDriver.by, 'name');
    assert.equal(name(getDriver.parent), 'driver:driver.DriverService/FindNearest');
    const sum = getDriver.rows.reduce((t, row) => t + r.durationUs[row], 0);
    assert.ok(Math.abs(getDriver.totalUs - sum) < 1e-6);
    const http = d.insights.repeated.find((r) => r.label === 'HTTP GET')!;
    assert.equal(http.count, 11);
    assert.equal(http.parent, 0);
    assert.ok(!d.insights.repeated.some((r) => r.label === 'GET /route'), 'one per parent: no group across parents');
  });

  it('search text carries the name and attribute keys and values, lower-cased, one slice per row', () => {
    const row = r.name.indexOf('SQL SELECT');
    assert.match(rowText(r, row), /^sql select\n(.*\n)*db\.query\.text=select \* from customer where customer_id=567\n/);
    assert.equal(r.searchStart[0], 0);
    assert.equal(r.searchStart[40], r.search.length);
  });
});

describe('repeated siblings by db.statement', () => {
  const rows = { parent: [-1, 0, 0, 0, 0], durationUs: [100, 5, 5, 5, 5] };
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
    const three = repeatedSiblings(spans.slice(0, 4), rows);
    assert.deepEqual(
      three.map((x) => x.by),
      ['db.statement'],
    );
    assert.deepEqual(repeatedSiblings(spans.slice(0, 3), rows), []);
  });
});

describe('webview rows: collapse, filters, search', () => {
  const d = waterfallModel(hotrod()).data;
  const r = d.rows;

  it('collapsing a span hides its subtree; expanding shows it again', () => {
    assert.equal(visibleRows(r, new Set(), NO_FILTER).length, 40);
    const findNearest = r.name.indexOf('driver.DriverService/FindNearest');
    const v = [...visibleRows(r, new Set([findNearest]), NO_FILTER)];
    assert.equal(v.length, 40 - 15); // its driver server span, FindDriverIDs and 13 GetDriver
    assert.ok(!v.some((row) => ancestors(r.parent, row).includes(findNearest)));
    assert.equal(parents(r.parent)[findNearest], 1);
    assert.equal(parents(r.parent)[r.name.indexOf('GetDriver')], 0);
  });

  it('errors only keeps the error spans and their ancestors; minimum duration hides short spans', () => {
    const v = [...visibleRows(r, new Set(), { errorsOnly: true, minDurationUs: 0 })];
    const errors = all(r).filter((i) => r.flags[i] & ROW_ERROR);
    for (const e of errors) {
      assert.ok(v.includes(e));
      for (const a of ancestors(r.parent, e)) assert.ok(v.includes(a));
    }
    assert.ok(v.every((row) => r.flags[row] & ROW_ERROR || errors.some((e) => ancestors(r.parent, e).includes(row))));
    const long = [...visibleRows(r, new Set(), { errorsOnly: false, minDurationUs: 100_000 })];
    assert.ok(
      long.every(
        (row) => r.durationUs[row] >= 100_000 || all(r).some((i) => ancestors(r.parent, i).includes(row) && r.durationUs[i] >= 100_000),
      ),
    );
    assert.ok(long.length > 0 && long.length < 10);
  });

  it('search matches names, services and attribute values, case-insensitively', () => {
    assert.equal(searchRows(r, d.services, 'getdriver').length, 13);
    assert.equal(searchRows(r, d.services, 'MYSQL').length, 1);
    assert.equal(searchRows(r, d.services, 'customer_id=567').length, 1);
    assert.deepEqual(searchRows(r, d.services, '  '), []);
  });

  it('search: one hit per row, in row order; a match may not run from one row into the next', () => {
    const rows = {
      service: Int32Array.of(0, 0, 1),
      search: 'abc\nxx\n' + 'ab\n' + 'cab\nc\n',
      searchStart: Int32Array.of(0, 7, 10, 16),
    };
    assert.deepEqual(searchRows(rows, ['svc-a', 'svc-b'], 'ab'), [0, 1, 2]);
    assert.deepEqual(searchRows(rows, ['svc-a', 'svc-b'], 'X'), [0]);
    assert.deepEqual(searchRows(rows, ['svc-a', 'svc-b'], 'ab\nc'), [2]); // row 2's own, not row 1's "ab\n" + row 2's "c"
    assert.deepEqual(searchRows(rows, ['svc-a', 'svc-b'], 'SVC-B'), [2]);
    assert.deepEqual(searchRows(rows, ['svc-a', 'svc-b'], 'zz'), []);
  });

  it('a generated 100,000-span trace (recorded shape): one tree, every row visible, collapse of the root leaves one', () => {
    const base = fixture<Parameters<typeof replicateOtlpTrace>[0]>('jaeger', 'otlp_hotrod_40_spans_3_errors.json');
    const big = replicateOtlpTrace(base, 2500);
    const r = parseOtlpTrace(big.doc);
    assert.ok(r.ok);
    const w = waterfallModel(r.value).data;
    assert.equal(w.rows.name.length, 100_000);
    assert.equal(visibleRows(w.rows, new Set(), NO_FILTER).length, 100_000);
    assert.equal(visibleRows(w.rows, new Set([0]), NO_FILTER).length, 1);
    assert.equal(searchRows(w.rows, w.services, 'GetDriver').length, 13 * 2500);
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
    assert.equal(w.rows.name[0], HOSTILE[0]);
    assert.ok(rowText(w.rows, 0).includes(`x=${HOSTILE[2].toLowerCase()}`));
    assert.equal(attrText({ a: [1, 'b'] }), '{"a":[1,"b"]}');
    assert.equal(attrText('x'.repeat(5000)).length, 4001);
  });
});
