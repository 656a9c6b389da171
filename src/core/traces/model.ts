/**
 * One normalised trace model for the waterfall, whatever the backend (Jaeger v1, Jaeger api_v3 / OTLP JSON,
 * Tempo v1/v2). Pure: no `vscode`, no I/O. Strings from the backend (names, attribute values, event
 * messages) are kept VERBATIM — escaping is the view's job.
 */

/** Attribute value as sent: OTLP AnyValue or a Jaeger tag value. int64 beyond 2^53 stays a decimal string. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'ok' | 'error' | 'unset';

export interface SpanEvent {
  /** Epoch microseconds (may carry a sub-µs fraction from OTLP nanoseconds). */
  timeUs: number;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  /** Jaeger reference type (`CHILD_OF`, `FOLLOWS_FROM`) or OTLP `opentracing.ref_type` when present. */
  refType?: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: SpanKind;
  /** Epoch microseconds. */
  startUs: number;
  durationUs: number;
  status: SpanStatus;
  statusMessage?: string;
  attributes: Attributes;
  /** Resource (OTLP) / process (Jaeger) attributes. */
  resource: Attributes;
  scope?: { name: string; version?: string };
  events: SpanEvent[];
  links: SpanLink[];
  /** 0 for roots; set by `finalizeTrace` from the tree. */
  depth: number;
  warnings?: string[];
}

export interface Trace {
  traceId: string;
  /** In waterfall order: depth-first, children by start time. */
  spans: Span[];
  /** Distinct service names in order of first appearance in `spans`. */
  services: string[];
  startUs: number;
  durationUs: number;
  /** The root span (no parent, earliest start); absent for an empty trace. */
  rootSpanId?: string;
  warnings: string[];
}

/**
 * Sets an attribute as an own data property. Plain assignment of a `__proto__` key would change the
 * record's prototype (or be dropped) — a key from the wire must stay data, never be interpreted.
 */
export function setAttr(out: Attributes, key: string, value: AttrValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** What a parser returns: never throws on bad input. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

// --- tree ---------------------------------------------------------------------------------------

export interface SpanNode {
  span: Span;
  parent?: SpanNode;
  /** Ordered by start time (then input order). */
  children: SpanNode[];
  depth: number;
  /** Position in `TraceTree.nodes` (the waterfall row). */
  order: number;
}

export interface TraceTree {
  roots: SpanNode[];
  /** Every node in depth-first waterfall order. */
  nodes: SpanNode[];
  /** First span with each id (duplicates are kept as their own nodes but not addressable here). */
  byId: Map<string, SpanNode>;
  /** Spans whose parent id is not in the trace (shown as extra roots). */
  orphans: Span[];
  warnings: string[];
}

/**
 * Builds the span tree. Orphans (parent not in the trace) become roots; a parent chain that loops
 * (bad data) is cut at the earliest-starting span of the loop, so the result is always a forest.
 * Iterative: a 5,000-deep chain does not overflow the stack.
 */
export function buildTree(trace: Pick<Trace, 'spans'>): TraceTree {
  const warnings: string[] = [];
  const spans = trace.spans;
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].startUs - spans[b].startUs || a - b);
  const nodes = spans.map((span) => ({ span, children: [], depth: 0, order: -1 }) as SpanNode);
  const byId = new Map<string, SpanNode>();
  const dupes = new Set<string>();
  for (const n of nodes) {
    if (byId.has(n.span.spanId)) dupes.add(n.span.spanId);
    else byId.set(n.span.spanId, n);
  }
  for (const d of dupes) warnings.push(`duplicate span id ${d}`);

  const orphans: Span[] = [];
  const isRoot = new Array<boolean>(nodes.length).fill(false);
  for (const i of order) {
    const n = nodes[i];
    const pid = n.span.parentSpanId;
    const p = pid !== undefined ? byId.get(pid) : undefined;
    if (pid === undefined || !p || p === n) {
      isRoot[i] = true;
      if (pid !== undefined && !p) orphans.push(n.span);
      continue;
    }
    n.parent = p;
    p.children.push(n); // pushed in start order, so children are sorted
  }
  if (orphans.length) warnings.push(`${orphans.length} span(s) reference a parent missing from the trace`);

  const out: SpanNode[] = [];
  const visited = (n: SpanNode) => n.order >= 0;
  const walk = (root: SpanNode) => {
    const stack: SpanNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (visited(n)) continue;
      n.order = out.length;
      n.depth = n.parent && n !== root ? n.parent.depth + 1 : 0;
      out.push(n);
      for (let c = n.children.length - 1; c >= 0; c--) stack.push(n.children[c]);
    }
  };
  const roots: SpanNode[] = [];
  for (const i of order) {
    if (!isRoot[i]) continue;
    roots.push(nodes[i]);
    walk(nodes[i]);
  }
  // Anything not reached sits on a parent loop: detach the earliest span of each loop and make it a root.
  for (const i of order) {
    if (visited(nodes[i])) continue;
    // Climb to the loop, then cut it at its earliest-starting member.
    const chain = new Set<SpanNode>();
    let m = nodes[i];
    while (!chain.has(m)) {
      chain.add(m);
      m = m.parent!;
    }
    let n = m;
    for (let x = m.parent!; x !== m; x = x.parent!) if (x.span.startUs < n.span.startUs) n = x;
    const p = n.parent!;
    p.children.splice(p.children.indexOf(n), 1);
    delete n.parent;
    warnings.push(`parent loop at span ${n.span.spanId} cut`);
    roots.push(n);
    walk(n);
  }
  return { roots, nodes: out, byId, orphans, warnings };
}

