/**
 * Metric naming conventions for HTTP server metrics and the PromQL each one needs. Pure, no `vscode`.
 *
 * Grouped conventions answer for ALL routes of a service with a CONSTANT number of queries per refresh:
 *   1. request rate     sum by (route, method) (rate(<count>{<service>}[w]))
 *   2. error rate       sum by (route, method) (rate(<count>{<service>, <status>=~"5.."}[w]))
 *   3. bucket rates     sum by (le, route, method) (rate(<bucket>{<service>}[w]))
 *      → p50/p90/p99 are computed locally with Prometheus' own histogram_quantile algorithm, which is exact
 *        and lets routes that span several label values (methods, raw URLs) be merged before the quantile.
 * `custom` is per-route (user templates cannot be grouped): 1–5 queries per route.
 */
import { routeTemplate } from '../routes/route';
import type { HttpMethod, Route } from '../routes/types';
import { canonicalRouteKey, escapeRegExp, toPromBundlePath } from './routeTemplates';

export type ConventionName =
  | 'instrumentator'
  | 'otel'
  | 'otel-legacy'
  | 'express-prom-bundle'
  | 'fastify-metrics'
  | 'starlette-exporter'
  | 'prometheus-flask-exporter'
  | 'telemetry-lens'
  | 'custom';
export const CONVENTION_NAMES: ConventionName[] = [
  'instrumentator',
  'otel',
  'otel-legacy',
  'express-prom-bundle',
  'fastify-metrics',
  'starlette-exporter',
  'prometheus-flask-exporter',
  'telemetry-lens',
  'custom',
];

/** User PromQL templates for `custom`. Placeholders: $route $method $service $window (and $quantile in `latency`). */
export interface CustomTemplates {
  /** Requests per second for one route, e.g. `sum(rate(my_requests_total{$service, path="$route", verb=~"$method"}[$window]))`. */
  rate: string;
  /** Error ratio 0..1 for one route (optional). */
  errorRatio?: string;
  /** Latency in SECONDS at quantile $quantile (optional), e.g. `histogram_quantile($quantile, sum by (le) (rate(...[$window])))`. */
  latency?: string;
}

export interface ConventionConfig {
  name: ConventionName;
  /**
   * Metric name prefix: for `telemetry-lens` (default ""); for `starlette-exporter` its `prefix` option with the
   * underscore (default "starlette_"); for `prometheus-flask-exporter` its `defaults_prefix` with the underscore
   * (default "flask_", "" for NO_PREFIX).
   */
  prefix?: string;
  /** `prometheus-flask-exporter` only: the label its `group_by` names, `path` (default) or `url_rule`. */
  routeLabel?: 'path' | 'url_rule';
  custom?: CustomTemplates;
}

/** Route label values a single-route query should select. */
export interface RouteRef {
  /** Which label carries the values (a convention may have more than one route label, e.g. http_route / http_target). */
  label: string;
  values: string[];
  /** Upper-case methods; empty = any method. */
  methods: string[];
}

export interface Convention {
  name: ConventionName;
  title: string;
  /** Labels carrying the route, in preference order (first non-empty value wins). */
  routeLabels: string[];
  methodLabel: string;
  statusLabel: string;
  countMetric: string;
  bucketMetric: string;
  /** Multiply histogram values by this to get seconds (0.001 for millisecond histograms). */
  toSeconds: number;
  /** Route label values are (normalised) URLs, not templates: match them by pattern. */
  pathLike: boolean;
  /** True when one refresh is a constant number of queries (all but `custom`). */
  grouped: boolean;
  warnings: string[];
  /** What can and cannot be matched, shown by "Show Metrics Convention". */
  notes: string[];
  /** The label value this convention most likely reports for a detector route (before any refresh saw real values). */
  labelValueFor(route: Route): string;
  custom?: CustomTemplates;
}

