/**
 * Log figures (issue 13): Loki live-tail throughput through the client (WebSocket, frame parsing, trace-id and
 * level extraction, resume bookkeeping) from a loopback server sending frames in the recorded tail shape; the
 * view model in Node; the logs panel in real Chromium (bench/logsPanel.ts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LokiClient } from '../src/backends/loki';
import { makeLogLine } from '../src/core/logs/model';
import { filterLines, volumeByLevel } from '../src/core/logs/view';
import { startTailServer, tailFrame, type Entry } from '../test/support/lokiTail';
import { benchLogsPanel } from './logsPanel';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const FRAMES = 400;
const LINES_PER_FRAME = 250;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The view model over 100,000 lines in Node (filter with highlights, volume histogram): the part before rendering. */
function benchViewModel(): BenchResult[] {
  const levels = ['info', 'warn', 'error', 'debug'];
  const lines = Array.from({ length: 100_000 }, (_, i) =>
    makeLogLine(
      (1767225600000000000n + BigInt(i) * 1_000_000n).toString(),
      `level=${levels[i % 4]} msg="GET /cart/${i} 200" trace_id=${TRACE}`,
      { app: 'shop' },
    ),
  );
  let t0 = performance.now();
  const hits = filterLines(lines, 'cart/7').length;
  const filterMs = performance.now() - t0;
  t0 = performance.now();
  volumeByLevel(lines, lines[0]!.tsNs, (BigInt(lines.at(-1)!.tsNs) + 1n).toString(), 120);
  const volumeMs = performance.now() - t0;
  return [
    { name: 'logs.view_filter_100k_ms', value: Math.round(filterMs * 10) / 10, unit: 'ms' },
    { name: 'logs.view_filter_100k_hits', value: hits, unit: 'lines' },
    { name: 'logs.view_volume_100k_ms', value: Math.round(volumeMs * 10) / 10, unit: 'ms' },
  ];
}

export async function benchLogs(): Promise<BenchResult[]> {
  return [...(await benchTail()), ...benchViewModel(), ...(await benchLogsPanel())];
}

async function benchTail(): Promise<BenchResult[]> {
  const srv = await startTailServer();
  try {
    const frames: string[] = [];
    let ns = 1767225600000000000n;
    for (let f = 0; f < FRAMES; f++) {
      const values: Entry[] = [];
      for (let i = 0; i < LINES_PER_FRAME; i++) {
        ns += 1000n;
        values.push([
          ns.toString(),
          `level=info msg="GET /cart/${i} 200" trace_id=${TRACE} span_id=00f067aa0ba902b7 duration_ms=${i % 97}`,
        ]);
      }
      frames.push(tailFrame([{ stream: { app: 'shop', pod: `shop-${f % 3}` }, values }]));
    }
    const total = FRAMES * LINES_PER_FRAME;
    let got = 0;
    let done!: () => void;
    let fail!: (e: Error) => void;
    const finished = new Promise<void>((resolve, reject) => {
      done = resolve;
      fail = reject;
    });
    const tail = new LokiClient({ baseUrl: srv.url }).tail({
      query: '{app="shop"}',
      onFrame: (fr) => {
        got += fr.lines.filter((l) => l.traceId === TRACE).length;
        if (got >= total) done();
      },
      onError: fail,
    });
    const conn = await srv.nextConnection();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t0 = performance.now();
    for (const f of frames) await conn.send(f);
    await finished;
    const secs = (performance.now() - t0) / 1000;
    delay.disable();
    tail.close();
    return [
      { name: 'logs.tail_lines_per_s', value: Math.round(total / secs), unit: 'lines/s' },
      { name: 'logs.tail_lines_total', value: total, unit: 'lines' },
      // Server and client share this process: the longest stall of the event loop while 100,000 lines arrive.
      { name: 'logs.tail_max_event_loop_delay_ms', value: Math.round(delay.max / 1e5) / 10, unit: 'ms' },
    ];
  } finally {
    await srv.close();
  }
}
