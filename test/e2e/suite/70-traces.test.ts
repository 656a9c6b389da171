/**
 * Traces in the editor, end to end: spans posted to the local OTLP receiver appear in the Traces view; the
 * trace opens in the waterfall from there (rows, critical path, N+1 insight, search, span details, Go to code),
 * hostile span names and attributes stay inert in the page, and the panel comes back through its serializer.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import {
  activateExtension,
  bridge,
  eventually,
  inDarkAndHighContrast,
  workspaceFile,
  receiverOnFreePorts,
  stopReceiverOnDefaultPorts,
} from './helpers';

// The e2e Prometheus holds a latency exemplar with this trace id on GET /api/orders/{order_id} (launcher/backends.ts).
const TRACE_ID = '7a3c0d5e9b1f42c68d0e1f2a3b4c5d6e';
const HOSTILE_NAME = '<img src=x onerror="window.pwned=1">';
const HOSTILE_ATTR = '<script>window.pwned=2</script>';
/** A minute ago (the explorer lists the last hour), plus n ms, in epoch ns. */
const BASE_MS = Date.now() - 60_000;
const ms = (n: number) => String(BigInt(BASE_MS + n) * 1_000_000n);
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

/** OTLP/JSON as the OpenTelemetry SDKs' HTTP/JSON exporters send it: a request, three identical queries (N+1), a failing call. */
function body(): string {
  const span = (
    spanId: string,
    parentSpanId: string | undefined,
    name: string,
    start: number,
    end: number,
    attributes: unknown[],
    extra: object = {},
  ) => ({
    traceId: TRACE_ID,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: parentSpanId ? 3 : 2,
    startTimeUnixNano: ms(start),
    endTimeUnixNano: ms(end),
    attributes,
    ...extra,
  });
  const root = 'a000000000000001';
  const spans = [
    span(root, undefined, 'GET /api/orders/{order_id}', 0, 300, [
      str('http.route', '/api/orders/{order_id}'),
      str('http.request.method', 'GET'),
    ]),
    ...[1, 2, 3].map((i) =>
      span(`b00000000000000${i}`, root, 'SELECT orders', i * 20, i * 20 + 15, [str('db.statement', 'SELECT * FROM orders WHERE id = ?')]),
    ),
    span('c000000000000001', root, HOSTILE_NAME, 100, 280, [str('note', HOSTILE_ATTR)], { status: { code: 2, message: 'payment failed' } }),
  ];
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [str('service.name', 'e2e-shop')] }, scopeSpans: [{ scope: { name: 'e2e' }, spans }] }],
  });
}

