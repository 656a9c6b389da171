/**
 * Loopback HTTP server for client tests: answers from a route table (recorded fixture text, status,
 * content type) and records every request. `hold()` makes the next answers wait until released —
 * synchronisation by promise, never by sleeping.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}
export interface Answer {
  status?: number;
  body: string;
  type?: string;
}
export type Route = (req: Seen) => Answer | undefined;

export interface TestServer {
  url: string;
  seen: Seen[];
  routes: Map<string, Answer | Route>;
  /** Next answers wait until the returned function is called; `arrived` resolves when a request is held. */
  hold(): { release: () => void; arrived: Promise<void> };
  /** Never answer (timeout tests). */
  hang(path: string): void;
  close(): Promise<void>;
}

export async function startServer(prefix = ''): Promise<TestServer> {
  const seen: Seen[] = [];
  const routes = new Map<string, Answer | Route>();
  const hung = new Set<string>();
  let gate: Promise<void> | undefined;
  let onArrive: (() => void) | undefined;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const path = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname;
    const s: Seen = { method: req.method ?? '', path, query: u.searchParams, headers: req.headers };
    seen.push(s);
    if (hung.has(path)) return;
    const answer = async () => {
      if (gate) {
        onArrive?.();
        await gate;
      }
      const r = routes.get(path);
      const a = typeof r === 'function' ? r(s) : r;
      if (!a) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404 page not found');
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'application/json' });
      res.end(a.body);
    };
    void answer();
  });
  server.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    seen,
    routes,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      const arrived = new Promise<void>((r) => (onArrive = r));
      return {
        release: () => {
          gate = undefined;
          release();
        },
        arrived,
      };
    },
    hang(path) {
      hung.add(path);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of sockets) c.destroy();
        server.close(() => r());
      }),
  };
}

export const json = (body: string, status = 200): Answer => ({ body, status });
export const HTML: Answer = { body: '<!doctype html><html><body>Login</body></html>', type: 'text/html' };
