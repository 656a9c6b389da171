/**
 * Typed settings. Every key contributed in package.json is read here (a unit test checks it), and all
 * reads go through these functions so features never spell setting names themselves.
 */
import * as vscode from 'vscode';
import { isPromDuration } from './core/metrics/conventions';
import { DEFAULT_ROUTE_LOGS_TEMPLATE, DEFAULT_TRACE_LOGS_TEMPLATE } from './core/logs/correlation';

const SECTION = 'telemetryLens';

export type AuthKind = 'none' | 'bearer' | 'basic';

/** The settings that decide where a request goes and what it carries: a workspace may not redirect them silently. */
export interface EndpointSettings {
  url: string;
  auth: AuthKind;
  headers: Record<string, string>;
}

/** The user-level (or default) endpoint and what the workspace or a workspace folder sets over it. */
export interface EndpointLayers {
  user: EndpointSettings;
  workspace: Partial<EndpointSettings>;
}

export interface PrometheusSettings extends EndpointSettings {
  caFile: string;
  insecureSkipVerify: boolean;
  timeoutMs: number;
}

export interface MetricsSettings {
  window: string;
  refreshIntervalMs: number;
  /** Unix seconds, or undefined for "now". */
  evaluationTime: number | undefined;
  codeLensEnabled: boolean;
  grafanaUrl: string;
}

export interface FolderMetricsSettings {
  serviceSelector: string;
  convention: string;
  customQueries: { rate?: string; errorRatio?: string; latency?: string };
}

export interface RoutesSettings {
  exclude: string[];
  maxFileBytes: number;
}

export interface InstrumentSettings {
  metricPrefix: string;
  labels: string[];
  buckets: number[];
  tracerName: string;
  spanNameTemplate: string;
  style: 'wrapper' | 'inline';
  inFlightGauge: boolean;
  lintEnabled: boolean;
}

export interface ReceiverSettings {
  enabled: boolean;
  grpcPort: number;
  httpPort: number;
  queryPort: number;
  maxSpans: number;
}

export interface AlertRuleSettings {
  errorRatio: number;
  latencySeconds: number;
  latencyQuantile: number;
  for: string;
  runbookUrl: string;
}

