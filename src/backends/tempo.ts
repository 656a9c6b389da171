/**
 * Grafana Tempo client on the shared HttpBackend. Pure, no `vscode`. Multi-tenant Tempo: pass
 * `tenant` (sent as `X-Scope-OrgID`) or the header itself in `headers`.
 *
 * Not here yet: `/api/search/tags` and `/api/v2/search/tags` — Tempo's documented examples of those
 * answers are not valid JSON upstream, so there is no recorded payload to validate against.
 */
import { HttpBackend, type HttpBackendOptions, type RequestListener } from './http';
import { ParsedGetter, shortId, type CallOptions } from './parsedGetter';
import { parseOtlpTrace } from '../core/traces/otlp';
import { parseTempoSearch, parseTempoTagValues, type TagValue, type TempoSearchResult } from '../core/traces/search';
import type { Trace } from '../core/traces/model';

export interface TempoClientOptions extends Omit<HttpBackendOptions, 'backendName'> {
  backendName?: string;
  /** Sent as `X-Scope-OrgID`. */
  tenant?: string;
}

/** Unix seconds (Tempo's `start`/`end`) from a Date or unix seconds. */
const sec = (t: number | Date | undefined) => (t instanceof Date ? Math.floor(t.getTime() / 1000) : t);

export interface TempoSearchQuery {
  /** TraceQL, e.g. `{ resource.service.name = "api" && status = error }`. */
  q: string;
  start?: number | Date;
  end?: number | Date;
  limit?: number;
  /** Spans per span set. */
  spss?: number;
}

export class TempoClient {
  readonly http: HttpBackend;
  private readonly getter: ParsedGetter;

  constructor(opts: TempoClientOptions | HttpBackend) {
    if (opts instanceof HttpBackend) this.http = opts;
    else {
      const { tenant, ...rest } = opts;
      const headers = { ...(rest.headers ?? {}), ...(tenant ? { 'X-Scope-OrgID': tenant } : {}) };
      this.http = new HttpBackend({ backendName: 'Tempo', ...rest, headers });
    }
    this.getter = new ParsedGetter(this.http);
  }

  onRequest(listener: RequestListener): () => void {
    return this.http.onRequest(listener);
  }

  /** v1 `/api/traces/{id}` (`{batches}` OTLP JSON). 404 or an empty answer → "Trace … not found". */
  getTrace(traceId: string, opts: CallOptions & { start?: number | Date; end?: number | Date } = {}): Promise<Trace> {
    return this.trace(`/api/traces/${encodeURIComponent(traceId)}`, traceId, opts);
  }

  /** v2 `/api/v2/traces/{id}` (`{trace:{resourceSpans}}`). 404 or an empty answer → "Trace … not found". */
  getTraceV2(traceId: string, opts: CallOptions & { start?: number | Date; end?: number | Date } = {}): Promise<Trace> {
    return this.trace(`/api/v2/traces/${encodeURIComponent(traceId)}`, traceId, opts);
  }

  /** `/api/search?q=<TraceQL>&start&end&limit&spss`. */
  search(query: TempoSearchQuery, opts: CallOptions = {}): Promise<TempoSearchResult> {
    return this.getter.get(
      '/api/search',
      { q: query.q, start: sec(query.start), end: sec(query.end), limit: query.limit, spss: query.spss },
      parseTempoSearch,
      opts,
    );
  }

  /** v1 `/api/search/tag/{tag}/values` (e.g. `service.name`). */
  tagValues(tag: string, opts: CallOptions & { start?: number | Date; end?: number | Date } = {}): Promise<TagValue[]> {
    return this.getter.get(
      `/api/search/tag/${encodeURIComponent(tag)}/values`,
      { start: sec(opts.start), end: sec(opts.end) },
      parseTempoTagValues,
      opts,
    );
  }

  /** v2 `/api/v2/search/tag/{scoped tag}/values` (e.g. `resource.service.name`), optionally filtered by TraceQL `q`. */
  tagValuesV2(tag: string, opts: CallOptions & { q?: string; start?: number | Date; end?: number | Date } = {}): Promise<TagValue[]> {
    return this.getter.get(
      `/api/v2/search/tag/${encodeURIComponent(tag)}/values`,
      { q: opts.q, start: sec(opts.start), end: sec(opts.end) },
      parseTempoTagValues,
      opts,
    );
  }

  private async trace(path: string, traceId: string, opts: CallOptions & { start?: number | Date; end?: number | Date }): Promise<Trace> {
    const what = `Trace ${shortId(traceId)} not found`;
    const t = await this.getter.get(path, { start: sec(opts.start), end: sec(opts.end) }, (d) => parseOtlpTrace(d, traceId), {
      ...opts,
      notFound: what,
    });
    if (t.spans.length === 0) throw this.getter.notFound(path, what);
    return t;
  }
}
