/** Local OTLP log records in the log model Loki answers are read into, filtered by service, level, text, trace. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson } from '../../../src/backends/receiver/protobuf';
import { TelemetryStore } from '../../../src/backends/receiver/store';
import { findLocalLogs } from '../../../src/backends/receiver/logLines';

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SID = '00f067aa0ba902b7';

/** An OTLP/JSON logs request (the shape the store tests decode) for one service. */
function logs(service: string, records: Record<string, unknown>[]) {
  return decodeJson('logs', {
    resourceLogs: [
      { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords: records }] },
    ],
  });
}

function store(): TelemetryStore {
  const s = new TelemetryStore({});
  s.addLogs(
    logs('checkout', [
      { timeUnixNano: '1767225600000000001', severityNumber: 9, severityText: 'INFO', body: { stringValue: 'GET /cart 200' } },
      {
        timeUnixNano: '1767225600000000002',
        severityNumber: 17,
        severityText: 'ERROR',
        body: { stringValue: 'Payment <img src=x onerror=alert(1)> failed' },
        attributes: [
          { key: 'http.route', value: { stringValue: '/pay' } },
          { key: 'retries', value: { intValue: '3' } },
        ],
        traceId: TID,
        spanId: SID,
      },
    ]),
  );
  s.addLogs(
    logs('cart', [
      {
        observedTimeUnixNano: '1767225600000000003',
        severityNumber: 13,
        body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'slow' } }] } },
      },
    ]),
  );
  return s;
}

describe('local logs (built-in receiver)', () => {
  it('records become LogLines like Loki OTLP ingestion: service_name label, attributes and ids as structured metadata', () => {
    const all = findLocalLogs(store(), { limit: 10 });
    assert.deepEqual(
      all.map((l) => [l.tsNs, l.labels.service_name, l.level, l.line]),
      [
        ['1767225600000000003', 'cart', 'warn', '{"msg":"slow"}'],
        ['1767225600000000002', 'checkout', 'error', 'Payment <img src=x onerror=alert(1)> failed'],
        ['1767225600000000001', 'checkout', 'info', 'GET /cart 200'],
      ],
    );
    const err = all[1]!;
    assert.equal(err.traceId, TID);
    assert.equal(err.spanId, SID);
    assert.deepEqual(err.structuredMetadata, { http_route: '/pay', retries: '3', trace_id: TID, span_id: SID, severity_text: 'ERROR' });
  });

  it('filters by service, lowest level, text (case-insensitive) and trace id', () => {
    const s = store();
    const lines = (q: Parameters<typeof findLocalLogs>[1]) => findLocalLogs(s, q).map((l) => l.tsNs.slice(-1));
    assert.deepEqual(lines({ limit: 10, service: 'checkout' }), ['2', '1']);
    assert.deepEqual(lines({ limit: 10, level: 'warn' }), ['3', '2']);
    assert.deepEqual(lines({ limit: 10, text: 'PAYMENT' }), ['2']);
    assert.deepEqual(lines({ limit: 10, traceId: TID.toUpperCase() }), ['2']);
    assert.deepEqual(lines({ limit: 10, service: 'cart', level: 'error' }), []);
    assert.deepEqual(lines({ limit: 1 }), ['3']);
  });
});
