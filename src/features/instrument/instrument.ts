/**
 * Instrument Route: commands (palette, editor context menu) and lightbulb code actions that insert a
 * Prometheus counter/histogram and OpenTelemetry spans into route handlers, and app-level setup
 * (/metrics endpoint, tracing). The pure planner does the work; this adapter turns a plan into ONE
 * WorkspaceEdit (one undo), refuses stale or invalid plans, and tells the user why.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ALL_ASPECTS, type Aspect, type EditPlan, type InstrumentOptions } from '../../core/instrument/types';
import { applyEdits, findApps, planAppSetup, planInstrumentFile, planInstrumentRoute, validateResult } from '../../core/instrument/planner';
import { planTraceLogging } from '../../core/instrument/traceLogging';
import { registeredElsewhere } from '../../core/instrument/common';
import type { Route } from '../../core/routes/types';
import { instrumentSettings } from '../../config';
import { logger } from '../../log';
import type { RouteIndex } from '../routes/routeIndex';
import { SOURCE_FILES } from '../languages';
import { routeAtLine, routeId, routeTitle } from '../../core/routes/route';
import { notify } from '../notify';

const log = logger('instrument');

const ASPECT_TITLES: Record<Aspect, string> = {
  counter: 'Add request counter',
  histogram: 'Add latency histogram',
  span: 'Wrap handler in an OpenTelemetry span',
};

function options(uri: vscode.Uri): InstrumentOptions {
  const s = instrumentSettings(uri);
  return {
    metricPrefix: s.metricPrefix,
    labels: s.labels,
    buckets: s.buckets,
    tracerName: s.tracerName,
    spanNameTemplate: s.spanNameTemplate,
    style: s.style,
    inFlightGauge: s.inFlightGauge,
    // a wrangler config making the file a Cloudflare Worker's is looked for up to the workspace folder
    workspaceRoot: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
  };
}

/**
 * Routes this document can instrument: in the wrapper style those registered here (the handler may live in another
 * module: it is wrapped where it is registered), in the inline style those whose handler body is here.
 */
function handlerRoutes(routes: Route[], doc: vscode.TextDocument): Route[] {
  const wrapper = options(doc.uri).style !== 'inline';
  return routes.filter((r) => (wrapper ? r.file : r.handlerFile) === doc.uri.fsPath);
}

/** In the wrapper style, a document no route is registered in whose handlers other files register: which files. */
function elsewhere(doc: vscode.TextDocument, known: Route[]): string | undefined {
  if (options(doc.uri).style === 'inline') return undefined;
  return registeredElsewhere(doc.uri.fsPath, known, (p) => vscode.workspace.asRelativePath(p));
}

