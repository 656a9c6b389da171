/**
 * CodeLens above each route handler: `12.3 req/s · 0.8% errors · p99 184 ms` (click: details), a firing
 * alert's name, and "slowest trace" when the route's latency histogram carries exemplars.
 */
import * as vscode from 'vscode';
import { formatStats } from '../../core/metrics/format';
import type { Route } from '../../core/routes/types';
import { metricsSettings, onSettingsChange } from '../../config';
import type { RouteIndex } from '../routes/routeIndex';
import type { MetricsService } from './metricsService';
import { routeId, routeProvenance } from '../../core/routes/route';
import { logger } from '../../log';
import { SOURCE_FILES } from '../languages';
import { errorMessage } from '../../core/errors';

const log = logger('codelens');

class RouteMetricsLensProvider implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  /** Slowest exemplar per route, one query per service and refresh (for services of visible files only). */
  private exemplars = new Map<string, Promise<Map<string, string>>>();

  constructor(
    private readonly index: RouteIndex,
    private readonly metrics: MetricsService,
  ) {}

  changed(): void {
    this.exemplars.clear();
    this.emitter.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!metricsSettings().codeLensEnabled) return [];
    await this.metrics.whenCurrent(await this.index.ensureCurrent(doc));
    if (token.isCancellationRequested) return [];
    // read after the wait: a refresh may have followed a change of the routes' full paths
    const routes = this.index.inFile(doc.uri).filter((r) => r.file === doc.uri.fsPath);
    const lenses: vscode.CodeLens[] = [];
    // One exemplar look-up per service and refresh, shared by every route (and file) of the service.
    const traceIds = await Promise.all(routes.map((r) => this.slowestTrace(r)));
    if (token.isCancellationRequested) return [];
    routes.forEach((route, i) => {
      const range = new vscode.Range(route.line - 1, 0, route.line - 1, 0);
      const details = { command: 'telemetryLens.showRouteDetails', arguments: [routeId(route)] };
      const where = routeProvenance(route, this.metrics.stats(route)?.inferred);
      lenses.push(
        new vscode.CodeLens(range, {
          ...details,
          title: this.title(route),
          tooltip: `Telemetry Lens: route metrics (click for details)${where ? `\n${where}` : ''}`,
        }),
      );
      for (const a of this.metrics.alertsFor(route)) {
        lenses.push(
          new vscode.CodeLens(range, {
            ...details,
            title: `$(bell) ${a.alertname}`,
            tooltip: a.summary ?? `Alert ${a.alertname} is firing`,
          }),
        );
      }
      const traceId = traceIds[i];
      if (traceId)
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(debug-stackframe) slowest trace',
            command: 'telemetryLens.openTrace',
            arguments: [traceId],
            tooltip: `Trace ${traceId}`,
          }),
        );
    });
    return lenses;
  }

  private title(route: Route): string {
    const health = this.metrics.backendHealth;
    if (health.state === 'down') return `$(warning) ${shortReason(health.message)}`;
    const service = this.metrics.serviceStatsFor(route);
    if (service?.error) return `$(warning) ${shortReason(service.error.message)}`;
    const stats = this.metrics.stats(route);
    if (!stats) {
      if (health.state === 'idle') return '$(pulse) metrics: waiting for Prometheus';
      // a route the last refresh did not see as it is now (new, or its full path changed): one is on its way
      return this.metrics.inService(route) ? '$(sync~spin) metrics: loading' : '$(pulse) — not in a workspace folder';
    }
    // no known HTTP metric convention (yet) for the service: nothing was asked per route
    if (!stats.hasData) {
      if (service?.convention === null) return '$(pulse) — no HTTP metrics found for this service';
      // a prefix only known at run time: say so until live inference finds it, rather than "no traffic"
      return route.fullPath === null && !stats.inferred
        ? `$(question) prefix unknown: ${shortReason(route.fullPathReason ?? 'computed at run time')}`
        : '$(pulse) — no traffic';
    }
    return `$(pulse) ${formatStats(stats)}`;
  }

  private slowestTrace(route: Route): Promise<string | undefined> {
    const stats = this.metrics.stats(route);
    const service = this.metrics.serviceStatsFor(route)?.service;
    if (!stats?.hasData || !service || this.metrics.backendHealth.state !== 'ok') return Promise.resolve(undefined);
    let p = this.exemplars.get(service.id);
    if (!p) {
      const t = metricsSettings().evaluationTime;
      p = this.metrics.engine
        .slowestExemplars(service, t !== undefined ? { evaluationTime: t } : {})
        .then((found) => new Map(found.map((f) => [routeId(f.route), f.exemplar.traceId])))
        .catch((e: unknown) => {
          log.debug(`exemplars for ${service.id}: ${errorMessage(e)}`);
          return new Map<string, string>();
        });
      this.exemplars.set(service.id, p);
    }
    return p.then((m) => m.get(routeId(route)));
  }
}

/** "Prometheus unreachable at 127.0.0.1:9090 (connection refused)" fits a lens; longer text is cut. */
function shortReason(message: string): string {
  const first = message.split(/ — | - |\. /)[0] ?? message;
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

export function registerCodeLens(context: vscode.ExtensionContext, index: RouteIndex, metrics: MetricsService): void {
  const provider = new RouteMetricsLensProvider(index, metrics);
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(SOURCE_FILES, provider),
    metrics.onDidChange(() => provider.changed()),
    index.onDidChange(() => provider.changed()),
    // A window losing focus blurs the editor, and VS Code then drops a re-request of lenses it had pending: ask again.
    vscode.window.onDidChangeWindowState((s) => {
      if (!s.focused) provider.changed();
    }),
  );
  onSettingsChange(['codeLens'], () => provider.changed(), context.subscriptions);
}
