/** `telemetry-lens metrics` end to end: real route scan + real Prometheus with the telemetry-lens data set. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';
import { freePort, startPrometheus, type PrometheusInstance } from '../../support/prometheus';
import { buildHistory, CASES, EVAL_TIME } from './datasets';

const APP = `const express = require('express');
const app = express();
app.get('/users/:id', (req, res) => res.json({}));
app.post('/users', (req, res) => res.json({}));
app.get('/health', (req, res) => res.send('ok'));
app.get('/idle', (req, res) => res.send('zzz'));
app.get('/orders/:orderId/items', (req, res) => res.json([]));
app.delete('/users/:id', (req, res) => res.sendStatus(204));
app.listen(3000);
`;

let prom: PrometheusInstance;
let ws: string;

before(async () => {
  ws = await mkdtemp(join(tmpdir(), 'tl-metrics-cli-'));
  await writeFile(join(ws, 'app.js'), APP);
  prom = await startPrometheus({ openMetrics: buildHistory() });
});
after(async () => {
  await prom?.stop();
  if (ws) await rm(ws, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (s) => out.push(s), err: (s) => err.push(s), cwd: ws };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('telemetry-lens metrics', () => {
  const tl = CASES.find((c) => c.convention === 'telemetry-lens')!;

  it('--json: the routes --json fields plus rate, errorRatio, p50, p99 (null without data)', async () => {
    const r = await run([
      'metrics',
      '.',
      '--prometheus',
      prom.url,
      '--service',
      'job="instrumented"',
      '--time',
      String(EVAL_TIME),
      '--json',
    ]);
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Array<Record<string, unknown>>;
    assert.equal(rows.length, tl.routes.length);
    for (const rc of tl.routes) {
      const row = rows.find((x) => x.fullPath === rc.path && (x.methods as string[]).includes(rc.method));
      assert.ok(row, `${rc.method} ${rc.path} listed`);
      assert.deepEqual(Object.keys(row).slice(-4), ['rate', 'errorRatio', 'p50', 'p99']);
      assert.equal(row.file, 'app.js');
      for (const k of ['rate', 'errorRatio', 'p50', 'p99'] as const) {
        const want = rc.expected[k];
        const got = row[k] as number | null;
        if (want === null) assert.equal(got, null, `${rc.path} ${k}`);
        else assert.ok(got !== null && Math.abs(got - want) < 1e-9, `${rc.path} ${k}: ${got} vs ${want}`);
      }
    }
  });

  it('prints a table with display units and the detected convention', async () => {
    const r = await run(['metrics', '.', '--prometheus', prom.url, '--service', 'job="instrumented"', '--time', String(EVAL_TIME)]);
    assert.equal(r.code, 0, r.err);
    const line = r.out.split('\n').find((l) => l.startsWith('GET') && l.includes('/users/:id'))!;
    assert.match(line, /^GET\s+\/users\/:id\s+10 req\/s\s+5%\s+37\.5 ms\s+833 ms\s+app\.js:3$/);
    assert.match(
      r.out.split('\n').find((l) => l.includes('/health'))!,
      /3 req\/min/,
    );
    assert.match(
      r.out.split('\n').find((l) => l.startsWith('DELETE'))!,
      /—\s+—\s+—\s+—/,
    );
    assert.match(
      r.out.split('\n').find((l) => l.includes('/idle'))!,
      /0 req\/s\s+—\s+—\s+—/,
    );
    assert.match(r.out, /6 routes, 5 with data · window 5m at 2026-01-01T01:30:00\.000Z/);
    assert.match(r.out, /convention: telemetry-lens — .*prefix "myapp_"/);
    assert.match(r.out, /series without a route in the code: GET \/metrics/);
  });

  it('exits 3 with a short message when Prometheus is unreachable', async () => {
    const port = await freePort();
    const r = await run(['metrics', '.', '--prometheus', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 3);
    assert.equal(r.err, `telemetry-lens metrics: Prometheus unreachable at 127.0.0.1:${port} (connection refused)`);
  });

  it('exits 3 when the URL points at something that is not the Prometheus API', async () => {
    const srv = http.createServer((_q, s) => s.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const r = await run(['metrics', '.', '--prometheus', `http://127.0.0.1:${(srv.address() as AddressInfo).port}`]);
      assert.equal(r.code, 3);
      assert.match(r.err, /Prometheus answered HTML, not the API/);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
    assert.equal((await run(['metrics', '.', '--prometheus', 'not a url'])).code, 3);
  });

  it('rejects bad options with usage errors', async () => {
    assert.equal((await run(['metrics', '.'])).code, 2);
    assert.equal((await run(['metrics', '.', '--prometheus', prom.url, '--window', 'five'])).code, 2);
    assert.equal((await run(['metrics', '.', '--prometheus', prom.url, '--convention', 'nope'])).code, 2);
    assert.equal((await run(['metrics', '.', '--prometheus', prom.url, '--time', 'yesterday'])).code, 2);
  });
});
