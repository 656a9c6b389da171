/**
 * A loopback stand-in for Loki's `/loki/api/v1/tail` WebSocket: each connection is handed to the test, which
 * sends frames built in exactly the shape of the recorded `test/fixtures/loki/tail_frame.json`, drops the
 * connection, or refuses the upgrade with a plain-text HTTP error as Loki does for a bad query.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';

/** The recorded Loki fixtures, from the sources (tests, bench) or from the e2e bundle in out/e2e/suite. */
export const FIXTURES = [join(__dirname, '..', 'fixtures', 'loki'), join(__dirname, '..', '..', '..', 'test', 'fixtures', 'loki')].find(
  (d) => existsSync(d),
)!;

export type Entry = [ns: string, line: string];

/** A tail frame in the recorded shape: `{streams:[{stream, values}], dropped_entries:[…]}`, no drops. */
export function tailFrame(streams: { stream: Record<string, string>; values: Entry[] }[]): string {
  const doc = JSON.parse(readFileSync(join(FIXTURES, 'tail_frame.json'), 'utf8')) as { streams: unknown[]; dropped_entries: unknown[] };
  doc.streams = streams;
  doc.dropped_entries = [];
  return JSON.stringify(doc);
}

export function recordedTailFrame(name: 'tail_frame.json' | 'tail_frame_categorized.json'): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface TailConnection {
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  send(frame: string): Promise<void>;
  /** Ends the TCP connection without a close frame (a dropped network). */
  drop(): void;
  closed: Promise<void>;
}

export interface TailServer {
  url: string;
  /** Called for every upgrade request: return an HTTP refusal, or undefined to accept it. */
  refuse?: (query: URLSearchParams) => { status: number; text: string } | undefined;
  /** Resolves with the next accepted connection. */
  nextConnection(): Promise<TailConnection>;
  upgrades: number;
  close(): Promise<void>;
}

/** `onRequest` answers the plain HTTP requests (a whole Loki stand-in); without it they get a 404. */
export async function startTailServer(onRequest?: http.RequestListener): Promise<TailServer> {
  const wss = new WebSocketServer({ noServer: true });
  const waiting: ((c: TailConnection) => void)[] = [];
  const ready: TailConnection[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer(onRequest ?? ((_req, res) => res.writeHead(404).end()));
  const ts: TailServer = {
    url: '',
    upgrades: 0,
    nextConnection: () => {
      const c = ready.shift();
      return c ? Promise.resolve(c) : new Promise((r) => waiting.push(r));
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket: Socket, head) => {
    ts.upgrades++;
    const u = new URL(req.url ?? '/', 'http://x');
    const refusal = u.pathname === '/loki/api/v1/tail' ? ts.refuse?.(u.searchParams) : { status: 404, text: '404 page not found' };
    if (refusal) {
      const body = Buffer.from(refusal.text);
      socket.end(
        `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${refusal.text}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      const conn: TailConnection = {
        query: u.searchParams,
        headers: req.headers,
        send: (frame) => new Promise((resolve, reject) => ws.send(frame, (e) => (e ? reject(e) : resolve()))),
        drop: () => socket.destroy(),
        closed,
      };
      const w = waiting.shift();
      if (w) w(conn);
      else ready.push(conn);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ts.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ts;
}
