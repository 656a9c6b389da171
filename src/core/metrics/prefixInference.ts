/**
 * Live prefix inference: a route whose prefix the detector could not know statically (fullPath null, e.g. an
 * environment variable with no default) is matched by the route label values Prometheus already holds for its
 * service. A label value ending with the route's path as written is a candidate prefix; the prefix of a mount
 * (the routes sharing the same unknown-prefix reason) is accepted only when at least two of its routes point at it
 * and it is the only prefix that fits all of them. Pure; uses only the series of the refresh (no extra queries).
 */
import type { Route } from '../routes/types';
import { joinRoute } from '../routes/paths';
import { canonicalRouteKey } from './routeTemplates';

export interface InferredPrefix {
  prefix: string;
  fullPath: string;
}

/** Inferred full paths of routes with an unknown prefix, from label values no known route matched. */
export function inferPrefixes(routes: readonly Route[], labelValues: Iterable<string>): Map<Route, InferredPrefix> {
  const out = new Map<Route, InferredPrefix>();
  const keys = new Set<string>();
  for (const v of labelValues) keys.add(canonicalRouteKey(v));
  if (!keys.size) return out;
  const mounts = new Map<string, Route[]>();
  for (const r of routes) {
    if (r.fullPath !== null) continue;
    const k = `${r.framework}\u0000${r.fullPathReason ?? ''}`;
    const list = mounts.get(k);
    if (list) list.push(r);
    else mounts.set(k, [r]);
  }
  for (const list of mounts.values()) {
    const prefix = mountPrefix(list, keys);
    if (prefix === null) continue;
    for (const r of list) out.set(r, { prefix, fullPath: joinRoute(r.framework, prefix, r.knownSuffix ?? r.path) });
  }
  return out;
}

function mountPrefix(routes: readonly Route[], keys: ReadonlySet<string>): string | null {
  let common: Set<string> | undefined;
  const support = new Map<string, number>();
  for (const r of routes) {
    const suffix = canonicalRouteKey(r.knownSuffix ?? r.path);
    if (suffix === '/') continue; // the mount root says nothing about the prefix
    const cands = new Set<string>();
    for (const k of keys) {
      if (k.length > suffix.length && k.endsWith(suffix)) {
        const p = k.slice(0, k.length - suffix.length);
        if (!p.includes('{}') && !p.includes('*')) cands.add(p);
      }
    }
    if (!cands.size) continue;
    for (const p of cands) support.set(p, (support.get(p) ?? 0) + 1);
    if (!common) common = cands;
    else for (const p of [...common]) if (!cands.has(p)) common.delete(p);
  }
  if (!common || common.size !== 1) return null; // none, or two candidates fit
  const p = [...common][0]!;
  return (support.get(p) ?? 0) >= 2 ? p : null;
}
