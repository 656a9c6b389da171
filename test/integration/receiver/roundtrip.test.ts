/**
 * INTEGRATION (starts servers): the receiver fed by the real OpenTelemetry JS SDK exporters (OTLP/gRPC,
 * OTLP/HTTP protobuf, OTLP/HTTP JSON, with and without gzip; logs through the SDK's OTLP log exporters),
 * read back through its Jaeger api_v3 query API by the extension's own, unchanged JaegerClient — span for
 * span against what the SDK says it sent. The raw answers are checked against the recorded Jaeger payloads.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JaegerClient } from '../../../src/backends/jaeger';
import { Receiver, type Listener } from '../../../src/backends/receiver/receiver';
import { anyText } from '../../../src/backends/receiver/store';
import type { Span } from '../../../src/core/traces/model';
import { fixture } from '../../unit/traces/helpers';
import { sendLogs, sendTrace, traceExporter, HOSTILE_NAME, type Transport } from '../../support/receiver/sdk';

const KIND: Record<SpanKind, Span['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};
const STATUS: Record<SpanStatusCode, Span['status']> = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
};

/** What the SDK sent, in the model's terms (attribute values as OTLP carries them). */
function expected(s: ReadableSpan) {
  return {
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    name: s.name,
    kind: KIND[s.kind],
    startUs: hrTimeToMicroseconds(s.startTime),
    durationUs: hrTimeToMicroseconds(s.duration),
    status: STATUS[s.status.code],
    statusMessage: s.status.message,
    attributes: s.attributes,
    resource: s.resource.attributes,
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version },
    events: s.events.map((e) => ({ name: e.name, timeUs: hrTimeToMicroseconds(e.time), attributes: e.attributes ?? {} })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
  };
}

function actual(s: Span) {
  return {
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: s.kind,
    startUs: s.startUs,
    durationUs: s.durationUs,
    status: s.status,
    statusMessage: s.statusMessage,
    attributes: s.attributes,
    resource: s.resource,
    scope: s.scope,
    events: s.events,
    links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: l.attributes })),
  };
}

const ns = (t: HrTime) => String(BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]));

/** Every key path (arrays collapsed) of a JSON document. */
function keyPaths(x: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(x)) for (const v of x) keyPaths(v, `${prefix}[]`, out);
  else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      out.add(`${prefix}.${k}`);
      keyPaths(v, `${prefix}.${k}`, out);
    }
  }
  return out;
}

