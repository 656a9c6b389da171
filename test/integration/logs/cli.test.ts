/**
 * `telemetry-lens logs` end to end against a loopback Loki answering the recorded payloads (and streams
 * generated in the recorded categorized shape): --json lines, trace ids, time range, tenant, exit code 3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';
import { fixture, fixtureText, lokiStreamsWithTraceIds, TRACE_ID } from '../../unit/traces/helpers';
import { json, startServer, type TestServer } from '../../unit/traces/server';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, out, err: err.join('\n') };
}

type Streams = { data: { result: { stream: Record<string, string>; values: unknown[][] }[] } };

/** The generated trace-id streams plus an md5 under another name, ANSI and a bidi override, oldest first. */
function streamsDoc(): string {
  const { doc } = lokiStreamsWithTraceIds();
  const s = (doc as unknown as Streams).data.result[0]!;
  const ts0 = BigInt(s.values.at(-1)![0] as string);
  s.values.push([(ts0 - 1n).toString(), 'upload ok md5=9e107d9d372bb6826bd81d3542a419d6 \u001b[31mred\u001b[0m \u202eevil', {}]);
  s.values.reverse(); // Loki may send any stream order: the CLI prints newest first anyway
  return JSON.stringify(doc);
}

describe('telemetry-lens logs', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    srv.routes.set('/loki/api/v1/query_range', json(streamsDoc()));
  });
  after(() => srv.close());

  it('--json: one object per line, newest first, ns timestamps, trace ids only from trace keys', async () => {
    const r = await run(['logs', '{app="shop"}', '--loki', srv.url, '--since', '30m', '--limit', '20', '--tenant', 'team-a', '--json']);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.map((l) => JSON.parse(l) as { ts: string; labels: Record<string, string>; line: string; traceId: string | null });
    assert.equal(rows.length, 8);
    const ts = rows.map((x) => BigInt(x.ts));
    assert.ok(
      ts.every((t, i) => i === 0 || t < ts[i - 1]!),
      'newest first',
    );
    assert.deepEqual(Object.keys(rows[0]!), ['ts', 'labels', 'line', 'traceId']);
    assert.deepEqual(
      rows.map((x) => x.traceId),
      [TRACE_ID, TRACE_ID, TRACE_ID, TRACE_ID, TRACE_ID, null, null, null],
    );
    assert.equal(rows[0]!.labels.trace_id, TRACE_ID);
    const last = rows.at(-1)!;
    assert.equal(last.line, 'upload ok md5=9e107d9d372bb6826bd81d3542a419d6 [31mred[0m evil');
    const req = srv.seen.at(-1)!;
    assert.equal(req.headers['x-scope-orgid'], 'team-a');
    assert.equal(req.query.get('limit'), '20');
    assert.equal(req.query.get('direction'), 'backward');
    const span = BigInt(req.query.get('end')!) - BigInt(req.query.get('start')!);
    assert.equal(span, 30n * 60n * 1_000_000_000n);
  });

  it('--from/--to are sent as ns; text output has the RFC 3339 time, labels and the line', async () => {
    srv.routes.set('/loki/api/v1/query_range', json(fixtureText('loki', 'query_range_streams.json')));
    const r = await run([
      'logs',
      '{test="test"}',
      '--loki',
      srv.url,
      '--from',
      '2026-01-01T10:00:00.5Z',
      '--to',
      '2026-01-01T12:00:00+01:00',
    ]);
    assert.equal(r.code, 0, r.err);
    const req = srv.seen.at(-1)!;
    assert.equal(req.query.get('start'), '1767261600500000000');
    assert.equal(req.query.get('end'), '1767265200000000000');
    const recorded = fixture<Streams>('loki', 'query_range_streams.json').data.result[0]!;
    assert.equal(r.out.length, recorded.values.length);
    assert.equal(r.out[0], `1970-01-02T10:17:36.789012346Z  {test="test"}  ${recorded.values[1]![1] as string}`);
  });

  it('usage errors exit 2 without a request', async () => {
    const n = srv.seen.length;
    for (const argv of [
      ['logs', '{a="b"}'],
      ['logs', '{a="b"}', '--loki', srv.url, '--since', '1h', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T01:00:00Z'],
      ['logs', '{a="b"}', '--loki', srv.url, '--from', '2026-01-01T00:00:00Z'],
      ['logs', '{a="b"}', '--loki', srv.url, '--since', 'yesterday'],
      ['logs', '{a="b"}', '--loki', srv.url, '--limit', '0'],
    ]) {
      assert.equal((await run(argv)).code, 2, argv.join(' '));
    }
    assert.equal(srv.seen.length, n);
  });

  it("exit 3 with one line holding Loki's own text; exit 3 when Loki is unreachable", async () => {
    const text = 'parse error at line 1, col 1: syntax error: unexpected IDENTIFIER';
    srv.routes.set('/loki/api/v1/query_range', { status: 400, body: `${text}\n`, type: 'text/plain; charset=utf-8' });
    const bad = await run(['logs', 'app="shop"', '--loki', srv.url]);
    assert.equal(bad.code, 3);
    assert.equal(bad.err, `telemetry-lens logs: Loki error (400): ${text}`);
    assert.deepEqual(bad.out, []);

    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await run(['logs', '{app="shop"}', '--loki', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 3);
    assert.match(down.err, /^telemetry-lens logs: Loki unreachable at 127\.0\.0\.1:\d+ \(connection refused\)$/);
  });
});
