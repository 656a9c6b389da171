/**
 * INTEGRATION (starts servers): what the receiver answers to bad input — malformed, truncated, oversized and
 * gzip-bomb bodies over OTLP/HTTP (status and google.rpc.Status body per the OTLP spec), malformed and
 * oversized gRPC messages, the budget of uploads in flight, partial success, DNS rebinding refused, a port in use, the span budget with eviction, and the query API's
 * Jaeger-shaped errors and filters.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import * as zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import generated from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { BackendError } from '../../../src/backends/errors';
import { JaegerClient } from '../../../src/backends/jaeger';
import { decodeStatusProtobuf, grpcMethod } from '../../../src/backends/receiver/protobuf';
import { PortInUseError, Receiver, type Listener } from '../../../src/backends/receiver/receiver';
import { main } from '../../../src/cli/main';
import { sendMany, traceExporter } from '../../support/receiver/sdk';

type Msg = {
  encode(o: object): { finish(): Uint8Array };
  fromObject(o: object): object;
  decode(b: Uint8Array): object;
  toObject(m: object, o: object): Record<string, unknown>;
};
const collector = (generated as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, Msg> } } } } })
  .opentelemetry.proto.collector.trace.v1;

const LIMIT = 64 * 1024;

/** An OTLP/JSON span in the spec's encoding (hex ids, int64 as strings). */
function jsonSpan(traceId: string, spanId: string, name: string, startNs = 1_700_000_000_000_000_000n, durNs = 5_000_000n) {
  return {
    traceId,
    spanId,
    name,
    kind: 2,
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(startNs + durNs),
    attributes: [{ key: 'http.route', value: { stringValue: `/${name}` } }],
  };
}
const jsonRequest = (service: string, spans: object[]) => ({
  resourceSpans: [
    { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] },
  ],
});
const tid = (n: number) => n.toString(16).padStart(32, '0');
const sid = (n: number) => n.toString(16).padStart(16, '0');

