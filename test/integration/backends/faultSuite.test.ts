/**
 * The fault and hostile-input suite (issue 11): every backend client — Prometheus (a real one
 * upstream), Jaeger, Tempo and Loki (recorded payloads upstream) — through ONE loopback fault-injection
 * proxy. Each fault ends in a typed BackendError or a value that renders inert, memory stays bounded
 * (huge bodies stop early), no promise rejection goes unhandled, and the next call through the same
 * client succeeds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError, type BackendErrorKind } from '../../../src/backends/errors';
import { JaegerClient } from '../../../src/backends/jaeger';
import { LokiClient } from '../../../src/backends/loki';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { TempoClient } from '../../../src/backends/tempo';
import { MetricsEngine } from '../../../src/core/metrics/engine';
import { inertText, markdownCode } from '../../../src/core/untrusted';
import { hostileStrings, startFaultProxy, type Fault, type FaultProxy } from '../../support/faultProxy';
import { startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { fixtureText, tempoTagValuesV1 } from '../../unit/traces/helpers';
import { json, startServer, type TestServer } from '../../unit/traces/server';
import { makeRoute } from '../metrics/datasets';

/** The client timeout of the slow case; every other case gets time enough to reach its own limit. */
const SLOW_TIMEOUT_MS = 400;
const TIMEOUT_MS = 30_000;
const MiB = 1024 * 1024;
const JAEGER_TRACE = 'c620759e5d60fafb8ee0922b30e06bc6';
const TEMPO_TRACE = '5B8EFFF798038103D269B633813FC60C';
// Keys whose values are protocol words or numbers, not text: hostile suffixes there only make the
// answer invalid (covered by the other faults), so they are kept to reach the rendering path.
const KEEP = new Set([
  'status',
  'resultType',
  'value',
  'values',
  'traceID',
  'spanID',
  'traceId',
  'spanId',
  'parentSpanId',
  'refType',
  'type',
  'kind',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'timeUnixNano',
  'intValue',
  'doubleValue',
  'boolValue',
  'stringValue',
  'key',
  'startTime',
  'duration',
  'processID',
  'ts',
]);

/** A backend client behind the proxy: one typical call, one list call, and a list answer generator in its recorded shape. */
interface Target {
  name: string;
  client(url: string, timeoutMs: number): unknown;
  call(c: unknown): Promise<unknown>;
  list(c: unknown): Promise<unknown>;
  listBody(values: string[]): string;
}

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
let prom: PrometheusInstance;
let recorded: TestServer;
const proxies = new Map<string, FaultProxy>();

const TARGETS: Target[] = [
  {
    name: 'Prometheus',
    client: (url, timeoutMs) => new PrometheusClient({ baseUrl: url, timeoutMs }),
    call: (c) => (c as PrometheusClient).queryVector('label_replace(vector(1), "route", "/users/{id}", "", "")', { time: 1767225600 }),
    list: async (c) => (await (c as PrometheusClient).labelValues('route')).data,
    listBody: (values) => JSON.stringify({ status: 'success', data: values }),
  },
  {
    name: 'Jaeger',
    client: (url, timeoutMs) => new JaegerClient({ baseUrl: url, timeoutMs }),
    call: (c) => (c as JaegerClient).getTrace(JAEGER_TRACE),
    list: (c) => (c as JaegerClient).services(),
    listBody: (values) => JSON.stringify({ services: values }),
  },
  {
    name: 'Tempo',
    client: (url, timeoutMs) => new TempoClient({ baseUrl: url, timeoutMs }),
    call: (c) => (c as TempoClient).getTrace(TEMPO_TRACE),
    list: (c) => (c as TempoClient).tagValues('service.name'),
    listBody: (values) => JSON.stringify(tempoTagValuesV1(values)),
  },
  {
    name: 'Loki',
    client: (url, timeoutMs) => new LokiClient({ baseUrl: url, timeoutMs }),
    call: (c) => (c as LokiClient).queryRange({ query: '{job="app"}', start: 1, end: 2 }),
    list: (c) => (c as LokiClient).labels(),
    listBody: (values) => JSON.stringify({ status: 'success', data: values }),
  },
];

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  prom = await startPrometheus();
  recorded = await startServer();
  recorded.routes.set(`/api/traces/${JAEGER_TRACE}`, json(fixtureText('jaeger', 'api_traces_envelope_4_spans.json')));
  recorded.routes.set('/api/v3/services', json(fixtureText('jaeger', 'api_v3_services.json')));
  recorded.routes.set(`/api/traces/${TEMPO_TRACE}`, json(fixtureText('tempo', 'api_traces_v1_batches.json')));
  recorded.routes.set('/api/search/tag/service.name/values', json(JSON.stringify(tempoTagValuesV1(['frontend', 'checkout']))));
  recorded.routes.set('/loki/api/v1/query_range', json(fixtureText('loki', 'query_range_streams.json')));
  recorded.routes.set('/loki/api/v1/labels', json(fixtureText('loki', 'labels_minimal.json')));
  for (const t of TARGETS) proxies.set(t.name, await startFaultProxy(t.name === 'Prometheus' ? prom.url : recorded.url));
});

