/**
 * Test helpers for traces and logs: recorded fixtures (test/fixtures/{jaeger,tempo,loki}, all Apache-2.0) and
 * GENERATED payloads — a trace with thousands of spans, Loki streams carrying trace ids, and the Tempo answers
 * whose only recordings are AGPL-3.0 (see the Tempo generators below) — built from recorded Apache-2.0 payloads
 * in exactly the recorded shape (no invented fields).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** test/fixtures, from this file (unit tests) or from the e2e suite's bundle in out/e2e/suite. */
export const FIXTURES = [join(__dirname, '../../fixtures'), join(__dirname, '../../../test/fixtures')].find((d) =>
  existsSync(join(d, 'jaeger')),
)!;

export function fixtureText(dir: 'jaeger' | 'tempo' | 'loki', name: string): string {
  return readFileSync(join(FIXTURES, dir, name), 'utf8');
}
export function fixture<T = unknown>(dir: 'jaeger' | 'tempo' | 'loki', name: string): T {
  return JSON.parse(fixtureText(dir, name)) as T;
}
export const clone = <T>(x: T): T => structuredClone(x);

/** Markup and terminal escapes that must pass through the model untouched. */
export const HOSTILE = [
  '<script>alert("x")</script>',
  '\u001b[31mred\u001b[0m \u001b]8;;http://evil\u0007link\u001b]8;;\u0007',
  '<img src=x onerror=alert(1)> &amp; &lt;',
  '${process.exit(1)} {{constructor.constructor("x")()}}',
  'line\r\nbreak\ttab\u0000nul \u202eRTL',
];

type OtlpDoc = { resourceSpans: { resource: unknown; scopeSpans: { scope?: unknown; spans: Record<string, unknown>[] }[] }[] };

/** All raw spans of a recorded OTLP document. */
export function otlpRawSpans(doc: OtlpDoc): Record<string, unknown>[] {
  return doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}
export function countOtlpSpans(doc: unknown): number {
  const d = doc as Record<string, unknown>;
  const inner = (d.result ?? (d.trace as unknown) ?? d) as Record<string, unknown>;
  const rss = (inner.resourceSpans ?? inner.batches) as OtlpDoc['resourceSpans'];
  return rss.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
}

const hex16 = (n: number) => n.toString(16).padStart(16, '0');

/**
 * A big trace in the recorded OTLP shape: the recorded spans of `doc` are replicated `copies` times with
 * fresh span ids (same trace id). Copy k>0's root is re-parented under copy k-1's root, each copy shifted
 * 1 µs later, so the result is one tree of `copies × n` spans. Returns the document and the expected parent map.
 */
export function replicateOtlpTrace(
  doc: OtlpDoc,
  copies: number,
): { doc: OtlpDoc; parentOf: Map<string, string | undefined>; rootId: string } {
  const out = clone(doc);
  for (const rs of out.resourceSpans) for (const ss of rs.scopeSpans) ss.spans = [];
  const parentOf = new Map<string, string | undefined>();
  let next = 1;
  let prevRoot: string | undefined;
  let rootId = '';
  for (let k = 0; k < copies; k++) {
    const idMap = new Map<string, string>();
    for (const s of otlpRawSpans(doc)) idMap.set(s.spanId as string, hex16(next++));
    let copyRoot = '';
    out.resourceSpans.forEach((rs, i) =>
      rs.scopeSpans.forEach((ss, j) => {
        for (const s of doc.resourceSpans[i].scopeSpans[j].spans) {
          const c = clone(s);
          c.spanId = idMap.get(s.spanId as string)!;
          const shift = BigInt(k) * 1000n;
          c.startTimeUnixNano = (BigInt(s.startTimeUnixNano as string) + shift).toString();
          c.endTimeUnixNano = (BigInt(s.endTimeUnixNano as string) + shift).toString();
          const p = typeof s.parentSpanId === 'string' && s.parentSpanId ? idMap.get(s.parentSpanId) : undefined;
          if (p) c.parentSpanId = p;
          else {
            copyRoot = c.spanId as string;
            if (prevRoot) c.parentSpanId = prevRoot;
            else delete c.parentSpanId;
          }
          parentOf.set(c.spanId as string, c.parentSpanId as string | undefined);
          ss.spans.push(c);
        }
      }),
    );
    if (k === 0) rootId = copyRoot;
    prevRoot = copyRoot;
  }
  return { doc: out, parentOf, rootId };
}

/** A Jaeger v1 trace object (recorded shape) whose spans form one chain `depth` deep, built from one recorded span. */
export function jaegerChain(trace: { traceID: string; spans: Record<string, unknown>[]; processes: unknown }, depth: number) {
  const base = trace.spans[0];
  const spans = [];
  for (let i = 0; i < depth; i++) {
    const s = clone(base);
    s.spanID = hex16(i + 1);
    s.startTime = (base.startTime as number) + i;
    s.duration = depth - i;
    s.references = i === 0 ? [] : [{ refType: 'CHILD_OF', traceID: trace.traceID, spanID: hex16(i) }];
    spans.push(s);
  }
  return { ...clone(trace), spans };
}

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const SPAN_ID = '00f067aa0ba902b7';

