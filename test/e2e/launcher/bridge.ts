/**
 * A loopback HTTP bridge between the test suite (running in the extension host) and the browser side
 * (Playwright): tests ask for what a user SEES — rendered CodeLens, hover content, webview DOM — and for
 * screenshots. Endpoints take and return JSON; every wait is bounded.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { windowFocus } from '../../../scripts/demo/focus.mjs';

export interface BridgeRequest {
  /** CSS selector in the workbench page or any webview frame. */
  selector?: string;
  /** Screenshot file name under the results dir. */
  screenshot?: string;
  /** Wait until this many elements match (default 1). */
  atLeast?: number;
  /** Text that the matched element(s) must contain before returning; a list: every one of them, each in some element. */
  contains?: string | string[];
  /** Also wait until the matched texts are the same on two polls in a row (lists that re-render). */
  stable?: boolean;
  /** Selector to click in the frame that matched. */
  click?: string;
  /** Also return how many elements match this selector in the frame that matched (e.g. injected `img`). */
  count?: string;
  /** Also return `typeof window[name]` in the frame that matched (a marker hostile markup would set if it ran). */
  probe?: string;
  /** Keys to press in the page, e.g. "Control+." */
  press?: string;
  /** Text to type into the focused element (quick input, editor). */
  type?: string;
  /** `focus`: whether the workbench page has focus (a user who switched to another window: false). */
  focused?: boolean;
  timeoutMs?: number;
}

const poll = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether `texts` are at least `atLeast` and hold every text `contains` asks for. */
function matches(texts: readonly string[], req: BridgeRequest): boolean {
  const wanted = req.contains === undefined ? [] : [req.contains].flat();
  return texts.length >= (req.atLeast ?? 1) && wanted.every((w) => texts.some((t) => t.includes(w)));
}

export function startBridge(getPage: () => Page | undefined, outDir: string): Promise<http.Server> {
  const shot = async (page: Page, name?: string): Promise<void> => {
    if (name) await page.screenshot({ path: path.join(outDir, name), animations: 'disabled' });
  };
  const handlers: Record<string, (page: Page, req: BridgeRequest) => Promise<unknown>> = {
    /** Rendered CodeLens texts, once the set is non-empty and stable for one poll. */
    async codelens(page, req) {
      const loc = page.locator('.monaco-editor .codelens-decoration a, .monaco-editor .codelens-decoration span');
      let texts: string[] = [];
      let prev = '';
      const end = Date.now() + (req.timeoutMs ?? 20000);
      while (Date.now() < end) {
        texts = (await loc.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        if (matches(texts, req) && JSON.stringify(texts) === prev) break;
        prev = JSON.stringify(texts);
        await poll(250);
      }
      await shot(page, req.screenshot);
      return { texts };
    },
    /** Inner texts of the elements matching `selector` in the page or any frame (webviews). */
    async dom(page, req) {
      if (!req.selector) throw new Error('selector required');
      const end = Date.now() + (req.timeoutMs ?? 20000);
      let previous = '';
      while (Date.now() < end) {
        for (const frame of page.frames()) {
          const loc = frame.locator(req.selector);
          const texts = await loc.allInnerTexts().catch(() => [] as string[]);
          if (!matches(texts, req)) continue;
          const snapshot = JSON.stringify(texts);
          if (req.stable && snapshot !== previous) {
            previous = snapshot;
            break;
          }
          const html = await loc
            .first()
            .innerHTML()
            .catch(() => '');
          const count = req.count ? await frame.locator(req.count).count() : undefined;
          const probe = req.probe
            ? await frame.evaluate((name) => typeof (globalThis as Record<string, unknown>)[name], req.probe)
            : undefined;
          if (req.click) await frame.locator(req.click).first().click();
          await shot(page, req.screenshot);
          return { texts, html, count, probe, frameUrl: frame.url().slice(0, 120) };
        }
        await poll(200);
      }
      await shot(page, req.screenshot ? `timeout-${req.screenshot}` : undefined);
      throw new Error(`nothing matched ${req.selector}${req.contains ? ` containing ${JSON.stringify(req.contains)}` : ''}`);
    },
    async keyboard(page, req) {
      if (req.type) await page.keyboard.type(req.type, { delay: 10 });
      if (req.press) await page.keyboard.press(req.press);
      await shot(page, req.screenshot);
      return {};
    },
    async screenshot(page, req) {
      await shot(page, req.screenshot);
      return {};
    },
    /** Takes focus away from the workbench as switching to another window does (it stays on screen), or gives it back. */
    async focus(page, req) {
      focus ??= windowFocus(page);
      return { focused: await focus(req.focused !== false) };
    },
  };
  let focus: ((focused: boolean) => Promise<boolean>) | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const page = getPage();
      const h = handlers[(req.url ?? '').slice(1)];
      const reply = (status: number, value: unknown): void => {
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(value));
      };
      if (!h || !page) return reply(404, { error: `unknown endpoint ${req.url} or no page` });
      h(page, JSON.parse(body || '{}') as BridgeRequest).then(
        (v) => reply(200, v),
        (e: unknown) => reply(500, { error: String(e) }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
