/**
 * The local receiver's in-memory store: spans grouped by trace, log records, both bounded. Pure, no I/O.
 *
 * Memory is bounded by a span budget: when it is exceeded, the traces updated least recently are evicted
 * whole (a half trace is worse than none) and counted in `droppedSpans`. Log records are a FIFO with their
 * own budget. Resources and scopes repeat in every export batch of a service, so they are interned: a
 * thousand batches of one service hold one resource.
 *
 * Query methods answer in the terms of Jaeger's api_v3 (services, operations with span kinds, trace search
 * by service/operation/time/duration/attributes), so the HTTP query API and the extension's own views read
 * the same answers.
 */
import {
  hex,
  toBigInt,
  type PbAnyValue,
  type PbEvent,
  type PbKeyValue,
  type PbLogsRequest,
  type PbResource,
  type PbScope,
  type PbTraceRequest,
} from './protobuf';

export interface StoredResource {
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
  /** `service.name`, or `unknown_service` as the SDKs default. */
  service: string;
}
export interface StoredScope {
  name: string;
  version: string;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
}
export interface StoredLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
}
export interface StoredSpan {
  /** Lower-case hex; `parentSpanId` is '' for a root. */
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  /** OTLP SpanKind number (0 unspecified … 5 consumer). */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  events: PbEvent[];
  droppedEventsCount: number;
  links: StoredLink[];
  droppedLinksCount: number;
  status: { code: number; message: string };
  resource: StoredResource;
  scope: StoredScope;
}
export interface StoredTrace {
  traceId: string;
  /** In order of arrival. */
  spans: StoredSpan[];
}
export interface StoredLogRecord {
  timeNs: bigint;
  observedTimeNs: bigint;
  severityNumber: number;
  severityText: string;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
  resource: StoredResource;
  scope: StoredScope;
}

/** Jaeger's span kind names (api_v3 `operations[].spanKind`); an unspecified kind reads as `internal`, as in Jaeger. */
export const SPAN_KIND_NAMES = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

export interface TraceQuery {
  service?: string;
  operation?: string;
  /** Span start bounds, epoch ns (inclusive). */
  startMinNs?: bigint;
  startMaxNs?: bigint;
  durationMinNs?: bigint;
  durationMaxNs?: bigint;
  /** Every pair must be on the same span (span, resource or scope attribute), compared as text. */
  attributes?: Record<string, string>;
  /** Most traces returned (newest first). */
  limit: number;
}

export interface IngestResult {
  accepted: number;
  rejected: number;
  /** Why spans/records were rejected (empty when none were). */
  errorMessage: string;
}

export interface StoreOptions {
  /** Span budget (default 100,000). */
  maxSpans?: number;
  /** Log record budget (default 50,000). */
  maxLogRecords?: number;
}

export interface StoreStats {
  traces: number;
  spans: number;
  logRecords: number;
  /** Spans evicted (with their traces) to stay within the budget, since start. */
  droppedSpans: number;
  droppedLogRecords: number;
  /** Spans refused at ingest (invalid ids, a trace larger than the budget). */
  rejectedSpans: number;
}

const MAX_OPERATIONS_PER_SERVICE = 10_000;
const MAX_SERVICES = 10_000;
const MAX_INTERNED = 2_000;
const MAX_INTERNED_STRINGS = 50_000;
const MAX_INTERNED_LENGTH = 256;
/** The empty list every span without events/links/attributes shares (frozen: nothing may push to it). */
const NONE = Object.freeze([]) as never[];

export class TelemetryStore {
  readonly maxSpans: number;
  readonly maxLogRecords: number;
  /** Insertion order = least recently updated first (a trace is moved to the end when spans arrive). */
  private readonly traces = new Map<string, StoredTrace>();
  private spanCount = 0;
  private readonly logs: StoredLogRecord[] = [];
  private logHead = 0;
  private readonly ops = new Map<string, Map<string, Set<number>>>();
  private readonly resources = new Map<string, StoredResource>();
  private readonly scopes = new Map<string, StoredScope>();
  private readonly strings = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly counters = { droppedSpans: 0, droppedLogRecords: 0, rejectedSpans: 0 };

