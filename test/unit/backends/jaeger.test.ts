/**
 * JaegerClient against a loopback server answering the recorded Jaeger payloads: request paths and
 * parameters, parsing, not-found / HTML / invalid JSON / bad payload / HTTP errors, cancel, timeout, sharing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../../../src/backends/errors';
import { JaegerClient } from '../../../src/backends/jaeger';
import { fixture, fixtureText } from '../traces/helpers';
import { HTML, json, startServer, type TestServer } from '../traces/server';

const V1_ID = 'c620759e5d60fafb8ee0922b30e06bc6';
const V3_ID = '2ea75461946a7dd10f2c15ab36a076cb';

async function rejects(p: Promise<unknown>, check: (e: BackendError) => void) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    check(e);
    return true;
  });
}

describe('JaegerClient (recorded payloads over loopback HTTP)', () => {
  let srv: TestServer;
  let jaeger: JaegerClient;
  before(async () => {
    srv = await startServer('/jaeger');
    srv.routes.set('/api/v3/services', json(fixtureText('jaeger', 'api_v3_services.json')));
    srv.routes.set('/api/v3/operations', json(fixtureText('jaeger', 'api_v3_operations.json')));
    srv.routes.set('/api/traces', json(fixtureText('jaeger', 'api_traces_envelope_4_spans.json')));
    srv.routes.set(`/api/traces/${V1_ID}`, json(fixtureText('jaeger', 'api_traces_envelope_4_spans.json')));
    srv.routes.set(`/api/v3/traces/${V3_ID}`, json(fixtureText('jaeger', 'api_v3_get_trace_hotrod_40_spans.json')));
    srv.routes.set('/api/v3/traces', json(fixtureText('jaeger', 'api_v3_find_traces_minimal.json')));
    jaeger = new JaegerClient({ baseUrl: srv.url, auth: { type: 'bearer', token: 's3cret' }, timeoutMs: 5000 });
  });
  after(() => srv.close());

  it('services and operations (api_v3)', async () => {
    assert.deepEqual(await jaeger.services(), ['foo']);
    assert.deepEqual(await jaeger.operations('foo', { spanKind: 'server' }), [{ name: 'get_users', spanKind: 'server' }]);
    const op = srv.seen.find((s) => s.path === '/api/v3/operations')!;
    assert.equal(op.query.get('service'), 'foo');
    assert.equal(op.query.get('span_kind'), 'server');
    assert.equal(op.headers.authorization, 'Bearer s3cret');
  });

  it('findTraces sends service/operation/tags/start/end/limit and returns traces + summaries', async () => {
    const r = await jaeger.findTraces({
      service: 'example-trace',
      operation: 'main',
      tags: { error: 'true' },
      start: new Date('2024-03-22T20:10:00Z'),
      end: 1711138300000000,
      limit: 20,
    });
    assert.equal(r.traces.length, 1);
    assert.equal(r.traces[0].spans.length, 4);
    assert.equal(r.summaries[0].rootName, 'main');
    assert.equal(r.summaries[0].spanCount, 4);
    const q = srv.seen.filter((s) => s.path === '/api/traces').at(-1)!.query;
    assert.equal(q.get('service'), 'example-trace');
    assert.equal(q.get('operation'), 'main');
    assert.equal(q.get('tags'), '{"error":"true"}');
    assert.equal(q.get('start'), '1711138200000000');
    assert.equal(q.get('end'), '1711138300000000');
    assert.equal(q.get('limit'), '20');
  });

  it('getTrace (v1) and getTraceV3 parse the recorded traces', async () => {
    const t = await jaeger.getTrace(V1_ID);
    assert.equal(t.traceId, V1_ID);
    assert.equal(t.spans.length, 4);
    const t3 = await jaeger.getTraceV3(V3_ID, { start: new Date('2026-06-21T00:00:00Z'), end: new Date('2026-06-22T00:00:00Z') });
    assert.equal(t3.spans.length, 40);
    assert.equal(t3.services.length, 6);
    const q = srv.seen.find((s) => s.path === `/api/v3/traces/${V3_ID}`)!.query;
    assert.equal(q.get('start_time'), '2026-06-21T00:00:00.000Z');
    const found = await jaeger.findTracesV3({
      service: 'foo',
      start: new Date(0),
      end: new Date(1000),
      attributes: { 'http.status_code': '500' },
    });
    assert.equal(found.length, 1);
    const fq = srv.seen.filter((s) => s.path === '/api/v3/traces').at(-1)!.query;
    assert.equal(fq.get('query.service_name'), 'foo');
    assert.equal(fq.get('query.attributes'), '{"http.status_code":"500"}');
  });

  it('404 → "Trace … not found in Jaeger"; an empty data list too', async () => {
    await rejects(jaeger.getTrace('0123456789abcdef0123456789abcdef'), (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /^Trace 0123456789abcdef… not found in Jaeger \(127\.0\.0\.1:\d+\/jaeger\)$/);
      assert.doesNotMatch(e.message, /s3cret/);
    });
    await rejects(jaeger.getTraceV3('0123456789abcdef0123456789abcdef'), (e) => assert.match(e.message, /not found in Jaeger/));
    const empty = fixture<{ data: unknown[] }>('jaeger', 'api_traces_envelope_4_spans.json');
    empty.data = [];
    srv.routes.set('/api/traces/00000000000000000000000000000abc', json(JSON.stringify(empty)));
    await rejects(jaeger.getTrace('00000000000000000000000000000abc'), (e) => assert.match(e.message, /not found/));
  });

  it('findTracesV3: Jaeger\'s 404 "No traces found" envelope is an empty list; a plain 404 (no api_v3) stays an error', async () => {
    // Jaeger's http_gateway answers an empty FindTraces with http.Error: text/plain, this JSON and a newline.
    const noTraces = {
      status: 404,
      body: `${JSON.stringify({ error: { httpCode: 404, message: 'No traces found' } })}\n`,
      type: 'text/plain; charset=utf-8',
    };
    srv.routes.set('/api/v3/traces', noTraces);
    const q = { service: 'none', start: new Date(0), end: new Date(1000) };
    assert.deepEqual(await jaeger.findTracesV3(q), []);
    srv.routes.set('/api/v3/traces', { status: 404, body: '404 page not found\n', type: 'text/plain' });
    await rejects(jaeger.findTracesV3({ ...q, service: 'other' }), (e) => assert.equal(e.kind, 'http'));
    srv.routes.set('/api/v3/traces', json(fixtureText('jaeger', 'api_v3_find_traces_minimal.json')));
  });

  it('HTML page, invalid JSON, wrong payload, HTTP 502 → typed errors naming Jaeger', async () => {
    srv.routes.set('/api/v3/services', HTML);
    await rejects(jaeger.services(), (e) => {
      assert.equal(e.kind, 'not-json');
      assert.match(e.message, /^Jaeger answered HTML/);
    });
    srv.routes.set('/api/v3/services', json('{"services": ["a",'));
    await rejects(jaeger.services(), (e) => {
      assert.equal(e.kind, 'not-json');
      assert.match(e.message, /Jaeger answered invalid JSON/);
    });
    srv.routes.set('/api/v3/services', json(fixtureText('loki', 'labels_minimal.json')));
    await rejects(jaeger.services(), (e) => {
      assert.equal(e.kind, 'bad-payload');
      assert.match(e.message, /^Jaeger answered an unexpected payload on \/api\/v3\/services/);
    });
    srv.routes.set('/api/v3/services', { status: 502, body: 'Bad Gateway', type: 'text/plain' });
    await rejects(jaeger.services(), (e) => {
      assert.equal(e.kind, 'http');
      assert.equal(e.status, 502);
    });
    srv.routes.set('/api/v3/services', json(fixtureText('jaeger', 'api_v3_services.json')));
  });

  it('identical concurrent calls share one request; a cancelled caller only detaches', async () => {
    const before = srv.seen.length;
    const h = srv.hold();
    const ctl = new AbortController();
    const a = jaeger.getTrace(V1_ID);
    const b = jaeger.getTrace(V1_ID, { signal: ctl.signal });
    await h.arrived;
    ctl.abort();
    await rejects(b, (e) => assert.equal(e.kind, 'cancelled'));
    h.release();
    assert.equal((await a).spans.length, 4);
    assert.equal(srv.seen.length - before, 1);
  });

  it('pre-aborted signal → cancelled; a server that never answers → timeout', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await rejects(jaeger.services({ signal: ctl.signal }), (e) => assert.equal(e.kind, 'cancelled'));
    srv.hang('/api/traces/ffffffffffffffffffffffffffffffff');
    await rejects(jaeger.getTrace('ffffffffffffffffffffffffffffffff', { timeoutMs: 50 }), (e) => {
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /^Jaeger did not answer/);
    });
  });

  it('connection refused → unreachable naming Jaeger', async () => {
    const dead = new JaegerClient({ baseUrl: 'http://127.0.0.1:9' });
    await rejects(dead.services(), (e) => {
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /^Jaeger unreachable/);
    });
  });
});
