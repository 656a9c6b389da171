/**
 * Messages of the logs panel. Imported by the host (src/features/logs) and by the browser app
 * (src/webview/app/logs.ts); types and guards only. Lines, labels and metadata come from Loki or from an
 * OTLP exporter and are attacker-controlled: the app renders them as text, never as markup.
 */
import type { LogLevel, LogLine } from '../../core/logs/model';
import type { CompletionItem } from '../../core/logs/logql';

/** Relative ranges offered by the panel (Loki durations). */
export const RELATIVE_RANGES = ['5m', '15m', '1h', '6h', '24h', '7d'] as const;
export type RelativeRange = (typeof RELATIVE_RANGES)[number];

/** A relative range back from now, or an absolute one in RFC 3339. */
export type LogsRange = { since: RelativeRange } | { from: string; to: string };

/** Filters of the built-in receiver's logs (LogQL is for Loki). */
export interface LocalFilter {
  service: string;
  /** Lowest level shown, '' for all. */
  level: '' | Exclude<LogLevel, 'unknown'>;
  text: string;
  traceId: string;
}

/** What the panel persists to come back after a reload: the query and the range, never the data. */
export interface LogsState {
  query: string;
  range: LogsRange;
  local: LocalFilter;
}

export type LogsSource = { kind: 'loki'; label: string } | { kind: 'local'; running: boolean; services: string[] };

export type TailStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'closed';

export type HostToLogs =
  /** The panel's state and where logs come from; also sent when the host changes the query ("Logs for this trace"). */
  | { type: 'init'; state: LogsState; source: LogsSource; run: boolean }
  | { type: 'loading' }
  /** A query's answer, first chunk: replaces the lines. `startNs`/`endNs` bound the histogram. */
  | { type: 'lines'; lines: LogLine[]; startNs: string; endNs: string; warnings: string[]; limited: boolean; complete: boolean }
  /** The answer's next chunk: older lines, below. */
  | { type: 'more'; lines: LogLine[]; complete: boolean }
  /** Live tail: new lines (oldest first) to add on top. */
  | { type: 'append'; lines: LogLine[]; dropped: number }
  | { type: 'tail'; status: TailStatus; message?: string }
  | { type: 'completions'; id: number; from: number; items: CompletionItem[] }
  | { type: 'error'; message: string };

export type LogsToHost =
  | { type: 'ready' }
  | { type: 'run'; state: LogsState }
  | { type: 'tail'; on: boolean; state: LogsState }
  | { type: 'complete'; id: number; query: string; offset: number }
  | { type: 'openTrace'; traceId: string }
  | { type: 'copy'; text: string };

/** Longest text the webview may ask the host to copy or query (a line is capped by the backend answer size anyway). */
export const MAX_TEXT = 1024 * 1024;
const LEVELS: readonly string[] = ['', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const isStr = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function isRange(r: unknown): r is LogsRange {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as { since?: unknown; from?: unknown; to?: unknown };
  if ('since' in x) return (RELATIVE_RANGES as readonly unknown[]).includes(x.since);
  return isStr(x.from, 64) && isStr(x.to, 64);
}

function isLocal(l: unknown): l is LocalFilter {
  if (typeof l !== 'object' || l === null) return false;
  const x = l as Record<string, unknown>;
  return isStr(x.service, 512) && typeof x.level === 'string' && LEVELS.includes(x.level) && isStr(x.text, 4096) && isStr(x.traceId, 64);
}

/** Validates a persisted panel state (it comes back from the webview on restore) and the state in messages. */
export function isLogsState(s: unknown): s is LogsState {
  if (typeof s !== 'object' || s === null) return false;
  const x = s as Record<string, unknown>;
  return isStr(x.query, 64 * 1024) && isRange(x.range) && isLocal(x.local);
}

export function isLogsToHost(m: unknown): m is LogsToHost {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready':
      return true;
    case 'run':
      return isLogsState(x.state);
    case 'tail':
      return typeof x.on === 'boolean' && isLogsState(x.state);
    case 'complete':
      return isNat(x.id) && isStr(x.query, 64 * 1024) && isNat(x.offset) && x.offset <= x.query.length;
    case 'openTrace':
      return isStr(x.traceId, 32) && /^[0-9a-f]{16,32}$/.test(x.traceId);
    case 'copy':
      return isStr(x.text);
    default:
      return false;
  }
}

/** Lines per message: a 100,000-line answer crosses in chunks, so no single task in the webview is long. */
export const CHUNK_LINES = 1000;

/** A query's answer (newest first) as the messages that carry it. */
export function linesMessages(
  lines: LogLine[],
  meta: { startNs: string; endNs: string; warnings: string[]; limited: boolean },
): HostToLogs[] {
  const out: HostToLogs[] = [];
  for (let at = 0; at < lines.length || at === 0; at += CHUNK_LINES) {
    const chunk = lines.slice(at, at + CHUNK_LINES);
    const complete = at + CHUNK_LINES >= lines.length;
    out.push(at === 0 ? { type: 'lines', lines: chunk, ...meta, complete } : { type: 'more', lines: chunk, complete });
  }
  return out;
}

export const DEFAULT_LOGS_STATE: LogsState = {
  query: '',
  range: { since: '1h' },
  local: { service: '', level: '', text: '', traceId: '' },
};
