/**
 * Loki live tail against a loopback WebSocket server replaying frames in the recorded shape: headers, the
 * recorded frames, a dropped connection resumed without duplicate or lost lines, Loki's refusal text, giving up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../../../src/backends/errors';
import { LokiClient } from '../../../src/backends/loki';
import type { TailState } from '../../../src/backends/lokiTail';
import type { LokiTailFrame } from '../../../src/core/logs/loki';
import type { LogLine } from '../../../src/core/logs/model';
import { recordedTailFrame, startTailServer, tailFrame, type TailServer } from '../../support/lokiTail';

/** Collects what a tail delivers; `lines(n)` resolves once n lines have arrived. */
function collector() {
  const lines: LogLine[] = [];
  const frames: LokiTailFrame[] = [];
  const states: TailState[] = [];
  let want: { n: number; resolve: () => void } | undefined;
  let failed: (e: BackendError) => void = () => undefined;
  const error = new Promise<BackendError>((r) => (failed = r));
  return {
    lines,
    frames,
    states,
    error,
    onFrame: (f: LokiTailFrame) => {
      frames.push(f);
      lines.push(...f.lines);
      if (want && lines.length >= want.n) want.resolve();
    },
    onError: (e: BackendError) => failed(e),
    onState: (s: TailState) => states.push(s),
    waitLines: (n: number) => (lines.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (want = { n, resolve }))),
  };
}

describe('Loki live tail over WebSocket (loopback, recorded frame shapes)', () => {
  let srv: TailServer;
  before(async () => {
    srv = await startTailServer();
  });
  after(() => srv.close());

  it('sends query, start, limit, tenant, auth and categorize headers; parses the recorded frames', async () => {
    srv.refuse = undefined;
    const loki = new LokiClient({
      baseUrl: `${srv.url}/`,
      tenant: 'team-a',
      categorizeLabels: true,
      auth: { type: 'bearer', token: 's3cret' },
    });
    const c = collector();
    const tail = loki.tail({ query: '{test="test"}', start: 123456789000000000n, limit: 50, delayFor: 2, ...c });
    const conn = await srv.nextConnection();
    assert.equal(conn.query.get('query'), '{test="test"}');
    assert.equal(conn.query.get('start'), '123456789000000000');
    assert.equal(conn.query.get('limit'), '50');
    assert.equal(conn.query.get('delay_for'), '2');
    assert.equal(conn.headers['x-scope-orgid'], 'team-a');
    assert.equal(conn.headers['x-loki-response-encoding-flags'], 'categorize-labels');
    assert.equal(conn.headers.authorization, 'Bearer s3cret');
    await conn.send(recordedTailFrame('tail_frame.json'));
    await conn.send(recordedTailFrame('tail_frame_categorized.json'));
    await c.waitLines(5);
    assert.deepEqual(
      c.lines.map((l) => [l.tsNs, l.line]),
      [
        ['123456789012345', 'super line'],
        ['123456789012346', 'super line with labels'],
        ['123456789012345', 'super line'],
        ['123456789012346', 'super line with labels'],
        ['123456789012347', 'super line with labels msg=text'],
      ],
    );
    assert.deepEqual(c.frames[0]!.dropped, [{ tsNs: '123456789022345', labels: { test: 'test' } }]);
    assert.deepEqual(c.lines[4]!.structuredMetadata, { foo: 'a', bar: 'b' });
    assert.deepEqual(c.lines[4]!.parsed, { msg: 'text' });
    tail.close();
    await conn.closed;
    assert.deepEqual(c.states, ['connecting', 'live', 'closed']);
  });

  it('a dropped connection resumes from the last timestamp: no duplicate, no lost line', async () => {
    srv.refuse = undefined;
    const loki = new LokiClient({ baseUrl: srv.url });
    const c = collector();
    const ctl = new AbortController();
    loki.tail({ query: '{app="shop"}', signal: ctl.signal, reconnectDelaysMs: [1], ...c });
    const a = { app: 'shop', pod: 'a' };
    const b = { app: 'shop', pod: 'b' };
    const first = await srv.nextConnection();
    assert.equal(first.query.get('start'), null);
    await first.send(
      tailFrame([
        {
          stream: a,
          values: [
            ['1000', 'one'],
            ['2000', 'two'],
          ],
        },
        { stream: b, values: [['2000', 'two']] },
      ]),
    );
    await c.waitLines(3);
    first.drop();
    const second = await srv.nextConnection();
    // Loki's start is inclusive: the lines at 2000 come again, with one that had not arrived yet.
    assert.equal(second.query.get('start'), '2000');
    await second.send(
      tailFrame([
        {
          stream: a,
          values: [
            ['2000', 'two'],
            ['2000', 'two, late'],
            ['3000', 'three'],
          ],
        },
        { stream: b, values: [['2000', 'two']] },
      ]),
    );
    await c.waitLines(5);
    ctl.abort();
    await second.closed;
    assert.deepEqual(
      c.lines.map((l) => `${l.tsNs} ${l.labels.pod} ${l.line}`),
      ['1000 a one', '2000 a two', '2000 b two', '2000 a two, late', '3000 a three'],
    );
    assert.deepEqual(c.states, ['connecting', 'live', 'reconnecting', 'live', 'closed']);
  });

  it("a refused query stops with Loki's own text and is not retried", async () => {
    const text = 'parse error at line 1, col 2: syntax error: unexpected IDENTIFIER';
    srv.refuse = () => ({ status: 400, text });
    const n = srv.upgrades;
    const c = collector();
    new LokiClient({ baseUrl: srv.url }).tail({ query: '{app', reconnectDelaysMs: [1, 1], ...c });
    const e = await c.error;
    assert.equal(e.kind, 'api-error');
    assert.equal(e.message, `Loki error (400): ${text}`);
    assert.equal(srv.upgrades - n, 1);
    assert.equal(c.states.at(-1), 'closed');
  });

  it('503 on every attempt: bounded reconnections, then the last error', async () => {
    srv.refuse = () => ({ status: 503, text: 'too many outstanding requests' });
    const n = srv.upgrades;
    const c = collector();
    new LokiClient({ baseUrl: srv.url }).tail({ query: '{app="x"}', reconnectDelaysMs: [1, 1], ...c });
    const e = await c.error;
    assert.equal(e.message, 'Loki error (503): too many outstanding requests');
    assert.equal(srv.upgrades - n, 3);
    assert.deepEqual(c.states, ['connecting', 'reconnecting', 'reconnecting', 'closed']);
  });

  it('a frame that is not a tail frame ends the connection; with no retries left it is reported', async () => {
    srv.refuse = undefined;
    const c = collector();
    new LokiClient({ baseUrl: srv.url }).tail({ query: '{app="x"}', reconnectDelaysMs: [], ...c });
    const conn = await srv.nextConnection();
    await conn.send('{"status":"success"}');
    const e = await c.error;
    assert.equal(e.kind, 'bad-payload');
    assert.equal(c.lines.length, 0);
  });

  it('a consumer that throws stops the tail with an error instead of an uncaught exception', async () => {
    srv.refuse = undefined;
    const c = collector();
    new LokiClient({ baseUrl: srv.url }).tail({
      query: '{test="test"}',
      onFrame: () => {
        throw new Error('view disposed');
      },
      onError: c.onError,
    });
    const conn = await srv.nextConnection();
    await conn.send(recordedTailFrame('tail_frame.json'));
    const e = await c.error;
    assert.equal(e.message, 'Loki tail stopped: view disposed');
    await conn.closed;
  });
});
