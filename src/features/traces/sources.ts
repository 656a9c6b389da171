/**
 * The trace backends the explorer and the waterfall read: the local OTLP receiver (through its Jaeger
 * api_v3 query API, with the same JaegerClient as a remote Jaeger) and the remote Jaeger or Tempo of the
 * settings. Clients are built from the settings on use and kept while the settings stay the same. A remote
 * backend's URL, auth kind and tenant come through EndpointTrust (a workspace's override needs confirmation),
 * its credentials from the per-origin CredentialStore (SecretStorage), as for Prometheus.
 */
import { JaegerClient } from '../../backends/jaeger';
import { TempoClient } from '../../backends/tempo';
import { BackendError } from '../../backends/errors';
import { httpProxy, maxResponseBytes, tracesSettings } from '../../config';
import type { CredentialStore } from '../../backends/credentials';
import type { EndpointTrust } from '../trust';
import { summarizeTrace, type Trace, type TraceSummary } from '../../core/traces/model';
import type { TraceBackendKind } from '../../webview/protocol/waterfall';
import type { LocalReceiver } from '../receiver/localReceiver';

/** How far back the explorer looks, and how many traces per operation it lists. */
export const RECENT_WINDOW_MS = 60 * 60 * 1000;
export const RECENT_LIMIT = 20;
const TIMEOUT_MS = 10_000;
/** The local receiver's answers are bounded by its span budget, not by `http.maxResponseMB` (a remote backend's cap). */
const LOCAL_MAX_RESPONSE_BYTES = 1024 * 1024 * 1024;

export const BACKEND_LABEL: Record<TraceBackendKind, string> = { local: 'Local OTLP receiver', jaeger: 'Jaeger', tempo: 'Tempo' };

type Call = { signal?: AbortSignal };
/** A plain-text 404 on a search: the server has no such API (Jaeger without api_v3). */
const noApi = (e: unknown) => e instanceof BackendError && e.kind === 'http' && e.status === 404;
/**
 * Any 404 on a trace lookup: the trace is not there, or the server has no such API (Jaeger without api_v3,
 * Tempo without /api/v2; a lookup maps both to "not found"). The older API is asked; it says "not found" again if so.
 */
const is404 = (e: unknown) => e instanceof BackendError && e.status === 404;

export class TraceSources {
  private cached: { key: string; client: JaegerClient | TempoClient } | undefined;

  constructor(
    private readonly receiver: LocalReceiver,
    private readonly trust: EndpointTrust,
    private readonly credentials: CredentialStore,
  ) {}

  /** The backends to show: the running local receiver first, then the configured remote one. */
  available(): TraceBackendKind[] {
    const out: TraceBackendKind[] = [];
    if (this.receiver.current) out.push('local');
    const remote = tracesSettings().backend;
    if (remote !== 'none') out.push(remote);
    return out;
  }

  private async client(kind: TraceBackendKind): Promise<JaegerClient | TempoClient> {
    if (kind === 'local') {
      const query = this.receiver.current?.listeners.find((l) => l.kind === 'query');
      if (!query)
        throw new BackendError('unreachable', 'The local OTLP receiver is not running: run "Telemetry Lens: Start Local OTLP Receiver"', {
          backend: BACKEND_LABEL.local,
          target: 'localhost',
        });
      // Loopback: no proxy, no credentials.
      return new JaegerClient({
        baseUrl: query.url,
        backendName: BACKEND_LABEL.local,
        timeoutMs: TIMEOUT_MS,
        maxResponseBytes: LOCAL_MAX_RESPONSE_BYTES,
      });
    }
    const s = this.trust.traceBackend(kind);
    const auth = await this.credentials.authFor(s.url, s.auth);
    const proxy = httpProxy();
    const maxBytes = maxResponseBytes();
    const key = JSON.stringify([kind, s.url, proxy, auth, s.tenant, maxBytes]);
    if (this.cached?.key !== key) {
      const opts = {
        baseUrl: s.url,
        timeoutMs: TIMEOUT_MS,
        maxResponseBytes: maxBytes,
        auth,
        credentialsHint: 'run "Telemetry Lens: Set Jaeger/Tempo Credentials"',
        ...(proxy ? { proxy } : {}),
      };
      this.cached = {
        key,
        client:
          kind === 'jaeger'
            ? new JaegerClient({ ...opts, ...(s.tenant ? { headers: { 'x-tenant': s.tenant } } : {}) })
            : new TempoClient({ ...opts, ...(s.tenant ? { tenant: s.tenant } : {}) }),
      };
    }
    return this.cached.client;
  }

