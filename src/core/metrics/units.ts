/**
 * Number formatting with units (req/s, %, seconds), dependency-free so the webview bundle uses it too. Pure.
 * Never prints NaN/Inf: anything not finite is "—".
 */

export const NO_DATA = '—';

export function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Three significant digits, no trailing zeros noise: 184, 18.4, 1.84, 0.184. */
function sig3(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return v
    .toFixed(decimals)
    .replace(/\.0+$/, '')
    .replace(/(\.\d*?)0+$/, '$1');
}

/** req/s, or req/min for tiny rates (< 0.1 req/s), "<0.01 req/min" when almost idle. */
export function formatRate(rate: number | null | undefined): string {
  if (!finite(rate)) return NO_DATA;
  if (rate <= 0) return '0 req/s';
  if (rate >= 0.1) return `${sig3(rate)} req/s`;
  const perMin = rate * 60;
  if (perMin < 0.01) return '<0.01 req/min';
  return `${sig3(perMin)} req/min`;
}

/** 0.008 → "0.8%"; 0 → "0%"; tiny → "<0.1%". */
export function formatRatio(ratio: number | null | undefined): string {
  if (!finite(ratio)) return NO_DATA;
  if (ratio <= 0) return '0%';
  const pct = ratio * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct >= 99.95 && ratio < 1) return '>99.9%';
  return `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** Seconds → "850 µs" / "184 ms" / "1.84 s" / "2.5 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (!finite(seconds)) return NO_DATA;
  if (seconds <= 0) return '0 ms';
  if (seconds < 0.001) return `${sig3(seconds * 1e6)} µs`;
  if (seconds < 1) {
    const ms = seconds * 1000;
    return ms >= 999.5 ? '1 s' : `${sig3(ms)} ms`;
  }
  if (seconds < 120) return `${sig3(seconds)} s`;
  return `${sig3(seconds / 60)} min`;
}