describe('receiver round trip: real SDK exporters in, JaegerClient out', () => {
  const receiver = new Receiver({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, queryPort: 0 });
  let listeners: Listener[];
  let jaeger: JaegerClient;
  let queryUrl: string;
  before(async () => {
    listeners = await receiver.start();
    queryUrl = listeners.find((l) => l.kind === 'query')!.url;
    jaeger = new JaegerClient({ baseUrl: queryUrl, timeoutMs: 10_000 });
  });
  after(() => receiver.stop());

  const cases: [Transport, 'gzip' | 'none'][] = [
    ['grpc', 'none'],
    ['grpc', 'gzip'],
    ['http/protobuf', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'none'],
    ['http/json', 'gzip'],
  ];
  for (const [transport, compression] of cases) {
    it(`${transport} (${compression}): every span reads back unchanged through JaegerClient.getTraceV3`, async () => {
      const service = `svc-${transport.replace('/', '-')}-${compression}`;
      const sent = await sendTrace(traceExporter(transport, listeners, compression), service);
      assert.equal(sent.length, 4);
      const traceId = sent[0].spanContext().traceId;
      const trace = await jaeger.getTraceV3(traceId);
      assert.equal(trace.traceId, traceId);
      assert.deepEqual(trace.warnings, []);
      assert.deepEqual(trace.services, [service]);
      const bySpan = new Map(trace.spans.map((s) => [s.spanId, s]));
      assert.equal(bySpan.size, sent.length);
      for (const s of sent) assert.deepEqual(actual(bySpan.get(s.spanContext().spanId)!), expected(s), s.name);
      // The tree: root → (client, internal → producer).
      const root = trace.spans.find((s) => s.spanId === trace.rootSpanId)!;
      assert.equal(root.name, 'GET /users/{id}');
      assert.deepEqual(
        trace.spans.map((s) => [s.depth, s.name]),
        [
          [0, 'GET /users/{id}'],
          [1, 'SELECT users'],
          [1, HOSTILE_NAME],
          [2, 'publish user.updated'],
        ],
      );
      assert.ok((await jaeger.services()).includes(service));
      assert.deepEqual(await jaeger.operations(service, { spanKind: 'client' }), [{ name: 'SELECT users', spanKind: 'client' }]);
      const found = await jaeger.findTracesV3({ service, start: new Date(Date.now() - 3600_000), end: new Date(Date.now() + 60_000) });
      assert.deepEqual(
        found.map((t) => [t.traceId, t.spans.length]),
        [[traceId, 4]],
      );
    });
  }

  it('times are exact to the nanosecond and the answer has the shape Jaeger api_v3 records', async () => {
    const sent = await sendTrace(traceExporter('http/protobuf', listeners), 'svc-shape');
    const traceId = sent[0].spanContext().traceId;
    const res = await fetch(`${queryUrl}/api/v3/traces/${traceId}`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { result: { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] } };
    const spans = doc.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    for (const s of sent) {
      const got = spans.find((x) => x.spanId === s.spanContext().spanId)!;
      assert.equal(got.startTimeUnixNano, ns(s.startTime));
      assert.equal(got.endTimeUnixNano, ns(s.endTime));
    }
    // Every key path we write is one Jaeger writes in the recorded api_v3 / OTLP JSON answers (attribute values
    // compared wherever they sit: no single recording has every value type at every level).
    const norm = (p: string) => p.replace(/^.*\.attributes\[\]/, 'attributes[]').replace(/^\.result/, '');
    const recorded = new Set<string>();
    for (const name of [
      'api_v3_get_trace_hotrod_40_spans.json',
      'otlp_traces_memory_store.json',
      'otlp_error_timeout_masked_26_spans.json',
    ]) {
      for (const p of keyPaths(fixture('jaeger', name))) recorded.add(norm(p));
    }
    // Span.Link.flags (opentelemetry-proto field 6) is the one field no recording happens to carry.
    recorded.add('.resourceSpans[].scopeSpans[].spans[].links[].flags');
    assert.deepEqual(
      [...keyPaths(doc)].map(norm).filter((p) => !recorded.has(p)),
      [],
    );
    // Values: ids lower-case hex, kind/status code numbers, 64-bit integers as strings — like the recordings.
    const db = spans.find((x) => x.name === 'SELECT users')!;
    assert.match(String(db.traceId), /^[0-9a-f]{32}$/);
    assert.equal(db.kind, 3);
    assert.deepEqual(db.status, { message: 'connection reset', code: 2 });
    const root = spans.find((x) => x.name === 'GET /users/{id}')!;
    assert.deepEqual((root.attributes as { key: string; value: unknown }[]).find((a) => a.key === 'http.response.status_code')!.value, {
      intValue: '200',
    });
  });

  for (const transport of ['grpc', 'http/protobuf', 'http/json'] as const) {
    it(`${transport}: logs sent by the SDK OTLP log exporter are stored, correlated with their span`, async () => {
      const traceId = '5b8efff798038103d269b633813fc60c';
      const spanId = 'eee19b7ec3c1b174';
      const service = `svc-logs-${transport.replace('/', '-')}`;
      await sendLogs(transport, listeners, service, traceId, spanId);
      const all = receiver.store.findLogs({ service, limit: 10 });
      assert.deepEqual(
        all.map((r) => [r.severityText, r.severityNumber, r.body?.stringValue, r.traceId, r.spanId, r.scope.name]),
        [
          ['ERROR', 17, 'query failed', traceId, spanId, 'receiver-test-logs'],
          ['INFO', 9, 'user loaded', '', '', 'receiver-test-logs'],
        ],
      );
      assert.equal(anyText(all[1].attributes.find((a) => a.key === 'user.id')?.value), '42');
      assert.ok(receiver.store.findLogs({ traceId: traceId.toUpperCase(), limit: 10 }).some((r) => r.resource.service === service));
    });
  }
});