/** Builds a convention from its config. */
export function getConvention(cfg: ConventionConfig | ConventionName): Convention {
  const c: ConventionConfig = typeof cfg === 'string' ? { name: cfg } : cfg;
  const asWritten = (r: Route) => routeTemplate(r);
  switch (c.name) {
    case 'instrumentator':
      return {
        name: 'instrumentator',
        title: 'prometheus-fastapi-instrumentator',
        routeLabels: ['handler'],
        methodLabel: 'method',
        statusLabel: 'status',
        countMetric: 'http_requests_total',
        bucketMetric: 'http_request_duration_seconds_bucket',
        toSeconds: 1,
        pathLike: false,
        grouped: true,
        warnings: [],
        notes: [
          '`handler` is the FastAPI route template (`/users/{user_id}`); unmatched requests are reported as handler="none" and are not shown.',
          'Status is grouped as "2xx"/"4xx"/"5xx" by default (or raw codes with should_group_status_codes=False); errors are status=~"5..".',
        ],
        labelValueFor: asWritten,
      };
    case 'otel':
      return {
        name: 'otel',
        title: 'OpenTelemetry HTTP semantic conventions (stable, seconds)',
        routeLabels: ['http_route'],
        methodLabel: 'http_request_method',
        statusLabel: 'http_response_status_code',
        countMetric: 'http_server_request_duration_seconds_count',
        bucketMetric: 'http_server_request_duration_seconds_bucket',
        toSeconds: 1,
        pathLike: false,
        grouped: true,
        warnings: [],
        notes: [
          '`http_route` is the framework route template as the instrumentation reports it (`/users/:id`, `/users/{id}`, `/users/<int:id>`); all spellings are matched.',
          'Requests without http_route (404s, unrouted middleware) cannot be attributed to a handler.',
          'Request rate comes from the histogram _count; errors are http_response_status_code=~"5..".',
        ],
        labelValueFor: asWritten,
      };
    case 'otel-legacy':
      return {
        name: 'otel-legacy',
        title: 'OpenTelemetry HTTP semantic conventions (legacy, milliseconds)',
        routeLabels: ['http_route', 'http_target'],
        methodLabel: 'http_method',
        statusLabel: 'http_status_code',
        countMetric: 'http_server_duration_milliseconds_count',
        bucketMetric: 'http_server_duration_milliseconds_bucket',
        toSeconds: 0.001,
        pathLike: true,
        grouped: true,
        warnings: [
          'Using the legacy OpenTelemetry metric http_server_duration_milliseconds (milliseconds, semconv < 1.20): latencies are converted to seconds. Newer instrumentation exports http_server_request_duration_seconds.',
        ],
        notes: [
          '`http_route` is used when present; otherwise `http_target` (a raw URL) is matched to the most specific route template.',
          'http_target values with query strings or unbounded ids may be many series; prefer instrumentation that sets http_route.',
        ],
        labelValueFor: asWritten,
      };
    case 'express-prom-bundle':
      return {
        name: 'express-prom-bundle',
        title: 'express-prom-bundle',
        routeLabels: ['path'],
        methodLabel: 'method',
        statusLabel: 'status_code',
        countMetric: 'http_request_duration_seconds_count',
        bucketMetric: 'http_request_duration_seconds_bucket',
        toSeconds: 1,
        pathLike: true,
        grouped: true,
        warnings: [],
        notes: [
          '`path` is a NORMALISED URL, not the route template: by default ids (numbers, UUIDs, hex, …) become "#val", so `/users/:id` is matched as `/users/#val`.',
          'Parameters whose values do not look like ids (e.g. `/users/alice`) stay raw; they are matched to the most specific template by pattern, which can be ambiguous with static sibling routes.',
          'With normalizePath disabled (includePath with raw URLs) every URL is a separate series; they are summed per matching template.',
        ],
        labelValueFor: (r) => toPromBundlePath(routeTemplate(r)),
      };
    case 'fastify-metrics':
      return {
        name: 'fastify-metrics',
        title: 'fastify-metrics',
        routeLabels: ['route'],
        methodLabel: 'method',
        statusLabel: 'status_code',
        countMetric: 'http_request_duration_seconds_count',
        bucketMetric: 'http_request_duration_seconds_bucket',
        toSeconds: 1,
        pathLike: false,
        grouped: true,
        warnings: [],
        notes: [
          '`route` is the Fastify route template (`request.routeOptions.url`, plugin prefix included: `/api/users/:id`), or the route\'s `config.statsId` when it has one. Only registered routes are measured, unless registeredRoutesOnly is false (then unrouted requests are "__unknown__", listed as unmatched).',
          'Request rate comes from the histogram _count; errors are status_code=~"5.." (also with groupStatusCodes, which reports "5xx"). The summary http_request_summary_seconds is not used: summary quantiles cannot be merged across methods or instances.',
          'Labels renamed with routeMetrics.overrides.labels, or a renamed histogram, are not recognised: use the custom convention then.',
        ],
        labelValueFor: asWritten,
      };
    case 'starlette-exporter': {
      const p = c.prefix ?? 'starlette_';
      return {
        name: 'starlette-exporter',
        title: `starlette_exporter${p !== 'starlette_' ? ` (prefix "${p.replace(/_$/, '')}")` : ''}`,
        routeLabels: ['path'],
        methodLabel: 'method',
        statusLabel: 'status_code',
        countMetric: `${p}requests_total`,
        bucketMetric: `${p}request_duration_seconds_bucket`,
        toSeconds: 1,
        pathLike: true,
        grouped: true,
        warnings: [],
        notes: [
          '`path` is the route template (`/users/{user_id}`, mounted routers joined) with group_paths, the default since starlette_exporter 0.18.0; with group_paths=False (or an older version) it is the raw URL, matched to the most specific template by pattern and summed.',
          'Unrouted requests (404s) are dropped by filter_unhandled_paths (default since 0.18.0), or reported as path="__unknown__" with group_unhandled_paths (listed as unmatched).',
          'Errors are status_code=~"5..". A handler answering with an HTTPStatus on Python < 3.11 is labelled "HTTPStatus.…" unless always_use_int_status=True, and is then not counted as an error.',
        ],
        labelValueFor: asWritten,
      };
    }
    case 'prometheus-flask-exporter': {
      const p = c.prefix ?? 'flask_';
      const byRule = c.routeLabel === 'url_rule';
      return {
        name: 'prometheus-flask-exporter',
        title: `prometheus-flask-exporter${p !== 'flask_' ? ` (defaults_prefix ${p ? `"${p.replace(/_$/, '')}"` : 'NO_PREFIX'})` : ''}${byRule ? ", group_by='url_rule'" : ''}`,
        routeLabels: byRule ? ['url_rule', 'path'] : ['path', 'url_rule'],
        methodLabel: 'method',
        statusLabel: 'status',
        countMetric: `${p}http_request_duration_seconds_count`,
        bucketMetric: `${p}http_request_duration_seconds_bucket`,
        toSeconds: 1,
        pathLike: true,
        grouped: true,
        warnings: [],
        notes: [
          `Per route, request rate and errors come from the latency histogram's _count (labelled method, the group_by label and status; errors are status=~"5..", unhandled exceptions included as 500). ${p}http_request_total has no path label: it tells nothing per route and is not used.`,
          "With the default group_by='path' the label is the raw URL (`/users/42`): every URL is a series of its own, matched to the most specific route template by pattern and summed, which can be ambiguous with static sibling routes. group_by='url_rule' labels `url_rule` with the rule as written (`/users/<int:user_id>`), matched exactly: prefer it.",
          "group_by='endpoint' (or a function) labels the view function, not a path: not matched, use the custom convention. With default_latency_as_histogram=False the duration is a summary without buckets: rate and errors are shown, latency quantiles are not.",
        ],
        labelValueFor: asWritten,
      };
    }
    case 'telemetry-lens': {
      const p = c.prefix ?? '';
      return {
        name: 'telemetry-lens',
        title: `Telemetry Lens instrumentation${p ? ` (prefix "${p}")` : ''}`,
        routeLabels: ['route'],
        methodLabel: 'method',
        statusLabel: 'status',
        countMetric: `${p}http_requests_total`,
        bucketMetric: `${p}http_request_duration_seconds_bucket`,
        toSeconds: 1,
        pathLike: false,
        grouped: true,
        warnings: [],
        notes: ['`route` is the route template exactly as written in the code; `status` is the numeric status code.'],
        labelValueFor: asWritten,
      };
    }
    case 'custom':
      if (!c.custom?.rate) throw new Error('custom convention needs at least a `rate` PromQL template');
      return {
        name: 'custom',
        title: 'Custom PromQL templates',
        routeLabels: [],
        methodLabel: '',
        statusLabel: '',
        countMetric: '',
        bucketMetric: '',
        toSeconds: 1,
        pathLike: false,
        grouped: false,
        warnings: [],
        notes: [
          'Templates are evaluated once PER ROUTE ($route $method $service $window, $quantile for latency): a refresh sends up to 5 queries per route, so refreshes of large workspaces are slower and heavier than with a known convention.',
        ],
        labelValueFor: asWritten,
        custom: c.custom,
      };
  }
}

