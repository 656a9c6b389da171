/**
 * OTLP wire formats, decoded with the real OpenTelemetry protobuf definitions: the protobufjs static module
 * that `@opentelemetry/otlp-transformer` generates from opentelemetry-proto (pinned to 0.212.0, the last line
 * that ships `build/src/generated/root.js` with the trace and logs service requests and responses). Nothing
 * here parses protobuf by hand. Pure Node, no `vscode`.
 *
 * The generated root comes without TypeScript types (its `.d.ts` is just `Root`), so the shapes we read are
 * declared below: they mirror opentelemetry-proto field for field (only the fields we use).
 */
import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { Field, Root, Type } from 'protobufjs/light';
import generated from '@opentelemetry/otlp-transformer/build/src/generated/root';

// 64-bit integers must decode exactly (nanosecond timestamps exceed 2^53). protobufjs finds `long` with a
// dynamic require that a bundle cannot see, so it is handed over explicitly (protobufjs' documented way).
// This must be the protobufjs instance the generated root uses: package.json pins protobufjs to the exact
// version otlp-transformer 0.212.0 depends on, so npm keeps one copy.
protobuf.util.Long = Long;
protobuf.configure();

/** A uint64/int64 as decoded: a Long (or a number when it came from JSON and fits). */
export type Int64 = Long | number;

export interface PbAnyValue {
  /** The set oneof field's name (a getter of the generated class). */
  readonly value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values: PbAnyValue[] } | null;
  kvlistValue?: { values: PbKeyValue[] } | null;
  bytesValue?: Uint8Array | null;
}
export interface PbKeyValue {
  key?: string | null;
  value?: PbAnyValue | null;
}
export interface PbResource {
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
}
export interface PbScope {
  name?: string | null;
  version?: string | null;
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
}
export interface PbEvent {
  timeUnixNano?: Int64 | null;
  name?: string | null;
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
}
export interface PbLink {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
  flags?: number | null;
}
export interface PbSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  parentSpanId?: Uint8Array | null;
  flags?: number | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
  events: PbEvent[];
  droppedEventsCount?: number | null;
  links: PbLink[];
  droppedLinksCount?: number | null;
  status?: { message?: string | null; code?: number | null } | null;
}
export interface PbTraceRequest {
  resourceSpans: {
    resource?: PbResource | null;
    scopeSpans: { scope?: PbScope | null; spans: PbSpan[]; schemaUrl?: string | null }[];
    schemaUrl?: string | null;
  }[];
}
export interface PbLogRecord {
  timeUnixNano?: Int64 | null;
  observedTimeUnixNano?: Int64 | null;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount?: number | null;
  flags?: number | null;
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  eventName?: string | null;
}
export interface PbLogsRequest {
  resourceLogs: {
    resource?: PbResource | null;
    scopeLogs: { scope?: PbScope | null; logRecords: PbLogRecord[]; schemaUrl?: string | null }[];
    schemaUrl?: string | null;
  }[];
}

/** What the generated message classes offer (the subset we call). */
interface MessageType<T> {
  decode(reader: Uint8Array): T;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: object): T;
}

// The namespace path of opentelemetry-proto, as generated.
const otel = (
  generated as unknown as { opentelemetry: { proto: { collector: Record<'trace' | 'logs', { v1: Record<string, unknown> }> } } }
).opentelemetry.proto.collector;

export type Signal = 'traces' | 'logs';

const TYPES = {
  traces: {
    request: otel.trace.v1.ExportTraceServiceRequest as MessageType<PbTraceRequest>,
    response: otel.trace.v1.ExportTraceServiceResponse as MessageType<object>,
    /** gRPC method path (opentelemetry-proto `TraceService.Export`). */
    method: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  },
  logs: {
    request: otel.logs.v1.ExportLogsServiceRequest as MessageType<PbLogsRequest>,
    response: otel.logs.v1.ExportLogsServiceResponse as MessageType<object>,
    method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  },
} as const;

export const grpcMethod = (signal: Signal): string => TYPES[signal].method;

export type RequestOf<S extends Signal> = S extends 'traces' ? PbTraceRequest : PbLogsRequest;