  /** A whole trace; Jaeger api_v3 first, Tempo v2 first; the older API (v1) after a 404. */
  async getTrace(kind: TraceBackendKind, traceId: string, opts: Call = {}): Promise<Trace> {
    const c = await this.client(kind);
    if (c instanceof JaegerClient)
      return c
        .getTraceV3(traceId, opts)
        .catch((e: unknown) => (kind !== 'local' && is404(e) ? c.getTrace(traceId, opts) : Promise.reject(e)));
    return c.getTraceV2(traceId, opts).catch((e: unknown) => (is404(e) ? c.getTrace(traceId, opts) : Promise.reject(e)));
  }

  async services(kind: TraceBackendKind, opts: Call = {}): Promise<string[]> {
    const c = await this.client(kind);
    const names =
      c instanceof JaegerClient ? await c.services(opts) : (await c.tagValuesV2('resource.service.name', opts)).map((v) => v.value);
    return [...new Set(names)].sort();
  }

  /** Operation (span) names of a service: Jaeger's server spans first; Tempo's root span names of recent traces. */
  async operations(kind: TraceBackendKind, service: string, opts: Call = {}): Promise<string[]> {
    const c = await this.client(kind);
    if (c instanceof JaegerClient) {
      const ops = await c.operations(service, opts);
      const server = ops.filter((o) => o.spanKind === 'server');
      return [...new Set((server.length ? server : ops).map((o) => o.name))].sort();
    }
    const found = await this.recent(kind, service, undefined, opts);
    return [...new Set(found.filter((t) => t.rootService === service && t.rootName).map((t) => t.rootName!))].sort();
  }

  /** Recent traces of a service (and operation) in the last hour, newest first; Jaeger's v1 search if it has no api_v3 search. */
  async recent(kind: TraceBackendKind, service: string, operation: string | undefined, opts: Call = {}): Promise<TraceSummary[]> {
    const c = await this.client(kind);
    const end = Date.now();
    const start = end - RECENT_WINDOW_MS;
    if (c instanceof JaegerClient) {
      const q = { service, ...(operation ? { operation } : {}), start: new Date(start), end: new Date(end), limit: RECENT_LIMIT };
      const traces = await c
        .findTracesV3(q, opts)
        .catch((e: unknown) => (kind !== 'local' && noApi(e) ? c.findTraces(q, opts).then((r) => r.traces) : Promise.reject(e)));
      return traces.map(summarizeTrace).sort((a, b) => b.startUs - a.startUs);
    }
    const q = `{ resource.service.name = ${JSON.stringify(service)}${operation ? ` && name = ${JSON.stringify(operation)}` : ''} }`;
    const r = await c.search({ q, start: new Date(start), end: new Date(end), limit: RECENT_LIMIT }, opts);
    return r.traces.sort((a, b) => b.startUs - a.startUs);
  }

  /** The backend UI's page of a trace (`telemetryLens.traces.uiUrl` with `{traceId}`), for remote backends. */
  uiUrl(kind: TraceBackendKind, traceId: string): string | undefined {
    const template = tracesSettings().uiUrl;
    if (kind === 'local' || !template || !/^https?:\/\//i.test(template)) return undefined;
    return template.includes('{traceId}')
      ? template.split('{traceId}').join(encodeURIComponent(traceId))
      : `${template.replace(/\/+$/, '')}/trace/${encodeURIComponent(traceId)}`;
  }
}
