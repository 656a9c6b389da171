/**
 * What the Traces view shows about a list of recent traces, without the editor: sort orders, ages, and the
 * route path an operation name stands for. Pure.
 */
import type { TraceSummary } from './model';

export type TraceSort = 'newest' | 'slowest' | 'errors';

/** Path part of an operation name: `GET /users/:id` → `/users/:id`; a bare path stays. */
export function operationPath(op: string): string | undefined {
  const m = /^(?:[A-Z]+\s+)?(\/\S*)$/.exec(op.trim());
  return m?.[1];
}

export function ageText(startUs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - startUs / 1000) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

export function sortSummaries(list: TraceSummary[], sort: TraceSort): TraceSummary[] {
  const by: Record<TraceSort, (a: TraceSummary, b: TraceSummary) => number> = {
    newest: (a, b) => b.startUs - a.startUs,
    slowest: (a, b) => (b.durationUs ?? 0) - (a.durationUs ?? 0) || b.startUs - a.startUs,
    errors: (a, b) => (b.errorSpanCount ?? 0) - (a.errorSpanCount ?? 0) || b.startUs - a.startUs,
  };
  return [...list].sort(by[sort]);
}

export interface SpanNameStats {
  count: number;
  /** Seconds (nearest-rank percentiles of the observed durations). */
  p50: number;
  p99: number;
  errors: number;
}

/** Count, p50/p99 (nearest rank) and errors of a span name's observed durations in seconds; undefined when none. */
export function spanNameStats(samples: readonly { seconds: number; error: boolean }[]): SpanNameStats | undefined {
  if (!samples.length) return undefined;
  const d = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const rank = (q: number) => d[Math.min(d.length - 1, Math.max(0, Math.ceil(q * d.length) - 1))];
  return { count: d.length, p50: rank(0.5), p99: rank(0.99), errors: samples.filter((s) => s.error).length };
}
