/**
 * Stored spans → OTLP JSON exactly as Jaeger's api_v3 writes it (see the recorded
 * `test/fixtures/jaeger/api_v3_*.json`): hex ids, enums as numbers, 64-bit integers as decimal strings,
 * fields in proto order, zero values left out, `resource`/`scope`/`status` always present (`{}` when empty).
 */
import { toBigInt, type PbAnyValue, type PbKeyValue } from './protobuf';
import type { StoredResource, StoredScope, StoredSpan, StoredTrace } from './store';

type Json = Record<string, unknown>;

export function anyValueJson(v: PbAnyValue | null | undefined): Json {
  if (!v) return {};
  switch (v.value) {
    case 'stringValue':
      return { stringValue: v.stringValue ?? '' };
    case 'boolValue':
      return { boolValue: v.boolValue === true };
    case 'intValue':
      return { intValue: String(BigInt.asIntN(64, toBigInt(v.intValue))) };
    case 'doubleValue': {
      const d = v.doubleValue ?? 0;
      return { doubleValue: Number.isFinite(d) ? d : String(d) }; // proto3 JSON: "NaN", "Infinity"
    }
    case 'bytesValue':
      return { bytesValue: Buffer.from(v.bytesValue ?? []).toString('base64') };
    case 'arrayValue':
      return { arrayValue: { values: (v.arrayValue?.values ?? []).map(anyValueJson) } };
    case 'kvlistValue':
      return { kvlistValue: { values: attributesJson(v.kvlistValue?.values ?? []) } };
    default:
      return {};
  }
}

function attributesJson(list: PbKeyValue[]): Json[] {
  return list.map((kv) => ({ key: kv.key ?? '', value: anyValueJson(kv.value) }));
}

/** Sets `key` only when the value is not the proto3 zero value. */
function put(o: Json, key: string, v: unknown, zero: unknown = ''): void {
  if (v !== zero && v !== undefined && v !== null) o[key] = v;
}

function withAttributes(o: Json, attrs: PbKeyValue[], dropped: number): Json {
  if (attrs.length) o.attributes = attributesJson(attrs);
  put(o, 'droppedAttributesCount', dropped, 0);
  return o;
}

export function spanJson(s: StoredSpan): Json {
  const o: Json = { traceId: s.traceId, spanId: s.spanId };
  put(o, 'traceState', s.traceState);
  put(o, 'parentSpanId', s.parentSpanId);
  put(o, 'flags', s.flags, 0);
  o.name = s.name;
  put(o, 'kind', s.kind, 0);
  o.startTimeUnixNano = String(s.startNs);
  o.endTimeUnixNano = String(s.endNs);
  withAttributes(o, s.attributes, s.droppedAttributesCount);
  if (s.events.length) {
    o.events = s.events.map((e) => {
      const ej: Json = { timeUnixNano: String(toBigInt(e.timeUnixNano)) };
      put(ej, 'name', e.name);
      return withAttributes(ej, e.attributes, e.droppedAttributesCount ?? 0);
    });
  }
  put(o, 'droppedEventsCount', s.droppedEventsCount, 0);
  if (s.links.length) {
    o.links = s.links.map((l) => {
      const lj: Json = { traceId: l.traceId, spanId: l.spanId };
      put(lj, 'traceState', l.traceState);
      withAttributes(lj, l.attributes, l.droppedAttributesCount);
      put(lj, 'flags', l.flags, 0);
      return lj;
    });
  }
  put(o, 'droppedLinksCount', s.droppedLinksCount, 0);
  const status: Json = {};
  put(status, 'message', s.status.message);
  put(status, 'code', s.status.code, 0);
  o.status = status;
  return o;
}

const resourceJson = (r: StoredResource): Json => withAttributes({}, r.attributes, r.droppedAttributesCount);

function scopeJson(s: StoredScope): Json {
  const o: Json = {};
  put(o, 'name', s.name);
  put(o, 'version', s.version);
  return withAttributes(o, s.attributes, s.droppedAttributesCount);
}

/**
 * `{resourceSpans}` of some traces: per trace, spans grouped by resource, then by scope (in order of
 * first appearance), as Jaeger concatenates the resourceSpans of each trace it found.
 */
export function tracesJson(traces: StoredTrace[]): { resourceSpans: Json[] } {
  const resourceSpans: Json[] = [];
  for (const t of traces) {
    const byResource = new Map<StoredResource, Map<StoredScope, StoredSpan[]>>();
    for (const s of t.spans) {
      let scopes = byResource.get(s.resource);
      if (!scopes) byResource.set(s.resource, (scopes = new Map()));
      const list = scopes.get(s.scope);
      if (list) list.push(s);
      else scopes.set(s.scope, [s]);
    }
    for (const [resource, scopes] of byResource) {
      const rs: Json = {
        resource: resourceJson(resource),
        scopeSpans: [...scopes].map(([scope, spans]) => {
          const ss: Json = { scope: scopeJson(scope), spans: spans.map(spanJson) };
          put(ss, 'schemaUrl', scope.schemaUrl);
          return ss;
        }),
      };
      put(rs, 'schemaUrl', resource.schemaUrl);
      resourceSpans.push(rs);
    }
  }
  return { resourceSpans };
}
