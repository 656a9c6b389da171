/**
 * Messages of the route details panel. Imported by the host (src/features/metrics) and by the browser
 * app (src/webview/app); type only, no runtime dependencies on either side.
 */
export interface Stat {
  label: string;
  /** Display text, already formatted ("12.3 req/s", "—"). */
  text: string;
  /** The raw value in base units (req/s, ratio, seconds) or null when there is no data. */
  value: number | null;
}

export type TimeRangeId = '15m' | '1h' | '6h' | '24h' | '7d';
export const TIME_RANGE_IDS: readonly TimeRangeId[] = ['15m', '1h', '6h', '24h', '7d'];

/** A chart of the panel model (request rate by status class, error ratio, latency quantiles, in-flight requests). */
export interface ChartPanelModel {
  kind: 'rate' | 'errors' | 'latency' | 'inflight';
  title: string;
  /** Grafana unit id: req/s, ratio shown as %, seconds, plain number. */
  unit: 'reqps' | 'percentunit' | 's' | 'short';
  /** The exact PromQL, one per series template (what "Copy PromQL" copies). */
  queries: { legend: string; expr: string }[];
  /** Values aligned to ChartsModel.times; null where there is no sample. Labels come from Prometheus: text only. */
  series: { label: string; values: (number | null)[] }[];
  /** The panel shows the whole service (in-flight gauges have no route label). */
  serviceWide: boolean;
}

export interface ChartsModel {
  range: TimeRangeId;
  /** Seconds between points, and the rate() window used. */
  step: number;
  window: string;
  /** Unix seconds of every point. */
  times: number[];
  panels: ChartPanelModel[];
  /** Latency exemplars with a trace id: drawn as dots on the latency chart, a click opens the trace. */
  exemplars: { time: number; value: number; traceId: string }[];
}

export interface AlertModel {
  name: string;
  severity?: string;
  summary?: string;
  /** Unix seconds the alert became active, when Prometheus says. */
  since?: number;
}

export interface RouteDetailsModel {
  title: string;
  subtitle: string;
  service: string;
  convention: string;
  evaluatedAt: string;
  stats: Stat[];
  /** The charts over the chosen range; null when no convention applies (then the stats say why). */
  charts: ChartsModel | null;
  statusCodes: { code: string; rate: string }[];
  alerts: AlertModel[];
  warnings: string[];
  queries: { label: string; expr: string; url: string }[];
  slowestTraceId?: string;
}

export type HostToDetails = { type: 'model'; model: RouteDetailsModel } | { type: 'error'; message: string } | { type: 'loading' };

export type DetailsToHost =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'revealHandler' }
  | { type: 'openQuery'; index: number }
  | { type: 'openTrace'; traceId: string }
  | { type: 'setRange'; range: TimeRangeId }
  /** Copies the PromQL of panel `index` of the last model's charts. */
  | { type: 'copyQuery'; index: number };

export function isDetailsToHost(m: unknown): m is DetailsToHost {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'ready':
    case 'refresh':
    case 'revealHandler':
      return true;
    case 'openQuery':
    case 'copyQuery':
      return typeof (m as { index?: unknown }).index === 'number';
    case 'setRange':
      return (TIME_RANGE_IDS as readonly unknown[]).includes((m as { range?: unknown }).range);
    case 'openTrace':
      return typeof (m as { traceId?: unknown }).traceId === 'string';
    default:
      return false;
  }
}