after(async () => {
  for (const p of proxies.values()) await p.close();
  await recorded?.close();
  await prom?.stop();
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejections');
});

async function outcome(p: Promise<unknown>): Promise<{ value: unknown } | { error: BackendError }> {
  try {
    return { value: await p };
  } catch (e) {
    assert.ok(e instanceof BackendError, `a typed BackendError, not ${e instanceof Error ? e.stack : String(e)}`);
    return { error: e };
  }
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

const LINK = /\[[^\]]+\]\((?:https?:|command:|file:)[^)\s]+\)/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/;

/** What the UI shows of a value: notification text and hover code spans, each inert and bounded. */
function assertRendersInert(value: unknown): void {
  for (const s of strings(value).slice(0, 2000)) {
    for (const shown of [inertText(s), markdownCode(s.slice(0, 1000))]) {
      assert.ok(!LINK.test(shown) || shown.startsWith('`'), `link syntax survived: ${JSON.stringify(shown).slice(0, 200)}`);
      assert.ok(!CONTROL.test(shown), `control characters survived: ${JSON.stringify(shown).slice(0, 200)}`);
    }
    assert.ok(inertText(s).length <= 160);
  }
}

interface Case {
  name: string;
  fault: (t: Target) => Fault;
  useList?: boolean;
  timeoutMs?: number;
  expect: (r: { value: unknown } | { error: BackendError }, proxy: FaultProxy) => void;
}

const kind =
  (...kinds: BackendErrorKind[]) =>
  (r: { value: unknown } | { error: BackendError }) => {
    assert.ok('error' in r, `expected an error of kind ${kinds.join('/')}, got a value`);
    assert.ok(kinds.includes(r.error.kind), `kind ${r.error.kind}: ${r.error.message}`);
    assert.ok(r.error.message.length < 300 && !CONTROL.test(r.error.message), r.error.message);
  };
const stoppedEarly = (r: { value: unknown } | { error: BackendError }, proxy: FaultProxy) => {
  kind('too-large')(r);
  assert.ok(proxy.produced < 256 * MiB, `the proxy produced ${proxy.produced} bytes before the client stopped reading`);
};
const valueOrTyped = (r: { value: unknown } | { error: BackendError }) => {
  if ('error' in r) kind('bad-payload', 'too-large')(r);
  else assertRendersInert(r.value);
};

const CASES: Case[] = [
  { name: 'down (every connection dropped)', fault: () => ({ kind: 'down' }), expect: kind('unreachable') },
  { name: 'slow past the timeout', fault: () => ({ kind: 'slow' }), timeoutMs: SLOW_TIMEOUT_MS, expect: kind('timeout') },
  { name: 'reset mid-body', fault: () => ({ kind: 'reset' }), expect: kind('unreachable', 'not-json') },
  ...[401, 403].map((status): Case => ({ name: `HTTP ${status}`, fault: () => ({ kind: 'status', status }), expect: kind('auth') })),
  ...[429, 500, 502].map((status): Case => ({
    name: `HTTP ${status}`,
    fault: () => ({ kind: 'status', status }),
    expect: kind('http', 'api-error'),
  })),
  { name: 'HTML (a login page)', fault: () => ({ kind: 'html' }), expect: kind('not-json') },
  { name: 'invalid JSON', fault: () => ({ kind: 'invalid-json' }), expect: kind('not-json') },
  { name: 'truncated JSON', fault: () => ({ kind: 'truncated-json' }), expect: kind('not-json') },
  { name: 'a 1 GiB body', fault: () => ({ kind: 'huge' }), expect: stoppedEarly },
  { name: 'a gzip bomb (1 GiB of whitespace)', fault: () => ({ kind: 'gzip-bomb' }), expect: stoppedEarly },
  {
    name: '1,000,000 label values',
    useList: true,
    fault: (t) => ({ kind: 'replace', body: () => t.listBody(Array.from({ length: 1_000_000 }, (_, i) => `value-${i}`)) }),
    expect: (r) => {
      if ('error' in r) return kind('too-large')(r);
      assert.equal((r.value as unknown[]).length, 1_000_000);
    },
  },
  {
    name: '100 KB label values with control characters and link syntax',
    useList: true,
    fault: (t) => ({
      kind: 'replace',
      body: () => t.listBody(Array.from({ length: 20 }, (_, i) => `v${i}\u001b[2J[x](command:evil)${'x'.repeat(100_000)}`)),
    }),
    expect: valueOrTyped,
  },
  {
    name: 'control characters and link syntax in every string',
    fault: () => ({ kind: 'transform', fn: (j) => hostileStrings(j, KEEP) }),
    expect: valueOrTyped,
  },
];

