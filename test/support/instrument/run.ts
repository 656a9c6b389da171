/** Running instrumented apps for real: a loopback server for a request listener, and the app a module exports. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The listener served on 127.0.0.1 at a free port: its base URL and how to close it. */
export async function listenLoopback(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The app an imported module exports: `app`, else the default export (or its own default, as CommonJS interop gives). */
export function exportedApp<T>(mod: unknown): T {
  const m = mod as { app?: T; default?: T | { default?: T } };
  const d = m.default as { default?: T } | undefined;
  return (m.app ?? d?.default ?? m.default) as T;
}