suite('Traces: explorer and waterfall', () => {
  let api: TelemetryLensApi;
  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
    await receiverOnFreePorts();
    assert.equal(await vscode.commands.executeCommand('telemetryLens.startReceiver'), true);
    const http = api.receiver.current!.listeners.find((l) => l.kind === 'http')!.url;
    const posted = await fetch(`${http}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    assert.equal(posted.status, 200);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await stopReceiverOnDefaultPorts();
  });

  test('the Traces view lists backend → service → operation → the trace with its span count and errors', async () => {
    const tree = api.traces.tree;
    const [backend] = await tree.getChildren();
    assert.equal(tree.getTreeItem(backend).label, 'Local OTLP receiver');
    const [service] = await tree.getChildren(backend);
    assert.equal(tree.getTreeItem(service).label, 'e2e-shop');
    const ops = await tree.getChildren(service);
    assert.deepEqual(
      ops.map((o) => tree.getTreeItem(o).label),
      ['GET /api/orders/{order_id}'],
    );
    const [trace] = await tree.getChildren(ops[0]);
    const item = tree.getTreeItem(trace);
    assert.match(String(item.description), /^5 spans · 1 errors · \d+ (s|min|h) ago$/);
    assert.equal(item.command?.command, 'telemetryLens.openTraceIn');
    assert.deepEqual(item.command?.arguments, ['local', TRACE_ID]);
  });

  test('a route gets a "traces" lens while a backend runs; it filters the Traces view to that route', async () => {
    const orders = workspaceFile('shop', 'routers', 'orders.py');
    await vscode.window.showTextDocument(orders);
    const lens = await eventually(async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', orders, 100);
      return lenses.find((l) => l.command?.title === '$(pulse) traces' && l.range.start.line === 12);
    }, 'the traces lens above get_order');
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.equal(api.traces.tree.filterLabel, 'GET /api/orders/{order_id}');
    const [backend] = await api.traces.tree.getChildren();
    const [service] = await api.traces.tree.getChildren(backend);
    assert.deepEqual(
      (await api.traces.tree.getChildren(service)).map((o) => api.traces.tree.getTreeItem(o).label),
      ['GET /api/orders/{order_id}'],
    );
    api.traces.tree.filterTo(undefined, '', false);
  });

  test("a span lens above a span creation site shows the span name's count, p50/p99 and errors from the receiver", async () => {
    const file = workspaceFile('web', 'spans.js');
    await vscode.workspace.fs.writeFile(
      file,
      new TextEncoder().encode(
        `const tracer = require('@opentelemetry/api').trace.getTracer('shop');\ntracer.startActiveSpan('SELECT orders', (span) => span.end());\n`,
      ),
    );
    try {
      await vscode.window.showTextDocument(file); // the lens provider command needs the document open
      const title = await eventually(async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file, 100);
        return lenses.find((l) => l.range.start.line === 1 && l.command?.title.includes('spans'))?.command?.title;
      }, 'the span lens');
      assert.equal(title, '$(pulse) 3 spans · p50 15 ms · p99 15 ms · 0 errors');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(file);
    }
  });

  test('@dom the waterfall opened from the explorer: rows, critical path, N+1, search, details, Go to code; hostile strings inert', async () => {
    const [backend] = await api.traces.tree.getChildren();
    const [service] = await api.traces.tree.getChildren(backend);
    const [op] = await api.traces.tree.getChildren(service);
    const [trace] = await api.traces.tree.getChildren(op);
    const cmd = api.traces.tree.getTreeItem(trace).command!;
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));

    const rows = await bridge<{ texts: string[] }>('dom', { selector: '.wf-row', atLeast: 5, screenshot: 'waterfall.png' });
    assert.equal(rows.texts.length, 5);
    const title = await bridge<{ texts: string[] }>('dom', { selector: '#trace-title', contains: 'GET /api/orders' });
    assert.equal(title.texts[0], 'e2e-shop: GET /api/orders/{order_id}');
    const critical = await bridge<{ texts: string[] }>('dom', { selector: '.wf-row.critical', atLeast: 2 });
    assert.ok(
      critical.texts.some((t) => t.includes(HOSTILE_NAME)),
      'the long failing call is on the critical path',
    );
    const insights = await bridge<{ texts: string[] }>('dom', { selector: '#insights', contains: 'Repeated query ×3' });
    assert.match(
      insights.texts[0],
      /Repeated query ×3 \(45\.0 ms total\) under GET \/api\/orders\/\{order_id\}: SELECT \* FROM orders WHERE id = \?/,
    );
    assert.match(insights.texts[0], /Largest self time: /);

    // Hostile markup is text: shown verbatim, no element created, nothing ran.
    const hostile = await bridge<{ texts: string[]; html: string; count: number; probe: string }>('dom', {
      selector: '.wf-row.wf-error .wf-name',
      contains: '<img',
      count: '#app img, #app script',
      probe: 'pwned',
    });
    assert.equal(hostile.texts[0], HOSTILE_NAME);
    assert.ok(!/<img|<script/i.test(hostile.html), `escaped, got ${hostile.html}`);
    assert.equal(hostile.count, 0);
    assert.equal(hostile.probe, 'undefined');

    // Search highlights the three queries.
    await bridge('dom', { selector: '#search', click: '#search' });
    await bridge('keyboard', { type: 'orders where' });
    await bridge('dom', { selector: '#match-info', contains: '3 matches' });
    const matched = await bridge<{ texts: string[] }>('dom', { selector: '.wf-row.match', atLeast: 3, screenshot: 'waterfall-search.png' });
    assert.ok(matched.texts.every((t) => t.includes('SELECT orders')));

    // Details of the failing span: hostile attribute as text, status message, nothing ran.
    await bridge('dom', { selector: '.wf-row.wf-error', click: '.wf-row.wf-error .wf-svc' });
    const details = await bridge<{ texts: string[]; count: number; probe: string }>('dom', {
      selector: '#details',
      contains: HOSTILE_ATTR,
      count: '#app img, #app script',
      probe: 'pwned',
      screenshot: 'waterfall-details.png',
    });
    assert.match(details.texts[0], /Status: error — payment failed/);
    assert.equal(details.count, 0);
    assert.equal(details.probe, 'undefined');

    // Go to code from the root span: its http.route is a detected FastAPI route.
    await bridge('dom', { selector: '.wf-row', click: '.wf-row .wf-svc' });
    await bridge('dom', { selector: '#go-to-code', contains: 'Go to code', click: '#go-to-code' });
    const editor = await eventually(() => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith('shop/routers/orders.py') ? e : undefined;
    }, 'orders.py opened by Go to code');
    assert.equal(editor.document.lineAt(editor.selection.active.line).text, 'async def get_order(order_id: int):');
  });

  test('@dom Open Trace with an exemplar\'s trace id (the "slowest trace" lens) opens its waterfall', async () => {
    const host = await vscode.commands.executeCommand<{ panel: vscode.WebviewPanel }>('telemetryLens.openTrace', TRACE_ID);
    assert.equal(host.panel.viewType, 'telemetryLens.waterfall');
    await bridge('dom', { selector: '#trace-title', contains: 'GET /api/orders' });
  });

  test('@dom an exemplar dot on the route details latency chart opens its trace in the waterfall', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const route = api.routes.all().find((r) => r.fullPath === '/api/orders/{order_id}')!;
    await vscode.commands.executeCommand('telemetryLens.showRouteDetails', `${route.file}:${route.line}`);
    const dot = await bridge<{ html: string; count: number }>('dom', {
      selector: '.chart-panel[data-kind="latency"] .uplot',
      count: `.exemplar[data-trace-id="${TRACE_ID}"]`,
    });
    assert.equal(dot.count, 1, 'one exemplar in the last hour');
    await bridge('dom', { selector: '.chart-panel[data-kind="latency"]', click: '.exemplar', screenshot: 'route-details-exemplar.png' });
    const title = await bridge<{ texts: string[] }>('dom', { selector: '#trace-title', contains: 'GET /api/orders' });
    assert.equal(title.texts[0], 'e2e-shop: GET /api/orders/{order_id}');
  });

  test('@dom the serializer restores a panel from its persisted identity (what a window reload does)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = vscode.window.createWebviewPanel('telemetryLens.waterfall', 'restored', vscode.ViewColumn.One, {});
    await api.traces.panels.serializer().deserializeWebviewPanel(panel, { backend: 'local', traceId: TRACE_ID });
    const title = await bridge<{ texts: string[] }>('dom', { selector: '#trace-title', contains: 'GET /api/orders' });
    assert.equal(title.texts[0], 'e2e-shop: GET /api/orders/{order_id}');
    // Theme-aware: the same panel in a dark and a high-contrast theme (README screenshots).
    await inDarkAndHighContrast('waterfall', '.wf-row', 5);
    const junk = vscode.window.createWebviewPanel('telemetryLens.waterfall', 'junk', vscode.ViewColumn.One, {});
    let disposed = false;
    junk.onDidDispose(() => (disposed = true));
    await api.traces.panels.serializer().deserializeWebviewPanel(junk, { backend: 'file:///etc', traceId: '<script>' });
    assert.ok(disposed, 'a state that is not an identity closes the panel');
  });
});
