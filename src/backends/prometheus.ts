/**
 * Prometheus HTTP API client (also Mimir/Thanos/VictoriaMetrics-compatible). Pure, no `vscode`.
 * Validates the envelope and result shapes at the boundary; identical in-flight requests are shared.
 */
import { encodeParams, HttpBackend, type HttpBackendOptions, type RequestListener } from './http';
import { BackendError } from './errors';
import { Inflight } from '../core/inflight';
import type {
  Alert,
  CallOptions,
  ExemplarSeries,
  Labels,
  MatrixSeries,
  MetricMetadata,
  PrometheusQueries,
  PromResult,
  PromTime,
  QueryData,
  SamplePair,
  VectorSample,
} from '../core/metrics/prometheusApi';

/** Default `limit` of series, labels and label-values calls. */
const LIST_LIMIT = 10_000;

export interface PrometheusClientOptions extends Omit<HttpBackendOptions, 'backendName' | 'credentialsHint'> {
  backendName?: string;
  credentialsHint?: string;
}

export class PrometheusClient implements PrometheusQueries {
  readonly http: HttpBackend;
  private readonly inflight = new Inflight<PromResult<unknown>>();

  constructor(opts: PrometheusClientOptions | HttpBackend) {
    this.http =
      opts instanceof HttpBackend
        ? opts
        : new HttpBackend({
            backendName: 'Prometheus',
            credentialsHint: 'run Telemetry Lens: Set Prometheus Credentials',
            ...opts,
          });
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  onRequest(listener: RequestListener): () => void {
    return this.http.onRequest(listener);
  }

  async query(expr: string, opts: CallOptions & { time?: PromTime } = {}): Promise<PromResult<QueryData>> {
    return this.call('POST', '/api/v1/query', { query: expr, time: opts.time }, isQueryData, opts);
  }

  /** Instant query that must return a vector (the common case). */
  async queryVector(expr: string, opts: CallOptions & { time?: PromTime } = {}): Promise<PromResult<VectorSample[]>> {
    const r = await this.query(expr, opts);
    if (r.data.resultType !== 'vector') throw this.badPayload('/api/v1/query', `expected a vector, got ${r.data.resultType}`);
    return { data: r.data.result, warnings: r.warnings };
  }

  async queryRange(
    expr: string,
    opts: CallOptions & { start: PromTime; end: PromTime; step: number | string },
  ): Promise<PromResult<MatrixSeries[]>> {
    const r = await this.call(
      'POST',
      '/api/v1/query_range',
      { query: expr, start: opts.start, end: opts.end, step: opts.step },
      isQueryData,
      opts,
    );
    if (r.data.resultType !== 'matrix') throw this.badPayload('/api/v1/query_range', `expected a matrix, got ${r.data.resultType}`);
    return { data: r.data.result, warnings: r.warnings };
  }

  async queryExemplars(expr: string, opts: CallOptions & { start: PromTime; end: PromTime }): Promise<PromResult<ExemplarSeries[]>> {
    return this.call('POST', '/api/v1/query_exemplars', { query: expr, start: opts.start, end: opts.end }, isExemplarData, opts);
  }

  // series, labels and label values carry `limit` (Prometheus 2.54+; older servers ignore it): a
  // high-cardinality label must not answer millions of entries. The response size cap backs it up.
  async series(
    match: string[],
    opts: CallOptions & { start?: PromTime; end?: PromTime; limit?: number } = {},
  ): Promise<PromResult<Labels[]>> {
    return this.call(
      'POST',
      '/api/v1/series',
      { 'match[]': match, start: opts.start, end: opts.end, limit: opts.limit ?? LIST_LIMIT },
      isLabelsArray,
      opts,
    );
  }

  async labels(
    opts: CallOptions & { match?: string[]; start?: PromTime; end?: PromTime; limit?: number } = {},
  ): Promise<PromResult<string[]>> {
    return this.call(
      'POST',
      '/api/v1/labels',
      { 'match[]': opts.match, start: opts.start, end: opts.end, limit: opts.limit ?? LIST_LIMIT },
      isStringArray,
      opts,
    );
  }

  async labelValues(
    label: string,
    opts: CallOptions & { match?: string[]; start?: PromTime; end?: PromTime; limit?: number } = {},
  ): Promise<PromResult<string[]>> {
    return this.call(
      'GET',
      `/api/v1/label/${encodeURIComponent(label)}/values`,
      { 'match[]': opts.match, start: opts.start, end: opts.end, limit: opts.limit ?? LIST_LIMIT },
      isStringArray,
      opts,
    );
  }

  async metadata(opts: CallOptions & { metric?: string; limit?: number } = {}): Promise<PromResult<Record<string, MetricMetadata[]>>> {
    return this.call('GET', '/api/v1/metadata', { metric: opts.metric, limit: opts.limit }, isMetadata, opts);
  }

  async alerts(opts: CallOptions = {}): Promise<PromResult<Alert[]>> {
    const r = await this.call('GET', '/api/v1/alerts', {}, isAlertsData, opts);
    return { data: r.data.alerts, warnings: r.warnings };
  }

  cancelledError(message: string): BackendError {
    return this.http.error('cancelled', message);
  }

  /** Prometheus UI graph link for "Open in Prometheus". */
  graphUrl(expr: string, opts: { time?: number; range?: string } = {}): string {
    const p: Record<string, string> = {
      'g0.expr': expr,
      'g0.tab': '0',
      'g0.range_input': opts.range ?? '1h',
    };
    if (opts.time !== undefined)
      p['g0.end_input'] = new Date(opts.time * 1000)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '');
    return `${this.http.baseUrl}/graph?${new URLSearchParams(p).toString()}`;
  }

