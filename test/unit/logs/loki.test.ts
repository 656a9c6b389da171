/**
 * Loki parsers and the log model against the recorded Loki payloads, plus generated trace-id-bearing
 * streams in the recorded categorize-labels shape, hostile lines and bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseLokiQuery, parseLokiSeries, parseLokiStringList, parseLokiTailFrame, sortLines } from '../../../src/core/logs/loki';
import { compareNs, extractTraceContext, makeLogLine, nsToDate } from '../../../src/core/logs/model';
import { clone, fixture, HOSTILE, lokiStreamsWithTraceIds, SPAN_ID, TRACE_ID } from '../traces/helpers';
import { lokiSeries } from './helpers';

function mustOk<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) assert.fail(r.error);
  return r.value;
}
type Streams = { data: { result: { values: unknown[][] }[] } };
const countValues = (d: Streams) => d.data.result.reduce((n, s) => n + s.values.length, 0);

describe('Loki query parser (recorded payloads)', () => {
  it('query_range streams: 2 lines, newest first by default, ns timestamps kept as strings', () => {
    const raw = fixture<Streams>('loki', 'query_range_streams.json');
    const r = mustOk(parseLokiQuery(raw));
    assert.equal(r.resultType, 'streams');
    if (r.resultType !== 'streams') return;
    assert.equal(r.lines.length, countValues(raw));
    assert.equal(r.lines.length, 2);
    assert.deepEqual(
      r.lines.map((l) => [l.tsNs, l.line]),
      [
        ['123456789012346', 'super line with labels'],
        ['123456789012345', 'super line'],
      ],
    );
    assert.deepEqual(r.lines[0].labels, { test: 'test' });
    assert.deepEqual(r.lines[0].structuredMetadata, {});
    assert.deepEqual(r.warnings, ['this is a warning']);
    assert.deepEqual(r.encodingFlags, []);
    const fwd = mustOk(parseLokiQuery(raw, 'forward'));
    assert.equal(fwd.resultType === 'streams' && fwd.lines[0].tsNs, '123456789012345');
  });

  it('categorize-labels streams: structuredMetadata and parsed apart from stream labels', () => {
    const raw = fixture<Streams>('loki', 'query_range_streams_categorized.json');
    const r = mustOk(parseLokiQuery(raw, 'forward'));
    if (r.resultType !== 'streams') return assert.fail(r.resultType);
    assert.equal(r.lines.length, 3);
    assert.deepEqual(r.encodingFlags, ['categorize-labels']);
    assert.deepEqual(r.lines[0].structuredMetadata, {});
    assert.deepEqual(r.lines[1].structuredMetadata, { foo: 'a', bar: 'b' });
    assert.deepEqual(r.lines[2].parsed, { msg: 'text' });
    assert.deepEqual(r.lines[2].labels, { test: 'test' });
    assert.equal(r.lines[2].traceId, undefined);
  });

  it('matrix (query_range) and vector (query)', () => {
    const m = mustOk(parseLokiQuery(fixture('loki', 'query_range_matrix.json')));
    assert.equal(m.resultType, 'matrix');
    if (m.resultType !== 'matrix') return;
    assert.deepEqual(
      m.series.map((s) => s.values.length),
      [1, 2],
    );
    assert.deepEqual(m.series[1].values[1], { tsSec: 1568404331.339, value: '4.45' });
    assert.equal(m.series[0].labels.filename, '/var/hostlog/apport.log');
    const v = mustOk(parseLokiQuery(fixture('loki', 'query_vector.json')));
    assert.equal(v.resultType, 'vector');
    if (v.resultType !== 'vector') return;
    assert.equal(v.series.length, 2);
    assert.deepEqual(v.series[1].values, [{ tsSec: 1568404331.324, value: '3.45' }]);
  });

  it('tail frames, plain and categorized, with dropped entries', () => {
    const f = mustOk(parseLokiTailFrame(fixture('loki', 'tail_frame.json')));
    assert.equal(f.lines.length, 2);
    assert.deepEqual(f.dropped, [{ tsNs: '123456789022345', labels: { test: 'test' } }]);
    const c = mustOk(parseLokiTailFrame(fixture('loki', 'tail_frame_categorized.json')));
    assert.equal(c.lines.length, 3);
    assert.deepEqual(c.encodingFlags, ['categorize-labels']);
    assert.deepEqual(c.lines[1].structuredMetadata, { foo: 'a', bar: 'b' });
    assert.equal(c.dropped.length, 1);
  });

  it('labels / label values / series (series generated in the recorded shape)', () => {
    assert.deepEqual(mustOk(parseLokiStringList(fixture('loki', 'labels_minimal.json'))), ['label1', 'test', 'value']);
    const raw = lokiSeries();
    assert.ok(raw.data.length > 1);
    const s = mustOk(parseLokiSeries(raw));
    assert.equal(s.length, raw.data.length);
    assert.deepEqual(s, raw.data);
    assert.equal(s[0].job, 'varlogs');
    assert.deepEqual(
      s.map((x) => x.filename ?? x.test),
      ['/var/hostlog/apport.log', '/var/hostlog/syslog', 'test'],
    );
    assert.equal(parseLokiSeries({ status: 'success', data: [{ job: 1 }] }).ok, false);
  });
});

describe('trace ids and levels (generated in the recorded categorized shape)', () => {
  it('trace id from structured metadata, parsed fields, traceparent and the line; all-zero ids ignored', () => {
    const { doc, expected } = lokiStreamsWithTraceIds();
    const r = mustOk(parseLokiQuery(doc));
    if (r.resultType !== 'streams') return assert.fail(r.resultType);
    assert.deepEqual(
      r.lines.map((l) => l.traceId),
      expected,
    );
    assert.equal(r.lines[0].spanId, SPAN_ID);
    assert.equal(r.lines[2].spanId, SPAN_ID);
    assert.equal(r.lines[3].spanId, SPAN_ID);
    assert.equal(r.lines[3].level, 'error');
    assert.equal(r.lines[4].level, 'info');
    assert.deepEqual(r.lines[1].structuredMetadata, { foo: 'a' });
  });

  it('precedence: structured metadata over the line; labels with detected_level', () => {
    const l = makeLogLine('1', `trace_id=${'a'.repeat(32)}`, { detected_level: 'WARN' }, { trace_id: TRACE_ID });
    assert.equal(l.traceId, TRACE_ID);
    assert.equal(l.level, 'warn');
    assert.deepEqual(extractTraceContext({ line: 'x', labels: {}, structuredMetadata: {}, parsed: { trace_id: 'not-hex' } }), {});
    assert.equal(makeLogLine('1', 'x', { level: 'banana' }).level, 'unknown');
  });

  it('ns ordering is exact beyond 2^53 and stable', () => {
    assert.ok(compareNs('1704895296244577001', '1704895296244577000') > 0);
    assert.ok(compareNs('999', '1000') < 0);
    const a = makeLogLine('1704895296244577001', 'a', {});
    const b = makeLogLine('1704895296244577000', 'b', {});
    const c = makeLogLine('1704895296244577001', 'c', {});
    assert.deepEqual(
      sortLines([b, a, c]).map((l) => l.line),
      ['a', 'c', 'b'],
    );
    assert.equal(nsToDate('1704895296244577000').toISOString(), '2024-01-10T14:01:36.244Z');
  });
});

describe('hostile strings and bad input', () => {
  it('markup and ANSI in lines, labels and metadata come through verbatim and are not interpreted', () => {
    const raw = fixture<{ data: { result: { stream: Record<string, string>; values: unknown[][] }[] } }>(
      'loki',
      'query_range_streams_categorized.json',
    );
    const s = raw.data.result[0];
    s.stream.app = HOSTILE[0];
    s.values = HOSTILE.map((h, i) => [String(123456789012345 + i), h, { structuredMetadata: { note: h }, parsed: { msg: h } }]);
    const r = mustOk(parseLokiQuery(raw, 'forward'));
    if (r.resultType !== 'streams') return assert.fail(r.resultType);
    assert.deepEqual(
      r.lines.map((l) => l.line),
      HOSTILE,
    );
    r.lines.forEach((l, i) => {
      assert.equal(l.structuredMetadata.note, HOSTILE[i]);
      assert.equal(l.parsed.msg, HOSTILE[i]);
      assert.equal(l.labels.app, HOSTILE[0]);
      assert.equal(l.traceId, undefined);
    });
  });

  it('never throws on bad input; bad entries are skipped and counted', () => {
    for (const b of [
      null,
      1,
      'x',
      [],
      {},
      { status: 'error', error: 'parse error' },
      { status: 'success', data: {} },
      { status: 'success', data: { resultType: 'scalar', result: [] } },
    ]) {
      for (const p of [parseLokiQuery, parseLokiTailFrame, parseLokiStringList, parseLokiSeries]) {
        const r = (p as (x: unknown) => { ok: boolean })(b);
        if (p === parseLokiStringList || p === parseLokiSeries) {
          if (isObj(b) && b.status === 'success') continue; // empty data is a valid empty answer
        }
        assert.equal(r.ok, false, `${p.name}(${JSON.stringify(b)})`);
      }
    }
    const raw = clone(fixture<Streams>('loki', 'query_range_streams.json'));
    raw.data.result[0].values.push(['12x', 'bad ts'], [1, 'num ts'], ['1'], 'nope' as unknown as unknown[]);
    (raw.data.result as unknown[]).push(null);
    const r = mustOk(parseLokiQuery(raw));
    assert.equal(r.resultType === 'streams' && r.lines.length, 2);
    assert.equal(r.resultType === 'streams' && r.skipped, 5);
    const bad = { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [['x', 1]] }] } };
    assert.equal(parseLokiQuery(bad).ok, false);
  });
});

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
