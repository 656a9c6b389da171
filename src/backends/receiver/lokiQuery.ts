/**
 * A Loki-compatible read API over the receiver's logs, on the query port beside the Jaeger api_v3 one, so the
 * logs panel (and any Loki client) reads local OTLP logs the way it reads Loki:
 *
 *   GET /loki/api/v1/query_range?query=&start=&end=&limit=&direction=   streams, in Loki's answer shape
 *   GET /loki/api/v1/labels                                             {status, data: ["service_name"]}
 *   GET /loki/api/v1/label/service_name/values                          the services that sent logs
 *
 * LogQL is the subset in core/logs/logqlSubset.ts. With `X-Loki-Response-Encoding-Flags: categorize-labels`
 * entries are `[ns, line, {structuredMetadata}]` (trace ids there, as Loki stores OTLP); without it, structured
 * metadata joins the stream labels, as Loki answers older clients. Errors are Loki's: plain text, 400.
 */
import type * as http from 'node:http';
import { compileLogQuery } from '../../core/logs/logqlSubset';
import { compareNs, type LogLine } from '../../core/logs/model';
import { findLocalLogs } from './logLines';
import type { TelemetryStore } from './store';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 5000;
const HOUR_NS = 3_600_000_000_000n;

/** Answers `/loki/api/v1/…`; returns false for any other path. */
export function handleLokiQuery(store: TelemetryStore, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  if (!p.startsWith('/loki/api/v1/')) return false;
  if (p === '/loki/api/v1/labels') return send(res, 200, { status: 'success', data: ['service_name'] });
  if (p === '/loki/api/v1/label/service_name/values') return send(res, 200, { status: 'success', data: services(store) });
  if (p.startsWith('/loki/api/v1/label/')) return send(res, 200, { status: 'success', data: [] });
  if (p !== '/loki/api/v1/query_range') return text(res, 404, '404 page not found');
  const q = url.searchParams;
  const compiled = compileLogQuery(q.get('query') ?? '');
  if (!compiled.ok) return text(res, 400, compiled.error);
  const endNs = nsParam(q.get('end')) ?? (BigInt(Date.now()) * 1_000_000n).toString();
  const startNs = nsParam(q.get('start')) ?? (BigInt(endNs) - HOUR_NS).toString();
  const limit = Math.min(MAX_LIMIT, Math.max(1, Number(q.get('limit')) || DEFAULT_LIMIT));
  const lines: LogLine[] = [];
  // The store holds at most its log budget (50,000 records): one pass, newest arrival first.
  for (const l of findLocalLogs(store, { limit: Number.MAX_SAFE_INTEGER })) {
    if (compareNs(l.tsNs, startNs) < 0 || compareNs(l.tsNs, endNs) >= 0 || !compiled.match(l)) continue;
    lines.push(l);
  }
  const forward = q.get('direction') === 'forward';
  lines.sort((a, b) => (forward ? 1 : -1) * compareNs(a.tsNs, b.tsNs));
  const categorized = String(req.headers['x-loki-response-encoding-flags'] ?? '').includes('categorize-labels');
  const result = lines
    .slice(0, limit)
    .map((l) =>
      categorized
        ? { stream: l.labels, values: [[l.tsNs, l.line, { structuredMetadata: l.structuredMetadata }]] }
        : { stream: { ...l.labels, ...l.structuredMetadata }, values: [[l.tsNs, l.line]] },
    );
  return send(res, 200, {
    status: 'success',
    data: { resultType: 'streams', ...(categorized ? { encodingFlags: ['categorize-labels'] } : {}), result },
  });
}

function services(store: TelemetryStore): string[] {
  return [...new Set(findLocalLogs(store, { limit: Number.MAX_SAFE_INTEGER }).map((l) => l.labels.service_name ?? ''))]
    .filter(Boolean)
    .sort();
}

/** Loki times: epoch ns (or seconds with a fraction) or RFC 3339; undefined when absent or not one. */
function nsParam(v: string | null): string | undefined {
  if (!v) return undefined;
  if (/^\d{1,25}$/.test(v)) return v.length > 12 ? v : (BigInt(v) * 1_000_000_000n).toString();
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? (BigInt(ms) * 1_000_000n).toString() : undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown): true {
  const t = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(t) });
  res.end(t);
  return true;
}

function text(res: http.ServerResponse, status: number, body: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${body}\n`);
  return true;
}