// --- PromQL building -------------------------------------------------------------------------

/** `job="api"` or `{job="api"}` → `job="api"`; empty → "". */
export function normaliseSelector(selector: string | undefined): string {
  const s = (selector ?? '').trim();
  return s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1).trim() : s;
}

export function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `metric{matcher, …}` (empty matchers left out). */
export function sel(metric: string, ...matchers: Array<string | undefined>): string {
  const m = matchers.filter((x): x is string => !!x && x.length > 0);
  return `${metric}{${m.join(', ')}}`;
}

function valuesMatcher(label: string, values: string[]): string {
  if (values.length === 1) return `${label}=${promString(values[0]!)}`;
  return `${label}=~${promString(values.map(escapeRegExp).join('|'))}`;
}

function methodMatcher(label: string, methods: string[]): string | undefined {
  if (!methods.length) return undefined;
  return valuesMatcher(label, methods);
}

/** The label matchers of one route's series (its route label values and methods), as single-route queries use them. */
export function routeMatchers(conv: Convention, ref: RouteRef): string[] {
  return [valuesMatcher(ref.label, ref.values), methodMatcher(conv.methodLabel, ref.methods)].filter((m): m is string => !!m);
}

export interface GroupedQueries {
  rate: string;
  errorRate: string;
  buckets: string;
  /** Selector for query_exemplars: the bucket series of every route of the service. */
  exemplars: string;
}

