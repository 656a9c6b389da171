/**
 * One loopback fault-injection proxy for every backend client: it forwards each request to a real or
 * recorded-payload upstream and, depending on `fault`, passes the answer through, rewrites it, or
 * answers with a fault of its own (down, never answering, a reset mid-body, an error status, HTML, broken
 * JSON, a 1 GiB body, a gzip bomb, a generated answer). Huge bodies are produced lazily and stop when
 * the client hangs up; `produced` tells how far they got.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';

export type Fault =
  | { kind: 'pass' }
  /** Down: every connection is closed as soon as it is accepted (the port stays ours: no other process can take it meanwhile). */
  | { kind: 'down' }
  | { kind: 'slow' }
  | { kind: 'reset' }
  | { kind: 'status'; status: number }
  | { kind: 'html' }
  | { kind: 'invalid-json' }
  | { kind: 'truncated-json' }
  | { kind: 'huge' }
  | { kind: 'gzip-bomb' }
  /** An answer generated in the recorded shape (1,000,000 label values, 100 KB values …). */
  | { kind: 'replace'; body: () => string }
  /** The upstream JSON answer rewritten (hostile strings). */
  | { kind: 'transform'; fn: (json: unknown) => unknown };

export interface FaultProxy {
  url: string;
  fault: Fault;
  /** Bytes of the last huge body produced before the client stopped reading. */
  readonly produced: number;
  close(): Promise<void>;
}

const GIB = 1024 * 1024 * 1024;

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let produced = 0;
  const sockets = new Set<Socket>();
  const state: { fault: Fault } = { fault: { kind: 'pass' } };

  const fetchUpstream = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; type: string; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              type: String(res.headers['content-type'] ?? 'application/json'),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  /** A body of `total` bytes made on demand: `head`, then filler, never all in memory. */
  const lazy = (head: string, filler: string, total: number): Readable => {
    produced = 0;
    const chunk = Buffer.from(filler.repeat(Math.ceil(65536 / filler.length)));
    let first = true;
    return new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        const c = first ? Buffer.from(head) : chunk;
        first = false;
        produced += c.length;
        this.push(c);
      },
    });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
    const f = state.fault;
    switch (f.kind) {
      case 'slow':
        return; // never answers: the client's timeout must end it
      case 'status':
        res.writeHead(f.status, { 'content-type': 'text/plain' }).end(http.STATUS_CODES[f.status] ?? 'error');
        return;
      case 'html':
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><html><body><form action="/login">Sign in</form></body></html>');
        return;
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "success", "data": [1, 2,, }');
        return;
      case 'huge': {
        const s = lazy('{"status":"success","data":["', 'a', GIB);
        res.writeHead(200, { 'content-type': 'application/json' });
        s.pipe(res);
        res.on('close', () => s.destroy());
        return;
      }
      case 'gzip-bomb': {
        const s = lazy('', ' ', GIB);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        s.pipe(zlib.createGzip()).pipe(res);
        res.on('close', () => s.destroy());
        return;
      }
      case 'replace':
        res.writeHead(200, { 'content-type': 'application/json' }).end(f.body());
        return;
      default:
        break;
    }
    const up = await fetchUpstream(req, body);
    if (f.kind === 'reset') {
      res.writeHead(up.status, { 'content-type': up.type, 'content-length': String(up.body.length + 1000) });
      res.write(up.body.subarray(0, Math.floor(up.body.length / 2)));
      res.socket?.destroy();
      return;
    }
    if (f.kind === 'truncated-json') {
      res.writeHead(up.status, { 'content-type': up.type }).end(up.body.subarray(0, Math.max(1, Math.floor(up.body.length / 2))));
      return;
    }
    if (f.kind === 'transform' && /json/.test(up.type)) {
      res.writeHead(up.status, { 'content-type': up.type }).end(JSON.stringify(f.fn(JSON.parse(up.body.toString('utf8')))));
      return;
    }
    res.writeHead(up.status, { 'content-type': up.type }).end(up.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  server.on('connection', (c) => {
    if (state.fault.kind === 'down') return void c.destroy();
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get fault() {
      return state.fault;
    },
    set fault(f: Fault) {
      state.fault = f;
    },
    get produced() {
      return produced;
    },
    close: () =>
      new Promise((r) => {
        for (const c of sockets) c.destroy();
        server.close(() => r());
      }),
  };
}

/** Appends control characters, a terminal escape and link syntax to every string value except `keep` keys. */
export function hostileStrings(json: unknown, keep: ReadonlySet<string>): unknown {
  const evil = '\u001b]0;owned\u0007\u001b[2J\u202e\n[click](command:workbench.action.terminal.sendSequence)';
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key !== undefined && keep.has(key) ? v : `${v}${evil}`;
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(json, undefined);
}
