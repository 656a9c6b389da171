/**
 * The Traces view and the waterfall against remote trace backends, end to end: for Jaeger v1, Jaeger api_v3 and
 * Tempo, the extension is pointed at a loopback stand-in answering RECORDED payloads (test/fixtures, see their
 * SOURCES.md), and lists services → operations → traces from it, and opens the waterfall with the right spans.
 *
 * Which answer is recorded and which is generated in a recorded shape (from the recorded spans):
 * - Jaeger api_v3: `/api/v3/traces/{id}` and the search `/api/v3/traces?query.*` answer the recorded HotROD trace
 *   (api_v3_get_trace_hotrod_40_spans.json, verbatim; FindTraces has the same `{result: {resourceSpans}}` shape);
 *   `/api/v3/services` and `/api/v3/operations` are the recorded shapes filled with that trace's services and spans.
 * - Jaeger v1 (no api_v3 search or trace lookup: a plain 404, as from a Jaeger without them): the search
 *   `/api/traces?service=` and `/api/traces/{id}` answer the recorded v1 envelope (api_traces_envelope_4_spans.json,
 *   verbatim). Services and operations come from api_v3 (there is no recording of v1's `/api/services`).
 * - Tempo: its recordings of these answers are AGPL-3.0 and not copied; the answers are generated in their recorded
 *   shapes from Apache-2.0 recordings (test/unit/traces/helpers.ts): `/api/v2/search/tag/resource.service.name/values`,
 *   TraceQL `/api/search`, and `/api/v2/traces/{id}` with base64 ids (15 spans of the OpenTelemetry demo checkout).
 * Then credentials and trust: a Tempo token set with the command is sent (with the tenant) to its origin only, and a
 * workspace's `tempo.url` is used only after confirmation.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TelemetryLensApi } from '../../../src/extension';
import {
  fixture,
  fixtureText,
  otlpRawSpans,
  otlpServices,
  replicateOtlpTrace,
  serviceOf,
  tempoTagValuesV2,
  tempoTraceqlSearch,
  tempoTraceWithFailedRequests,
} from '../../unit/traces/helpers';
import { json, startServer, type TestServer } from '../../unit/traces/server';
import { activateExtension, bridge, eventually } from './helpers';

type Doc = Parameters<typeof otlpRawSpans>[0];
const SPAN_KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** api_v3 `/api/v3/operations` (recorded shape `{operations: [{name, spanKind}]}`) for a service's spans in a recorded trace. */
function v3Operations(doc: Doc, service: string) {
  const ops = new Map<string, string>();
  for (const rs of doc.resourceSpans)
    if (serviceOf(rs.resource) === service)
      for (const ss of rs.scopeSpans) for (const s of ss.spans) ops.set(s.name as string, SPAN_KINDS[s.kind as number] ?? '');
  return { operations: [...ops].map(([name, spanKind]) => ({ name, spanKind })) };
}

interface Case {
  backend: 'jaeger' | 'tempo';
  label: string;
  serve(srv: TestServer): void;
  service: string;
  operation: string;
  traceId: string;
  title: string;
  /** The waterfall's summary line: spans, services, errors. */
  meta: RegExp;
  /** Paths the stand-in must have answered (the API generation under test). */
  paths: RegExp[];
}

const HOTROD = fixture<{ result: Doc }>('jaeger', 'api_v3_get_trace_hotrod_40_spans.json');
const V1 = fixture<{ data: { traceID: string; processes: Record<string, { serviceName: string }>; spans: Record<string, unknown>[] }[] }>(
  'jaeger',
  'api_traces_envelope_4_spans.json',
);
const DEMO = fixture<Doc>('jaeger', 'otlp_error_timeout_masked_26_spans.json');
const TEMPO_TRACE = tempoTraceWithFailedRequests();
const TEMPO_SEARCH = tempoTraceqlSearch([DEMO], (_s, service) => service === 'load-generator');
const TEMPO_ROW = TEMPO_SEARCH.traces[0];

