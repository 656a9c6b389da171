import * as vscode from 'vscode';

/** The Telemetry Lens status bar item: backend health (the metrics feature updates it). */
export function registerStatusBar(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('telemetryLens.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Telemetry Lens';
  item.text = '$(pulse) Telemetry Lens';
  item.tooltip = 'Telemetry Lens: show log';
  item.command = 'telemetryLens.showOutput';
  item.show();
  context.subscriptions.push(item);
  return item;
}
