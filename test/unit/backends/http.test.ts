/**
 * Shared HTTP layer and Prometheus client plumbing against real loopback servers: path prefix (Mimir),
 * auth, tenant headers, TLS with a custom CA / explicit insecure opt-in, proxy, in-flight dedupe.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { BackendError } from '../../../src/backends/errors';
import { PrometheusClient } from '../../../src/backends/prometheus';

const TLS_DIR = join(__dirname, '../../fixtures/prometheus/tls');
const CA = readFileSync(join(TLS_DIR, 'ca.pem'), 'utf8');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const envelope = (data: unknown) => JSON.stringify({ status: 'success', data, warnings: ['partial answer'] });

function handler(seen: Seen[], opts: { delayUntil?: Promise<void> } = {}): http.RequestListener {
  return (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (opts.delayUntil) await opts.delayUntil;
      const u = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (u.pathname.endsWith('/api/v1/label/__name__/values')) {
        res.end(envelope(['up', 'http_requests_total']));
        return;
      }
      if (u.pathname.endsWith('/api/v1/labels')) {
        res.end(envelope(['__name__', 'job']));
        return;
      }
      if (u.pathname.endsWith('/api/v1/series')) {
        res.end(envelope([{ __name__: 'up', job: 'api' }]));
        return;
      }
      if (u.pathname.endsWith('/api/v1/metadata')) {
        res.end(envelope({ up: [{ type: 'gauge', help: 'Up', unit: '' }] }));
        return;
      }
      if (u.pathname.endsWith('/api/v1/alerts')) {
        res.end(
          envelope({
            alerts: [{ labels: { alertname: 'A' }, annotations: {}, state: 'firing', activeAt: '2026-01-01T00:00:00Z', value: '1' }],
          }),
        );
        return;
      }
      if (u.pathname.endsWith('/api/v1/query_exemplars')) {
        res.end(
          envelope([{ seriesLabels: { job: 'api' }, exemplars: [{ labels: { trace_id: 'abc' }, value: '0.5', timestamp: 1767225600.5 }] }]),
        );
        return;
      }
      if (u.pathname.endsWith('/api/v1/query_range')) {
        res.end(envelope({ resultType: 'matrix', result: [{ metric: {}, values: [[1767225600, '1']] }] }));
        return;
      }
      if (u.pathname.endsWith('/api/v1/query')) {
        res.end(envelope({ resultType: 'vector', result: [{ metric: {}, value: [1767225600, '1'] }] }));
        return;
      }
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain');
      res.end('404 page not found');
    });
  };
}

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}
async function close(s: http.Server) {
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}

describe('HTTP layer', () => {
  const seen: Seen[] = [];
  let srv: http.Server;
  let url: string;
  before(async () => {
    srv = http.createServer(handler(seen));
    url = `http://127.0.0.1:${await listen(srv)}`;
  });
  after(() => close(srv));

  it('a kept-alive connection the server dropped meanwhile (a restart) is retried on a fresh one', async () => {
    // Each connection serves one request; a second request on it finds the connection dropped, as after a restart.
    const served = new WeakSet<net.Socket>();
    const connections = new Set<net.Socket>();
    const restarted = http.createServer((req, res) => {
      if (served.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      handler([])(req, res);
    });
    restarted.on('connection', (c: net.Socket) => connections.add(c));
    const port = await listen(restarted);
    try {
      const prom = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}` });
      assert.equal((await prom.queryVector('up')).data.length, 1);
      assert.equal((await prom.queryVector('up')).data.length, 1, 'the second query succeeds on a new connection');
      assert.equal(connections.size, 2);
    } finally {
      await close(restarted);
    }
  });

  it('keeps a path prefix (Mimir /prometheus) and sends bearer auth and tenant headers', async () => {
    seen.length = 0;
    const c = new PrometheusClient({
      baseUrl: `${url}/prometheus/`,
      auth: { type: 'bearer', token: 's3cr3t-token' },
      headers: { 'X-Scope-OrgID': 'tenant-1' },
    });
    const r = await c.query('up', { time: 1767225600 });
    assert.deepEqual(r.warnings, ['partial answer']);
    assert.equal(seen[0]!.url, '/prometheus/api/v1/query');
    assert.equal(seen[0]!.method, 'POST');
    assert.equal(new URLSearchParams(seen[0]!.body).get('query'), 'up');
    assert.equal(new URLSearchParams(seen[0]!.body).get('time'), '1767225600');
    assert.equal(seen[0]!.headers.authorization, 'Bearer s3cr3t-token');
    assert.equal(seen[0]!.headers['x-scope-orgid'], 'tenant-1');
    assert.equal(c.graphUrl('up').split('?')[0], `${url}/prometheus/graph`);
  });

  it('sends basic auth, also from credentials embedded in the URL, and never puts secrets in errors', async () => {
    seen.length = 0;
    const c = new PrometheusClient({ baseUrl: `http://alice:pa%24%24@127.0.0.1:${new URL(url).port}` });
    await c.labels();
    assert.equal(seen[0]!.headers.authorization, `Basic ${Buffer.from('alice:pa$$').toString('base64')}`);
    const bad = new PrometheusClient({
      baseUrl: `http://alice:pa%24%24@127.0.0.1:${new URL(url).port}/nowhere`,
      auth: { type: 'bearer', token: 'tok-XYZ' },
    });
    const e = await bad.labelValues('job').catch((x: unknown) => x);
    assert.ok(e instanceof BackendError);
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 404);
    const dump = `${e.message} ${JSON.stringify(e)} ${String(e.stack)}`;
    for (const secret of ['pa$$', 'pa%24%24', 'tok-XYZ', 'alice']) assert.ok(!dump.includes(secret), `error leaks ${secret}: ${dump}`);
  });

  it('covers every API endpoint with typed results', async () => {
    const c = new PrometheusClient({ baseUrl: url });
    assert.deepEqual((await c.labelValues('__name__', { match: ['{job="api"}'] })).data, ['up', 'http_requests_total']);
    assert.deepEqual((await c.series(['up'])).data, [{ __name__: 'up', job: 'api' }]);
    assert.equal((await c.metadata({ metric: 'up' })).data.up![0]!.type, 'gauge');
    assert.equal((await c.alerts()).data[0]!.state, 'firing');
    assert.equal((await c.queryExemplars('x', { start: 0, end: 1 })).data[0]!.exemplars[0]!.labels.trace_id, 'abc');
    assert.equal((await c.queryRange('x', { start: 0, end: 60, step: 60 })).data[0]!.values[0]![1], '1');
    const lv = seen.find((s) => s.url.includes('/label/__name__/values'))!;
    assert.equal(new URL(lv.url, 'http://x').searchParams.getAll('match[]')[0], '{job="api"}');
  });

  it('shares identical in-flight requests; one caller cancelling does not cancel the others', async () => {
    const dseen: Seen[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = http.createServer(handler(dseen, { delayUntil: gate }));
    const port = await listen(slow);
    try {
      const c = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}` });
      const ctl = new AbortController();
      const a = c.query('up', { time: 5 });
      const b = c.query('up', { time: 5, signal: ctl.signal });
      const other = c.query('up', { time: 6 });
      ctl.abort();
      const eb = await b.catch((e: unknown) => e);
      assert.ok(eb instanceof BackendError && eb.kind === 'cancelled');
      release();
      const [ra, ro] = await Promise.all([a, other]);
      assert.equal(ra.data.resultType, 'vector');
      assert.equal(ro.data.resultType, 'vector');
      assert.equal(dseen.length, 2, 'time=5 sent once, time=6 once');
    } finally {
      await close(slow);
    }
  });

  it('goes through an explicit proxy (http.proxy style) and ignores environment proxies', async () => {
    const pseen: string[] = [];
    const proxy = http.createServer((req, res) => {
      pseen.push(req.url ?? '');
      const target = new URL(req.url ?? '');
      const up = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    const pport = await listen(proxy);
    try {
      const c = new PrometheusClient({ baseUrl: url, proxy: `http://127.0.0.1:${pport}` });
      assert.equal((await c.queryVector('up')).data.length, 1);
      assert.equal(pseen.length, 1);
      assert.equal(pseen[0], `${url}/api/v1/query`);
      const saved = process.env.HTTP_PROXY;
      process.env.HTTP_PROXY = `http://127.0.0.1:${pport}`;
      try {
        assert.equal((await new PrometheusClient({ baseUrl: url }).queryVector('up')).data.length, 1);
      } finally {
        if (saved === undefined) delete process.env.HTTP_PROXY;
        else process.env.HTTP_PROXY = saved;
      }
      assert.equal(pseen.length, 1, 'env proxy not used');
    } finally {
      await close(proxy);
    }
  });
});

describe('TLS', () => {
  let srv: https.Server;
  let url: string;
  before(async () => {
    srv = https.createServer(
      { key: readFileSync(join(TLS_DIR, 'server.key')), cert: readFileSync(join(TLS_DIR, 'server.pem')) },
      handler([]),
    );
    url = `https://127.0.0.1:${await listen(srv)}`;
  });
  after(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });

  it('rejects a certificate from an unknown CA with a short reason', async () => {
    const e = await new PrometheusClient({ baseUrl: url }).query('up').catch((x: unknown) => x);
    assert.ok(e instanceof BackendError);
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /^Prometheus unreachable at 127\.0\.0\.1:\d+ \(.*(certificate|CA).*\)$/);
  });

  it('accepts it with the custom CA (PEM contents)', async () => {
    assert.equal((await new PrometheusClient({ baseUrl: url, ca: CA }).queryVector('up')).data.length, 1);
  });

  it('tunnels HTTPS through a proxy (CONNECT) and still verifies with the custom CA', async () => {
    const tunnels: string[] = [];
    const sockets = new Set<net.Socket>();
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      sockets.add(client);
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const pport = await listen(proxy);
    try {
      const proxyUrl = `http://127.0.0.1:${pport}`;
      assert.equal((await new PrometheusClient({ baseUrl: url, ca: CA, proxy: proxyUrl }).queryVector('up')).data.length, 1);
      assert.deepEqual(tunnels, [new URL(url).host]);
      const e = await new PrometheusClient({ baseUrl: url, proxy: proxyUrl }).query('up').catch((x: unknown) => x);
      assert.ok(e instanceof BackendError && e.kind === 'unreachable', 'unknown CA still rejected through the proxy');
    } finally {
      for (const s of sockets) s.destroy(); // tunnels are detached from the HTTP server: close them here
      await close(proxy);
    }
  });

  it('accepts it with the explicit insecureSkipVerify opt-in', async () => {
    assert.equal((await new PrometheusClient({ baseUrl: url, insecureSkipVerify: true }).queryVector('up')).data.length, 1);
  });
});
