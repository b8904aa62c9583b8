import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SLICE_MS, TURN_SLACK_MS, sliceAfter, takeTurn } from './turns.js';

/** Holds the thread for `ms` (stands in for a scrape append between two slices). */
function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('sliceAfter keeps the turn near one slice plus the slack, within the minimum and the slice', () => {
  assert.equal(sliceAfter(0, 20, 5, 4), 20);
  assert.equal(sliceAfter(5, 20, 5, 4), 20);
  assert.equal(sliceAfter(10, 20, 5, 4), 15);
  assert.equal(sliceAfter(21, 20, 5, 4), 4);
  assert.equal(sliceAfter(80, 20, 5, 4), 4);
  assert.equal(sliceAfter(80, 2, 5, 4), 2, 'a minimum above the slice is capped by the slice');
  assert.equal(sliceAfter(10, 20), sliceAfter(10, 20, TURN_SLACK_MS, MIN_SLICE_MS));
});

test('takeTurn resolves with the time other work held the loop since the caller yielded', async () => {
  // From the check phase, a timer that is due by the time the loop runs again blocks it for
  // 30 ms in the next turn's timers phase, between the yield and the resumption.
  await new Promise((r) => setImmediate(r));
  setTimeout(() => busyWait(30), 0);
  busyWait(3);
  const busy = await takeTurn();
  assert.ok(busy >= 29, `busy ${busy} ms`);
});

test('waiters resume one per turn, oldest first, each told a non-negative busy time', async () => {
  const order: number[] = [];
  const busy: number[] = [];
  await Promise.all(
    [0, 1, 2].map(async (i) => {
      busy.push(await takeTurn());
      order.push(i);
    }),
  );
  assert.deepEqual(order, [0, 1, 2]);
  for (const b of busy) assert.ok(b >= 0);
});
