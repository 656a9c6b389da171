/**
 * OTLP JSON trace parser: Jaeger api_v3 (`{result:{resourceSpans}}`, hex ids, enum numbers), Tempo v1
 * (`{batches}`), Tempo v2 (`{trace:{resourceSpans}}`, base64 ids, enum names) and raw `{resourceSpans}`.
 * Never throws: bad input gives `{ok:false}`, a bad span is skipped with a trace warning.
 */
import { isObject, str, type Obj } from './json';
import {
  fail,
  finalizeTrace,
  normalizeOtlpId,
  nsToUs,
  ok,
  setAttr,
  type AttrValue,
  type Attributes,
  type ParseResult,
  type Span,
  type SpanKind,
  type SpanStatus,
  type Trace,
} from './model';

const KINDS: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** OTLP AnyValue → plain value. int64 (JSON string) becomes a number when it is a safe integer. */
export function otlpValue(v: unknown): AttrValue {
  if (!isObject(v)) return null;
  if ('stringValue' in v) return typeof v.stringValue === 'string' ? v.stringValue : String(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('intValue' in v) {
    const i = v.intValue;
    if (typeof i === 'number') return i;
    if (typeof i === 'string' && /^-?\d+$/.test(i)) return Number.isSafeInteger(Number(i)) ? Number(i) : i;
    return typeof i === 'string' ? i : null;
  }
  if ('doubleValue' in v) {
    const d = v.doubleValue;
    return typeof d === 'number' ? d : typeof d === 'string' ? d : null; // "NaN"/"Infinity" stay strings
  }
  if ('bytesValue' in v) return typeof v.bytesValue === 'string' ? v.bytesValue : null;
  if ('arrayValue' in v) {
    const vals = isObject(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return vals.map(otlpValue);
  }
  if ('kvlistValue' in v) return otlpAttributes(isObject(v.kvlistValue) ? v.kvlistValue.values : undefined);
  return null;
}

/** OTLP `[{key, value}]` → record (later keys win, as in the SDKs). */
export function otlpAttributes(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (isObject(kv) && typeof kv.key === 'string') setAttr(out, kv.key, otlpValue(kv.value));
  }
  return out;
}

function kindOf(k: unknown): SpanKind {
  if (typeof k === 'number') return KINDS[k] ?? 'unspecified';
  if (typeof k === 'string') {
    const name = k.replace(/^SPAN_KIND_/, '').toLowerCase();
    return (KINDS as string[]).includes(name) ? (name as SpanKind) : 'unspecified';
  }
  return 'unspecified';
}

function statusOf(s: unknown): { status: SpanStatus; message?: string } {
  if (!isObject(s)) return { status: 'unset' };
  const c = s.code;
  const status: SpanStatus = c === 2 || c === 'STATUS_CODE_ERROR' ? 'error' : c === 1 || c === 'STATUS_CODE_OK' ? 'ok' : 'unset';
  const message = str(s.message);
  return message ? { status, message } : { status };
}

function resourceSpansOf(x: unknown): unknown[] | undefined {
  if (!isObject(x)) return undefined;
  if (Array.isArray(x.resourceSpans)) return x.resourceSpans; // raw OTLP / Tempo v2 inner
  if (Array.isArray(x.batches)) return x.batches; // Tempo v1 /api/traces/{id}
  if (isObject(x.result)) return resourceSpansOf(x.result); // Jaeger api_v3
  if (isObject(x.trace)) return resourceSpansOf(x.trace); // Tempo v2 /api/v2/traces/{id}
  return undefined;
}

/** All spans of an OTLP document, not yet grouped by trace. */
function otlpSpans(x: unknown): ParseResult<{ spans: Span[]; warnings: string[] }> {
  const rss = resourceSpansOf(x);
  if (!rss) return fail('no resourceSpans/batches in the answer');
  const spans: Span[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  for (const rs of rss) {
    if (!isObject(rs)) continue;
    const resource = otlpAttributes(isObject(rs.resource) ? rs.resource.attributes : undefined);
    const svc = resource['service.name'];
    const service = typeof svc === 'string' && svc !== '' ? svc : 'unknown_service';
    const scopes = Array.isArray(rs.scopeSpans)
      ? rs.scopeSpans
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? rs.instrumentationLibrarySpans
        : [];
    for (const ss of scopes) {
      if (!isObject(ss) || !Array.isArray(ss.spans)) continue;
      const sc = isObject(ss.scope) ? ss.scope : isObject(ss.instrumentationLibrary) ? ss.instrumentationLibrary : undefined;
      const scope =
        sc && typeof sc.name === 'string' && sc.name !== ''
          ? { name: sc.name, ...(typeof sc.version === 'string' && sc.version ? { version: sc.version } : {}) }
          : undefined;
      for (const raw of ss.spans) {
        const sp = isObject(raw) ? toSpan(raw, service, resource, scope) : undefined;
        if (sp) spans.push(sp);
        else skipped++;
      }
    }
  }
  if (skipped) warnings.push(`${skipped} span(s) without a valid traceId/spanId were skipped`);
  return ok({ spans, warnings });
}

function toSpan(o: Obj, service: string, resource: Attributes, scope: Span['scope']): Span | undefined {
  const traceId = normalizeOtlpId(o.traceId);
  const spanId = normalizeOtlpId(o.spanId);
  if (!traceId || !spanId) return undefined;
  const warnings: string[] = [];
  let startUs = nsToUs(o.startTimeUnixNano);
  let endUs = nsToUs(o.endTimeUnixNano);
  let durationUs: number;
  if (
    typeof o.startTimeUnixNano === 'string' &&
    typeof o.endTimeUnixNano === 'string' &&
    /^\d+$/.test(o.startTimeUnixNano) &&
    /^\d+$/.test(o.endTimeUnixNano)
  ) {
    durationUs = Number(BigInt(o.endTimeUnixNano) - BigInt(o.startTimeUnixNano)) / 1000; // exact to the ns
  } else durationUs = endUs - startUs;
  if (!Number.isFinite(startUs)) {
    warnings.push('span has no start time');
    startUs = 0;
    endUs = 0;
    durationUs = 0;
  }
  if (!Number.isFinite(durationUs) || durationUs < 0) {
    warnings.push(Number.isFinite(durationUs) ? 'span ends before it starts' : 'span has no end time');
    durationUs = 0;
  }
  const st = statusOf(o.status);
  const span: Span = {
    traceId,
    spanId,
    name: typeof o.name === 'string' ? o.name : '',
    service,
    kind: kindOf(o.kind),
    startUs,
    durationUs,
    status: st.status,
    attributes: otlpAttributes(o.attributes),
    resource,
    events: (Array.isArray(o.events) ? o.events : []).filter(isObject).map((e) => ({
      timeUs: nsToUs(e.timeUnixNano),
      name: typeof e.name === 'string' ? e.name : '',
      attributes: otlpAttributes(e.attributes),
    })),
    links: (Array.isArray(o.links) ? o.links : []).filter(isObject).flatMap((l) => {
      const t = normalizeOtlpId(l.traceId);
      const s = normalizeOtlpId(l.spanId);
      if (!t || !s) return [];
      const attributes = otlpAttributes(l.attributes);
      const ref = attributes['opentracing.ref_type'];
      return [{ traceId: t, spanId: s, attributes, ...(typeof ref === 'string' ? { refType: ref } : {}) }];
    }),
    depth: 0,
  };
  const parent = normalizeOtlpId(o.parentSpanId);
  if (parent) span.parentSpanId = parent;
  if (st.message !== undefined) span.statusMessage = st.message;
  if (scope) span.scope = scope;
  if (warnings.length) span.warnings = warnings;
  return span;
}

/** Every trace in an OTLP document (Jaeger v3 FindTraces puts several traces in one answer), in order of first span. */
export function parseOtlpTraces(x: unknown): ParseResult<Trace[]> {
  const r = otlpSpans(x);
  if (!r.ok) return r;
  const groups = new Map<string, Span[]>();
  for (const s of r.value.spans) {
    const g = groups.get(s.traceId);
    if (g) g.push(s);
    else groups.set(s.traceId, [s]);
  }
  return ok([...groups].map(([id, spans]) => finalizeTrace(id, spans, r.value.warnings)));
}

/**
 * One trace from an OTLP document (trace-by-id answers). Spans of other trace ids, if any, are dropped
 * with a warning. `ok` with zero spans means the backend returned an empty trace (treat as not found).
 */
export function parseOtlpTrace(x: unknown, expectedTraceId?: string): ParseResult<Trace> {
  const r = parseOtlpTraces(x);
  if (!r.ok) return r;
  const want = expectedTraceId ? normalizeOtlpId(expectedTraceId) : undefined;
  const pick = (want && r.value.find((t) => t.traceId === want || t.traceId.replace(/^0+/, '') === want.replace(/^0+/, ''))) ?? r.value[0];
  if (!pick) return ok(finalizeTrace(want ?? '', []));
  if (r.value.length > 1) pick.warnings.push(`answer held ${r.value.length} trace ids; showing ${pick.traceId}`);
  else if (want && pick.traceId.replace(/^0+/, '') !== want.replace(/^0+/, ''))
    pick.warnings.push(`asked for trace ${want}, the answer holds ${pick.traceId}`);
  return ok(pick);
}
