/**
 * Faults against real local servers on loopback: each gives a typed BackendError with a short message,
 * never an unhandled rejection, and a later call succeeds once the server is healthy again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendError } from '../../../src/backends/errors';
import { PrometheusClient } from '../../../src/backends/prometheus';
import { startPrometheus, type PrometheusInstance } from '../../support/prometheus';

type Mode = 'ok' | 'hang' | '500' | 'html' | 'badjson' | 'apierror' | '401' | '403' | 'badpayload' | 'proxy502';

const OK_BODY = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { job: 'api' }, value: [1767225600, '1'] }] },
});

let mode: Mode = 'ok';
let server: http.Server;
let base: string;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = http.createServer((req, res) => {
    req.resume();
    switch (mode) {
      case 'ok':
        res.writeHead(200, { 'content-type': 'application/json' }).end(OK_BODY);
        return;
      case 'hang':
        return; // never answers
      case '500':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case 'proxy502':
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
        return;
      case 'html':
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><html><head><title>Prometheus Time Series Collection and Processing Server</title></head></html>');
        return;
      case 'badjson':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":');
        return;
      case 'apierror':
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:14: parse error: unexpected "}"' }));
        return;
      case '401':
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic' }).end('Unauthorized');
        return;
      case '403':
        res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
        return;
      case 'badpayload':
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: 'nope' } }));
        return;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'no unhandled rejections');
});

async function failure(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BackendError, `expected BackendError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

function client(extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}) {
  return new PrometheusClient({ baseUrl: base, timeoutMs: 2000, ...extra });
}

describe('Prometheus client faults (local servers)', () => {
  const cases: Array<{ mode: Mode; kind: BackendError['kind']; message: RegExp; status?: number; timeoutMs?: number }> = [
    {
      mode: '500',
      kind: 'http',
      status: 500,
      message: /^Prometheus answered HTTP 500 Internal Server Error \(127\.0\.0\.1:\d+\/api\/v1\/query\)$/,
    },
    { mode: 'proxy502', kind: 'http', status: 502, message: /^Prometheus answered HTTP 502 Bad Gateway/ },
    {
      mode: 'html',
      kind: 'not-json',
      message: /^Prometheus answered HTML, not the API — is the URL pointing at the UI or a proxy login page\?$/,
    },
    { mode: 'badjson', kind: 'not-json', message: /^Prometheus answered invalid JSON/ },
    {
      mode: 'apierror',
      kind: 'api-error',
      status: 400,
      message: /^Prometheus rejected the query \(bad_data\): 1:14: parse error: unexpected "}"$/,
    },
    {
      mode: '401',
      kind: 'auth',
      status: 401,
      message: /^Prometheus rejected the credentials \(401\) — run Telemetry Lens: Set Prometheus Credentials$/,
    },
    {
      mode: '403',
      kind: 'auth',
      status: 403,
      message: /^Prometheus denied access \(403\) — run Telemetry Lens: Set Prometheus Credentials$/,
    },
    { mode: 'badpayload', kind: 'bad-payload', message: /unexpected payload on \/api\/v1\/query/ },
    { mode: 'hang', kind: 'timeout', message: /^Prometheus did not answer within 300 ms \(127\.0\.0\.1:\d+\)$/, timeoutMs: 300 },
  ];
  for (const c of cases) {
    it(`${c.mode} → ${c.kind}, and the same client works once the server is fixed`, async () => {
      const prom = client(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {});
      mode = c.mode;
      const e = await failure(prom.query('up', { time: 1767225600 }));
      assert.equal(e.kind, c.kind);
      assert.match(e.message, c.message);
      if (c.status !== undefined) assert.equal(e.status, c.status);
      if (c.mode === 'apierror') assert.equal(e.errorType, 'bad_data');
      mode = 'ok';
      const ok = await prom.queryVector('up', { time: 1767225600 });
      assert.deepEqual(ok.data[0]!.metric, { job: 'api' });
    });
  }

  it('cancelling through an AbortSignal gives kind "cancelled"', async () => {
    mode = 'hang';
    const prom = client({ timeoutMs: 60_000 });
    const ctl = new AbortController();
    const p = prom.query('up', { signal: ctl.signal });
    ctl.abort();
    const e = await failure(p);
    assert.equal(e.kind, 'cancelled');
    mode = 'ok';
    assert.equal((await prom.queryVector('up')).data.length, 1);
  });

  it('an invalid URL is reported without a request', () => {
    assert.throws(
      () => new PrometheusClient({ baseUrl: 'localhost:9090' }),
      (e: unknown) => e instanceof BackendError && /must start with http/.test(e.message),
    );
  });
});

describe('Prometheus stopped, then back (real Prometheus)', () => {
  let prom: PrometheusInstance;
  before(async () => {
    prom = await startPrometheus();
  });
  after(async () => {
    await prom?.stop();
  });

  it('connection refused → unreachable with host:port; succeeds after restart', async () => {
    const c = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 5000 });
    assert.equal((await c.query('1+1')).data.resultType, 'scalar');
    await prom.kill();
    const e = await failure(c.query('1+1'));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.message, `Prometheus unreachable at 127.0.0.1:${prom.port} (connection refused)`);
    assert.equal(e.code, 'ECONNREFUSED');
    await prom.start();
    const r = await c.query('1+1');
    assert.deepEqual(r.data, { resultType: 'scalar', result: [r.data.result[0], '2'] });
  });

  it('a bad query on the real server → api-error bad_data', async () => {
    const c = new PrometheusClient({ baseUrl: prom.url });
    const e = await failure(c.query('sum(rate(x[5m])'));
    assert.equal(e.kind, 'api-error');
    assert.equal(e.errorType, 'bad_data');
    assert.match(e.message, /^Prometheus rejected the query \(bad_data\): /);
  });
});
