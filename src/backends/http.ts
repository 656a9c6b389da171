/**
 * Shared HTTP layer for every backend (Prometheus now; Jaeger, Tempo, Loki, a local OTLP receiver later).
 * Pure Node + axios, no `vscode`: the extension reads settings/SecretStorage and passes values in.
 *
 * - base URL may carry a path prefix (Mimir: https://mimir.example/prometheus)
 * - auth none | bearer | basic (secrets never logged nor put in error messages)
 * - extra headers (X-Scope-OrgID …), custom CA (PEM contents), explicit insecureSkipVerify
 * - proxy URL (VS Code `http.proxy` style) with `http.noProxy` exceptions, total timeout, caller AbortSignal
 * - a cap on the DECOMPRESSED response size, counted while streaming (a gzip bomb stops early)
 * - no redirects: a redirect to another origin would carry the credentials and custom headers along
 * - every failure becomes a typed BackendError with a short message
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { BackendError, type BackendErrorDetails } from './errors';
import { redactUrls } from '../core/untrusted';
import { trimSlashes } from '../core/routes/paths';

export type BackendAuth = { type: 'none' } | { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };

export interface HttpBackendOptions {
  /** e.g. http://127.0.0.1:9090 or https://mimir.example.com/prometheus (path prefix kept). */
  baseUrl: string;
  /** Display name used in messages ("Prometheus", "Jaeger", …). Default "Backend". */
  backendName?: string;
  auth?: BackendAuth;
  /** Extra headers, e.g. { 'X-Scope-OrgID': 'tenant-1' }. */
  headers?: Record<string, string>;
  /** Custom CA certificate(s), PEM file CONTENTS (not paths). */
  ca?: string | string[];
  /** Explicit opt-in to skip TLS verification (self-signed dev setups). */
  insecureSkipVerify?: boolean;
  /** Proxy URL (`http://user:pass@proxy:3128`), like VS Code's `http.proxy`. Env proxies are ignored. */
  proxy?: string;
  /** Hosts reached directly despite `proxy`, like VS Code's `http.noProxy` (`example.com`, `.corp`, `*.corp`, `10.0.0.1`). */
  noProxy?: string[];
  /** Largest accepted response body after decompression, in bytes. Default 32 MiB. */
  maxResponseBytes?: number;
  /** Total time per request (ms). Default 10 000. */
  timeoutMs?: number;
  /** What to do on 401/403, appended after " — ", e.g. "run Telemetry Lens: Set Prometheus Credentials". */
  credentialsHint?: string;
  /** Keep the text of a plain-text error body (Loki answers parse errors as text/plain 400): an `api-error`
   * `<name> error (<status>): <text>` instead of the bare status. 404 keeps the generic message. */
  textErrors?: boolean;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  /** Query string (GET) or form body (POST). Arrays repeat the key (`match[]=a&match[]=b`). */
  params?: Record<string, string | number | string[] | undefined>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  data: unknown;
}

/** Observes every request actually sent (bench / tests / debug log); never receives headers. */
export type RequestListener = (info: { method: string; path: string }) => void;

