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
import { BackendError } from '../../backends/errors';
import { sampleValue, type Alert, type ExemplarSeries, type PrometheusClient, type VectorSample } from '../../backends/prometheus';
import { joinShared, type Shared } from '../../backends/inflight';
import {
  detectConvention,
  explainConvention,
  getConvention,
  groupedQueries,
  routeKey,
  routeMethods,
  routeQueries,
  routeTemplate,
  type Convention,
  type ConventionConfig,
  type ConventionName,
  type CustomTemplates,
  type RouteQueries,
  type RouteRef,
} from './conventions';
import { histogramQuantile, parseLe, type Bucket } from './quantile';
import { isTraceId } from '../untrusted';
import { bestTemplateFor, canonicalRouteKey, matchPathToTemplate, MAX_ROUTE_LABEL_LENGTH } from './routeTemplates';

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

export interface RouteStats {
  route: Route;
  /** Requests per second. */
  rate: number | null;
  /** 5xx / all, 0..1. */
  errorRatio: number | null;
  /** Seconds. */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  /** At least one series of the route exists in the window. */
  hasData: boolean;
}

export interface UnmatchedSeries {
  label: string;
  value: string;
  method: string;
  rate: number | null;
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

export interface RouteAlert {
  route: Route;
  serviceId: string;
  alertname: string;
  state: string;
  severity?: string;
  summary?: string;
  activeAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
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

const TRACE_ID_LABELS = ['trace_id', 'traceId', 'traceID'];
const SPAN_ID_LABELS = ['span_id', 'spanId', 'spanID'];
const ALERT_ROUTE_LABELS = ['route', 'handler', 'http_route', 'path'];

interface Agg {
  rate: number;
  errors: number;
  sawRate: boolean;
  buckets: Map<number, number>;
  refs: Map<string, Set<string>>;
}

export class MetricsEngine {
  private readonly refreshIntervalMs: number;
  private readonly detectionTtlMs: number;
  private readonly now: () => number;
  private readonly customConcurrency: number;
  private readonly cache = new Map<string, { at: number; result: RefreshResult }>();
  private readonly inflight = new Map<string, Shared<RefreshResult>>();
  private readonly detections = new Map<string, { at: number; ttl: number; detection: Promise<{ config: ConventionConfig | null; reason: string }> }>();
  /** Route label values actually seen, per service+route (for precise single-route queries). */
  private readonly seen = new Map<string, RouteRef>();

  constructor(
    readonly client: PrometheusClient,
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
      services.map((s) => [s.id, s.selector, s.convention ?? 'auto', s.prefix ?? '', s.custom ?? null, s.routes.map((r) => [routeTemplate(r), r.methods, r.file, r.line])]),
    ]);
    const cached = this.cache.get(key);
    if (!opts.force && cached && this.now() - cached.at < this.refreshIntervalMs) return cached.result;
    let shared = this.inflight.get(key);
    if (!shared || shared.ctl.signal.aborted) {
      const ctl = new AbortController();
      const inner: RefreshOptions = { ...opts, signal: ctl.signal };
      const promise = (async () => {
        const results = await Promise.all(services.map((s) => this.refreshServiceIsolated(s, window, inner)));
        const result: RefreshResult = { services: results, window, computedAt: this.now() };
        if (opts.evaluationTime !== undefined) result.evaluationTime = opts.evaluationTime;
        this.cache.set(key, { at: this.now(), result });
        // keep the cache small: only the latest few keys
        if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
        return result;
      })();
      const s: Shared<RefreshResult> = {
        ctl,
        users: 0,
        promise: promise.finally(() => {
          if (this.inflight.get(key) === s) this.inflight.delete(key);
        }),
        abandon: () => {
          if (this.inflight.get(key) === s) this.inflight.delete(key);
          ctl.abort();
        },
      };
      s.promise.catch(() => undefined); // callers get the rejection; none left → not unhandled
      this.inflight.set(key, s);
      shared = s;
    }
    return joinShared(shared, opts.signal, () => this.client.http.error('cancelled', 'Metrics refresh cancelled'));
  }

