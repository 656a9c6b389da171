/**
 * Owns the Prometheus client and the metrics engine for the window: builds them from settings and
 * SecretStorage, refreshes when routes on screen lack current numbers (focused or not) and on a timer
 * while the window is focused (see core/metrics/refreshPolicy), tracks backend health for the status bar
 * (one notification per outage, automatic recovery), and hands the latest per-route stats to the
 * CodeLens, hover and details features.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { PrometheusClient } from '../../backends/prometheus';
import { CredentialStore, originOf } from '../../backends/credentials';
import {
  MetricsEngine,
  sameRoute,
  type RefreshResult,
  type RouteAlert,
  type RouteStats,
  type ServiceSpec,
  type ServiceStats,
} from '../../core/metrics/engine';
import { decideRefresh, RefreshQueue } from '../../core/metrics/refreshPolicy';
import type { ConventionName } from '../../core/metrics/conventions';
import type { Route } from '../../core/routes/types';
import { routeId } from '../../core/routes/route';
import {
  affects,
  folderMetricsSettings,
  httpNoProxy,
  httpProxy,
  instrumentSettings,
  maxResponseBytes,
  metricsSettings,
  onConfigChange,
  onSettingsChange,
  prometheusEndpointLayers,
  prometheusSettings,
} from '../../config';
import { redactUrls } from '../../core/untrusted';
import { logger } from '../../log';
import type { RouteIndex } from '../routes/routeIndex';
import { routesInFolder } from '../routes/folders';
import type { BackendStatus, Health } from '../statusBar';
import type { EndpointTrust, ResolvedEndpoint } from '../trust';
import { errorMessage } from '../../core/errors';

const log = logger('metrics');
/** The single secret of older versions, attached to whatever URL was configured: migrated to its origin's entry. */
const CREDENTIALS_KEY = 'telemetryLens.prometheus.credentials';

export class MetricsService implements vscode.Disposable {
  private engineImpl: MetricsEngine | undefined;
  private clientImpl: PrometheusClient | undefined;
  /** Why no client could be built from the settings (e.g. an invalid URL), shown instead of numbers. */
  private configError: string | undefined;
  private latest: RefreshResult | undefined;
  private alerts: RouteAlert[] = [];
  private byRoute = new Map<string, { stats: RouteStats; service: ServiceStats }>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly queue = new RefreshQueue((force) => this.doRefresh(force));
  /** The last outcome logged per service (see logOutcome). */
  private readonly outcomes = new Map<string, string>();
  /** The client and engine for the current settings and credentials (rebuilt when they change). */
  private clientReady: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** Secrets per origin: the one store every backend's credentials live in. */
  readonly credentials: CredentialStore;
  private endpoint: ResolvedEndpoint | undefined;
  /** The one-time move of the old single secret (see CREDENTIALS_KEY), awaited before credentials are read. */
  private readonly migrated: Promise<unknown>;

  constructor(
    secrets: vscode.SecretStorage,
    private readonly index: RouteIndex,
    private readonly status: BackendStatus,
    private readonly trust: EndpointTrust,
  ) {
    this.credentials = new CredentialStore(secrets, (m) => log.error(m));
    this.migrated = this.credentials
      .migrate(CREDENTIALS_KEY, prometheusEndpointLayers().user.url)
      .catch((e: unknown) => log.error(errorMessage(e)));
    this.disposables.push(this.changed);
    trust.onDidDecide(
      () => (this.clientReady = this.rebuildClient().then(() => this.refresh({ force: true }))),
      undefined,
      this.disposables,
    );
    onConfigChange((e) => {
      if (affects(e, 'prometheus', 'http', 'metrics.refreshIntervalSeconds')) this.clientReady = this.rebuildClient();
      else if (affects(e, 'metrics', 'instrument.metricPrefix')) this.engineImpl?.invalidate();
      if (affects(e, 'metrics.refreshIntervalSeconds')) this.restartTimer();
      if (e) void this.clientReady.then(() => this.refresh({ force: true }));
    }, this.disposables);
    onSettingsChange(
      ['http.proxy', 'http.noProxy'],
      () => (this.clientReady = this.rebuildClient().then(() => this.refresh({ force: true }))),
      this.disposables,
    );
    secrets.onDidChange(
      (e) => {
        if (CredentialStore.isCredentialKey(e.key)) this.clientReady = this.rebuildClient().then(() => this.refresh({ force: true }));
      },
      undefined,
      this.disposables,
    );
    vscode.window.onDidChangeWindowState(
      (s) => {
        if (s.focused) void this.refresh();
      },
      undefined,
      this.disposables,
    );
    vscode.window.onDidChangeVisibleTextEditors(() => void this.refresh(), undefined, this.disposables);
    index.onDidChange(() => void this.refresh(), undefined, this.disposables);
  }