export class HttpBackend {
  readonly backendName: string;
  /** host:port[/prefix] for messages. */
  readonly target: string;
  readonly baseUrl: string;
  private readonly axios: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly credentialsHint: string | undefined;
  private readonly textErrors: boolean;
  readonly maxResponseBytes: number;
  private readonly listeners = new Set<RequestListener>();
  private readonly headers: Record<string, string>;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(opts: HttpBackendOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new BackendError(
        'unreachable',
        `${opts.backendName ?? 'Backend'} URL is invalid: ${JSON.stringify(redactUrls(String(opts.baseUrl)))}`,
        {
          backend: opts.backendName ?? 'Backend',
          target: redactUrls(String(opts.baseUrl)),
          code: 'ERR_INVALID_URL',
        },
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BackendError('unreachable', `${opts.backendName ?? 'Backend'} URL must start with http:// or https://`, {
        backend: opts.backendName ?? 'Backend',
        target: url.host,
        code: 'ERR_INVALID_URL',
      });
    }
    this.backendName = opts.backendName ?? 'Backend';
    const prefix = trimSlashes(url.pathname, 'end');
    this.target = `${url.host}${prefix}`;
    // Credentials embedded in the URL become basic auth unless auth is given explicitly.
    let auth = opts.auth ?? { type: 'none' };
    if (auth.type === 'none' && (url.username || url.password)) {
      auth = { type: 'basic', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    url.pathname = `${prefix}/`;
    this.baseUrl = url.toString().replace(/\/$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.credentialsHint = opts.credentialsHint;
    this.textErrors = !!opts.textErrors;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    if (auth.type === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
    if (auth.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;

    const tls: https.AgentOptions = { keepAlive: true };
    if (opts.ca) tls.ca = opts.ca;
    if (opts.insecureSkipVerify) tls.rejectUnauthorized = false;
    let httpAgent: http.Agent;
    let httpsAgent: https.Agent;
    if (opts.proxy && !bypassesProxy(url.hostname, opts.noProxy ?? [])) {
      httpAgent = new HttpProxyAgent(opts.proxy, { keepAlive: true }) as unknown as http.Agent;
      httpsAgent = new TlsHttpsProxyAgent(opts.proxy, tls) as unknown as https.Agent;
    } else {
      httpAgent = new http.Agent({ keepAlive: true });
      httpsAgent = new https.Agent(tls);
    }
    this.headers = headers;
    this.agents = { http: httpAgent, https: httpsAgent };
    this.axios = axios.create({
      baseURL: this.baseUrl,
      headers,
      httpAgent,
      httpsAgent,
      proxy: false, // never pick up env proxies implicitly: the caller passes `proxy`
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxRedirects: 0,
      decompress: true,
      // Counted on the decompressed stream as it arrives; the request is destroyed past the limit.
      maxContentLength: this.maxResponseBytes,
      maxBodyLength: this.maxResponseBytes,
    });
  }

  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A WebSocket on this backend (Loki live tail): ws(s) URL, the same headers (auth, tenant …) and the
   * same agent (custom CA, insecure TLS, proxy). Never put in messages: the headers hold the credentials. */
  webSocketTarget(
    path: string,
    params: RequestOptions['params'] = {},
  ): { url: string; headers: Record<string, string>; agent: http.Agent } {
    const fullPath = path.startsWith('/') ? path : `/${path}`;
    const encoded = encodeParams(params);
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${fullPath}${encoded ? `?${encoded}` : ''}`;
    for (const l of this.listeners) l({ method: 'GET', path: fullPath });
    return { url, headers: { ...this.headers }, agent: this.baseUrl.startsWith('https:') ? this.agents.https : this.agents.http };
  }

  /** Sends a request and returns parsed JSON with its status; non-2xx JSON bodies are returned too
   * (backends interpret their own error envelopes). Throws BackendError for everything else. */
  async requestJson(path: string, opts: RequestOptions = {}): Promise<JsonResponse> {
    const method = opts.method ?? 'GET';
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, timeoutMs);
    const onAbort = () => ctl.abort();
    if (opts.signal) {
      if (opts.signal.aborted) {
        clearTimeout(timer);
        throw this.error('cancelled', `${this.backendName} request cancelled`, { path });
      }
      opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    const encoded = encodeParams(opts.params ?? {});
    const fullPath = path.startsWith('/') ? path : `/${path}`;
    for (const l of this.listeners) l({ method, path: fullPath });
    let res: AxiosResponse<string>;
    const send = (): Promise<AxiosResponse<string>> =>
      this.axios.request<string>({
        method,
        url: method === 'GET' && encoded ? `${fullPath}?${encoded}` : fullPath,
        data: method === 'POST' ? encoded : undefined,
        headers: method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined,
        signal: ctl.signal,
      });
    try {
      // A kept-alive connection that the server closed meanwhile (it restarted, say) fails at once with a reset:
      // every request here only reads, so it goes again, on a fresh connection, a bounded number of times.
      for (let attempt = 1; ; attempt++) {
        try {
          res = await send();
          break;
        } catch (e) {
          if (attempt > STALE_CONNECTION_RETRIES || timedOut || ctl.signal.aborted || !isStaleConnection(e)) throw e;
        }
      }
    } catch (e) {
      if (timedOut)
        throw this.error('timeout', `${this.backendName} did not answer within ${formatMs(timeoutMs)} (${this.target})`, { path });
      if (opts.signal?.aborted) throw this.error('cancelled', `${this.backendName} request cancelled`, { path });
      if (isTooLarge(e)) {
        const mib = Math.round((this.maxResponseBytes / 1048576) * 10) / 10;
        throw this.error(
          'too-large',
          `${this.backendName} answered more than ${mib} MiB (${this.target}${fullPath}) — narrow the query or raise telemetryLens.http.maxResponseMB`,
          { path: fullPath },
        );
      }
      throw this.transportError(e, fullPath);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    return this.interpret(res, fullPath);
  }

  private interpret(res: AxiosResponse<string>, path: string): JsonResponse {
    const status = res.status;
    if (status >= 300 && status < 400) {
      throw this.error('http', `${this.backendName} answered a redirect (${status}); set the URL it redirects to (${this.target}${path})`, {
        path,
        status,
      });
    }
    if (status === 401 || status === 403) {
      const hint = this.credentialsHint ? ` — ${this.credentialsHint}` : '';
      const what = status === 401 ? 'rejected the credentials' : 'denied access';
      throw this.error('auth', `${this.backendName} ${what} (${status})${hint}`, { path, status });
    }
    const body = typeof res.data === 'string' ? res.data : String(res.data ?? '');
    const ctype = String(res.headers['content-type'] ?? '');
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      const text = body.replace(/\s+/g, ' ').trim();
      if (status >= 400 && status !== 404 && this.textErrors && text && !/html/i.test(ctype) && !text.startsWith('<')) {
        const shown = text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
        throw this.error('api-error', `${this.backendName} error (${status}): ${shown}`, { path, status });
      }
      if (status >= 400) throw this.httpStatusError(status, path);
      if (/html/i.test(ctype) || /^\s*</.test(body)) {
        throw this.error(
          'not-json',
          `${this.backendName} answered HTML, not the API — is the URL pointing at the UI or a proxy login page?`,
          { path, status },
        );
      }
      throw this.error('not-json', `${this.backendName} answered invalid JSON (${this.target}${path})`, { path, status });
    }
    return { status, data };
  }

  /** `http` error for a non-2xx status (used by backends when the body is not their error envelope). */
  httpStatusError(status: number, path: string): BackendError {
    const text = http.STATUS_CODES[status];
    return this.error('http', `${this.backendName} answered HTTP ${status}${text ? ` ${text}` : ''} (${this.target}${path})`, {
      path,
      status,
    });
  }

  error(kind: BackendError['kind'], message: string, extra: Partial<BackendErrorDetails> = {}): BackendError {
    return new BackendError(kind, message, { backend: this.backendName, target: this.target, ...extra });
  }

  private transportError(e: unknown, path: string): BackendError {
    const code = errorCode(e);
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'DNS lookup failed',
      ECONNRESET: 'connection reset',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      EPIPE: 'connection closed',
      ETIMEDOUT: 'connection timed out',
      DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate — set a CA certificate or allow insecure TLS',
      SELF_SIGNED_CERT_IN_CHAIN: 'self-signed TLS certificate in chain — set a CA certificate or allow insecure TLS',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted — set a CA certificate',
      UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS certificate not trusted — set a CA certificate',
      CERT_HAS_EXPIRED: 'TLS certificate expired',
      ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
      EPROTO: 'TLS handshake failed (http vs https?)',
    };
    const reason = (code && reasons[code]) ?? (code ? code : e instanceof Error ? e.message : 'network error');
    return this.error('unreachable', `${this.backendName} unreachable at ${this.target} (${reason})`, {
      path,
      ...(code ? { code } : {}),
    });
  }
}

/** https-proxy-agent applies its constructor options to the PROXY connection only; the target's TLS
 * (custom CA, insecureSkipVerify) must be added to each tunnelled connection. */
class TlsHttpsProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly targetTls: https.AgentOptions,
  ) {
    super(proxy, { keepAlive: true });
  }
  override connect(req: http.ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    const extra: Record<string, unknown> = {};
    if (this.targetTls.ca) extra.ca = this.targetTls.ca;
    if (this.targetTls.rejectUnauthorized === false) extra.rejectUnauthorized = false;
    return super.connect(req, { ...opts, ...extra } as typeof opts);
  }
}

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Longest backend error text kept in a message (one line). */
const MAX_ERROR_TEXT = 500;

/** axios' maxContentLength / maxBodyLength failures. */
function isTooLarge(e: unknown): boolean {
  return e instanceof Error && /^maxContentLength size of \d+ exceeded$/.test(e.message);
}

/** Whether `host` matches a `http.noProxy` entry (exact host, domain suffix `.corp` / `*.corp`, or `*`). */
export function bypassesProxy(host: string, noProxy: string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.some((raw) => {
    const e = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!e) return false;
    if (e === '*') return true;
    const suffix = e.startsWith('*.') ? e.slice(1) : e.startsWith('.') ? e : undefined;
    return suffix ? h.endsWith(suffix) || h === suffix.slice(1) : h === e;
  });
}

/** Retries of a request whose kept-alive connection turned out to be closed (one per pooled socket, at most). */
const STALE_CONNECTION_RETRIES = 3;

function isStaleConnection(e: unknown): boolean {
  const code = errorCode(e);
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function errorCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (x: unknown): string | undefined => {
    if (!x || typeof x !== 'object' || seen.has(x)) return undefined;
    seen.add(x);
    const o = x as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === 'string' && !o.code.startsWith('ERR_BAD_') && o.code !== 'ERR_NETWORK') return o.code;
    return visit(o.cause) ?? (Array.isArray(o.errors) ? o.errors.map(visit).find(Boolean) : undefined);
  };
  return visit(e);
}

export function encodeParams(params: RequestOptions['params']): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.append(k, String(v));
  }
  return sp.toString();
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
