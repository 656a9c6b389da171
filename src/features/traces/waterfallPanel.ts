/**
 * The trace waterfall panel (host side): one panel per trace, fed from a TraceSources backend, restored after
 * a window reload by a WebviewPanelSerializer from the identity the webview persisted (backend + trace id).
 * Span details are sent on demand (the rows are compact), so a 100,000-span trace crosses postMessage once.
 */
import * as vscode from 'vscode';
import { notify } from '../notify';
import { PanelHost, restoringSerializer } from '../../webview/host/panelHost';
import {
  isWaterfallState,
  isWaterfallToHost,
  type HostToWaterfall,
  type SpanDetails,
  type WaterfallState,
  type WaterfallToHost,
} from '../../webview/protocol/waterfall';
import { attrPairs, waterfallModel, type WaterfallModel } from '../../core/traces/waterfall';
import { errorMessage } from '../../core/errors';
import { shortId } from '../../backends/parsedGetter';
import { logger } from '../../log';
import { BACKEND_LABEL, type TraceSources } from './sources';
import { codeTarget } from './goToCode';
import type { RouteIndex } from '../routes/routeIndex';

const log = logger('traces');
export const WATERFALL_VIEW_TYPE = 'telemetryLens.waterfall';
type Host = PanelHost<WaterfallToHost, HostToWaterfall>;

export class WaterfallPanels implements vscode.Disposable {
  private readonly open = new Map<string, Host>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: TraceSources,
    private readonly routes: RouteIndex,
  ) {}

  /** Opens (or focuses) the waterfall of a trace. Returns the panel for tests. */
  show(state: WaterfallState, panel?: vscode.WebviewPanel): Host {
    const key = `${state.backend}/${state.traceId}`;
    const existing = this.open.get(key);
    if (existing && !panel) {
      existing.panel.reveal();
      return existing;
    }
    const host: Host = new PanelHost<WaterfallToHost, HostToWaterfall>(this.extensionUri, {
      viewType: WATERFALL_VIEW_TYPE,
      title: `Trace ${shortId(state.traceId)}`,
      script: 'waterfall',
      isMessage: isWaterfallToHost,
      ...(panel ? { panel } : {}),
    });
    this.open.set(key, host);
    let model: WaterfallModel | undefined;
    let loading: AbortController | undefined;
    const load = async () => {
      loading?.abort();
      const ctl = (loading = new AbortController());
      host.post({ type: 'loading', state });
      try {
        const trace = await this.sources.getTrace(state.backend, state.traceId, { signal: ctl.signal });
        if (ctl.signal.aborted) return;
        model = waterfallModel(trace);
        host.post({ type: 'trace', state, trace: model.data, canOpenUi: this.sources.uiUrl(state.backend, state.traceId) !== undefined });
      } catch (e) {
        if (!ctl.signal.aborted) host.post({ type: 'error', state, message: `${BACKEND_LABEL[state.backend]}: ${errorMessage(e)}` });
      }
    };
    host.onDidDispose(() => {
      loading?.abort();
      if (this.open.get(key) === host) this.open.delete(key);
    });
    host.onMessage((m) => {
      if (m.type === 'ready' || m.type === 'reload') void load();
      else if (m.type === 'copyTraceId')
        void vscode.env.clipboard.writeText(state.traceId).then(() => vscode.window.setStatusBarMessage('Trace id copied', 3000));
      else if (m.type === 'openInUi') {
        const url = this.sources.uiUrl(state.backend, state.traceId);
        if (url) void vscode.env.openExternal(vscode.Uri.parse(url));
      } else if (m.type === 'details' && model?.spans[m.row]) host.post({ type: 'details', details: this.details(model, m.row) });
      else if (m.type === 'goToCode' && model?.spans[m.row]) void this.goToCode(model, m.row);
      else if (m.type === 'traceLogs' && model)
        void vscode.commands.executeCommand('telemetryLens.showTraceLogs', state.traceId, model.spans[m.row ?? 0]?.service ?? '');
    });
    return host;
  }

  private details(model: WaterfallModel, row: number): SpanDetails {
    const s = model.spans[row];
    const d: SpanDetails = {
      row,
      spanId: s.spanId,
      name: s.name,
      service: s.service,
      kind: s.kind,
      status: s.status,
      attributes: attrPairs(s.attributes),
      resource: attrPairs(s.resource),
      events: s.events.map((e) => ({ offsetUs: e.timeUs - s.startUs, name: e.name, attributes: attrPairs(e.attributes) })),
      links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attrPairs(l.attributes) })),
    };
    if (s.parentSpanId) d.parentSpanId = s.parentSpanId;
    if (s.statusMessage) d.statusMessage = s.statusMessage;
    if (s.scope) d.scope = `${s.scope.name}${s.scope.version ? ` ${s.scope.version}` : ''}`;
    const target = codeTarget(s, this.routes);
    if (target) d.code = target.describe;
    return d;
  }

  private async goToCode(model: WaterfallModel, row: number): Promise<void> {
    const target = codeTarget(model.spans[row], this.routes);
    try {
      const loc = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Finding the code of a span' },
        (_p, token) => target?.resolve(token) ?? Promise.resolve(undefined),
      );
      if (!loc) {
        void notify('info', `Telemetry Lens: no code found for this span (${target?.describe ?? 'it carries no code attributes'}).`);
        return;
      }
      await vscode.window.showTextDocument(loc.uri, { selection: loc.range, viewColumn: vscode.ViewColumn.One });
    } catch (e) {
      log.warn(`Go to code: ${errorMessage(e)}`);
    }
  }

  /** Restores panels after a window reload from the persisted identity; anything else closes the panel. */
  serializer(): vscode.WebviewPanelSerializer {
    return restoringSerializer(isWaterfallState, (state, panel) => this.show(state, panel));
  }

  dispose(): void {
    for (const h of [...this.open.values()]) h.dispose();
  }
}
