/**
 * Jaeger v1 query API parser (`/api/traces`, `/api/traces/{id}`): `{data:[{traceID, spans, processes,
 * warnings}], total, limit, offset, errors}`, times in µs, tags as `{key, type, value}`.
 * Never throws: bad input gives `{ok:false}`, a bad span is skipped with a trace warning.
 */
import { isObject, str, type Obj } from './json';
import {
  fail,
  finalizeTrace,
  ok,
  setAttr,
  type Attributes,
  type ParseResult,
  type Span,
  type SpanKind,
  type SpanLink,
  type SpanStatus,
  type Trace,
} from './model';

/** Jaeger `[{key, type, value}]` → record; values kept as sent (int64 > 2^53 arrives as a string). */
export function jaegerTags(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const t of list) {
    if (!isObject(t) || typeof t.key !== 'string') continue;
    const v = t.value;
    setAttr(
      out,
      t.key,
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? null : JSON.stringify(v),
    );
  }
  return out;
}

const KINDS = new Set<SpanKind>(['internal', 'server', 'client', 'producer', 'consumer']);

function statusOf(tags: Attributes): { status: SpanStatus; message?: string } {
  const msg = tags['otel.status_description'];
  const message = typeof msg === 'string' ? msg : undefined;
  const code = tags['otel.status_code'];
  let status: SpanStatus = 'unset';
  if (tags.error === true || tags.error === 'true' || code === 'ERROR') status = 'error';
  else if (code === 'OK') status = 'ok';
  return message ? { status, message } : { status };
}

function toSpan(o: Obj, processes: Obj, traceWarnings: string[]): Span | undefined {
  const traceId = str(o.traceID);
  const spanId = str(o.spanID);
  if (!traceId || !spanId || typeof o.startTime !== 'number' || !Number.isFinite(o.startTime)) return undefined;
  const proc = (
    typeof o.processID === 'string' && isObject(processes[o.processID]) ? processes[o.processID] : isObject(o.process) ? o.process : {}
  ) as Obj;
  const service = typeof proc.serviceName === 'string' && proc.serviceName !== '' ? proc.serviceName : 'unknown_service';
  const attributes = jaegerTags(o.tags);
  const kindTag = typeof attributes['span.kind'] === 'string' ? attributes['span.kind'].toLowerCase() : '';
  const st = statusOf(attributes);
  // Parent: the first same-trace CHILD_OF reference, else the first same-trace reference; the rest are links.
  const refs = (Array.isArray(o.references) ? o.references : []).filter(isObject).flatMap((r) => {
    const t = str(r.traceID);
    const s = str(r.spanID);
    return t && s ? [{ traceId: t, spanId: s, refType: str(r.refType) ?? 'CHILD_OF' }] : [];
  });
  const sameTrace = refs.filter((r) => r.traceId === traceId);
  const parentRef = sameTrace.find((r) => r.refType === 'CHILD_OF') ?? sameTrace[0];
  const links: SpanLink[] = refs.filter((r) => r !== parentRef).map((r) => ({ ...r, attributes: {} }));
  const scopeName = attributes['otel.scope.name'] ?? attributes['otel.library.name'];
  const scopeVersion = attributes['otel.scope.version'] ?? attributes['otel.library.version'];
  const duration = typeof o.duration === 'number' && o.duration >= 0 ? o.duration : 0;
  const span: Span = {
    traceId,
    spanId,
    name: typeof o.operationName === 'string' ? o.operationName : '',
    service,
    kind: KINDS.has(kindTag as SpanKind) ? (kindTag as SpanKind) : 'unspecified',
    startUs: o.startTime,
    durationUs: duration,
    status: st.status,
    attributes,
    resource: jaegerTags(proc.tags),
    events: (Array.isArray(o.logs) ? o.logs : []).filter(isObject).map((l) => {
      const fields = jaegerTags(l.fields);
      const ev = fields.event ?? fields.message;
      return { timeUs: typeof l.timestamp === 'number' ? l.timestamp : NaN, name: typeof ev === 'string' ? ev : '', attributes: fields };
    }),
    links,
    depth: 0,
  };
  if (parentRef) span.parentSpanId = parentRef.spanId;
  if (st.message !== undefined) span.statusMessage = st.message;
  if (typeof scopeName === 'string' && scopeName)
    span.scope = { name: scopeName, ...(typeof scopeVersion === 'string' && scopeVersion ? { version: scopeVersion } : {}) };
  if (Array.isArray(o.warnings) && o.warnings.length) {
    span.warnings = o.warnings.filter((w): w is string => typeof w === 'string');
    traceWarnings.push(...span.warnings.map((w) => `span ${spanId}: ${w}`));
  }
  return span;
}

/** One Jaeger v1 trace object `{traceID, spans, processes, warnings}`. */
export function parseJaegerTrace(x: unknown): ParseResult<Trace> {
  if (!isObject(x) || !Array.isArray(x.spans)) return fail('not a Jaeger trace (no "spans" array)');
  const processes = isObject(x.processes) ? x.processes : {};
  const warnings = Array.isArray(x.warnings) ? x.warnings.filter((w): w is string => typeof w === 'string') : [];
  const spanWarnings: string[] = [];
  const spans: Span[] = [];
  let skipped = 0;
  for (const raw of x.spans) {
    const s = isObject(raw) ? toSpan(raw, processes, spanWarnings) : undefined;
    if (s) spans.push(s);
    else skipped++;
  }
  if (skipped) warnings.push(`${skipped} span(s) without traceID/spanID/startTime were skipped`);
  const traceId = str(x.traceID) ?? spans[0]?.traceId ?? '';
  return ok(finalizeTrace(traceId, spans, [...warnings, ...spanWarnings]));
}

export interface JaegerTracesResult {
  traces: Trace[];
  /** Messages from the envelope's `errors` (e.g. one trace id of several not found). */
  errors: string[];
  total?: number;
}

/** The v1 envelope `{data:[trace…] | null, total, limit, offset, errors}`. A bad trace is skipped with an error entry. */
export function parseJaegerTraces(x: unknown): ParseResult<JaegerTracesResult> {
  if (!isObject(x) || !('data' in x)) return fail('not a Jaeger API answer (no "data")');
  if (x.data !== null && !Array.isArray(x.data)) return fail('"data" is not an array of traces');
  const errors = (Array.isArray(x.errors) ? x.errors : []).map((e) =>
    isObject(e) && typeof e.msg === 'string' ? e.msg : typeof e === 'string' ? e : JSON.stringify(e),
  );
  const traces: Trace[] = [];
  for (const [i, t] of (x.data ?? []).entries()) {
    const r = parseJaegerTrace(t);
    if (r.ok) traces.push(r.value);
    else errors.push(`trace #${i}: ${r.error}`);
  }
  const out: JaegerTracesResult = { traces, errors };
  if (typeof x.total === 'number') out.total = x.total;
  return ok(out);
}
