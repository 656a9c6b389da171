/**
 * Hostile-input figures (issue 11): a gzip bomb against the response cap (how much is decompressed and
 * how much memory grows before the request stops), route-template matching on a long label value, and reading the
 * loads of a repository file made of one long run of whitespace after `from`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { PrometheusClient } from '../src/backends/prometheus';
import { matchPathToTemplate } from '../src/core/metrics/routeTemplates';
import { jsModuleLoads } from '../src/core/routes/jsLoads';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

async function gzipBomb(): Promise<BenchResult[]> {
  let produced = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    produced = 0;
    const zeros = new Readable({
      read() {
        if (produced >= 1024 ** 3) return void this.push(null);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    zeros.pipe(zlib.createGzip()).pipe(res);
    res.on('close', () => zeros.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new PrometheusClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 120_000 });
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  await client.query('up').catch(() => undefined);
  const ms = performance.now() - t0;
  clearInterval(sampler);
  server.close();
  return [
    { name: 'hardening.gzip_bomb_decompressed_before_stop', value: Math.round(produced / 1024 / 1024), unit: 'MiB of 1024' },
    { name: 'hardening.gzip_bomb_rss_growth', value: Math.round((peak - rss0) / 1024 / 1024), unit: 'MiB' },
    { name: 'hardening.gzip_bomb_ms', value: Math.round(ms), unit: 'ms' },
  ];
}

function longLabelValue(): BenchResult[] {
  const value = `/tiles/${'1-'.repeat(30_000)}`;
  const t0 = performance.now();
  matchPathToTemplate(value, '/tiles/{z}-{x}-{y}.png');
  return [{ name: 'hardening.match_60k_char_label_value_ms', value: Math.round((performance.now() - t0) * 100) / 100, unit: 'ms' }];
}

/** A hostile repository file: `from` and 200,000 spaces (quadratic in the first version: 0.4 s at 20,000). */
function longWhitespaceFile(): BenchResult[] {
  const text = `from${' '.repeat(200_000)}x`;
  const t0 = performance.now();
  jsModuleLoads(text, '/w/a.js');
  return [{ name: 'hardening.module_loads_200k_whitespace_ms', value: Math.round((performance.now() - t0) * 100) / 100, unit: 'ms' }];
}

export async function benchHardening(): Promise<BenchResult[]> {
  return [...(await gzipBomb()), ...longLabelValue(), ...longWhitespaceFile()];
}
