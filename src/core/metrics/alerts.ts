/** Firing Prometheus alerts matched to the routes of the services they concern. Pure. */
import { routeTemplate } from '../routes/route';
import type { Route } from '../routes/types';
import { templateKey } from './conventions';
import type { Alert } from './prometheusApi';
import { canonicalRouteKey, matchPathToTemplate, MAX_ROUTE_LABEL_LENGTH } from './routeTemplates';

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

const ALERT_ROUTE_LABELS = ['route', 'handler', 'http_route', 'path', 'url_rule'];

/** Firing alerts matched to routes by a route/handler/http_route/path/url_rule label equal to the route template. */
export function routeAlerts(alerts: Alert[], services: { id: string; selector: string; routes: Route[] }[]): RouteAlert[] {
  const out: RouteAlert[] = [];
  for (const a of alerts) {
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

function alertRoutes(a: Alert, routes: Route[]): Route[] {
  for (const l of ALERT_ROUTE_LABELS) {
    const v = a.labels[l];
    if (!v || v.length > MAX_ROUTE_LABEL_LENGTH) continue;
    const key = canonicalRouteKey(v);
    let matched = routes.filter((r) => templateKey(r) === key);
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