/**
 * Normalises a parsed span list into a Trace: waterfall order, depths, services, bounds, root.
 * Parsers call this; `extraWarnings` come from the payload (Jaeger `warnings`).
 */
export function finalizeTrace(traceId: string, spans: Span[], extraWarnings: string[] = []): Trace {
  const tree = buildTree({ spans });
  const ordered = tree.nodes.map((n) => {
    n.span.depth = n.depth;
    return n.span;
  });
  const services: string[] = [];
  const seen = new Set<string>();
  let start = Infinity;
  let end = -Infinity;
  for (const s of ordered) {
    if (!seen.has(s.service)) {
      seen.add(s.service);
      services.push(s.service);
    }
    start = Math.min(start, s.startUs);
    end = Math.max(end, s.startUs + s.durationUs);
  }
  const trueRoots = tree.roots.filter((r) => r.span.parentSpanId === undefined);
  const root = (trueRoots.length ? trueRoots : tree.roots).reduce<SpanNode | undefined>(
    (best, r) => (!best || r.span.startUs < best.span.startUs ? r : best),
    undefined,
  );
  const trace: Trace = {
    traceId,
    spans: ordered,
    services,
    startUs: ordered.length ? start : 0,
    durationUs: ordered.length ? end - start : 0,
    warnings: [...extraWarnings, ...tree.warnings],
  };
  if (root) trace.rootSpanId = root.span.spanId;
  return trace;
}

// --- timing analysis ----------------------------------------------------------------------------

/** Time a span spends outside all of its children (children clipped to the span), in µs. */
export function selfTimeUs(node: SpanNode): number {
  const s0 = node.span.startUs;
  const s1 = s0 + node.span.durationUs;
  const iv = node.children
    .map((c) => [Math.max(s0, c.span.startUs), Math.min(s1, c.span.startUs + c.span.durationUs)] as const)
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of iv) {
    if (a > curB) {
      if (curB > curA) covered += curB - curA;
      curA = a;
      curB = b;
    } else curB = Math.max(curB, b);
  }
  if (curB > curA) covered += curB - curA;
  return Math.max(0, node.span.durationUs - covered);
}

export interface CriticalSegment {
  spanId: string;
  startUs: number;
  endUs: number;
}

/**
 * Critical path (Jaeger's definition): walking back from a span's end, the last-finishing child owns
 * the time until it ends, the span itself owns the gaps. Returns segments sorted by start.
 */
export function criticalPath(root: SpanNode): CriticalSegment[] {
  const out: CriticalSegment[] = [];
  // Explicit work stack of (node, cursor) frames so deep traces do not recurse.
  const work: { node: SpanNode; cursor: number }[] = [{ node: root, cursor: root.span.startUs + root.span.durationUs }];
  while (work.length) {
    const { node, cursor: endCursor } = work.pop()!;
    const start = node.span.startUs;
    let cursor = Math.min(endCursor, start + node.span.durationUs);
    const kids = [...node.children].sort((a, b) => b.span.startUs + b.span.durationUs - (a.span.startUs + a.span.durationUs));
    for (const c of kids) {
      if (cursor <= start) break;
      const cEnd = Math.min(c.span.startUs + c.span.durationUs, cursor);
      const cStart = Math.max(c.span.startUs, start);
      if (cEnd <= cStart || c.span.startUs >= cursor) continue;
      if (cEnd < cursor) out.push({ spanId: node.span.spanId, startUs: cEnd, endUs: cursor });
      work.push({ node: c, cursor: cEnd });
      cursor = cStart;
    }
    if (cursor > start) out.push({ spanId: node.span.spanId, startUs: start, endUs: cursor });
  }
  return out.sort((a, b) => a.startUs - b.startUs);
}

