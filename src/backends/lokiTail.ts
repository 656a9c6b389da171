/**
 * Loki live tail (`/loki/api/v1/tail`, a WebSocket) from the extension host — a webview cannot set the
 * auth / tenant headers. Pure Node + `ws`, no `vscode`.
 *
 * A dropped connection is reopened (bounded backoff) with `start` = the newest timestamp delivered so far.
 * Loki's `start` is inclusive, so the lines at that timestamp come again: they are recognised by
 * timestamp + line + labels and dropped, older ones too — nothing is delivered twice, nothing is lost.
 */
import WebSocket from 'ws';
import type { HttpBackend } from './http';
import type { BackendError } from './errors';
import { errorMessage } from '../core/errors';
import { parseLokiTailFrame, type LokiTailFrame } from '../core/logs/loki';
import { compareNs, type LogLine } from '../core/logs/model';

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LokiTailOptions {
  /** LogQL log query. */
  query: string;
  /** Epoch ns of the first line wanted (Loki's default: one hour ago). */
  startNs?: string;
  limit?: number;
  /** Seconds Loki waits for late lines (`delay_for`, at most 5). */
  delayFor?: number;
  /** Closes the tail. */
  signal?: AbortSignal;
  /** Waits before each reconnection attempt; the tail gives up (onError, state `closed`) after the last. */
  reconnectDelaysMs?: number[];
  onFrame: (frame: LokiTailFrame) => void;
  /** The tail has stopped for good (bad query, credentials, too many failed reconnections). */
  onError: (e: BackendError) => void;
  onState?: (state: TailState) => void;
}

export interface LokiTail {
  close(): void;
}

const DEFAULT_RECONNECT_MS = [500, 1000, 2000, 5000, 5000];
const MAX_ERROR_BODY = 2048;

function lineKey(l: LogLine): string {
  return JSON.stringify([l.tsNs, l.line, Object.entries(l.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/** Newest timestamp delivered and the keys of the lines at it: the resume point and its duplicates. */
class Boundary {
  ts: string | undefined;
  private keys = new Set<string>();

  /** Lines of a frame received after resuming at `resumeTs`: those already delivered are removed. */
  filter(lines: LogLine[], resumeTs: string | undefined): LogLine[] {
    if (resumeTs === undefined) return lines;
    return lines.filter((l) => {
      const c = compareNs(l.tsNs, resumeTs);
      return c > 0 || (c === 0 && !this.keys.has(lineKey(l)));
    });
  }

  note(lines: LogLine[]): void {
    for (const l of lines) {
      const c = this.ts === undefined ? 1 : compareNs(l.tsNs, this.ts);
      if (c > 0) {
        this.ts = l.tsNs;
        this.keys = new Set();
      }
      if (c >= 0) this.keys.add(lineKey(l));
    }
  }
}

export function startLokiTail(http: HttpBackend, opts: LokiTailOptions): LokiTail {
  const delays = opts.reconnectDelaysMs ?? DEFAULT_RECONNECT_MS;
  const boundary = new Boundary();
  let socket: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let closed = false;
  const path = '/loki/api/v1/tail';

  const setState = (s: TailState) => opts.onState?.(s);
  const stop = (e?: BackendError) => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
    setState('closed');
    if (e) opts.onError(e);
  };
  const onAbort = () => stop();

  const retry = (why: () => BackendError) => {
    if (closed) return;
    const wait = delays[attempt++];
    if (wait === undefined) return stop(why());
    setState('reconnecting');
    timer = setTimeout(connect, wait);
  };

  function connect(): void {
    if (closed) return;
    const resumeTs = boundary.ts;
    const target = http.webSocketTarget(path, {
      query: opts.query,
      start: resumeTs ?? opts.startNs,
      limit: opts.limit,
      delay_for: opts.delayFor,
    });
    const ws = new WebSocket(target.url, {
      headers: target.headers,
      agent: target.agent,
      maxPayload: http.maxResponseBytes,
      handshakeTimeout: 10_000,
    });
    socket = ws;
    let failure: BackendError | undefined;
    let refused = false;
    ws.on('unexpected-response', (_req, res) => {
      refused = true;
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).replace(/\s+/g, ' ').trim();
        const e =
          status === 401 || status === 403
            ? http.error('auth', `${http.backendName} ${status === 401 ? 'rejected the credentials' : 'denied access'} (${status})`, {
                path,
                status,
              })
            : text && !text.startsWith('<')
              ? http.error('api-error', `${http.backendName} error (${status}): ${text.slice(0, 500)}`, { path, status })
              : http.httpStatusError(status, path);
        ws.terminate();
        if (status === 429 || status >= 500) retry(() => e);
        else stop(e);
      });
      res.on('error', () => retry(() => http.httpStatusError(status, path)));
    });
    ws.on('open', () => setState('live'));
    ws.on('message', (data, isBinary) => {
      if (closed || socket !== ws) return;
      let doc: unknown;
      try {
        doc = JSON.parse(isBinary ? '' : String(data));
      } catch {
        failure = http.error('not-json', `${http.backendName} tail sent a frame that is not JSON (${http.target})`, { path });
        return void ws.terminate();
      }
      const r = parseLokiTailFrame(doc);
      if (!r.ok) {
        failure = http.error('bad-payload', `${http.backendName} tail sent an unexpected frame (${r.error})`, { path });
        return void ws.terminate();
      }
      attempt = 0;
      const lines = boundary.filter(r.value.lines, resumeTs);
      boundary.note(lines);
      try {
        opts.onFrame(lines.length === r.value.lines.length ? r.value : { ...r.value, lines });
      } catch (e) {
        // A failing consumer must not become an uncaught exception in the extension host.
        stop(http.error('cancelled', `${http.backendName} tail stopped: ${errorMessage(e)}`, { path }));
      }
    });
    ws.on('error', (e: Error & { code?: string }) => {
      failure ??= http.error('unreachable', `${http.backendName} tail unreachable at ${http.target} (${e.code ?? e.message})`, {
        path,
        ...(e.code ? { code: e.code } : {}),
      });
    });
    ws.on('close', () => {
      if (socket !== ws || closed || refused) return;
      const f = failure;
      retry(() => f ?? http.error('unreachable', `${http.backendName} tail connection closed (${http.target})`, { path }));
    });
  }

  if (opts.signal?.aborted) {
    closed = true;
    setState('closed');
    return { close() {} };
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  setState('connecting');
  connect();
  return { close: () => stop() };
}
