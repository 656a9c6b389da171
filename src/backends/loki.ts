/**
 * Grafana Loki client on the shared HttpBackend. Pure, no `vscode`. Multi-tenant Loki: pass `tenant`
 * (sent as `X-Scope-OrgID`). With `categorizeLabels`, every request carries
 * `X-Loki-Response-Encoding-Flags: categorize-labels`, so stream entries come back as
 * `[ns, line, {structuredMetadata, parsed}]` and trace ids in structured metadata are found.
 */
import { HttpBackend, type HttpBackendOptions, type RequestListener } from './http';
import { ParsedGetter, type CallOptions } from './parsedGetter';
import { parseLokiQuery, parseLokiSeries, parseLokiStringList, type LokiQueryResult, type LokiTailFrame } from '../core/logs/loki';
import type { Labels } from '../core/logs/model';

export interface LokiClientOptions extends Omit<HttpBackendOptions, 'backendName'> {
  backendName?: string;
  /** Sent as `X-Scope-OrgID`. */
  tenant?: string;
  /** Ask for the categorized answer (structured metadata and parsed fields apart from stream labels). */
  categorizeLabels?: boolean;
}

/**
 * Loki time: Date, epoch ns as bigint or decimal string, RFC 3339 string, or a number of Unix SECONDS (as in
 * the Prometheus and Tempo clients; a JS number cannot hold epoch ns exactly). Sent as epoch ns.
 */
export type LokiTime = Date | bigint | string | number;
export type Direction = 'backward' | 'forward';

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

/** What a live tail will look like (see `LokiClient` notes): frames parsed by `parseLokiTailFrame`. */
export interface LokiTailOptions extends CallOptions {
  query: string;
  start?: LokiTime;
  limit?: number;
  delayFor?: number;
  onFrame: (frame: LokiTailFrame) => void;
  onError: (e: Error) => void;
}

export class LokiClient {
  readonly http: HttpBackend;
  readonly categorizeLabels: boolean;
  private readonly getter: ParsedGetter;

  constructor(opts: LokiClientOptions | HttpBackend) {
    if (opts instanceof HttpBackend) {
      this.http = opts;
      this.categorizeLabels = false;
    } else {
      const { tenant, categorizeLabels, ...rest } = opts;
      const headers: Record<string, string> = { ...(rest.headers ?? {}) };
      if (tenant) headers['X-Scope-OrgID'] = tenant;
      if (categorizeLabels) headers['X-Loki-Response-Encoding-Flags'] = 'categorize-labels';
      this.http = new HttpBackend({ backendName: 'Loki', ...rest, headers });
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
    return this.getter.get(
      '/loki/api/v1/query_range',
      { query: q.query, start: lokiTime(q.start), end: lokiTime(q.end), limit: q.limit, direction, step: q.step },
      (d) => parseLokiQuery(d, direction),
      opts,
    );
  }

  /** `/loki/api/v1/query` (instant): a vector, or streams for a log query. */
  query(q: { query: string; time?: LokiTime; limit?: number; direction?: Direction }, opts: CallOptions = {}): Promise<LokiQueryResult> {
    const direction = q.direction ?? 'backward';
    return this.getter.get(
      '/loki/api/v1/query',
      { query: q.query, time: lokiTime(q.time), limit: q.limit, direction },
      (d) => parseLokiQuery(d, direction),
      opts,
    );
  }

  /** `/loki/api/v1/labels`. */
  labels(opts: CallOptions & { start?: LokiTime; end?: LokiTime; query?: string } = {}): Promise<string[]> {
    return this.getter.get('/loki/api/v1/labels', { start: lokiTime(opts.start), end: lokiTime(opts.end), query: opts.query }, parseLokiStringList, opts);
  }

  /** `/loki/api/v1/label/{name}/values`. */
  labelValues(name: string, opts: CallOptions & { start?: LokiTime; end?: LokiTime; query?: string } = {}): Promise<string[]> {
    return this.getter.get(
      `/loki/api/v1/label/${encodeURIComponent(name)}/values`,
      { start: lokiTime(opts.start), end: lokiTime(opts.end), query: opts.query },
      parseLokiStringList,
      opts,
    );
  }

  /** `/loki/api/v1/series?match[]=…`. */
  series(match: string[], opts: CallOptions & { start?: LokiTime; end?: LokiTime } = {}): Promise<Labels[]> {
    return this.getter.get('/loki/api/v1/series', { 'match[]': match, start: lokiTime(opts.start), end: lokiTime(opts.end) }, parseLokiSeries, opts);
  }

  /*
   * Live tail — NOT IMPLEMENTED YET. `/loki/api/v1/tail` is a WebSocket and the `ws` package is not in
   * node_modules. Intended signature (frames are already parseable with `parseLokiTailFrame`, tested
   * against the recorded tail frames):
   *
   *   tail(opts: LokiTailOptions): { close(): void }
   *
   * ws(s)://<base>/loki/api/v1/tail?query=&start=&limit=&delay_for=, same auth/tenant/categorize headers,
   * each text message → parseLokiTailFrame → onFrame; `opts.signal` closes the socket; errors become a
   * BackendError passed to onError.
   */
}
