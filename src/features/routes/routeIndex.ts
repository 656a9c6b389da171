/**
 * The workspace's routes, kept current: a background index of every workspace folder (window progress,
 * cancellable, respecting files.exclude, .gitignore, node_modules, virtual environments and build output),
 * open documents re-analysed on edit (debounced, cached by document version), files on disk followed by a
 * watcher. Parsing is tree-sitter (wasm) on this thread, time-sliced: parse, query and analysis yield to the
 * event loop every few ms, and the workspace scan yields between files, so the extension host stays responsive.
 * An open document keeps its syntax tree and is re-parsed incrementally from the edits VS Code reports.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeFileSliced, resolveRoutes, type FileAnalysis, type ResolveOptions } from '../../core/routes/detector';
import { isIndexable, scanWorkspace } from '../../core/routes/workspace';
import { DocumentAnalyzer, type ContentChange } from '../../core/routes/incremental';
import { grammarForFile, loadParsers } from '../../core/parsing/treeSitter';
import type { Route } from '../../core/routes/types';
import { filesExclude, onSettingsChange, routesSettings } from '../../config';
import { logger } from '../../log';
import { errorMessage } from '../../core/errors';

const log = logger('routes');
const DEBOUNCE_MS = 250;
/** Project files that change which files are scanned (`.gitignore`) or how imports and prefixes resolve. */
const PROJECT_CONFIG = '**/{.gitignore,package.json,tsconfig*.json,jsconfig.json,deno.json,deno.jsonc}';
const RESCAN_DEBOUNCE_MS = 500;

export class RouteIndex implements vscode.Disposable {
  private readonly analyses = new Map<string, FileAnalysis>();
  /** Per workspace folder root: how imports resolve there (tsconfig path aliases, base URLs). */
  private resolveOptions = new Map<string, ResolveOptions>();
  /** Per workspace folder root: the scan's file rules (its root .gitignore included). */
  private indexRules = new Map<string, (rel: string) => boolean>();
  /** Document versions whose analysis is current, so an unchanged document is never re-parsed. */
  private readonly versions = new Map<string, number>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** The analysis under way per open document, with the version it analyses. */
  private readonly analyzing = new Map<string, { version: number; done: Promise<void> }>();
  /** One incremental analyzer per open document (keeps its syntax tree) and the edits it has not seen yet. */
  private readonly open = new Map<string, { analyzer: DocumentAnalyzer; changes: ContentChange[] }>();
  private routes: Route[] = [];
  /** What listeners care about, to fire onDidChange only when routes really changed. */
  private signature = '';
  private resolveTimer: ReturnType<typeof setTimeout> | undefined;
  private rescanTimer: ReturnType<typeof setTimeout> | undefined;
  private scan: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private firstScan: Promise<void> = Promise.resolve();
  /** A workspace scan has completed. Before, prefixes registered in other files are unknown, so no route is
   *  resolved (a first file's routes would get wrong full paths, and metrics for paths nobody serves). */
  private scanned = false;

