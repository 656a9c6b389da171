// `demo.mjs --check --browser`: opens the demo workbench in headless Chromium (playwright-core),
// opens both services' route files and waits until Telemetry Lens shows live metrics in a CodeLens
// (`… req/s · …% errors · p99 …`), without any nudge. Saves a screenshot per file into the run's log dir;
// a failure says in one line which file showed what. Loopback only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { windowFocus } from './focus.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A lens with live numbers, e.g. `1.2 req/s · 0% errors · p99 48 ms` (low rates are shown per minute). */
const LIVE = /\breq\/(s|min|h)\b/;

// The first file is watched with the window unfocused (a user who opened it and switched to another
// window), the second one focused: the numbers must come by themselves either way.
const FILES = [
  { name: 'python-api', quickOpen: 'routers/orders.py', focused: false },
  { name: 'node-api', quickOpen: 'routes/products.js', focused: true },
];

/**
 * @param {{workbenchUrl: string, logDir: string, timeoutMs: number (per file), log: (m: string) => void, abort: () => string | null}} opts
 */
export async function browserCheck({ workbenchUrl, logDir, timeoutMs, log, abort }) {
  if (!existsSync(CHROMIUM)) return { ok: false, reason: `Chromium not found at ${CHROMIUM}: run \`bash scripts/setup.sh\`` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const result = { ok: false, files: {} };
  let page;
  let setFocus;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route(
      (u) => /^(https?|wss?):$/.test(u.protocol) && !/^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname),
      (r) => r.abort(),
    );
    page = await context.newPage();
    setFocus = windowFocus(page);
    await page.goto(workbenchUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    log('browser: workbench loaded');
    await page.waitForTimeout(2000);
    for (const f of FILES) {
      const entry = { lenses: [] };
      const deadline = Date.now() + timeoutMs; // per file
      result.files[f.name] = entry;
      // Quick Open the file (Ctrl+P), retried: the workbench and its file index may still be warming up.
      const basename = f.quickOpen.split('/').pop();
      const tab = page.locator('.tab', { hasText: basename }).first();
      for (let attempt = 0; attempt < 6 && !(await tab.isVisible().catch(() => false)); attempt++) {
        try {
              await setFocus(true); // typing goes to the focused page
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+P');
          const input = page.locator('.quick-input-widget input').first();
          await input.waitFor({ state: 'visible', timeout: 5000 });
          await input.fill(f.quickOpen, { timeout: 5000 });
          // wait until the list shows the file (not the recently-opened entries shown first)
          await page.locator('.quick-input-list .monaco-list-row', { hasText: basename }).first().waitFor({ timeout: 15_000 });
          await page.keyboard.press('Enter');
          await tab.waitFor({ state: 'visible', timeout: 10_000 });
        } catch (err) {
          log(`browser: Quick Open ${f.quickOpen}: ${err.message.split('\n')[0]}`);
          await page.waitForTimeout(1000);
        }
      }
      if (!(await tab.isVisible().catch(() => false))) throw new Error(`could not open ${f.quickOpen} with Quick Open`);
      entry.focused = await setFocus(f.focused);
      // Wait for a CodeLens with live numbers. Nothing is clicked or run meanwhile: the extension must bring
      // the first numbers of a file on screen by itself, focused or not (headless Chromium often is not).
      for (;;) {
        const reason = abort();
        if (reason) throw new Error(reason);
        entry.lenses = (await page.locator('.codelens-decoration').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
        if (entry.lenses.some((t) => LIVE.test(t)) || Date.now() > deadline) break;
        await page.waitForTimeout(500); // polling the page, not synchronising with the extension
      }
      entry.ok = entry.lenses.some((t) => LIVE.test(t));
      entry.seconds = Math.round((timeoutMs - (deadline - Date.now())) / 100) / 10;
      entry.screenshot = join(logDir, `workbench-${f.name}.png`);
      await page.screenshot({ path: entry.screenshot });
      log(`browser: ${f.name}: ${entry.ok ? `live CodeLens after ${entry.seconds}s` : 'no live CodeLens'} (${entry.lenses.length} lenses)`);
      if (!entry.ok) {
        const said = [...new Set(entry.lenses)].map((t) => JSON.stringify(t)).join(', ') || 'nothing (no lenses)';
        entry.reason = `${f.quickOpen} (${f.name}) showed no live numbers within ${timeoutMs / 1000}s; its lenses said ${said}`;
      }
    }
    result.details = await detailsCharts(page, logDir, log);
    result.ok = FILES.every((f) => result.files[f.name].ok) && result.details.ok;
    if (!result.ok)
      result.reason = [...FILES.map((f) => result.files[f.name].reason), result.details.reason].filter(Boolean).join('; ');
  } catch (err) {
    result.reason = err.message.split('\n')[0];
    result.screenshot = join(logDir, 'workbench-error.png');
    await page?.screenshot({ path: result.screenshot }).catch(() => {});
  } finally {
    await browser.close().catch(() => {});
  }
  return result;
}

/**
 * Clicks the last file's live lens (node-api: it exports the in-flight gauge and has exemplars) and waits until the
 * route details panel draws the panel model's four charts. The webview is an iframe: every frame is searched.
 */
async function detailsCharts(page, logDir, log) {
  const details = { ok: false, panels: [] };
  await page.locator('.codelens-decoration a', { hasText: LIVE }).first().click({ timeout: 10_000 });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && details.panels.length < 4) {
    for (const frame of page.frames()) {
      const drawn = await frame.locator('.chart-panel:has(.uplot) h2').allTextContents().catch(() => []);
      if (drawn.length > details.panels.length) details.panels = drawn;
    }
    await page.waitForTimeout(500); // polling the page, not synchronising with the extension
  }
  details.ok = details.panels.length >= 4;
  details.screenshot = join(logDir, 'workbench-details.png');
  await page.screenshot({ path: details.screenshot });
  log(`browser: details panel: ${details.panels.length} charts drawn (${details.panels.join(', ')})`);
  if (!details.ok) details.reason = `the route details panel drew ${details.panels.length} of 4 charts within 30s`;
  return details;
}
