/**
 * Which waterfall rows are visible (collapsed subtrees, filters) and which match a search. Pure, no DOM:
 * unit-tested in Node. Linear in spans, so a 100,000-span trace re-filters in a few milliseconds.
 */
import type { WaterfallSpan } from '../../protocol/waterfall';

export interface RowFilter {
  errorsOnly: boolean;
  /** Spans shorter than this are hidden (their ancestors stay when a descendant passes). */
  minDurationUs: number;
}

type Row = Pick<WaterfallSpan, 'parent' | 'durationUs' | 'error'>;

/**
 * Visible rows in order. A row passes the filter itself, or has a passing descendant (so the tree keeps its
 * context); it is hidden when an ancestor is collapsed. Relies on rows being depth-first (parent < child).
 */
export function visibleRows(spans: readonly Row[], collapsed: ReadonlySet<number>, f: RowFilter): number[] {
  const n = spans.length;
  const filtering = f.errorsOnly || f.minDurationUs > 0;
  const keep = new Uint8Array(n);
  if (filtering) {
    // Children come after parents: walk backwards so a kept child marks its parent.
    for (let i = n - 1; i >= 0; i--) {
      const s = spans[i];
      if ((!f.errorsOnly || s.error) && s.durationUs >= f.minDurationUs) keep[i] = 1;
      if (keep[i] && s.parent >= 0) keep[s.parent] = 1;
    }
  }
  const hidden = new Uint8Array(n); // 1: under a collapsed ancestor
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = spans[i].parent;
    if (p >= 0 && (hidden[p] || collapsed.has(p))) hidden[i] = 1;
    if (hidden[i] || (filtering && !keep[i])) continue;
    out.push(i);
  }
  return out;
}

/** Rows whose name, service or attributes contain the query (case-insensitive); empty query: none. */
export function searchRows(
  spans: readonly Pick<WaterfallSpan, 'name' | 'text' | 'service'>[],
  services: readonly string[],
  query: string,
): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const svc = services.map((s) => s.toLowerCase().includes(q));
  const out: number[] = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (svc[s.service] || s.name.toLowerCase().includes(q) || s.text.toLowerCase().includes(q)) out.push(i);
  }
  return out;
}

/** Ancestors of a row (nearest first): expanding them reveals it. */
export function ancestors(spans: readonly Pick<WaterfallSpan, 'parent'>[], row: number): number[] {
  const out: number[] = [];
  for (let p = spans[row]?.parent ?? -1; p >= 0 && out.length < spans.length; p = spans[p].parent) out.push(p);
  return out;
}

/** Rows that have children. */
export function parents(spans: readonly Pick<WaterfallSpan, 'parent'>[]): Set<number> {
  const out = new Set<number>();
  for (const s of spans) if (s.parent >= 0) out.add(s.parent);
  return out;
}

/** "1.23 s", "45.6 ms", "789 µs". */
export function formatUs(us: number): string {
  if (us >= 1_000_000) return `${(us / 1_000_000).toFixed(2)} s`;
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 100_000 ? 0 : 1)} ms`;
  return `${Math.round(us)} µs`;
}
