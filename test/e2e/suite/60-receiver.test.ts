import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { activateExtension, bridge, eventually, receiverOnFreePorts, stopReceiverOnDefaultPorts } from './helpers';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
/** One span in OTLP/JSON, as the OpenTelemetry SDKs' HTTP/JSON exporters send it. */
const BODY = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'e2e-shop' } }] },
      scopeSpans: [
        {
          scope: { name: 'e2e' },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'eee19b7ec3c1b174',
              name: 'GET /orders',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000250000000',
            },
          ],
        },
      ],
    },
  ],
});

suite('Local OTLP receiver in the extension host', () => {
  const config = () => vscode.workspace.getConfiguration('telemetryLens');
  suiteSetup(async () => {
    await receiverOnFreePorts();
  });
  suiteTeardown(async () => {
    await stopReceiverOnDefaultPorts();
  });

  test('@dom Start: spans posted over OTLP/HTTP are served by the Jaeger query API; the status bar shows it; Stop closes it', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    assert.equal(await vscode.commands.executeCommand('telemetryLens.startReceiver'), true);
    const r = api.receiver.current!;
    const at = Object.fromEntries(r.listeners.map((l) => [l.kind, l.url]));
    assert.equal(r.listeners.length, 3);
    for (const l of r.listeners) assert.equal(l.host, '127.0.0.1');
    const posted = await fetch(`${at.http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    assert.equal(posted.status, 200);
    const doc = (await (await fetch(`${at.query}/api/v3/traces/${TRACE_ID}`)).json()) as {
      result: { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
    };
    assert.equal(doc.result.resourceSpans[0].scopeSpans[0].spans[0].name, 'GET /orders');
    await bridge('dom', { selector: '.statusbar-item', contains: 'OTLP receiver', screenshot: 'receiver-status.png' });
    await eventually(
      () => (api.receiver.health.state === 'ok' && api.receiver.health.detail.includes('1 spans in 1 traces') ? true : undefined),
      'the span count in the status',
    );

    await vscode.commands.executeCommand('telemetryLens.stopReceiver');
    assert.equal(api.receiver.current, undefined);
    assert.equal(api.receiver.health.state, 'idle');
    await assert.rejects(fetch(`${at.query}/api/v3/services`));
  });

  test('telemetryLens.receiver.enabled starts it, and turning it off stops it', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    await vscode.commands.executeCommand('telemetryLens.stopReceiver');
    try {
      await config().update('receiver.enabled', true, vscode.ConfigurationTarget.Global);
      const r = await eventually(() => api.receiver.current, 'the receiver started by the setting');
      const services = await fetch(`${r.listeners.find((l) => l.kind === 'query')!.url}/api/v3/services`);
      assert.equal(services.status, 200);
    } finally {
      await config().update('receiver.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await eventually(
      () => (api.receiver.current === undefined && api.receiver.health.state === 'idle' ? true : undefined),
      'the receiver stopped by the setting',
    );
  });

  test('a port in use is reported with the setting to change, and a free port recovers', async () => {
    const api = (await activateExtension()).exports as TelemetryLensApi;
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      await config().update('receiver.httpPort', port, vscode.ConfigurationTarget.Global);
      assert.equal(await vscode.commands.executeCommand('telemetryLens.startReceiver'), false);
      const h = api.receiver.health;
      assert.equal(h.state, 'down');
      assert.equal(
        h.state === 'down' && h.message,
        `OTLP/HTTP port ${port} on 127.0.0.1 is already in use: change telemetryLens.receiver.httpPort (0 for any free port)`,
      );
      assert.equal(api.receiver.current, undefined);
      await config().update('receiver.httpPort', 0, vscode.ConfigurationTarget.Global);
      assert.equal(await vscode.commands.executeCommand('telemetryLens.startReceiver'), true);
      assert.equal(api.receiver.health.state, 'ok');
    } finally {
      busy.close();
    }
  });
});
