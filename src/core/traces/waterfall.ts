/**
 * The waterfall's view of a trace: compact rows (depth-first order, parent index, self time, critical-path
 * flag, flattened attributes for search) and the insights no other editor view shows — the span with the
 * largest self time, the critical path's share per service and repeated sibling spans (the N+1 pattern).
 * Pure: no `vscode`, no DOM.
 */
import type { Insights, RepeatedSpans, ServiceShare, WaterfallSpan, WaterfallTrace } from '../../webview/protocol/waterfall';
import { buildTree, criticalPath, selfTimeUs, type AttrValue, type Attributes, type Span, type Trace } from './model';

/** Siblings repeated at least this often are flagged (N+1). */
export const MIN_REPEAT = 3;
/** At most this many repeated groups are reported, largest total time first. */
const MAX_REPEATED = 20;
/** Characters of flattened attributes kept per span for search. */
const MAX_SEARCH_TEXT = 1000;
/** Characters of one attribute value shown in span details. */
const MAX_VALUE_TEXT = 4000;

/** An attribute value as display text (objects and arrays as JSON), capped. */
export function attrText(v: AttrValue): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_VALUE_TEXT ? `${s.slice(0, MAX_VALUE_TEXT)}…` : s;
}

export function attrPairs(a: Attributes): [string, string][] {
  return Object.keys(a).map((k) => [k, attrText(a[k])]);
}

function searchText(s: Span): string {
  let out = '';
  for (const k of Object.keys(s.attributes)) {
    out += `${k}=${attrText(s.attributes[k])}\n`;
    if (out.length >= MAX_SEARCH_TEXT) return out.slice(0, MAX_SEARCH_TEXT);
  }
  return out;
}

export interface WaterfallModel {
  data: WaterfallTrace;
  /** The span behind each row (for details and "Go to code"). */
  spans: Span[];
}

/** Builds the rows and insights of a trace. Linear in spans (plus sorting children), no recursion. */
export function waterfallModel(trace: Trace): WaterfallModel {
  const tree = buildTree(trace);
  const rowOf = new Map<string, number>();
  const index = new Map(tree.nodes.map((n, i) => [n, i]));
  const serviceIndex = new Map(trace.services.map((s, i) => [s, i]));
  const spans: WaterfallSpan[] = tree.nodes.map((n, i) => {
    if (!rowOf.has(n.span.spanId)) rowOf.set(n.span.spanId, i);
    return {
      name: n.span.name,
      service: serviceIndex.get(n.span.service) ?? 0,
      parent: n.parent ? index.get(n.parent)! : -1,
      depth: n.depth,
      startUs: n.span.startUs - trace.startUs,
      durationUs: n.span.durationUs,
      selfUs: selfTimeUs(n),
      error: n.span.status === 'error',
      critical: false,
      text: searchText(n.span),
    };
  });

  const root = trace.rootSpanId !== undefined ? tree.byId.get(trace.rootSpanId) : undefined;
  const perService = new Map<string, number>();
  let criticalTotal = 0;
  for (const seg of root ? criticalPath(root) : []) {
    const row = rowOf.get(seg.spanId);
    if (row === undefined) continue;
    spans[row].critical = true;
    const svc = trace.services[spans[row].service];
    perService.set(svc, (perService.get(svc) ?? 0) + seg.endUs - seg.startUs);
    criticalTotal += seg.endUs - seg.startUs;
  }
  const criticalShare: ServiceShare[] = [...perService]
    .map(([service, us]) => ({ service, us, share: criticalTotal > 0 ? us / criticalTotal : 0 }))
    .sort((a, b) => b.us - a.us);

  let largestSelf: Insights['largestSelf'];
  spans.forEach((s, row) => {
    if (!largestSelf || s.selfUs > largestSelf.us) largestSelf = { row, us: s.selfUs };
  });

  const insights: Insights = {
    criticalShare,
    repeated: repeatedSiblings(
      tree.nodes.map((n) => n.span),
      spans,
    ),
  };
  if (largestSelf) insights.largestSelf = largestSelf;
  return {
    data: {
      traceId: trace.traceId,
      startUs: trace.startUs,
      durationUs: trace.durationUs,
      services: trace.services,
      spans,
      warnings: trace.warnings,
      insights,
    },
    spans: tree.nodes.map((n) => n.span),
  };
}

/**
 * Sibling spans (same parent) sharing a `db.statement`, or else a name, at least MIN_REPEAT times. A name
 * group whose members all share one reported statement is not reported twice.
 */
export function repeatedSiblings(
  spans: readonly Pick<Span, 'name' | 'attributes'>[],
  rows: readonly Pick<WaterfallSpan, 'parent' | 'durationUs'>[],
): RepeatedSpans[] {
  const groups = new Map<string, { parent: number; by: RepeatedSpans['by']; label: string; rows: number[] }>();
  const add = (by: RepeatedSpans['by'], parent: number, label: string, row: number) => {
    const key = `${parent}\u0000${by}\u0000${label}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { parent, by, label, rows: [] }));
    g.rows.push(row);
  };
  rows.forEach((r, row) => {
    if (r.parent < 0) return;
    const stmt = spans[row].attributes['db.statement'] ?? spans[row].attributes['db.query.text'];
    if (typeof stmt === 'string' && stmt !== '') add('db.statement', r.parent, stmt, row);
    add('name', r.parent, spans[row].name, row);
  });
  const out: RepeatedSpans[] = [];
  const covered = new Set<number>();
  const big = [...groups.values()].filter((g) => g.rows.length >= MIN_REPEAT);
  for (const g of big.filter((x) => x.by === 'db.statement')) g.rows.forEach((r) => covered.add(r));
  for (const g of big) {
    if (g.by === 'name' && g.rows.every((r) => covered.has(r))) continue;
    const totalUs = g.rows.reduce((t, r) => t + rows[r].durationUs, 0);
    out.push({ parent: g.parent, label: g.label, by: g.by, count: g.rows.length, totalUs, rows: g.rows.slice(0, 50) });
  }
  return out.sort((a, b) => b.totalUs - a.totalUs).slice(0, MAX_REPEATED);
}
