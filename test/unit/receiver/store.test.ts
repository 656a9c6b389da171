/**
 * The receiver's store without servers: requests decoded from OTLP/JSON by the real definitions, eviction of
 * the least recently updated traces, the log budget, operations per span kind, and the stored spans written
 * back as the same OTLP JSON (what goes in comes out).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson } from '../../../src/backends/receiver/protobuf';
import { tracesJson } from '../../../src/backends/receiver/otlpJson';
import { TelemetryStore } from '../../../src/backends/receiver/store';
import { clone, fixture } from '../traces/helpers';

const tid = (n: number) => n.toString(16).padStart(32, '0');
const sid = (n: number) => n.toString(16).padStart(16, '0');
const span = (t: number, s: number, name = `op${s}`, kind: number | string = 2) => ({
  traceId: tid(t),
  spanId: sid(s),
  name,
  kind,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000001000000',
});
const request = (spans: object[], service = 'svc') =>
  decodeJson('traces', {
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }],
  });

describe('TelemetryStore', () => {
  it('stores the recorded OTLP documents and writes them back unchanged', () => {
    for (const name of ['otlp_traces_memory_store.json', 'otlp_hotrod_40_spans_3_errors.json', 'otlp_error_timeout_masked_26_spans.json']) {
      const doc = fixture<{ resourceSpans: unknown[] }>('jaeger', name);
      const store = new TelemetryStore();
      const r = store.addTraces(decodeJson('traces', clone(doc)));
      assert.equal(r.rejected, 0, name);
      const spans = (d: { resourceSpans: unknown[] }) =>
        (d.resourceSpans as { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[])
          .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
          .sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
      const ids = [...new Set(spans(doc).map((s) => s.traceId))];
      // Same spans, same fields and values (the recordings list resources per batch; so do we, per trace).
      const back = tracesJson(ids.map((id) => store.getTrace(id)!));
      assert.deepEqual(JSON.parse(JSON.stringify(spans(back))), spans(doc), name);
    }
  });

  it('evicts the least recently updated trace first and counts what it dropped', () => {
    const store = new TelemetryStore({ maxSpans: 4 });
    store.addTraces(request([span(1, 1), span(1, 2)]));
    store.addTraces(request([span(2, 3), span(2, 4)]));
    store.addTraces(request([span(1, 5)])); // trace 1 is now the most recently updated
    assert.equal(store.getTrace(tid(2)), undefined);
    assert.equal(store.getTrace(tid(1))!.spans.length, 3);
    assert.deepEqual(store.stats(), { traces: 1, spans: 3, logRecords: 0, droppedSpans: 2, droppedLogRecords: 0, rejectedSpans: 0 });
  });

  it('resources are shared between batches only when they are equal', () => {
    const store = new TelemetryStore();
    const withResource = (t: number, attributes: object[]) =>
      store.addTraces(decodeJson('traces', { resourceSpans: [{ resource: { attributes }, scopeSpans: [{ spans: [span(t, t)] }] }] }));
    const svc = { key: 'service.name', value: { stringValue: 's' } };
    withResource(1, [svc, { key: 'a', value: { stringValue: 'b=c' } }]);
    withResource(2, [svc, { key: 'a=b', value: { stringValue: 'c' } }]);
    withResource(3, [svc, { key: 'n', value: { intValue: 1 } }]);
    withResource(4, [svc, { key: 'n', value: { stringValue: '1' } }]);
    withResource(5, [svc, { key: 'n', value: { stringValue: '1' } }]);
    const res = (t: number) => store.getTrace(tid(t))!.spans[0].resource;
    assert.equal(new Set([1, 2, 3, 4].map(res)).size, 4);
    assert.equal(res(4), res(5));
    assert.deepEqual(tracesJson([store.getTrace(tid(3))!]).resourceSpans[0].resource, {
      attributes: [
        { key: 'service.name', value: { stringValue: 's' } },
        { key: 'n', value: { intValue: '1' } },
      ],
    });
  });

  it('tells listeners about new data; a failing listener does not fail the export', () => {
    const store = new TelemetryStore();
    let calls = 0;
    store.onDidChange(() => {
      throw new Error('listener bug');
    });
    const off = store.onDidChange(() => calls++);
    assert.equal(store.addTraces(request([span(1, 1)])).accepted, 1);
    off();
    store.addTraces(request([span(1, 2)]));
    assert.equal(calls, 1);
  });

  it('operations per service and span kind (enum names accepted in JSON), services sorted', () => {
    const store = new TelemetryStore();
    store.addTraces(request([span(1, 1, 'GET /a', 'SPAN_KIND_SERVER'), span(1, 2, 'query', 3), span(1, 3, 'work', 0)], 'b-svc'));
    store.addTraces(request([span(2, 4, 'GET /a', 2)], 'a-svc'));
    assert.deepEqual(store.services(), ['a-svc', 'b-svc']);
    assert.deepEqual(store.operations('b-svc'), [
      { name: 'GET /a', spanKind: 'server' },
      { name: 'query', spanKind: 'client' },
      { name: 'work', spanKind: 'internal' },
    ]);
    assert.deepEqual(store.operations('b-svc', 'client'), [{ name: 'query', spanKind: 'client' }]);
    assert.deepEqual(store.operations('nope'), []);
  });

  it('log records: newest first, by trace or service, oldest dropped past the budget', () => {
    const store = new TelemetryStore({ maxLogRecords: 3 });
    const logs = (n: number, traceId = '') =>
      decodeJson('logs', {
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
            scopeLogs: [
              {
                logRecords: Array.from({ length: n }, (_, i) => ({
                  timeUnixNano: String(i + 1),
                  body: { stringValue: `r${i}` },
                  ...(traceId ? { traceId } : {}),
                })),
              },
            ],
          },
        ],
      });
    store.addLogs(logs(2));
    store.addLogs(logs(2, tid(9)));
    assert.deepEqual(
      store.findLogs({ service: 'svc', limit: 10 }).map((r) => [r.body?.stringValue, r.traceId]),
      [
        ['r1', tid(9)],
        ['r0', tid(9)],
        ['r1', ''],
      ],
    );
    assert.deepEqual(
      store.findLogs({ traceId: tid(9), limit: 1 }).map((r) => r.body?.stringValue),
      ['r1'],
    );
    assert.equal(store.stats().droppedLogRecords, 1);
    assert.equal(store.stats().logRecords, 3);
  });
});
