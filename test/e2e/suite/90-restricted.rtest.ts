/**
 * Run by the launcher's `--restricted` mode only: the hostile workspace (test/workspaces/malicious), whose
 * .vscode/settings.json points telemetryLens.prometheus.url/auth/headers, tempo.url/auth/tenant and loki.url/auth/tenant at a
 * loopback recorder, opened
 * with workspace trust on and not granted — Restricted Mode.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, eventually, openFile } from './helpers';

async function recorded(): Promise<{ method: string; url: string }[]> {
  const base = process.env.E2E_RECORDER;
  assert.ok(base, 'E2E_RECORDER is set by the launcher in --restricted mode');
  return (await (await fetch(`${base}/__recorded`)).json()) as { method: string; url: string }[];
}

suite('Restricted Mode: a hostile workspace', () => {
  test("routes, Instrument Route and lint work, metrics come from the user's Prometheus, nothing reaches the workspace's URL", async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is not trusted');
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await api.routes.ready;
    const editor = await openFile('app.py');
    const routes = api.routes.inFile(editor.document.uri);
    assert.deepEqual(routes.map((r) => `${r.methods[0]} ${r.fullPath}`).sort(), ['GET /items', 'GET /items/{item_id}']);

    const userUrl = process.env.E2E_PROMETHEUS_URL;
    assert.ok(userUrl);
    const config = vscode.workspace.getConfiguration('telemetryLens');
    await api.metrics.credentials.set(userUrl, { token: process.env.E2E_SECRET ?? 'tl-e2e-secret-token' });
    await config.update('prometheus.auth', 'bearer', vscode.ConfigurationTarget.Global);
    await eventually(async () => {
      await api.metrics.refresh({ force: true });
      return api.metrics.backendHealth.state === 'ok' ? true : undefined;
    }, 'the user-level Prometheus answers');
    assert.equal(api.metrics.endpointUrl, userUrl);

    const route = routes.find((r) => r.fullPath === '/items')!;
    const applied = await vscode.commands.executeCommand<boolean>('telemetryLens.instrumentRoute', `${route.file}:${route.line}`);
    assert.equal(applied, true);
    // the default wrapper style: one line on the handler, the metrics in a helper module written once
    assert.match(editor.document.getText(), /^@observe_route\("GET", "\/items"\)$/m);
    const helper = vscode.Uri.joinPath(editor.document.uri, '..', 'telemetry_routes.py');
    assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(helper)), /Counter\(\s*["']http_requests_total["']/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.workspace.fs.delete(helper);

    const metrics = await openFile('metrics.py');
    const lint = await eventually(() => {
      const d = vscode.languages.getDiagnostics(metrics.document.uri).filter((x) => x.source === 'Telemetry Lens');
      return d.length ? d : undefined;
    }, 'metric lint diagnostics');
    assert.equal(lint[0]!.code, 'reserved-suffix');

    // The workspace also points Tempo at its server: the Traces view asks only the user's Tempo (none runs here).
    const [backend] = await api.traces.tree.getChildren();
    assert.equal(api.traces.tree.getTreeItem(backend).label, 'Tempo');
    const [answer] = await api.traces.tree.getChildren(backend);
    assert.match(String(api.traces.tree.getTreeItem(answer).label), /localhost:3200/);

    // Logs: the workspace's Loki URL is ignored too (no client for it; the panel reads the local receiver).
    assert.equal(api.logs.loki.url, '');
    assert.equal(await api.logs.loki.client(), undefined);
    await vscode.commands.executeCommand('telemetryLens.showTraceLogs', '4bf92f3577b34da6a3ce929d0e0e4736', 'items');

    assert.deepEqual(await recorded(), [], 'not one request went to the URL the workspace chose');
  });
});
