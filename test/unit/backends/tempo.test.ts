/**
 * TempoClient against a loopback server answering the recorded Tempo v1 trace payload and, for the answers
 * whose only recordings are AGPL-3.0, payloads generated in their recorded shape (trace by id v2, TraceQL
 * search, tag values): tenant header, not-found and fault mapping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../../../src/backends/errors';
import { TempoClient } from '../../../src/backends/tempo';
import {
  fixture,
  fixtureText,
  otlpServices,
  tempoTagValuesV1,
  tempoTagValuesV2,
  tempoTraceqlSearch,
  tempoV2TraceById,
} from '../traces/helpers';
import { HTML, json, startServer, type TestServer } from '../traces/server';

const V1_ID = '5B8EFFF798038103D269B633813FC60C';
const V2 = tempoV2TraceById();
const V2_ID = V2.traceIdHex;
type Doc = Parameters<typeof tempoTraceqlSearch>[0][number];
const V1_DOC = fixture<{ batches: Doc['resourceSpans'] }>('tempo', 'api_traces_v1_batches.json');
const SEARCH = tempoTraceqlSearch([{ resourceSpans: V1_DOC.batches }], () => true);
const SERVICES = otlpServices(fixture<Doc>('jaeger', 'otlp_hotrod_40_spans_3_errors.json'));

async function rejects(p: Promise<unknown>, check: (e: BackendError) => void) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    check(e);
    return true;
  });
}

describe('TempoClient (recorded payloads over loopback HTTP)', () => {
  let srv: TestServer;
  let tempo: TempoClient;
  before(async () => {
    srv = await startServer();
    srv.routes.set(`/api/traces/${V1_ID}`, json(fixtureText('tempo', 'api_traces_v1_batches.json')));
    srv.routes.set(`/api/v2/traces/${V2_ID}`, json(JSON.stringify(V2.doc)));
    srv.routes.set('/api/search', json(JSON.stringify(SEARCH)));
    srv.routes.set('/api/search/tag/service.name/values', json(JSON.stringify(tempoTagValuesV1(SERVICES))));
    srv.routes.set('/api/v2/search/tag/resource.service.name/values', json(JSON.stringify(tempoTagValuesV2(SERVICES))));
    // Tempo answers a missing trace with a plain-text 404.
    srv.routes.set('/api/traces/0123456789abcdef0123456789abcdef', { status: 404, body: 'trace not found', type: 'text/plain' });
    tempo = new TempoClient({ baseUrl: srv.url, tenant: 'team-a', auth: { type: 'basic', username: 'u', password: 'p' } });
  });
  after(() => srv.close());

  it('trace by id: v1 batches and v2 trace wrapper; X-Scope-OrgID sent', async () => {
    const t = await tempo.getTrace(V1_ID, { start: new Date('2018-12-13T00:00:00Z'), end: 1544800000 });
    assert.equal(t.traceId, V1_ID.toLowerCase());
    assert.equal(t.spans.length, 1);
    assert.equal(t.spans[0].name, "I'm a server span");
    const q = srv.seen.find((s) => s.path === `/api/traces/${V1_ID}`)!;
    assert.equal(q.headers['x-scope-orgid'], 'team-a');
    assert.match(String(q.headers.authorization), /^Basic /);
    assert.equal(q.query.get('start'), '1544659200');
    assert.equal(q.query.get('end'), '1544800000');
    const t2 = await tempo.getTraceV2(V2_ID);
    assert.equal(t2.traceId, V2_ID);
    assert.equal(t2.spans[0].spanId, V2.spanIdHex);
    assert.equal(t2.spans[0].kind, 'server');
  });

  it('TraceQL search sends q/start/end/limit/spss', async () => {
    const q = '{ resource.service.name = "my.service" && status = error }';
    const r = await tempo.search({ q, start: 1694718000, end: new Date(1694719000_000), limit: 20, spss: 3 });
    assert.equal(r.traces.length, SEARCH.traces.length);
    assert.equal(r.traces[0].rootService, 'my.service');
    assert.equal(r.traces[0].traceId, V1_ID.toLowerCase());
    assert.equal(r.traces[0].matchedSpans.length, SEARCH.traces[0].spanSets[0].spans.length);
    const s = srv.seen.filter((x) => x.path === '/api/search').at(-1)!.query;
    assert.equal(s.get('q'), q);
    assert.equal(s.get('start'), '1694718000');
    assert.equal(s.get('end'), '1694719000');
    assert.equal(s.get('limit'), '20');
    assert.equal(s.get('spss'), '3');
  });

  it('tag values v1 and v2', async () => {
    const v1 = await tempo.tagValues('service.name');
    assert.equal(v1.length, SERVICES.length);
    assert.deepEqual(
      v1.map((v) => v.value),
      [...SERVICES].sort(),
    );
    const v2 = await tempo.tagValuesV2('resource.service.name', { q: '{}' });
    assert.equal(v2[1].value, SERVICES[1]);
    assert.equal(v2.length, SERVICES.length);
    assert.equal(
      srv.seen
        .filter((x) => x.path.startsWith('/api/v2/search/tag/'))
        .at(-1)!
        .query.get('q'),
      '{}',
    );
  });

  it('plain-text 404 → "Trace … not found in Tempo"; unknown path 404 too', async () => {
    await rejects(tempo.getTrace('0123456789abcdef0123456789abcdef'), (e) => {
      assert.equal(e.status, 404);
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /^Trace 0123456789abcdef… not found in Tempo \(127\.0\.0\.1:\d+\)$/);
    });
    await rejects(tempo.getTraceV2('ffffffffffffffffffffffffffffffff'), (e) => assert.match(e.message, /not found in Tempo/));
  });

  it('HTML, invalid JSON, a Jaeger payload at a Tempo path → typed errors naming Tempo', async () => {
    srv.routes.set('/api/search', HTML);
    await rejects(tempo.search({ q: '{}' }), (e) => assert.match(e.message, /^Tempo answered HTML/));
    srv.routes.set('/api/search', json('{"traces": [}'));
    await rejects(tempo.search({ q: '{}' }), (e) => assert.equal(e.kind, 'not-json'));
    srv.routes.set('/api/search', json(fixtureText('jaeger', 'api_v3_services.json')));
    await rejects(tempo.search({ q: '{}' }), (e) => {
      assert.equal(e.kind, 'bad-payload');
      assert.match(e.message, /^Tempo answered an unexpected payload on \/api\/search/);
    });
    srv.routes.set('/api/search', { status: 401, body: 'no org id', type: 'text/plain' });
    await rejects(tempo.search({ q: '{}' }), (e) => {
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /^Tempo rejected the credentials \(401\)/);
    });
    srv.routes.set('/api/search', { status: 400, body: 'invalid TraceQL query', type: 'text/plain' });
    await rejects(tempo.search({ q: '{' }), (e) => {
      assert.equal(e.kind, 'http');
      assert.equal(e.status, 400);
    });
  });
});
