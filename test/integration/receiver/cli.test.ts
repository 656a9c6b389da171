/**
 * INTEGRATION (builds and runs a child process): `telemetry-lens receiver` from the esbuild bundle
 * (dist/cli.js, as shipped, run from a folder without node_modules): prints one line per listener with the real ports, receives what the real SDK
 * exports over gRPC, answers the Jaeger query API, and exits 0 on SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { JaegerClient } from '../../../src/backends/jaeger';
import type { Listener } from '../../../src/backends/receiver/receiver';
import { sendTrace, traceExporter } from '../../support/receiver/sdk';
import { tempDir } from '../../support/tempTree';

const ROOT = path.resolve(__dirname, '../../..');

describe('telemetry-lens receiver (bundled CLI, child process)', () => {
  let child: ChildProcess;
  let stderr = '';
  const lines: string[] = [];
  before(async () => {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    // Run the bundle from a folder without node_modules, as an installed extension runs it.
    const dir = tempDir('tl-receiver-cli-');
    fs.copyFileSync(path.join(ROOT, 'dist/cli.js'), path.join(dir, 'cli.js'));
    child = spawn(
      process.execPath,
      [path.join(dir, 'cli.js'), 'receiver', '--grpc-port', '0', '--http-port', '0', '--query-port', '0', '--max-spans', '1000'],
      { cwd: dir },
    );
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const rl = readline.createInterface({ input: child.stdout! });
    for await (const line of rl) {
      lines.push(line);
      if (lines.length === 3) break;
    }
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints one line per listener with the real port, round-trips the SDK spans, exits 0 on SIGTERM', async () => {
    assert.equal(lines.length, 3, stderr);
    assert.match(lines[0], /^OTLP\/gRPC\s+127\.0\.0\.1:(\d+) {2}\(OTLP exporter endpoint http:\/\/127\.0\.0\.1:\d+\)$/);
    assert.match(lines[1], /^OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:(\d+) {2}\(POST \/v1\/traces, \/v1\/logs\)$/);
    assert.match(lines[2], /^Jaeger query API\s+http:\/\/127\.0\.0\.1:(\d+) /);
    const url = (l: string) => /http:\/\/127\.0\.0\.1:\d+/.exec(l)![0];
    const listeners: Listener[] = [
      { kind: 'grpc', host: '127.0.0.1', port: 0, url: url(lines[0]) },
      { kind: 'http', host: '127.0.0.1', port: 0, url: url(lines[1]) },
      { kind: 'query', host: '127.0.0.1', port: 0, url: url(lines[2]) },
    ];
    for (const l of listeners) assert.notEqual(new URL(l.url).port, '0');

    const sent = await sendTrace(traceExporter('grpc', listeners), 'cli-service');
    const traceId = sent[0].spanContext().traceId;
    const trace = await new JaegerClient({ baseUrl: listeners[2].url }).getTraceV3(traceId);
    assert.deepEqual(trace.spans.map((s) => s.spanId).sort(), sent.map((s) => s.spanContext().spanId).sort());
    // 64-bit times survive the bundle exactly (protobufjs is handed `long` explicitly; a double would round
    // this one to ...352).
    const ns = '1795925756260100421';
    const one = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'exact', startTimeUnixNano: ns, endTimeUnixNano: ns };
    const posted = await fetch(`${listeners[1].url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [one] }] }] }),
    });
    assert.equal(posted.status, 200);
    const doc = (await (await fetch(`${listeners[2].url}/api/v3/traces/${one.traceId}`)).json()) as {
      result: { resourceSpans: { scopeSpans: { spans: { startTimeUnixNano: string }[] }[] }[] };
    };
    assert.equal(doc.result.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano, ns);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.match(stderr, /^SIGTERM: stopped \(5 spans in 2 traces stored, 0 evicted, 0 log records\)\n$/);
  });
});
