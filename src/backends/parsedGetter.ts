/**
 * GET + parse for the trace and log clients (Jaeger, Tempo, Loki): identical in-flight requests shared,
 * JSON error bodies turned into short messages, answers validated by a pure parser. Pure, no `vscode`.
 */
import { encodeParams, type HttpBackend } from './http';
import { BackendError } from './errors';
import { Inflight } from '../core/inflight';
import type { ParseResult } from '../core/traces/model';
import { isObject } from '../core/traces/json';

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}
export type Params = Record<string, string | number | string[] | undefined>;

/**
 * GET + parse shared by the trace/log clients: identical in-flight requests are shared; with `notFound`
 * (trace lookups) a 404 becomes a BackendError (kind `not-found`, status 404) with that wording; other non-2xx JSON bodies
 * become `api-error` with the backend's own message, and a payload the parser rejects becomes `bad-payload`.
 * The sharing key is path + params, so each path must always be read with the same parser.
 */
export class ParsedGetter {
  private readonly inflight = new Inflight<unknown>();
  constructor(readonly http: HttpBackend) {}

  async get<T>(
    path: string,
    params: Params,
    parse: (d: unknown) => ParseResult<T>,
    opts: CallOptions & { notFound?: string } = {},
  ): Promise<T> {
    const key = `GET ${path}?${encodeParams(params)}`;
    const cancelled = () => this.http.error('cancelled', `${this.http.backendName} request cancelled`, { path });
    return (await this.inflight.run(key, (signal) => this.send(path, params, parse, signal, opts), opts.signal, cancelled)) as T;
  }

  private async send<T>(
    path: string,
    params: Params,
    parse: (d: unknown) => ParseResult<T>,
    signal: AbortSignal,
    opts: CallOptions & { notFound?: string },
  ): Promise<T> {
    let res;
    try {
      res = await this.http.requestJson(path, { params, signal, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
    } catch (e) {
      if (e instanceof BackendError && e.status === 404 && opts.notFound) throw this.notFound(path, opts.notFound);
      throw e;
    }
    if (res.status === 404 && opts.notFound) throw this.notFound(path, opts.notFound);
    if (res.status >= 300) {
      const msg = errorMessage(res.data);
      if (msg)
        throw this.http.error('api-error', `${this.http.backendName} error (${res.status}): ${truncate(msg, 200)}`, {
          path,
          status: res.status,
        });
      throw this.http.httpStatusError(res.status, path);
    }
    const r = parse(res.data);
    if (!r.ok) throw this.badPayload(path, r.error);
    return r.value;
  }

  notFound(path: string, what: string): BackendError {
    return this.http.error('not-found', `${what} in ${this.http.backendName} (${this.http.target})`, { path, status: 404 });
  }

  badPayload(path: string, why: string): BackendError {
    const n = this.http.backendName;
    return this.http.error('bad-payload', `${n} answered an unexpected payload on ${path} (${truncate(why, 120)}) — is this a ${n} API?`, {
      path,
    });
  }
}

/** Error text from a JSON error body: Jaeger `errors[].msg`, `error` string or `{error:{message}}`, `message`. */
function errorMessage(d: unknown): string | undefined {
  if (!isObject(d)) return undefined;
  if (Array.isArray(d.errors)) {
    const m = d.errors.map((e) => (isObject(e) && typeof e.msg === 'string' ? e.msg : '')).filter(Boolean);
    if (m.length) return m.join('; ');
  }
  if (typeof d.error === 'string') return d.error;
  if (isObject(d.error) && typeof d.error.message === 'string') return d.error.message;
  if (typeof d.message === 'string') return d.message;
  return undefined;
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 16)}…` : id;
}
