/**
 * Route details webview: stats, the panel model's charts over a chosen time range (request rate by status class,
 * error ratio, latency quantiles with exemplar dots, in-flight requests when the service exports the gauge),
 * firing alerts, status codes and the exact queries. The range lives in the host per panel (identity, not data).
 */
import * as vscode from 'vscode';
import { formatDuration, formatRate, formatRatio } from '../../core/metrics/format';
import type { Route } from '../../core/routes/types';
import { metricsSettings } from '../../config';
import {
  isDetailsToHost,
  type DetailsToHost,
  type HostToDetails,
  type RouteDetailsModel,
  type TimeRangeId,
} from '../../webview/protocol/routeDetails';
import { PanelHost } from '../../webview/host/panelHost';
import { revealRoute } from '../routes/routesView';
import { frameworkName, routeId, routeTitle } from '../../core/routes/route';
import { grafanaExploreUrl, isWebUrl } from '../../core/metrics/links';
import type { MetricsService } from './metricsService';
import { errorMessage } from '../../core/errors';
import { DEFAULT_RANGE } from '../../core/dashboards/routeCharts';
import type { RouteAlert } from '../../core/metrics/alerts';
import { sameRoute } from '../../core/metrics/engine';

export class DetailsPanels {
  private readonly open = new Map<string, { host: PanelHost<DetailsToHost, HostToDetails>; reload(): void }>();
  /** The time range chosen in each route's panel (kept while VS Code runs, also when the panel is closed). */
  private readonly ranges = new Map<string, TimeRangeId>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly metrics: MetricsService,
  ) {}

  /** Opens (or focuses) the panel of a route and loads its data. Returns the panel for tests. */
  show(route: Route): PanelHost<DetailsToHost, HostToDetails> {
    const key = routeId(route);
    const existing = this.open.get(key);
    if (existing) {
      existing.host.panel.reveal();
      existing.reload();
      return existing.host;
    }
    const host = new PanelHost<DetailsToHost, HostToDetails>(this.extensionUri, {
      viewType: 'telemetryLens.routeDetails',
      title: `Metrics: ${routeTitle(route)}`,
      script: 'routeDetails',
      stylesheet: true,
      isMessage: isDetailsToHost,
    });
    let shown: RouteDetailsModel | undefined;
    // Loads overlap (two range clicks in a row): only the latest one is shown.
    let latest = 0;
    const reload = () => {
      const mine = ++latest;
      void this.load(host, route, this.ranges.get(key) ?? DEFAULT_RANGE, () => mine === latest).then((m) => (shown = m ?? shown));
    };
    this.open.set(key, { host, reload });
    host.onDidDispose(() => this.open.delete(key));
    host.onMessage((m) => {
      if (m.type === 'ready' || m.type === 'refresh') reload();
      else if (m.type === 'setRange') {
        this.ranges.set(key, m.range);
        reload();
      } else if (m.type === 'revealHandler') void revealRoute(route);
      else if (m.type === 'openQuery' && shown?.queries[m.index] && isWebUrl(shown.queries[m.index]!.url))
        void vscode.env.openExternal(vscode.Uri.parse(shown.queries[m.index]!.url));
      else if (m.type === 'copyQuery' && shown?.charts?.panels[m.index]) {
        const panel = shown.charts.panels[m.index]!;
        void vscode.env.clipboard.writeText(panel.queries.map((q) => q.expr).join('\n'));
        void vscode.window.setStatusBarMessage(`Telemetry Lens: PromQL of "${panel.title}" copied`, 3000);
      } else if (m.type === 'openTrace') void vscode.commands.executeCommand('telemetryLens.openTrace', m.traceId);
    });
    return host;
  }

  private async load(
    host: PanelHost<DetailsToHost, HostToDetails>,
    route: Route,
    range: TimeRangeId,
    isLatest: () => boolean,
  ): Promise<RouteDetailsModel | undefined> {
    const service = this.metrics.serviceFor(route);
    if (!service) {
      host.post({ type: 'error', message: 'This route is not in a workspace folder, so no service selector applies.' });
      return undefined;
    }
    host.post({ type: 'loading' });
    const m = metricsSettings();
    const opts = { window: m.window, ...(m.evaluationTime !== undefined ? { evaluationTime: m.evaluationTime } : {}) };
    try {
      const engine = this.metrics.engine;
      const [details, raw, exemplar, charts, alerts] = await Promise.all([
        engine.routeDetails(service, route, opts),
        engine.rawQueries(service, route, opts),
        engine.slowestExemplar(service, route, opts).catch(() => null),
        engine.routeCharts(service, route, { ...opts, range }),
        // the alerts firing now (the last refresh's may be older than the panel), else those of the last refresh
        engine.firingAlerts([service]).then(
          (all) => all.filter((a) => sameRoute(a.route, route)),
          () => this.metrics.alertsFor(route),
        ),
      ]);
      const s = details.stats;
      const queries: RouteDetailsModel['queries'] = [];
      if (raw) {
        for (const k of ['rate', 'errorRatio', 'p50', 'p90', 'p99'] as const) {
          if (raw[k]) queries.push({ label: `${k} — open in Prometheus`, expr: raw[k], url: raw.links[k] });
        }
        const grafana = raw.rate ? grafanaExploreUrl(m.grafanaUrl, raw.rate) : undefined;
        if (grafana) queries.push({ label: 'rate — open in Grafana Explore', expr: raw.rate, url: grafana });
      }
      const at = m.evaluationTime !== undefined ? new Date(m.evaluationTime * 1000).toISOString() : new Date().toISOString();
      const model: RouteDetailsModel = {
        title: routeTitle(route),
        subtitle: `${frameworkName(route)} · ${route.handlerName ?? 'inline handler'} · ${vscode.workspace.asRelativePath(route.handlerFile)}:${route.handlerLine}`,
        service: `${service.id}${service.selector ? ` {${service.selector}}` : ''}`,
        convention: details.convention ?? 'no convention detected',
        evaluatedAt: at,
        stats: [
          { label: 'Request rate', text: formatRate(s.rate), value: s.rate },
          { label: 'Error ratio', text: formatRatio(s.errorRatio), value: s.errorRatio },
          { label: 'p50', text: formatDuration(s.p50), value: s.p50 },
          { label: 'p90', text: formatDuration(s.p90), value: s.p90 },
          { label: 'p99', text: formatDuration(s.p99), value: s.p99 },
        ],
        charts,
        statusCodes: details.statusCodes.map((c) => ({ code: c.code, rate: formatRate(c.rate) })),
        alerts: alerts.map(alertModel),
        warnings: this.metrics.current?.services.find((x) => x.service.id === service.id)?.warnings ?? [],
        queries,
        ...(exemplar ? { slowestTraceId: exemplar.traceId } : {}),
      };
      if (!isLatest()) return undefined;
      host.post({ type: 'model', model });
      return model;
    } catch (e) {
      if (isLatest()) host.post({ type: 'error', message: errorMessage(e) });
      return undefined;
    }
  }
}

function alertModel(a: RouteAlert): RouteDetailsModel['alerts'][number] {
  const since = a.activeAt ? Date.parse(a.activeAt) / 1000 : NaN;
  return {
    name: a.alertname,
    ...(a.severity ? { severity: a.severity } : {}),
    ...(a.summary ? { summary: a.summary } : {}),
    ...(Number.isFinite(since) ? { since } : {}),
  };
}
