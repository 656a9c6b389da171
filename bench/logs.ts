/**
 * Log figures (issue 13): Loki live-tail throughput through the client (WebSocket, frame parsing, trace-id and
 * level extraction, resume bookkeeping) from a loopback server sending frames in the recorded tail shape.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LokiClient } from '../src/backends/loki';
import { startTailServer, tailFrame, type Entry } from '../test/support/lokiTail';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

const FRAMES = 400;
const LINES_PER_FRAME = 250;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

export async function benchLogs(): Promise<BenchResult[]> {
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
