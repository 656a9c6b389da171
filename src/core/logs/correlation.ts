/**
 * Trace → logs and route → logs: the LogQL of "Logs for this trace" and of a route's "Logs" from configurable
 * templates. Pure: no `vscode`, no I/O. Placeholders (`${service}`, `${traceId}`, `${route}`) are replaced
 * inside the template's string literals, escaped as LogQL string content, so a service name or a route from a
 * backend answer or a repository can never change the query's structure.
 */
import { asTraceId } from '../traces/model';
import { validateLogql } from './logql';

export const DEFAULT_TRACE_LOGS_TEMPLATE = '{service_name="${service}"} | trace_id="${traceId}"';
export const DEFAULT_ROUTE_LOGS_TEMPLATE = '{service_name="${service}"} |~ "${routePattern}"';

/** Text safe inside a LogQL "…" string (Go escapes: backslash, quote, control characters). */
export function logqlStringContent(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

function fill(template: string, values: Record<string, string>): { query: string } | { error: string } {
  const query = template.replace(/\$\{(service|traceId|routePattern|route)\}/g, (_, k: string) => logqlStringContent(values[k] ?? ''));
  const problems = validateLogql(query);
  if (problems.length) return { error: `the logs query template gives invalid LogQL (${problems[0]!.message}): ${query}` };
  return { query };
}

export function traceLogsQuery(
  traceId: string,
  service: string,
  template = DEFAULT_TRACE_LOGS_TEMPLATE,
): { query: string } | { error: string } {
  const id = asTraceId(traceId);
  if (!id) return { error: `not a trace id: ${JSON.stringify(traceId.slice(0, 40))}` };
  return fill(template, { service, traceId: id });
}

const PARAM = /\{[^}/]*\}|:[A-Za-z_][A-Za-z0-9_]*\??|<[^>/]*>/g;

/** A route template as an RE2 pattern for the paths it serves: `/orders/{id}`, `/orders/:id`, `/orders/<int:id>` → `/orders/[^/?#" ]+`. */
export function routePattern(route: string): string {
  const parts = route.split(PARAM).map((p) => p.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  return parts.join('[^/?#" ]+');
}

/** The literal start of a route template (before its first parameter): what a plain-text filter can look for. */
export function routePrefix(route: string): string {
  return route.split(PARAM)[0] ?? route;
}

/** The logs of a route: its service's stream, lines mentioning a path the route serves (`${route}`: the template itself). */
export function routeLogsQuery(
  route: string,
  service: string,
  template = DEFAULT_ROUTE_LOGS_TEMPLATE,
): { query: string } | { error: string } {
  return fill(template, { service, route, routePattern: routePattern(route) });
}
