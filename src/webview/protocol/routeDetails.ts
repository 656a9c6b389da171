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

export interface RouteDetailsModel {
  title: string;
  subtitle: string;
  service: string;
  convention: string;
  evaluatedAt: string;
  stats: Stat[];
  /** One-hour request rate, [unix seconds, req/s]. */
  series: [number, number][];
  statusCodes: { code: string; rate: string }[];
  alerts: string[];
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
  | { type: 'openTrace'; traceId: string };

export function isDetailsToHost(m: unknown): m is DetailsToHost {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'ready':
    case 'refresh':
    case 'revealHandler':
      return true;
    case 'openQuery':
      return typeof (m as { index?: unknown }).index === 'number';
    case 'openTrace':
      return typeof (m as { traceId?: unknown }).traceId === 'string';
    default:
      return false;
  }
}
