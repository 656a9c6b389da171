/**
 * A webview bundle in a real Chromium page, hosted the way VS Code hosts it: the same CSP-restricted shell, the
 * built bundle and stylesheet from this checkout, and `acquireVsCodeApi` replaced by the bench's in-page stub.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from '../test/e2e/launcher/codeServer';

const root = path.resolve(__dirname, '..');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Opens `dist/webview/<bundle>.js` under `stub` (plain in-page JS: the benches run through tsx, whose helpers
 *  do not exist in the page) and waits for the app's `ready` message. */
export async function openWebview(browser: Browser, bundle: 'waterfall' | 'logs', stub: string): Promise<Page> {
  const origin = `http://${bundle}.bench`;
  const html = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${origin}; script-src ${origin}">
<link rel="stylesheet" href="${origin}/media/webview.css"><script src="${origin}/stub.js"></script></head>
<body><main id="app"></main><script type="module" src="${origin}/dist/webview/${bundle}.js"></script></body></html>`;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route(`${origin}/**`, (route) => {
    const p = new URL(route.request().url()).pathname;
    if (p === '/') return route.fulfill({ body: html, contentType: 'text/html' });
    if (p === '/stub.js') return route.fulfill({ body: stub, contentType: 'text/javascript' });
    const file = path.join(root, p);
    return file.startsWith(root) && fs.existsSync(file)
      ? route.fulfill({ body: fs.readFileSync(file), contentType: p.endsWith('.css') ? 'text/css' : 'text/javascript' })
      : route.abort();
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction('window.posted.some((m) => m.type === "ready")');
  return page;
}