interface Reply {
  status: number;
  type: string;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

/** POST; `end: false` leaves the request body open and resolves on the (early) response. */
function post(url: string, body: Buffer | string, headers: Record<string, string | number>, end = true): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/v1/traces`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks),
          headers: res.headers,
        });
        req.destroy();
      });
    });
    req.on('error', reject);
    if (body.length) req.write(body);
    else req.flushHeaders();
    if (end) req.end();
  });
}
const PB = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

function grpcCall(address: string, body: Buffer): Promise<{ code: number; details: string; response?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      grpcMethod('traces'),
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      (err, response) => {
        client.close();
        resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '', response });
      },
    );
  });
}

describe('receiver faults', () => {
  const receiver = new Receiver({ grpcPort: 0, httpPort: 0, queryPort: 0, maxRequestBytes: LIMIT, maxSpans: 50 });
  let at: Record<Listener['kind'], string>;
  before(async () => {
    const ls = await receiver.start();
    at = Object.fromEntries(ls.map((l) => [l.kind, l.url])) as typeof at;
  });
  after(() => receiver.stop());

  it('a protobuf body that does not decode: 400 with a protobuf google.rpc.Status INVALID_ARGUMENT', async () => {
    const r = await post(at.http, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), PB);
    assert.equal(r.status, 400);
    assert.equal(r.type, 'application/x-protobuf');
    const st = decodeStatusProtobuf(r.body);
    assert.equal(st.code, 3);
    assert.match(st.message, /cannot decode the OTLP protobuf traces request/);
  });

  it('a truncated protobuf request: 400, nothing stored', async () => {
    const full = Buffer.from(
      collector.ExportTraceServiceRequest.encode(
        collector.ExportTraceServiceRequest.fromObject({
          resourceSpans: [
            { scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 7), spanId: Buffer.alloc(8, 7), name: 'cut-off-span-name' }] }] },
          ],
        }),
      ).finish(),
    );
    const r = await post(at.http, full.subarray(0, full.length - 6), PB);
    assert.equal(r.status, 400);
    assert.equal(decodeStatusProtobuf(r.body).code, 3);
    assert.equal(receiver.store.getTrace('07'.repeat(16)), undefined);
  });

  it('malformed JSON, and JSON of the wrong shape: 400 with a JSON google.rpc.Status', async () => {
    for (const body of [
      '{"resourceSpans": [',
      '{"resourceSpans": {"not": "a list"}}',
      JSON.stringify(jsonRequest('s', [{ traceId: 'zz-not-hex', spanId: sid(1) }])),
    ]) {
      const r = await post(at.http, body, JSON_TYPE);
      assert.equal(r.status, 400, body);
      assert.equal(r.type, 'application/json');
      const st = JSON.parse(r.body.toString()) as { code: number; message: string };
      assert.equal(st.code, 3);
      assert.match(st.message, /cannot decode the OTLP json traces request/);
    }
  });

  it('a corrupt gzip body: 400', async () => {
    const gz = zlib.gzipSync(JSON.stringify(jsonRequest('s', [])));
    const r = await post(at.http, gz.subarray(0, gz.length - 8), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    assert.equal(r.status, 400);
    assert.match((JSON.parse(r.body.toString()) as { message: string }).message, /gzip/);
  });

  it('an unsupported content type or encoding: 415; another path: 404; GET: 405', async () => {
    assert.equal((await post(at.http, '{}', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(at.http, '{}', { ...JSON_TYPE, 'content-encoding': 'br' })).status, 415);
    assert.equal((await fetch(`${at.http}/v1/metrics`, { method: 'POST', body: '{}', headers: JSON_TYPE })).status, 404);
    assert.equal((await fetch(`${at.http}/v1/traces`)).status, 405);
  });

  it('on loopback, a request for another host name is refused (DNS rebinding)', async () => {
    const statusFor = (url: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(url, { headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
    assert.equal(await statusFor(`${at.query}/api/v3/services`, 'attacker.example:16686'), 403);
    assert.equal(await statusFor(`${at.http}/v1/traces`, 'attacker.example'), 403);
    assert.equal(await statusFor(`${at.query}/api/v3/services`, `localhost:${new URL(at.query).port}`), 200);
    assert.equal(await statusFor(`${at.query}/api/v3/services`, `[::1]:${new URL(at.query).port}`), 200);
  });

  it('a declared Content-Length over the limit: 413 before any body byte is sent', async () => {
    const r = await post(at.http, '', { ...PB, 'content-length': LIMIT + 1 }, false);
    assert.equal(r.status, 413);
    assert.equal(decodeStatusProtobuf(r.body).code, 8);
    assert.match(decodeStatusProtobuf(r.body).message, new RegExp(`limit of ${LIMIT} bytes`));
  });

  it('a chunked body crossing the limit: 413 as soon as it does, while the client is still sending', async () => {
    const r = await post(at.http, Buffer.alloc(LIMIT + 1), PB, false);
    assert.equal(r.status, 413);
  });

  it('a gzip bomb: cut off once the inflated size passes the limit, before the compressed body has even ended', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(256 * LIMIT), { level: 9 }); // 16 MiB of zeros in ~16 KiB
    assert.ok(bomb.length < LIMIT / 2, `the compressed bomb (${bomb.length} B) fits the wire limit`);
    const r = await post(at.http, bomb.subarray(0, bomb.length >> 1), { ...JSON_TYPE, 'content-encoding': 'gzip' }, false);
    assert.equal(r.status, 413);
    assert.match((JSON.parse(r.body.toString()) as { message: string }).message, /after decompression/);
  });

  it('uploads in flight are bounded together: past the budget 503 with Retry-After, room again once they finish', async () => {
    const r = new Receiver({ grpcPort: null, httpPort: 0, queryPort: null, maxRequestBytes: LIMIT, maxInflightBytes: LIMIT });
    const url = (await r.start())[0].url;
    try {
      // A declares a body of the whole budget; once the server has sent 100 Continue, its reservation is held.
      const a = http.request(`${url}/v1/traces`, {
        method: 'POST',
        headers: { ...JSON_TYPE, 'content-length': LIMIT, expect: '100-continue' },
      });
      const aStatus = new Promise<number>((resolve, reject) => {
        a.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        a.on('error', reject);
      });
      a.flushHeaders();
      await once(a, 'continue');
      const b = await post(url, JSON.stringify(jsonRequest('b', [])), JSON_TYPE);
      assert.equal(b.status, 503);
      assert.equal(b.headers['retry-after'], '1');
      assert.equal((JSON.parse(b.body.toString()) as { code: number }).code, 14);
      a.end(Buffer.alloc(LIMIT, 0x20)); // whitespace only: not an OTLP request
      assert.equal(await aStatus, 400);
      assert.equal((await post(url, JSON.stringify(jsonRequest('c', [])), JSON_TYPE)).status, 200);
    } finally {
      await r.stop();
    }
  });

  it('partial success: spans without valid ids are rejected and counted, the rest stored', async () => {
    const body = JSON.stringify(
      jsonRequest('partial', [
        jsonSpan(tid(0xa1), sid(1), 'ok-span'),
        jsonSpan('', sid(2), 'no-trace-id'),
        jsonSpan(tid(0xa2), sid(0), 'zero-span-id'),
      ]),
    );
    const r = await post(at.http, body, JSON_TYPE);
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(doc.partialSuccess.rejectedSpans, '2');
    assert.match(doc.partialSuccess.errorMessage, /2 span\(s\) without a valid trace id/);
    assert.equal(receiver.store.getTrace(tid(0xa1))?.spans.length, 1);
    // The same over protobuf: the response decodes as an ExportTraceServiceResponse.
    const pb = collector.ExportTraceServiceRequest.encode(
      collector.ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: Buffer.alloc(16, 0xb1), spanId: Buffer.alloc(8, 1), name: 'x' },
                  { traceId: Buffer.alloc(3), spanId: Buffer.alloc(8, 2), name: 'y' },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const r2 = await post(at.http, Buffer.from(pb), PB);
    assert.equal(r2.status, 200);
    const resp = collector.ExportTraceServiceResponse.toObject(collector.ExportTraceServiceResponse.decode(r2.body), { longs: String });
    assert.equal((resp.partialSuccess as { rejectedSpans: string }).rejectedSpans, '1');
  });

  it('gRPC: a message that does not decode is INVALID_ARGUMENT; one over the limit RESOURCE_EXHAUSTED', async () => {
    const address = at.grpc.replace('http://', '');
    const bad = await grpcCall(address, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    assert.match(bad.details, /cannot decode the OTLP traces request/);
    const big = await grpcCall(address, Buffer.alloc(LIMIT + 1));
    assert.equal(big.code, grpc.status.RESOURCE_EXHAUSTED);
    const empty = await grpcCall(address, Buffer.alloc(0));
    assert.equal(empty.code, grpc.status.OK);
  });

  it('the span budget: the least recently updated traces are evicted whole and counted', async () => {
    const before = receiver.store.stats();
    await sendMany(traceExporter('http/protobuf', receiver.listeners), 'evict', 30, 5);
    const s = receiver.store.stats();
    assert.ok(s.spans <= 50, `spans ${s.spans} within the budget`);
    assert.equal(s.spans % 5, 0, 'whole traces only');
    assert.equal(s.droppedSpans - before.droppedSpans + s.spans - before.spans, 150);
    const jaeger = new JaegerClient({ baseUrl: at.query });
    const kept = await jaeger.findTracesV3({
      service: 'evict',
      start: new Date(Date.now() - 3600_000),
      end: new Date(Date.now() + 60_000),
      limit: 100,
    });
    const roots = kept.map((t) => t.spans.find((x) => x.spanId === t.rootSpanId)!.attributes.i);
    assert.deepEqual(roots, [29, 28, 27, 26, 25, 24, 23, 22, 21, 20], 'the newest ten traces, newest first');
  });

  it('one trace larger than the whole budget keeps its first spans and rejects the rest (partial success)', async () => {
    const spans = Array.from({ length: 60 }, (_, i) => jsonSpan(tid(0xc1), sid(i + 1), `s${i}`));
    const r = await post(at.http, JSON.stringify(jsonRequest('huge', spans)), JSON_TYPE);
    const doc = JSON.parse(r.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(doc.partialSuccess.rejectedSpans, '10');
    assert.match(doc.partialSuccess.errorMessage, /span budget of 50/);
    assert.equal(receiver.store.getTrace(tid(0xc1))?.spans.length, 50);
  });
});

describe('receiver query API: Jaeger api_v3 errors and filters', () => {
  const receiver = new Receiver({ grpcPort: null, httpPort: 0, queryPort: 0 });
  let q: string;
  const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
  before(async () => {
    const ls = await receiver.start();
    q = ls.find((l) => l.kind === 'query')!.url;
    const spans = [
      jsonSpan(tid(1), sid(1), 'fast', T0, 2_000_000n),
      jsonSpan(tid(2), sid(2), 'slow', T0 + 60_000_000_000n, 900_000_000n),
      {
        ...jsonSpan(tid(3), sid(3), 'failing', T0 + 120_000_000_000n, 10_000_000n),
        attributes: [{ key: 'http.response.status_code', value: { intValue: '500' } }],
      },
    ];
    const r = await post(ls.find((l) => l.kind === 'http')!.url, JSON.stringify(jsonRequest('api', spans)), JSON_TYPE);
    assert.equal(r.status, 200);
  });
  after(() => receiver.stop());

  const get = async (path: string) => {
    const r = await fetch(`${q}${path}`);
    return { status: r.status, text: await r.text() };
  };
  const ids = (text: string) =>
    (JSON.parse(text) as { result: { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] } }).result.resourceSpans.flatMap(
      (r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId)),
    );
  const WINDOW = 'query.service_name=api&query.start_time_min=2023-11-14T22:00:00Z&query.start_time_max=2023-11-14T23:00:00.000000000Z';

  it('no trace: 404 with Jaeger error JSON, and JaegerClient reports "not found"', async () => {
    const r = await get(`/api/v3/traces/${tid(99)}`);
    assert.equal(r.status, 404);
    assert.equal(r.text, '{"error":{"httpCode":404,"message":"No traces found"}}\n');
    await assert.rejects(
      new JaegerClient({ baseUrl: q }).getTraceV3(tid(99)),
      (e: unknown) => e instanceof BackendError && e.kind === 'not-found',
    );
  });

  it('malformed parameters: 400 naming the parameter, like Jaeger', async () => {
    assert.deepEqual(await get('/api/v3/traces?query.service_name=api'), {
      status: 400,
      text: '{"error":{"httpCode":400,"message":"query.start_time_min and query.start_time_max are required"}}\n',
    });
    assert.match((await get(`/api/v3/traces?${WINDOW}&query.duration_min=fast`)).text, /malformed parameter query.duration_min/);
    assert.match((await get(`/api/v3/traces?${WINDOW}&query.search_depth=many`)).text, /malformed parameter query.search_depth/);
    assert.match((await get('/api/v3/traces/not-a-trace-id')).text, /malformed parameter trace_id/);
    assert.match((await get(`/api/v3/traces/${tid(1)}?start_time=yesterday`)).text, /malformed parameter start_time/);
  });

  it('filters: time window, operation, duration, attributes, search depth; short ids are left-padded', async () => {
    assert.deepEqual(ids((await get(`/api/v3/traces?${WINDOW}`)).text), [tid(3), tid(2), tid(1)]);
    assert.deepEqual(ids((await get(`/api/v3/traces?${WINDOW}&query.search_depth=2`)).text), [tid(3), tid(2)]);
    assert.deepEqual(ids((await get(`/api/v3/traces?${WINDOW}&query.num_traces=1`)).text), [tid(3)]);
    assert.deepEqual(ids((await get(`/api/v3/traces?${WINDOW}&query.operation_name=slow`)).text), [tid(2)]);
    assert.deepEqual(ids((await get(`/api/v3/traces?${WINDOW}&query.duration_min=5ms&query.duration_max=0.5s`)).text), [tid(3)]);
    assert.deepEqual(
      ids((await get(`/api/v3/traces?${WINDOW}&query.attributes=${encodeURIComponent('{"http.response.status_code":"500"}')}`)).text),
      [tid(3)],
    );
    const narrow = 'query.service_name=api&query.start_time_min=2023-11-14T22:14:00Z&query.start_time_max=2023-11-14T22:14:30%2B00:00';
    assert.deepEqual(ids((await get(`/api/v3/traces?${narrow}`)).text), [tid(2)]);
    assert.equal((await get(`/api/v3/traces?${WINDOW.replace('api', 'other')}`)).status, 404);
    assert.deepEqual(ids((await get('/api/v3/traces/2')).text), [tid(2)]);
  });

  it('services and operations, with span kinds', async () => {
    assert.deepEqual(JSON.parse((await get('/api/v3/services')).text), { services: ['api'] });
    assert.deepEqual(JSON.parse((await get('/api/v3/operations?service=api&span_kind=server')).text), {
      operations: [
        { name: 'failing', spanKind: 'server' },
        { name: 'fast', spanKind: 'server' },
        { name: 'slow', spanKind: 'server' },
      ],
    });
    assert.deepEqual(JSON.parse((await get('/api/v3/operations?service=api&span_kind=client')).text), { operations: [] });
  });
});

describe('a port in use', () => {
  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
  const occupy = (port: number) =>
    new Promise<net.Server>((resolve) => {
      const s = net.createServer().listen(port, '127.0.0.1', () => resolve(s));
    });

  it('names the listener, and the listeners already opened are closed again', async () => {
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    const busy = await occupy(0);
    const queryPort = (busy.address() as net.AddressInfo).port;
    const r = new Receiver({ grpcPort, httpPort, queryPort });
    await assert.rejects(r.start(), (e: unknown) => e instanceof PortInUseError && e.listener === 'query' && e.port === queryPort);
    assert.deepEqual(r.listeners, []);
    // gRPC and HTTP had started first: their ports are free again.
    const again = await Promise.all([occupy(grpcPort), occupy(httpPort)]);
    for (const s of [busy, ...again]) s.close();
  });

  it('the CLI exits 3 and names the flag to change', async () => {
    const busy = await occupy(0);
    const port = (busy.address() as net.AddressInfo).port;
    const err: string[] = [];
    const code = await main(['receiver', '--grpc-port', '0', '--http-port', String(port), '--query-port', '0'], {
      out: () => undefined,
      err: (s) => err.push(s),
      cwd: process.cwd(),
    });
    busy.close();
    assert.equal(code, 3);
    assert.equal(
      err.join(''),
      `telemetry-lens receiver: OTLP/HTTP port ${port} on 127.0.0.1 is already in use: pass --http-port <port> (0 for any free port)`,
    );
  });
});
