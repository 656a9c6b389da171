/** "Logs for this trace": the LogQL built from the template, with hostile service names kept inert. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { traceLogsQuery } from '../../../src/core/logs/correlation';

const TID = '4BF92F3577B34DA6A3CE929D0E0E4736';

describe('traceLogsQuery', () => {
  it('fills the default template with the service and the lowercase trace id', () => {
    assert.deepEqual(traceLogsQuery(TID, 'checkout'), { query: '{service_name="checkout"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"' });
  });

  it('a hostile service name stays inside its string; custom templates; invalid ids and templates are refused', () => {
    const r = traceLogsQuery(TID, 'x"} |= "" or {a=~".*');
    assert.ok('query' in r);
    assert.equal(r.query, '{service_name="x\\"} |= \\"\\" or {a=~\\".*"} | trace_id="4bf92f3577b34da6a3ce929d0e0e4736"');
    assert.deepEqual(traceLogsQuery(TID, 'shop', '{app="${service}"} |= "${traceId}"'), {
      query: '{app="shop"} |= "4bf92f3577b34da6a3ce929d0e0e4736"',
    });
    assert.match((traceLogsQuery('md5:abc', 'shop') as { error: string }).error, /^not a trace id/);
    assert.match(
      (traceLogsQuery(TID, 'shop', '{app=${service}}') as { error: string }).error,
      /^the logs query template gives invalid LogQL/,
    );
  });
});