  /** The engine for the current settings; throws the settings problem when there is none. */
  get engine(): MetricsEngine {
    return this.ready().engine;
  }

  get client(): PrometheusClient {
    return this.ready().client;
  }

  private ready(): { engine: MetricsEngine; client: PrometheusClient } {
    if (this.configError) throw new Error(this.configError);
    if (!this.engineImpl || !this.clientImpl) throw new Error('Telemetry Lens is still connecting to Prometheus');
    return { engine: this.engineImpl, client: this.clientImpl };
  }

  get current(): RefreshResult | undefined {
    return this.latest;
  }
  get backendHealth(): Health {
    return this.status.get('Prometheus');
  }

  /** The route's numbers from the last refresh, if that refresh saw the route as it is now (same full path and methods). */
  stats(route: Route): RouteStats | undefined {
    const hit = this.byRoute.get(routeId(route));
    return hit && sameRoute(hit.stats.route, route) ? hit.stats : undefined;
  }

  /** Current numbers, from a service whose metrics convention is known: nothing to fetch again before the timer. */
  private isCurrent(route: Route): boolean {
    const hit = this.byRoute.get(routeId(route));
    return !!hit && sameRoute(hit.stats.route, route) && (hit.service.convention !== null || hit.service.error !== undefined);
  }

  alertsFor(route: Route): RouteAlert[] {
    return this.alerts.filter((a) => sameRoute(a.route, route));
  }

  /** The service (workspace folder) a route belongs to, as the engine sees it. */
  /** The last refresh's result for the service of the route at this file:line (its convention, its error). */
  serviceStatsFor(route: Route): ServiceStats | undefined {
    return this.byRoute.get(routeId(route))?.service;
  }

