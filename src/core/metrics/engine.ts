/**
 * MetricsEngine: per-route request rate, error ratio and latency quantiles from Prometheus. Pure, no `vscode`.
 *
 *   const client = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9090', timeoutMs: 5000 });
 *   const engine = new MetricsEngine(client, { refreshIntervalMs: 15_000 });
 *   const r = await engine.refresh([{ id: 'api', selector: 'job="api"', routes }], { window: '5m' });
 *   r.services[0].routes[i] → { route, rate, errorRatio, p50, p90, p99, hasData }
 *
 * A refresh sends a constant number of queries per service (3, plus metric-name detection the first time),
 * whatever the number of routes — except for the `custom` convention. Results are cached for the refresh
 * interval and identical in-flight refreshes are shared. NaN/±Inf never leave the engine (null instead).
 */
import type { Route } from '../routes/types';
import { routeTemplate } from '../routes/route';
import { BackendError } from '../errors';
import { sampleValue, type ExemplarSeries, type PrometheusQueries, type VectorSample } from './prometheusApi';
import { Inflight } from '../inflight';
import { detectConvention } from './detect';
import {
  explainConvention,
  getConvention,
  groupedQueries,
  routeMethods,
  routeQueries,
  type Convention,
  type ConventionConfig,
  type ConventionName,
  type CustomTemplates,
  type RouteQueries,
  type RouteRef,
} from './conventions';
import { aggregate, emptyStats, seriesMatcher, type RouteStats, type UnmatchedSeries } from './aggregate';
import { routeAlerts, type RouteAlert } from './alerts';
import { slowestExemplar, slowestExemplarPerRoute, type ExemplarInfo } from './exemplars';
import { routeCharts, type RouteCharts, type TimeRangeId } from '../dashboards/routeCharts';

export type { RouteStats, UnmatchedSeries } from './aggregate';
export type { RouteAlert } from './alerts';
export type { ExemplarInfo } from './exemplars';

export interface ServiceSpec {
  /** Stable id, e.g. the workspace folder name. */
  id: string;
  /** PromQL label matchers of the service, e.g. `job="api"` or `service_name="checkout"`; "" = everything. */
  selector: string;
  /** Convention, or 'auto' (default) to detect from metric names. */
  convention?: ConventionName | 'auto';
  /** Metric prefix for the telemetry-lens convention. */
  prefix?: string;
  custom?: CustomTemplates;
  routes: Route[];
}

export interface ServiceStats {
  service: ServiceSpec;
  /** null when no convention could be detected (then every route has hasData=false). */
  convention: ConventionName | null;
  conventionConfig: ConventionConfig | null;
  /** Why this convention (detected or configured). */
  reason: string;
  warnings: string[];
  routes: RouteStats[];
  /** Label values with traffic that matched no detected route (diagnostics). */
  unmatched: UnmatchedSeries[];
  /** Prometheus rejected this service's queries (e.g. a malformed selector); other services still refresh. */
  error?: BackendError;
}

export interface RefreshOptions {
  /** Unix seconds; default: Prometheus' "now". */
  evaluationTime?: number;
  /** Range of rate() windows, e.g. "5m" (default). */
  window?: string;
  signal?: AbortSignal;
  /** Ignore the cache. */
  force?: boolean;
}

export interface RefreshResult {
  services: ServiceStats[];
  window: string;
  evaluationTime?: number;
  /** Engine clock (ms) when computed. */
  computedAt: number;
}

export interface RouteDetails {
  stats: RouteStats;
  /** Rate (req/s) over the last hour, step 60 s: [unix seconds, value|null]. */
  rateSeries: Array<[number, number | null]>;
  /** Top status codes by rate, highest first. */
  statusCodes: Array<{ code: string; rate: number }>;
  queries: RouteQueries;
  convention: ConventionName | null;
}

export interface RawQueries extends RouteQueries {
  /** "Open in Prometheus" graph URLs for each query. */
  links: { rate: string; errorRatio: string; p50: string; p90: string; p99: string };
}

