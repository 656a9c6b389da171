/**
 * Hovers: on a route's decorator/registration, its rate, error ratio, p50/p90/p99, a one-hour sparkline,
 * top status codes and links (Prometheus, Grafana Explore, details); on a metric name in code
 * (`"llm_api_calls_total"`), its current rate (or value) by label. Markdown trusts only our own commands.
 */
import * as vscode from 'vscode';
import { formatDuration, formatRate, formatRatio, sparklineDataUri } from '../../core/metrics/format';
import { grafanaExploreUrl } from '../../core/metrics/links';
import { markdownCode, markdownText } from '../../core/untrusted';
import { sampleValue } from '../../core/metrics/prometheusApi';
import type { Route } from '../../core/routes/types';
import { folderMetricsSettings, metricsSettings } from '../../config';
import type { RouteIndex } from '../routes/routeIndex';
import { frameworkName, routeAtLine, routeId, routeProvenance, routeTitle } from '../../core/routes/route';
import { SOURCE_FILES } from '../languages';
import type { MetricsService } from './metricsService';
import { errorMessage } from '../../core/errors';

const TRUSTED = {
  enabledCommands: [
    'telemetryLens.showRouteDetails',
    'telemetryLens.openRouteInGrafana',
    'telemetryLens.showRouteTraces',
    'telemetryLens.showRouteLogs',
  ],
};
const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/;

