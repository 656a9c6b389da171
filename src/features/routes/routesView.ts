/** The "Routes" view: workspace folder (service) → file → route with its live metrics; clicking reveals the handler. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Route } from '../../core/routes/types';
import { formatStats } from '../../core/metrics/format';
import type { MetricsService } from '../metrics/metricsService';
import type { RouteIndex } from './routeIndex';
import { routeTitle, routeTooltip } from './routeLabels';

type Node =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder; routes: Route[] }
  | { kind: 'file'; file: string; label: string; routes: Route[] }
  | { kind: 'route'; route: Route };

function groupByFile(routes: Route[], base: string | undefined): Node[] {
  const byFile = new Map<string, Route[]>();
  for (const r of routes) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  return [...byFile.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, rs]) => ({ kind: 'file', file, label: base ? path.relative(base, file) : file, routes: rs }));
}

class RoutesTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  constructor(
    private readonly index: RouteIndex,
    private readonly metrics: MetricsService,
  ) {}

  private shownStats = '';

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** Re-renders after a metrics refresh only when a number the view shows has changed. */
  metricsChanged(): void {
    const shown = this.index.all().map((r) => this.statsText(r) ?? '').join('\n');
    if (shown === this.shownStats) return;
    this.shownStats = shown;
    this.refresh();
  }

  private statsText(r: Route): string | undefined {
    const stats = this.metrics.stats(r);
    return stats?.hasData ? formatStats(stats) : undefined;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const folders = vscode.workspace.workspaceFolders ?? [];
      const routes = [...this.index.all()];
      if (folders.length <= 1) return groupByFile(routes, folders[0]?.uri.fsPath);
      return folders
        .map((folder) => ({
          kind: 'folder' as const,
          folder,
          routes: routes.filter((r) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(r.file))?.uri.toString() === folder.uri.toString()),
        }))
        .filter((n) => n.routes.length > 0);
    }
    if (node.kind === 'folder') return groupByFile(node.routes, node.folder.uri.fsPath);
    if (node.kind === 'file') return node.routes.map((route) => ({ kind: 'route', route }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `folder:${node.folder.uri.toString()}`;
      item.description = `${node.routes.length} routes`;
      item.iconPath = new vscode.ThemeIcon('server-process');
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `file:${node.file}`;
      item.resourceUri = vscode.Uri.file(node.file);
      item.description = `${node.routes.length}`;
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    const r = node.route;
    const item = new vscode.TreeItem(routeTitle(r), vscode.TreeItemCollapsibleState.None);
    item.id = `route:${r.file}:${r.line}:${r.methods.join('|')}:${r.path}`;
    item.description = [r.handlerName, this.statsText(r)].filter(Boolean).join(' · ');
    item.tooltip = routeTooltip(r);
    item.iconPath = new vscode.ThemeIcon(r.fullPath === null ? 'question' : 'symbol-method');
    item.contextValue = 'route';
    item.command = { command: 'telemetryLens.revealRoute', title: 'Reveal Route Handler', arguments: [r] };
    return item;
  }
}

export async function revealRoute(route: Route): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(route.handlerFile));
  const pos = new vscode.Position(route.handlerLine - 1, 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: false });
}

export function registerRoutesView(context: vscode.ExtensionContext, index: RouteIndex, metrics: MetricsService): void {
  const tree = new RoutesTree(index, metrics);
  const view = vscode.window.createTreeView('telemetryLens.routes', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    view,
    index.onDidChange(() => {
      tree.refresh();
      view.description = `${index.all().length}`;
    }),
    metrics.onDidChange(() => tree.metricsChanged()),
    vscode.commands.registerCommand('telemetryLens.revealRoute', (r: Route) => revealRoute(r)),
    vscode.commands.registerCommand('telemetryLens.refreshRoutes', () => index.rescan()),
    vscode.commands.registerCommand('telemetryLens.goToRoute', () => goToRoute(index)),
  );
}

interface RoutePick extends vscode.QuickPickItem {
  route: Route;
}

/** "Go to Route…": fuzzy quick pick over method, full path and handler. Returns the chosen route. */
export async function goToRoute(index: RouteIndex): Promise<Route | undefined> {
  await index.ready;
  const items: RoutePick[] = index.all().map((route) => ({
    route,
    label: routeTitle(route),
    description: route.handlerName ?? undefined,
    detail: `${vscode.workspace.asRelativePath(route.file)}:${route.line}`,
  }));
  if (!items.length) {
    void vscode.window.showInformationMessage('Telemetry Lens found no HTTP route handlers in this workspace.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Telemetry Lens: Go to Route',
    placeHolder: 'Type a method or path, e.g. "get orders"',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (pick) await revealRoute(pick.route);
  return pick?.route;
}
