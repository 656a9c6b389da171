/**
 * Metric lint in the Problems panel: counters without `_total`, millisecond units, unbounded label
 * values, duplicate names, buckets that do not fit the unit — with quick fixes where the fix is safe.
 * Runs on open and (debounced) on edit, for Python and TS/JS files.
 */
import * as vscode from 'vscode';
import { lintMetrics, type Diagnostic as LintDiagnostic } from '../../core/lint/metricLint';
import { instrumentSettings, onSettingsChange, routesSettings } from '../../config';
import { logger } from '../../log';
import { LANGUAGES, SOURCE_FILES } from '../languages';
import { errorMessage } from '../../core/errors';

const log = logger('lint');
const SOURCE = 'Telemetry Lens';
const SEVERITY: Record<LintDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Keeps the planner's fix next to each VS Code diagnostic, for the quick-fix provider. */
const fixes = new WeakMap<vscode.Diagnostic, { version: number; fix: NonNullable<LintDiagnostic['fix']> }>();

function toRange(d: LintDiagnostic): vscode.Range {
  return new vscode.Range(d.range.start.line - 1, d.range.start.column, d.range.end.line - 1, d.range.end.column);
}

export function registerMetricLint(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection('telemetryLens');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const lint = async (doc: vscode.TextDocument): Promise<void> => {
    if (!LANGUAGES.includes(doc.languageId) || doc.uri.scheme !== 'file') return;
    if (!instrumentSettings(doc.uri).lintEnabled) {
      collection.delete(doc.uri);
      return;
    }
    const version = doc.version;
    try {
      const found = await lintMetrics(doc.getText(), doc.uri.fsPath, { maxBytes: routesSettings(doc.uri).maxFileBytes });
      if (doc.version !== version || doc.isClosed) return;
      collection.set(
        doc.uri,
        found.map((d) => {
          const diag = new vscode.Diagnostic(toRange(d), d.message, SEVERITY[d.severity]);
          diag.source = SOURCE;
          diag.code = d.code;
          if (d.fix?.length) fixes.set(diag, { version, fix: d.fix });
          return diag;
        }),
      );
    } catch (e) {
      log.warn(`lint ${doc.uri.fsPath}: ${errorMessage(e)}`);
    }
  };
  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => void lint(doc), 400),
    );
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => void lint(d)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
    vscode.languages.registerCodeActionsProvider(
      SOURCE_FILES,
      {
        provideCodeActions(doc, _range, ctx) {
          return ctx.diagnostics.flatMap((diag) => {
            const f = fixes.get(diag);
            if (!f || f.version !== doc.version) return [];
            const action = new vscode.CodeAction(`Fix: ${diag.message.split(' (')[0]}`, vscode.CodeActionKind.QuickFix);
            action.diagnostics = [diag];
            action.isPreferred = true;
            action.edit = new vscode.WorkspaceEdit();
            for (const e of f.fix)
              action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
            return [action];
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  onSettingsChange(
    ['lint'],
    () => {
      for (const d of vscode.workspace.textDocuments) void lint(d);
    },
    context.subscriptions,
  );
  for (const d of vscode.workspace.textDocuments) void lint(d);
}