  constructor(opts: StoreOptions = {}) {
    this.maxSpans = Math.max(1, Math.floor(opts.maxSpans ?? 100_000));
    this.maxLogRecords = Math.max(1, Math.floor(opts.maxLogRecords ?? 50_000));
  }

  /** Called after every ingest that stored something; returns the unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): StoreStats {
    return { traces: this.traces.size, spans: this.spanCount, logRecords: this.logs.length - this.logHead, ...this.counters };
  }

  // --- ingest -------------------------------------------------------------------------------------------

  addTraces(req: PbTraceRequest): IngestResult {
    let accepted = 0;
    let badIds = 0;
    let tooBig = 0;
    const touched = new Set<StoredTrace>();
    for (const rs of req.resourceSpans) {
      const resource = this.internResource(rs.resource, rs.schemaUrl);
      for (const ss of rs.scopeSpans) {
        const scope = this.internScope(ss.scope, ss.schemaUrl);
        for (const s of ss.spans) {
          const traceId = hex(s.traceId);
          const spanId = hex(s.spanId);
          if (!validId(traceId, 32) || !validId(spanId, 16)) {
            badIds++;
            continue;
          }
          let t = this.traces.get(traceId);
          if (t && t.spans.length >= this.maxSpans) {
            tooBig++;
            continue;
          }
          if (!t) {
            t = { traceId, spans: [] };
            this.traces.set(traceId, t);
          }
          touched.add(t);
          const kind = s.kind ?? 0;
          const name = this.intern(s.name ?? '');
          t.spans.push({
            traceId: t.traceId,
            spanId,
            parentSpanId: hex(s.parentSpanId),
            traceState: s.traceState ?? '',
            flags: s.flags ?? 0,
            name,
            kind,
            startNs: toBigInt(s.startTimeUnixNano),
            endNs: toBigInt(s.endTimeUnixNano),
            attributes: this.internKeys(s.attributes),
            droppedAttributesCount: s.droppedAttributesCount ?? 0,
            events: s.events.length ? s.events : NONE,
            droppedEventsCount: s.droppedEventsCount ?? 0,
            links: !s.links.length
              ? NONE
              : s.links.map((l) => ({
                  traceId: hex(l.traceId),
                  spanId: hex(l.spanId),
                  traceState: l.traceState ?? '',
                  attributes: l.attributes,
                  droppedAttributesCount: l.droppedAttributesCount ?? 0,
                  flags: l.flags ?? 0,
                })),
            droppedLinksCount: s.droppedLinksCount ?? 0,
            status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
            resource,
            scope,
          });
          this.spanCount++;
          accepted++;
          this.noteOperation(resource.service, name, kind);
        }
      }
    }
    // Most recently updated traces go last, then the oldest are evicted down to the budget.
    for (const t of touched) {
      this.traces.delete(t.traceId);
      this.traces.set(t.traceId, t);
    }
    this.evict();
    this.counters.rejectedSpans += badIds + tooBig;
    const why = [
      badIds ? `${badIds} span(s) without a valid trace id (16 bytes) and span id (8 bytes)` : '',
      tooBig ? `${tooBig} span(s) over the receiver's span budget of ${this.maxSpans} for one trace` : '',
    ].filter(Boolean);
    if (accepted) this.fire();
    return { accepted, rejected: badIds + tooBig, errorMessage: why.join('; ') };
  }

  addLogs(req: PbLogsRequest): IngestResult {
    let accepted = 0;
    for (const rl of req.resourceLogs) {
      const resource = this.internResource(rl.resource, rl.schemaUrl);
      for (const sl of rl.scopeLogs) {
        const scope = this.internScope(sl.scope, sl.schemaUrl);
        for (const r of sl.logRecords) {
          this.logs.push({
            timeNs: toBigInt(r.timeUnixNano),
            observedTimeNs: toBigInt(r.observedTimeUnixNano),
            severityNumber: r.severityNumber ?? 0,
            severityText: r.severityText ?? '',
            body: r.body ?? null,
            attributes: this.internKeys(r.attributes),
            droppedAttributesCount: r.droppedAttributesCount ?? 0,
            flags: r.flags ?? 0,
            traceId: hex(r.traceId),
            spanId: hex(r.spanId),
            eventName: r.eventName ?? '',
            resource,
            scope,
          });
          accepted++;
        }
      }
    }
    const over = this.logs.length - this.logHead - this.maxLogRecords;
    if (over > 0) {
      this.logHead += over;
      this.counters.droppedLogRecords += over;
      // Compact once the dead prefix is as large as the live part: amortised O(1) per record.
      if (this.logHead >= this.maxLogRecords) {
        this.logs.splice(0, this.logHead);
        this.logHead = 0;
      }
    }
    if (accepted) this.fire();
    return { accepted, rejected: 0, errorMessage: '' };
  }

  // --- queries ------------------------------------------------------------------------------------------

  /** Service names seen, sorted. */
  services(): string[] {
    return [...this.ops.keys()].sort();
  }

