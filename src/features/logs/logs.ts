/**
 * Logs in the editor: wires the logs panel (and its restore after a reload) and the commands — open the panel,
 * "Logs for this trace" (from the waterfall), a route's "Logs" (from its hover), set Loki credentials.
 */
import * as vscode from 'vscode';
import { logsServiceName, logsSettings, onSettingsChange } from '../../config';
import { routeLogsQuery, routePrefix, traceLogsQuery } from '../../core/logs/correlation';
import { routeId, routeTemplate } from '../../core/routes/route';
import { asTraceId } from '../../core/traces/model';
import { DEFAULT_LOGS_STATE, type LogsState } from '../../webview/protocol/logs';
import { notify } from '../notify';
import type { EndpointTrust } from '../trust';
import type { LocalReceiver } from '../receiver/localReceiver';
import type { RouteIndex } from '../routes/routeIndex';
import { LOGS_VIEW_TYPE, LogsPanels } from './logsPanel';
import { LokiSource } from './lokiSource';

export interface Logs {
  panels: LogsPanels;
  loki: LokiSource;
}

export function registerLogs(context: vscode.ExtensionContext, routes: RouteIndex, receiver: LocalReceiver, trust: EndpointTrust): Logs {
  const loki = new LokiSource(context.secrets, trust);
  const panels = new LogsPanels(context.extensionUri, loki, receiver);
  const open = (state: LogsState) => panels.show(state);

  const traceLogs = (raw: unknown, service: unknown) => {
    const traceId = asTraceId(String(raw ?? ''));
    if (!traceId) return void notify('warning', 'Telemetry Lens: that is not a trace id (16 or 32 hex digits).');
    if (!loki.url) return open({ ...DEFAULT_LOGS_STATE, range: { since: '7d' }, local: { ...DEFAULT_LOGS_STATE.local, traceId } });
    const q = traceLogsQuery(traceId, typeof service === 'string' ? service : '', logsSettings().traceQuery);
    if ('error' in q) return void notify('error', `Telemetry Lens: ${q.error} (telemetryLens.logs.traceQuery)`);
    return open({ ...DEFAULT_LOGS_STATE, query: q.query, range: { since: '24h' } });
  };

  const routeLogs = (arg: unknown) => {
    const route = routes.all().find((r) => routeId(r) === arg);
    if (!route) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(route.file));
    const service = logsServiceName(folder) ?? folder?.name ?? '';
    const template = routeTemplate(route);
    if (!loki.url) return open({ ...DEFAULT_LOGS_STATE, local: { ...DEFAULT_LOGS_STATE.local, service, text: routePrefix(template) } });
    const q = routeLogsQuery(template, service, logsSettings().routeQuery);
    if ('error' in q) return void notify('error', `Telemetry Lens: ${q.error} (telemetryLens.logs.routeQuery)`);
    return open({ ...DEFAULT_LOGS_STATE, query: q.query });
  };

  context.subscriptions.push(
    panels,
    vscode.window.registerWebviewPanelSerializer(LOGS_VIEW_TYPE, panels.serializer()),
    vscode.commands.registerCommand('telemetryLens.openLogs', (query?: unknown) =>
      panels.show(typeof query === 'string' && query.trim() ? { ...DEFAULT_LOGS_STATE, query } : undefined),
    ),
    vscode.commands.registerCommand('telemetryLens.showTraceLogs', traceLogs),
    vscode.commands.registerCommand('telemetryLens.showRouteLogs', routeLogs),
    vscode.commands.registerCommand('telemetryLens.setLokiCredentials', () => loki.setCredentials()),
    receiver.onDidChangeState(() => panels.sourceChanged()),
    trust.onDidDecide(() => panels.sourceChanged()),
  );
  const disposables: vscode.Disposable[] = [];
  onSettingsChange(['loki'], () => panels.sourceChanged(), disposables);
  context.subscriptions.push(...disposables);
  return { panels, loki };
}