/** The constant set of queries a refresh sends for one service. */
export function groupedQueries(conv: Convention, selector: string, window: string): GroupedQueries {
  const s = normaliseSelector(selector);
  const by = [...conv.routeLabels, conv.methodLabel].join(', ');
  return {
    rate: `sum by (${by}) (rate(${sel(conv.countMetric, s)}[${window}]))`,
    errorRate: `sum by (${by}) (rate(${sel(conv.countMetric, s, `${conv.statusLabel}=~"5.."`)}[${window}]))`,
    buckets: `sum by (le, ${by}) (rate(${sel(conv.bucketMetric, s)}[${window}]))`,
    exemplars: sel(conv.bucketMetric, s),
  };
}

export interface RouteQueries {
  rate: string;
  errorRatio: string;
  p50: string;
  p90: string;
  p99: string;
  statusCodes: string;
  /** Selector for query_exemplars (bucket series of the route). */
  exemplars: string;
}

/** A PromQL duration (`5m`, `1h30m`): the only thing a window may be, since it is pasted into `[…]`. */
export function isPromDuration(s: string): boolean {
  return s.length <= 32 && /^(\d+(ms|s|m|h|d|w|y))+$/.test(s);
}

type Placeholder = 'route' | 'method' | 'service' | 'window' | 'quantile';

/**
 * Fills a `custom` PromQL template in ONE pass with a function replacer (so `$&` or `$method` inside a
 * route path stays literal). Inside a double-quoted string the value is escaped for the string, and a
 * route also for the regex when the string belongs to `=~` / `!~`; outside a string a route becomes a
 * quoted string. `$method` is a regex alternation by design, `$service` the user's own selector.
 */
export function fillTemplate(tpl: string, values: Record<Placeholder, string>): string {
  let out = '';
  let quote: { regex: boolean } | undefined;
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i]!;
    if (quote && c === '\\') {
      out += tpl.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === '"') {
      quote = quote ? undefined : { regex: /[=!]~\s*$/.test(tpl.slice(Math.max(0, i - 8), i)) };
      out += c;
      continue;
    }
    const m = c === '$' ? /^\$(route|method|service|window|quantile)/.exec(tpl.slice(i, i + 10)) : null;
    if (!m) {
      out += c;
      continue;
    }
    const name = m[1] as Placeholder;
    const v = values[name];
    if (!quote) out += name === 'route' ? promString(v) : v;
    else out += promString(name === 'route' && quote.regex ? escapeRegExp(v) : v).slice(1, -1);
    i += m[0].length - 1;
  }
  return out;
}