export interface MetricsEngineOptions {
  /** Cache lifetime of refresh results (ms). Default 15 000. */
  refreshIntervalMs?: number;
  /** Cache lifetime of convention detection (ms). Default 300 000. */
  detectionTtlMs?: number;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
  /** Max concurrent per-route queries for the custom convention. Default 8. */
  customConcurrency?: number;
}

export class MetricsEngine {
  private readonly refreshIntervalMs: number;
  private readonly detectionTtlMs: number;
  private readonly now: () => number;
  private readonly customConcurrency: number;
  private readonly cache = new Map<string, { at: number; result: RefreshResult }>();
  private readonly inflight = new Inflight<RefreshResult>();
  private readonly detections = new Map<
    string,
    { at: number; ttl: number; detection: Promise<{ config: ConventionConfig | null; reason: string }> }
  >();
  /** Route label values actually seen, per service+route (for precise single-route queries). */
  private readonly seen = new Map<string, RouteRef>();

  constructor(
    readonly client: PrometheusQueries,
    opts: MetricsEngineOptions = {},
  ) {
    this.refreshIntervalMs = opts.refreshIntervalMs ?? 15_000;
    this.detectionTtlMs = opts.detectionTtlMs ?? 300_000;
    this.now = opts.now ?? Date.now;
    this.customConcurrency = opts.customConcurrency ?? 8;
  }

  /** Drops cached results and detections (settings changed, manual refresh). */
  invalidate(): void {
    this.cache.clear();
    this.detections.clear();
  }

  async refresh(services: ServiceSpec[], opts: RefreshOptions = {}): Promise<RefreshResult> {
    const window = opts.window ?? '5m';
    const key = JSON.stringify([
      window,
      opts.evaluationTime ?? null,
      services.map((s) => [
        s.id,
        s.selector,
        s.convention ?? 'auto',
        s.prefix ?? '',
        s.custom ?? null,
        s.routes.map((r) => [routeTemplate(r), r.methods, r.file, r.line]),
      ]),
    ]);
    const cached = this.cache.get(key);
    if (!opts.force && cached && this.now() - cached.at < this.refreshIntervalMs) return cached.result;
    const run = async (signal: AbortSignal): Promise<RefreshResult> => {
      const inner: RefreshOptions = { ...opts, signal };
      const results = await Promise.all(services.map((s) => this.refreshServiceIsolated(s, window, inner)));
      const result: RefreshResult = { services: results, window, computedAt: this.now() };
      if (opts.evaluationTime !== undefined) result.evaluationTime = opts.evaluationTime;
      this.cache.set(key, { at: this.now(), result });
      // keep the cache small: only the latest few keys
      if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
      return result;
    };
    return this.inflight.run(key, run, opts.signal, () => this.client.cancelledError('Metrics refresh cancelled'));
  }

  /** The convention a service uses (configured, or detected and cached). */
  async resolveConvention(
    service: Pick<ServiceSpec, 'selector' | 'convention' | 'prefix' | 'custom'>,
    opts: { evaluationTime?: number; signal?: AbortSignal } = {},
  ): Promise<{ config: ConventionConfig | null; reason: string }> {
    if (service.convention && service.convention !== 'auto') {
      const config: ConventionConfig = { name: service.convention };
      // the prefix setting is Instrument Route's: the libraries' own defaults stand for the other conventions
      if (service.prefix !== undefined && service.convention === 'telemetry-lens') config.prefix = service.prefix;
      if (service.custom) config.custom = service.custom;
      return { config, reason: `Configured: ${service.convention}.` };
    }
    const key = `${service.selector}|${opts.evaluationTime ?? ''}`;
    const hit = this.detections.get(key);
    if (hit && this.now() - hit.at < hit.ttl) return hit.detection;
    const end = opts.evaluationTime ?? Math.floor(this.now() / 1000);
    const detection = detectConvention(this.client, service.selector, {
      start: end - 3600,
      end,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }).then((d) => {
      const cfg = d.config;
      if (cfg && cfg.name === 'telemetry-lens' && service.prefix !== undefined) cfg.prefix = service.prefix;
      return { config: cfg, reason: d.reason };
    });
    const entry = { at: this.now(), ttl: this.detectionTtlMs, detection };
    this.detections.set(key, entry);
    // "nothing found" is retried at the refresh interval (the service may just be starting); failures at once
    detection.then(
      (d) => {
        if (!d.config) entry.ttl = this.refreshIntervalMs;
      },
      () => {
        if (this.detections.get(key) === entry) this.detections.delete(key);
      },
    );
    return detection;
  }

