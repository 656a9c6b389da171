/**
 * "Scaffold Observability Stack", "Generate Alert Rules" and "Open Route in Grafana": thin adapters over the
 * pure generator (src/core/scaffold). Each workspace folder is one service. Nothing is written before the
 * user has seen the list of files, and nothing existing is overwritten without a modal yes.
 */
import * as vscode from 'vscode';
import { alertSettingsProblems, DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../core/dashboards/alerts';
import { grafanaRouteUrl } from '../../core/dashboards/grafana';
import { errorMessage } from '../../core/errors';
import { CONVENTION_NAMES, getConvention, type ConventionName } from '../../core/metrics/conventions';
import type { FolderSpec } from '../../core/scaffold/plan';
import type { ScaffoldFile } from '../../core/scaffold/scaffold';
import type { Route } from '../../core/routes/types';
import { routeId } from '../../core/routes/route';
import { alertRuleSettings, folderMetricsSettings, instrumentSettings, metricsSettings, routesSettings } from '../../config';
import { logger } from '../../log';
import { notify } from '../notify';
import type { RouteIndex } from '../routes/routeIndex';
import type { MetricsService } from '../metrics/metricsService';

const log = logger('scaffold');
// The generator (and the YAML writer) is evaluated only when a command runs, not at activation.
const loadGenerator = async () => ({ ...(await import('../../core/scaffold/plan')), ...(await import('../../core/scaffold/scaffold')) });

export function registerScaffold(context: vscode.ExtensionContext, index: RouteIndex, metrics: MetricsService): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('telemetryLens.scaffoldStack', () => run(metrics, 'stack')),
    vscode.commands.registerCommand('telemetryLens.generateAlertRules', () => run(metrics, 'alerts')),
    vscode.commands.registerCommand('telemetryLens.openRouteInGrafana', (id?: string) => openInGrafana(index, metrics, id)),
  );
}

/** The folder's convention when a setting names one; otherwise detection decides. */
function folderSpec(folder: vscode.WorkspaceFolder): FolderSpec {
  const s = folderMetricsSettings(folder);
  const name = s.convention as ConventionName;
  const convention =
    CONVENTION_NAMES.includes(name) && name !== 'custom'
      ? { name, ...(name === 'telemetry-lens' ? { prefix: instrumentSettings(folder.uri).metricPrefix } : {}) }
      : undefined;
  return { dir: folder.uri.fsPath, ...(convention ? { convention } : {}), ...(s.serviceSelector ? { selector: s.serviceSelector } : {}) };
}

async function run(metrics: MetricsService, what: 'stack' | 'alerts'): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    void vscode.window.showInformationMessage('Telemetry Lens: open a folder first (each workspace folder becomes one service).');
    return;
  }
  const alerts: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, ...alertRuleSettings(folders[0]!.uri) };
  const problems = alertSettingsProblems(alerts);
  if (problems.length) {
    void notify('error', `Telemetry Lens: fix the telemetryLens.alerts settings: ${problems.join('; ')}`);
    return;
  }
  const target = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: folders[0]!.uri,
    openLabel: what === 'stack' ? 'Write the stack here' : 'Write the rules here',
    title:
      what === 'stack' ? 'Where to write docker-compose.yml and its configuration' : 'Where to write prometheus/rules and prometheus/tests',
  });
  const out = target?.[0];
  if (!out) return;
  let traces: 'jaeger' | 'tempo' = 'jaeger';
  if (what === 'stack') {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Jaeger', value: 'jaeger' as const },
        { label: 'Tempo', value: 'tempo' as const },
      ],
      { title: 'Trace backend of the stack' },
    );
    if (!pick) return;
    traces = pick.value;
  }
  try {
    const generated = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Telemetry Lens: reading the routes of each folder…', cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const { planServices, scaffold } = await loadGenerator();
        const plan = await planServices(folders.map(folderSpec), {
          out: out.fsPath,
          ...prometheusFor(metrics),
          exclude: routesSettings().exclude,
          signal: abort.signal,
        });
        const result = scaffold({ services: plan.services, traces, alerts });
        const files =
          what === 'stack'
            ? result.files
            : result.files.filter((f) => f.path.startsWith('prometheus/rules/') || f.path.startsWith('prometheus/tests/'));
        return { files, notes: [...plan.notes, ...result.notes] };
      },
    );
    await confirmAndWrite(out, generated.files, generated.notes, what);
  } catch (e) {
    log.error(e instanceof Error ? e : errorMessage(e));
    void notify('error', `Telemetry Lens: ${errorMessage(e)}`);
  }
}

