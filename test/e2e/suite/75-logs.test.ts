/**
 * Logs in the editor, end to end: the built-in receiver's OTLP logs in the panel when no Loki is configured;
 * then a loopback Loki stand-in answering in the recorded shapes (test/fixtures/loki): completion from its
 * labels API, an invalid query flagged and never sent, a query run, hostile lines and labels inert, a line
 * expanded, its trace id followed to the waterfall and "Logs for this trace" back, a live tail, and the panel
 * restored from its persisted query and range.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import { FIXTURES, startTailServer, tailFrame, type TailServer } from '../../support/lokiTail';
import { activateExtension, bridge, eventually, inDarkAndHighContrast, receiverOnFreePorts, stopReceiverOnDefaultPorts } from './helpers';

const TRACE_ID = '9c4d2e6f8a0b4c1d9e2f3a4b5c6d7e8f';
const SERVICE = 'e2e-logs';
const HOSTILE_IMG = '<img src=x onerror="window.pwned=1">';
const HOSTILE_SCRIPT = '<script>window.pwned=2</script>';
const HOSTILE_LABEL = '<script>window.pwned=3</script>';
const NOW_MS = Date.now();
const ns = (msAgo: number) => String(BigInt(NOW_MS - msAgo) * 1_000_000n);
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

const recorded = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

/** A query_range answer in the shape of the recorded categorized streams (`[ns, line, {structuredMetadata}]`). */
function queryRangeAnswer(): string {
  const doc = recorded('query_range_streams_categorized.json') as { data: { result: unknown[] } };
  doc.data.result = [
    {
      stream: { service_name: SERVICE, note: HOSTILE_LABEL },
      values: [
        [
          ns(1000),
          `{"level":"error","msg":"payment failed","user_id":"u-7","trace_id":"${TRACE_ID}"}`,
          { structuredMetadata: { trace_id: TRACE_ID } },
        ],
        [ns(2000), HOSTILE_IMG, {}],
        [ns(3000), HOSTILE_SCRIPT, {}],
        [ns(4000), 'level=info msg="GET /api/orders/7 200" duration_ms=12', { parsed: { msg: 'GET /api/orders/7 200' } }],
      ],
    },
  ];
  return JSON.stringify(doc);
}

/** labels and label values in the recorded `{status, data:[…]}` shape. */
function stringList(data: string[]): string {
  return JSON.stringify({ ...recorded('labels_minimal.json'), data });
}

/** OTLP/JSON logs, as the OpenTelemetry SDKs' HTTP/JSON exporters send them. */
function otlpLogs(): string {
  const record = (msAgo: number, severityNumber: number, severityText: string, body: string) => ({
    timeUnixNano: ns(msAgo),
    severityNumber,
    severityText,
    body: { stringValue: body },
    traceId: TRACE_ID,
    spanId: 'a1b2c3d4e5f60718',
    attributes: [str('http.route', '/api/orders/{order_id}')],
  });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', SERVICE)] },
        scopeLogs: [
          {
            scope: { name: 'pino' },
            logRecords: [record(1500, 9, 'info', 'local order 7 served'), record(500, 17, 'error', 'local payment failed')],
          },
        ],
      },
    ],
  });
}

function otlpTrace(): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', SERVICE)] },
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: [
              {
                traceId: TRACE_ID,
                spanId: 'a1b2c3d4e5f60718',
                name: 'POST /api/payments',
                kind: 2,
                startTimeUnixNano: ns(1200),
                endTimeUnixNano: ns(900),
                attributes: [str('http.route', '/api/payments')],
              },
            ],
          },
        ],
      },
    ],
  });
}

