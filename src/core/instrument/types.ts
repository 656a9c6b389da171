/** Instrumentation planner types. Pure: no `vscode` import. */
import type { Route } from '../routes/types';

export interface InstrumentOptions {
  /** Prepended to every metric name, e.g. `myapp_` → `myapp_http_requests_total`. */
  metricPrefix: string;
  /** Metric label names. Known: method, route, status, handler (aliases: http_method, path, endpoint, code, status_code). */
  labels: string[];
  /** Histogram buckets in seconds. */
  buckets: number[];
  tracerName: string;
  /** `{method}` and `{route}` are replaced. */
  spanNameTemplate: string;
  /**
   * `wrapper` (default): one line per handler (a decorator, or the handler wrapped where it is registered) and a
   * helper module written once per service; `inline`: the counter, histogram and span written into the handler body.
   */
  style?: 'wrapper' | 'inline';
  /**
   * Also a Gauge of the requests in progress (`http_requests_in_progress`, no labels), raised when a handler starts
   * and lowered when it ends. Off by default. Only for handlers (and helper modules) written with it.
   */
  inFlightGauge?: boolean;
  /**
   * The workspace folder (editor) or the CLI's `--root`: a wrangler config making the file a Cloudflare Worker's is
   * looked for up to it (./workers). Without it, up to the folder holding `.git`.
   */
  workspaceRoot?: string;
}

/** Options only planAppSetup looks at (all optional; InstrumentOptions is enough). */
export interface AppSetupOptions extends InstrumentOptions {
  /** FastAPI: plain prometheus_client ASGI mount (default, installed everywhere) or prometheus-fastapi-instrumentator. */
  fastapiMetrics?: 'prometheus-client' | 'instrumentator';
  /** Flask: a `/metrics` view returning generate_latest() (default) or a werkzeug DispatcherMiddleware mount. */
  flaskMetrics?: 'route' | 'dispatcher';
  /** service.name of the tracing resource; default: the name of the app's folder. */
  serviceName?: string;
}

export const DEFAULT_OPTIONS: InstrumentOptions = Object.freeze({
  metricPrefix: '',
  labels: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  tracerName: 'telemetry-lens',
  spanNameTemplate: '{method} {route}',
  style: 'wrapper',
}) as InstrumentOptions;

export type Aspect = 'counter' | 'histogram' | 'span';
export const ALL_ASPECTS: readonly Aspect[] = ['counter', 'histogram', 'span'];

/** Offsets into the ORIGINAL text (UTF-16 code units), non-overlapping, sorted by start. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface EditPlan {
  edits: TextEdit[];
  summary: string;
  /** Aspects found already present (for a file plan: present in every planned handler). */
  alreadyInstrumented: Aspect[];
  /** Clear user-facing reason when nothing can be done (edits is then empty). */
  refused?: string;
  /** What the user should know although the plan succeeded (an existing helper module without the in-flight gauge). */
  note?: string;
  /** Files the edits need (the wrapper style's helper module): created when absent, never overwritten. */
  newFiles?: { path: string; content: string }[];
}

export interface AppObject {
  /** Variable the app is bound to (`app`, `server`, …). */
  name: string;
  framework: 'fastapi' | 'flask' | 'express' | 'fastify' | 'koa' | 'hono' | 'nestjs';
  /** 1-based line of the statement creating the app. */
  line: number;
  /** Offsets of that statement. */
  start: number;
  end: number;
}

/** What planning one route's handler gave. */
export interface HandlerOutcome {
  route: Route;
  edits: TextEdit[];
  already: Aspect[];
  refused?: string;
  /** Handler function node start (to detect handlers shared by several routes). */
  key?: number;
  /** observed by the edit planned for another route of the same registration (one add_resource call, several URLs) */
  alongside?: boolean;
}

/** Which prom-client / prometheus_client registry a library's metric goes to: the default one (where Instrument
 *  Route's metrics go), one of its own, or one that cannot be read. */
export type RegistryKind = 'default' | 'own' | 'unknown';

/** A metric another library of the service registers, as its registration's options make it. */
export interface ForeignMetric {
  /** the name it is registered under; absent when the options make it unreadable (`why` says so) */
  name?: string;
  labels: string[];
  registry: RegistryKind;
  why?: string;
}