/** Single-route PromQL (hover, "Open in Prometheus", tests). */
export function routeQueries(conv: Convention, selector: string, ref: RouteRef, window: string, route?: Route): RouteQueries {
  const s = normaliseSelector(selector);
  if (conv.name === 'custom') {
    const t = conv.custom!;
    const values: Record<Placeholder, string> = {
      route: ref.values[0] ?? (route ? routeTemplate(route) : ''),
      method: ref.methods.length ? ref.methods.join('|') : '.+',
      service: s,
      window,
      quantile: '0.99',
    };
    const sub = (tpl: string, q?: number) => fillTemplate(tpl, { ...values, quantile: q === undefined ? '0.99' : String(q) });
    const lat = (q: number) => (t.latency ? sub(t.latency, q) : '');
    return {
      rate: sub(t.rate),
      errorRatio: t.errorRatio ? sub(t.errorRatio) : '',
      p50: lat(0.5),
      p90: lat(0.9),
      p99: lat(0.99),
      statusCodes: '',
      exemplars: '',
    };
  }
  const rm = valuesMatcher(ref.label, ref.values);
  const mm = methodMatcher(conv.methodLabel, ref.methods);
  const count = sel(conv.countMetric, s, rm, mm);
  const errors = sel(conv.countMetric, s, rm, mm, `${conv.statusLabel}=~"5.."`);
  const bucket = sel(conv.bucketMetric, s, rm, mm);
  const scale = conv.toSeconds === 1 ? '' : ` * ${conv.toSeconds}`;
  const q = (x: number) => `histogram_quantile(${x}, sum by (le) (rate(${bucket}[${window}])))${scale}`;
  return {
    rate: `sum(rate(${count}[${window}]))`,
    errorRatio: `(sum(rate(${errors}[${window}])) or vector(0)) / sum(rate(${count}[${window}]))`,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    statusCodes: `sort_desc(sum by (${conv.statusLabel}) (rate(${count}[${window}])))`,
    exemplars: bucket,
  };
}

/** Human explanation for "Show Metrics Convention": why, which labels, the exact queries. */
export function explainConvention(conv: Convention, selector: string, window: string, why?: string): string {
  const s = normaliseSelector(selector);
  const lines: string[] = [`Convention: ${conv.name} — ${conv.title}`];
  if (why) lines.push(`Why: ${why}`);
  lines.push(`Service selector: ${s ? `{${s}}` : '(none: all series)'}`);
  if (conv.grouped) {
    const g = groupedQueries(conv, s, window);
    lines.push(
      `Route label: ${conv.routeLabels.join(' (or ') + (conv.routeLabels.length > 1 ? ')' : '')}; method label: ${conv.methodLabel}; status label: ${conv.statusLabel}`,
      'Each refresh sends 3 queries for the whole service, whatever the number of routes:',
      `  request rate (req/s):  ${g.rate}`,
      `  error rate (5xx):      ${g.errorRate}`,
      `  latency buckets:       ${g.buckets}`,
      `  → error ratio = error rate / request rate; p50/p90/p99 = histogram_quantile over the buckets of each route${conv.toSeconds !== 1 ? `, × ${conv.toSeconds} to get seconds` : ''}.`,
    );
  } else {
    const t = conv.custom!;
    lines.push('Per-route queries (one set per route and refresh):', `  rate:        ${t.rate}`);
    if (t.errorRatio) lines.push(`  error ratio: ${t.errorRatio}`);
    if (t.latency) lines.push(`  latency:     ${t.latency}  ($quantile = 0.5, 0.9, 0.99)`);
  }
  for (const w of conv.warnings) lines.push(`Warning: ${w}`);
  for (const n of conv.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

/** Upper-case methods of a route for matchers; [] when it accepts any method. */
export function routeMethods(route: Pick<Route, 'methods'>): string[] {
  return route.methods.includes('ALL' as HttpMethod) ? [] : [...new Set(route.methods.map((m) => m.toUpperCase()))];
}

/** Canonical key of a detector route's template (equal for `/u/{id}`, `/u/:id`, `/u/<int:id>`). */
export function templateKey(route: Pick<Route, 'fullPath' | 'path'>): string {
  return canonicalRouteKey(routeTemplate(route));
}
