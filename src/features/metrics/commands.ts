/** Metrics commands: refresh, route details, metrics convention, credentials, trace ids. */
import * as vscode from 'vscode';
import { suggestServiceSelectors } from '../../core/metrics/detect';
import type { Route } from '../../core/routes/types';
import { metricsSettings, prometheusEndpointLayers, setPrometheusAuth } from '../../config';
import type { RouteIndex } from '../routes/routeIndex';
import { DetailsPanels } from './detailsPanel';
import type { MetricsService } from './metricsService';
import { routeAtLine, routeId } from '../../core/routes/route';
import { errorMessage } from '../../core/errors';
import { promptCredentials } from '../credentialsPrompt';

export function registerMetricsCommands(context: vscode.ExtensionContext, index: RouteIndex, metrics: MetricsService): DetailsPanels {
  const panels = new DetailsPanels(context.extensionUri, metrics);
  const findRoute = (arg: string | Route | undefined): Route | undefined => {
    if (!arg) return undefined;
    const key = typeof arg === 'string' ? arg : routeId(arg);
    return index.all().find((r) => routeId(r) === key);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('telemetryLens.refreshMetrics', () => metrics.refresh({ force: true })),
    vscode.commands.registerCommand('telemetryLens.showRouteDetails', async (arg?: string | Route) => {
      let route = findRoute(arg);
      if (!route) {
        const editor = vscode.window.activeTextEditor;
        const routes = editor ? await index.ensureCurrent(editor.document) : [];
        const line = (editor?.selection.active.line ?? -1) + 1;
        route = editor ? routeAtLine(routes, editor.document.uri.fsPath, line, 'whole') : undefined;
      }
      if (!route) {
        void vscode.window.showInformationMessage('Telemetry Lens: put the cursor in a route handler, or click the metrics above one.');
        return undefined;
      }
      return panels.show(route);
    }),
    vscode.commands.registerCommand('telemetryLens.showMetricsConvention', () => showConvention(metrics)),
    vscode.commands.registerCommand('telemetryLens.setPrometheusCredentials', () => setCredentials(metrics)),
  );
  return panels;
}

/** Opens a markdown document that explains, per workspace folder, which convention applies and the exact PromQL. */
async function showConvention(metrics: MetricsService): Promise<vscode.TextDocument | undefined> {
  const services = metrics.services();
  if (!services.length) {
    void vscode.window.showInformationMessage('Telemetry Lens: open a folder to see its metrics convention.');
    return undefined;
  }
  const m = metricsSettings();
  const opts = { window: m.window, ...(m.evaluationTime !== undefined ? { evaluationTime: m.evaluationTime } : {}) };
  const parts = [`# Telemetry Lens: metrics conventions\n\nPrometheus: ${metrics.endpointLabel}\n`];
  for (const s of services) {
    parts.push(`## ${s.id}\n\nService selector: \`${s.selector || '(none: every series)'}\``);
    try {
      parts.push(await metrics.engine.explain(s, opts));
      if (!s.selector) {
        const suggestions = await suggestServiceSelectors(metrics.client).catch(() => []);
        if (suggestions.length) {
          parts.push(
            `Set \`telemetryLens.metrics.serviceSelector\` for this folder to one of:\n\n${suggestions
              .slice(0, 12)
              .map((x) => `- \`${x}\``)
              .join('\n')}`,
          );
        }
      }
    } catch (e) {
      parts.push(`Could not ask Prometheus: ${errorMessage(e)}`);
    }
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: parts.join('\n\n') + '\n' });
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc;
}

/** Stores credentials for the origin requests currently go to; they are sent to that origin only. */
async function setCredentials(metrics: MetricsService): Promise<void> {
  const auth = await promptCredentials(metrics.credentials, metrics.endpointUrl, 'Prometheus', 'telemetryLens.prometheus.url');
  if (auth && prometheusEndpointLayers().user.auth !== auth) await setPrometheusAuth(auth);
}
