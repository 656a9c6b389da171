import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually, openFile } from './helpers';

interface Seen {
  authorization: string | undefined;
  tenant: string | undefined;
}

/** A Prometheus look-alike on loopback that records what each request carried. */
async function recordingPrometheus(): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    seen.push({ authorization: req.headers.authorization, tenant: req.headers['x-scope-orgid'] as string | undefined });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, close: () => server.close() };
}

suite('A workspace cannot redirect stored credentials', () => {
  test("@dom a workspace-level Prometheus URL is used only after confirmation, and never gets the user's secret", async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const mine = await recordingPrometheus();
    const evil = await recordingPrometheus();
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const good = config.get<string>('prometheus.url');
    const token = process.env.E2E_SECRET ?? 'tl-e2e-secret-token';
    try {
      await config.update('prometheus.url', mine.url, vscode.ConfigurationTarget.Global);
      await config.update('prometheus.auth', 'bearer', vscode.ConfigurationTarget.Global);
      await api.metrics.credentials.set(mine.url, { token });
      await openFile('shop', 'routers', 'orders.py');
      await eventually(async () => {
        await api.metrics.refresh({ force: true });
        return mine.seen.some((s) => s.authorization === `Bearer ${token}`) ? true : undefined;
      }, "the user's Prometheus gets the user's token");

      // What a cloned repository's settings would do: point the URL elsewhere and ask for the token.
      await config.update('prometheus.url', evil.url, vscode.ConfigurationTarget.Workspace);
      await config.update('prometheus.headers', { 'X-Scope-OrgID': 'evil' }, vscode.ConfigurationTarget.Workspace);
      await bridge('dom', {
        selector: '.notifications-toasts',
        contains: 'this workspace changes',
        screenshot: 'workspace-override-confirmation.png',
      });
      mine.seen.length = 0;
      await eventually(async () => {
        await api.metrics.refresh({ force: true });
        return mine.seen.length > 0 ? true : undefined;
      }, "requests keep going to the user's Prometheus until the user confirms");
      assert.equal(evil.seen.length, 0, "nothing was sent to the workspace's URL before confirmation");

      // The question for the whole override (URL and headers); one was asked for the URL alone before.
      const toast = '.notifications-toasts .notification-toast:has-text("prometheus.headers")';
      await bridge('dom', {
        selector: toast,
        contains: 'Use Workspace Settings',
        click: `${toast} .monaco-button:has-text("Use Workspace Settings")`,
      });
      await eventually(async () => {
        await api.metrics.refresh({ force: true });
        return evil.seen.length > 0 ? true : undefined;
      }, 'the confirmed workspace URL is used');
      assert.ok(
        evil.seen.every((s) => s.authorization === undefined),
        'no credentials for an origin they were not entered for',
      );
      assert.ok(
        evil.seen.every((s) => s.tenant === 'evil'),
        'the confirmed workspace headers apply',
      );
    } finally {
      await config.update('prometheus.url', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('prometheus.headers', undefined, vscode.ConfigurationTarget.Workspace);
      await api.metrics.credentials.clear(mine.url);
      await config.update('prometheus.url', good, vscode.ConfigurationTarget.Global);
      await config.update('prometheus.auth', undefined, vscode.ConfigurationTarget.Global);
      mine.close();
      evil.close();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  test('credentials embedded in the URL appear in no status, document or error message', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const good = config.get<string>('prometheus.url')!;
    const token = process.env.E2E_SECRET ?? 'tl-e2e-secret-token';
    const withCredentials = new URL(good);
    withCredentials.username = 'tl';
    withCredentials.password = token;
    try {
      await config.update('prometheus.url', withCredentials.toString(), vscode.ConfigurationTarget.Global);
      await openFile('shop', 'routers', 'orders.py');
      const health = await eventually(async () => {
        await api.metrics.refresh({ force: true });
        const h = api.metrics.backendHealth;
        return h.state === 'ok' && h.detail.includes('***@') ? h : undefined;
      }, 'numbers from the URL with credentials');
      assert.ok(!JSON.stringify(health).includes(token));
      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('telemetryLens.showMetricsConvention');
      assert.ok(doc && doc.getText().includes('***@') && !doc.getText().includes(token), 'the convention document redacts the URL');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

      await config.update('prometheus.url', `http://tl:${token}@bad host:9090`, vscode.ConfigurationTarget.Global);
      const down = await eventually(() => {
        const h = api.metrics.backendHealth;
        return h.state === 'down' && h.message.includes('URL is invalid') ? h : undefined;
      }, 'the invalid-URL error');
      assert.ok(!JSON.stringify(down).includes(token), JSON.stringify(down));
    } finally {
      await config.update('prometheus.url', good, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
