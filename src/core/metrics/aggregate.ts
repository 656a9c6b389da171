/**
 * Aggregation of one refresh's grouped query answers into per-route statistics: series are matched to detector routes
 * by their route label (exact canonical template, else by pattern for path-like labels), summed, and turned into
 * rate, error ratio and quantiles. Pure: testable without Prometheus.
 */
import type { Route } from '../routes/types';
import { routeMethods, templateKey, type Convention, type RouteRef } from './conventions';
import { sampleValue, type VectorSample } from './prometheusApi';
import { histogramQuantile, parseLe, type Bucket } from './quantile';
import { bestTemplateFor, canonicalRouteKey, MAX_ROUTE_LABEL_LENGTH } from './routeTemplates';
import { inferPrefixes, type InferredPrefix } from './prefixInference';
import { routeTemplate } from '../routes/route';

/** Bounds on what a refresh keeps from label values a backend sent (a label with 1,000,000 values). */
const MAX_SEEN_VALUES = 64;
const MAX_UNMATCHED = 200;

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
  /** The prefix of a route whose prefix is unknown statically, inferred from the service's route label values. */
  inferred?: InferredPrefix;
}

export interface UnmatchedSeries {
  label: string;
  value: string;
  method: string;
  rate: number | null;
}

/** The answers of a service's three grouped queries. */
export interface GroupedSamples {
  rate: VectorSample[];
  errors: VectorSample[];
  buckets: VectorSample[];
}

export interface Aggregation {
  /** One entry per route, in the order given. */
  routes: RouteStats[];
  /** The route label values each route with traffic was seen under (for its single-route queries). */
  seen: Map<Route, RouteRef>;
  /** Label values with traffic that matched no route, busiest first. */
  unmatched: UnmatchedSeries[];
}

interface Agg {
  rate: number;
  errors: number;
  sawRate: boolean;
  buckets: Map<number, number>;
  refs: Map<string, Set<string>>;
}

/** Per-route statistics of a service from its grouped query answers. */
export function aggregate(routes: Route[], conv: Convention, samples: GroupedSamples): Aggregation {
  const inferred = inferFromSamples(routes, conv, samples.rate);
  const index = inferred.size
    ? new RouteIndex(routes, conv, (r) => canonicalRouteKey(inferred.get(r)?.fullPath ?? routeTemplate(r)))
    : new RouteIndex(routes, conv);
  const seen = new Map<Route, RouteRef>();
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
  each(
    samples.rate,
    (a, v) => {
      a.sawRate = true;
      if (v !== null) a.rate += v;
    },
    true,
  );
  each(
    samples.errors,
    (a, v) => {
      if (v !== null) a.errors += v;
    },
    false,
  );
  each(
    samples.buckets,
    (a, v, s) => {
      const le = parseLe(s.metric.le ?? '');
      if (v !== null && !Number.isNaN(le)) a.buckets.set(le, (a.buckets.get(le) ?? 0) + v);
    },
    false,
  );

  const stats = routes.map((route): RouteStats => {
    const inf = inferred.get(route);
    const a = aggs.get(route);
    if (!a || !a.sawRate) return inf ? { ...emptyStats(route), inferred: inf } : emptyStats(route);
    const label = conv.routeLabels.find((l) => a.refs.has(l)) ?? conv.routeLabels[0]!;
    seen.set(route, { label, values: [...(a.refs.get(label) ?? [])].sort().slice(0, MAX_SEEN_VALUES), methods: routeMethods(route) });
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
      ...(inf ? { inferred: inf } : {}),
    };
  });
  return { routes: stats, seen, unmatched: [...unmatched.values()].sort((x, y) => (y.rate ?? 0) - (x.rate ?? 0)).slice(0, MAX_UNMATCHED) };
}

/** The routes a series belongs to, by its route and method labels (as `aggregate` matches them). */
export function seriesMatcher(routes: Route[], conv: Convention): (labels: Record<string, string>) => Route[] {
  const index = new RouteIndex(routes, conv);
  return (labels) => {
    const ref = routeValue(conv, labels);
    return ref ? index.lookup(ref.value, (labels[conv.methodLabel] ?? '').toUpperCase(), ref.label) : [];
  };
}

/** Prefixes of routes with an unknown prefix, from the route label values of the rate series no route matched. */
function inferFromSamples(routes: Route[], conv: Convention, rate: VectorSample[]): Map<Route, InferredPrefix> {
  if (!routes.some((r) => r.fullPath === null)) return new Map();
  const index = new RouteIndex(routes, conv);
  const values = new Set<string>();
  for (const s of rate) {
    const ref = routeValue(conv, s.metric);
    if (ref && !index.lookup(ref.value, (s.metric[conv.methodLabel] ?? '').toUpperCase(), ref.label).length) values.add(ref.value);
  }
  return inferPrefixes(routes, values);
}

export function emptyStats(route: Route): RouteStats {
  return { route, rate: null, errorRatio: null, p50: null, p90: null, p99: null, hasData: false };
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
    keyOf: (r: Route) => string = templateKey,
  ) {
    for (const r of routes) {
      const k = keyOf(r);
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