/** The configured Prometheus to detect conventions from; none while it is misconfigured (the generator then says so). */
function prometheusFor(metrics: MetricsService): { prometheus?: MetricsService['client'] } {
  try {
    return { prometheus: metrics.client };
  } catch {
    return {};
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function confirmAndWrite(out: vscode.Uri, files: ScaffoldFile[], notes: string[], what: 'stack' | 'alerts'): Promise<void> {
  const uris = files.map((f) => vscode.Uri.joinPath(out, ...f.path.split('/')));
  const existing = await Promise.all(uris.map(exists));
  const items: vscode.QuickPickItem[] = [
    ...files.map((f, i) => ({ label: f.path, description: existing[i] ? 'exists: will be overwritten' : 'new' })),
    ...(notes.length
      ? [{ label: 'Notes', kind: vscode.QuickPickItemKind.Separator }, ...notes.map((n) => ({ label: '$(info)', description: n }))]
      : []),
  ];
  const go = await vscode.window.showQuickPick(
    [{ label: `$(check) Write ${files.length} files to ${out.fsPath}`, alwaysShow: true }, ...items],
    {
      title: what === 'stack' ? 'Scaffold Observability Stack: files it will write' : 'Generate Alert Rules: files it will write',
      placeHolder: 'Pick the first entry to write them; Escape cancels',
    },
  );
  if (!go?.label.startsWith('$(check)')) return;
  const overwrite = files.filter((_f, i) => existing[i]).map((f) => f.path);
  if (overwrite.length) {
    const yes = 'Overwrite';
    // A modal's detail is plain text (no link rendering); the paths are the generator's own.
    const answer = await vscode.window.showWarningMessage(
      'Overwrite existing files?',
      { modal: true, detail: `${overwrite.length} file(s):\n${overwrite.join('\n')}` },
      yes,
    );
    if (answer !== yes) return;
  }
  for (const [i, f] of files.entries()) await vscode.workspace.fs.writeFile(uris[i]!, new TextEncoder().encode(f.content));
  log.info(`wrote ${files.length} files to ${out.fsPath}`);
  const first = uris[files.findIndex((f) => f.path === 'docker-compose.yml')] ?? uris[0];
  if (first) await vscode.window.showTextDocument(first, { preview: true });
  void notify('info', `Telemetry Lens: wrote ${files.length} files${overwrite.length ? ` (${overwrite.length} overwritten)` : ''}.`);
}

async function openInGrafana(index: RouteIndex, metrics: MetricsService, id: string | undefined): Promise<void> {
  const route: Route | undefined = id ? index.all().find((r) => routeId(r) === id) : undefined;
  const service = route ? metrics.serviceFor(route) : undefined;
  if (!route || !service) {
    void vscode.window.showInformationMessage('Telemetry Lens: open a route from its hover to see it in Grafana.');
    return;
  }
  const setting = metricsSettings().grafanaUrl;
  const conv = getConvention(
    service.convention && service.convention !== 'auto' && service.convention !== 'custom' ? service.convention : 'telemetry-lens',
  );
  const { serviceName } = await loadGenerator();
  const url = grafanaRouteUrl(setting, serviceName(service.id), conv.labelValueFor(route));
  if (!url) {
    void vscode.window.showErrorMessage('Telemetry Lens: telemetryLens.grafana.url must be an http or https URL.');
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(url.href));
}
