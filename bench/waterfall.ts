/**
 * Trace waterfall bench in real Chromium (playwright-core + the system Chromium, as the e2e launcher uses), the
 * production webview bundle (dist/webview/waterfall.js) and the shipped CSS, at 10,000 and 100,000 spans
 * (the recorded HotROD trace replicated in its recorded shape, then the host's waterfallModel):
 *   - waterfall.first_render_ms.<n>: from posting the trace message to the first frame painted after it
 *   - waterfall.scroll_longest_task_ms.<n>: longest main-thread task while scrolling (200 wheel-sized steps,
 *     then 100 jumps to random places), from the Long Tasks API (0 when no task reached its 50 ms threshold)
 *   - waterfall.scroll_longest_frame_ms.<n>: longest gap between two animation frames while scrolling
 *   - waterfall.search_ms.<n>: typing a query that matches 13 spans per copy, to the next frame
 *   - waterfall.dom_rows.<n>: rows in the DOM after scrolling (virtualization: constant)
 *   - waterfall.first_render_cpu_ms.<n>, waterfall.scroll_longest_task_cpu_ms.<n>: the same first render and
 *     scroll run again under a Chromium performance trace, as main-thread CPU time (the trace's thread time):
 *     what the page itself costs, apart from the time a loaded machine leaves it waiting for a core
 *   - waterfall.host_model_ms.<n>, waterfall.host_model_cpu_ms.<n>: the extension host's share before posting
 *     (parsing the backend's JSON answer, the trace model, the rows and insights), wall and process CPU time
 *   - waterfall.loadavg_1m: the machine's load average when the bench started (wall times depend on it)
 */
import * as os from 'node:os';
import type { Page } from 'playwright-core';
import { parseOtlpTrace } from '../src/core/traces/otlp';
import { waterfallModel } from '../src/core/traces/waterfall';
import { fixture, replicateOtlpTrace } from '../test/unit/traces/helpers';
import type { HostToWaterfall } from '../src/webview/protocol/waterfall';
import type { BenchResult } from './receiver';
import { launchChromium, openWebview } from './webviewPage';

// The webview API stand-in (records what the app posts, keeps its state) and the measurements.
const STUB = `
window.posted = []; let state;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });
const frame = () => new Promise((r) => requestAnimationFrame(r));
window.benchFirstRender = async () => {
  const t0 = performance.now();
  window.postMessage(window.msg, '*');
  while (!document.body.dataset.rendered) await new Promise((r) => setTimeout(r, 0));
  await frame();
  return performance.now() - t0;
};
window.benchScroll = async () => {
  let longest = 0;
  new PerformanceObserver((l) => l.getEntries().forEach((e) => (longest = Math.max(longest, e.duration)))).observe({ type: 'longtask' });
  const el = document.getElementById('rows');
  let last = await frame();
  let gap = 0;
  const step = async (top) => { el.scrollTop = top; const t = await frame(); gap = Math.max(gap, t - last); last = t; };
  for (let i = 0; i < 200; i++) await step(el.scrollTop + 120);
  let seed = 7;
  for (let i = 0; i < 100; i++) await step(((seed = (seed * 48271) % 2147483647) / 2147483647) * el.scrollHeight);
  await frame();
  return { longest, gap, rows: document.querySelectorAll('.wf-row').length };
};
window.benchSearch = async (q) => {
  const input = document.getElementById('search');
  const t0 = performance.now();
  input.value = q;
  input.dispatchEvent(new Event('input'));
  await frame();
  return performance.now() - t0;
};`;

/** The panel's message for a trace of `copies` × 40 spans, and the host's time to build it from the JSON answer. */
function message(copies: number): { msg: HostToWaterfall; hostMs: number; hostCpuMs: number } {
  const base = fixture<Parameters<typeof replicateOtlpTrace>[0]>('jaeger', 'otlp_hotrod_40_spans_3_errors.json');
  const answer = JSON.stringify(replicateOtlpTrace(base, copies).doc);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = parseOtlpTrace(JSON.parse(answer));
  if (!r.ok) throw new Error(r.error);
  const m = waterfallModel(r.value);
  const hostMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const msg: HostToWaterfall = { type: 'trace', state: { backend: 'local', traceId: m.data.traceId }, trace: m.data, canOpenUi: false };
  return { msg, hostMs, hostCpuMs: (cpu.user + cpu.system) / 1000 };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Runs `script` in the page under a Chromium performance trace; returns its result and the renderer main thread's tasks. */
async function traced<T>(page: Page, script: string): Promise<{ result: T; tasks: { wallMs: number; cpuMs: number }[] }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  const result = (await page.evaluate(script)) as T;
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask')
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
  return { result, tasks };
}

export async function benchWaterfall(): Promise<BenchResult[]> {
  const out: BenchResult[] = [{ name: 'waterfall.loadavg_1m', value: Math.round(os.loadavg()[0] * 100) / 100, unit: 'load' }];
  const browser = await launchChromium();
  try {
    for (const spans of [10_000, 100_000]) {
      const page = await openWebview(browser, 'waterfall', STUB);
      const { msg, hostMs, hostCpuMs } = message(spans / 40);
      // The message crosses into the page first (as postMessage would bring it), then the clock starts.
      await page.evaluate((m) => ((globalThis as unknown as { msg: unknown }).msg = m), msg);
      // In-page code is plain text (STUB): the bench runs through tsx, whose helpers do not exist in the page.
      const first = (await page.evaluate('benchFirstRender()')) as number;
      const scroll = (await page.evaluate('benchScroll()')) as { longest: number; gap: number; rows: number };
      const searchMs = (await page.evaluate('benchSearch("GetDriver")')) as number;
      // Again under a performance trace, for the CPU time the page spends (a new render of the same message).
      await page.evaluate('delete document.body.dataset.rendered');
      const firstCpu = (await traced<number>(page, 'benchFirstRender()')).tasks.reduce((t, x) => t + x.cpuMs, 0);
      const scrollCpu = Math.max(0, ...(await traced(page, 'benchScroll()')).tasks.map((x) => x.cpuMs));
      const r1 = (x: number) => Math.round(x * 10) / 10;
      out.push(
        { name: `waterfall.first_render_ms.${spans}`, value: r1(first), unit: 'ms' },
        { name: `waterfall.scroll_longest_task_ms.${spans}`, value: r1(scroll.longest), unit: 'ms' },
        { name: `waterfall.scroll_longest_frame_ms.${spans}`, value: r1(scroll.gap), unit: 'ms' },
        { name: `waterfall.search_ms.${spans}`, value: r1(searchMs), unit: 'ms' },
        { name: `waterfall.dom_rows.${spans}`, value: scroll.rows, unit: 'rows' },
        { name: `waterfall.first_render_cpu_ms.${spans}`, value: r1(firstCpu), unit: 'ms' },
        { name: `waterfall.scroll_longest_task_cpu_ms.${spans}`, value: r1(scrollCpu), unit: 'ms' },
        { name: `waterfall.host_model_ms.${spans}`, value: r1(hostMs), unit: 'ms' },
        { name: `waterfall.host_model_cpu_ms.${spans}`, value: r1(hostCpuMs), unit: 'ms' },
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}