for (const t of TARGETS) {
  describe(`${t.name} client through the fault proxy`, () => {
    it('a healthy answer passes through', async () => {
      const c = t.client(proxies.get(t.name)!.url, TIMEOUT_MS);
      assert.ok('value' in (await outcome(t.call(c))));
    });

    for (const k of CASES) {
      it(`${k.name}: typed error or inert value, bounded memory; the next call succeeds`, async () => {
        const proxy = proxies.get(t.name)!;
        const c = t.client(proxy.url, k.timeoutMs ?? TIMEOUT_MS);
        const heapBefore = process.memoryUsage().heapUsed;
        proxy.fault = k.fault(t);
        try {
          k.expect(await outcome(k.useList ? t.list(c) : t.call(c)), proxy);
        } finally {
          proxy.fault = { kind: 'pass' };
        }
        assert.ok(process.memoryUsage().heapUsed - heapBefore < 400 * MiB, 'memory stays bounded');
        const next = await outcome(t.call(c));
        assert.ok('value' in next, `the next call fails: ${'error' in next ? next.error.message : ''}`);
      });
    }
  });
}

describe('the metrics engine on hostile Prometheus answers', () => {
  it('exemplars whose trace id is not 16/32 hex are never offered', async () => {
    const hostileId = '[x](command:workbench.action.terminal.sendSequence)';
    const body = JSON.stringify({
      status: 'success',
      data: [
        {
          seriesLabels: { __name__: 'http_request_duration_seconds_bucket', route: '/users/:id', method: 'GET', le: '1' },
          exemplars: [
            { labels: { trace_id: hostileId }, value: '5', timestamp: 1767225600 },
            { labels: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, value: '0.5', timestamp: 1767225600 },
          ],
        },
      ],
    });
    const proxy = proxies.get('Prometheus')!;
    const engine = new MetricsEngine(new PrometheusClient({ baseUrl: proxy.url }), { refreshIntervalMs: 0 });
    const route = makeRoute('/users/:id', 'GET');
    const service = { id: 'api', selector: '', convention: 'telemetry-lens' as const, routes: [route] };
    proxy.fault = { kind: 'replace', body: () => body };
    try {
      const one = await engine.slowestExemplar(service, route);
      assert.equal(one?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
      const all = await engine.slowestExemplars(service);
      assert.deepEqual(
        all.map((x) => x.exemplar.traceId),
        ['4bf92f3577b34da6a3ce929d0e0e4736'],
      );
    } finally {
      proxy.fault = { kind: 'pass' };
    }
  });

  it('100,000 distinct label values for one route and 100 KB values keep the engine and its queries bounded', async () => {
    const result = [
      ...Array.from({ length: 100_000 }, (_, i) => ({
        metric: { path: `/users/${i}`, method: 'GET', status_code: '200' },
        value: [1767225600, '1'],
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        metric: { path: `/x${i}/${'y'.repeat(100_000)}`, method: 'GET', status_code: '200' },
        value: [1767225600, '1'],
      })),
      ...Array.from({ length: 5_000 }, (_, i) => ({
        metric: { path: `/unknown/${i}/a`, method: 'GET', status_code: '200' },
        value: [1767225600, '1'],
      })),
    ];
    const body = JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
    const proxy = proxies.get('Prometheus')!;
    const engine = new MetricsEngine(new PrometheusClient({ baseUrl: proxy.url, timeoutMs: TIMEOUT_MS }), { refreshIntervalMs: 0 });
    const route = makeRoute('/users/:id', 'GET');
    const service = { id: 'api', selector: '', convention: 'express-prom-bundle' as const, routes: [route] };
    proxy.fault = { kind: 'replace', body: () => body };
    try {
      const r = await engine.refresh([service], { evaluationTime: 1767225600 });
      const stats = r.services[0]!;
      assert.equal(stats.routes[0]!.rate, 100_000, 'every value of the route counted');
      assert.ok(stats.unmatched.length <= 200, `${stats.unmatched.length} unmatched series kept`);
      assert.ok(
        stats.unmatched.every((u) => u.value.length <= 2048),
        'no 100 KB value kept',
      );
      const raw = await engine.rawQueries(service, route, { evaluationTime: 1767225600 });
      assert.ok(raw && raw.rate.length < 4096, `the single-route query is ${raw?.rate.length} characters`);
    } finally {
      proxy.fault = { kind: 'pass' };
    }
  });
});
