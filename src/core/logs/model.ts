/**
 * Normalised log model for the log view. Pure: no `vscode`, no I/O. Lines, labels and metadata are
 * kept VERBATIM (ANSI escapes, markup …) — escaping is the view's job.
 */
import { asTraceId } from '../traces/ids';

export type Labels = Record<string, string>;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'unknown';

export interface LogLine {
  /** Epoch nanoseconds as the decimal string the backend sent (full precision; `BigInt(tsNs)` to compute). */
  tsNs: string;
  line: string;
  /** Stream labels (with categorize-labels: indexed labels only). */
  labels: Labels;
  /** Loki structured metadata (categorize-labels answers only). */
  structuredMetadata: Labels;
  /** Fields extracted by a query parser stage (`| json`, `| logfmt`; categorize-labels answers only). */
  parsed: Labels;
  level?: LogLevel;
  /** Lowercase hex trace id found in metadata, parsed fields, labels or the line. */
  traceId?: string;
  spanId?: string;
  /** A query stage failed on this line: Loki's `__error__` label (`JSONParserErr` …) and `__error_details__`. */
  parseError?: { error: string; details?: string };
}

const LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  trc: 'trace',
  debug: 'debug',
  dbg: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  critical: 'fatal',
  crit: 'fatal',
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  alert: 'fatal',
};

export function normalizeLevel(v: string): LogLevel | undefined {
  return LEVELS[v.trim().toLowerCase()];
}

const LEVEL_KEYS = ['detected_level', 'level', 'severity_text', 'severity', 'lvl', 'loglevel'];
/** Only keys NAMED as a trace id count: a bare hex string under another name (an md5) is not one. */
const TRACE_KEYS = ['trace_id', 'traceID', 'traceId'];
const SPAN_KEYS = ['span_id', 'spanID', 'spanId'];

/** W3C traceparent `00-<32 hex trace>-<16 hex span>-<2 hex flags>`. */
const TRACEPARENT = /\b[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}\b/i;
/** `trace_id=…` (logfmt), `"traceId":"…"` (JSON), `traceID: …` inside a line: the key starts the line or
 * follows a separator, so `parent_trace_id` or `md5=` never count. */
const KEY_START = String.raw`(?:^|[\s{,;])["']?`;
const KEY_VALUE = String.raw`["']?\s*[:=]\s*["']?`;
const TRACE_IN_LINE = new RegExp(`${KEY_START}(?:trace_id|traceId|traceID)${KEY_VALUE}([0-9a-fA-F]{32}|[0-9a-fA-F]{16})(?![0-9a-zA-Z_])`);
const SPAN_IN_LINE = new RegExp(`${KEY_START}(?:span_id|spanId|spanID)${KEY_VALUE}([0-9a-fA-F]{16})(?![0-9a-zA-Z_])`);
const TRACEPARENT_IN_LINE = new RegExp(`${KEY_START}traceparent${KEY_VALUE}([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})\\b`, 'i');
const LEVEL_IN_LINE = /\b(?:level|lvl|severity)["']?\s*[:=]\s*["']?([a-z]+)/i;

function fromTraceparent(v: string): { traceId: string; spanId: string } | undefined {
  const m = TRACEPARENT.exec(v);
  const t = m ? asTraceId(m[1]) : undefined;
  return t && m ? { traceId: t, spanId: m[2].toLowerCase() } : undefined;
}

/**
 * Trace context of a log line: first from structured metadata, then parsed fields, then labels (keys
 * `trace_id`, `traceID`, `traceId`, `traceparent`), then the line text itself.
 */
export function extractTraceContext(l: Pick<LogLine, 'line' | 'labels' | 'structuredMetadata' | 'parsed'>): {
  traceId?: string;
  spanId?: string;
} {
  for (const src of [l.structuredMetadata, l.parsed, l.labels]) {
    for (const k of TRACE_KEYS) {
      const v = src[k];
      const t = v !== undefined ? asTraceId(v.trim()) : undefined;
      if (t) {
        const sk = SPAN_KEYS.find((s) => src[s] !== undefined && /^[0-9a-fA-F]{16}$/.test(src[s]));
        return sk ? { traceId: t, spanId: src[sk].toLowerCase() } : { traceId: t };
      }
    }
    const tp = src.traceparent !== undefined ? fromTraceparent(src.traceparent) : undefined;
    if (tp) return tp;
  }
  const m = TRACE_IN_LINE.exec(l.line);
  const t = m ? asTraceId(m[1]) : undefined;
  if (t) {
    const s = SPAN_IN_LINE.exec(l.line);
    return s ? { traceId: t, spanId: s[1].toLowerCase() } : { traceId: t };
  }
  const tp = TRACEPARENT_IN_LINE.exec(l.line);
  return tp ? (fromTraceparent(tp[1]) ?? {}) : {};
}

/** Level from labels / metadata / parsed fields (`detected_level`, `level`, …), then `level=` in the line. */
export function extractLevel(l: Pick<LogLine, 'line' | 'labels' | 'structuredMetadata' | 'parsed'>): LogLevel | undefined {
  for (const src of [l.structuredMetadata, l.parsed, l.labels]) {
    for (const k of LEVEL_KEYS) {
      const v = src[k];
      if (v === undefined) continue;
      return normalizeLevel(v) ?? 'unknown';
    }
  }
  const m = LEVEL_IN_LINE.exec(l.line);
  return m ? normalizeLevel(m[1]) : undefined;
}

/** Builds a LogLine, filling level and trace context. */
export function makeLogLine(tsNs: string, line: string, labels: Labels, structuredMetadata: Labels = {}, parsed: Labels = {}): LogLine {
  const out: LogLine = { tsNs, line, labels, structuredMetadata, parsed };
  const level = extractLevel(out);
  if (level) out.level = level;
  const tc = extractTraceContext(out);
  if (tc.traceId) out.traceId = tc.traceId;
  if (tc.spanId) out.spanId = tc.spanId;
  for (const src of [labels, parsed, structuredMetadata]) {
    const error = src.__error__;
    if (error === undefined) continue;
    const details = src.__error_details__;
    out.parseError = details !== undefined ? { error, details } : { error };
    break;
  }
  return out;
}

/** Compares two ns timestamps exactly (strings of digits). */
export function compareNs(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Epoch ns string → JS Date (ms precision, for display only). */
export function nsToDate(tsNs: string): Date {
  return new Date(Number(BigInt(tsNs) / 1_000_000n));
}
