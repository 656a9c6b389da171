/** The slowest exemplar of a route's latency histogram, with its trace id. Pure. */
import { sampleValue, type ExemplarSeries } from './prometheusApi';

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

/** The slowest exemplar carrying a trace id (values scaled to seconds by `toSeconds`), or null. */
export function slowestExemplar(series: ExemplarSeries[], toSeconds: number): ExemplarInfo | null {
  let best: ExemplarInfo | null = null;
  for (const s of series) {
    for (const e of s.exemplars) {
      const traceId = TRACE_ID_LABELS.map((l) => e.labels[l]).find(Boolean);
      const v = sampleValue(e.value);
      if (!traceId || v === null) continue;
      const value = v * toSeconds;
      if (!best || value > best.value) {
        const spanId = SPAN_ID_LABELS.map((l) => e.labels[l]).find(Boolean);
        best = { traceId, value, timestamp: e.timestamp, labels: e.labels, seriesLabels: s.seriesLabels };
        if (spanId) best.spanId = spanId;
      }
    }
  }
  return best;
}