const CASES: Case[] = [
  {
    backend: 'jaeger',
    label: 'Jaeger api_v3',
    serve(srv) {
      const body = json(fixtureText('jaeger', 'api_v3_get_trace_hotrod_40_spans.json'));
      srv.routes.set('/api/v3/services', json(JSON.stringify({ services: otlpServices(HOTROD.result) })));
      srv.routes.set('/api/v3/operations', (req) => json(JSON.stringify(v3Operations(HOTROD.result, req.query.get('service') ?? ''))));
      srv.routes.set('/api/v3/traces', body);
      srv.routes.set('/api/v3/traces/2ea75461946a7dd10f2c15ab36a076cb', body);
    },
    service: 'frontend',
    operation: 'GET /dispatch',
    traceId: '2ea75461946a7dd10f2c15ab36a076cb',
    title: 'frontend: GET /dispatch',
    meta: / · 40 spans · 6 services · 3 errors · /,
    paths: [/^\/api\/v3\/traces$/, /^\/api\/v3\/traces\/2ea7/],
  },
  {
    backend: 'jaeger',
    label: 'Jaeger v1',
    serve(srv) {
      const trace = V1.data[0];
      const service = Object.values(trace.processes)[0].serviceName;
      const kind = (s: Record<string, unknown>) => (s.tags as { key: string; value: string }[]).find((t) => t.key === 'span.kind')?.value;
      const operations = [...new Set(trace.spans.map((s) => `${s.operationName as string}\u0000${kind(s) ?? ''}`))].map((k) => {
        const [name, spanKind] = k.split('\u0000');
        return { name, spanKind };
      });
      const envelope = json(fixtureText('jaeger', 'api_traces_envelope_4_spans.json'));
      srv.routes.set('/api/v3/services', json(JSON.stringify({ services: [service] })));
      srv.routes.set('/api/v3/operations', json(JSON.stringify({ operations })));
      srv.routes.set('/api/traces', envelope);
      srv.routes.set(`/api/traces/${trace.traceID}`, envelope);
    },
    service: 'example-trace',
    operation: 'main',
    traceId: 'c620759e5d60fafb8ee0922b30e06bc6',
    title: 'example-trace: main',
    meta: / · 4 spans · 1 services · 0 errors · /,
    paths: [/^\/api\/v3\/traces$/, /^\/api\/traces$/, /^\/api\/v3\/traces\/c620/, /^\/api\/traces\/c620/],
  },
  {
    backend: 'tempo',
    label: 'Tempo',
    serve(srv) {
      srv.routes.set('/api/v2/search/tag/resource.service.name/values', json(JSON.stringify(tempoTagValuesV2(otlpServices(TEMPO_TRACE)))));
      srv.routes.set('/api/search', json(JSON.stringify(TEMPO_SEARCH)));
      srv.routes.set(`/api/v2/traces/${TEMPO_ROW.traceID}`, json(JSON.stringify({ trace: TEMPO_TRACE })));
    },
    service: TEMPO_ROW.rootServiceName,
    operation: TEMPO_ROW.rootTraceName,
    traceId: TEMPO_ROW.traceID,
    title: `${TEMPO_ROW.rootServiceName}: ${TEMPO_ROW.rootTraceName}`,
    meta: / · 15 spans · 3 services · 3 errors · /,
    paths: [/^\/api\/search$/, /^\/api\/v2\/traces\/3e24/],
  },
];