  constructor() {
    this.disposables.push(this.changed);
    vscode.workspace.onDidChangeTextDocument(
      (e) => {
        this.open
          .get(e.document.uri.toString())
          ?.changes.push(...e.contentChanges.map(({ rangeOffset, rangeLength, text }) => ({ rangeOffset, rangeLength, text })));
        this.schedule(e.document);
      },
      undefined,
      this.disposables,
    );
    vscode.workspace.onDidCloseTextDocument(
      (d) => {
        const entry = this.open.get(d.uri.toString());
        if (!entry) return;
        entry.analyzer.dispose();
        this.open.delete(d.uri.toString());
        this.versions.delete(d.uri.fsPath);
        if (d.uri.scheme === 'file')
          void this.analyzeDisk(d.uri); // unsaved edits are gone: the disk is the truth again
        else this.forget(d.uri);
      },
      undefined,
      this.disposables,
    );
    vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d), undefined, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan(), undefined, this.disposables);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{py,ts,tsx,mts,cts,js,jsx,mjs,cjs}');
    this.disposables.push(
      watcher,
      watcher.onDidChange((u) => void this.analyzeDisk(u)),
      watcher.onDidCreate((u) => void this.analyzeDisk(u)),
      watcher.onDidDelete((u) => this.forget(u)),
    );
    // the files that decide what is scanned and how imports resolve: a change re-indexes the folder's routes
    const config = vscode.workspace.createFileSystemWatcher(PROJECT_CONFIG);
    const configChanged = (u: vscode.Uri) => {
      if (u.path.includes('/node_modules/')) return;
      clearTimeout(this.rescanTimer);
      this.rescanTimer = setTimeout(() => void this.rescan(), RESCAN_DEBOUNCE_MS);
    };
    this.disposables.push(config, config.onDidChange(configChanged), config.onDidCreate(configChanged), config.onDidDelete(configChanged));
    onSettingsChange(['routes', 'files.exclude'], () => void this.rescan(), this.disposables);
  }

  /** Starts the background index (returns at once); `ready` resolves when the first scan is done. */
  start(): void {
    this.firstScan = this.rescan();
  }

  get ready(): Promise<void> {
    return this.firstScan;
  }

  all(): readonly Route[] {
    return this.routes;
  }

  /** Routes registered in a file (by decorator/registration) or whose handler lives in it. */
  inFile(uri: vscode.Uri): Route[] {
    const p = uri.fsPath;
    return this.routes.filter((r) => r.file === p || r.handlerFile === p);
  }

  /**
   * Analyses the document now if its current version is not yet known (used before acting on it). Waits
   * for the first workspace scan: before it, prefixes registered in other files are unknown, and a route's
   * full path (its metrics, its instrumentation label) would be wrong.
   */
  async ensureCurrent(doc: vscode.TextDocument): Promise<Route[]> {
    await this.firstScan;
    if (this.versions.get(doc.uri.fsPath) !== doc.version) {
      // An analysis superseded by a newer edit meanwhile leaves an older one in place: go again for the newest.
      for (let i = 0; i < 3 && this.versions.get(doc.uri.fsPath) !== doc.version && !doc.isClosed; i++) await this.analyzeDocument(doc);
      this.resolveNow();
    }
    return this.inFile(doc.uri);
  }

  /** Re-indexes every workspace folder; never rejects (failures go to the log). */
  async rescan(): Promise<void> {
    try {
      await this.indexFolders();
    } catch (e) {
      log.error(`route index failed: ${errorMessage(e)}`);
    }
  }

  private async indexFolders(): Promise<void> {
    this.scan?.cancel();
    const cts = (this.scan = new vscode.CancellationTokenSource());
    const folders = vscode.workspace.workspaceFolders ?? [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Telemetry Lens: indexing routes', cancellable: false },
      async (progress) => {
        const abort = new AbortController();
        cts.token.onCancellationRequested(() => abort.abort());
        const started = Date.now();
        const fresh = new Map<string, FileAnalysis>();
        const options = new Map<string, ResolveOptions>();
        const rules = new Map<string, (rel: string) => boolean>();
        for (const folder of folders) {
          if (folder.uri.scheme !== 'file') continue;
          try {
            const result = await scanWorkspace(folder.uri.fsPath, {
              maxFileBytes: routesSettings(folder.uri).maxFileBytes,
              exclude: this.excludes(folder.uri),
              signal: abort.signal,
              onProgress: (done, total) => progress.report({ message: `${folder.name} ${done}/${total}` }),
            });
            for (const [file, a] of result.analyses) fresh.set(file, a);
            options.set(folder.uri.fsPath, result.resolveOptions);
            rules.set(folder.uri.fsPath, result.indexable);
            for (const note of result.notes) log.info(note);
          } catch (e) {
            if (abort.signal.aborted) return;
            log.error(`indexing ${folder.name} failed: ${errorMessage(e)}`);
          }
        }
        if (cts.token.isCancellationRequested) return;
        this.analyses.clear();
        this.versions.clear();
        this.resolveOptions = options;
        this.indexRules = rules;
        for (const [f, a] of fresh) this.analyses.set(f, a);
        this.scanned = true;
        // Open documents may be ahead of the disk.
        for (const doc of vscode.workspace.textDocuments) await this.analyzeDocument(doc);
        this.resolveNow();
        log.info(`indexed ${fresh.size} files, ${this.routes.length} routes in ${Date.now() - started} ms`);
      },
    );
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!this.isCandidate(doc.uri)) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.analyzeDocument(doc).then(() => this.scheduleResolve());
      }, DEBOUNCE_MS),
    );
  }

  /** The workspace scan's own rules (our languages; not in node_modules/venvs/build output/tests/excludes/the root
   *  .gitignore), or a held file the scan analysed because the project loads it (core/routes/heldFiles). */
  private isCandidate(uri: vscode.Uri): boolean {
    if (grammarForFile(uri.fsPath) === undefined) return false;
    if (uri.scheme === 'untitled') return true;
    if (uri.scheme !== 'file') return false;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const rel = folder ? path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/') : uri.fsPath;
    const indexable =
      (folder && this.indexRules.get(folder.uri.fsPath)) ?? ((r: string) => isIndexable(r, { exclude: this.excludes(folder?.uri) }));
    return indexable(rel) || this.analyses.has(uri.fsPath);
  }

  private excludes(scope: vscode.Uri | undefined): string[] {
    return [...filesExclude(scope), ...routesSettings(scope).exclude];
  }

  /** Analyses the document's current version; callers asking for the version already under analysis share it
   *  (a second analysis would supersede the first, and the first caller would go on with an older result). */
  private analyzeDocument(doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    const running = this.analyzing.get(key);
    if (running?.version === doc.version) return running.done;
    const done: Promise<void> = this.analyzeVersion(doc).finally(() => {
      if (this.analyzing.get(key)?.done === done) this.analyzing.delete(key);
    });
    this.analyzing.set(key, { version: doc.version, done });
    return done;
  }

  private async analyzeVersion(doc: vscode.TextDocument): Promise<void> {
    if (!this.isCandidate(doc.uri) || doc.isClosed) return;
    const p = doc.uri.fsPath;
    if (this.versions.get(p) === doc.version) return;
    try {
      const parsers = await loadParsers();
      const key = doc.uri.toString();
      let entry = this.open.get(key);
      if (!entry) this.open.set(key, (entry = { analyzer: new DocumentAnalyzer(parsers, p), changes: [] }));
      // Text, version and the edits since the last update are read together (no await in between), so the
      // edits lead exactly to this text and tree-sitter re-parses incrementally. A later update supersedes this one.
      const version = doc.version;
      const text = doc.getText();
      const changes = entry.changes.splice(0);
      if (text.length > routesSettings(doc.uri).maxFileBytes) return;
      const analysis = await entry.analyzer.updateSliced(text, changes);
      if ((this.versions.get(p) ?? -1) > version) return; // a newer version finished first
      this.analyses.set(p, analysis);
      this.versions.set(p, version);
    } catch (e) {
      if (e instanceof Error && e.name === 'AbortError') return;
      log.warn(`could not analyse ${p}: ${errorMessage(e)}`);
    }
  }

  private async analyzeDisk(uri: vscode.Uri): Promise<void> {
    if (!this.isCandidate(uri)) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return; // the editor's copy wins
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > routesSettings(uri).maxFileBytes) return;
      const text = new TextDecoder('utf-8', { fatal: true }).decode(await vscode.workspace.fs.readFile(uri));
      this.analyses.set(uri.fsPath, await analyzeFileSliced(await loadParsers(), uri.fsPath, text));
      this.versions.delete(uri.fsPath);
      this.scheduleResolve();
    } catch (e) {
      log.debug(`skipped ${uri.fsPath}: ${errorMessage(e)}`);
    }
  }

  private forget(uri: vscode.Uri): void {
    if (this.analyses.delete(uri.fsPath)) this.scheduleResolve();
    this.versions.delete(uri.fsPath);
  }

  private scheduleResolve(): void {
    clearTimeout(this.resolveTimer);
    this.resolveTimer = setTimeout(() => this.resolveNow(), 50);
  }

  /** Resolves each workspace folder's files together (a folder is a service), with its own import options. */
  private resolveNow(): void {
    clearTimeout(this.resolveTimer);
    if (!this.scanned) return; // the scan resolves everything when it ends
    try {
      this.resolve();
    } catch (e) {
      log.error(`route resolution failed: ${errorMessage(e)}`);
    }
  }

  private resolve(): void {
    const roots = [...this.resolveOptions.keys()].sort((a, b) => b.length - a.length);
    const groups = new Map<string, FileAnalysis[]>();
    for (const [file, a] of this.analyses) {
      const root = roots.find((r) => file.startsWith(r + path.sep)) ?? '';
      let group = groups.get(root);
      if (!group) groups.set(root, (group = []));
      group.push(a);
    }
    const next = [...groups].flatMap(([root, as]) => resolveRoutes(as, this.resolveOptions.get(root)));
    const signature = next
      .map((r) => `${r.file}:${r.line}:${r.handlerLine}:${r.methods.join()}:${r.fullPath ?? r.path}:${r.range.end.line}`)
      .join('\n');
    this.routes = next;
    if (signature !== this.signature) {
      this.signature = signature;
      this.changed.fire();
    }
  }

  dispose(): void {
    for (const { analyzer } of this.open.values()) analyzer.dispose();
    this.open.clear();
    this.scan?.cancel();
    this.scan?.dispose();
    clearTimeout(this.resolveTimer);
    clearTimeout(this.rescanTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
