/**
 * Trace → logs: the LogQL of "Logs for this trace" from a configurable template. Pure: no `vscode`, no I/O.
 * Placeholders `${service}` and `${traceId}` are replaced inside the template's string literals, escaped as
 * LogQL string content, so a service name from a backend answer can never change the query's structure.
 */
import { asTraceId } from '../traces/model';
import { validateLogql } from './logql';

export const DEFAULT_TRACE_LOGS_TEMPLATE = '{service_name="${service}"} | trace_id="${traceId}"';

/** Text safe inside a LogQL "…" string (Go escapes: backslash, quote, control characters). */
export function logqlStringContent(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

export function traceLogsQuery(
  traceId: string,
  service: string,
  template = DEFAULT_TRACE_LOGS_TEMPLATE,
): { query: string } | { error: string } {
  const id = asTraceId(traceId);
  if (!id) return { error: `not a trace id: ${JSON.stringify(traceId.slice(0, 40))}` };
  const query = template.replace(/\$\{(service|traceId)\}/g, (_, k: string) => logqlStringContent(k === 'service' ? service : id));
  const problems = validateLogql(query);
  if (problems.length) return { error: `the logs query template gives invalid LogQL (${problems[0]!.message}): ${query}` };
  return { query };
}
