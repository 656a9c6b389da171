/** `telemetry-lens receiver`: the built-in OTLP receiver and its Jaeger api_v3 query API in the foreground. */
import { errorMessage } from '../../core/errors';
import { CliError, parseArgs, type Command } from '../io';
import {
  DEFAULT_PORTS,
  LISTENER_NAMES,
  PortInUseError,
  Receiver,
  type Listener,
  type ListenerKind,
} from '../../backends/receiver/receiver';

const FLAGS: Record<ListenerKind, string> = { grpc: '--grpc-port', http: '--http-port', query: '--query-port' };

export const receiverCommand: Command = {
  name: 'receiver',
  usage: 'receiver [--grpc-port 4317] [--http-port 4318] [--query-port 16686] [--max-spans N] [--host 127.0.0.1]',
  summary: 'run the OTLP receiver (gRPC + HTTP) with a Jaeger api_v3 query API, until Ctrl-C',
  help: [
    'Receives OpenTelemetry traces and logs over OTLP/gRPC and OTLP/HTTP (protobuf or JSON, gzip) into a bounded',
    'in-memory store, and serves it through a Jaeger api_v3-compatible query API (/api/v3/services, /api/v3/operations,',
    '/api/v3/traces, /api/v3/traces/{id}) that Telemetry Lens or any Jaeger api_v3 client can read.',
    'Prints one line per listener, with the real port (0 picks a free one); exits on SIGINT/SIGTERM.',
    '',
    `  --grpc-port <port>     OTLP/gRPC port (default ${DEFAULT_PORTS.grpc})`,
    `  --http-port <port>     OTLP/HTTP port (default ${DEFAULT_PORTS.http})`,
    `  --query-port <port>    Jaeger api_v3 query port (default ${DEFAULT_PORTS.query})`,
    '  --max-spans <n>        span budget; the least recently updated traces are evicted beyond it (default 100000)',
    '  --host <address>       interface to listen on (default 127.0.0.1, loopback only)',
    '',
    'Exit codes: 0 stopped by a signal, 2 usage error, 3 a port is in use or cannot be opened.',
  ].join('\n'),
  async run(args, io) {
    const { positionals, strings } = parseArgs(args, { strings: ['grpc-port', 'http-port', 'query-port', 'max-spans', 'host'] });
    if (positionals.length) throw new CliError(`unexpected argument ${positionals[0]}`);
    const port = (flag: string, dflt: number) => {
      const v = strings[flag] ?? String(dflt);
      if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new CliError(`--${flag} must be a port number from 0 to 65535, got ${v}`);
      return Number(v);
    };
    const maxSpans = strings['max-spans'] ?? '100000';
    if (!/^\d+$/.test(maxSpans) || Number(maxSpans) < 1) throw new CliError(`--max-spans must be a positive integer, got ${maxSpans}`);
    const receiver = new Receiver({
      host: strings.host ?? '127.0.0.1',
      grpcPort: port('grpc-port', DEFAULT_PORTS.grpc),
      httpPort: port('http-port', DEFAULT_PORTS.http),
      queryPort: port('query-port', DEFAULT_PORTS.query),
      maxSpans: Number(maxSpans),
    });
    let listeners: Listener[];
    try {
      listeners = await receiver.start();
    } catch (e) {
      if (e instanceof PortInUseError) throw new CliError(`${e.message}: pass ${FLAGS[e.listener]} <port> (0 for any free port)`, 3);
      throw new CliError(`cannot start the receiver: ${errorMessage(e)}`, 3);
    }
    for (const l of listeners) io.out(listenerLine(l));
    const signal = await untilSignal();
    const s = receiver.store.stats();
    await receiver.stop();
    io.err(`${signal}: stopped (${s.spans} spans in ${s.traces} traces stored, ${s.droppedSpans} evicted, ${s.logRecords} log records)`);
    return 0;
  },
};

function listenerLine(l: Listener): string {
  const name = LISTENER_NAMES[l.kind].padEnd(17);
  if (l.kind === 'grpc') return `${name} ${l.url.replace(/^http:\/\//, '')}  (OTLP exporter endpoint ${l.url})`;
  if (l.kind === 'http') return `${name} ${l.url}  (POST /v1/traces, /v1/logs)`;
  return `${name} ${l.url}  (GET /api/v3/services, /api/v3/traces, …)`;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
