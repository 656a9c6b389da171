/** Metric lint runs on every edit in the extension host: its parse yields, and huge files are skipped (issue 11, finding 12). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintMetrics } from '../../../src/core/lint/metricLint';
import { macrotasksDuring } from '../../support/eventLoop';

const COUNTER = "from prometheus_client import Counter\nROWS = Counter('rows_count', 'Rows')\n";

test('a large file is parsed in slices: other tasks run during the lint, results unchanged', async () => {
  const text = COUNTER + 'def f(x):\n    return [x + i for i in range(10)]\n'.repeat(20_000);
  const { result, ticks } = await macrotasksDuring(() => lintMetrics(text, '/big.py', { sliceMs: 0, maxBytes: 8 * 1024 * 1024 }));
  assert.ok(ticks >= 3, `other tasks ran only ${ticks} times during the lint`);
  assert.deepEqual(
    result.map((d) => d.code),
    (await lintMetrics(COUNTER, '/small.py')).map((d) => d.code),
  );
});

test('a file over the size cap is not linted', async () => {
  const text = COUNTER + '#'.repeat(2 * 1024 * 1024);
  assert.ok((await lintMetrics(COUNTER, '/small.py')).length > 0);
  assert.deepEqual(await lintMetrics(text, '/huge.py'), []);
  assert.ok((await lintMetrics(text, '/huge.py', { maxBytes: 4 * 1024 * 1024 })).length > 0);
});
