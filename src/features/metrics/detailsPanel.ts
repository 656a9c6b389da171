/** Route details webview: stats, one-hour rate chart, status codes, alerts and the exact queries. */
import * as vscode from 'vscode';
import { formatDuration, formatRate, formatRatio } from '../../core/metrics/format';
import type { Route } from '../../core/routes/types';
import { metricsSettings } from '../../config';
import { isDetailsToHost, type DetailsToHost, type HostToDetails, type RouteDetailsModel } from '../../webview/protocol/routeDetails';
import { PanelHost } from '../../webview/host/panelHost';
import { revealRoute } from '../routes/routesView';
import { frameworkName, routeId, routeTitle } from '../../core/routes/route';
import { grafanaExploreUrl, isWebUrl } from '../../core/metrics/links';
import type { MetricsService } from './metricsService';
import { errorMessage } from '../../core/errors';

export class DetailsPanels {
  private readonly open = new Map<string, PanelHost<DetailsToHost, HostToDetails>>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly metrics: MetricsService,
  ) {}

  /** Opens (or focuses) the panel of a route and loads its data. Returns the panel for tests. */
  show(route: Route): PanelHost<DetailsToHost, HostToDetails> {
    const key = routeId(route);
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal();
      void this.load(existing, route);
      return existing;
    }
    const host = new PanelHost<DetailsToHost, HostToDetails>(this.extensionUri, {
      viewType: 'telemetryLens.routeDetails',
      title: `Metrics: ${routeTitle(route)}`,
      script: 'routeDetails',
      isMessage: isDetailsToHost,
    });
    this.open.set(key, host);
    host.onDidDispose(() => this.open.delete(key));
    let queries: RouteDetailsModel['queries'] = [];
    host.onMessage((m) => {
      if (m.type === 'ready' || m.type === 'refresh') void this.load(host, route).then((q) => (queries = q ?? queries));
      else if (m.type === 'revealHandler') void revealRoute(route);
      else if (m.type === 'openQuery' && queries[m.index] && isWebUrl(queries[m.index]!.url))
        void vscode.env.openExternal(vscode.Uri.parse(queries[m.index]!.url));
      else if (m.type === 'openTrace') void vscode.commands.executeCommand('telemetryLens.openTrace', m.traceId);
    });
    return host;
  }

  private async load(host: PanelHost<DetailsToHost, HostToDetails>, route: Route): Promise<RouteDetailsModel['queries'] | undefined> {
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
      const [details, raw, exemplar] = await Promise.all([
        engine.routeDetails(service, route, opts),
        engine.rawQueries(service, route, opts),
        engine.slowestExemplar(service, route, opts).catch(() => null),
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
        series: details.rateSeries.filter((p): p is [number, number] => p[1] !== null),
        statusCodes: details.statusCodes.map((c) => ({ code: c.code, rate: formatRate(c.rate) })),
        alerts: this.metrics.alertsFor(route).map((a) => a.alertname),
        warnings: this.metrics.current?.services.find((x) => x.service.id === service.id)?.warnings ?? [],
        queries,
        ...(exemplar ? { slowestTraceId: exemplar.traceId } : {}),
      };
      host.post({ type: 'model', model });
      return queries;
    } catch (e) {
      host.post({ type: 'error', message: errorMessage(e) });
      return undefined;
    }
  }
}
