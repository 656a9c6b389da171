/**
 * Typed settings. Every key contributed in package.json is read here (a unit test checks it), and all
 * reads go through these functions so features never spell setting names themselves.
 */
import * as vscode from 'vscode';

const SECTION = 'telemetryLens';

export type AuthKind = 'none' | 'bearer' | 'basic';

export interface PrometheusSettings {
  url: string;
  auth: AuthKind;
  headers: Record<string, string>;
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
  lintEnabled: boolean;
}

export interface ReceiverSettings {
  enabled: boolean;
  grpcPort: number;
  httpPort: number;
  queryPort: number;
  maxSpans: number;
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
    window: c.get<string>('metrics.window', '5m'),
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
    maxFileBytes: Math.max(16, cfg().get<number>('routes.maxFileSizeKB', 1024)) * 1024, // window-scoped
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
    lintEnabled: c.get<boolean>('lint.enabled', true),
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

/** Stores how to authenticate to Prometheus (user settings). */
export async function setPrometheusAuth(kind: AuthKind): Promise<void> {
  await cfg().update('prometheus.auth', kind, vscode.ConfigurationTarget.Global);
}

/** VS Code settings outside our section that we read. */
const FOREIGN_KEYS = new Set(['files.exclude', 'http.proxy']);

/**
 * Calls `listener` when one of these settings changes (not on the first load): keys under `telemetryLens`
 * (`codeLens`, `lint`, `routes`, …) or `files.exclude` / `http.proxy`.
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
export function onConfigChange(
  listener: (e: vscode.ConfigurationChangeEvent | undefined) => void,
  disposables: vscode.Disposable[],
): void {
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
  jaegerUrl: string;
  tempoUrl: string;
  /** Trace page of the backend's UI with `{traceId}`, or empty. */
  uiUrl: string;
}

export function tracesSettings(): TracesSettings {
  const c = cfg();
  const backend = c.get<string>('traces.backend', 'none');
  return {
    backend: backend === 'jaeger' || backend === 'tempo' ? backend : 'none',
    jaegerUrl: c.get<string>('jaeger.url', 'http://localhost:16686').trim(),
    tempoUrl: c.get<string>('tempo.url', 'http://localhost:3200').trim(),
    uiUrl: c.get<string>('traces.uiUrl', '').trim(),
  };
}

/** Points the remote trace backend at Jaeger or Tempo (user settings), from the Traces view's welcome. */
export async function setTraceBackend(backend: TraceBackendSetting, url: string): Promise<void> {
  await cfg().update('traces.backend', backend, vscode.ConfigurationTarget.Global);
  if (backend !== 'none') await cfg().update(`${backend}.url`, url, vscode.ConfigurationTarget.Global);
}
