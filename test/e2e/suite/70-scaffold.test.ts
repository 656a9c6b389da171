import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, eventually, openFile, workspaceFile } from './helpers';

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
}

suite('Open Route in Grafana', () => {
  const orders = workspaceFile('shop', 'routers', 'orders.py');
  const config = () => vscode.workspace.getConfiguration('telemetryLens');

  suiteSetup(async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    await openFile('shop', 'routers', 'orders.py');
  });

  suiteTeardown(async () => {
    await config().update('grafana.url', undefined, vscode.ConfigurationTarget.Global);
  });

  test('the route hover links to the route in Grafana only when telemetryLens.grafana.url is set', async () => {
    await config().update('grafana.url', undefined, vscode.ConfigurationTarget.Global);
    assert.doesNotMatch(await hoverText(orders, new vscode.Position(8, 3)), /Open Route in Grafana/);
    await config().update('grafana.url', 'https://grafana.example/sub', vscode.ConfigurationTarget.Global);
    const text = await eventually(async () => {
      const t = await hoverText(orders, new vscode.Position(8, 3));
      return /Open Route in Grafana/.test(t) ? t : undefined;
    }, 'the Grafana link in the hover');
    const m = /\[Open Route in Grafana\]\(command:telemetryLens\.openRouteInGrafana\?([^)]+)\)/.exec(text);
    assert.ok(m, text);
    const [id] = JSON.parse(decodeURIComponent(m[1]!)) as [string];
    assert.match(id, /orders\.py:\d+$/);
  });
});
