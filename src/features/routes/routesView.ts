/** The "Routes" view: file → route with its live metrics; clicking reveals the handler. */
import * as vscode from 'vscode';
import type { Route } from '../../core/routes/types';
import { formatStats } from '../../core/metrics/format';
import type { MetricsService } from '../metrics/metricsService';
import type { RouteIndex } from './routeIndex';
import { routeTitle, routeTooltip } from '../../core/routes/route';

/**
 * Tree elements are cached by id and carry only identity; children are computed from the index when
 * asked. VS Code maps elements to handles across refreshes, so an element must mean the same thing in
 * every generation.
 *
 * The tree has two levels on purpose, files at the root (named with their workspace folder when there
 * are several, as VS Code names them) and routes under them. VS Code 1.100 batches the children requests
 * of sibling nodes, and a batch whose parents have expanded children of their own can hand one parent
 * the children of another (microsoft/vscode#243911): a folder → file → route tree showed one folder
 * with another folder's routes. With two levels the only batch of several parents is the files', whose
 * children are leaves.
 */
type Node = { kind: 'file'; id: string; file: string } | { kind: 'route'; id: string; route: Route };

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

  /** Re-renders the whole tree, forgetting the elements of routes and files that are gone. */
  refresh(): void {
    const live = new Set(this.index.all().flatMap((r) => [fileNodeId(r.file), routeNodeId(r)]));
    for (const id of this.nodes.keys()) {
      if (!live.has(id)) {
        this.nodes.delete(id);
        this.shown.delete(id);
      }
    }
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

  getChildren(node?: Node): Node[] {
    if (!node) {
      return [...new Set(this.index.all().map((r) => r.file))]
        .map((file) => ({ file, folder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.index ?? -1, label: fileLabel(file) }))
        .sort((a, b) => a.folder - b.folder || a.label.localeCompare(b.label))
        .map(({ file }) => this.node({ kind: 'file', id: fileNodeId(file), file }));
    }
    if (node.kind === 'file') {
      return this.index
        .all()
        .filter((r) => r.file === node.file)
        .map((route) => this.node({ kind: 'route', id: routeNodeId(route), route }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(fileLabel(node.file), vscode.TreeItemCollapsibleState.Expanded);
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

const fileNodeId = (file: string) => `file:${file}`;
const routeNodeId = (r: Route) => `route:${r.file}:${r.line}:${r.methods.join('|')}:${r.path}`;

/** The file's path relative to its workspace folder, prefixed with the folder's name when there are several. */
function fileLabel(file: string): string {
  return vscode.workspace.asRelativePath(file);
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