  /** Operations of a service (every service when empty), optionally of one Jaeger span kind name. */
  operations(service: string, spanKind = ''): { name: string; spanKind: string }[] {
    const out: { name: string; spanKind: string }[] = [];
    const seen = new Set<string>();
    const services = service ? [this.ops.get(service)] : [...this.ops.values()];
    for (const ops of services) {
      for (const [name, kinds] of ops ?? []) {
        for (const k of kinds) {
          const kindName = SPAN_KIND_NAMES[k] ?? 'internal';
          const key = `${name}\u0000${kindName}`;
          if ((spanKind && kindName !== spanKind) || seen.has(key)) continue;
          seen.add(key);
          out.push({ name, spanKind: kindName });
        }
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.spanKind < b.spanKind ? -1 : 1));
  }

  getTrace(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId.toLowerCase());
  }

  /** Traces with at least one span matching every condition, most recently updated first. */
  findTraces(q: TraceQuery): StoredTrace[] {
    const out: StoredTrace[] = [];
    const all = [...this.traces.values()];
    for (let i = all.length - 1; i >= 0 && out.length < q.limit; i--) {
      if (all[i].spans.some((s) => spanMatches(s, q))) out.push(all[i]);
    }
    return out;
  }

  /** Log records, newest first: of one trace, and/or of one service. */
  /**
   * Log records, newest arrival first: by trace id, service, lowest OTLP severity number (records without a
   * severity are left out then) and text in the body (case-insensitive).
   */
  findLogs(q: { traceId?: string; service?: string; minSeverity?: number; text?: string; limit: number }): StoredLogRecord[] {
    const out: StoredLogRecord[] = [];
    const tid = q.traceId?.toLowerCase();
    const text = q.text ? q.text.toLowerCase() : undefined;
    for (let i = this.logs.length - 1; i >= this.logHead && out.length < q.limit; i--) {
      const r = this.logs[i];
      if (tid !== undefined && r.traceId !== tid) continue;
      if (q.service !== undefined && r.resource.service !== q.service) continue;
      if (q.minSeverity !== undefined && r.severityNumber < q.minSeverity) continue;
      if (text !== undefined && !anyText(r.body).toLowerCase().includes(text)) continue;
      out.push(r);
    }
    return out;
  }

  // --- internals ----------------------------------------------------------------------------------------

  private evict(): void {
    for (const [id, t] of this.traces) {
      if (this.spanCount <= this.maxSpans) break;
      this.traces.delete(id);
      this.spanCount -= t.spans.length;
      this.counters.droppedSpans += t.spans.length;
    }
  }

  private noteOperation(service: string, name: string, kind: number): void {
    let ops = this.ops.get(service);
    if (!ops) {
      if (this.ops.size >= MAX_SERVICES) return;
      ops = new Map();
      this.ops.set(service, ops);
    }
    let kinds = ops.get(name);
    if (!kinds) {
      if (ops.size >= MAX_OPERATIONS_PER_SERVICE) return;
      kinds = new Set();
      ops.set(name, kinds);
    }
    kinds.add(kind);
  }

  /**
   * One copy of each span name, attribute key and short string value: every span of a service repeats them,
   * and a decoded string is a fresh copy each time. Small integers drop their Long wrapper. Together this
   * saves a third of a stored span's memory.
   */
  private intern(text: string): string {
    const hit = this.strings.get(text);
    if (hit !== undefined) return hit;
    if (this.strings.size >= MAX_INTERNED_STRINGS) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  private internKeys(attrs: PbKeyValue[]): PbKeyValue[] {
    if (!attrs.length) return NONE;
    for (const kv of attrs) {
      kv.key = this.intern(kv.key ?? '');
      const v = kv.value;
      if (typeof v?.stringValue === 'string' && v.stringValue.length <= MAX_INTERNED_LENGTH) v.stringValue = this.intern(v.stringValue);
      else if (v?.intValue && typeof v.intValue === 'object' && Number.isSafeInteger(v.intValue.toNumber()))
        v.intValue = v.intValue.toNumber();
    }
    return attrs;
  }

  private internResource(r: PbResource | null | undefined, schemaUrl: string | null | undefined): StoredResource {
    const attributes = r?.attributes ?? [];
    const dropped = r?.droppedAttributesCount ?? 0;
    const key = `${schemaUrl ?? ''}\u0000${dropped}\u0000${attrKey(attributes)}`;
    let hit = this.resources.get(key);
    if (!hit) {
      const svc = attributes.find((a) => a.key === 'service.name')?.value?.stringValue;
      hit = { attributes, droppedAttributesCount: dropped, schemaUrl: schemaUrl ?? '', service: svc || 'unknown_service' };
      if (this.resources.size >= MAX_INTERNED) this.resources.clear();
      this.resources.set(key, hit);
    }
    return hit;
  }

  private internScope(s: PbScope | null | undefined, schemaUrl: string | null | undefined): StoredScope {
    const scope: StoredScope = {
      name: s?.name ?? '',
      version: s?.version ?? '',
      attributes: s?.attributes ?? [],
      droppedAttributesCount: s?.droppedAttributesCount ?? 0,
      schemaUrl: schemaUrl ?? '',
    };
    const key = `${scope.name}\u0000${scope.version}\u0000${scope.schemaUrl}\u0000${scope.droppedAttributesCount}\u0000${attrKey(scope.attributes)}`;
    const hit = this.scopes.get(key);
    if (hit) return hit;
    if (this.scopes.size >= MAX_INTERNED) this.scopes.clear();
    this.scopes.set(key, scope);
    return scope;
  }

  /** A listener's failure is its own: it must not turn an accepted export into an error answer. */
  private fire(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // ignored on purpose (see above)
      }
    }
  }
}

