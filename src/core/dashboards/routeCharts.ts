/**
 * The route details panel's charts: the panel model of one route (and the service's in-flight gauge, when it
 * exports one) over a chosen time range, fetched with query_range at a step chosen for the range, plus the
 * latency histogram's exemplars. Pure: it talks to Prometheus only through PrometheusQueries.
 *
 * Bounded whatever Prometheus answers: every range has at most 180 steps, a panel keeps at most MAX_SERIES
 * series, and at most MAX_EXEMPLARS exemplars (the slowest) are kept.
 */
import { normaliseSelector, routeMatchers, type Convention, type ConventionConfig, type RouteRef } from '../metrics/conventions';
import { sampleValue, type CallOptions, type MatrixSeries, type PrometheusQueries } from '../metrics/prometheusApi';
import { exemplarTraceId } from '../metrics/exemplars';
import { durationSeconds } from './alerts';
import { inflightMetric, panels, type PanelKind, type PanelQuery, type PanelUnit } from './panels';

/** The ranges of the time-range picker and the step of each (60 to 180 points per series). */
export const TIME_RANGES = [
  { id: '15m', seconds: 900, step: 15 },
  { id: '1h', seconds: 3600, step: 30 },
  { id: '6h', seconds: 21600, step: 120 },
  { id: '24h', seconds: 86400, step: 600 },
  { id: '7d', seconds: 604800, step: 3600 },
] as const;
export type TimeRangeId = (typeof TIME_RANGES)[number]['id'];
export const DEFAULT_RANGE: TimeRangeId = '1h';

export const MAX_SERIES = 8;
export const MAX_EXEMPLARS = 200;

export function timeRange(id: string): (typeof TIME_RANGES)[number] | undefined {
  return TIME_RANGES.find((r) => r.id === id);
}

/** The `rate()` window for a step: the configured window, widened to the step so no sample falls between points. */
export function rateWindow(configured: string, step: number): string {
  const s = Math.max(durationSeconds(configured), step);
  if (s % 3600 === 0) return `${s / 3600}h`;
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

export interface ChartSeries {
  label: string;
  /** One value per point of RouteCharts.times; null where Prometheus has no sample (or NaN/Inf). */
  values: (number | null)[];
}

export interface ChartPanel {
  kind: PanelKind;
  title: string;
  unit: PanelUnit;
  /** The exact PromQL of the panel (what "Copy PromQL" copies). */
  queries: PanelQuery[];
  series: ChartSeries[];
  /** Whether the panel concerns the whole service rather than the route (in-flight requests). */
  serviceWide: boolean;
}

export interface ChartExemplar {
  /** Unix seconds. */
  time: number;
  /** Seconds. */
  value: number;
  traceId: string;
}

export interface RouteCharts {
  range: TimeRangeId;
  step: number;
  window: string;
  /** Unix seconds of every point, `start` to `end` by `step`. */
  times: number[];
  panels: ChartPanel[];
  exemplars: ChartExemplar[];
}

export interface RouteChartsInput {
  conv: Convention;
  config: ConventionConfig;
  ref: RouteRef;
  selector: string;
  /** The configured rate window (`5m`). */
  window: string;
  range: TimeRangeId;
  /** End of the range, unix seconds: the last point (not aligned to the step, so the newest samples are in). */
  end: number;
}

/** Fills a Grafana legend (`{{status_class}}`) from a series' labels. */
function legendOf(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (_, l: string) => labels[l] ?? '');
}

function aligned(series: MatrixSeries, times: number[]): (number | null)[] {
  const byTime = new Map<number, number | null>();
  for (const [t, v] of series.values ?? []) byTime.set(t, sampleValue(v));
  return times.map((t) => byTime.get(t) ?? null);
}

/** The charts of a route over `input.range`: one query_range per panel query, one query_exemplars. */
export async function routeCharts(client: PrometheusQueries, input: RouteChartsInput, opts: CallOptions = {}): Promise<RouteCharts> {
  const range = timeRange(input.range) ?? timeRange(DEFAULT_RANGE)!;
  const { step } = range;
  const end = Math.floor(input.end);
  const start = end - range.seconds;
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const window = rateWindow(input.window, step);
  const matchers = routeMatchers(input.conv, input.ref);
  const gauge = inflightMetric(input.conv, input.config.prefix);
  const specs = [
    ...panels(input.conv, { selector: input.selector, window, routeMatchers: matchers }).map((p) => ({ p, serviceWide: false })),
    ...panels(input.conv, { selector: input.selector, window, ...(gauge ? { inflight: gauge } : {}) })
      .filter((p) => p.kind === 'inflight')
      .map((p) => ({ p, serviceWide: true })),
  ];
  const bucket = `${input.conv.bucketMetric}{${[normaliseSelector(input.selector), ...matchers].filter(Boolean).join(', ')}}`;
  const [results, exemplars] = await Promise.all([
    Promise.all(
      specs.map(({ p }) =>
        Promise.all(p.queries.map((q) => client.queryRange(q.expr, { start, end, step, ...opts }).then((r) => ({ q, data: r.data })))),
      ),
    ),
    input.conv.grouped
      ? client.queryExemplars(bucket, { start, end, ...opts }).then(
          (r) => r.data,
          () => [], // exemplar storage is an optional feature: its absence or failure leaves the charts as they are
        )
      : Promise.resolve([]),
  ]);
  const out: ChartPanel[] = [];
  specs.forEach(({ p, serviceWide }, i) => {
    const series = results[i]!.flatMap(({ q, data }) =>
      [...data]
        .map((s) => ({ label: legendOf(q.legend, s.metric) || 'other', values: aligned(s, times) }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    );
    // The in-flight panel is shown only when the service exports the gauge.
    if (p.kind === 'inflight' && series.length === 0) return;
    out.push({ kind: p.kind, title: p.title, unit: p.unit, queries: p.queries, series: series.slice(0, MAX_SERIES), serviceWide });
  });
  const dots: ChartExemplar[] = [];
  for (const s of exemplars) {
    for (const e of s.exemplars) {
      const traceId = exemplarTraceId(e.labels);
      const v = sampleValue(e.value);
      if (traceId && v !== null && e.timestamp >= start && e.timestamp <= end) {
        dots.push({ time: e.timestamp, value: v * input.conv.toSeconds, traceId });
      }
    }
  }
  dots.sort((a, b) => b.value - a.value);
  return { range: range.id, step, window, times, panels: out, exemplars: dots.slice(0, MAX_EXEMPLARS).sort((a, b) => a.time - b.time) };
}
