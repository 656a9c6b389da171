/**
 * The "Traces" sidebar view: backend (local receiver, the configured Jaeger or Tempo) → service → operation →
 * recent traces (duration, span count, error mark, age). Sorted by newest, slowest or errors; optionally only
 * the operations of the routes in the active editor (or of one route, from its lens/hover). When nothing is
 * configured the tree is empty and the view's welcome content offers the receiver and a remote backend.
 * Every name shown comes from a backend: TreeItem labels are plain text.
 */
import * as vscode from 'vscode';
import { canonicalRouteKey } from '../../core/metrics/routeTemplates';
import { routeTemplate, routeTitle } from '../../core/routes/route';
import type { Route } from '../../core/routes/types';
import type { TraceSummary } from '../../core/traces/model';
import { ageText, operationPath, sortSummaries, type TraceSort } from '../../core/traces/explorer';
import { errorMessage } from '../../core/errors';
import { formatDuration } from '../../core/metrics/format';
import type { TraceBackendKind } from '../../webview/protocol/waterfall';
import type { RouteIndex } from '../routes/routeIndex';
import { BACKEND_LABEL, type TraceSources } from './sources';

type Node =
  | { type: 'backend'; kind: TraceBackendKind }
  | { type: 'service'; kind: TraceBackendKind; service: string }
  | { type: 'operation'; kind: TraceBackendKind; service: string; operation: string }
  | { type: 'trace'; kind: TraceBackendKind; summary: TraceSummary }
  | { type: 'message'; text: string; error: boolean };

export class TracesTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  sort: TraceSort = 'newest';
  /** Canonical route keys the operations are limited to; undefined: all operations. */
  private routeFilter: { keys: Set<string>; label: string; fromEditor: boolean } | undefined;

  constructor(
    private readonly sources: TraceSources,
    private readonly routes: RouteIndex,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  get filterLabel(): string | undefined {
    return this.routeFilter?.label;
  }

  /** Limits operations to these routes (the active editor's, or one route); undefined clears it. */
  filterTo(routes: readonly Route[] | undefined, label: string, fromEditor: boolean): void {
    this.routeFilter = routes ? { keys: new Set(routes.map((r) => canonicalRouteKey(routeTemplate(r)))), label, fromEditor } : undefined;
    this.refresh();
  }

  /** The active editor changed: follow it when the filter is the editor's. */
  onEditor(editor: vscode.TextEditor | undefined): void {
    if (!this.routeFilter?.fromEditor) return;
    const routes = editor ? this.routes.inFile(editor.document.uri) : [];
    this.filterTo(routes, editor ? vscode.workspace.asRelativePath(editor.document.uri) : 'no editor', true);
  }

  filterToRoute(route: Route): void {
    this.filterTo([route], routeTitle(route), false);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (n.type) {
      case 'backend': {
        const item = new vscode.TreeItem(BACKEND_LABEL[n.kind], C.Expanded);
        item.id = `b/${n.kind}`;
        item.iconPath = new vscode.ThemeIcon(n.kind === 'local' ? 'radio-tower' : 'server');
        if (this.routeFilter) item.description = `only ${this.routeFilter.label}`;
        item.contextValue = 'traceBackend';
        return item;
      }
      case 'service': {
        const item = new vscode.TreeItem(n.service, C.Collapsed);
        item.id = `s/${n.kind}/${n.service}`;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        return item;
      }
      case 'operation': {
        const item = new vscode.TreeItem(n.operation, C.Collapsed);
        item.id = `o/${n.kind}/${n.service}/${n.operation}`;
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        return item;
      }
      case 'trace': {
        const s = n.summary;
        const errors = s.errorSpanCount ?? 0;
        const item = new vscode.TreeItem(
          `${formatDuration(s.durationUs !== undefined ? s.durationUs / 1e6 : null)} ${s.rootName ?? s.traceId}`,
          C.None,
        );
        item.id = `t/${n.kind}/${s.traceId}`;
        item.description = [
          s.spanCount !== undefined ? `${s.spanCount} spans` : '',
          errors ? `${errors} errors` : '',
          ageText(s.startUs, Date.now()),
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = `${s.rootService ?? ''} ${s.rootName ?? ''}\nTrace ${s.traceId}\n${new Date(s.startUs / 1000).toISOString()}`;
        item.iconPath = new vscode.ThemeIcon(errors ? 'error' : 'pulse', errors ? new vscode.ThemeColor('errorForeground') : undefined);
        item.command = { command: 'telemetryLens.openTraceIn', title: 'Open Trace', arguments: [n.kind, s.traceId] };
        item.contextValue = 'trace';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text, C.None);
        item.iconPath = new vscode.ThemeIcon(n.error ? 'warning' : 'info');
        return item;
      }
    }
  }

  async getChildren(n?: Node): Promise<Node[]> {
    try {
      if (!n) return this.sources.available().map((kind) => ({ type: 'backend', kind }));
      if (n.type === 'backend') {
        const services = await this.sources.services(n.kind);
        return services.length
          ? services.map((service) => ({ type: 'service', kind: n.kind, service }))
          : [{ type: 'message', text: 'No services yet: send spans to it', error: false }];
      }
      if (n.type === 'service') {
        let ops = await this.sources.operations(n.kind, n.service);
        const f = this.routeFilter;
        if (f) ops = ops.filter((op) => f.keys.has(canonicalRouteKey(operationPath(op) ?? '\u0000')));
        return ops.length
          ? ops.map((operation) => ({ type: 'operation', kind: n.kind, service: n.service, operation }))
          : [{ type: 'message', text: f ? `No operations of ${f.label}` : 'No operations', error: false }];
      }
      if (n.type === 'operation') {
        const list = sortSummaries(await this.sources.recent(n.kind, n.service, n.operation), this.sort);
        return list.length
          ? list.map((summary) => ({ type: 'trace', kind: n.kind, summary }))
          : [{ type: 'message', text: 'No traces in the last hour', error: false }];
      }
      return [];
    } catch (e) {
      return [{ type: 'message', text: errorMessage(e), error: true }];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