/** Turns a plan into a WorkspaceEdit on `doc`, or explains why not. */
async function toWorkspaceEdit(
  doc: vscode.TextDocument,
  plan: EditPlan,
  newFiles: { path: string; content: string }[] = [],
): Promise<vscode.WorkspaceEdit | string> {
  if (plan.refused) return plan.refused;
  const edit = new vscode.WorkspaceEdit();
  // the wrapper style's helper module: created in the same edit (one undo) unless it exists, never overwritten
  for (const f of plan.newFiles ?? []) {
    const uri = vscode.Uri.file(f.path);
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (!exists) edit.createFile(uri, { contents: new TextEncoder().encode(f.content) });
  }
  if (!plan.edits.length && !newFiles.length) return plan.summary || 'Already instrumented: nothing to change.';
  const before = doc.getText();
  const invalid = await validateResult(before, applyEdits(before, plan.edits), doc.uri.fsPath);
  if (invalid) return `The edit was not applied: ${invalid}`;
  for (const e of plan.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
  for (const f of newFiles) {
    const uri = vscode.Uri.file(path.resolve(path.dirname(doc.uri.fsPath), f.path));
    // Never overwrite the user's file: an existing telemetry.py / tracing.ts means set-up was done another way.
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    if (exists)
      return `${vscode.workspace.asRelativePath(uri)} already exists; nothing was changed. Remove or rename it to generate a fresh one.`;
    edit.createFile(uri, { contents: new TextEncoder().encode(f.content) });
  }
  return edit;
}

/** Applies when the document has not changed since planning; reports the outcome. */
async function apply(
  doc: vscode.TextDocument,
  version: number,
  result: vscode.WorkspaceEdit | string,
  plan: Pick<EditPlan, 'summary' | 'note'>,
): Promise<boolean> {
  if (typeof result === 'string') {
    void notify('info', `Telemetry Lens: ${result}`);
    return false;
  }
  if (doc.version !== version) {
    void vscode.window.showWarningMessage('Telemetry Lens: the file changed while the edit was planned; run the command again.');
    return false;
  }
  const ok = await vscode.workspace.applyEdit(result);
  if (ok) log.info(`${vscode.workspace.asRelativePath(doc.uri)}: ${plan.summary}`);
  if (ok && plan.note) void notify('info', `Telemetry Lens: ${plan.note}`);
  else void vscode.window.showErrorMessage('Telemetry Lens: VS Code refused the edit; nothing was changed.');
  return ok;
}

export class InstrumentController {
  constructor(private readonly index: RouteIndex) {}

  async instrumentRoute(key?: string, aspects: Aspect[] = [...ALL_ASPECTS]): Promise<boolean> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Telemetry Lens: open a file with route handlers first.');
      return false;
    }
    const doc = editor.document;
    const known = await this.index.ensureCurrent(doc);
    const routes = handlerRoutes(known, doc);
    let route = key
      ? routes.find((r) => routeId(r) === key)
      : routeAtLine(routes, editor.document.uri.fsPath, editor.selection.active.line + 1, 'whole');
    if (!route && !key) {
      if (!routes.length) {
        const why = elsewhere(doc, known);
        if (why) void notify('info', `Telemetry Lens: ${why}.`);
        else void vscode.window.showInformationMessage('Telemetry Lens: no HTTP route handlers in this file.');
        return false;
      }
      const pick = await vscode.window.showQuickPick(
        routes.map((r) => ({ label: routeTitle(r), description: r.handlerName ?? '', route: r })),
        { title: 'Telemetry Lens: Instrument Route', placeHolder: 'Which route handler?' },
      );
      route = pick?.route;
    }
    if (!route) return false;
    const version = doc.version;
    const plan = await planInstrumentRoute(doc.getText(), doc.uri.fsPath, route, aspects, options(doc.uri), routes);
    return apply(doc, version, await toWorkspaceEdit(doc, plan), plan);
  }

  async instrumentAll(): Promise<boolean> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return false;
    const known = await this.index.ensureCurrent(doc);
    const routes = handlerRoutes(known, doc);
    const why = routes.length ? undefined : elsewhere(doc, known);
    if (why) {
      void notify('info', `Telemetry Lens: ${why}.`);
      return false;
    }
    const version = doc.version;
    const plan = await planInstrumentFile(doc.getText(), doc.uri.fsPath, routes, [...ALL_ASPECTS], options(doc.uri));
    return apply(doc, version, await toWorkspaceEdit(doc, plan), plan);
  }

  /** structlog (Python) or pino (JS/TS) writing the current trace and span ids into every line. */
  async addTraceContextToLogs(): Promise<boolean> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return false;
    const version = doc.version;
    const plan = planTraceLogging(doc.getText(), doc.languageId);
    return apply(doc, version, await toWorkspaceEdit(doc, plan), plan);
  }

  async setupApp(kind: 'metrics-endpoint' | 'tracing'): Promise<boolean> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc) return false;
    const version = doc.version;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const { plan, newFiles } = await planAppSetup(doc.getText(), doc.uri.fsPath, kind, {
      ...options(doc.uri),
      ...(folder ? { serviceName: folder.name } : {}),
    });
    return apply(doc, version, await toWorkspaceEdit(doc, plan, newFiles), plan);
  }
}

/** A code action whose edit is planned only when the user picks it (resolveCodeAction). */
type PlannedAction = vscode.CodeAction & {
  data?: { doc: vscode.TextDocument; version: number; run: () => Promise<vscode.WorkspaceEdit | string> };
};

