/**
 * OTLP/gRPC receiver: opentelemetry-proto's TraceService/Export and LogsService/Export on @grpc/grpc-js.
 * Messages are decoded with the generated OTLP root; a message that does not decode is answered with
 * INVALID_ARGUMENT. grpc-js inflates gzip messages itself and applies the receive limit to the inflated size.
 */
import * as grpc from '@grpc/grpc-js';
import { decodeProtobuf, encodeResponseProtobuf, grpcMethod, type Signal } from './protobuf';
import type { IngestResult, TelemetryStore } from './store';
import { errorMessage } from '../../core/errors';

// grpc-js writes its own errors (a failed bind) to stderr; ours are reported by the caller instead. This copy
// of grpc-js is bundled with Telemetry Lens, so no one else's logging is affected.
grpc.setLogVerbosity(grpc.logVerbosity.NONE);

function exportService(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: grpcMethod(signal),
      requestStream: false,
      responseStream: false,
      // Bytes in, bytes out: decoding happens in the handler, where a failure can become INVALID_ARGUMENT.
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      responseDeserialize: (b: Buffer) => b,
    },
  };
}

function exportHandler(store: TelemetryStore, signal: Signal): grpc.handleUnaryCall<Buffer, Uint8Array> {
  return (call, callback) => {
    let result: IngestResult;
    try {
      result =
        signal === 'traces' ? store.addTraces(decodeProtobuf('traces', call.request)) : store.addLogs(decodeProtobuf('logs', call.request));
    } catch (e) {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `cannot decode the OTLP ${signal} request: ${errorMessage(e)}` });
      return;
    }
    const partial = result.rejected ? { rejected: result.rejected, errorMessage: result.errorMessage } : undefined;
    callback(null, encodeResponseProtobuf(signal, partial));
  };
}

/** A started gRPC server on host:port (port 0: any free port); rejects with the bind error. */
export function startGrpc(
  store: TelemetryStore,
  host: string,
  port: number,
  maxBytes: number,
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': maxBytes });
  for (const signal of ['traces', 'logs'] as const) {
    server.addService(exportService(signal), { Export: exportHandler(store, signal) });
  }
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) {
        server.forceShutdown();
        reject(err);
      } else resolve({ server, port: bound });
    });
  });
}

/** Graceful shutdown, forced after `graceMs` (an exporter holding a call open must not block exit). */
export function stopGrpc(server: grpc.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