suite('Logs: panel, Loki, correlation', () => {
  const config = () => vscode.workspace.getConfiguration('telemetryLens');
  let api: TelemetryLensApi;
  let loki: TailServer;
  const queries: string[] = [];
  const authorizations: (string | undefined)[] = [];

  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
    await receiverOnFreePorts();
    assert.equal(await vscode.commands.executeCommand('telemetryLens.startReceiver'), true);
    const http = api.receiver.current!.listeners.find((l) => l.kind === 'http')!.url;
    for (const [path, body] of [
      ['/v1/traces', otlpTrace()],
      ['/v1/logs', otlpLogs()],
    ]) {
      const r = await fetch(`${http}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(r.status, 200);
    }
    loki = await startTailServer((req: IncomingMessage, res: ServerResponse) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const send = (body: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      if (u.pathname === '/loki/api/v1/query_range') {
        queries.push(u.searchParams.get('query') ?? '');
        authorizations.push(req.headers.authorization);
        send(queryRangeAnswer());
      } else if (u.pathname === '/loki/api/v1/labels') send(stringList(['service_name', 'test']));
      else if (u.pathname === '/loki/api/v1/label/test/values') send(stringList(['test']));
      else if (u.pathname.startsWith('/loki/api/v1/label/')) send(stringList([]));
      else res.writeHead(404).end('404 page not found');
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await stopReceiverOnDefaultPorts();
    await config().update('loki.url', undefined, vscode.ConfigurationTarget.Global);
    await loki.close();
  });

  test('@dom without a Loki URL the panel shows the built-in receiver’s OTLP logs, with levels and trace links', async () => {
    await vscode.commands.executeCommand('telemetryLens.openLogs');
    const rows = await bridge<{ texts: string[] }>('dom', { selector: '.log-row', atLeast: 2, contains: 'local payment failed' });
    assert.match(rows.texts[0]!, /ERROR\s*⇢ 9c4d2e6f\s*local payment failed/);
    assert.match(rows.texts[1]!, /INFO\s*⇢ 9c4d2e6f\s*local order 7 served/);
    await bridge('dom', { selector: '#source', contains: 'Built-in OTLP receiver' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('@dom Loki: completion, an invalid query flagged and not sent, a query run, hostile lines inert, a line expanded', async () => {
    await config().update('loki.url', loki.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('telemetryLens.openLogs');
    await bridge('dom', { selector: '#source', contains: `Loki ${loki.url}`, click: '#query' });
    // keys typed before the webview's frame holds the focus go to the workbench (a loaded machine shows it)
    await bridge('dom', { selector: '#query:focus' });

    // Label names from Loki's labels API, accepted with Tab.
    await bridge('keyboard', { type: '{te' });
    await bridge('dom', { selector: '#query-mirror', contains: '{te' });
    await bridge('dom', { selector: '#completions li', contains: 'test' });
    await bridge('keyboard', { press: 'Tab' });
    await bridge('dom', { selector: '#query-mirror', contains: '{test' });

    // Invalid LogQL: underlined and explained, and Enter sends nothing.
    // (Cleared key by key: a "{" typed right after Control+A is sometimes lost on the way to the webview.)
    for (let i = 0; i < '{test'.length; i++) await bridge('keyboard', { press: 'Backspace' });
    await bridge('keyboard', { type: `{service_name="${SERVICE}"` });
    const problem = await bridge<{ texts: string[] }>('dom', {
      selector: '#problems .logql-problem',
      contains: 'LogQL',
      screenshot: 'logs-invalid.png',
    });
    assert.match(problem.texts[0]!, /^LogQL: /);
    await bridge('dom', { selector: '#query-mirror', contains: `{service_name="${SERVICE}"` });
    await bridge('dom', { selector: '#query-mirror .logql-error' });
    await bridge('keyboard', { press: 'Enter' });
    await bridge('dom', { selector: '#problems .logql-problem', contains: 'LogQL' });
    assert.deepEqual(queries, [], 'invalid LogQL is never sent');

    await bridge('keyboard', { press: 'End' });
    await bridge('keyboard', { type: '}' });
    await bridge('dom', { selector: '#query-mirror', contains: `{service_name="${SERVICE}"}` });
    await bridge('keyboard', { press: 'Enter' });
    const rows = await bridge<{ texts: string[] }>('dom', { selector: '.log-row', atLeast: 4, screenshot: 'logs.png' });
    assert.deepEqual(queries, [`{service_name="${SERVICE}"}`]);
    assert.match(rows.texts[0]!, /ERROR\s*⇢ 9c4d2e6f\s*\{"level":"error","msg":"payment failed"/);

    // Hostile lines are text: shown verbatim, no element created, nothing ran.
    const hostile = await bridge<{ texts: string[]; count: number; probe: string }>('dom', {
      selector: '.log-row .log-line',
      contains: HOSTILE_IMG,
      count: '#app img, #app script',
      probe: 'pwned',
    });
    assert.ok(hostile.texts.includes(HOSTILE_SCRIPT));
    assert.equal(hostile.count, 0);
    assert.equal(hostile.probe, 'undefined');

    // Expand the newest line: labels (the hostile one as text), structured metadata, JSON fields.
    await bridge('dom', { selector: '.log-row', click: '.log-row .log-ts' });
    const details = await bridge<{ texts: string[]; count: number; probe: string }>('dom', {
      selector: '#log-details',
      contains: 'Structured metadata',
      count: '#app img, #app script',
      probe: 'pwned',
      screenshot: 'logs-details.png',
    });
    assert.match(details.texts[0]!, /Labels\s+service_name\s+e2e-logs\s+note\s+<script>window\.pwned=3<\/script>/);
    assert.match(details.texts[0]!, /Fields[\s\S]*user_id\s+u-7/);
    assert.equal(details.count, 0);
    assert.equal(details.probe, 'undefined');
    // Keyboard: the next line, expanded; its hostile text shown whole, as text.
    await bridge('keyboard', { press: 'ArrowDown' });
    const next = await bridge<{ texts: string[]; count: number }>('dom', {
      selector: '#log-full',
      contains: HOSTILE_IMG,
      count: '#app img',
    });
    assert.equal(next.texts[0], HOSTILE_IMG);
    assert.equal(next.count, 0);

    // Filter and highlight.
    await bridge('dom', { selector: '#filter', click: '#filter' });
    await bridge('keyboard', { type: 'orders/7' });
    const marked = await bridge<{ texts: string[] }>('dom', { selector: '.log-row mark', contains: 'orders/7' });
    assert.deepEqual(marked.texts.filter(Boolean), ['orders/7'], 'one highlighted match in the rows on screen');
    await bridge('dom', { selector: '#count', contains: '1 of 4 lines' });
  });

  test('@dom a trace id in a line opens the waterfall; "Logs for this trace" comes back with the trace query', async () => {
    await bridge('dom', { selector: '.log-row', click: '#filter' });
    await bridge('keyboard', { press: 'Control+a' });
    await bridge('keyboard', { press: 'Backspace' });
    await bridge('dom', { selector: '.log-row', atLeast: 4, click: '.log-trace:not([hidden])' });
    const title = await bridge<{ texts: string[] }>('dom', { selector: '#trace-title', contains: 'POST /api/payments' });
    assert.equal(title.texts[0], `${SERVICE}: POST /api/payments`);
    await bridge('dom', { selector: '#trace-logs', click: '#trace-logs' });
    const expected = `{service_name="${SERVICE}"} | trace_id="${TRACE_ID}"`;
    await eventually(() => (queries.at(-1) === expected ? true : undefined), 'the trace query sent to Loki');
    await bridge('dom', { selector: '#query-mirror', contains: expected });
    await bridge('dom', { selector: '.log-row', atLeast: 4 });
  });

  test('@dom live tail: lines streamed over the WebSocket appear on top', async () => {
    const connected = loki.nextConnection();
    await bridge('dom', { selector: '#live', click: '#live' });
    const conn = await connected;
    assert.equal(conn.query.get('query'), `{service_name="${SERVICE}"} | trace_id="${TRACE_ID}"`);
    await bridge('dom', { selector: '#tail-status', contains: 'tail: live' });
    await conn.send(tailFrame([{ stream: { service_name: SERVICE }, values: [[ns(0), 'level=warn msg="tailed line from e2e"']] }]));
    const rows = await bridge<{ texts: string[] }>('dom', {
      selector: '.log-row',
      atLeast: 5,
      contains: 'tailed line from e2e',
      screenshot: 'logs-tail.png',
    });
    assert.match(rows.texts[0]!, /WARN\s*level=warn msg="tailed line from e2e"/);
    await bridge('dom', { selector: '#live', click: '#live' });
    await conn.closed;
  });

  test("@dom a workspace-level Loki URL is used only after confirmation, and never gets the user's secret", async () => {
    const token = process.env.E2E_SECRET ?? 'tl-e2e-secret-token';
    const evil: { query: string | null; authorization: string | undefined }[] = [];
    const other = await startTailServer((req: IncomingMessage, res: ServerResponse) => {
      evil.push({ query: new URL(req.url ?? '/', 'http://x').searchParams.get('query'), authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(queryRangeAnswer());
    });
    try {
      await config().update('loki.auth', 'bearer', vscode.ConfigurationTarget.Global);
      await api.logs.loki.credentials.set(loki.url, { token });
      // What a cloned repository's settings would do: point Loki elsewhere.
      await config().update('loki.url', other.url, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('telemetryLens.openLogs', '{service_name="before-confirmation"}');
      await eventually(() => (queries.at(-1) === '{service_name="before-confirmation"}' ? true : undefined), "the user's Loki asked");
      assert.equal(authorizations.at(-1), `Bearer ${token}`, "the user's Loki gets the user's token");
      assert.equal(evil.length, 0, "nothing goes to the workspace's URL before confirmation");

      const toast = '.notifications-toasts .notification-toast:has-text("telemetryLens.loki.url")';
      await bridge('dom', {
        selector: toast,
        contains: 'Use Workspace Settings',
        click: `${toast} .monaco-button:has-text("Use Workspace Settings")`,
      });
      await bridge('dom', { selector: '#source', contains: `Loki ${other.url}` });
      await vscode.commands.executeCommand('telemetryLens.openLogs', '{service_name="confirmed"}');
      await eventually(
        () => (evil.some((e) => e.query === '{service_name="confirmed"}') ? true : undefined),
        'the confirmed workspace URL used',
      );
      assert.ok(
        evil.every((e) => e.authorization === undefined),
        'no credentials for an origin they were not entered for',
      );
    } finally {
      await config().update('loki.url', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('loki.auth', undefined, vscode.ConfigurationTarget.Global);
      await api.logs.loki.credentials.clear(loki.url);
      await vscode.commands.executeCommand('notifications.clearAll');
      await other.close();
    }
  });

  test('@dom the serializer restores the panel from its persisted query and range; anything else closes it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = vscode.window.createWebviewPanel('telemetryLens.logs', 'restored', vscode.ViewColumn.One, {});
    const state = { query: '{service_name="restored"}', range: { since: '15m' }, local: { service: '', level: '', text: '', traceId: '' } };
    await api.logs.panels.serializer().deserializeWebviewPanel(panel, state);
    await bridge('dom', { selector: '#query-mirror', contains: '{service_name="restored"}' });
    await eventually(() => (queries.at(-1) === state.query ? true : undefined), 'the restored query run');
    // Theme-aware: VS Code's colours in a dark and a high-contrast theme.
    await inDarkAndHighContrast('logs', '.log-row', 4);
    const junk = vscode.window.createWebviewPanel('telemetryLens.logs', 'junk', vscode.ViewColumn.One, {});
    let disposed = false;
    junk.onDidDispose(() => (disposed = true));
    await api.logs.panels.serializer().deserializeWebviewPanel(junk, { query: 1, range: 'file:///etc' });
    assert.ok(disposed, 'a state that is not a query and range closes the panel');
  });
});
