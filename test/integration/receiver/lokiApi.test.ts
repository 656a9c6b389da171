/**
 * The receiver's Loki read API, through the real LokiClient (what the logs panel uses): log records sent by the
 * real OpenTelemetry SDK come back as Loki streams with their trace ids, label completion works, and a query the
 * receiver cannot answer fails with its reason verbatim.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LokiClient } from '../../../src/backends/loki';
import { BackendError } from '../../../src/backends/errors';
import { Receiver, type Listener } from '../../../src/backends/receiver/receiver';
import { sendLogs } from '../../support/receiver/sdk';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('receiver: Loki query API over OTLP logs', () => {
  const receiver = new Receiver({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, queryPort: 0 });
  let listeners: Listener[];
  let loki: LokiClient;
  before(async () => {
    listeners = await receiver.start();
    loki = new LokiClient({ baseUrl: listeners.find((l) => l.kind === 'query')!.url, categorizeLabels: true, timeoutMs: 10_000 });
    await sendLogs('http/json', listeners, 'checkout', TRACE, SPAN);
    await sendLogs('http/json', listeners, 'payments', '1af7651916cd43dd8448eb211c80319c', SPAN);
  });
  after(() => receiver.stop());

  it('query_range: a service’s lines newest first, levels and trace ids from structured metadata', async () => {
    const r = await loki.queryRange({
      query: '{service_name="checkout"}',
      start: new Date(Date.now() - 3_600_000),
      end: new Date(Date.now() + 1000),
    });
    assert.equal(r.resultType, 'streams');
    assert.ok(r.resultType === 'streams');
    assert.deepEqual(
      r.lines.map((l) => [l.line, l.level, l.traceId, l.labels.service_name]),
      [
        ['query failed', 'error', TRACE, 'checkout'],
        ['user loaded', 'info', undefined, 'checkout'],
      ],
    );
    assert.equal(r.lines[0]!.structuredMetadata.span_id, SPAN);
  });

  it('"Logs for this trace" (the default template) finds exactly the trace’s lines', async () => {
    const r = await loki.queryRange({ query: `{service_name=~".+"} | trace_id="${TRACE}"` });
    assert.ok(r.resultType === 'streams');
    assert.deepEqual(
      r.lines.map((l) => l.line),
      ['query failed'],
    );
  });

  it('labels and values for completion; an unsupported query fails with the receiver’s reason', async () => {
    assert.deepEqual(await loki.labels(), ['service_name']);
    assert.deepEqual(await loki.labelValues('service_name'), ['checkout', 'payments']);
    await assert.rejects(
      loki.queryRange({ query: '{service_name="checkout"} | json' }),
      (e: unknown) => e instanceof BackendError && e.status === 400 && /unsupported stage \| json/.test(e.message),
    );
  });
});