type LokiStreams = {
  status: string;
  data: { resultType: string; encodingFlags?: string[]; result: { stream: Record<string, string>; values: unknown[][] }[] };
};

/**
 * Loki categorized streams (shape of query_range_streams_categorized.json) whose entries carry trace ids
 * the ways real pipelines put them: structured metadata `trace_id` (+ `span_id`), parsed `traceID`,
 * parsed W3C `traceparent`, in the line text (logfmt and JSON), and none.
 */
export function lokiStreamsWithTraceIds(): { doc: LokiStreams; expected: (string | undefined)[] } {
  const doc = fixture<LokiStreams>('loki', 'query_range_streams_categorized.json');
  const stream = doc.data.result[0];
  const [ts0] = stream.values[0] as [string];
  const at = (i: number) => (BigInt(ts0) + BigInt(i)).toString();
  stream.values = [
    [at(10), 'checkout failed', { structuredMetadata: { trace_id: TRACE_ID, span_id: SPAN_ID } }],
    [at(9), 'GET /cart 200', { structuredMetadata: { foo: 'a' }, parsed: { traceID: TRACE_ID.toUpperCase() } }],
    [at(8), 'proxied', { parsed: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` } }],
    [at(7), `level=error msg="db timeout" trace_id=${TRACE_ID} span_id=${SPAN_ID}`, {}],
    [at(6), JSON.stringify({ level: 'info', traceId: TRACE_ID, msg: 'ok' }), {}],
    [at(5), 'no trace here, trace_id=00000000000000000000000000000000', {}],
    [at(4), 'plain line', {}],
  ];
  return { doc, expected: [TRACE_ID, TRACE_ID, TRACE_ID, TRACE_ID, TRACE_ID, undefined, undefined] };
}

// ---------------------------------------------------------------------------------------------------------
// Generated Tempo answers. Tempo's own recordings of these answers are AGPL-3.0 and are not copied here;
// each generator below reproduces only the recorded SHAPE (keys, nesting, value types, id/time encodings)
// and fills it with values taken from the Apache-2.0 fixtures that remain.
// ---------------------------------------------------------------------------------------------------------

type RawSpan = Record<string, unknown>;
type Attr = { key: string; value: Record<string, unknown> };

const OTLP_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const OTLP_STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** Hex trace/span id → the base64 form Tempo's OTLP JSON uses. */
export const hexToB64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

export function serviceOf(resource: unknown): string | undefined {
  const attrs = ((resource as { attributes?: Attr[] })?.attributes ?? []) as Attr[];
  const v = attrs.find((a) => a.key === 'service.name')?.value.stringValue;
  return typeof v === 'string' ? v : undefined;
}

/** One span rewritten the way Tempo serialises OTLP JSON: base64 ids, string enums, `status: {}` when unset, no `flags`. */
function toTempoSpan(s: RawSpan): RawSpan {
  const c = clone(s);
  for (const k of ['traceId', 'spanId', 'parentSpanId'] as const)
    if (typeof c[k] === 'string' && c[k]) c[k] = hexToB64((c[k] as string).toLowerCase());
    else delete c[k];
  if (typeof c.kind === 'number') c.kind = OTLP_KINDS[c.kind] ?? OTLP_KINDS[0];
  const st = (c.status ?? {}) as { code?: number | string; message?: string };
  const code = typeof st.code === 'number' ? OTLP_STATUS[st.code] : st.code;
  c.status = code && code !== 'STATUS_CODE_UNSET' ? { ...(st.message ? { message: st.message } : {}), code } : {};
  delete c.flags;
  return c;
}

/** Lowercase hex ids of every span in a recorded (hex-id) OTLP document, with service and parent. */
function indexSpans(doc: { resourceSpans: OtlpDoc['resourceSpans'] }) {
  const out: { span: RawSpan; resource: unknown; scope: unknown; service?: string }[] = [];
  for (const rs of doc.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans) out.push({ span, resource: rs.resource, scope: ss.scope, service: serviceOf(rs.resource) });
  return out;
}

/**
 * Tempo v2 trace by id — shape of grafana/tempo docs/sources/tempo/api_docs/pushing-spans-with-http.md
 * (GET /api/v2/traces/{id} answer; shape only): `{ trace: { resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }] } }`
 * with BASE64 traceId/spanId, string `kind` enums and `status: {}`. Built from the Apache-2.0 v1 answer
 * (api_traces_v1_batches.json: `batches` → `trace.resourceSpans`); the recorded v2 span is a root, so
 * parentSpanId is dropped.
 */
export function tempoV2TraceById(): { doc: { trace: OtlpDoc }; traceIdHex: string; spanIdHex: string } {
  const v1 = fixture<{ batches: OtlpDoc['resourceSpans'] }>('tempo', 'api_traces_v1_batches.json');
  const first = v1.batches[0].scopeSpans[0].spans[0];
  const resourceSpans = v1.batches.map((rs) => ({
    resource: rs.resource,
    scopeSpans: rs.scopeSpans.map((ss) => ({
      scope: ss.scope,
      spans: ss.spans.map((s) => {
        const t = toTempoSpan(s);
        delete t.parentSpanId;
        return t;
      }),
    })),
  }));
  return {
    doc: { trace: { resourceSpans } },
    traceIdHex: (first.traceId as string).toLowerCase(),
    spanIdHex: (first.spanId as string).toLowerCase(),
  };
}

/**
 * Tempo OTLP trace with failed requests — shape of grafana/tempo
 * modules/generator/processor/servicegraphs/testdata/trace-with-failed-requests.json (shape only): `{resourceSpans}`
 * with ONE resourceSpans entry per span (resource + one scopeSpans), base64 ids, string kind/status enums,
 * failed requests as `status: {code: 'STATUS_CODE_ERROR'}`.
 *
 * Values come from the Apache-2.0 Jaeger recording otlp_error_timeout_masked_26_spans.json (OTel demo checkout
 * that timed out): the spans of `services`, minus client calls whose only children belong to other services
 * (their server side is not in this trace). The recorded failed request and every span under it become errors,
 * as a failed request does along its chain. With the default services this is 15 spans: 3 services,
 * client/server/internal kinds, 3 error spans.
 */
export function tempoTraceWithFailedRequests(services = ['load-generator', 'frontend-proxy', 'frontend']): OtlpDoc {
  const base = fixture<OtlpDoc>('jaeger', 'otlp_error_timeout_masked_26_spans.json');
  const all = indexSpans(base);
  const svcOf = new Map(all.map((e) => [e.span.spanId as string, e.service]));
  const children = new Map<string, string[]>();
  for (const e of all) {
    const p = e.span.parentSpanId as string | undefined;
    if (p) children.set(p, [...(children.get(p) ?? []), e.span.spanId as string]);
  }
  const keep = all.filter((e) => {
    if (!e.service || !services.includes(e.service)) return false;
    const kids = children.get(e.span.spanId as string) ?? [];
    return !(e.span.kind === 3 && kids.length > 0 && kids.every((k) => !services.includes(svcOf.get(k) ?? '')));
  });
  const failed = new Set(
    keep.filter((e) => (e.span.status as { code?: number } | undefined)?.code === 2).map((e) => e.span.spanId as string),
  );
  for (let grew = true; grew;) {
    grew = false;
    for (const e of keep)
      if (!failed.has(e.span.spanId as string) && failed.has(e.span.parentSpanId as string)) {
        failed.add(e.span.spanId as string);
        grew = true;
      }
  }
  return {
    resourceSpans: keep.map((e) => {
      const s = clone(e.span);
      if (failed.has(s.spanId as string)) s.status = { code: 2 };
      return { resource: clone(e.resource), scopeSpans: [{ scope: clone(e.scope ?? { name: e.service }), spans: [toTempoSpan(s)] }] };
    }),
  };
}

type SearchSpan = { spanID: string; startTimeUnixNano: string; durationNanos: string; attributes: Attr[] };
type SearchTrace = {
  traceID: string;
  rootServiceName: string;
  rootTraceName: string;
  startTimeUnixNano: string;
  durationMs?: number;
  spanSet?: { spans: SearchSpan[]; matched: number };
  spanSets?: { spans: SearchSpan[]; matched: number }[];
};

/** Search row for one recorded (hex-id) OTLP trace: root service/name, ns start string, integer ms duration. */
function searchRow(doc: OtlpDoc, traceID: (hex: string) => string): { row: SearchTrace; spans: ReturnType<typeof indexSpans> } {
  const spans = indexSpans(doc);
  const ids = new Set(spans.map((e) => e.span.spanId));
  const root = spans.find((e) => !e.span.parentSpanId || !ids.has(e.span.parentSpanId)) ?? spans[0];
  const start = spans.reduce(
    (m, e) => (BigInt(e.span.startTimeUnixNano as string) < m ? BigInt(e.span.startTimeUnixNano as string) : m),
    BigInt(root.span.startTimeUnixNano as string),
  );
  const end = spans.reduce((m, e) => (BigInt(e.span.endTimeUnixNano as string) > m ? BigInt(e.span.endTimeUnixNano as string) : m), 0n);
  const row: SearchTrace = {
    traceID: traceID((root.span.traceId as string).toLowerCase()),
    rootServiceName: root.service ?? '',
    rootTraceName: root.span.name as string,
    startTimeUnixNano: start.toString(),
  };
  const ms = Number((end - start) / 1_000_000n);
  if (ms > 0) row.durationMs = ms; // proto3 JSON omits a zero duration
  return { row, spans };
}

/**
 * Tempo TraceQL search answer — shape of grafana/tempo docs/sources/tempo/api_docs/pushing-spans-with-http.md
 * (GET /api/search?q=… answer; shape only): `traces[{traceID, rootServiceName, rootTraceName, startTimeUnixNano
 * (ns string), durationMs (number), spanSet: {spans, matched}, spanSets: [{spans, matched}]}]`, `metrics
 * {inspectedBytes (string), completedJobs, totalJobs}`. Matched spans: `{spanID (hex), startTimeUnixNano,
 * durationNanos (string), attributes (OTLP key/value)}`; like Tempo, `spanSet` repeats the first of `spanSets`.
 * One row per recorded Apache-2.0 OTLP trace in `docs`; spans for which `match` holds are the matched spans,
 * each carrying its service.name attribute.
 */
export function tempoTraceqlSearch(docs: OtlpDoc[], match: (span: RawSpan, service: string | undefined) => boolean) {
  const traces = docs.map((doc) => {
    const { row, spans } = searchRow(doc, (h) => h);
    const matched: SearchSpan[] = spans
      .filter((e) => match(e.span, e.service))
      .map((e) => ({
        spanID: (e.span.spanId as string).toLowerCase(),
        startTimeUnixNano: e.span.startTimeUnixNano as string,
        durationNanos: (BigInt(e.span.endTimeUnixNano as string) - BigInt(e.span.startTimeUnixNano as string)).toString(),
        attributes: [{ key: 'service.name', value: { stringValue: e.service ?? '' } }],
      }));
    const set = { spans: matched, matched: matched.length };
    return { ...row, spanSet: clone(set), spanSets: [set] };
  });
  const bytes = docs.reduce((n, d) => n + JSON.stringify(d).length, 0);
  return { traces, metrics: { inspectedBytes: String(bytes), completedJobs: docs.length, totalJobs: docs.length } };
}

/**
 * Tempo tag-based search answer — shape of grafana/tempo docs/sources/tempo/api_docs/_index.md
 * (GET /api/search?tags=… answer; shape only): `traces[{traceID (64-bit hex), rootServiceName, rootTraceName,
 * startTimeUnixNano, durationMs}]` with no spanSets, and `metrics {inspectedTraces, inspectedBytes (string),
 * totalBlocks, backendReads (string), backendBytes (string), additionalMetrics {cacheHits, cacheMisses, cacheBytes (strings)}}`.
 * Rows from recorded Apache-2.0 OTLP traces; the 64-bit trace id is the low half of each recorded 128-bit id.
 */
export function tempoTagSearch(docs: OtlpDoc[]) {
  const traces = docs.map((doc) => searchRow(doc, (h) => h.slice(-16)).row);
  const bytes = docs.reduce((n, d) => n + JSON.stringify(d).length, 0);
  return {
    traces,
    metrics: {
      inspectedTraces: docs.length,
      inspectedBytes: String(bytes),
      totalBlocks: 1,
      backendReads: String(docs.length),
      backendBytes: String(bytes),
      additionalMetrics: { cacheHits: '0', cacheMisses: String(docs.length), cacheBytes: '0' },
    },
  };
}

/** Distinct service.name values of a recorded OTLP document, in document order. */
export function otlpServices(doc: OtlpDoc): string[] {
  return [...new Set(doc.resourceSpans.map((rs) => serviceOf(rs.resource)).filter((s): s is string => !!s))];
}

/**
 * Tempo tag values v1 — shape of grafana/tempo docs/sources/tempo/api_docs/_index.md
 * (GET /api/search/tag/{tag}/values answer; shape only): `{tagValues: string[] (sorted), metrics: {inspectedBytes (string)}}`.
 */
export function tempoTagValuesV1(values: string[]) {
  return { tagValues: [...values].sort(), metrics: { inspectedBytes: String(JSON.stringify(values).length) } };
}

/**
 * Tempo tag values v2 — shape of grafana/tempo docs/sources/tempo/api_docs/_index.md
 * (GET /api/v2/search/tag/{scope.tag}/values answer; shape only): `{tagValues: [{type, value}], metrics: {inspectedBytes (string)}}`,
 * values in the order found (unsorted, as recorded).
 */
export function tempoTagValuesV2(values: string[]) {
  return {
    tagValues: values.map((value) => ({ type: 'string', value })),
    metrics: { inspectedBytes: String(JSON.stringify(values).length) },
  };
}
