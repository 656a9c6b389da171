/**
 * Messages of the trace waterfall panel. Imported by the host (src/features/traces) and by the browser app
 * (src/webview/app/waterfall.ts); types and guards only. Every string in here comes from a trace backend and
 * is attacker-controlled: the app renders it as text, never as markup.
 */

/** `WaterfallRows.flags` bits. */
export const ROW_ERROR = 1;
/** On the critical path. */
export const ROW_CRITICAL = 2;

/**
 * The span rows of a trace, column by column: row i is the i-th span in depth-first waterfall order. Typed
 * arrays cross postMessage as binary copies and the search text as one string, where 100,000 row objects
 * would be cloned field by field. Times in µs relative to the trace start.
 */
export interface WaterfallRows {
  name: string[];
  /** Index into `WaterfallTrace.services`. */
  service: Int32Array;
  /** Index of the parent row, -1 for a root; a parent comes before its children. */
  parent: Int32Array;
  depth: Int32Array;
  startUs: Float64Array;
  durationUs: Float64Array;
  selfUs: Float64Array;
  /** ROW_ERROR | ROW_CRITICAL. */
  flags: Uint8Array;
  /**
   * Each row's name and attributes (`key=value`, one per line, capped), lower-cased for a case-insensitive
   * search, back to back: row i's text is `search.slice(searchStart[i], searchStart[i + 1])`.
   */
  search: string;
  /** Rows + 1 offsets into `search`. */
  searchStart: Int32Array;
}

export interface ServiceShare {
  service: string;
  /** Critical-path time owned by the service's spans (µs) and its share of the critical path (0–1). */
  us: number;
  share: number;
}

export interface RepeatedSpans {
  /** Parent row of the repeated siblings. */
  parent: number;
  /** What repeats: the span name or its `db.statement`. */
  label: string;
  by: 'name' | 'db.statement';
  count: number;
  totalUs: number;
  /** Rows of the repeated siblings (first few). */
  rows: number[];
}

export interface Insights {
  /** Row with the largest self time, and that time (µs). */
  largestSelf?: { row: number; us: number };
  criticalShare: ServiceShare[];
  repeated: RepeatedSpans[];
}

export interface WaterfallTrace {
  traceId: string;
  /** Epoch µs of the first span's start. */
  startUs: number;
  durationUs: number;
  services: string[];
  rows: WaterfallRows;
  warnings: string[];
  insights: Insights;
}

/** Where a trace was read from: what the panel persists to come back after a reload (identity only). */
export type TraceBackendKind = 'local' | 'jaeger' | 'tempo';
export interface WaterfallState {
  backend: TraceBackendKind;
  traceId: string;
}

export interface SpanDetails {
  row: number;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: string;
  status: string;
  statusMessage?: string;
  /** [key, value as display text] pairs. */
  attributes: [string, string][];
  resource: [string, string][];
  scope?: string;
  events: { offsetUs: number; name: string; attributes: [string, string][] }[];
  links: { traceId: string; spanId: string; attributes: [string, string][] }[];
  /** Set when "Go to code" can find a place: a short description of it. */
  code?: string;
}

export type HostToWaterfall =
  | { type: 'loading'; state: WaterfallState }
  | { type: 'trace'; state: WaterfallState; trace: WaterfallTrace; canOpenUi: boolean }
  | { type: 'details'; details: SpanDetails }
  | { type: 'error'; state: WaterfallState; message: string };

export type WaterfallToHost =
  | { type: 'ready' }
  | { type: 'reload' }
  | { type: 'copyTraceId' }
  | { type: 'openInUi' }
  | { type: 'details'; row: number }
  | { type: 'goToCode'; row: number }
  /** "Logs for this trace", scoped to the service of `row` (the root span's when absent). */
  | { type: 'traceLogs'; row?: number };

const isRow = (m: object): boolean => {
  const r = (m as { row?: unknown }).row;
  return typeof r === 'number' && Number.isInteger(r) && r >= 0;
};

export function isWaterfallToHost(m: unknown): m is WaterfallToHost {
  if (typeof m !== 'object' || m === null) return false;
  switch ((m as { type?: unknown }).type) {
    case 'ready':
    case 'reload':
    case 'copyTraceId':
    case 'openInUi':
      return true;
    case 'details':
    case 'goToCode':
      return isRow(m);
    case 'traceLogs':
      return (m as { row?: unknown }).row === undefined || isRow(m);
    default:
      return false;
  }
}

const BACKENDS: readonly string[] = ['local', 'jaeger', 'tempo'] satisfies TraceBackendKind[];

/** Validates a persisted panel state (it comes back from the webview on restore). */
export function isWaterfallState(s: unknown): s is WaterfallState {
  if (typeof s !== 'object' || s === null) return false;
  const { backend, traceId } = s as { backend?: unknown; traceId?: unknown };
  return typeof backend === 'string' && BACKENDS.includes(backend) && typeof traceId === 'string' && /^[0-9a-f]{1,32}$/.test(traceId);
}
