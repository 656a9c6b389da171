/** The logs panel's pure parts: protocol guards, answer chunks, the line list, ranges, route queries. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_LINES, DEFAULT_LOGS_STATE, isLogsState, isLogsToHost, linesMessages } from '../../../src/webview/protocol/logs';
import { isWaterfallToHost } from '../../../src/webview/protocol/waterfall';
import { LogList, MAX_LINES, formatTs } from '../../../src/webview/app/lib/logList';
import { makeLogLine } from '../../../src/core/logs/model';
import { rangeNs } from '../../../src/core/logs/time';
import { routeLogsQuery, routePattern, routePrefix } from '../../../src/core/logs/correlation';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const line = (i: number, text = `line ${i}`) => makeLogLine(String(1767225600000000000n + BigInt(i)), text, { app: 'shop' });

describe('logs protocol guards', () => {
  it('accepts the known messages with valid fields only', () => {
    assert.ok(isLogsToHost({ type: 'ready' }));
    assert.ok(isLogsToHost({ type: 'run', state: DEFAULT_LOGS_STATE }));
    assert.ok(isLogsToHost({ type: 'tail', on: true, state: { ...DEFAULT_LOGS_STATE, range: { from: '2026-01-01T00:00:00Z', to: 'x' } } }));
    assert.ok(isLogsToHost({ type: 'complete', id: 3, query: '{a="', offset: 4 }));
    assert.ok(isLogsToHost({ type: 'openTrace', traceId: TRACE }));
    assert.ok(isLogsToHost({ type: 'copy', text: '<script>x</script>' }));

    assert.ok(!isLogsToHost({ type: 'complete', id: 3, query: '{a="', offset: 5 }), 'offset past the query');
    assert.ok(!isLogsToHost({ type: 'openTrace', traceId: 'javascript:alert(1)' }));
    assert.ok(!isLogsToHost({ type: 'openTrace', traceId: TRACE.toUpperCase() }));
    assert.ok(!isLogsToHost({ type: 'run', state: { ...DEFAULT_LOGS_STATE, range: { since: '1y' } } }));
    assert.ok(!isLogsToHost({ type: 'run', state: { ...DEFAULT_LOGS_STATE, local: { ...DEFAULT_LOGS_STATE.local, level: 'loud' } } }));
    assert.ok(!isLogsToHost({ type: 'tail', on: 'yes', state: DEFAULT_LOGS_STATE }));
    assert.ok(!isLogsToHost({ type: 'copy', text: 7 }));
    assert.ok(!isLogsToHost({ type: 'openUrl', url: 'https://evil' }));
    assert.ok(!isLogsToHost(null));
  });

  it('a persisted state is a query, a range and the local filter — nothing else restores', () => {
    assert.ok(isLogsState({ query: '{a="b"}', range: { since: '7d' }, local: DEFAULT_LOGS_STATE.local }));
    assert.ok(!isLogsState({ query: 1, range: 'file:///etc' }));
    assert.ok(!isLogsState({ query: 'x'.repeat(70_000), range: { since: '5m' }, local: DEFAULT_LOGS_STATE.local }));
    assert.ok(!isLogsState(undefined));
  });

  it('the waterfall asks for "Logs for this trace" with an optional valid row', () => {
    assert.ok(isWaterfallToHost({ type: 'traceLogs' }));
    assert.ok(isWaterfallToHost({ type: 'traceLogs', row: 2 }));
    assert.ok(!isWaterfallToHost({ type: 'traceLogs', row: -1 }));
    assert.ok(!isWaterfallToHost({ type: 'traceLogs', row: '2' }));
  });
});

describe('a query answer crosses in chunks', () => {
  const meta = { startNs: '1', endNs: '2', warnings: ['w'], limited: false };
  it('the first chunk replaces, the next ones add below, the last says complete', () => {
    const lines = Array.from({ length: 2 * CHUNK_LINES + 1 }, (_, i) => line(i));
    const ms = linesMessages(lines, meta);
    assert.deepEqual(
      ms.map((m) => [m.type, 'lines' in m ? m.lines.length : 0, 'complete' in m ? m.complete : undefined]),
      [
        ['lines', CHUNK_LINES, false],
        ['more', CHUNK_LINES, false],
        ['more', 1, true],
      ],
    );
    assert.deepEqual(
      ms.flatMap((m) => ('lines' in m ? m.lines : [])),
      lines,
    );
    assert.deepEqual(linesMessages([], meta), [{ type: 'lines', lines: [], ...meta, complete: true }]);
  });
});

describe('the panel’s line list', () => {
  it('filters with highlights; a tail batch (oldest first) goes on top, filtered on its own; chunks go below', () => {
    const list = new LogList();
    list.set([line(2, 'GET /cart 200 cart'), line(1, 'GET /home 200'), makeLogLine('0', 'no match here', { app: 'CART-svc' })]);
    list.setFilter('Cart');
    assert.deepEqual(
      list.shown.map((l) => [l.line, list.highlights(l, 1000), list.highlights(l, 12)]),
      [
        [
          'GET /cart 200 cart',
          [
            [5, 9],
            [14, 18],
          ],
          [[5, 9]],
        ],
        ['no match here', [], []],
      ],
    );
    list.setFilter('cart');
    assert.equal(list.append([line(3, 'POST /cart 201'), line(4, 'GET /about 200'), line(5, 'DELETE /cart 204')]), 2);
    assert.deepEqual(
      list.lines.map((l) => l.line),
      ['DELETE /cart 204', 'GET /about 200', 'POST /cart 201', 'GET /cart 200 cart', 'GET /home 200', 'no match here'],
    );
    assert.deepEqual(
      list.shown.map((l) => l.line),
      ['DELETE /cart 204', 'POST /cart 201', 'GET /cart 200 cart', 'no match here'],
    );
    list.push([line(0, 'GET /cart/old 200')]);
    assert.equal(list.shown.at(-1)!.line, 'GET /cart/old 200');
    list.setFilter('');
    assert.equal(list.shown.length, 7);
  });

  it('search text is prepared ahead in bounded slices; a filter afterwards finds the same lines', () => {
    const list = new LogList();
    list.set(Array.from({ length: 25 }, (_, i) => line(i, i % 5 ? 'GET /home' : 'GET /cart')));
    assert.equal(list.warm(10), false);
    assert.equal(list.warm(10), false);
    assert.equal(list.warm(10), true);
    list.append([line(30, 'POST /cart')]);
    assert.equal(list.warm(10), true, 'only the new line was missing');
    list.setFilter('CART');
    assert.equal(list.shown.length, 6);
  });

  it('holds at most MAX_LINES: the oldest go first', () => {
    const list = new LogList();
    list.set(Array.from({ length: MAX_LINES }, (_, i) => line(MAX_LINES - i)));
    list.push([line(0)]);
    assert.equal(list.lines.length, MAX_LINES, 'a chunk past the cap is not kept');
    for (let b = 0; b < 11; b++) list.append(Array.from({ length: 1000 }, (_, i) => line(MAX_LINES + 1 + b * 1000 + i)));
    assert.equal(list.lines.length, MAX_LINES);
    assert.equal(list.shown.length, MAX_LINES);
    assert.equal(list.lines[0]!.line, `line ${MAX_LINES + 11_000}`);
  });

  it('timestamps show in UTC to the millisecond', () => {
    assert.equal(formatTs('1767225600123456789'), '2026-01-01 00:00:00.123');
    assert.equal(formatTs('123456789012345'), '1970-01-02 10:17:36.789');
  });
});

describe('time ranges and route queries', () => {
  it('relative and absolute ranges in epoch ns; bad ones are explained', () => {
    assert.deepEqual(rangeNs({ since: '5m' }, 1_000_000), {
      startNs: String(700_000n * 1_000_000n),
      endNs: String(1_000_000n * 1_000_000n),
    });
    assert.deepEqual(rangeNs({ from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00.5Z' }), {
      startNs: '1767225600000000000',
      endNs: '1767229200500000000',
    });
    assert.match((rangeNs({ from: '2026-01-01T01:00:00Z', to: '2026-01-01T00:00:00Z' }) as { error: string }).error, /before its end/);
    assert.match((rangeNs({ from: 'yesterday', to: 'now' }) as { error: string }).error, /RFC 3339/);
  });

  it("a route's logs: its paths as a pattern, parameters of every framework, inert service names", () => {
    assert.equal(routePattern('/api/orders/{order_id}'), '/api/orders/[^/?#" ]+');
    assert.equal(routePattern('/products/:id/inventory'), '/products/[^/?#" ]+/inventory');
    assert.equal(routePattern('/a.b/<int:id>'), '/a\\.b/[^/?#" ]+');
    assert.equal(routePrefix('/products/:id/inventory'), '/products/');
    assert.deepEqual(routeLogsQuery('/products/:id', 'node-api'), { query: '{service_name="node-api"} |~ "/products/[^/?#\\" ]+"' });
    const r = routeLogsQuery('/x', 'a"} |= "" or {b=~".*');
    assert.ok('query' in r && r.query.startsWith('{service_name="a\\"} |= \\"\\" or {b=~\\".*"}'));
  });
});
