/**
 * Trust and hardening of the shared backend layer (issue 11): credentials bound to their origin, the
 * decompressed response cap (a gzip bomb stops early), no redirects carrying credentials elsewhere,
 * `http.noProxy`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { CredentialStore, originOf, secretKeyFor, type SecretStore } from '../../../src/backends/credentials';
import { BackendError } from '../../../src/backends/errors';
import { bypassesProxy } from '../../../src/backends/http';
import { PrometheusClient } from '../../../src/backends/prometheus';

class MemorySecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(k: string) {
    return this.map.get(k);
  }
  async store(k: string, v: string) {
    this.map.set(k, v);
  }
  async delete(k: string) {
    this.map.delete(k);
  }
}

const OK = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

describe('credentials are bound to the origin they were entered for', () => {
  it('normalises origins (default ports explicit, path and user info dropped)', () => {
    assert.equal(originOf('https://mimir.example.com/prometheus'), 'https://mimir.example.com:443');
    assert.equal(originOf('http://u:p@127.0.0.1:9090/x?y'), 'http://127.0.0.1:9090');
    assert.equal(originOf('ftp://x'), undefined);
    assert.equal(originOf('not a url'), undefined);
  });

  it('a URL whose origin has no stored secret gets none, even with auth configured', async () => {
    const store = new CredentialStore(new MemorySecrets());
    await store.set('https://prom.corp.example/prometheus', { token: 'user-token' });
    assert.deepEqual(await store.authFor('https://prom.corp.example/other', 'bearer'), { type: 'bearer', token: 'user-token' });
    assert.deepEqual(await store.authFor('https://evil.example', 'bearer'), { type: 'none' });
    assert.deepEqual(await store.authFor('https://prom.corp.example:8443', 'bearer'), { type: 'none' }, 'another port is another origin');
    assert.deepEqual(await store.authFor('http://prom.corp.example', 'bearer'), { type: 'none' }, 'http is not https');
    assert.deepEqual(await store.authFor('https://prom.corp.example', 'basic'), { type: 'none' }, 'a token is no basic auth');
  });

  it('migrates the old single secret to the user-level URL origin and deletes it', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set('telemetryLens.prometheus.credentials', JSON.stringify({ username: 'u', password: 'p' }));
    const store = new CredentialStore(secrets);
    assert.equal(await store.migrate('telemetryLens.prometheus.credentials', 'http://localhost:9090'), true);
    assert.equal(secrets.map.has('telemetryLens.prometheus.credentials'), false);
    assert.deepEqual(await store.authFor('http://localhost:9090/', 'basic'), { type: 'basic', username: 'u', password: 'p' });
    assert.equal(await store.migrate('telemetryLens.prometheus.credentials', 'http://localhost:9090'), false, 'only once');
    assert.deepEqual([...secrets.map.keys()], [secretKeyFor('http://localhost:9090')]);
  });

  it('an unreadable entry gives no credentials and a problem report, not an exception', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set(secretKeyFor('http://localhost:9090'), '{not json');
    const problems: string[] = [];
    const store = new CredentialStore(secrets, (m) => problems.push(m));
    assert.deepEqual(await store.authFor('http://localhost:9090', 'bearer'), { type: 'none' });
    assert.equal(problems.length, 1);
  });
});

describe('response size cap', () => {
  let bomb: { server: http.Server; url: string };
  /** Uncompressed bytes the bomb server produced before the client hung up. */
  let produced = 0;
  let bombing = true;
  const TOTAL = 1024 * 1024 * 1024; // 1 GiB of zeros, about 1 MiB gzipped

  before(async () => {
    bomb = await listen((req, res) => {
      req.resume();
      if (!bombing) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(OK);
        return;
      }
      produced = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const zeros = new Readable({
        read() {
          if (produced >= TOTAL) {
            this.push(null);
            return;
          }
          produced += chunk.length;
          this.push(chunk);
        },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      zeros.pipe(zlib.createGzip()).pipe(res);
      res.on('close', () => zeros.destroy());
    });
  });
  after(() => bomb.server.close());

  it('a gzip bomb stops early with a too-large error, and the next call succeeds', async () => {
    const client = new PrometheusClient({ baseUrl: bomb.url, maxResponseBytes: 2 * 1024 * 1024, timeoutMs: 60_000 });
    const heapBefore = process.memoryUsage().heapUsed;
    await assert.rejects(client.query('bomb'), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.kind, 'too-large');
      assert.match(e.message, /more than 2 MiB.*telemetryLens\.http\.maxResponseMB/);
      return true;
    });
    assert.ok(produced < 256 * 1024 * 1024, `the server produced only ${produced} of ${TOTAL} bytes before the client stopped`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024, 'the body was never buffered whole');
    bombing = false;
    assert.deepEqual((await client.query('up')).data, { resultType: 'vector', result: [] });
  });
});

describe('list calls carry a limit', () => {
  it('series, labels and label values ask for at most 10,000 entries (callers may ask for fewer)', async () => {
    const seen: string[] = [];
    const srv = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: [] }));
      });
    });
    try {
      const client = new PrometheusClient({ baseUrl: srv.url });
      await client.series(['up']);
      await client.labels();
      await client.labelValues('job');
      await client.labelValues('job', { limit: 5 });
      assert.deepEqual(
        seen.map((s) => /limit=(\d+)/.exec(s)?.[1]),
        ['10000', '10000', '10000', '5'],
      );
    } finally {
      srv.server.close();
    }
  });
});

describe('redirects and proxies', () => {
  it('never follows a redirect: credentials and custom headers stay with the configured origin', async () => {
    const seenByOther: http.IncomingHttpHeaders[] = [];
    const other = await listen((req, res) => {
      seenByOther.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(OK);
    });
    const redirecting = await listen((req, res) => res.writeHead(302, { location: `${other.url}${req.url}` }).end());
    try {
      const client = new PrometheusClient({
        baseUrl: redirecting.url,
        auth: { type: 'bearer', token: 's3cret' },
        headers: { 'X-Scope-OrgID': 't1' },
      });
      await assert.rejects(
        client.query('up'),
        (e: unknown) => e instanceof BackendError && e.kind === 'http' && e.status === 302 && !e.message.includes('s3cret'),
      );
      assert.equal(seenByOther.length, 0);
    } finally {
      other.server.close();
      redirecting.server.close();
    }
  });

  it('http.noProxy entries bypass the proxy (exact host, domain suffix, wildcard)', () => {
    assert.equal(bypassesProxy('prom.corp', ['prom.corp']), true);
    assert.equal(bypassesProxy('a.b.corp', ['.corp']), true);
    assert.equal(bypassesProxy('a.b.corp', ['*.corp']), true);
    assert.equal(bypassesProxy('corp', ['.corp']), true);
    assert.equal(bypassesProxy('evilcorp', ['.corp']), false);
    assert.equal(bypassesProxy('127.0.0.1', ['127.0.0.1:9090']), true);
    assert.equal(bypassesProxy('x.example', ['*']), true);
    assert.equal(bypassesProxy('x.example', []), false);
  });

  it('a host in noProxy is reached directly even with a proxy set', async () => {
    const direct = await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(OK));
    try {
      // The proxy address refuses connections: only a direct request can succeed.
      const client = new PrometheusClient({ baseUrl: direct.url, proxy: 'http://127.0.0.1:9', noProxy: ['127.0.0.1'] });
      assert.deepEqual((await client.query('up')).data, { resultType: 'vector', result: [] });
    } finally {
      direct.server.close();
    }
  });
});
