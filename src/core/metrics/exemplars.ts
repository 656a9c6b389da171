/** The slowest exemplar of a route's latency histogram (or of each route of a service), with its trace id. Pure. */
import { sampleValue, type ExemplarSeries } from './prometheusApi';
import { asTraceId } from '../traces/model';

export interface ExemplarInfo {
  traceId: string;
  spanId?: string;
  /** Observed value in seconds. */
  value: number;
  /** Unix seconds. */
  timestamp: number;
  labels: Record<string, string>;
  seriesLabels: Record<string, string>;
}

const TRACE_ID_LABELS = ['trace_id', 'traceId', 'traceID'];
const SPAN_ID_LABELS = ['span_id', 'spanId', 'spanID'];

/** The slowest exemplar carrying a valid trace id (values scaled to seconds by `toSeconds`), or null. */
export function slowestExemplar(series: ExemplarSeries[], toSeconds: number): ExemplarInfo | null {
  let best: ExemplarInfo | null = null;
  for (const s of series) {
    const e = slowestOf(s, toSeconds);
    if (e && (!best || e.value > best.value)) best = e;
  }
  return best;
}

/** The slowest exemplar of each route, the series mapped to routes by `routesOf` (one query for a whole service). */
export function slowestExemplarPerRoute<R>(
  series: ExemplarSeries[],
  toSeconds: number,
  routesOf: (labels: Record<string, string>) => R[],
): { route: R; exemplar: ExemplarInfo }[] {
  const best = new Map<R, ExemplarInfo>();
  for (const s of series) {
    const e = slowestOf(s, toSeconds);
    if (!e) continue;
    for (const route of routesOf(s.seriesLabels)) {
      const b = best.get(route);
      if (!b || e.value > b.value) best.set(route, e);
    }
  }
  return [...best].map(([route, exemplar]) => ({ route, exemplar }));
}

/** The valid trace id an exemplar carries (trace_id, traceId or traceID), or undefined. Label values are untrusted. */
export function exemplarTraceId(labels: Record<string, string>): string | undefined {
  return TRACE_ID_LABELS.map((l) => asTraceId(labels[l])).find(Boolean);
}

function slowestOf(s: ExemplarSeries, toSeconds: number): ExemplarInfo | null {
  let best: ExemplarInfo | null = null;
  for (const e of s.exemplars) {
    const traceId = exemplarTraceId(e.labels);
    const v = sampleValue(e.value);
    if (!traceId || v === null) continue;
    const value = v * toSeconds;
    if (!best || value > best.value) {
      const spanId = SPAN_ID_LABELS.map((l) => e.labels[l]).find(Boolean);
      best = { traceId, value, timestamp: e.timestamp, labels: e.labels, seriesLabels: s.seriesLabels };
      if (spanId) best.spanId = spanId;
    }
  }
  return best;
}
