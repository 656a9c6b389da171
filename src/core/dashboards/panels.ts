/**
 * The panel model: what a service's and a route's dashboard shows, with the exact PromQL of every series.
 * One model, several renderings (Grafana dashboard JSON, the route details panel). Pure, no `vscode`.
 *
 *   request rate by status class   sum by (status_class) (label_replace(rate(<count>[w]), "status_class", "${1}xx", <status>, "([0-9]).*"))
 *   error ratio                    5xx rate / all requests
 *   latency p50/p90/p99            histogram_quantile over the bucket rates (× toSeconds for millisecond histograms)
 *   in-flight requests             the convention's gauge, only when the service exports it (service level)
 */
import { normaliseSelector, promString, type Convention } from '../metrics/conventions';

export type PanelKind = 'rate' | 'errors' | 'latency' | 'inflight';
/** Grafana unit ids (the details panel formats with the same names). */
export type PanelUnit = 'reqps' | 'percentunit' | 's' | 'short';

export interface PanelQuery {
  /** Legend of the series (Grafana legendFormat syntax: `{{label}}`). */
  legend: string;
  expr: string;
}

export interface PanelSpec {
  kind: PanelKind;
  title: string;
  unit: PanelUnit;
  queries: PanelQuery[];
  /** Latency panels ask for exemplars (trace ids on the bucket series). */
  exemplars: boolean;
}

/** Where the panels of one service or route look. */
export interface PanelScope {
  /** Label matchers of the service (`job="api"`), may be empty. */
  selector: string;
  /** One route: its label value, or a Grafana variable such as `$route` (matched with =~). */
  route?: string;
  /** One route by exact label matchers (the values and methods the lenses query, see routeMatchers); instead of `route`. */
  routeMatchers?: string[];
  /** `rate()` window: `5m`, or `$__rate_interval` in Grafana. */
  window: string;
  /** Name of the in-flight gauge when the service exports it. */
  inflight?: string;
}

export const QUANTILES = [0.5, 0.9, 0.99] as const;

/**
 * The in-flight requests gauge each convention's instrumentation can export (none for express-prom-bundle,
 * fastify-metrics, prometheus-flask-exporter). `prefix` is Instrument Route's; starlette_exporter's gauge follows
 * its own metric names.
 */
export function inflightMetric(conv: Convention, prefix = ''): string | undefined {
  switch (conv.name) {
    case 'starlette-exporter':
      return conv.countMetric.replace(/requests_total$/, 'requests_in_progress');
    case 'telemetry-lens':
      return `${prefix}http_requests_in_progress`;
    case 'instrumentator':
      return 'http_requests_inprogress';
    case 'otel':
    case 'otel-legacy':
      return 'http_server_active_requests';
    default:
      return undefined;
  }
}

function selector(conv: Convention, scope: PanelScope, ...extra: string[]): string {
  const m = [normaliseSelector(scope.selector), ...(scope.routeMatchers ?? [])];
  if (scope.route !== undefined) {
    const variable = scope.route.startsWith('$');
    m.push(`${conv.routeLabels[0]}${variable ? '=~' : '='}${promString(scope.route)}`);
  }
  return `{${[...m, ...extra].filter(Boolean).join(', ')}}`;
}

/** The panels of a service (scope without route) or of one route; `custom` has none (its PromQL is per route and user-written). */
export function panels(conv: Convention, scope: PanelScope): PanelSpec[] {
  if (!conv.grouped) return [];
  const w = scope.window;
  const all = selector(conv, scope);
  const errors = selector(conv, scope, `${conv.statusLabel}=~"5.."`);
  const count = `${conv.countMetric}${all}`;
  const scale = conv.toSeconds === 1 ? '' : ` * ${conv.toSeconds}`;
  const out: PanelSpec[] = [
    {
      kind: 'rate',
      title: 'Request rate by status class',
      unit: 'reqps',
      exemplars: false,
      queries: [
        {
          legend: '{{status_class}}',
          expr: `sum by (status_class) (label_replace(rate(${count}[${w}]), "status_class", "\${1}xx", "${conv.statusLabel}", "([0-9]).*"))`,
        },
      ],
    },
    {
      kind: 'errors',
      title: 'Error ratio (5xx)',
      unit: 'percentunit',
      exemplars: false,
      queries: [{ legend: '5xx', expr: `(sum(rate(${conv.countMetric}${errors}[${w}])) or vector(0)) / sum(rate(${count}[${w}]))` }],
    },
    {
      kind: 'latency',
      title: 'Latency p50 / p90 / p99',
      unit: 's',
      exemplars: true,
      queries: QUANTILES.map((q) => ({
        legend: `p${Math.round(q * 100)}`,
        expr: `histogram_quantile(${q}, sum by (le) (rate(${conv.bucketMetric}${all}[${w}])))${scale}`,
      })),
    },
  ];
  // In-flight gauges carry no route label in any convention: a service-level panel only.
  if (scope.inflight && scope.route === undefined && !scope.routeMatchers) {
    out.push({
      kind: 'inflight',
      title: 'In-flight requests',
      unit: 'short',
      exemplars: false,
      queries: [{ legend: 'in flight', expr: `sum(${scope.inflight}${all})` }],
    });
  }
  return out;
}
