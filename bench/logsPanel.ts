/**
 * Logs panel bench in real Chromium (playwright-core + the system Chromium, as the e2e launcher uses), the
 * production webview bundle (dist/webview/logs.js) and the shipped CSS, 100,000 lines in the shape of the
 * recorded Loki streams (logfmt lines with a trace id, four levels):
 *   - logs.panel_first_render_ms: from posting the answer (in the host's chunks) to the first frame painted after it
 *   - logs.panel_filter_ms: typing a filter that matches 1 line in 10, to the next frame (once the panel has
 *     prepared its search text in idle slices after the answer, as it has by the time a user types)
 *   - logs.panel_longest_task_ms: longest main-thread task over render, filter and scrolling (Long Tasks API;
 *     0 when none reached its 50 ms threshold)
 *   - logs.panel_tail_lines_per_s / logs.panel_tail_longest_task_ms: 100,000 more lines arriving as live-tail
 *     batches of 1,000 (what the host posts every 100 ms), each painted before the next
 *   - logs.panel_dom_rows: rows in the DOM (virtualization: constant)
 */
import { makeLogLine, type LogLine } from '../src/core/logs/model';
import type { HostToLogs } from '../src/webview/protocol/logs';
import { DEFAULT_LOGS_STATE, linesMessages } from '../src/webview/protocol/logs';
import type { BenchResult } from './receiver';
import { launchChromium, openWebview } from './webviewPage';

// The webview API stand-in and the measurements (plain in-page JS: the bench runs through tsx).
const STUB = `
window.posted = []; let state; window.longest = 0;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });
new PerformanceObserver((l) => l.getEntries().forEach((e) => (window.longest = Math.max(window.longest, e.duration)))).observe({ type: 'longtask' });
const frame = () => new Promise((r) => requestAnimationFrame(r));
window.benchPost = async (m, key) => {
  const t0 = performance.now();
  window.postMessage(m, '*');
  while (document.body.dataset[key] === window.lastMark) await new Promise((r) => setTimeout(r, 0));
  window.lastMark = document.body.dataset[key];
  await frame();
  return performance.now() - t0;
};
window.benchAnswer = async () => {
  const t0 = performance.now();
  for (const m of window.answer) window.postMessage(m, '*');
  while (!document.body.dataset.rendered) await new Promise((r) => setTimeout(r, 0));
  await frame();
  return performance.now() - t0;
};
window.benchFilter = async (q) => {
  const input = document.getElementById('filter');
  // A user types once the list shows; by then the panel has prepared the search text in idle slices.
  while (document.body.dataset.warm !== 'true') await new Promise((r) => setTimeout(r, 10));
  const t0 = performance.now();
  input.value = q;
  input.dispatchEvent(new Event('input'));
  await frame();
  return performance.now() - t0;
};
window.benchScroll = async () => {
  const el = document.getElementById('lines');
  for (let i = 0; i < 200; i++) { el.scrollTop += 400; await frame(); }
  return document.querySelectorAll('.log-row').length;
};
window.benchTail = async () => {
  window.longest = 0;
  const t0 = performance.now();
  for (const m of window.batches) await window.benchPost(m, 'appended');
  return { secs: (performance.now() - t0) / 1000, longest: window.longest };
};`;

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const LEVELS = ['info', 'warn', 'error', 'debug'];
const START_NS = 1767225600000000000n;

function lines(n: number, from: number): LogLine[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return makeLogLine(
      (START_NS + BigInt(i) * 1_000_000n).toString(),
      `level=${LEVELS[i % 4]} msg="GET /cart/${i} 200" trace_id=${TRACE} duration_ms=${i % 97}`,
      { service_name: 'shop', pod: `shop-${i % 3}` },
    );
  });
}

export async function benchLogsPanel(): Promise<BenchResult[]> {
  const browser = await launchChromium();
  try {
    const page = await openWebview(browser, 'logs', STUB);
    const init: HostToLogs = { type: 'init', state: DEFAULT_LOGS_STATE, source: { kind: 'loki', label: 'bench' }, run: false };
    await page.evaluate((m) => Object.assign(globalThis, { init: m }), init);
    await page.evaluate("window.postMessage(window.init, '*')");
    const first = lines(100_000, 0).reverse(); // newest first, as query_range backward answers
    const answer = linesMessages(first, {
      startNs: START_NS.toString(),
      endNs: (START_NS + 200_000n * 1_000_000n).toString(),
      warnings: [],
      limited: false,
    });
    const batches: HostToLogs[] = Array.from({ length: 100 }, (_, b) => ({
      type: 'append',
      lines: lines(1000, 100_000 + b * 1000),
      dropped: 0,
    }));
    // Messages cross into the page first (as postMessage would bring them), then the clock starts.
    await page.evaluate(([m, bs]) => Object.assign(globalThis, { answer: m, batches: bs, lastMark: undefined }), [
      answer,
      batches,
    ] as const);
    const render = (await page.evaluate('benchAnswer()')) as number;
    const filter = (await page.evaluate('benchFilter("cart/7")')) as number;
    const rows = (await page.evaluate('benchScroll()')) as number;
    const longest = (await page.evaluate('window.longest')) as number;
    await page.evaluate('benchFilter("")');
    const tail = (await page.evaluate('benchTail()')) as { secs: number; longest: number };
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return [
      { name: 'logs.panel_first_render_ms.100000', value: r1(render), unit: 'ms' },
      { name: 'logs.panel_filter_ms.100000', value: r1(filter), unit: 'ms' },
      { name: 'logs.panel_longest_task_ms.100000', value: r1(longest), unit: 'ms' },
      { name: 'logs.panel_dom_rows', value: rows, unit: 'rows' },
      { name: 'logs.panel_tail_lines_per_s', value: Math.round(100_000 / tail.secs), unit: 'lines/s' },
      { name: 'logs.panel_tail_longest_task_ms', value: r1(tail.longest), unit: 'ms' },
    ];
  } finally {
    await browser.close();
  }
}