/** Decodes an OTLP protobuf request body. Throws (with protobufjs' message) when the bytes are not one. */
export function decodeProtobuf<S extends Signal>(signal: S, body: Uint8Array): RequestOf<S> {
  return TYPES[signal].request.decode(body) as RequestOf<S>;
}

/**
 * Decodes an OTLP/JSON request body (already JSON.parse'd). OTLP/JSON differs from the canonical proto3 JSON
 * mapping in one place: trace and span ids are hex, not base64. They are turned into bytes here, then the
 * generated `fromObject` does the rest (enums as numbers or names, int64 as numbers or strings).
 */
export function decodeJson<S extends Signal>(signal: S, doc: unknown): RequestOf<S> {
  if (!isObj(doc)) throw new TypeError('the body is not a JSON object');
  const outer = signal === 'traces' ? 'resourceSpans' : 'resourceLogs';
  const middle = signal === 'traces' ? 'scopeSpans' : 'scopeLogs';
  const inner = signal === 'traces' ? 'spans' : 'logRecords';
  for (const r of arr(doc[outer])) {
    for (const s of arr(isObj(r) ? r[middle] : undefined)) {
      for (const item of arr(isObj(s) ? s[inner] : undefined)) {
        if (!isObj(item)) continue;
        hexToBytes(item, 'traceId');
        hexToBytes(item, 'spanId');
        hexToBytes(item, 'parentSpanId');
        for (const l of arr(item.links)) {
          if (!isObj(l)) continue;
          hexToBytes(l, 'traceId');
          hexToBytes(l, 'spanId');
        }
      }
    }
  }
  return TYPES[signal].request.fromObject(doc) as RequestOf<S>;
}

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** The Export response (with `partialSuccess` when something was rejected), protobuf-encoded. */
export function encodeResponseProtobuf(signal: Signal, partial?: PartialSuccess): Uint8Array {
  return TYPES[signal].response.encode(TYPES[signal].response.fromObject(responseObject(signal, partial))).finish();
}

/** The same response in OTLP/JSON (int64 as a string, as proto3 JSON writes it). */
export function encodeResponseJson(signal: Signal, partial?: PartialSuccess): string {
  return JSON.stringify(responseObject(signal, partial));
}

function responseObject(signal: Signal, partial?: PartialSuccess): object {
  if (!partial || (partial.rejected === 0 && !partial.errorMessage)) return {};
  const field = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  return { partialSuccess: { [field]: String(partial.rejected), errorMessage: partial.errorMessage } };
}

// google.rpc.Status, the error body of OTLP/HTTP (google/rpc/status.proto: code = 1, message = 2; the
// `details` field 3 is never sent). Built with protobufjs reflection, not by hand.
const StatusType = new Type('Status').add(new Field('code', 1, 'int32')).add(new Field('message', 2, 'string'));
new Root().define('google.rpc').add(StatusType);

/** gRPC status codes used in Status bodies: a 400, a 413, a 503. */
export const INVALID_ARGUMENT = 3;
export const RESOURCE_EXHAUSTED = 8;
export const UNAVAILABLE = 14;

export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  return StatusType.encode({ code, message }).finish();
}

export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

/** Decodes a google.rpc.Status (tests and clients of the HTTP receiver read error bodies with it). */
export function decodeStatusProtobuf(body: Uint8Array): { code: number; message: string } {
  const s = StatusType.toObject(StatusType.decode(body), { defaults: true }) as { code: number; message: string };
  return { code: s.code, message: s.message };
}

// --- helpers ----------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function hexToBytes(o: Obj, key: string): void {
  const v = o[key];
  if (typeof v !== 'string') return;
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(v)) throw new TypeError(`${key} must be hex in OTLP/JSON, got ${JSON.stringify(v.slice(0, 40))}`);
  o[key] = Buffer.from(v, 'hex');
}

/** Lower-case hex of an id; '' for none. */
export function hex(b: Uint8Array | null | undefined): string {
  if (!b || b.length === 0) return '';
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** A decoded uint64 as a bigint (exact). */
export function toBigInt(v: Int64 | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}