/** Lightbulb: per-aspect actions and "all" on a handler; /metrics and tracing on the app object. */
class InstrumentCodeActions implements vscode.CodeActionProvider<PlannedAction> {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite.append('telemetryLens')];

  constructor(private readonly index: RouteIndex) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    range: vscode.Range,
    _ctx: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<PlannedAction[]> {
    const actions: PlannedAction[] = [];
    const kind = InstrumentCodeActions.kinds[0]!;
    const routes = handlerRoutes(await this.index.ensureCurrent(doc), doc);
    if (token.isCancellationRequested) return [];
    const route = routeAtLine(routes, doc.uri.fsPath, range.start.line + 1, 'whole');
    const text = doc.getText();
    const opts = options(doc.uri);
    const version = doc.version;
    if (route) {
      // Offer only what is missing: the planner recognises existing metrics and spans from the syntax tree.
      const probe = await planInstrumentRoute(text, doc.uri.fsPath, route, [...ALL_ASPECTS], opts, routes);
      if (token.isCancellationRequested || probe.refused) return [];
      const missing = ALL_ASPECTS.filter((a) => !probe.alreadyInstrumented.includes(a));
      if (opts.style !== 'inline') {
        // one line per handler: the helper module brings counter, histogram and span together
        if (missing.length) {
          const a: PlannedAction = new vscode.CodeAction(`Instrument route: one line (${routeTitle(route)})`, kind);
          a.data = {
            doc,
            version,
            run: async () => toWorkspaceEdit(doc, await planInstrumentRoute(text, doc.uri.fsPath, route, [...ALL_ASPECTS], opts, routes)),
          };
          actions.push(a);
        }
      } else {
        const make = (title: string, aspects: Aspect[]): PlannedAction => {
          const a: PlannedAction = new vscode.CodeAction(`${title} (${routeTitle(route)})`, kind);
          a.data = {
            doc,
            version,
            run: async () => toWorkspaceEdit(doc, await planInstrumentRoute(text, doc.uri.fsPath, route, aspects, opts, routes)),
          };
          return a;
        };
        if (missing.length > 1) actions.push(make('Instrument route: counter, histogram and span', missing));
        for (const a of missing) actions.push(make(ASPECT_TITLES[a], [a]));
      }
    }
    const apps = (await findApps(text, doc.uri.fsPath)).filter((a) => a.line - 1 === range.start.line);
    for (const app of apps) {
      for (const [k, title] of [
        ['metrics-endpoint', `Expose /metrics on ${app.name}`],
        ['tracing', `Set up OpenTelemetry tracing for ${app.name}`],
      ] as const) {
        const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
        const a: PlannedAction = new vscode.CodeAction(title, kind);
        a.data = {
          doc,
          version,
          run: async () => {
            const r = await planAppSetup(text, doc.uri.fsPath, k, { ...opts, ...(folder ? { serviceName: folder.name } : {}) });
            return toWorkspaceEdit(doc, r.plan, r.newFiles);
          },
        };
        actions.push(a);
      }
    }
    return actions;
  }

  async resolveCodeAction(action: PlannedAction): Promise<PlannedAction> {
    if (!action.data) return action;
    const result = await action.data.run();
    if (typeof result === 'string') {
      action.disabled = { reason: result };
    } else if (action.data.doc.version === action.data.version) {
      action.edit = result;
    }
    return action;
  }
}

export function registerInstrument(context: vscode.ExtensionContext, index: RouteIndex): InstrumentController {
  const controller = new InstrumentController(index);
  const updateContext = async (editor: vscode.TextEditor | undefined): Promise<void> => {
    const has = editor ? handlerRoutes(await index.ensureCurrent(editor.document), editor.document).length > 0 : false;
    void vscode.commands.executeCommand('setContext', 'telemetryLens.fileHasRoutes', has);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('telemetryLens.instrumentRoute', (key?: string, aspects?: Aspect[]) =>
      controller.instrumentRoute(key, aspects),
    ),
    vscode.commands.registerCommand('telemetryLens.instrumentAllRoutes', () => controller.instrumentAll()),
    vscode.commands.registerCommand('telemetryLens.setupMetricsEndpoint', () => controller.setupApp('metrics-endpoint')),
    vscode.commands.registerCommand('telemetryLens.setupTracing', () => controller.setupApp('tracing')),
    vscode.commands.registerCommand('telemetryLens.addTraceContextToLogs', () => controller.addTraceContextToLogs()),
    vscode.languages.registerCodeActionsProvider(SOURCE_FILES, new InstrumentCodeActions(index), {
      providedCodeActionKinds: InstrumentCodeActions.kinds,
    }),
    vscode.window.onDidChangeActiveTextEditor((e) => void updateContext(e)),
    index.onDidChange(() => void updateContext(vscode.window.activeTextEditor)),
  );
  void updateContext(vscode.window.activeTextEditor);
  return controller;
}
