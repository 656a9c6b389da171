/**
 * Grafana Loki client on the shared HttpBackend. Pure, no `vscode`. Multi-tenant Loki: pass `tenant`
 * (sent as `X-Scope-OrgID`). With `categorizeLabels`, every request carries
 * `X-Loki-Response-Encoding-Flags: categorize-labels`, so stream entries come back as
 * `[ns, line, {structuredMetadata, parsed}]` and trace ids in structured metadata are found.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { HttpBackend, type HttpBackendOptions, type RequestListener } from './http';
import { BackendError } from './errors';
import { ParsedGetter, type CallOptions, type Params } from './parsedGetter';
import { startLokiTail, type LokiTail, type LokiTailOptions } from './lokiTail';
import { parseLokiQuery, parseLokiSeries, parseLokiStringList, type LokiQueryResult } from '../core/logs/loki';
import type { Labels } from '../core/logs/model';
import type { ParseResult } from '../core/traces/model';

export interface LokiClientOptions extends Omit<HttpBackendOptions, 'backendName'> {
  backendName?: string;
  /** Sent as `X-Scope-OrgID`. */
  tenant?: string;
  /** Ask for the categorized answer (structured metadata and parsed fields apart from stream labels). */
  categorizeLabels?: boolean;
  /** Waits before retrying a 429 or 5xx answer; one retry per entry. Default 250 ms, 1 s. */
  retryDelaysMs?: number[];
}

/**
 * Loki time: Date, epoch ns as bigint or decimal string, RFC 3339 string, or a number of Unix SECONDS (as in
 * the Prometheus and Tempo clients; a JS number cannot hold epoch ns exactly). Sent as epoch ns.
 */
export type LokiTime = Date | bigint | string | number;
export type Direction = 'backward' | 'forward';

const DEFAULT_RETRY_MS = [250, 1000];

function lokiTime(t: LokiTime | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t instanceof Date) return (BigInt(t.getTime()) * 1_000_000n).toString();
  if (typeof t === 'bigint') return t.toString();
  if (typeof t === 'number') return (BigInt(Math.round(t * 1000)) * 1_000_000n).toString();
  return t;
}

export interface LokiRangeQuery {
  /** LogQL. */
  query: string;
  start?: LokiTime;
  end?: LokiTime;
  limit?: number;
  direction?: Direction;
  /** Metric queries: resolution step (`15s` or seconds). */
  step?: string | number;
}

export class LokiClient {
  readonly http: HttpBackend;
  readonly categorizeLabels: boolean;
  private readonly getter: ParsedGetter;
  private readonly retryDelaysMs: number[];

  constructor(opts: LokiClientOptions | HttpBackend) {
    if (opts instanceof HttpBackend) {
      this.http = opts;
      this.categorizeLabels = false;
      this.retryDelaysMs = DEFAULT_RETRY_MS;
    } else {
      const { tenant, categorizeLabels, retryDelaysMs, ...rest } = opts;
      this.retryDelaysMs = retryDelaysMs ?? DEFAULT_RETRY_MS;
      const headers: Record<string, string> = { ...(rest.headers ?? {}) };
      if (tenant) headers['X-Scope-OrgID'] = tenant;
      if (categorizeLabels) headers['X-Loki-Response-Encoding-Flags'] = 'categorize-labels';
      this.http = new HttpBackend({ backendName: 'Loki', textErrors: true, ...rest, headers });
      this.categorizeLabels = !!categorizeLabels;
    }
    this.getter = new ParsedGetter(this.http);
  }

  onRequest(listener: RequestListener): () => void {
    return this.http.onRequest(listener);
  }

  /** `/loki/api/v1/query_range`: log lines (merged, sorted by `direction`) or a matrix. */
  queryRange(q: LokiRangeQuery, opts: CallOptions = {}): Promise<LokiQueryResult> {
    const direction = q.direction ?? 'backward';
    return this.get(
      '/loki/api/v1/query_range',
      { query: q.query, start: lokiTime(q.start), end: lokiTime(q.end), limit: q.limit, direction, step: q.step },
      (d) => parseLokiQuery(d, direction),
      opts,
    );
  }

  /** `/loki/api/v1/query` (instant): a vector, or streams for a log query. */
  query(q: { query: string; time?: LokiTime; limit?: number; direction?: Direction }, opts: CallOptions = {}): Promise<LokiQueryResult> {
    const direction = q.direction ?? 'backward';
    return this.get(
      '/loki/api/v1/query',
      { query: q.query, time: lokiTime(q.time), limit: q.limit, direction },
      (d) => parseLokiQuery(d, direction),
      opts,
    );
  }

  /** `/loki/api/v1/labels`. */
  labels(opts: CallOptions & { start?: LokiTime; end?: LokiTime; query?: string } = {}): Promise<string[]> {
    return this.get(
      '/loki/api/v1/labels',
      { start: lokiTime(opts.start), end: lokiTime(opts.end), query: opts.query },
      parseLokiStringList,
      opts,
    );
  }

  /** `/loki/api/v1/label/{name}/values`. */
  labelValues(name: string, opts: CallOptions & { start?: LokiTime; end?: LokiTime; query?: string } = {}): Promise<string[]> {
    return this.get(
      `/loki/api/v1/label/${encodeURIComponent(name)}/values`,
      { start: lokiTime(opts.start), end: lokiTime(opts.end), query: opts.query },
      parseLokiStringList,
      opts,
    );
  }

  /** `/loki/api/v1/series?match[]=…`. */
  series(match: string[], opts: CallOptions & { start?: LokiTime; end?: LokiTime } = {}): Promise<Labels[]> {
    return this.get(
      '/loki/api/v1/series',
      { 'match[]': match, start: lokiTime(opts.start), end: lokiTime(opts.end) },
      parseLokiSeries,
      opts,
    );
  }

  /**
   * `/loki/api/v1/tail` over a WebSocket with this client's headers (auth, tenant, categorize-labels):
   * frames go to `onFrame`; a dropped connection resumes from the last timestamp (see lokiTail.ts).
   */
  tail(opts: Omit<LokiTailOptions, 'startNs'> & { start?: LokiTime }): LokiTail {
    const { start, ...rest } = opts;
    const startNs = lokiTime(start);
    return startLokiTail(this.http, startNs !== undefined ? { ...rest, startNs } : rest);
  }

  /** GET + parse, retrying 429 and 5xx answers after `retryDelaysMs` (bounded); cancellation stops the wait. */
  private async get<T>(path: string, params: Params, parse: (d: unknown) => ParseResult<T>, opts: CallOptions): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.getter.get(path, params, parse, opts);
      } catch (e) {
        const wait = this.retryDelaysMs[attempt];
        if (wait === undefined || !retryable(e)) throw e;
        try {
          await delay(wait, undefined, opts.signal ? { signal: opts.signal } : {});
        } catch {
          throw this.http.error('cancelled', `${this.http.backendName} request cancelled`, { path });
        }
      }
    }
  }
}

function retryable(e: unknown): boolean {
  return (
    e instanceof BackendError &&
    (e.kind === 'http' || e.kind === 'api-error') &&
    e.status !== undefined &&
    (e.status === 429 || e.status >= 500)
  );
}
