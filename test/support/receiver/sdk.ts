/**
 * Spans and log records made by the real OpenTelemetry JS SDK and sent by its real OTLP exporters, with an
 * in-memory copy of what was sent as the oracle (the SDK's own InMemorySpanExporter).
 */
import { context, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { Listener } from '../../../src/backends/receiver/receiver';

export type Transport = 'grpc' | 'http/protobuf' | 'http/json';

export function traceExporter(transport: Transport, listeners: readonly Listener[], compression: 'gzip' | 'none' = 'none'): SpanExporter {
  const at = (kind: Listener['kind']) => listeners.find((l) => l.kind === kind)!.url;
  const opts = { compression } as { compression: never };
  if (transport === 'grpc') return new GrpcTraceExporter({ url: at('grpc'), ...opts });
  if (transport === 'http/protobuf') return new ProtoTraceExporter({ url: `${at('http')}/v1/traces`, ...opts });
  return new JsonTraceExporter({ url: `${at('http')}/v1/traces`, ...opts });
}

/** Hostile strings travel as names and attribute values: the store keeps them verbatim. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)><script>alert(2)</script>';

/**
 * One trace of four spans (server → client with an error, internal with a link, a span-kind producer), with
 * attributes of every type, events and a resource. Returns what the SDK exported, for comparison.
 */
export async function sendTrace(exporter: SpanExporter, service: string): Promise<ReadableSpan[]> {
  const oracle = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test', 'host.cpus': 2 }),
    spanProcessors: [new BatchSpanProcessor(exporter), new BatchSpanProcessor(oracle)],
  });
  const tracer = provider.getTracer('receiver-test', '1.2.3');
  const child = (parent: Span, name: string, kind: SpanKind) => tracer.startSpan(name, { kind }, trace.setSpan(context.active(), parent));

  const root = tracer.startSpan('GET /users/{id}', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/users/{id}', 'http.response.status_code': 200, ratio: 0.25, cached: false, tags: ['a', 'b'] },
  });
  root.addEvent('request received', { 'bytes.in': 512, note: HOSTILE_NAME });
  const db = child(root, 'SELECT users', SpanKind.CLIENT);
  db.setAttribute('db.statement', 'SELECT * FROM users WHERE id = $1');
  db.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  db.recordException(new Error('connection reset'));
  db.end();
  const work = tracer.startSpan(
    HOSTILE_NAME,
    { kind: SpanKind.INTERNAL, links: [{ context: db.spanContext(), attributes: { why: 'retry' } }] },
    trace.setSpan(context.active(), root),
  );
  const produce = child(work, 'publish user.updated', SpanKind.PRODUCER);
  produce.end();
  work.setStatus({ code: SpanStatusCode.OK });
  work.end();
  root.end();
  await provider.forceFlush();
  const sent = oracle.getFinishedSpans();
  await provider.shutdown();
  return sent;
}

/** `n` traces of `spansPerTrace` spans (a root and children), flushed; for eviction tests and the bench. */
export async function sendMany(exporter: SpanExporter, service: string, n: number, spansPerTrace: number): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, maxQueueSize: Math.max(2048, n * spansPerTrace) })],
  });
  const tracer = provider.getTracer('receiver-bulk');
  for (let i = 0; i < n; i++) {
    const root = tracer.startSpan(`op-${i % 10}`, { kind: SpanKind.SERVER, attributes: { i, 'http.route': `/r/${i % 10}` } });
    for (let c = 1; c < spansPerTrace; c++) child(tracer, root, c).end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

function child(tracer: ReturnType<BasicTracerProvider['getTracer']>, root: Span, c: number): Span {
  return tracer.startSpan(`step-${c}`, { attributes: { c, 'db.statement': 'SELECT 1' } }, trace.setSpan(context.active(), root));
}

function logExporter(transport: Transport, listeners: readonly Listener[]) {
  const at = (kind: Listener['kind']) => listeners.find((l) => l.kind === kind)!.url;
  if (transport === 'grpc') return new GrpcLogExporter({ url: at('grpc') });
  if (transport === 'http/protobuf') return new ProtoLogExporter({ url: `${at('http')}/v1/logs` });
  return new JsonLogExporter({ url: `${at('http')}/v1/logs` });
}

/** Log records through the SDK's OTLP log exporter, one of them correlated with a span. */
export async function sendLogs(
  transport: Transport,
  listeners: readonly Listener[],
  service: string,
  traceId: string,
  spanId: string,
): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new BatchLogRecordProcessor({ exporter: logExporter(transport, listeners) })],
  });
  const logger = provider.getLogger('receiver-test-logs');
  const spanContext = { traceId, spanId, traceFlags: 1 };
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'user loaded', attributes: { 'user.id': 42 } });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'query failed',
    context: trace.setSpanContext(context.active(), spanContext),
  });
  await provider.forceFlush();
  await provider.shutdown();
}