  /** The route is in a workspace folder, so a service covers it (cheap: `serviceFor` builds every service). */
  inService(route: Route): boolean {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(route.file)) !== undefined;
  }

  serviceFor(route: Route): ServiceSpec | undefined {
    return this.services().find((s) => s.routes.some((r) => routeId(r) === routeId(route)));
  }

  services(): ServiceSpec[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const routes = this.index.all();
    return folders.map((folder) => {
      const fs_ = folderMetricsSettings(folder);
      const spec: ServiceSpec = {
        id: folder.name,
        selector: fs_.serviceSelector,
        convention: fs_.convention as ConventionName | 'auto',
        prefix: instrumentSettings(folder.uri).metricPrefix,
        routes: routesInFolder(routes, folder),
      };
      const q = fs_.customQueries;
      if (fs_.convention === 'custom' && q.rate) spec.custom = { ...q, rate: q.rate };
      else if (fs_.convention === 'custom') log.warn(`${folder.name}: convention "custom" needs telemetryLens.metrics.customQueries.rate`);
      return spec;
    });
  }

  async start(): Promise<void> {
    await this.clientReady;
    await this.index.ready;
    await this.refresh();
  }

  /**
   * Refreshes when routes on screen lack current numbers (focused or not), periodically while the window
   * is focused, and always when forced. A request made while a refresh runs gets one more refresh after it,
   * with the routes and settings current then. Never rejects.
   */
  refresh(opts: { force?: boolean; for?: readonly Route[] } = {}): Promise<void> {
    if (!this.engineImpl) return Promise.resolve();
    const decision = decideRefresh({
      force: opts.force ?? false,
      focused: vscode.window.state.focused,
      visible: [...(opts.for ?? []), ...vscode.window.visibleTextEditors.flatMap((e) => this.index.inFile(e.document.uri))],
      isCurrent: (r) => this.isCurrent(r),
    });
    if (!decision.refresh) {
      log.trace(`no refresh: ${decision.why}`);
      return Promise.resolve();
    }
    log.debug(`refresh: ${decision.why}${this.queue.busy ? ' (after the one under way)' : ''}`);
    return this.queue.request(opts.force ?? false);
  }

  /**
   * Waits until these routes have numbers for what they are now (their service refreshed since they got
   * their full path), starting that refresh if needed; bounded by the backend's timeouts, never rejects.
   * Providers await it so that the first thing drawn has the numbers: VS Code drops a pending re-request
   * of CodeLens when the editor loses focus, so a "loading" lens could otherwise stay until it regains it.
   */
  async whenCurrent(routes: readonly Route[]): Promise<void> {
    const missing = routes.filter((r) => !this.stats(r) && this.inService(r));
    if (missing.length) await this.refresh({ for: missing });
  }

  private async doRefresh(force: boolean): Promise<void> {
    const engine = this.engineImpl;
    const services = this.services().filter((s) => s.routes.length > 0);
    if (!engine || !services.length) return;
    // An explicit refresh also looks again for the metrics of a service that had none (it may just have started).
    if (force) engine.invalidate();
    const m = metricsSettings();
    const opts = { window: m.window, force, ...(m.evaluationTime !== undefined ? { evaluationTime: m.evaluationTime } : {}) };
    try {
      const [result, alerts] = await Promise.all([
        engine.refresh(services, opts),
        engine.firingAlerts(services).catch((e: unknown) => {
          log.warn(`alerts: ${errorMessage(e)}`);
          return [] as RouteAlert[];
        }),
      ]);
      this.latest = result;
      this.alerts = alerts;
      this.byRoute = new Map(
        result.services.flatMap((service) => service.routes.map((stats) => [routeId(stats.route), { stats, service }] as const)),
      );
      for (const s of result.services) for (const w of s.warnings) log.warn(`${s.service.id}: ${w}`);
      this.logOutcome(result);
      this.setHealth({ state: 'ok', at: Date.now(), detail: `${this.endpointLabel} answered at ${new Date().toLocaleTimeString()}` });
    } catch (e) {
      const message = errorMessage(e);
      log.warn(`refresh failed: ${message}`);
      this.alerts = []; // an alert we can no longer see is not shown as firing
      const h = this.backendHealth;
      this.setHealth({ state: 'down', message, since: h.state === 'down' ? h.since : Date.now() });
    }
    this.changed.fire();
  }

  /** One line per service when what it shows changes (convention, routes with traffic), not on every refresh. */
  private logOutcome(result: RefreshResult): void {
    for (const s of result.services) {
      const withTraffic = s.routes.filter((r) => r.hasData).length;
      const line = s.convention
        ? `${s.service.id}: ${s.convention} convention, ${withTraffic}/${s.routes.length} routes with traffic`
        : `${s.service.id}: no metrics convention found (${s.reason})`;
      if (this.outcomes.get(s.service.id) === line) continue;
      this.outcomes.set(s.service.id, line);
      log.info(line);
    }
  }

  private setHealth(h: Health): void {
    this.status.report('Prometheus', h, 'telemetryLens.prometheus');
  }

  /** Where requests go: the user's URL, or a workspace override the user confirmed. */
  get endpointUrl(): string {
    return this.endpoint?.url ?? prometheusEndpointLayers().user.url;
  }

  /** `endpointUrl` for display (credentials in it redacted). */
  get endpointLabel(): string {
    return redactUrls(this.endpointUrl);
  }

  private async rebuildClient(): Promise<void> {
    const s = { ...prometheusSettings(), ...this.trust.prometheus() };
    this.endpoint = s;
    // No await without auth: the client is replaced at once, as the refresh logic expects.
    const auth = s.auth === 'none' ? ({ type: 'none' } as const) : await this.migrated.then(() => this.credentials.authFor(s.url, s.auth));
    if (s.auth !== 'none' && auth.type === 'none') {
      log.warn(
        `prometheus.auth is "${s.auth}" but no credentials are stored for ${originOf(s.url) ?? 'this URL'}: run "Telemetry Lens: Set Prometheus Credentials"`,
      );
    }
    let ca: string | undefined;
    if (s.caFile) {
      try {
        ca = await fs.promises.readFile(s.caFile, 'utf8');
      } catch (e) {
        log.error(`cannot read prometheus.caFile ${s.caFile}: ${errorMessage(e)}`);
      }
    }
    const proxy = httpProxy();
    const noProxy = httpNoProxy();
    try {
      this.clientImpl = new PrometheusClient({
        baseUrl: s.url,
        auth,
        headers: s.headers,
        timeoutMs: s.timeoutMs,
        maxResponseBytes: maxResponseBytes(),
        insecureSkipVerify: s.insecureSkipVerify,
        ...(ca ? { ca } : {}),
        ...(proxy ? { proxy, noProxy } : {}),
      });
    } catch (e) {
      // A setting no request can be made with: say so where the numbers would be, until it is fixed.
      this.configError = `${redactUrls(errorMessage(e))} — check telemetryLens.prometheus.url and http.proxy`;
      this.clientImpl = this.engineImpl = undefined;
      this.alerts = [];
      log.error(this.configError);
      this.setHealth({ state: 'down', message: this.configError, since: Date.now() });
      this.changed.fire();
      return;
    }
    this.configError = undefined;
    this.engineImpl = new MetricsEngine(this.clientImpl, { refreshIntervalMs: metricsSettings().refreshIntervalMs });
    log.info(
      `Prometheus client for ${redactUrls(s.url)}${s.fromWorkspace ? ' (workspace settings)' : ''} (auth ${auth.type}${s.insecureSkipVerify ? ', TLS verification off' : ''})`,
    );
  }

  private restartTimer(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), metricsSettings().refreshIntervalMs);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
