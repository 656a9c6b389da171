/**
 * Built-in OTLP receiver bench. The receiver runs as shipped (the production bundle dist/cli.js, `receiver`
 * command) in its own process; this process plays the instrumented service with the real OpenTelemetry SDK:
 *   - receiver.ingest_spans_per_s.{http_protobuf,grpc}: spans made by the SDK (5 attributes, one event each
 *     tenth span), then sent by the SDK's OTLP exporter in batches of 512 (the BatchSpanProcessor default),
 *     four exports in flight; rate = spans / time until every export was acknowledged (acknowledged = stored)
 *   - receiver.rss_mb_at_budget: resident memory of the receiver process holding its default budget of
 *     100,000 spans (after 150,000 were sent, so eviction has run), and the same per stored span
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const root = path.resolve(__dirname, '..');
const BATCH = 512;
const IN_FLIGHT = 4;

/** `n` spans from the SDK: traces of 8 spans (a server root and 7 children) with realistic attributes. */
async function makeSpans(n: number): Promise<ReadableSpan[]> {
  const mem = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0', 'host.name': 'bench-host' }),
    spanProcessors: [new SimpleSpanProcessor(mem)],
  });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let i = 0; i < n; i += 8) {
    const rootSpan = tracer.startSpan('GET /users/{id}', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/users/{id}',
        'http.response.status_code': 200,
        'url.path': `/users/${i}`,
        'user_agent.original': 'bench/1.0',
      },
    });
    const ctx = trace.setSpan(context.active(), rootSpan);
    for (let c = 1; c < 8 && i + c < n; c++) {
      const s = tracer.startSpan(
        'SELECT users',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system': 'postgresql',
            'db.statement': 'SELECT * FROM users WHERE id = $1',
            'db.name': 'app',
            'server.address': 'db',
            'server.port': 5432,
          },
        },
        ctx,
      );
      if (c === 1) s.addEvent('cache miss', { key: `user:${i}` });
      s.end();
    }
    rootSpan.end();
  }
  await provider.forceFlush();
  const spans = mem.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function exportOnce(exporter: SpanExporter, batch: ReadableSpan[]): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(batch, (r: ExportResult) =>
      r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
    ),
  );
}

/** Sends every span in batches, IN_FLIGHT exports at a time; resolves with the elapsed ms. */
async function sendAll(exporter: SpanExporter, spans: ReadableSpan[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < spans.length) {
      const batch = spans.slice(next, next + BATCH);
      next += BATCH;
      await exportOnce(exporter, batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - t0;
}

interface Child {
  proc: ChildProcess;
  grpc: string;
  http: string;
}

async function startReceiver(extra: string[] = []): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [path.join(root, 'dist/cli.js'), 'receiver', '--grpc-port', '0', '--http-port', '0', '--query-port', '0', ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  for await (const line of readline.createInterface({ input: proc.stdout! })) {
    lines.push(line);
    if (lines.length === 3) break;
  }
  const url = (i: number) => /http:\/\/[^ )]+/.exec(lines[i] ?? '')?.[0] ?? '';
  return { proc, grpc: url(0), http: url(1) };
}

function stop(c: Child): Promise<void> {
  return new Promise((resolve) => {
    c.proc.once('exit', () => resolve());
    c.proc.kill('SIGTERM');
  });
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function benchReceiver(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const spans = await makeSpans(200_000);
  for (const [name, make] of [
    ['http_protobuf', (c: Child) => new ProtoTraceExporter({ url: `${c.http}/v1/traces` })],
    ['grpc', (c: Child) => new GrpcTraceExporter({ url: c.grpc })],
  ] as const) {
    const child = await startReceiver(['--max-spans', String(spans.length)]);
    const exporter = make(child);
    await sendAll(exporter, spans.slice(0, 20_000)); // warm-up: JIT, connections
    const ms = await sendAll(exporter, spans);
    out.push({ name: `receiver.ingest_spans_per_s.${name}`, value: Math.round(spans.length / (ms / 1000)), unit: 'spans/s' });
    await exporter.shutdown();
    await stop(child);
  }
  // Resident memory holding the default budget (100,000 spans), eviction included.
  const child = await startReceiver();
  const exporter = new ProtoTraceExporter({ url: `${child.http}/v1/traces` });
  await sendAll(exporter, spans.slice(0, 150_000));
  const rss = rssMb(child.proc.pid!);
  out.push({ name: 'receiver.rss_mb_at_budget', value: Math.round(rss), unit: 'MB' });
  out.push({ name: 'receiver.rss_bytes_per_span_at_budget', value: Math.round((rss * 1024 * 1024) / 100_000), unit: 'bytes' });
  await exporter.shutdown();
  await stop(child);
  return out;
}
