/** Log query time (durations, RFC 3339 to the ns), which keys may carry a trace id, and `__error__` labels. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { durationNs, nsToRfc3339, rfc3339ToNs } from '../../../src/core/logs/time';
import { makeLogLine } from '../../../src/core/logs/model';

const HEX32 = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('log query time', () => {
  it('durations in Loki style, compound ones included; anything else is rejected', () => {
    assert.equal(durationNs('1h'), 3_600_000_000_000n);
    assert.equal(durationNs('1h30m'), 5_400_000_000_000n);
    assert.equal(durationNs('2d'), 172_800_000_000_000n);
    assert.equal(durationNs('500ms'), 500_000_000n);
    for (const bad of ['', '1', 'h', '1 h', '-1h', '1.5h', '0s', 'yesterday']) assert.equal(durationNs(bad), undefined, bad);
  });

  it('RFC 3339 keeps every nanosecond and honours offsets; impossible dates are rejected', () => {
    assert.equal(rfc3339ToNs('2026-01-01T00:00:00Z'), '1767225600000000000');
    assert.equal(rfc3339ToNs('2026-01-01T00:00:00.123456789Z'), '1767225600123456789');
    assert.equal(rfc3339ToNs('2026-01-01T01:00:00.5+01:00'), '1767225600500000000');
    for (const bad of ['2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', 'now', '2026-01-01T00:00:00.1234567890Z']) {
      assert.equal(rfc3339ToNs(bad), undefined, bad);
    }
    assert.equal(nsToRfc3339('1767225600000000001'), '2026-01-01T00:00:00.000000001Z');
  });
});

describe('trace id keys in a line', () => {
  it('trace_id / traceId / traceID as logfmt keys or JSON fields, and traceparent values, are trace ids', () => {
    assert.equal(makeLogLine('1', `msg=ok trace_id=${HEX32}`, {}).traceId, HEX32);
    assert.equal(makeLogLine('1', JSON.stringify({ traceID: HEX32.toUpperCase() }), {}).traceId, HEX32);
    assert.equal(makeLogLine('1', `{"msg":"x", "traceId": "${HEX32}"}`, {}).traceId, HEX32);
    assert.equal(makeLogLine('1', `traceparent=00-${HEX32}-00f067aa0ba902b7-01`, {}).spanId, '00f067aa0ba902b7');
  });

  it('a hex string under any other name is not a trace id (an md5 is not one)', () => {
    for (const line of [
      `upload ok md5=${HEX32}`,
      `parent_trace_id=${HEX32}`,
      `traceid=${HEX32}`,
      `trace-id=${HEX32}`,
      JSON.stringify({ 'otel.trace_id': HEX32 }),
      JSON.stringify({ request: HEX32 }),
      `trace_id=${HEX32}ff`,
    ]) {
      assert.equal(makeLogLine('1', line, {}).traceId, undefined, line);
    }
    assert.equal(makeLogLine('1', 'x', {}, { traceid: HEX32, checksum: HEX32 }).traceId, undefined);
  });
});

describe('__error__ labels', () => {
  it('a failed parser stage is reported on the line, from the stream labels or the parsed fields', () => {
    const json = makeLogLine('1', '"hello', { place: 'moon', __error__: 'JSONParserErr', __error_details__: 'Value looks like string' });
    assert.deepEqual(json.parseError, { error: 'JSONParserErr', details: 'Value looks like string' });
    assert.deepEqual(makeLogLine('1', '"hello', { place: 'moon' }, {}, { __error__: 'LogfmtParserErr' }).parseError, {
      error: 'LogfmtParserErr',
    });
    assert.equal(makeLogLine('1', 'text=ok', { place: 'moon', text: 'ok' }).parseError, undefined);
  });
});
