/**
 * LokiClient against a loopback server answering the recorded Loki payloads (and the generated
 * trace-id-bearing categorized streams): paths, parameters, tenant and categorize-labels headers, faults.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../../../src/backends/errors';
import { LokiClient } from '../../../src/backends/loki';
import { fixtureText, lokiStreamsWithTraceIds, TRACE_ID } from '../traces/helpers';
import { HTML, json, startServer, type TestServer } from '../traces/server';
import { lokiSeries } from '../logs/helpers';

async function rejects(p: Promise<unknown>, check: (e: BackendError) => void) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    check(e);
    return true;
  });
}

describe('LokiClient (recorded payloads over loopback HTTP)', () => {
  let srv: TestServer;
  let loki: LokiClient;
  before(async () => {
    srv = await startServer('/loki-gw');
    // Categorized answer only when the client asked for it, like Loki.
    srv.routes.set('/loki/api/v1/query_range', (req) =>
      req.query.get('step')
        ? json(fixtureText('loki', 'query_range_matrix.json'))
        : req.headers['x-loki-response-encoding-flags'] === 'categorize-labels'
          ? json(JSON.stringify(lokiStreamsWithTraceIds().doc))
          : json(fixtureText('loki', 'query_range_streams.json')),
    );
    srv.routes.set('/loki/api/v1/query', json(fixtureText('loki', 'query_vector.json')));
    srv.routes.set('/loki/api/v1/labels', json(fixtureText('loki', 'labels_minimal.json')));
    srv.routes.set('/loki/api/v1/label/job/values', json(fixtureText('loki', 'labels_minimal.json')));
    srv.routes.set('/loki/api/v1/series', json(JSON.stringify(lokiSeries())));
    loki = new LokiClient({ baseUrl: srv.url, tenant: 'tenant-1', categorizeLabels: true, retryDelaysMs: [] });
  });
  after(() => srv.close());

  it('query_range with categorize-labels + tenant headers → lines with trace ids', async () => {
    const r = await loki.queryRange({
      query: '{app="shop"} |= "x"',
      start: new Date('2026-01-01T00:00:00Z'),
      end: 1767229200000000000n,
      limit: 100,
    });
    assert.equal(r.resultType, 'streams');
    if (r.resultType !== 'streams') return;
    assert.equal(r.lines.length, 7);
    assert.equal(r.lines.filter((l) => l.traceId === TRACE_ID).length, 5);
    const req = srv.seen.filter((s) => s.path === '/loki/api/v1/query_range').at(-1)!;
    assert.equal(req.headers['x-scope-orgid'], 'tenant-1');
    assert.equal(req.headers['x-loki-response-encoding-flags'], 'categorize-labels');
    assert.equal(req.query.get('start'), '1767225600000000000');
    assert.equal(req.query.get('end'), '1767229200000000000');
    assert.equal(req.query.get('limit'), '100');
    assert.equal(req.query.get('direction'), 'backward');
  });

  it('without categorize-labels: plain streams, no encoding header; metric query → matrix', async () => {
    const plain = new LokiClient({ baseUrl: srv.url });
    const r = await plain.queryRange({ query: '{test="test"}', direction: 'forward' });
    assert.equal(r.resultType === 'streams' && r.lines.map((l) => l.tsNs).join(), '123456789012345,123456789012346');
    const req = srv.seen.at(-1)!;
    assert.equal(req.headers['x-loki-response-encoding-flags'], undefined);
    assert.equal(req.headers['x-scope-orgid'], undefined);
    const m = await plain.queryRange({ query: 'rate({job="varlogs"}[5m])', step: '15s', start: '2019-09-13T19:50:00Z' });
    assert.equal(m.resultType, 'matrix');
    assert.equal(srv.seen.at(-1)!.query.get('start'), '2019-09-13T19:50:00Z');
    await plain.queryRange({ query: 'rate({job="varlogs"}[1m])', step: 60, start: 1568404331.324, end: 1568404391 });
    assert.equal(srv.seen.at(-1)!.query.get('start'), '1568404331324000000');
    assert.equal(srv.seen.at(-1)!.query.get('end'), '1568404391000000000');
    assert.equal(srv.seen.at(-1)!.query.get('step'), '60');
  });

  it('instant query, labels, label values, series', async () => {
    const v = await loki.query({ query: 'sum by (filename) (rate({job="varlogs"}[10m]))', time: 1568404331324000000n });
    assert.equal(v.resultType === 'vector' && v.series.length, 2);
    assert.equal(srv.seen.at(-1)!.query.get('time'), '1568404331324000000');
    assert.deepEqual(await loki.labels(), ['label1', 'test', 'value']);
    assert.deepEqual(await loki.labelValues('job', { query: '{app="x"}' }), ['label1', 'test', 'value']);
    const s = await loki.series(['{job="varlogs"}', '{test="test"}']);
    assert.deepEqual(s, lokiSeries().data);
    assert.equal(s.length, 3);
    assert.deepEqual(srv.seen.at(-1)!.query.getAll('match[]'), ['{job="varlogs"}', '{test="test"}']);
  });

  it('faults: 400 text, HTML, invalid JSON, wrong payload, unknown path → typed errors naming Loki', async () => {
    // Loki answers a LogQL parse error as text/plain 400: its text is the message, verbatim.
    const parseError = 'parse error at line 1, col 7: syntax error: unexpected IDENTIFIER, expecting STRING';
    srv.routes.set('/loki/api/v1/labels', { status: 400, body: `${parseError}\n`, type: 'text/plain; charset=utf-8' });
    await rejects(loki.labels(), (e) => {
      assert.equal(e.kind, 'api-error');
      assert.equal(e.status, 400);
      assert.equal(e.message, `Loki error (400): ${parseError}`);
    });
    srv.routes.set('/loki/api/v1/labels', HTML);
    await rejects(loki.labels(), (e) => assert.match(e.message, /^Loki answered HTML/));
    srv.routes.set('/loki/api/v1/labels', json('{"status":"success","data":['));
    await rejects(loki.labels(), (e) => assert.equal(e.kind, 'not-json'));
    srv.routes.set('/loki/api/v1/labels', json(fixtureText('loki', 'query_vector.json')));
    await rejects(loki.labels(), (e) => {
      assert.equal(e.kind, 'bad-payload');
      assert.match(e.message, /^Loki answered an unexpected payload on \/loki\/api\/v1\/labels/);
    });
    await rejects(loki.labelValues('nope'), (e) => {
      assert.equal(e.status, 404);
      assert.match(e.message, /^Loki answered HTTP 404 Not Found \(127\.0\.0\.1:\d+\/loki-gw\/loki\/api\/v1\/label\/nope\/values\)$/);
    });
  });

  it('429 and 5xx are retried (bounded), then the last error; 400 is not retried', async () => {
    const retrying = new LokiClient({ baseUrl: srv.url, retryDelaysMs: [1, 1] });
    const answers = [
      { status: 429, body: 'too many outstanding requests', type: 'text/plain' },
      { status: 503, body: 'upstream connect error', type: 'text/plain' },
    ];
    srv.routes.set('/loki/api/v1/labels', () => answers.shift() ?? json(fixtureText('loki', 'labels_minimal.json')));
    const before = srv.seen.length;
    assert.deepEqual(await retrying.labels(), ['label1', 'test', 'value']);
    assert.equal(srv.seen.length - before, 3);

    srv.routes.set('/loki/api/v1/labels', { status: 500, body: 'rpc error: code = Unavailable', type: 'text/plain' });
    const n = srv.seen.length;
    await rejects(retrying.labels(), (e) => assert.equal(e.message, 'Loki error (500): rpc error: code = Unavailable'));
    assert.equal(srv.seen.length - n, 3);

    srv.routes.set('/loki/api/v1/labels', {
      status: 400,
      body: 'queries require at least one regexp or equality matcher',
      type: 'text/plain',
    });
    const m = srv.seen.length;
    await rejects(retrying.labels(), (e) => assert.equal(e.kind, 'api-error'));
    assert.equal(srv.seen.length - m, 1);
  });

  it('cancelling during the backoff stops the retries with a cancelled error', async () => {
    const slow = new LokiClient({ baseUrl: srv.url, retryDelaysMs: [60_000] });
    let answered!: () => void;
    const first = new Promise<void>((r) => (answered = r));
    srv.routes.set('/loki/api/v1/labels', () => {
      answered();
      return { status: 503, body: 'busy', type: 'text/plain' };
    });
    const ctl = new AbortController();
    const done = slow.labels({ signal: ctl.signal });
    await first;
    ctl.abort();
    await rejects(done, (e) => assert.equal(e.kind, 'cancelled'));
  });
});
