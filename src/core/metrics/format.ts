/**
 * Display formatting for route stats. Pure. Never prints NaN/Inf: anything not finite is "—".
 *   12.3 req/s · 0.8% errors · p99 184 ms
 */

import { finite, formatDuration, formatRate, formatRatio, NO_DATA } from './units';

export { formatDuration, formatRate, formatRatio, NO_DATA } from './units';

export interface DisplayStats {
  rate: number | null;
  errorRatio: number | null;
  p50?: number | null;
  p90?: number | null;
  p99: number | null;
  hasData: boolean;
}

/** "12.3 req/s · 0.8% errors · p99 184 ms"; "—" when the route has no data at all. */
export function formatStats(s: DisplayStats | undefined): string {
  if (!s || !s.hasData) return NO_DATA;
  const parts = [formatRate(s.rate), `${formatRatio(s.errorRatio)} errors`, `p99 ${formatDuration(s.p99)}`];
  return parts.join(' · ');
}

/** Longer form for hovers: "p50 12 ms · p90 80 ms · p99 184 ms". */
export function formatQuantiles(s: Pick<DisplayStats, 'p50' | 'p90' | 'p99'>): string {
  return `p50 ${formatDuration(s.p50)} · p90 ${formatDuration(s.p90)} · p99 ${formatDuration(s.p99)}`;
}

export interface SparklineOptions {
  width?: number;
  height?: number;
  /** Stroke colour; data: images do not inherit theme colours. Default VS Code blue. */
  color?: string;
  strokeWidth?: number;
  /** Fill under the line (with opacity 0.15). Default true. */
  fill?: boolean;
}

/**
 * A tiny self-contained SVG line chart. `points` are values (or [t, v] pairs) in time order;
 * null/NaN/Inf values make gaps. Always returns valid SVG (a flat baseline when there is no data).
 */
export function sparklineSvg(points: Array<number | null | [number, number | null]>, opts: SparklineOptions = {}): string {
  const width = opts.width ?? 120;
  const height = opts.height ?? 24;
  const color = (opts.color ?? '#3794ff').replace(/[^#\w(),.% -]/g, '');
  const sw = opts.strokeWidth ?? 1.5;
  const pad = sw;
  const vals = points.map((p) => (Array.isArray(p) ? p[1] : p));
  const xs = points.map((p, i) => (Array.isArray(p) ? p[0] : i));
  const finiteVals = vals.filter(finite);
  const finiteXs = xs.filter(finite);
  const minX = finiteXs.length ? Math.min(...finiteXs) : 0;
  const maxX = finiteXs.length ? Math.max(...finiteXs) : 1;
  const maxV = finiteVals.length ? Math.max(...finiteVals) : 0;
  const minV = Math.min(0, ...(finiteVals.length ? finiteVals : [0]));
  const spanX = maxX - minX || 1;
  const spanV = maxV - minV || 1;
  const X = (x: number) => round(pad + ((x - minX) / spanX) * (width - 2 * pad));
  const Y = (v: number) => round(height - pad - ((v - minV) / spanV) * (height - 2 * pad));

  const runs: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> = [];
  vals.forEach((v, i) => {
    const x = xs[i];
    if (finite(v) && finite(x)) cur.push([X(x), Y(v)]);
    else if (cur.length) {
      runs.push(cur);
      cur = [];
    }
  });
  if (cur.length) runs.push(cur);

  const base = round(height - pad);
  const body: string[] = [];
  for (const run of runs) {
    if (run.length === 1) {
      const [x, y] = run[0]!;
      body.push(`<circle cx="${x}" cy="${y}" r="${sw}" fill="${color}"/>`);
      continue;
    }
    const d = run.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join(' ');
    if (opts.fill ?? true) {
      body.push(
        `<path d="${d} L${run[run.length - 1]![0]} ${base} L${run[0]![0]} ${base} Z" fill="${color}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
    body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${sw}" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  if (!runs.length) {
    body.push(
      `<path d="M${pad} ${base} L${width - pad} ${base}" stroke="${color}" stroke-opacity="0.4" stroke-width="1" stroke-dasharray="2 2"/>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body.join('')}</svg>`;
}

/** data: URI for markdown images in hovers. */
export function sparklineDataUri(points: Parameters<typeof sparklineSvg>[0], opts: SparklineOptions = {}): string {
  return `data:image/svg+xml;base64,${Buffer.from(sparklineSvg(points, opts)).toString('base64')}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