suite('Traces: the explorer and the waterfall against recorded Jaeger v1, Jaeger api_v3 and Tempo answers', () => {
  const config = () => vscode.workspace.getConfiguration('telemetryLens');
  let api: TelemetryLensApi;
  let srv: TestServer | undefined;
  suiteSetup(async () => {
    api = (await activateExtension()).exports as TelemetryLensApi;
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await srv?.close();
  });
  suiteTeardown(async () => {
    for (const k of ['traces.backend', 'jaeger.url', 'tempo.url']) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
  });

  test('@dom Set Jaeger/Tempo Credentials: the token and tenant go to Tempo; a workspace tempo.url needs confirmation and gets no token', async () => {
    const tempo = CASES.find((c) => c.backend === 'tempo')!;
    const mine = (srv = await startServer());
    const evil = await startServer();
    const token = process.env.E2E_SECRET ?? 'tl-e2e-secret-token';
    const services = async () => {
      const [backend] = await api.traces.tree.getChildren();
      return (await api.traces.tree.getChildren(backend)).map((n) => String(api.traces.tree.getTreeItem(n).label));
    };
    try {
      tempo.serve(mine);
      tempo.serve(evil);
      await config().update('tempo.url', mine.url, vscode.ConfigurationTarget.Global);
      await config().update('tempo.tenant', 'team-a', vscode.ConfigurationTarget.Global);
      await config().update('traces.backend', 'tempo', vscode.ConfigurationTarget.Global);
      const done = vscode.commands.executeCommand('telemetryLens.setTraceCredentials');
      await bridge('dom', { selector: '.quick-input-widget .quick-input-title', contains: 'Tempo credentials for http://127.0.0.1:' });
      await bridge('keyboard', { type: 'Bearer', press: 'Enter' });
      await bridge('dom', { selector: '.quick-input-widget .quick-input-title', contains: 'Tempo bearer token' });
      await bridge('keyboard', { type: token });
      await bridge('keyboard', { press: 'Enter' });
      await done;
      assert.equal(config().get('tempo.auth'), 'bearer');
      assert.ok(!JSON.stringify(config().inspect('')).includes(token), 'the token is in no settings scope');
      assert.ok((await services()).includes(tempo.service));
      // The view may have asked before the token was stored (a settings change refreshes it); the call above had it.
      const asked = mine.seen.filter((s) => s.path.startsWith('/api/v2/search/tag/'));
      assert.ok(
        asked.some((s) => s.headers.authorization === `Bearer ${token}`),
        'the stored token is sent',
      );
      assert.ok(
        asked.every((s) => s.headers['x-scope-orgid'] === 'team-a'),
        'the tenant on every request',
      );

      // A cloned repository's settings point Tempo elsewhere: asked first, the user's Tempo used meanwhile.
      await config().update('tempo.url', evil.url, vscode.ConfigurationTarget.Workspace);
      mine.seen.length = 0;
      await services();
      const toast = '.notifications-toasts .notification-toast:has-text("telemetryLens.tempo.url")';
      await bridge('dom', { selector: toast, contains: 'Tempo requests would go to' });
      assert.ok(mine.seen.length > 0 && evil.seen.length === 0, "the user's Tempo until the user confirms");
      await bridge('dom', { selector: toast, click: `${toast} .monaco-button:has-text("Use Workspace Settings")` });
      await eventually(
        async () => ((await services()).length && evil.seen.length ? true : undefined),
        'the confirmed workspace URL is used',
      );
      assert.ok(
        evil.seen.every((s) => s.headers.authorization === undefined),
        'no token for an origin it was not entered for',
      );
    } finally {
      await config().update('tempo.url', undefined, vscode.ConfigurationTarget.Workspace);
      await api.metrics.credentials.clear(mine.url);
      for (const k of ['tempo.auth', 'tempo.tenant']) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
      await evil.close();
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  test('@dom http.maxResponseMB applies to trace backends: a 3 MB trace is refused at 1 MiB and opens at the default', async () => {
    srv = await startServer();
    // The recorded HotROD trace replicated 30 times in its recorded shape, as api_v3 answers it (`{result}`).
    const big = replicateOtlpTrace(fixture('jaeger', 'otlp_hotrod_40_spans_3_errors.json'), 30).doc;
    const id = 'fe65c5beefbe4e96119efbba3da07e99';
    srv.routes.set(`/api/v3/traces/${id}`, json(JSON.stringify({ result: big })));
    await config().update('jaeger.url', srv.url, vscode.ConfigurationTarget.Global);
    await config().update('traces.backend', 'jaeger', vscode.ConfigurationTarget.Global);
    await config().update('http.maxResponseMB', 1, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('telemetryLens.openTraceIn', 'jaeger', id);
      await bridge('dom', { selector: '#error', contains: 'answered more than 1 MiB' });
      await config().update('http.maxResponseMB', undefined, vscode.ConfigurationTarget.Global);
      await bridge('dom', { selector: '#app button', contains: 'Retry', click: '#app button' });
      const meta = await bridge<{ texts: string[] }>('dom', { selector: '#trace-meta', contains: id });
      assert.match(meta.texts[0], / · 1200 spans · 6 services · 90 errors · /);
    } finally {
      await config().update('http.maxResponseMB', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  for (const c of CASES)
    test(`@dom ${c.label}: services → operations → traces in the Traces view, and the waterfall with the trace's spans`, async () => {
      srv = await startServer();
      c.serve(srv);
      await config().update(`${c.backend}.url`, srv.url, vscode.ConfigurationTarget.Global);
      await config().update('traces.backend', c.backend, vscode.ConfigurationTarget.Global);
      const tree = api.traces.tree;
      const [backend, ...others] = await tree.getChildren();
      assert.equal(others.length, 0, 'only the remote backend (the local receiver is stopped)');
      assert.equal(tree.getTreeItem(backend).label, c.backend === 'jaeger' ? 'Jaeger' : 'Tempo');
      const services = await tree.getChildren(backend);
      const service = services.find((s) => tree.getTreeItem(s).label === c.service);
      assert.ok(service, `service ${c.service} in ${services.map((s) => String(tree.getTreeItem(s).label)).join(', ')}`);
      const ops = await tree.getChildren(service);
      const op = ops.find((o) => tree.getTreeItem(o).label === c.operation);
      assert.ok(op, `operation ${c.operation} in ${ops.map((o) => String(tree.getTreeItem(o).label)).join(', ')}`);
      const traces = await tree.getChildren(op);
      const item = tree.getTreeItem(traces[0]);
      assert.deepEqual(item.command?.arguments, [c.backend, c.traceId]);

      await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
      const title = await bridge<{ texts: string[] }>('dom', { selector: '#trace-title', contains: c.title });
      assert.equal(title.texts[0], c.title);
      const meta = await bridge<{ texts: string[] }>('dom', { selector: '#trace-meta', contains: c.traceId });
      assert.match(meta.texts[0], c.meta);
      const rows = await bridge<{ texts: string[] }>('dom', { selector: '.wf-row .wf-name', contains: c.operation });
      assert.equal(rows.texts[0], c.operation, 'the root span is the first row');
      for (const p of c.paths)
        assert.ok(
          srv.seen.some((s) => p.test(s.path)),
          `${p} was asked`,
        );
    });
});