  // ---------------------------------------------------------------------------------------------

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number | string[] | undefined>,
    guard: (d: unknown) => d is T,
    opts: CallOptions,
  ): Promise<PromResult<T>> {
    const key = `${method} ${path}?${encodeParams(params)}`;
    const cancelled = () => this.http.error('cancelled', 'Prometheus request cancelled', { path });
    return (await this.inflight.run(
      key,
      (signal) => this.send(method, path, params, guard, signal, opts.timeoutMs),
      opts.signal,
      cancelled,
    )) as PromResult<T>;
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number | string[] | undefined>,
    guard: (d: unknown) => d is T,
    signal: AbortSignal,
    timeoutMs: number | undefined,
  ): Promise<PromResult<T>> {
    const res = await this.http.requestJson(path, { method, params, signal, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    const env = res.data;
    if (!isObject(env) || typeof env.status !== 'string') {
      if (res.status >= 300) throw this.http.httpStatusError(res.status, path);
      throw this.badPayload(path, 'no "status" field in the answer');
    }
    const warnings = Array.isArray(env.warnings) ? env.warnings.filter((w): w is string => typeof w === 'string') : [];
    if (env.status === 'error') {
      const errorType = typeof env.errorType === 'string' ? env.errorType : 'unknown';
      const err = typeof env.error === 'string' ? env.error : 'unknown error';
      throw this.http.error('api-error', `Prometheus rejected the query (${errorType}): ${truncate(err, 200)}`, {
        path,
        errorType,
        status: res.status,
      });
    }
    if (env.status !== 'success') throw this.badPayload(path, `unexpected status ${JSON.stringify(env.status)}`);
    if (res.status >= 300) throw this.http.httpStatusError(res.status, path);
    if (!guard(env.data)) throw this.badPayload(path, 'unexpected "data" shape');
    return { data: env.data, warnings };
  }

  private badPayload(path: string, why: string): BackendError {
    return this.http.error(
      'bad-payload',
      `Prometheus answered an unexpected payload on ${path} (${why}) — is this a Prometheus-compatible API?`,
      {
        path,
      },
    );
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

// --- type guards -----------------------------------------------------------------------------

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function isLabels(x: unknown): x is Labels {
  return isObject(x) && Object.values(x).every((v) => typeof v === 'string');
}
function isSamplePair(x: unknown): x is SamplePair {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'string';
}
function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}
function isLabelsArray(x: unknown): x is Labels[] {
  return Array.isArray(x) && x.every(isLabels);
}
export function isQueryData(x: unknown): x is QueryData {
  if (!isObject(x)) return false;
  switch (x.resultType) {
    case 'vector':
      // Native-histogram samples carry `histogram` instead of `value`; keep only float samples valid here.
      return (
        Array.isArray(x.result) && x.result.every((s) => isObject(s) && isLabels(s.metric) && (isSamplePair(s.value) || 'histogram' in s))
      );
    case 'matrix':
      return (
        Array.isArray(x.result) &&
        x.result.every(
          (s) => isObject(s) && isLabels(s.metric) && (s.values === undefined || (Array.isArray(s.values) && s.values.every(isSamplePair))),
        )
      );
    case 'scalar':
    case 'string':
      return isSamplePair(x.result);
    default:
      return false;
  }
}
function isExemplarData(x: unknown): x is ExemplarSeries[] {
  return (
    Array.isArray(x) &&
    x.every(
      (s) =>
        isObject(s) &&
        isLabels(s.seriesLabels) &&
        Array.isArray(s.exemplars) &&
        s.exemplars.every((e) => isObject(e) && isLabels(e.labels) && typeof e.value === 'string' && typeof e.timestamp === 'number'),
    )
  );
}
function isMetadata(x: unknown): x is Record<string, MetricMetadata[]> {
  return (
    isObject(x) &&
    Object.values(x).every(
      (v) => Array.isArray(v) && v.every((m) => isObject(m) && typeof m.type === 'string' && typeof m.help === 'string'),
    )
  );
}
function isAlertsData(x: unknown): x is { alerts: Alert[] } {
  return (
    isObject(x) &&
    Array.isArray(x.alerts) &&
    x.alerts.every(
      (a) => isObject(a) && isLabels(a.labels) && (a.annotations === undefined || isLabels(a.annotations)) && typeof a.state === 'string',
    )
  );
}
