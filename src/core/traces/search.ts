/**
 * Trace search and lookup answers: Tempo `/api/search` (TraceQL `traces[]` with spanSet/spanSets),
 * Tempo tag values (v1 strings, v2 `{type, value}`), Jaeger api_v3 services / operations / trace summaries.
 * Never throws.
 */
import { isObject, isStringArray, str } from './json';
import { otlpAttributes } from './otlp';
import { fail, nsToUs, ok, type ParseResult, type TraceSummary } from './model';

export interface TempoSearchResult {
  traces: TraceSummary[];
  /** Tempo's `metrics` block as sent (inspectedBytes, completedJobs, …). */
  metrics: Record<string, unknown>;
}

type Matched = TraceSummary['matchedSpans'][number];

function matchedSpans(spanSets: unknown[]): Matched[] {
  const out = new Map<string, Matched>();
  for (const set of spanSets) {
    if (!isObject(set) || !Array.isArray(set.spans)) continue;
    for (const sp of set.spans) {
      if (!isObject(sp) || typeof sp.spanID !== 'string' || out.has(sp.spanID)) continue;
      const m: Matched = { spanId: sp.spanID, startUs: nsToUs(sp.startTimeUnixNano), attributes: otlpAttributes(sp.attributes) };
      if (typeof sp.name === 'string') m.name = sp.name;
      const d = nsToUs(sp.durationNanos);
      if (Number.isFinite(d)) m.durationUs = d;
      out.set(sp.spanID, m);
    }
  }
  return [...out.values()];
}

/** Tempo `/api/search` answer (TraceQL or tag search). Rows without a traceID are skipped. */
export function parseTempoSearch(x: unknown): ParseResult<TempoSearchResult> {
  if (!isObject(x) || !Array.isArray(x.traces)) return fail('not a Tempo search answer (no "traces" array)');
  const traces: TraceSummary[] = [];
  for (const t of x.traces) {
    if (!isObject(t) || typeof t.traceID !== 'string' || t.traceID === '') continue;
    const s: TraceSummary = { traceId: t.traceID.toLowerCase(), startUs: nsToUs(t.startTimeUnixNano), matchedSpans: [] };
    if (typeof t.rootServiceName === 'string') s.rootService = t.rootServiceName;
    if (typeof t.rootTraceName === 'string') s.rootName = t.rootTraceName;
    // proto3 JSON omits a zero durationMs (a trace under 1 ms).
    s.durationUs = typeof t.durationMs === 'number' ? t.durationMs * 1000 : 0;
    const sets = Array.isArray(t.spanSets) ? t.spanSets : isObject(t.spanSet) ? [t.spanSet] : [];
    s.matchedSpans = matchedSpans(sets);
    traces.push(s);
  }
  return ok({ traces, metrics: isObject(x.metrics) ? x.metrics : {} });
}

export interface TagValue {
  type: string;
  value: string;
}

/** Tempo tag values: v1 `{tagValues:["a",…]}` or v2 `{tagValues:[{type, value}]}` — both become `{type, value}`. */
export function parseTempoTagValues(x: unknown): ParseResult<TagValue[]> {
  if (!isObject(x) || !Array.isArray(x.tagValues)) return fail('not a Tempo tag values answer (no "tagValues")');
  const out: TagValue[] = [];
  for (const v of x.tagValues) {
    if (typeof v === 'string') out.push({ type: 'string', value: v });
    else if (isObject(v) && typeof v.value === 'string') out.push({ type: str(v.type) ?? 'string', value: v.value });
  }
  return ok(out);
}

/** Jaeger api_v3 `/api/v3/services`: `{services:[…]}`. */
export function parseJaegerV3Services(x: unknown): ParseResult<string[]> {
  if (!isObject(x) || !isStringArray(x.services)) return fail('not a Jaeger services answer (no "services" list)');
  return ok(x.services);
}

export interface JaegerOperation {
  name: string;
  spanKind: string;
}

/** Jaeger api_v3 `/api/v3/operations`: `{operations:[{name, spanKind}]}`. */
export function parseJaegerV3Operations(x: unknown): ParseResult<JaegerOperation[]> {
  if (!isObject(x) || !Array.isArray(x.operations)) return fail('not a Jaeger operations answer (no "operations" list)');
  return ok(
    x.operations.flatMap((o) => (isObject(o) && typeof o.name === 'string' ? [{ name: o.name, spanKind: str(o.spanKind) ?? '' }] : [])),
  );
}

/** Jaeger api_v3 trace summaries: `{summaries:[{traceId, rootServiceName, rootOperationName, spanCount, …}]}`. */
export function parseJaegerV3Summaries(x: unknown): ParseResult<TraceSummary[]> {
  if (!isObject(x) || !Array.isArray(x.summaries)) return fail('not a Jaeger trace summaries answer (no "summaries")');
  const out: TraceSummary[] = [];
  for (const s of x.summaries) {
    if (!isObject(s) || typeof s.traceId !== 'string') continue;
    const start = nsToUs(s.minStartTimeUnixNano);
    const end = nsToUs(s.maxEndTimeUnixNano);
    const t: TraceSummary = { traceId: s.traceId.toLowerCase(), startUs: start, matchedSpans: [] };
    if (Number.isFinite(end) && Number.isFinite(start)) t.durationUs = end - start;
    if (typeof s.rootServiceName === 'string') t.rootService = s.rootServiceName;
    if (typeof s.rootOperationName === 'string') t.rootName = s.rootOperationName;
    if (typeof s.spanCount === 'number') t.spanCount = s.spanCount;
    if (typeof s.errorSpanCount === 'number') t.errorSpanCount = s.errorSpanCount;
    if (Array.isArray(s.services)) t.services = s.services.flatMap((v) => (isObject(v) && typeof v.name === 'string' ? [v.name] : []));
    out.push(t);
  }
  return ok(out);
}
