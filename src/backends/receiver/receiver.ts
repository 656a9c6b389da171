/**
 * The built-in OTLP receiver: OTLP/gRPC, OTLP/HTTP and a Jaeger api_v3 query API over one bounded store.
 * The same class runs in the extension host and behind `telemetry-lens receiver`. Pure Node, no `vscode`.
 *
 *   const r = new Receiver({ grpcPort: 4317, httpPort: 4318, queryPort: 16686 });
 *   const listeners = await r.start();   // real ports (0 picks a free one); PortInUseError names the listener
 *   ... new JaegerClient({ baseUrl: listeners.find((l) => l.kind === 'query')!.url }) ...
 *   await r.stop();
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { handleQuery } from './jaegerQuery';
import { handleLokiQuery } from './lokiQuery';
import { startGrpc, stopGrpc } from './otlpGrpc';
import { handleOtlpHttp, UploadBudget } from './otlpHttp';
import { TelemetryStore, type StoreOptions } from './store';
import { errorMessage } from '../../core/errors';

export type ListenerKind = 'grpc' | 'http' | 'query';

export const LISTENER_NAMES: Record<ListenerKind, string> = {
  grpc: 'OTLP/gRPC',
  http: 'OTLP/HTTP',
  query: 'Jaeger query API',
};

export const DEFAULT_PORTS: Record<ListenerKind, number> = { grpc: 4317, http: 4318, query: 16686 };
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface ReceiverOptions extends StoreOptions {
  /** Interface to listen on; loopback unless the user asks otherwise. */
  host?: string;
  /** Port per listener; `null` leaves that listener off, 0 picks a free port. */
  grpcPort?: number | null;
  httpPort?: number | null;
  queryPort?: number | null;
  /** Largest accepted request, checked on the wire and after decompression (default 16 MiB). */
  maxRequestBytes?: number;
  /** Bytes that OTLP/HTTP request bodies may hold together while being read (default 4 × maxRequestBytes). */
  maxInflightBytes?: number;
}

export interface Listener {
  kind: ListenerKind;
  host: string;
  port: number;
  /** `http://host:port` (gRPC: the endpoint an exporter takes). */
  url: string;
}

/** A port already taken: the caller names its own setting or flag to change. */
export class PortInUseError extends Error {
  constructor(
    readonly listener: ListenerKind,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${LISTENER_NAMES[listener]} port ${port} on ${host} is already in use`);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/** The host name of a Host header (`[::1]:4318` → `::1`), lower-case. */
function hostname(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  return h.replace(/:\d*$/, '');
}

export class Receiver {
  readonly store: TelemetryStore;
  readonly host: string;
  readonly maxRequestBytes: number;
  private readonly ports: Record<ListenerKind, number | null>;
  private readonly uploads: UploadBudget;
  private grpcServer: grpc.Server | undefined;
  private readonly httpServers: http.Server[] = [];
  private current: Listener[] = [];

  constructor(opts: ReceiverOptions = {}) {
    this.store = new TelemetryStore(opts);
    this.host = opts.host ?? '127.0.0.1';
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.uploads = new UploadBudget(opts.maxInflightBytes ?? 4 * this.maxRequestBytes);
    const port = (v: number | null | undefined, kind: ListenerKind) => (v === undefined ? DEFAULT_PORTS[kind] : v);
    this.ports = { grpc: port(opts.grpcPort, 'grpc'), http: port(opts.httpPort, 'http'), query: port(opts.queryPort, 'query') };
  }

  get listeners(): readonly Listener[] {
    return this.current;
  }

  /** Starts every enabled listener; on any failure the ones already started are closed again. */
  async start(): Promise<Listener[]> {
    if (this.current.length) return this.current;
    const started: Listener[] = [];
    try {
      if (this.ports.grpc !== null) started.push(await this.listenGrpc(this.ports.grpc));
      if (this.ports.http !== null)
        started.push(
          await this.listenHttp('http', this.ports.http, (req, res) =>
            handleOtlpHttp(this.store, { maxBytes: this.maxRequestBytes, budget: this.uploads }, req, res),
          ),
        );
      if (this.ports.query !== null)
        started.push(
          await this.listenHttp(
            'query',
            this.ports.query,
            (req, res) => handleLokiQuery(this.store, req, res) || handleQuery(this.store, req, res),
          ),
        );
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.current = started;
    return started;
  }

  async stop(): Promise<void> {
    const grpcServer = this.grpcServer;
    this.grpcServer = undefined;
    const servers = this.httpServers.splice(0);
    this.current = [];
    await Promise.all([
      grpcServer ? stopGrpc(grpcServer) : undefined,
      ...servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    ]);
  }

  private url(port: number): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`;
  }

  private async listenGrpc(port: number): Promise<Listener> {
    try {
      const r = await startGrpc(this.store, this.host, port, this.maxRequestBytes);
      this.grpcServer = r.server;
      return { kind: 'grpc', host: this.host, port: r.port, url: this.url(r.port) };
    } catch (e) {
      // grpc-js reports a taken port inside its message ("... EADDRINUSE ...").
      if (/EADDRINUSE|address already in use/i.test(errorMessage(e))) throw new PortInUseError('grpc', this.host, port);
      throw e;
    }
  }

  private listenHttp(kind: ListenerKind, port: number, handler: http.RequestListener): Promise<Listener> {
    const loopback = LOOPBACK.has(this.host.toLowerCase());
    const server = http.createServer((req, res) => {
      // Bound to loopback, only loopback names may be asked for: a web page that rebinds its own host name
      // to 127.0.0.1 (DNS rebinding) must not read traces or write spans.
      if (loopback && req.headers.host !== undefined && !LOOPBACK.has(hostname(req.headers.host))) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('forbidden: this receiver only answers requests for localhost\n');
        return;
      }
      try {
        handler(req, res);
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      }
    });
    server.requestTimeout = 60_000;
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new PortInUseError(kind, this.host, port) : e));
      server.listen(port, this.host, () => {
        this.httpServers.push(server);
        const bound = (server.address() as AddressInfo).port;
        resolve({ kind, host: this.host, port: bound, url: this.url(bound) });
      });
    });
  }
}