function commandLink(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

const md = markdownText;
const code = markdownCode;

class MetricsHoverProvider implements vscode.HoverProvider {
  private metricNames: { at: number; names: Promise<Set<string>> } | undefined;

  constructor(
    private readonly index: RouteIndex,
    private readonly metrics: MetricsService,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const routes = (await this.index.ensureCurrent(doc)).filter((r) => r.file === doc.uri.fsPath);
    // The decorator / registration call, and the handler's `def`/`function` line right under it.
    const line = pos.line + 1;
    const route = routeAtLine(routes, doc.uri.fsPath, line, 'head');
    if (route) return this.routeHover(route, token);
    return this.metricHover(doc, pos, token);
  }

  private async routeHover(route: Route, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const service = this.metrics.serviceFor(route);
    const out = new vscode.MarkdownString('', true);
    out.isTrusted = TRUSTED;
    out.appendMarkdown(`**${md(routeTitle(route))}** · ${frameworkName(route)}${service ? ` · service ${code(service.id)}` : ''}\n\n`);
    if (!service) return new vscode.Hover(out);
    const m = metricsSettings();
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    try {
      const opts = {
        window: m.window,
        signal: abort.signal,
        ...(m.evaluationTime !== undefined ? { evaluationTime: m.evaluationTime } : {}),
      };
      const [details, raw] = await Promise.all([
        this.metrics.engine.routeDetails(service, route, opts),
        this.metrics.engine.rawQueries(service, route, opts),
      ]);
      if (token.isCancellationRequested) return undefined;
      const s = details.stats;
      const where = routeProvenance(route, s.inferred);
      if (where) out.appendMarkdown(`*${md(where)}*\n\n`);
      if (!details.convention) {
        out.appendMarkdown(
          `No metrics convention detected for ${code(service.selector || 'all series')}. Run **Telemetry Lens: Show Metrics Convention**.\n\n`,
        );
      } else if (!s.hasData) {
        out.appendMarkdown(`No traffic in the last ${md(m.window)} (${md(details.convention)} convention).\n\n`);
      } else {
        out.appendMarkdown(`| rate | errors | p50 | p90 | p99 |\n|---:|---:|---:|---:|---:|\n`);
        out.appendMarkdown(
          `| ${formatRate(s.rate)} | ${formatRatio(s.errorRatio)} | ${formatDuration(s.p50)} | ${formatDuration(s.p90)} | ${formatDuration(s.p99)} |\n\n`,
        );
      }
      if (details.rateSeries.some(([, v]) => v !== null)) {
        out.appendMarkdown(
          `![request rate, last hour](${sparklineDataUri(details.rateSeries, { width: 240, height: 40 })})  \n*request rate, last hour*\n\n`,
        );
      }
      if (details.statusCodes.length) {
        out.appendMarkdown(`Status codes: ${details.statusCodes.map((c) => `${code(c.code)} ${formatRate(c.rate)}`).join(' · ')}\n\n`);
      }
      for (const a of this.metrics.alertsFor(route))
        out.appendMarkdown(`$(bell) **${md(a.alertname)}** firing${a.summary ? `: ${md(a.summary)}` : ''}\n\n`);
      const links: string[] = [];
      if (raw?.links.rate) links.push(`[Open in Prometheus](${raw.links.rate})`);
      const grafana = raw?.rate ? grafanaExploreUrl(m.grafanaUrl, raw.rate) : undefined;
      if (grafana) links.push(`[Open in Grafana Explore](${grafana})`);
      if (m.grafanaUrl) links.push(commandLink('Open Route in Grafana', 'telemetryLens.openRouteInGrafana', [routeId(route)]));
      links.push(commandLink('Details', 'telemetryLens.showRouteDetails', [routeId(route)]));
      links.push(commandLink('Traces', 'telemetryLens.showRouteTraces', [routeId(route)]));
      links.push(commandLink('Logs', 'telemetryLens.showRouteLogs', [routeId(route)]));
      out.appendMarkdown(links.join(' · '));
    } catch (e) {
      out.appendMarkdown(`$(warning) ${md(errorMessage(e))}`);
    }
    return new vscode.Hover(out);
  }

  /** A metric name inside a string literal, e.g. `Counter("llm_api_calls_total", ...)`. */
  private async metricHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const range = doc.getWordRangeAtPosition(pos, METRIC_NAME);
    if (!range) return undefined;
    const line = doc.lineAt(pos.line).text;
    const before = line[range.start.character - 1];
    const after = line[range.end.character];
    if (!before || !after || !`'"\``.includes(before) || before !== after) return undefined;
    const word = doc.getText(range);
    if (this.metrics.backendHealth.state === 'down') return undefined;
    const names = await this.names().catch(() => new Set<string>());
    const name = [word, `${word}_total`].find((n) => names.has(n)) ?? ([`${word}_bucket`].some((n) => names.has(n)) ? word : undefined);
    if (!name || token.isCancellationRequested) return undefined;
    const m = metricsSettings();
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const selector = folderMetricsSettings(folder).serviceSelector;
    const isCounter = name.endsWith('_total');
    const isHistogram = !names.has(name) && names.has(`${name}_bucket`);
    const sel = selector ? `{${selector}}` : '';
    const expr = isHistogram
      ? `histogram_quantile(0.99, sum by (le) (rate(${name}_bucket${sel}[${m.window}])))`
      : isCounter
        ? `topk(10, sum without (instance) (rate(${name}${sel}[${m.window}])))`
        : `topk(10, ${name}${sel})`;
    const out = new vscode.MarkdownString('', true);
    out.isTrusted = TRUSTED;
    out.appendMarkdown(`**${md(name)}** · ${isHistogram ? 'p99' : isCounter ? `rate over ${md(m.window)}` : 'current value'}\n\n`);
    try {
      const { data } = await this.metrics.client.queryVector(expr, m.evaluationTime !== undefined ? { time: m.evaluationTime } : {});
      if (!data.length) out.appendMarkdown('No series right now.\n\n');
      for (const s of data.slice(0, 10)) {
        const v = sampleValue(s.value?.[1]);
        const labels = Object.entries(s.metric)
          .filter(([k]) => k !== '__name__')
          .map(([k, val]) => `${k}="${val}"`)
          .join(', ');
        const shown = v === null ? '—' : isHistogram ? formatDuration(v) : isCounter ? formatRate(v) : String(v);
        out.appendMarkdown(`- ${code(labels || '(no labels)')} **${md(shown)}**\n`);
      }
      out.appendMarkdown(`\n[Open in Prometheus](${this.metrics.client.graphUrl(expr)})`);
    } catch (e) {
      out.appendMarkdown(`$(warning) ${md(errorMessage(e))}`);
    }
    return new vscode.Hover(out, range);
  }

  private names(): Promise<Set<string>> {
    if (!this.metricNames || Date.now() - this.metricNames.at > 60_000) {
      const names = Promise.resolve().then(async () => new Set((await this.metrics.client.labelValues('__name__')).data));
      this.metricNames = { at: Date.now(), names };
      names.catch(() => (this.metricNames = undefined));
    }
    return this.metricNames.names;
  }
}

export function registerHover(context: vscode.ExtensionContext, index: RouteIndex, metrics: MetricsService): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider(SOURCE_FILES, new MetricsHoverProvider(index, metrics)));
}
