/**
 * A Jaeger api_v3-compatible HTTP query API over the receiver's store, answering what Jaeger's own HTTP
 * gateway answers (cmd/jaeger/internal/extension/jaegerquery/internal/apiv3/http_gateway.go):
 *
 *   GET /api/v3/services                      {services: [...]}
 *   GET /api/v3/operations?service=&span_kind= {operations: [{name, spanKind}]}
 *   GET /api/v3/traces?query.service_name=&query.operation_name=&query.start_time_min=&query.start_time_max=
 *       &query.duration_min=&query.duration_max=&query.search_depth= (alias query.num_traces)
 *       &query.attributes= (JSON map, as newer Jaeger takes it)
 *                                              {result: {resourceSpans: [...]}}
 *   GET /api/v3/traces/{trace_id}?start_time=&end_time=
 *
 * Errors are Jaeger's `{"error":{"httpCode":N,"message":"..."}}` (no traces found is a 404, as in Jaeger;
 * missing or malformed parameters a 400). So the extension reads the local store through the same
 * JaegerClient as a remote Jaeger, and so can any api_v3 client. (Jaeger's legacy v1 `/api/...` endpoints, which
 * Grafana's Jaeger data source and the Jaeger UI read, are not served.)
 */
import type * as http from 'node:http';
import { tracesJson } from './otlpJson';
import type { TelemetryStore, TraceQuery } from './store';

/** FindTraces default and ceiling of `query.search_depth`. */
const DEFAULT_DEPTH = 20;
const MAX_DEPTH = 1_000;

class ParamError extends Error {}

export function handleQuery(store: TelemetryStore, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' });
    res.end('Method Not Allowed\n');
    return;
  }
  try {
    const p = url.pathname;
    const q = url.searchParams;
    if (p === '/api/v3/services') return send(res, 200, { services: store.services() });
    if (p === '/api/v3/operations')
      return send(res, 200, { operations: store.operations(q.get('service') ?? '', q.get('span_kind') ?? '') });
    if (p === '/api/v3/traces') return sendTraces(res, store.findTraces(findQuery(q)));
    const m = /^\/api\/v3\/traces\/([^/]+)$/.exec(p);
    if (m) {
      const id = traceIdParam(decodeURIComponent(m[1]));
      for (const k of ['start_time', 'end_time']) if (q.get(k)) nsParam(q, k); // validated like Jaeger; the store needs no hint
      const t = store.getTrace(id);
      return sendTraces(res, t ? [t] : []);
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    sendError(res, 400, e.message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  // Jaeger writes its error JSON with http.Error: text/plain and a trailing newline.
  const text = `${JSON.stringify({ error: { httpCode: status, message } })}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendTraces(res: http.ServerResponse, traces: ReturnType<TelemetryStore['findTraces']>): void {
  if (traces.length === 0) return sendError(res, 404, 'No traces found');
  send(res, 200, { result: tracesJson(traces) });
}

function findQuery(q: URLSearchParams): TraceQuery {
  if (!q.get('query.start_time_min') || !q.get('query.start_time_max')) {
    throw new ParamError('query.start_time_min and query.start_time_max are required');
  }
  const depthName = q.get('query.search_depth') ? 'query.search_depth' : 'query.num_traces';
  const depthText = q.get(depthName);
  let limit = DEFAULT_DEPTH;
  if (depthText) {
    if (!/^[+-]?\d+$/.test(depthText)) throw new ParamError(`malformed parameter ${depthName}: not an integer: ${depthText}`);
    limit = Number(depthText) > 0 ? Math.min(Number(depthText), MAX_DEPTH) : DEFAULT_DEPTH;
  }
  const out: TraceQuery = { startMinNs: nsParam(q, 'query.start_time_min'), startMaxNs: nsParam(q, 'query.start_time_max'), limit };
  const service = q.get('query.service_name');
  if (service) out.service = service;
  const op = q.get('query.operation_name');
  if (op) out.operation = op;
  for (const [k, key] of [
    ['query.duration_min', 'durationMinNs'],
    ['query.duration_max', 'durationMaxNs'],
  ] as const) {
    const d = q.get(k);
    if (d) out[key] = durationNs(d, k);
  }
  const attrs = q.get('query.attributes');
  if (attrs) out.attributes = attributesParam(attrs);
  return out;
}

/** Jaeger's model.TraceIDFromString: up to 32 hex digits, left-padded. */
function traceIdParam(s: string): string {
  if (!/^[0-9a-fA-F]{1,32}$/.test(s))
    throw new ParamError(`malformed parameter trace_id: TraceID cannot be parsed: ${JSON.stringify(s.slice(0, 64))}`);
  return s.toLowerCase().padStart(32, '0');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time (Go's time.RFC3339Nano layout) → epoch ns. */
function nsParam(q: URLSearchParams, name: string): bigint {
  const v = q.get(name) ?? '';
  const m = RFC3339.exec(v);
  const ms = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8].toUpperCase()}`) : NaN;
  if (!m || !Number.isFinite(ms))
    throw new ParamError(`malformed parameter ${name}: parsing time ${JSON.stringify(v.slice(0, 64))} as RFC 3339`);
  return BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration (`300ms`, `1.5s`, `2h45m`) → ns. */
function durationNs(s: string, name: string): bigint {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let sign = 1n;
  let rest = s;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1n : 1n;
    rest = rest.slice(1);
  }
  let total = 0;
  let pos = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    total += Number(m[1]) * UNIT_NS[m[2]];
    pos = re.lastIndex;
  }
  if (rest === '0') return 0n;
  if (pos === 0 || pos !== rest.length)
    throw new ParamError(`malformed parameter ${name}: time: invalid duration ${JSON.stringify(s.slice(0, 64))}`);
  return sign * BigInt(Math.round(total));
}

function attributesParam(text: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ParamError('malformed parameter query.attributes: not a JSON object');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ParamError('malformed parameter query.attributes: not a JSON object');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    Object.defineProperty(out, k, {
      value: typeof x === 'string' ? x : JSON.stringify(x),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
