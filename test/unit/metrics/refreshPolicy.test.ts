import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRefresh, RefreshQueue } from '../../../src/core/metrics/refreshPolicy';

/** A promise settled from the outside: each test decides when "Prometheus answers". */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run (no timers involved). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('decideRefresh: when the inline numbers refresh', () => {
  const routes = ['GET /api/orders', 'POST /api/orders'];

  test('an unfocused window still refreshes a route on screen that has no current numbers', () => {
    const d = decideRefresh({ force: false, focused: false, visible: routes, isCurrent: (r) => r !== 'POST /api/orders' });
    assert.equal(d.refresh, true);
    assert.match(d.why, /1 route\(s\) on screen without current numbers/);
  });

  test('an unfocused window whose numbers on screen are current waits for focus', () => {
    assert.deepEqual(decideRefresh({ force: false, focused: false, visible: routes, isCurrent: () => true }), {
      refresh: false,
      why: 'window not focused and the numbers on screen are current',
    });
  });

  test('a focused window refreshes periodically; nothing on screen, nothing to refresh; a request always refreshes', () => {
    assert.equal(decideRefresh({ force: false, focused: true, visible: routes, isCurrent: () => true }).refresh, true);
    assert.equal(decideRefresh({ force: false, focused: true, visible: [], isCurrent: () => false }).refresh, false);
    assert.equal(decideRefresh({ force: true, focused: false, visible: [], isCurrent: () => true }).refresh, true);
  });
});

describe('RefreshQueue: one refresh at a time, no request lost', () => {
  test('routes that change while a refresh runs get a refresh of their own right after it', async () => {
    // The first file opened: its routes are resolved before the workspace scan knows the prefix, a refresh
    // starts with those paths, the scan then resolves the real paths while Prometheus has not answered yet.
    let routes = '/orders';
    const seen: string[] = [];
    const answers: Array<ReturnType<typeof deferred>> = [];
    const queue = new RefreshQueue(async () => {
      seen.push(routes);
      const answer = deferred();
      answers.push(answer);
      await answer.promise;
    });
    const first = queue.request(false);
    routes = '/api/orders'; // the scan finished
    let secondDone = false;
    const second = queue.request(false).then(() => (secondDone = true));
    await settle();
    assert.deepEqual(seen, ['/orders'], 'one refresh at a time');
    answers[0]!.resolve(); // Prometheus answers the stale refresh
    await first;
    await settle();
    assert.deepEqual(seen, ['/orders', '/api/orders'], 'the stale refresh is followed by one with the current routes');
    assert.equal(secondDone, false, 'the later request waits for the refresh that saw its routes');
    answers[1]!.resolve();
    await second;
    assert.equal(queue.busy, false);
  });

  test('requests made during a refresh share one follow-up, forced if any of them was', async () => {
    const runs: boolean[] = [];
    const answers: Array<ReturnType<typeof deferred>> = [];
    const queue = new RefreshQueue(async (force) => {
      runs.push(force);
      const answer = deferred();
      answers.push(answer);
      await answer.promise;
    });
    void queue.request(false);
    const a = queue.request(false);
    const b = queue.request(true); // "Refresh Metrics" while a refresh is under way
    const c = queue.request(false);
    assert.equal(b, a);
    assert.equal(c, a);
    answers[0]!.resolve();
    await settle();
    assert.deepEqual(runs, [false, true]);
    answers[1]!.resolve();
    await Promise.all([a, b, c]);
    assert.deepEqual(runs, [false, true], 'no refresh beyond the one follow-up');
  });

  test('a refresh that fails does not stop the queue, and no request rejects', async () => {
    let calls = 0;
    const queue = new RefreshQueue(async () => {
      calls++;
      if (calls === 1) throw new Error('Prometheus unreachable');
    });
    const first = queue.request(false);
    const second = queue.request(false);
    await assert.doesNotReject(first);
    await assert.doesNotReject(second);
    assert.equal(calls, 2);
    await queue.request(true);
    assert.equal(calls, 3, 'an idle queue runs a request at once');
  });
});
