/**
 * The built-in receiver's OTLP log records in the log model Loki answers are read into, so the log view
 * shows local logs and Loki logs alike. Mapped the way Loki ingests OTLP: `service.name` becomes the
 * `service_name` stream label; log attributes, trace and span ids and the severity text become structured
 * metadata (dots in keys become underscores). Pure, no I/O.
 */
import { makeLogLine, type Labels, type LogLevel, type LogLine } from '../../core/logs/model';
import { anyText, type StoredLogRecord, type TelemetryStore } from './store';

/** OTLP SeverityNumber ranges: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal. */
const LEVEL_FLOOR: Record<Exclude<LogLevel, 'unknown'>, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

function levelOf(severityNumber: number): LogLevel | undefined {
  if (severityNumber < 1 || severityNumber > 24) return undefined;
  const found = (Object.entries(LEVEL_FLOOR) as [LogLevel, number][]).filter(([, floor]) => severityNumber >= floor).at(-1);
  return found?.[0];
}

export function storedLogToLine(r: StoredLogRecord): LogLine {
  const ts = r.timeNs > 0n ? r.timeNs : r.observedTimeNs;
  const metadata: Labels = {};
  for (const a of r.attributes) metadata[(a.key ?? '').replace(/\./g, '_')] = anyText(a.value);
  if (r.traceId) metadata.trace_id = r.traceId;
  if (r.spanId) metadata.span_id = r.spanId;
  if (r.severityText) metadata.severity_text = r.severityText;
  const line = makeLogLine(ts.toString(), anyText(r.body), { service_name: r.resource.service }, metadata);
  const level = levelOf(r.severityNumber);
  if (level) line.level = level;
  return line;
}

export interface LocalLogQuery {
  service?: string;
  /** Lowest level shown. */
  level?: Exclude<LogLevel, 'unknown'>;
  /** Case-insensitive text in the body. */
  text?: string;
  traceId?: string;
  limit: number;
}

/** Local logs (newest arrival first) as LogLines. */
export function findLocalLogs(store: TelemetryStore, q: LocalLogQuery): LogLine[] {
  return store
    .findLogs({
      limit: q.limit,
      ...(q.service !== undefined ? { service: q.service } : {}),
      ...(q.level !== undefined ? { minSeverity: LEVEL_FLOOR[q.level] } : {}),
      ...(q.text ? { text: q.text } : {}),
      ...(q.traceId !== undefined ? { traceId: q.traceId } : {}),
    })
    .map(storedLogToLine);
}
