/** The "Routes" view: workspace folder (service) → file → route with its live metrics; clicking reveals the handler. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Route } from '../../core/routes/types';
import { formatStats } from '../../core/metrics/format';
import type { MetricsService } from '../metrics/metricsService';
import type { RouteIndex } from './routeIndex';
import { routeTitle, routeTooltip } from '../../core/routes/route';
import { routesInFolder } from './folders';

/**
 * Tree elements are cached by id and carry only identity; children are computed from the index when
 * asked. VS Code maps elements to handles across refreshes, so an element must mean the same thing in
 * every generation (a folder element never lists another folder's routes).
 */
type Node =
  | { kind: 'folder'; id: string; folder: vscode.WorkspaceFolder }
  | { kind: 'file'; id: string; file: string; label: string }
  | { kind: 'route'; id: string; route: Route };

class RoutesTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, Node>();
  /** The metrics text each route element shows, by element id. */
  private readonly shown = new Map<string, string>();
  constructor(
    private readonly index: RouteIndex,
    private readonly metrics: MetricsService,
  ) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** After a metrics refresh, re-renders only the route elements whose numbers changed. */
  metricsChanged(): void {
    const changed: Node[] = [];
    for (const node of this.nodes.values()) {
      if (node.kind !== 'route' || !this.shown.has(node.id)) continue;
      if ((this.statsText(node.route) ?? '') !== this.shown.get(node.id)) changed.push(node);
    }
    if (changed.length) this.emitter.fire(changed);
  }

  private statsText(r: Route): string | undefined {
    const stats = this.metrics.stats(r);
    return stats?.hasData ? formatStats(stats) : undefined;
  }

  private node<N extends Node>(fresh: N): N {
    const existing = this.nodes.get(fresh.id) as N | undefined;
    if (existing) {
      Object.assign(existing, fresh); // same identity, current data (e.g. the re-resolved route)
      return existing;
    }
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  private files(routes: readonly Route[], base: string | undefined): Node[] {
    const files = [...new Set(routes.map((r) => r.file))].sort((a, b) => a.localeCompare(b));
    return files.map((file) => this.node({ kind: 'file', id: `file:${file}`, file, label: base ? path.relative(base, file) : file }));
  }

  private inFolder(folder: vscode.WorkspaceFolder): Route[] {
    return routesInFolder(this.index.all(), folder);
  }

  getChildren(node?: Node): Node[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!node) {
      if (folders.length <= 1) return this.files(this.index.all(), folders[0]?.uri.fsPath);
      return folders
        .filter((folder) => this.inFolder(folder).length > 0)
        .map((folder) => this.node({ kind: 'folder', id: `folder:${folder.uri.toString()}`, folder }));
    }
    if (node.kind === 'folder') return this.files(this.inFolder(node.folder), node.folder.uri.fsPath);
    if (node.kind === 'file') {
      return this.index
        .all()
        .filter((r) => r.file === node.file)
        .map((route) =>
          this.node({ kind: 'route', id: `route:${route.file}:${route.line}:${route.methods.join('|')}:${route.path}`, route }),
        );
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.description = `${this.inFolder(node.folder).length} routes`;
      item.iconPath = new vscode.ThemeIcon('server-process');
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.resourceUri = vscode.Uri.file(node.file);
      item.description = `${this.index.all().filter((r) => r.file === node.file).length}`;
      item.iconPath = vscode.ThemeIcon.File;
      return item;
    }
    const r = node.route;
    const item = new vscode.TreeItem(routeTitle(r), vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const stats = this.statsText(r);
    this.shown.set(node.id, stats ?? '');
    item.description = [r.handlerName, stats].filter(Boolean).join(' · ');
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
