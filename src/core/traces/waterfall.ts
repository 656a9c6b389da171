/**
 * The waterfall's view of a trace: compact rows, column by column (depth-first order, parent index, self time,
 * critical-path flag, flattened attributes for search) and the insights no other editor view shows — the span with the
 * largest self time, the critical path's share per service and repeated sibling spans (the N+1 pattern).
 * Pure: no `vscode`, no DOM.
 */
import {
  ROW_CRITICAL,
  ROW_ERROR,
  type Insights,
  type RepeatedSpans,
  type ServiceShare,
  type WaterfallRows,
  type WaterfallTrace,
} from '../../webview/protocol/waterfall';
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

/** A row's search text: its name and flattened attributes, lower-cased (the search is case-insensitive). */
function searchText(s: Span): string {
  let out = `${s.name}\n`;
  for (const k of Object.keys(s.attributes)) {
    out += `${k}=${attrText(s.attributes[k])}\n`;
    if (out.length >= MAX_SEARCH_TEXT) return out.slice(0, MAX_SEARCH_TEXT).toLowerCase();
  }
  return out.toLowerCase();
}

export interface WaterfallModel {
  data: WaterfallTrace;
  /** The span behind each row (for details and "Go to code"). */
  spans: Span[];
}

/** Builds the rows and insights of a trace. Linear in spans (plus sorting children), no recursion. */
export function waterfallModel(trace: Trace): WaterfallModel {
  const tree = buildTree(trace);
  const n = tree.nodes.length;
  const serviceIndex = new Map(trace.services.map((s, i) => [s, i]));
  const rows: WaterfallRows = {
    name: new Array<string>(n),
    service: new Int32Array(n),
    parent: new Int32Array(n),
    depth: new Int32Array(n),
    startUs: new Float64Array(n),
    durationUs: new Float64Array(n),
    selfUs: new Float64Array(n),
    flags: new Uint8Array(n),
    search: '',
    searchStart: new Int32Array(n + 1),
  };
  const texts = new Array<string>(n);
  let offset = 0;
  tree.nodes.forEach((node, i) => {
    const s = node.span;
    rows.name[i] = s.name;
    rows.service[i] = serviceIndex.get(s.service) ?? 0;
    rows.parent[i] = node.parent ? node.parent.order : -1;
    rows.depth[i] = node.depth;
    rows.startUs[i] = s.startUs - trace.startUs;
    rows.durationUs[i] = s.durationUs;
    rows.selfUs[i] = selfTimeUs(node);
    rows.flags[i] = s.status === 'error' ? ROW_ERROR : 0;
    texts[i] = searchText(s);
    rows.searchStart[i] = offset;
    offset += texts[i].length;
  });
  rows.searchStart[n] = offset;
  rows.search = texts.join('');

  const root = trace.rootSpanId !== undefined ? tree.byId.get(trace.rootSpanId) : undefined;
  const perService = new Map<string, number>();
  let criticalTotal = 0;
  for (const seg of root ? criticalPath(root) : []) {
    const row = tree.byId.get(seg.spanId)?.order;
    if (row === undefined) continue;
    rows.flags[row] |= ROW_CRITICAL;
    const svc = trace.services[rows.service[row]];
    perService.set(svc, (perService.get(svc) ?? 0) + seg.endUs - seg.startUs);
    criticalTotal += seg.endUs - seg.startUs;
  }
  const criticalShare: ServiceShare[] = [...perService]
    .map(([service, us]) => ({ service, us, share: criticalTotal > 0 ? us / criticalTotal : 0 }))
    .sort((a, b) => b.us - a.us);

  let largestSelf: Insights['largestSelf'];
  for (let row = 0; row < n; row++) if (!largestSelf || rows.selfUs[row] > largestSelf.us) largestSelf = { row, us: rows.selfUs[row] };

  const spans = tree.nodes.map((node) => node.span);
  const insights: Insights = { criticalShare, repeated: repeatedSiblings(spans, rows) };
  if (largestSelf) insights.largestSelf = largestSelf;
  return {
    data: {
      traceId: trace.traceId,
      startUs: trace.startUs,
      durationUs: trace.durationUs,
      services: trace.services,
      rows,
      warnings: trace.warnings,
      insights,
    },
    spans,
  };
}

/**
 * Sibling spans (same parent) sharing a `db.statement`, or else a name, at least MIN_REPEAT times. A name
 * group whose members all share one reported statement is not reported twice.
 */
export function repeatedSiblings(
  spans: readonly Pick<Span, 'name' | 'attributes'>[],
  rows: { parent: ArrayLike<number>; durationUs: ArrayLike<number> },
): RepeatedSpans[] {
  const groups = new Map<string, { parent: number; by: RepeatedSpans['by']; label: string; rows: number[] }>();
  const add = (by: RepeatedSpans['by'], parent: number, label: string, row: number) => {
    const key = `${parent}\u0000${by}\u0000${label}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { parent, by, label, rows: [] }));
    g.rows.push(row);
  };
  for (let row = 0; row < spans.length; row++) {
    const parent = rows.parent[row];
    if (parent < 0) continue;
    const stmt = spans[row].attributes['db.statement'] ?? spans[row].attributes['db.query.text'];
    if (typeof stmt === 'string' && stmt !== '') add('db.statement', parent, stmt, row);
    add('name', parent, spans[row].name, row);
  }
  const out: RepeatedSpans[] = [];
  const covered = new Set<number>();
  const big = [...groups.values()].filter((g) => g.rows.length >= MIN_REPEAT);
  for (const g of big.filter((x) => x.by === 'db.statement')) g.rows.forEach((r) => covered.add(r));
  for (const g of big) {
    if (g.by === 'name' && g.rows.every((r) => covered.has(r))) continue;
    const totalUs = g.rows.reduce((t, r) => t + rows.durationUs[r], 0);
    out.push({ parent: g.parent, label: g.label, by: g.by, count: g.rows.length, totalUs, rows: g.rows.slice(0, 50) });
  }
  return out.sort((a, b) => b.totalUs - a.totalUs).slice(0, MAX_REPEATED);
}
