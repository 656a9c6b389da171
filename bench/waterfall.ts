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
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { parseOtlpTrace } from '../src/core/traces/otlp';
import { waterfallModel } from '../src/core/traces/waterfall';
import { fixture, replicateOtlpTrace } from '../test/unit/traces/helpers';
import { CHROMIUM } from '../test/e2e/launcher/codeServer';
import type { HostToWaterfall } from '../src/webview/protocol/waterfall';
import type { BenchResult } from './receiver';

const root = path.resolve(__dirname, '..');
const ORIGIN = 'http://waterfall.bench';
const PAGE = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${ORIGIN}; script-src ${ORIGIN}">
<link rel="stylesheet" href="${ORIGIN}/media/webview.css"><script src="${ORIGIN}/stub.js"></script></head>
<body><main id="app"></main><script type="module" src="${ORIGIN}/dist/webview/waterfall.js"></script></body></html>`;
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

function message(copies: number): HostToWaterfall {
  const base = fixture<Parameters<typeof replicateOtlpTrace>[0]>('jaeger', 'otlp_hotrod_40_spans_3_errors.json');
  const r = parseOtlpTrace(replicateOtlpTrace(base, copies).doc);
  if (!r.ok) throw new Error(r.error);
  const m = waterfallModel(r.value);
  return { type: 'trace', state: { backend: 'local', traceId: m.data.traceId }, trace: m.data, canOpenUi: false };
}

export async function benchWaterfall(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    for (const spans of [10_000, 100_000]) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.route(`${ORIGIN}/**`, (route) => {
        const p = new URL(route.request().url()).pathname;
        if (p === '/') return route.fulfill({ body: PAGE, contentType: 'text/html' });
        if (p === '/stub.js') return route.fulfill({ body: STUB, contentType: 'text/javascript' });
        const file = path.join(root, p);
        const type = p.endsWith('.css') ? 'text/css' : 'text/javascript';
        return file.startsWith(root) && fs.existsSync(file)
          ? route.fulfill({ body: fs.readFileSync(file), contentType: type })
          : route.abort();
      });
      await page.goto(`${ORIGIN}/`);
      await page.waitForFunction('window.posted.some((m) => m.type === "ready")');
      const msg = message(spans / 40);
      // The message crosses into the page first (as postMessage would bring it), then the clock starts.
      await page.evaluate((m) => ((globalThis as unknown as { msg: unknown }).msg = m), msg);
      // In-page code is plain text (STUB): the bench runs through tsx, whose helpers do not exist in the page.
      const first = (await page.evaluate('benchFirstRender()')) as number;
      const scroll = (await page.evaluate('benchScroll()')) as { longest: number; gap: number; rows: number };
      const searchMs = (await page.evaluate('benchSearch("GetDriver")')) as number;
      const r1 = (x: number) => Math.round(x * 10) / 10;
      out.push(
        { name: `waterfall.first_render_ms.${spans}`, value: r1(first), unit: 'ms' },
        { name: `waterfall.scroll_longest_task_ms.${spans}`, value: r1(scroll.longest), unit: 'ms' },
        { name: `waterfall.scroll_longest_frame_ms.${spans}`, value: r1(scroll.gap), unit: 'ms' },
        { name: `waterfall.search_ms.${spans}`, value: r1(searchMs), unit: 'ms' },
        { name: `waterfall.dom_rows.${spans}`, value: scroll.rows, unit: 'rows' },
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}