  /** The convention a service uses (configured, or detected and cached). */
  async resolveConvention(
    service: Pick<ServiceSpec, 'selector' | 'convention' | 'prefix' | 'custom'>,
    opts: { evaluationTime?: number; signal?: AbortSignal } = {},
  ): Promise<{ config: ConventionConfig | null; reason: string }> {
    if (service.convention && service.convention !== 'auto') {
      const config: ConventionConfig = { name: service.convention };
      if (service.prefix !== undefined) config.prefix = service.prefix;
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
    const qopts = { ...(opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
    const [rate, errors, buckets] = await Promise.all([
      this.client.queryVector(q.rate, qopts),
      this.client.queryVector(q.errorRate, qopts),
      this.client.queryVector(q.buckets, qopts),
    ]);
    for (const w of [...rate.warnings, ...errors.warnings, ...buckets.warnings]) if (!base.warnings.includes(w)) base.warnings.push(w);

    const index = new RouteIndex(service.routes, conv);
    const aggs = new Map<Route, Agg>();
    const agg = (r: Route) => {
      let a = aggs.get(r);
      if (!a) aggs.set(r, (a = { rate: 0, errors: 0, sawRate: false, buckets: new Map(), refs: new Map() }));
      return a;
    };
    const unmatched = new Map<string, UnmatchedSeries>();
    const each = (samples: VectorSample[], fn: (a: Agg, v: number | null, s: VectorSample) => void, track: boolean) => {
      for (const s of samples) {
        const ref = routeValue(conv, s.metric);
        if (!ref) continue;
        const method = (s.metric[conv.methodLabel] ?? '').toUpperCase();
        const routes = index.lookup(ref.value, method, ref.label);
        const v = sampleValue(s.value?.[1]);
        if (!routes.length) {
          if (track) {
            const k = `${ref.label}\u0000${ref.value}\u0000${method}`;
            const u = unmatched.get(k) ?? { label: ref.label, value: ref.value, method, rate: 0 };
            u.rate = v === null || u.rate === null ? null : u.rate + v;
            unmatched.set(k, u);
          }
          continue;
        }
        for (const r of routes) {
          const a = agg(r);
          fn(a, v, s);
          let set = a.refs.get(ref.label);
          if (!set) a.refs.set(ref.label, (set = new Set()));
          set.add(ref.value);
        }
      }
    };
    each(rate.data, (a, v) => {
      a.sawRate = true;
      if (v !== null) a.rate += v;
    }, true);
    each(errors.data, (a, v) => {
      if (v !== null) a.errors += v;
    }, false);
    each(buckets.data, (a, v, s) => {
      const le = parseLe(s.metric.le ?? '');
      if (v !== null && !Number.isNaN(le)) a.buckets.set(le, (a.buckets.get(le) ?? 0) + v);
    }, false);

    base.routes = service.routes.map((route) => {
      const a = aggs.get(route);
      if (!a || !a.sawRate) return emptyStats(route);
      const label = conv.routeLabels.find((l) => a.refs.has(l)) ?? conv.routeLabels[0]!;
      this.remember(seenKey(service, route), { label, values: [...(a.refs.get(label) ?? [])].sort().slice(0, MAX_SEEN_VALUES), methods: routeMethods(route) });
      const bs: Bucket[] = [...a.buckets].map(([le, count]) => ({ le, count }));
      const quant = (x: number) => scale(histogramQuantile(x, bs), conv.toSeconds);
      const hasTraffic = a.rate > 0;
      return {
        route,
        rate: finiteOrNull(a.rate),
        errorRatio: hasTraffic ? finiteOrNull(Math.min(1, a.errors / a.rate)) : null,
        p50: hasTraffic ? quant(0.5) : null,
        p90: hasTraffic ? quant(0.9) : null,
        p99: hasTraffic ? quant(0.99) : null,
        hasData: true,
      };
    });
    base.unmatched = [...unmatched.values()].sort((x, y) => (y.rate ?? 0) - (x.rate ?? 0)).slice(0, MAX_UNMATCHED);
    return base;
  }

  private async refreshCustom(service: ServiceSpec, conv: Convention, window: string, opts: RefreshOptions): Promise<RouteStats[]> {
    const qopts = { ...(opts.evaluationTime !== undefined ? { time: opts.evaluationTime } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
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
  async rawQueries(service: ServiceSpec, route: Route, opts: { window?: string; evaluationTime?: number } = {}): Promise<RawQueries | null> {
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

  private cachedStats(service: ServiceSpec, route: Route, window: string, evaluationTime: number | undefined): { service: ServiceStats; stats: RouteStats } | undefined {
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

  /** The slowest exemplar of a route in the last `rangeSeconds` (default 1 h) with its trace id, or null. */
  async slowestExemplar(
    service: ServiceSpec,
    route: Route,
    opts: { evaluationTime?: number; rangeSeconds?: number; signal?: AbortSignal } = {},
  ): Promise<ExemplarInfo | null> {
    const conv = await this.convFor(service, opts);
    if (!conv || !conv.grouped) return null;
    const q = routeQueries(conv, service.selector, this.refOf(service, conv, route), '5m', route);
    let best: ExemplarInfo | null = null;
    for (const s of await this.exemplarSeries(q.exemplars, opts)) {
      const e = slowestOf(s, conv);
      if (e && (!best || e.value > best.value)) best = e;
    }
    return best;
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
    const index = new RouteIndex(service.routes, conv);
    const best = new Map<Route, ExemplarInfo>();
    for (const s of await this.exemplarSeries(groupedQueries(conv, service.selector, '5m').exemplars, opts)) {
      const ref = routeValue(conv, s.seriesLabels);
      const e = ref && slowestOf(s, conv);
      if (!ref || !e) continue;
      for (const route of index.lookup(ref.value, (s.seriesLabels[conv.methodLabel] ?? '').toUpperCase(), ref.label)) {
        const b = best.get(route);
        if (!b || e.value > b.value) best.set(route, e);
      }
    }
    return [...best].map(([route, exemplar]) => ({ route, exemplar }));
  }

  private async exemplarSeries(selector: string, opts: { evaluationTime?: number; rangeSeconds?: number; signal?: AbortSignal }): Promise<ExemplarSeries[]> {
    const end = opts.evaluationTime ?? Math.floor(this.now() / 1000);
    const r = await this.client.queryExemplars(selector, {
      start: end - (opts.rangeSeconds ?? 3600),
      end,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return r.data;
  }

  /** Firing alerts matched to routes by a route/handler/http_route/path label equal to the route template. */
  async firingAlerts(services: ServiceSpec[], opts: { signal?: AbortSignal } = {}): Promise<RouteAlert[]> {
    const { data } = await this.client.alerts(opts);
    const out: RouteAlert[] = [];
    for (const a of data) {
      if (a.state !== 'firing') continue;
      for (const service of services) {
        if (!alertMatchesService(a, service.selector)) continue;
        for (const route of alertRoutes(a, service.routes)) {
          const ra: RouteAlert = {
            route,
            serviceId: service.id,
            alertname: a.labels.alertname ?? '(unnamed alert)',
            state: a.state,
            labels: a.labels,
            annotations: a.annotations ?? {},
          };
          if (a.labels.severity) ra.severity = a.labels.severity;
          const summary = a.annotations?.summary ?? a.annotations?.description;
          if (summary) ra.summary = summary;
          if (a.activeAt) ra.activeAt = a.activeAt;
          out.push(ra);
        }
      }
    }
    return out;
  }
}

// --- helpers ---------------------------------------------------------------------------------

/** Same route object, or the same registration (route objects are rebuilt by every workspace scan). */
export function sameRoute(a: Route, b: Route): boolean {
  return a === b || (a.file === b.file && a.line === b.line && routeTemplate(a) === routeTemplate(b) && a.methods.join() === b.methods.join());
}

function emptyStats(route: Route): RouteStats {
  return { route, rate: null, errorRatio: null, p50: null, p90: null, p99: null, hasData: false };
}

/** The slowest exemplar of one series that carries a valid trace id (label values are untrusted). */
function slowestOf(s: ExemplarSeries, conv: Convention): ExemplarInfo | null {
  let best: ExemplarInfo | null = null;
  for (const e of s.exemplars) {
    const traceId = TRACE_ID_LABELS.map((l) => e.labels[l]).find(isTraceId);
    const v = sampleValue(e.value);
    if (!traceId || v === null) continue;
    const value = v * conv.toSeconds;
    if (!best || value > best.value) {
      const spanId = SPAN_ID_LABELS.map((l) => e.labels[l]).find(Boolean);
      best = { traceId, value, timestamp: e.timestamp, labels: e.labels, seriesLabels: s.seriesLabels };
      if (spanId) best.spanId = spanId;
    }
  }
  return best;
}

/** Bounds on what a refresh keeps from label values a backend sent (a label with 1,000,000 values). */
const MAX_SEEN_ROUTES = 5000;
const MAX_SEEN_VALUES = 64;
const MAX_UNMATCHED = 200;

function emptyQueries(): RouteQueries {
  return { rate: '', errorRatio: '', p50: '', p90: '', p99: '', statusCodes: '', exemplars: '' };
}

function seenKey(service: ServiceSpec, route: Route): string {
  return `${service.id}\u0000${service.selector}\u0000${route.file}:${route.line}\u0000${routeTemplate(route)}\u0000${route.methods.join(',')}`;
}

function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function scale(v: number | null, k: number): number | null {
  return v === null ? null : finiteOrNull(v * k);
}

function routeValue(conv: Convention, metric: Record<string, string>): { label: string; value: string } | null {
  for (const l of conv.routeLabels) {
    const v = metric[l];
    if (v && v.length <= MAX_ROUTE_LABEL_LENGTH) return { label: l, value: v };
  }
  return null;
}

/** Maps label values to detector routes: exact canonical template first, else pattern (path-like labels). */
class RouteIndex {
  private readonly byKey = new Map<string, Route[]>();
  private readonly templates: string[];
  private readonly cache = new Map<string, Route[]>();

  constructor(
    routes: Route[],
    private readonly conv: Convention,
  ) {
    for (const r of routes) {
      const k = routeKey(r);
      const list = this.byKey.get(k);
      if (list) list.push(r);
      else this.byKey.set(k, [r]);
    }
    this.templates = [...this.byKey.keys()];
  }

  lookup(value: string, method: string, label: string): Route[] {
    const ck = `${label}\u0000${value}\u0000${method}`;
    const hit = this.cache.get(ck);
    if (hit) return hit;
    let candidates = this.byKey.get(canonicalRouteKey(value));
    if (!candidates && (this.conv.pathLike || label === 'http_target')) {
      const t = bestTemplateFor(value, this.templates);
      if (t) candidates = this.byKey.get(t);
    }
    let result: Route[] = [];
    if (candidates) {
      const exact = candidates.filter((r) => r.methods.some((m) => m.toUpperCase() === method));
      result = exact.length ? exact : candidates.filter((r) => r.methods.includes('ALL'));
      // HEAD is served by GET handlers in most frameworks
      if (!result.length && method === 'HEAD') result = candidates.filter((r) => r.methods.includes('GET'));
    }
    this.cache.set(ck, result);
    return result;
  }
}

function alertRoutes(a: Alert, routes: Route[]): Route[] {
  for (const l of ALERT_ROUTE_LABELS) {
    const v = a.labels[l];
    if (!v || v.length > MAX_ROUTE_LABEL_LENGTH) continue;
    const key = canonicalRouteKey(v);
    let matched = routes.filter((r) => routeKey(r) === key);
    if (!matched.length && l === 'path') matched = routes.filter((r) => matchPathToTemplate(v, routeTemplate(r)) > 0);
    const method = (a.labels.method ?? a.labels.http_request_method ?? a.labels.http_method ?? '').toUpperCase();
    if (method) {
      const byMethod = matched.filter((r) => r.methods.includes('ALL') || r.methods.some((m) => m === method));
      if (byMethod.length) matched = byMethod;
    }
    if (matched.length) return matched;
  }
  return [];
}

/** An alert belongs to a service when it does not contradict the selector's equality matchers (job="api" …). */
function alertMatchesService(a: Alert, selector: string): boolean {
  const re = /([A-Za-z_][\w]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
  for (const m of selector.matchAll(re)) {
    const label = m[1]!;
    const idx = m.index ?? 0;
    if (idx > 0 && /[!=~]/.test(selector[idx - 1] ?? '')) continue;
    const value = m[2]!.replace(/\\(.)/g, '$1');
    if (a.labels[label] !== undefined && a.labels[label] !== value) return false;
  }
  return true;
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
