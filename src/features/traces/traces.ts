/**
 * Traces in the editor: wires the Traces view, the waterfall panels (and their restore after a reload), the
 * routes' "traces" lens, the span lens above span creation sites, and the commands — open a trace (from the explorer, a lens or a details panel), sort, filter to the active
 * editor's routes or to one route, refresh, configure Jaeger/Tempo and their credentials.
 */
import * as vscode from 'vscode';
import { notify } from '../notify';
import { onSettingsChange, setTraceAuth, setTraceBackend, traceEndpointLayers, tracesSettings } from '../../config';
import { CredentialStore } from '../../backends/credentials';
import { promptCredentials } from '../credentialsPrompt';
import type { EndpointTrust } from '../trust';
import { routeId, routeTitle } from '../../core/routes/route';
import { asTraceId } from '../../core/traces/model';
import type { TraceBackendKind } from '../../webview/protocol/waterfall';
import type { LocalReceiver } from '../receiver/localReceiver';
import type { RouteIndex } from '../routes/routeIndex';
import { BACKEND_LABEL, TraceSources } from './sources';
import { TracesTree } from './tracesView';
import type { TraceSort } from '../../core/traces/explorer';
import { WATERFALL_VIEW_TYPE, WaterfallPanels } from './waterfallPanel';
import { RouteTracesLens } from './routeLens';
import { SpanLens } from './spanLens';

/** While spans stream into the local receiver, the explorer refreshes at most this often. */
const LIVE_REFRESH_MS = 2000;

export interface Traces {
  tree: TracesTree;
  panels: WaterfallPanels;
  sources: TraceSources;
}

