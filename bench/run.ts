/**
 * `npm run bench`: prints one JSON object per line, `{"name", "value", "unit"}`. Targets are in the
 * README; nothing here asserts a timing.
 *   - extension.* : bundle sizes, and activate() time measured in the real extension host (code-server)
 *   - routes.*    : detector speed on 20,000-line files, a 1,000-file workspace index, peak memory
 *   - metrics.*   : HTTP requests per refresh for 10/100/1,000 routes (constant), refresh latency and CPU
 *   - receiver.*  : built-in OTLP receiver ingest rate (real SDK exporters, gRPC and HTTP/protobuf), memory at the span budget
 *   - hardening.* : a gzip bomb against the response cap, route matching on a 60,000-character label value
 *   - instrument.*: files opened and time locating the Python helper for each of 200 files of a service, twice
 *   - waterfall.* : trace waterfall first render, longest task while scrolling and search at 10k/100k spans, real Chromium
 *   - logs.*      : Loki live-tail throughput through the client (loopback WebSocket, recorded frame shape); the logs
 *                   panel rendering, filtering and tailing 100,000 lines in real Chromium
 * `npm run bench -- routes` runs only the groups whose name is given.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchHardening } from './hardening';
import { benchInstrument } from './instrument';
import { benchLogs } from './logs';
import { benchMetrics } from './metrics';
import { benchReceiver } from './receiver';
import { benchRoutes } from './routes';
import { benchWaterfall } from './waterfall';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const root = path.resolve(__dirname, '..');
const emit = (r: BenchResult): void => console.log(JSON.stringify(r));

async function benchExtension(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const f of ['dist/extension.js', 'dist/cli.js']) {
    out.push({ name: `extension.bundle_bytes.${path.basename(f, '.js')}`, value: fs.statSync(path.join(root, f)).size, unit: 'bytes' });
  }
  const wasm = fs.readdirSync(path.join(root, 'dist/wasm')).reduce((n, f) => n + fs.statSync(path.join(root, 'dist/wasm', f)).size, 0);
  out.push({ name: 'extension.wasm_bytes', value: wasm, unit: 'bytes' });
  // Activation in the real extension host: run the activation e2e test in code-server, read what it measured.
  const results = path.join(root, 'test-results/e2e');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/launcher/run-code-server.ts'], {
    cwd: root,
    env: { ...process.env, E2E_GREP: 'activates and registers' },
    encoding: 'utf8',
  });
  const file = path.join(results, 'activation.json');
  if (r.status === 0 && fs.existsSync(file)) {
    const { activationMs } = JSON.parse(fs.readFileSync(file, 'utf8')) as { activationMs: number };
    out.push({ name: 'extension.activation_ms', value: Math.round(activationMs * 10) / 10, unit: 'ms' });
  } else {
    process.stderr.write(`activation measurement failed (exit ${r.status}):\n${r.stderr.slice(-2000)}\n`);
  }
  return out;
}

const groups: Record<string, () => Promise<BenchResult[]>> = {
  extension: benchExtension,
  routes: benchRoutes,
  metrics: benchMetrics,
  receiver: benchReceiver,
  hardening: benchHardening,
  instrument: benchInstrument,
  waterfall: benchWaterfall,
  logs: benchLogs,
};

(async () => {
  const only = process.argv.slice(2);
  for (const [name, run] of Object.entries(groups)) {
    if (only.length && !only.includes(name)) continue;
    for (const r of await run()) emit(r);
  }
})().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