const ZERO = /^0+$/;
const validId = (id: string, len: number) => id.length === len && !ZERO.test(id);

/** A stable text key of an attribute list (for interning and attribute matching). */
function attrKey(attrs: PbKeyValue[]): string {
  return JSON.stringify(attrs.map((a) => [a.key ?? '', a.value?.value ?? '', anyText(a.value)]));
}

/** An AnyValue as the text a query compares with (`query.attributes` values are strings). */
export function anyText(v: PbAnyValue | null | undefined): string {
  if (!v) return '';
  switch (v.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return String(v.boolValue);
    case 'intValue':
      return String(BigInt.asIntN(64, toBigInt(v.intValue)));
    case 'doubleValue':
      return String(v.doubleValue);
    case 'bytesValue':
      return Buffer.from(v.bytesValue ?? []).toString('base64');
    case 'arrayValue':
      return JSON.stringify((v.arrayValue?.values ?? []).map(anyText));
    case 'kvlistValue':
      return JSON.stringify(Object.fromEntries((v.kvlistValue?.values ?? []).map((kv) => [kv.key ?? '', anyText(kv.value)])));
    default:
      return '';
  }
}

function spanMatches(s: StoredSpan, q: TraceQuery): boolean {
  if (q.service !== undefined && s.resource.service !== q.service) return false;
  if (q.operation !== undefined && s.name !== q.operation) return false;
  if (q.startMinNs !== undefined && s.startNs < q.startMinNs) return false;
  if (q.startMaxNs !== undefined && s.startNs > q.startMaxNs) return false;
  const d = s.endNs - s.startNs;
  if (q.durationMinNs !== undefined && d < q.durationMinNs) return false;
  if (q.durationMaxNs !== undefined && d > q.durationMaxNs) return false;
  if (q.attributes) {
    for (const [k, v] of Object.entries(q.attributes)) {
      const hit = (list: PbKeyValue[]) => list.some((a) => a.key === k && anyText(a.value) === v);
      if (!hit(s.attributes) && !hit(s.resource.attributes) && !hit(s.scope.attributes)) return false;
    }
  }
  return true;
}
