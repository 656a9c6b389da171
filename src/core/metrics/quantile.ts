/**
 * Prometheus' classic-histogram `histogram_quantile` (promql/quantile.go, bucketQuantile), reproduced so
 * one grouped bucket query serves every route and quantile. Returns null where Prometheus returns NaN.
 */
export interface Bucket {
  /** Upper bound (`le`), +Infinity for "+Inf". */
  le: number;
  /** Cumulative count (or rate). */
  count: number;
}

export function parseLe(le: string): number {
  if (le === '+Inf' || le === 'Inf') return Number.POSITIVE_INFINITY;
  return Number(le);
}

export function histogramQuantile(q: number, input: Bucket[]): number | null {
  if (Number.isNaN(q) || q < 0 || q > 1) return null;
  const sorted = input.filter((b) => !Number.isNaN(b.le)).sort((a, b) => a.le - b.le);
  if (!sorted.length || sorted[sorted.length - 1]!.le !== Number.POSITIVE_INFINITY) return null;
  // coalesce equal bounds
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else buckets.push({ le: b.le, count: b.count });
  }
  // ensure monotonic
  let max = Number.NEGATIVE_INFINITY;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else b.count = max;
  }
  if (buckets.length < 2) return null;
  const observations = buckets[buckets.length - 1]!.count;
  if (!(observations > 0)) return null;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return finiteOrNull(buckets[buckets.length - 2]!.le);
  if (b === 0 && buckets[0]!.le <= 0) return finiteOrNull(buckets[0]!.le);
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.le;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.le;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return finiteOrNull(bucketStart + (bucketEnd - bucketStart) * (rank / count));
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}
