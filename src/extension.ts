/**
 * Activation only wires: it builds the services once and hands them to each feature's `register`.
 * Every registration lands in `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { initLog, logger } from './log';
import { registerStatusBar } from './features/statusBar';

const log = logger('activate');

export function activate(context: vscode.ExtensionContext): void {
  const started = Date.now();
  context.subscriptions.push(initLog());
  try {
    context.subscriptions.push(
      vscode.commands.registerCommand('telemetryLens.showOutput', () => initLog().show()),
    );
    registerStatusBar(context);
    log.info(`activated in ${Date.now() - started} ms`);
  } catch (e) {
    // VS Code stays silent about activation failures: report it ourselves.
    log.error(e instanceof Error ? e : String(e));
    void vscode.window.showErrorMessage(`Telemetry Lens failed to start: ${e instanceof Error ? e.message : String(e)}`, 'Show Log').then((a) => {
      if (a) initLog().show();
    });
  }
}

export function deactivate(): void {
  /* disposables are released by VS Code */
}