  /** "Show Metrics Convention": the convention of a service, why, and the exact queries. */
  async explain(service: ServiceSpec, opts: { window?: string; evaluationTime?: number; signal?: AbortSignal } = {}): Promise<string> {
    const { config, reason } = await this.resolveConvention(service, opts);
    if (!config) return reason;
    return explainConvention(getConvention(config), service.selector, opts.window ?? '5m', reason);
  }

  /** Query rejections (api-error, bad-payload) stay with their service; transport/auth failures fail the refresh. */
  private async refreshServiceIsolated(service: ServiceSpec, window: string, opts: RefreshOptions): Promise<ServiceStats> {
    try {
      return await this.refreshService(service, window, opts);
    } catch (e) {
      if (!(e instanceof BackendError) || (e.kind !== 'api-error' && e.kind !== 'bad-payload')) throw e;
      return {
        service,
        convention: null,
        conventionConfig: null,
        reason: e.message,
        warnings: [],
        routes: service.routes.map((route) => emptyStats(route)),
        unmatched: [],
        error: e,
      };
    }
  }

  private async refreshService(service: ServiceSpec, window: string, opts: RefreshOptions): Promise<ServiceStats> {
    const { config, reason } = await this.resolveConvention(service, opts);
    const base: ServiceStats = {
      service,
      convention: config?.name ?? null,
      conventionConfig: config,
      reason,
      warnings: [],
      routes: service.routes.map((route) => emptyStats(route)),
      unmatched: [],
    };
    if (!config) return base;
    const conv = getConvention(config);
    base.warnings.push(...conv.warnings);
    if (!conv.grouped) {
      base.routes = await this.refreshCustom(service, conv, window, opts);
      return base;
    }
    const q = groupedQueries(conv, service.selector, window);
    const qopts = {
      ...(opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    const [rate, errors, buckets] = await Promise.all([
      this.client.queryVector(q.rate, qopts),
      this.client.queryVector(q.errorRate, qopts),
      this.client.queryVector(q.buckets, qopts),
    ]);
    for (const w of [...rate.warnings, ...errors.warnings, ...buckets.warnings]) if (!base.warnings.includes(w)) base.warnings.push(w);

    const out = aggregate(service.routes, conv, { rate: rate.data, errors: errors.data, buckets: buckets.data });
    for (const [route, ref] of out.seen) this.remember(seenKey(service, route), ref);
    base.routes = out.routes;
    base.unmatched = out.unmatched;
    return base;
  }

  private async refreshCustom(service: ServiceSpec, conv: Convention, window: string, opts: RefreshOptions): Promise<RouteStats[]> {
    const qopts = {
      ...(opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    };
    const one = async (expr: string) => {
      if (!expr) return { value: null as number | null, present: false };
      const r = await this.client.queryVector(expr, qopts);
      const s = r.data[0];
      return { value: s ? sampleValue(s.value?.[1]) : null, present: !!s };
    };
    return mapLimit(service.routes, this.customConcurrency, async (route) => {
      const q = routeQueries(conv, service.selector, this.refOf(service, conv, route), window, route);
      const [rate, err, p50, p90, p99] = await Promise.all([one(q.rate), one(q.errorRatio), one(q.p50), one(q.p90), one(q.p99)]);
      return { route, rate: rate.value, errorRatio: err.value, p50: p50.value, p90: p90.value, p99: p99.value, hasData: rate.present };
    });
  }

  /** Keeps the label values of a route, most recent last; the oldest go beyond MAX_SEEN_ROUTES (edited or removed routes). */
  private remember(key: string, ref: RouteRef): void {
    this.seen.delete(key);
    this.seen.set(key, ref);
    for (const k of this.seen.keys()) {
      if (this.seen.size <= MAX_SEEN_ROUTES) break;
      this.seen.delete(k);
    }
  }

  /** Route label values for single-route queries: what the last refresh saw, else the convention's guess. */
  private refOf(service: ServiceSpec, conv: Convention, route: Route): RouteRef {
    const seen = this.seen.get(seenKey(service, route));
    if (seen) return seen;
    return { label: conv.routeLabels[0] ?? 'route', values: [conv.labelValueFor(route)], methods: routeMethods(route) };
  }

  private async convFor(service: ServiceSpec, opts: { evaluationTime?: number; signal?: AbortSignal }): Promise<Convention | null> {
    const { config } = await this.resolveConvention(service, opts);
    return config ? getConvention(config) : null;
  }

  /** The single-route PromQL of a route and "Open in Prometheus" links. null when no convention applies. */
  async rawQueries(
    service: ServiceSpec,
    route: Route,
    opts: { window?: string; evaluationTime?: number } = {},
  ): Promise<RawQueries | null> {
    const conv = await this.convFor(service, opts);
    if (!conv) return null;
    const q = routeQueries(conv, service.selector, this.refOf(service, conv, route), opts.window ?? '5m', route);
    const link = (e: string) => (e ? this.client.graphUrl(e, opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}) : '');
    return { ...q, links: { rate: link(q.rate), errorRatio: link(q.errorRatio), p50: link(q.p50), p90: link(q.p90), p99: link(q.p99) } };
  }

  /** Hover details: stats (from the cached refresh), a one-hour rate series (step 60 s), top status codes. */
  async routeDetails(
    service: ServiceSpec,
    route: Route,
    opts: RefreshOptions & { rangeSeconds?: number; stepSeconds?: number; topStatusCodes?: number } = {},
  ): Promise<RouteDetails> {
    const window = opts.window ?? '5m';
    // Reuse a fresh refresh of all services when there is one (the editor refreshes them together).
    const fromCache = this.cachedStats(service, route, window, opts.evaluationTime);
    const svc = fromCache?.service ?? (await this.refresh([service], opts)).services[0]!;
    const stats = fromCache?.stats ?? svc.routes.find((r) => sameRoute(r.route, route)) ?? emptyStats(route);
    const conv = svc.conventionConfig ? getConvention(svc.conventionConfig) : null;
    if (!conv) {
      return { stats, rateSeries: [], statusCodes: [], queries: emptyQueries(), convention: null };
    }
    const q = routeQueries(conv, service.selector, this.refOf(service, conv, route), window, route);
    const end = opts.evaluationTime ?? Math.floor(this.now() / 1000);
    const step = opts.stepSeconds ?? 60;
    const range = opts.rangeSeconds ?? 3600;
    const alignedEnd = Math.floor(end / step) * step;
    const sig = opts.signal ? { signal: opts.signal } : {};
    const [series, codes] = await Promise.all([
      this.client.queryRange(q.rate, { start: alignedEnd - range, end: alignedEnd, step, ...sig }),
      q.statusCodes
        ? this.client.queryVector(q.statusCodes, { ...(opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}), ...sig })
        : Promise.resolve({ data: [] as VectorSample[], warnings: [] }),
    ]);
    const values = new Map<number, number | null>();
    for (const s of series.data) for (const [t, v] of s.values ?? []) values.set(t, sampleValue(v));
    const rateSeries: Array<[number, number | null]> = [];
    for (let t = alignedEnd - range; t <= alignedEnd; t += step) rateSeries.push([t, values.has(t) ? values.get(t)! : null]);
    const statusCodes = codes.data
      .map((s) => ({ code: s.metric[conv.statusLabel] ?? '', rate: sampleValue(s.value?.[1]) }))
      .filter((c): c is { code: string; rate: number } => c.rate !== null && c.code !== '')
      .sort((a, b) => b.rate - a.rate)
      .slice(0, opts.topStatusCodes ?? 5);
    return { stats, rateSeries, statusCodes, queries: q, convention: conv.name };
  }

  private cachedStats(
    service: ServiceSpec,
    route: Route,
    window: string,
    evaluationTime: number | undefined,
  ): { service: ServiceStats; stats: RouteStats } | undefined {
    const now = this.now();
    for (const { at, result } of this.cache.values()) {
      if (now - at >= this.refreshIntervalMs || result.window !== window || result.evaluationTime !== evaluationTime) continue;
      for (const svc of result.services) {
        if (svc.service.id !== service.id || svc.service.selector !== service.selector) continue;
        const stats = svc.routes.find((r) => sameRoute(r.route, route));
        if (stats) return { service: svc, stats };
      }
    }
    return undefined;
  }

  /** The details panel's charts of a route over a time range (see dashboards/routeCharts), or null when no convention applies. */
  async routeCharts(
    service: ServiceSpec,
    route: Route,
    opts: { window?: string; range: TimeRangeId; evaluationTime?: number; signal?: AbortSignal },
  ): Promise<RouteCharts | null> {
    const { config } = await this.resolveConvention(service, opts);
    const conv = config ? getConvention(config) : null;
    if (!config || !conv?.grouped) return null;
    const input = {
      conv,
      config,
      ref: this.refOf(service, conv, route),
      selector: service.selector,
      window: opts.window ?? '5m',
      range: opts.range,
      end: opts.evaluationTime ?? Math.floor(this.now() / 1000),
    };
    return routeCharts(this.client, input, opts.signal ? { signal: opts.signal } : {});
  }

  /** The slowest exemplar of a route in the last `rangeSeconds` (default 1 h) with its trace id, or null. */
  async slowestExemplar(
    service: ServiceSpec,
    route: Route,
    opts: { evaluationTime?: number; rangeSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<ExemplarInfo | null> {
    const conv = await this.convFor(service, opts);
    if (!conv || !conv.grouped) return null;
    const q = routeQueries(conv, service.selector, this.refOf(service, conv, route), '5m', route);
    return slowestExemplar(await this.exemplarSeries(q.exemplars, opts), conv.toSeconds);
  }

  /**
   * The slowest exemplar of every route of a service, from ONE query_exemplars call (the CodeLens asks
   * once per service per refresh, not once per route). Routes without exemplars are left out.
   */
  async slowestExemplars(
    service: ServiceSpec,
    opts: { evaluationTime?: number; rangeSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<{ route: Route; exemplar: ExemplarInfo }[]> {
    const conv = await this.convFor(service, opts);
    if (!conv || !conv.grouped) return [];
    const series = await this.exemplarSeries(groupedQueries(conv, service.selector, '5m').exemplars, opts);
    return slowestExemplarPerRoute(series, conv.toSeconds, seriesMatcher(service.routes, conv));
  }

  private async exemplarSeries(
    selector: string,
    opts: { evaluationTime?: number; rangeSeconds?: number; signal?: AbortSignal },
  ): Promise<ExemplarSeries[]> {
    const end = opts.evaluationTime ?? Math.floor(this.now() / 1000);
    const r = await this.client.queryExemplars(selector, {
      start: end - (opts.rangeSeconds ?? 3600),
      end,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return r.data;
  }

  /** Firing alerts matched to routes by a route/handler/http_route/path/url_rule label equal to the route template. */
  async firingAlerts(services: ServiceSpec[], opts: { signal?: AbortSignal } = {}): Promise<RouteAlert[]> {
    const { data } = await this.client.alerts(opts);
    return routeAlerts(data, services);
  }
}

// --- helpers ---------------------------------------------------------------------------------

/** Same route object, or the same registration (route objects are rebuilt by every workspace scan). */
export function sameRoute(a: Route, b: Route): boolean {
  return (
    a === b || (a.file === b.file && a.line === b.line && routeTemplate(a) === routeTemplate(b) && a.methods.join() === b.methods.join())
  );
}

function emptyQueries(): RouteQueries {
  return { rate: '', errorRatio: '', p50: '', p90: '', p99: '', statusCodes: '', exemplars: '' };
}

/** Routes whose label values the engine keeps at most (see remember). */
const MAX_SEEN_ROUTES = 5000;

function seenKey(service: ServiceSpec, route: Route): string {
  return `${service.id}\u0000${service.selector}\u0000${route.file}:${route.line}\u0000${routeTemplate(route)}\u0000${route.methods.join(',')}`;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export { BackendError };