function cfg(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

export function prometheusSettings(): PrometheusSettings {
  const c = cfg();
  return {
    url: c.get<string>('prometheus.url', 'http://localhost:9090').trim(),
    auth: c.get<AuthKind>('prometheus.auth', 'none'),
    headers: c.get<Record<string, string>>('prometheus.headers', {}),
    caFile: c.get<string>('prometheus.caFile', ''),
    insecureSkipVerify: c.get<boolean>('prometheus.insecureSkipVerify', false),
    timeoutMs: Math.max(1, c.get<number>('prometheus.timeoutSeconds', 10)) * 1000,
  };
}

const ENDPOINT_DEFAULTS: EndpointSettings = { url: 'http://localhost:9090', auth: 'none', headers: {} };

/** Endpoint settings per level, from `inspect()` (workspace folder wins over workspace); `keys` names each field's setting. */
function endpointLayers<T extends { url: string }>(keys: Record<keyof T, string>, defaults: T): { user: T; workspace: Partial<T> } {
  const c = cfg();
  const user = { ...defaults };
  const workspace: Partial<T> = {};
  for (const field of Object.keys(keys) as (keyof T)[]) {
    const i = c.inspect<T[keyof T]>(keys[field]);
    const u = i?.globalValue ?? i?.defaultValue;
    if (u !== undefined) user[field] = u;
    const w = i?.workspaceFolderValue ?? i?.workspaceValue;
    if (w !== undefined) workspace[field] = w;
  }
  user.url = user.url.trim();
  if (workspace.url !== undefined) workspace.url = workspace.url.trim();
  return { user, workspace };
}

/** `prometheus.url`, `.auth`, `.headers` per level. */
export function prometheusEndpointLayers(): EndpointLayers {
  return endpointLayers({ url: 'prometheus.url', auth: 'prometheus.auth', headers: 'prometheus.headers' }, ENDPOINT_DEFAULTS);
}

/** Where Loki requests go and what they carry (`loki.url` empty: the panel shows the built-in receiver's logs). */
export interface LokiEndpoint {
  url: string;
  auth: AuthKind;
  tenant: string;
}

/** `loki.url`, `.auth`, `.tenant` per level. */
export function lokiEndpointLayers(): { user: LokiEndpoint; workspace: Partial<LokiEndpoint> } {
  return endpointLayers<LokiEndpoint>({ url: 'loki.url', auth: 'loki.auth', tenant: 'loki.tenant' }, { url: '', auth: 'none', tenant: '' });
}

export interface LogsSettings {
  /** LogQL of "Logs for this trace", with `${service}` and `${traceId}`. */
  traceQuery: string;
  /** LogQL of a route's "Logs", with `${service}` and `${route}`. */
  routeQuery: string;
  /** Most lines one query brings into the panel. */
  maxLines: number;
}

export function logsSettings(): LogsSettings {
  const c = cfg();
  return {
    traceQuery: c.get<string>('logs.traceQuery', DEFAULT_TRACE_LOGS_TEMPLATE).trim() || DEFAULT_TRACE_LOGS_TEMPLATE,
    routeQuery: c.get<string>('logs.routeQuery', DEFAULT_ROUTE_LOGS_TEMPLATE).trim() || DEFAULT_ROUTE_LOGS_TEMPLATE,
    maxLines: Math.min(100_000, Math.max(100, Math.floor(c.get<number>('logs.maxLines', 5000)))),
  };
}

/** The service name a workspace folder's logs carry (`logs.serviceName`), or undefined to use the folder's name. */
export function logsServiceName(folder: vscode.WorkspaceFolder | undefined): string | undefined {
  return cfg(folder?.uri).get<string>('logs.serviceName', '').trim() || undefined;
}

/** Stores how to authenticate to Loki (user settings). */
export async function setLokiAuth(kind: AuthKind): Promise<void> {
  await cfg().update('loki.auth', kind, vscode.ConfigurationTarget.Global);
}

/** Largest decompressed response body accepted from any backend, in bytes (`http.maxResponseMB`). */
export function maxResponseBytes(): number {
  return Math.min(1024, Math.max(1, cfg().get<number>('http.maxResponseMB', 32))) * 1024 * 1024;
}

/** The window pasted into PromQL `[…]`: a setting that is no duration (`5m]) or vector(1)`) is not used. */
function promDurationOr(raw: string, fallback: string): string {
  const s = raw.trim();
  return isPromDuration(s) ? s : fallback;
}

/** Parses RFC 3339 or Unix seconds; undefined for empty or unparsable input. */
export function parseEvaluationTime(raw: string): number | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

export function metricsSettings(): MetricsSettings {
  const c = cfg();
  return {
    window: promDurationOr(c.get<string>('metrics.window', '5m'), '5m'),
    refreshIntervalMs: Math.max(5, c.get<number>('metrics.refreshIntervalSeconds', 30)) * 1000,
    evaluationTime: parseEvaluationTime(c.get<string>('metrics.evaluationTime', '')),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    grafanaUrl: c.get<string>('grafana.url', ''),
  };
}

export function folderMetricsSettings(folder: vscode.WorkspaceFolder | undefined): FolderMetricsSettings {
  const c = cfg(folder?.uri);
  return {
    serviceSelector: c.get<string>('metrics.serviceSelector', ''),
    convention: c.get<string>('metrics.convention', 'auto'),
    customQueries: c.get<FolderMetricsSettings['customQueries']>('metrics.customQueries', {}),
  };
}

export function routesSettings(scope?: vscode.ConfigurationScope): RoutesSettings {
  return {
    exclude: cfg(scope).get<string[]>('routes.exclude', []),
    maxFileBytes: Math.min(16384, Math.max(16, cfg().get<number>('routes.maxFileSizeKB', 1024))) * 1024, // window-scoped
  };
}

export function instrumentSettings(scope?: vscode.ConfigurationScope): InstrumentSettings {
  const c = cfg(scope);
  return {
    metricPrefix: c.get<string>('instrument.metricPrefix', ''),
    labels: c.get<string[]>('instrument.labels', ['method', 'route', 'status']),
    buckets: c.get<number[]>('instrument.histogramBuckets', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    tracerName: c.get<string>('instrument.tracerName', 'telemetry-lens'),
    spanNameTemplate: c.get<string>('instrument.spanNameTemplate', '{method} {route}'),
    style: c.get<string>('instrument.style', 'wrapper') === 'inline' ? 'inline' : 'wrapper',
    inFlightGauge: c.get<boolean>('instrument.inFlightGauge', false) === true,
    lintEnabled: c.get<boolean>('lint.enabled', true),
  };
}

/** Thresholds of the generated HighErrorRate and SlowResponses rules (validated by the generator). */
export function alertRuleSettings(scope?: vscode.ConfigurationScope): AlertRuleSettings {
  const c = cfg(scope);
  return {
    errorRatio: c.get<number>('alerts.errorRatioThreshold', 0.05),
    latencySeconds: c.get<number>('alerts.latencyThresholdSeconds', 0.5),
    latencyQuantile: c.get<number>('alerts.latencyQuantile', 0.99),
    for: c.get<string>('alerts.for', '5m'),
    runbookUrl: c.get<string>('alerts.runbookUrl', '').trim(),
  };
}

/** A setting of VS Code itself (not one we contribute), e.g. `files.exclude`. */
function vscodeSetting<T>(section: string, key: string, scope?: vscode.ConfigurationScope): T | undefined {
  return vscode.workspace.getConfiguration(section, scope).get(key) as T | undefined;
}

/** The patterns of VS Code's `files.exclude` that are on, for a resource scope. */
export function filesExclude(scope?: vscode.ConfigurationScope): string[] {
  const on = vscodeSetting<Record<string, boolean>>('files', 'exclude', scope) ?? {};
  return Object.keys(on).filter((k) => on[k]);
}

/** VS Code's `http.proxy`, or undefined when unset. */
export function httpProxy(): string | undefined {
  return vscodeSetting<string>('http', 'proxy') || undefined;
}

/** VS Code's `http.noProxy`: hosts reached directly despite `http.proxy`. */
export function httpNoProxy(): string[] {
  return vscodeSetting<string[]>('http', 'noProxy') ?? [];
}

/** Stores how to authenticate to Prometheus (user settings). */
export async function setPrometheusAuth(kind: AuthKind): Promise<void> {
  await cfg().update('prometheus.auth', kind, vscode.ConfigurationTarget.Global);
}

/** VS Code settings outside our section that we read. */
const FOREIGN_KEYS = new Set(['files.exclude', 'http.proxy', 'http.noProxy']);

/**
 * Calls `listener` when one of these settings changes (not on the first load): keys under `telemetryLens`
 * (`codeLens`, `lint`, `routes`, …) or `files.exclude` / `http.proxy` / `http.noProxy`.
 */
export function onSettingsChange(keys: string[], listener: () => void, disposables: vscode.Disposable[]): void {
  const full = keys.map((k) => (FOREIGN_KEYS.has(k) ? k : `${SECTION}.${k}`));
  vscode.workspace.onDidChangeConfiguration(
    (e) => {
      if (full.some((k) => e.affectsConfiguration(k))) listener();
    },
    undefined,
    disposables,
  );
}

export function receiverSettings(): ReceiverSettings {
  const c = cfg();
  const port = (key: string, dflt: number) => {
    const v = c.get<number>(key, dflt);
    return Number.isInteger(v) && v >= 0 && v <= 65535 ? v : dflt;
  };
  return {
    enabled: c.get<boolean>('receiver.enabled', false),
    grpcPort: port('receiver.grpcPort', 4317),
    httpPort: port('receiver.httpPort', 4318),
    queryPort: port('receiver.queryPort', 16686),
    maxSpans: Math.max(1000, Math.floor(c.get<number>('receiver.maxSpans', 50_000))),
  };
}

/**
 * One path for the first load and for changes: `listener(undefined)` runs once now, then
 * `listener(e)` for every change under `telemetryLens`.
 */
export function onConfigChange(listener: (e: vscode.ConfigurationChangeEvent | undefined) => void, disposables: vscode.Disposable[]): void {
  vscode.workspace.onDidChangeConfiguration(
    (e) => {
      if (e.affectsConfiguration(SECTION)) listener(e);
    },
    undefined,
    disposables,
  );
  listener(undefined);
}

export function affects(e: vscode.ConfigurationChangeEvent | undefined, ...keys: string[]): boolean {
  return !e || keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}

export type TraceBackendSetting = 'none' | 'jaeger' | 'tempo';

export interface TracesSettings {
  /** The remote trace backend (the local receiver is always offered when it runs). */
  backend: TraceBackendSetting;
  /** Trace page of the backend's UI with `{traceId}`, or empty. */
  uiUrl: string;
}

export function tracesSettings(): TracesSettings {
  const c = cfg();
  const backend = c.get<string>('traces.backend', 'none');
  return {
    backend: backend === 'jaeger' || backend === 'tempo' ? backend : 'none',
    uiUrl: c.get<string>('traces.uiUrl', '').trim(),
  };
}

/** Where a remote trace backend's requests go and what they carry; a workspace may not change them silently. */
export interface TraceEndpointSettings {
  url: string;
  auth: AuthKind;
  /** Tenant header value (Tempo `X-Scope-OrgID`, Jaeger `x-tenant`), or empty. */
  tenant: string;
}

const TRACE_ENDPOINTS = {
  jaeger: {
    keys: { url: 'jaeger.url', auth: 'jaeger.auth', tenant: 'jaeger.tenant' },
    defaults: { url: 'http://localhost:16686', auth: 'none', tenant: '' },
  },
  tempo: {
    keys: { url: 'tempo.url', auth: 'tempo.auth', tenant: 'tempo.tenant' },
    defaults: { url: 'http://localhost:3200', auth: 'none', tenant: '' },
  },
} satisfies Record<string, { keys: Record<keyof TraceEndpointSettings, string>; defaults: TraceEndpointSettings }>;

/** `jaeger.url`, `.auth`, `.tenant` (or Tempo's) per level. */
export function traceEndpointLayers(kind: 'jaeger' | 'tempo'): { user: TraceEndpointSettings; workspace: Partial<TraceEndpointSettings> } {
  const { keys, defaults } = TRACE_ENDPOINTS[kind];
  return endpointLayers<TraceEndpointSettings>(keys, defaults);
}

/** The auth kind of Jaeger or Tempo, in the user settings (after credentials were stored or removed). */
export async function setTraceAuth(kind: 'jaeger' | 'tempo', auth: AuthKind): Promise<void> {
  await cfg().update(TRACE_ENDPOINTS[kind].keys.auth, auth, vscode.ConfigurationTarget.Global);
}

/** Points the remote trace backend at Jaeger or Tempo (user settings), from the Traces view's welcome. */
export async function setTraceBackend(backend: TraceBackendSetting, url: string): Promise<void> {
  await cfg().update('traces.backend', backend, vscode.ConfigurationTarget.Global);
  if (backend !== 'none') await cfg().update(`${backend}.url`, url, vscode.ConfigurationTarget.Global);
}
