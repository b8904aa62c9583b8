import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../model/labels/index.js';
import type { Alert } from './alert.js';
import { AlertQueue } from './queue.js';

const alert = (n: number): Alert => ({ labels: Labels.fromStrings('n', String(n)), annotations: Labels.EMPTY, startsAt: n, endsAt: n, generatorURL: '' });
const ids = (as: readonly Alert[]) => as.map((a) => a.startsAt);
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => alert(from + i));

test('AlertQueue: FIFO; a full queue drops its oldest alerts for new ones', () => {
  const q = new AlertQueue(5);
  assert.deepEqual(q.push(range(0, 3)), { droppedFromBatch: 0, droppedFromQueue: 0 });
  assert.deepEqual(q.push(range(3, 4)), { droppedFromBatch: 0, droppedFromQueue: 2 });
  assert.equal(q.length, 5);
  assert.deepEqual(ids(q.take(2)), [2, 3]);
  assert.deepEqual(ids(q.take(10)), [4, 5, 6]);
  assert.equal(q.length, 0);
  assert.deepEqual(q.take(3), []);
});

test('AlertQueue: a batch larger than the capacity keeps its newest alerts and empties the queue', () => {
  const q = new AlertQueue(3);
  q.push(range(0, 2));
  assert.deepEqual(q.push(range(10, 5)), { droppedFromBatch: 2, droppedFromQueue: 2 });
  assert.deepEqual(ids(q.take(5)), [12, 13, 14]);
});

test('AlertQueue refuses a capacity below 1', () => {
  assert.throws(() => new AlertQueue(0), RangeError);
  assert.throws(() => new AlertQueue(1.5), RangeError);
});

test('AlertQueue behaves as an array model under any sequence of pushes and takes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 30 }) }), fc.record({ take: fc.integer({ min: 0, max: 30 }) })), { maxLength: 60 }), (cap, ops) => {
      const q = new AlertQueue(cap);
      let model: number[] = [];
      let next = 0;
      for (const op of ops) {
        if ('push' in op) {
          const batch = range(next, op.push);
          next += op.push;
          const r = q.push(batch);
          const all = [...model, ...ids(batch)];
          const dropped = Math.max(0, all.length - cap);
          model = all.slice(dropped);
          assert.equal(r.droppedFromBatch + r.droppedFromQueue, dropped);
        } else {
          assert.deepEqual(ids(q.take(op.take)), model.slice(0, op.take));
          model = model.slice(op.take);
        }
        assert.equal(q.length, model.length);
      }
    }),
  );
});
