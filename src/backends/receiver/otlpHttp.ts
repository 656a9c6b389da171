/**
 * OTLP/HTTP receiver (opentelemetry-proto `docs/specification.md`, "OTLP/HTTP"): POST /v1/traces and
 * /v1/logs, `application/x-protobuf` or `application/json` bodies, optionally gzip-compressed.
 *
 * - The size limit is applied while streaming, to the bytes on the wire and again to the inflated bytes:
 *   a gzip bomb is cut off as soon as the limit is crossed (413), it never inflates in full.
 * - Bodies being read hold at most `UploadBudget.max` bytes together (their declared length is reserved as
 *   the headers arrive); past it a request is answered 503 with Retry-After, which OTLP exporters retry.
 * - A body that does not decode is answered 400 with a `google.rpc.Status` (INVALID_ARGUMENT) in the
 *   request's own content type, as the spec asks; success is 200 with the Export response in that type,
 *   carrying `partialSuccess` when spans were rejected.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import {
  decodeJson,
  decodeProtobuf,
  encodeResponseJson,
  encodeResponseProtobuf,
  encodeStatusJson,
  encodeStatusProtobuf,
  INVALID_ARGUMENT,
  RESOURCE_EXHAUSTED,
  UNAVAILABLE,
  type Signal,
} from './protobuf';
import type { IngestResult, TelemetryStore } from './store';
import { errorMessage } from '../../core/errors';

type BodyType = 'protobuf' | 'json';

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Bytes held by request bodies being read, across all requests: uploads are bounded in memory too. */
export class UploadBudget {
  private used = 0;
  constructor(readonly max: number) {}

  /** Grows one request's reservation to `bytes`; false (and no change) when that would pass the budget. */
  grow(hold: { bytes: number }, bytes: number): boolean {
    if (bytes <= hold.bytes) return true;
    if (this.used + bytes - hold.bytes > this.max) return false;
    this.used += bytes - hold.bytes;
    hold.bytes = bytes;
    return true;
  }

  release(hold: { bytes: number }): void {
    this.used -= hold.bytes;
    hold.bytes = 0;
  }
}

export interface HttpLimits {
  /** Largest request, on the wire and inflated. */
  maxBytes: number;
  budget: UploadBudget;
}

export function handleOtlpHttp(store: TelemetryStore, limits: HttpLimits, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { maxBytes, budget } = limits;
  const path = (req.url ?? '/').split('?')[0];
  const signal = Object.hasOwn(PATHS, path) ? PATHS[path] : undefined;
  if (!signal) return plain(res, 404, `404 page not found: OTLP/HTTP accepts POST /v1/traces and /v1/logs\n`);
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return plain(res, 405, `${path} only accepts POST\n`);
  }
  const mime = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const type: BodyType | undefined = mime === 'application/x-protobuf' ? 'protobuf' : mime === 'application/json' ? 'json' : undefined;
  if (!type)
    return plain(
      res,
      415,
      `unsupported content type ${JSON.stringify(mime.slice(0, 80))}: send application/x-protobuf or application/json\n`,
    );
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding !== '' && encoding !== 'identity' && encoding !== 'gzip') {
    return status(res, 415, type, `unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}: send gzip or none`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(res, type, maxBytes);
  const hold = { bytes: 0 };
  if (!budget.grow(hold, Number.isFinite(declared) ? declared : 0)) return busy(res, type, budget);

  readBody(req, encoding === 'gzip', maxBytes, (n) => budget.grow(hold, n)).then(
    (body) => {
      budget.release(hold);
      let result: IngestResult;
      try {
        result = ingest(store, signal, type, body);
      } catch (e) {
        return status(res, 400, type, `cannot decode the OTLP ${type} ${signal} request: ${errorMessage(e)}`);
      }
      const partial = result.rejected ? { rejected: result.rejected, errorMessage: result.errorMessage } : undefined;
      if (type === 'protobuf') send(res, 200, type, encodeResponseProtobuf(signal, partial));
      else send(res, 200, type, encodeResponseJson(signal, partial));
    },
    (e: unknown) => {
      budget.release(hold);
      if (!(e instanceof BodyError)) return; // the client went away
      if (e.status === 413) tooLarge(res, type, maxBytes);
      else if (e.status === 503) busy(res, type, budget);
      else status(res, e.status, type, e.message);
    },
  );
}

function ingest(store: TelemetryStore, signal: Signal, type: BodyType, body: Buffer): IngestResult {
  if (type === 'protobuf') {
    return signal === 'traces' ? store.addTraces(decodeProtobuf('traces', body)) : store.addLogs(decodeProtobuf('logs', body));
  }
  let doc: unknown;
  try {
    doc = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch (e) {
    throw new Error(`invalid JSON (${errorMessage(e)})`);
  }
  return signal === 'traces' ? store.addTraces(decodeJson('traces', doc)) : store.addLogs(decodeJson('logs', doc));
}

/**
 * The whole body, inflated when gzip, or a BodyError: 413 past `max` bytes (raw or inflated), 503 when
 * `reserve(bytes buffered)` refuses, 400 for bad gzip.
 */
function readBody(req: http.IncomingMessage, gzip: boolean, max: number, reserve: (bytes: number) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let size = 0;
    let settled = false;
    const inflate = gzip ? zlib.createGunzip() : undefined;
    const fail = (e: BodyError) => {
      if (settled) return;
      settled = true;
      if (inflate) {
        req.unpipe(inflate);
        inflate.destroy();
      }
      req.pause();
      reject(e);
    };
    req.on('data', (c: Buffer) => {
      raw += c.length;
      if (raw > max) fail(new BodyError(413, 'too large'));
    });
    req.on('error', () => fail(new BodyError(400, 'the request body was cut off')));
    req.on('aborted', () => fail(new BodyError(400, 'the request body was cut off')));
    const out = inflate ? req.pipe(inflate) : req;
    out.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > max) return fail(new BodyError(413, 'too large'));
      if (!reserve(size)) return fail(new BodyError(503, 'busy'));
      chunks.push(c);
    });
    out.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    inflate?.on('error', (e) => fail(new BodyError(400, `invalid gzip body: ${e.message}`)));
  });
}

function tooLarge(res: http.ServerResponse, type: BodyType, max: number): void {
  // The rest of the body is not read: close the connection rather than drain it.
  res.setHeader('connection', 'close');
  status(res, 413, type, `the request is larger than the receiver's limit of ${max} bytes (after decompression)`);
}

function busy(res: http.ServerResponse, type: BodyType, budget: UploadBudget): void {
  res.setHeader('connection', 'close');
  res.setHeader('retry-after', '1');
  status(res, 503, type, `the receiver is busy reading other uploads (${budget.max} bytes at most in flight): retry later`);
}

/** An error answered with a google.rpc.Status in the request's content type (413: RESOURCE_EXHAUSTED, 503: UNAVAILABLE). */
function status(res: http.ServerResponse, code: number, type: BodyType, message: string): void {
  const grpcCode = code === 413 ? RESOURCE_EXHAUSTED : code === 503 ? UNAVAILABLE : INVALID_ARGUMENT;
  if (type === 'protobuf') send(res, code, type, encodeStatusProtobuf(grpcCode, message));
  else send(res, code, type, encodeStatusJson(grpcCode, message));
}

function send(res: http.ServerResponse, code: number, type: BodyType, body: Uint8Array | string): void {
  if (res.headersSent) return;
  res.writeHead(code, {
    'content-type': type === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
  });
  res.end(body);
}

function plain(res: http.ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
