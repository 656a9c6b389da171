/**
 * Jaeger query client (v1 `/api/...` and api_v3 `/api/v3/...`) on the shared HttpBackend. Pure, no `vscode`.
 * Answers are validated by the pure parsers in `src/core/traces`; identical in-flight GETs are shared.
 *
 * Services and operations use api_v3 (`/api/v3/services`, `/api/v3/operations`): those are the
 * answers we have recorded; Jaeger v1's `/api/services` envelope has no recorded payload yet.
 */
import { HttpBackend, type HttpBackendOptions, type RequestListener } from './http';
import { BackendError } from './errors';
import { ParsedGetter, shortId, type CallOptions, type Params } from './parsedGetter';
import { parseJaegerTraces } from '../core/traces/jaeger';
import { parseOtlpTrace, parseOtlpTraces } from '../core/traces/otlp';
import { parseJaegerV3Operations, parseJaegerV3Services, type JaegerOperation } from '../core/traces/search';
import { summarizeTrace, type Trace, type TraceSummary } from '../core/traces/model';

// ---------------------------------------------------------------------------------------------

export interface JaegerClientOptions extends Omit<HttpBackendOptions, 'backendName'> {
  backendName?: string;
}

export interface JaegerFindQuery {
  service: string;
  operation?: string;
  /** Span tags to match, e.g. `{ error: 'true', 'http.status_code': '500' }` (sent as JSON). */
  tags?: Record<string, string>;
  /** Epoch µs or Date. */
  start?: number | Date;
  end?: number | Date;
  limit?: number;
  /** Jaeger duration strings, e.g. `100ms`, `1.5s`. */
  minDuration?: string;
  maxDuration?: string;
}

export interface JaegerFindResult {
  traces: Trace[];
  summaries: TraceSummary[];
  /** Envelope `errors` messages (partial failures). */
  errors: string[];
}

const us = (t: number | Date | undefined) => (t instanceof Date ? t.getTime() * 1000 : t);
const rfc3339 = (t: number | Date | undefined) =>
  t === undefined ? undefined : (t instanceof Date ? t : new Date(t / 1000)).toISOString();

export class JaegerClient {
  readonly http: HttpBackend;
  private readonly getter: ParsedGetter;

  constructor(opts: JaegerClientOptions | HttpBackend) {
    this.http = opts instanceof HttpBackend ? opts : new HttpBackend({ backendName: 'Jaeger', ...opts });
    this.getter = new ParsedGetter(this.http);
  }

  onRequest(listener: RequestListener): () => void {
    return this.http.onRequest(listener);
  }

  /** api_v3 `/api/v3/services`. */
  services(opts: CallOptions = {}): Promise<string[]> {
    return this.getter.get('/api/v3/services', {}, parseJaegerV3Services, opts);
  }

  /** api_v3 `/api/v3/operations?service=&span_kind=`. */
  operations(service: string, opts: CallOptions & { spanKind?: string } = {}): Promise<JaegerOperation[]> {
    return this.getter.get('/api/v3/operations', { service, span_kind: opts.spanKind }, parseJaegerV3Operations, opts);
  }

  /** v1 `/api/traces?service=&operation=&tags=&start=&end=&limit=` (full traces + summaries). */
  async findTraces(q: JaegerFindQuery, opts: CallOptions = {}): Promise<JaegerFindResult> {
    const params: Params = {
      service: q.service,
      operation: q.operation,
      tags: q.tags && Object.keys(q.tags).length ? JSON.stringify(q.tags) : undefined,
      start: us(q.start),
      end: us(q.end),
      limit: q.limit,
      minDuration: q.minDuration,
      maxDuration: q.maxDuration,
    };
    const r = await this.getter.get('/api/traces', params, parseJaegerTraces, opts);
    return { traces: r.traces, summaries: r.traces.map(summarizeTrace), errors: r.errors };
  }

  /** v1 `/api/traces/{id}`. 404 or an empty answer → "Trace … not found". */
  async getTrace(traceId: string, opts: CallOptions = {}): Promise<Trace> {
    const path = `/api/traces/${encodeURIComponent(traceId)}`;
    const what = `Trace ${shortId(traceId)} not found`;
    const r = await this.getter.get(path, {}, parseJaegerTraces, { ...opts, notFound: what });
    const want = traceId.toLowerCase().replace(/^0+/, '');
    const t = r.traces.find((x) => x.traceId.toLowerCase().replace(/^0+/, '') === want) ?? r.traces[0];
    if (!t || t.spans.length === 0) throw this.getter.notFound(path, what);
    return t;
  }

  /** api_v3 `/api/v3/traces/{id}` (OTLP JSON under `result`). 404 or an empty answer → "Trace … not found". */
  async getTraceV3(traceId: string, opts: CallOptions & { start?: number | Date; end?: number | Date } = {}): Promise<Trace> {
    const path = `/api/v3/traces/${encodeURIComponent(traceId)}`;
    const what = `Trace ${shortId(traceId)} not found`;
    const t = await this.getter.get(
      path,
      { start_time: rfc3339(opts.start), end_time: rfc3339(opts.end) },
      (d) => parseOtlpTrace(d, traceId),
      { ...opts, notFound: what },
    );
    if (t.spans.length === 0) throw this.getter.notFound(path, what);
    return t;
  }

  /**
   * api_v3 `/api/v3/traces?query.*` (FindTraces): every trace of the OTLP answer. Jaeger (and our receiver)
   * answer an empty search with 404 `{"error":{"httpCode":404,"message":"No traces found"}}`: an empty list.
   */
  async findTracesV3(
    q: {
      service: string;
      operation?: string;
      start: number | Date;
      end: number | Date;
      limit?: number;
      attributes?: Record<string, string>;
    },
    opts: CallOptions = {},
  ): Promise<Trace[]> {
    const params: Params = {
      'query.service_name': q.service,
      'query.operation_name': q.operation,
      'query.start_time_min': rfc3339(q.start),
      'query.start_time_max': rfc3339(q.end),
      'query.search_depth': q.limit,
      // Newer Jaeger (api_v3 with query.attributes) takes a JSON map; the snake_case names above are the
      // long-standing spellings, still accepted as aliases by releases that moved to camelCase.
      'query.attributes': q.attributes && Object.keys(q.attributes).length ? JSON.stringify(q.attributes) : undefined,
    };
    try {
      return await this.getter.get('/api/v3/traces', params, parseOtlpTraces, opts);
    } catch (e) {
      // Only Jaeger's JSON error envelope (`api-error`) means "nothing matched"; a plain-text 404 (no api_v3
      // on this server) stays an error.
      if (e instanceof BackendError && e.kind === 'api-error' && e.status === 404) return [];
      throw e;
    }
  }
}
