/**
 * Convention detection: which naming convention a service's HTTP metrics follow, from the metric names (and the label
 * names of a few of them) under its selector. Pure apart from the Prometheus metadata calls it is given; a constant
 * number of calls plus one label look-up per candidate metric family (memoised).
 */
import { normaliseSelector, promString, sel, type ConventionConfig, type ConventionName } from './conventions';

/** The subset of PrometheusClient detection needs (easy to stub). */
export interface MetricNameSource {
  labelValues(
    label: string,
    opts?: { match?: string[]; start?: number | string; end?: number | string; signal?: AbortSignal },
  ): Promise<{ data: string[] }>;
  labels(opts?: { match?: string[]; start?: number | string; end?: number | string; signal?: AbortSignal }): Promise<{ data: string[] }>;
}

export interface Detection {
  config: ConventionConfig | null;
  /** Why this convention (or why none). */
  reason: string;
  /** Other conventions whose metrics are also present. */
  alsoPresent: ConventionName[];
}

/** Candidate families of prefixed conventions looked at, at most (a selector with thousands of `*requests_total`). */
const MAX_CANDIDATES = 32;

/** Picks the convention of a service from the metric names (and labels) under its selector. */
export async function detectConvention(
  client: MetricNameSource,
  selector: string,
  opts: { start?: number; end?: number; signal?: AbortSignal } = {},
): Promise<Detection> {
  const s = normaliseSelector(selector);
  const where = s ? `{${s}}` : 'Prometheus';
  const range = {
    ...(opts.start !== undefined ? { start: opts.start } : {}),
    ...(opts.end !== undefined ? { end: opts.end } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const names = new Set((await client.labelValues('__name__', { ...range, ...(s ? { match: [`{${s}}`] } : {}) })).data);
  const labelCache = new Map<string, Promise<Set<string>>>();
  const labelsOf = (metric: string) => {
    let l = labelCache.get(metric);
    if (!l) labelCache.set(metric, (l = client.labels({ ...range, match: [sel(metric, s)] }).then((r) => new Set(r.data))));
    return l;
  };
  const has = (labels: Set<string>, ...want: string[]) => want.every((l) => labels.has(l));
  const sorted = [...names].sort();
  /** `<prefix><suffix>` names with their prefix, when every `<prefix><companion>` exists too. */
  const families = (suffix: string, ...companions: string[]) =>
    sorted
      .filter((n) => n.endsWith(suffix))
      .map((n) => ({ name: n, prefix: n.slice(0, -suffix.length) }))
      .filter((f) => companions.every((c) => names.has(`${f.prefix}${c}`)))
      .slice(0, MAX_CANDIDATES);

  const found: Array<{ config: ConventionConfig; reason: string }> = [];
  if (names.has('http_server_request_duration_seconds_bucket') && names.has('http_server_request_duration_seconds_count')) {
    found.push({
      config: { name: 'otel' },
      reason: `${where} has http_server_request_duration_seconds_bucket/_count (OpenTelemetry HTTP semconv).`,
    });
  }
  if (names.has('http_server_duration_milliseconds_bucket') && names.has('http_server_duration_milliseconds_count')) {
    found.push({
      config: { name: 'otel-legacy' },
      reason: `${where} has http_server_duration_milliseconds_bucket/_count (legacy OpenTelemetry, milliseconds).`,
    });
  }
  // <prefix>http_requests_total + <prefix>http_request_duration_seconds_bucket with a `route` label → ours.
  for (const { name: n, prefix } of families('http_requests_total', 'http_request_duration_seconds_bucket')) {
    const labels = await labelsOf(n);
    if (has(labels, 'route', 'status', 'method')) {
      found.push({
        config: { name: 'telemetry-lens', prefix },
        reason: `${where} has ${n} with route/method/status labels (Telemetry Lens instrumentation${prefix ? `, prefix "${prefix}"` : ''}).`,
      });
    } else if (!prefix && labels.has('handler')) {
      found.push({
        config: { name: 'instrumentator' },
        reason: `${where} has http_requests_total with a handler label (prometheus-fastapi-instrumentator).`,
      });
    }
  }
  // express-prom-bundle and fastify-metrics both name their histogram http_request_duration_seconds, with a
  // status_code label: a normalised URL in `path` is the former, the route template in `route` the latter
  // (starlette_exporter with prefix="http" has it too, labelled app_name, beside http_requests_total).
  if (names.has('http_request_duration_seconds_bucket') && names.has('http_request_duration_seconds_count')) {
    const labels = await labelsOf('http_request_duration_seconds_count');
    const starlette = labels.has('app_name') && names.has('http_requests_total');
    if (has(labels, 'path', 'status_code') && !starlette) {
      found.push({
        config: { name: 'express-prom-bundle' },
        reason: `${where} has http_request_duration_seconds with path/status_code labels (express-prom-bundle).`,
      });
    }
    if (has(labels, 'route', 'status_code', 'method')) {
      const summary = names.has('http_request_summary_seconds_count') ? ' and the summary http_request_summary_seconds' : '';
      found.push({
        config: { name: 'fastify-metrics' },
        reason: `${where} has http_request_duration_seconds with route/method/status_code labels${summary} (fastify-metrics).`,
      });
    }
  }
  // starlette_exporter: <prefix>_requests_total and <prefix>_request_duration_seconds, labelled app_name too.
  for (const { name: n, prefix } of families('requests_total', 'request_duration_seconds_bucket', 'request_duration_seconds_count')) {
    if (!has(await labelsOf(n), 'method', 'path', 'status_code', 'app_name')) continue;
    found.push({
      config: { name: 'starlette-exporter', ...(prefix !== 'starlette_' ? { prefix } : {}) },
      reason: `${where} has ${n} and ${prefix}request_duration_seconds with method/path/status_code/app_name labels (starlette_exporter${prefix !== 'starlette_' ? `, prefix ${promString(prefix.replace(/_$/, ''))}` : ''}).`,
    });
  }
  // prometheus-flask-exporter: <prefix>http_request_duration_seconds{method, <group_by>, status} beside the
  // path-less counter <prefix>http_request_total (singular); group_by is `path` by default, or `url_rule`.
  for (const { name: n, prefix } of families('http_request_duration_seconds_count', 'http_request_total')) {
    const labels = await labelsOf(n);
    const routeLabel = labels.has('url_rule') ? 'url_rule' : labels.has('path') ? 'path' : undefined;
    if (!routeLabel || !has(labels, 'method', 'status')) continue;
    found.push({
      config: {
        name: 'prometheus-flask-exporter',
        ...(prefix !== 'flask_' ? { prefix } : {}),
        ...(routeLabel !== 'path' ? { routeLabel } : {}),
      },
      reason: `${where} has ${n} with method/${routeLabel}/status labels beside ${prefix}http_request_total (prometheus-flask-exporter).`,
    });
  }
  if (!found.length) {
    const httpish = sorted.filter((n) => /http/.test(n)).slice(0, 8);
    return {
      config: null,
      reason: names.size
        ? `No known HTTP metric convention under ${where}${httpish.length ? ` (HTTP-looking metrics: ${httpish.join(', ')})` : ''}. Pick one with the convention setting, or use custom PromQL templates.`
        : `No series at all under ${where} — check the service selector.`,
      alsoPresent: [],
    };
  }
  const [first, ...rest] = found;
  return {
    config: first!.config,
    reason: first!.reason + (rest.length ? ` Also present: ${rest.map((f) => f.config.name).join(', ')}.` : ''),
    alsoPresent: rest.map((f) => f.config.name),
  };
}

/** Suggests service selectors from `job` and `service_name` label values (for a quick pick). */
export async function suggestServiceSelectors(
  client: Pick<MetricNameSource, 'labelValues'>,
  opts: { start?: number; end?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const out: string[] = [];
  for (const label of ['service_name', 'job']) {
    const { data } = await client.labelValues(label, opts);
    for (const v of data) out.push(`${label}=${promString(v)}`);
  }
  return out;
}
