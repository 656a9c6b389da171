import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually, openFile } from './helpers';

suite('Prometheus credentials live in SecretStorage and are sent', () => {
  test('@dom Set Prometheus Credentials: a bearer token is stored as a secret and sent as Authorization', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization ?? '(none)');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const config = vscode.workspace.getConfiguration('telemetryLens');
    const good = config.get<string>('prometheus.url');
    // The launcher scans every log of the run for this value afterwards: it must appear in none.
    const token = process.env.E2E_SECRET ?? 'tl-e2e-secret-token';
    try {
      await config.update(
        'prometheus.url',
        `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        vscode.ConfigurationTarget.Global,
      );
      const done = vscode.commands.executeCommand('telemetryLens.setPrometheusCredentials');
      await bridge('dom', { selector: '.quick-input-widget .monaco-list-row', contains: 'Bearer token' });
      await bridge('keyboard', { type: 'Bearer', press: 'Enter' });
      await bridge('dom', { selector: '.quick-input-widget .quick-input-title', contains: 'bearer token' });
      await bridge('keyboard', { type: token, screenshot: 'credentials-input.png' });
      await bridge('keyboard', { press: 'Enter' });
      await done;
      assert.equal(vscode.workspace.getConfiguration('telemetryLens').get('prometheus.auth'), 'bearer');
      const inspected = JSON.stringify(vscode.workspace.getConfiguration('telemetryLens').inspect(''));
      assert.ok(!inspected.includes(token), 'the token is not in any settings scope');
      await openFile('shop', 'routers', 'orders.py');
      await eventually(async () => {
        await api.metrics.refresh({ force: true });
        return seen.includes(`Bearer ${token}`) ? true : undefined;
      }, 'a request with the bearer token');
    } finally {
      await config.update('prometheus.url', good, vscode.ConfigurationTarget.Global);
      await config.update('prometheus.auth', undefined, vscode.ConfigurationTarget.Global);
      server.close();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