// --- code links ---------------------------------------------------------------------------------

export interface CodeLocation {
  filepath?: string;
  function?: string;
  namespace?: string;
  lineno?: number;
  column?: number;
  /** `http.route` template, e.g. `/users/:id`. */
  route?: string;
  /** `http.request.method` (semconv ≥1.21) or `http.method` (older). */
  method?: string;
}

function firstString(a: Attributes, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = a[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
function firstInt(a: Attributes, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = a[k];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    if (Number.isSafeInteger(n) && n >= 0) return n;
  }
  return undefined;
}

/**
 * Where a span points back into code: `code.*` (old and new semconv names) and the HTTP route/method.
 * Undefined when the span carries none of them.
 */
export function codeLocation(span: Pick<Span, 'attributes'>): CodeLocation | undefined {
  const a = span.attributes;
  const loc: CodeLocation = {};
  const filepath = firstString(a, ['code.file.path', 'code.filepath']);
  const fn = firstString(a, ['code.function.name', 'code.function']);
  const ns = firstString(a, ['code.namespace']);
  const line = firstInt(a, ['code.line.number', 'code.lineno']);
  const col = firstInt(a, ['code.column.number', 'code.column']);
  const route = firstString(a, ['http.route']);
  const method = firstString(a, ['http.request.method', 'http.method']);
  if (filepath !== undefined) loc.filepath = filepath;
  if (fn !== undefined) loc.function = fn;
  if (ns !== undefined) loc.namespace = ns;
  if (line !== undefined) loc.lineno = line;
  if (col !== undefined) loc.column = col;
  if (route !== undefined) loc.route = route;
  if (method !== undefined) loc.method = method;
  return Object.keys(loc).length ? loc : undefined;
}

// --- search results -----------------------------------------------------------------------------

/** One row of a trace search (Tempo search, Jaeger v3 summaries, or a summarised Jaeger v1 trace). */
export interface TraceSummary {
  traceId: string;
  rootService?: string;
  rootName?: string;
  startUs: number;
  durationUs?: number;
  spanCount?: number;
  errorSpanCount?: number;
  services?: string[];
  /** Spans matched by a TraceQL query (Tempo spanSets), deduplicated by span id. */
  matchedSpans: { spanId: string; name?: string; startUs: number; durationUs?: number; attributes: Attributes }[];
}

export function summarizeTrace(t: Trace): TraceSummary {
  const root = t.spans.find((s) => s.spanId === t.rootSpanId);
  const s: TraceSummary = {
    traceId: t.traceId,
    startUs: t.startUs,
    durationUs: t.durationUs,
    spanCount: t.spans.length,
    errorSpanCount: t.spans.filter((x) => x.status === 'error').length,
    services: [...t.services],
    matchedSpans: [],
  };
  if (root) {
    s.rootService = root.service;
    s.rootName = root.name;
  }
  return s;
}

// --- ids and times ------------------------------------------------------------------------------

/**
 * Normalises an OTLP id to lowercase hex: OTLP JSON proper uses hex, Tempo writes base64
 * (e.g. `AAECAwQFBgcICQoLDA0ODw==`). Undefined for empty / all-zero ids (OTLP "no parent").
 */
export function normalizeOtlpId(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  let hex: string;
  if (/^[0-9a-fA-F]+$/.test(raw) && (raw.length === 16 || raw.length === 32)) hex = raw.toLowerCase();
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0) hex = Buffer.from(raw, 'base64').toString('hex');
  else return raw; // keep unknown forms verbatim rather than guess
  return /^0+$/.test(hex) ? undefined : hex;
}

/** Epoch ns (decimal string or number) to µs, exact to the ns. NaN when not a number. */
export function nsToUs(ns: unknown): number {
  if (typeof ns === 'number') return Number.isFinite(ns) ? ns / 1000 : NaN;
  if (typeof ns !== 'string' || !/^\d{1,30}$/.test(ns)) return NaN;
  const b = BigInt(ns);
  return Number(b / 1000n) + Number(b % 1000n) / 1000;
}

export { asTraceId } from './ids';