export function registerTraces(
  context: vscode.ExtensionContext,
  routes: RouteIndex,
  receiver: LocalReceiver,
  trust: EndpointTrust,
  credentials: CredentialStore,
): Traces {
  const sources = new TraceSources(receiver, trust, credentials);
  const tree = new TracesTree(sources, routes);
  const panels = new WaterfallPanels(context.extensionUri, sources, routes);
  const view = vscode.window.createTreeView('telemetryLens.traces', { treeDataProvider: tree, showCollapseAll: true });
  const describe = () => (view.description = tree.filterLabel ? `${tree.sort} · ${tree.filterLabel}` : tree.sort);
  describe();

  let liveTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const followReceiver = () => {
    unsubscribe?.();
    unsubscribe = receiver.current?.store.onDidChange(() => {
      liveTimer ??= setTimeout(() => {
        liveTimer = undefined;
        tree.refresh();
        spanLens.changed();
      }, LIVE_REFRESH_MS);
    });
    tree.refresh();
    lens.changed();
    spanLens.changed();
  };
  const lens = new RouteTracesLens(routes, sources);
  const spanLens = new SpanLens(receiver);
  followReceiver();

  const openTrace = (kind: TraceBackendKind, traceId: string) => panels.show({ backend: kind, traceId });
  context.subscriptions.push(
    tree,
    view,
    lens.register(),
    spanLens.register(),
    panels,
    { dispose: () => (clearTimeout(liveTimer), unsubscribe?.()) },
    receiver.onDidChangeState(followReceiver),
    vscode.window.registerWebviewPanelSerializer(WATERFALL_VIEW_TYPE, panels.serializer()),
    vscode.window.onDidChangeActiveTextEditor((e) => (tree.onEditor(e), describe())),
    vscode.commands.registerCommand('telemetryLens.openTraceIn', (kind: TraceBackendKind, traceId: string) => openTrace(kind, traceId)),
    // A trace id from an exemplar or a panel: open it in the first backend that has it (local receiver first),
    // else in the last one, whose panel then says it was not found.
    vscode.commands.registerCommand('telemetryLens.openTrace', async (raw: string) => {
      const traceId = asTraceId(String(raw ?? ''));
      const kinds = sources.available();
      if (traceId && kinds.length) {
        for (const kind of kinds.slice(0, -1)) {
          if (
            await sources.getTrace(kind, traceId).then(
              () => true,
              () => false,
            )
          )
            return openTrace(kind, traceId);
        }
        return openTrace(kinds[kinds.length - 1], traceId);
      }
      if (!traceId) {
        void vscode.window.showWarningMessage('Telemetry Lens: that is not a trace id (16 or 32 hex digits).');
        return undefined;
      }
      await vscode.env.clipboard.writeText(traceId);
      const pick = await vscode.window.showInformationMessage(
        'Trace id copied. Configure Jaeger or Tempo, or start the local OTLP receiver, to open traces in the editor.',
        'Configure Jaeger/Tempo',
      );
      if (pick) await vscode.commands.executeCommand('telemetryLens.configureTraceBackend');
      return undefined;
    }),
    vscode.commands.registerCommand('telemetryLens.refreshTraces', () => tree.refresh()),
    vscode.commands.registerCommand('telemetryLens.sortTraces', async (sort?: TraceSort) => {
      const items: { label: string; sort: TraceSort }[] = [
        { label: 'Newest first', sort: 'newest' },
        { label: 'Slowest first', sort: 'slowest' },
        { label: 'Most errors first', sort: 'errors' },
      ];
      const chosen = sort ?? (await vscode.window.showQuickPick(items, { placeHolder: 'Sort recent traces' }))?.sort;
      if (!chosen) return;
      tree.sort = chosen;
      describe();
      tree.refresh();
    }),
    vscode.commands.registerCommand('telemetryLens.filterTracesToEditor', () => {
      if (tree.filterLabel) tree.filterTo(undefined, '', false);
      else {
        tree.filterTo([], '', true);
        tree.onEditor(vscode.window.activeTextEditor);
      }
      describe();
    }),
    vscode.commands.registerCommand('telemetryLens.showRouteTraces', async (arg?: string) => {
      const route = routes.all().find((r) => routeId(r) === arg);
      if (!route) return;
      tree.filterToRoute(route);
      describe();
      await vscode.commands.executeCommand('telemetryLens.traces.focus');
      if (!sources.available().length)
        void notify(
          'info',
          `Telemetry Lens: no trace backend for ${routeTitle(route)} yet: start the local receiver or configure Jaeger/Tempo.`,
        );
    }),
    vscode.commands.registerCommand('telemetryLens.configureTraceBackend', async () => {
      const kind = await vscode.window.showQuickPick(
        [
          { label: 'Jaeger', backend: 'jaeger' as const, url: traceEndpointLayers('jaeger').user.url },
          { label: 'Tempo', backend: 'tempo' as const, url: traceEndpointLayers('tempo').user.url },
        ],
        { placeHolder: 'Which trace backend?' },
      );
      if (!kind) return;
      const url = await vscode.window.showInputBox({
        prompt: `${kind.label} query API base URL`,
        value: kind.url,
        validateInput: (v) => (/^https?:\/\/[^\s]+$/i.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
      });
      if (url) await setTraceBackend(kind.backend, url.trim());
    }),
    // Credentials for the origin the configured Jaeger or Tempo requests go to (SecretStorage, that origin only).
    vscode.commands.registerCommand('telemetryLens.setTraceCredentials', async () => {
      const configured = tracesSettings().backend;
      const kind =
        configured !== 'none'
          ? configured
          : (
              await vscode.window.showQuickPick(
                [
                  { label: 'Jaeger', backend: 'jaeger' as const },
                  { label: 'Tempo', backend: 'tempo' as const },
                ],
                { placeHolder: 'Credentials for which trace backend?' },
              )
            )?.backend;
      if (!kind) return;
      const auth = await promptCredentials(credentials, trust.traceBackend(kind).url, BACKEND_LABEL[kind], `telemetryLens.${kind}.url`);
      if (auth && traceEndpointLayers(kind).user.auth !== auth) await setTraceAuth(kind, auth);
    }),
    trust.onDidDecide(() => (tree.refresh(), lens.changed())),
    context.secrets.onDidChange((e) => CredentialStore.isCredentialKey(e.key) && tree.refresh()),
  );
  const disposables: vscode.Disposable[] = [];
  onSettingsChange(['traces', 'jaeger', 'tempo', 'http.proxy', 'http.maxResponseMB'], () => (tree.refresh(), lens.changed()), disposables);
  onSettingsChange(['codeLens'], () => (lens.changed(), spanLens.changed()), disposables);
  context.subscriptions.push(...disposables);
  return { tree, panels, sources };
}
