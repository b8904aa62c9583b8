import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SlotHashTable } from './slot-hash-table.js';

/** Every slot stored under `key`, sorted. */
function slotsOf(t: SlotHashTable, key: number): number[] {
  const out: number[] = [];
  for (let e = t.next(key); e >= 0; e = t.next(key, e)) out.push(t.slotAt(e));
  return out.sort((a, b) => a - b);
}

test('slot hash table agrees with a map of key → slots under random inserts and deletes (colliding keys, growth and shrinking)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -8, max: 8 }), fc.nat({ max: 3000 })), { maxLength: 4000 }),
      fc.integer({ min: 1, max: 0x7fffffff }),
      (ops, spread) => {
        const t = new SlotHashTable();
        const ref = new Map<number, Set<number>>();
        const keyOf = new Map<number, number>();
        let n = 0;
        for (const [ins, k, slot] of ops) {
          // Few distinct keys (many collisions), some of them far apart and negative.
          const key = Math.imul(k, spread) | 0;
          if (ins && !keyOf.has(slot)) {
            t.insert(key, slot);
            keyOf.set(slot, key);
            if (!ref.has(key)) ref.set(key, new Set());
            ref.get(key)!.add(slot);
          } else if (!ins) {
            const had = keyOf.get(slot);
            assert.equal(t.delete(key, slot), had === key);
            if (had === key) {
              keyOf.delete(slot);
              ref.get(key)!.delete(slot);
            }
          }
          // Also in the middle of incremental resizes, not only once they are done.
          if (++n % 101 === 0) for (const [key, slots] of ref) assert.deepEqual(slotsOf(t, key), [...slots].sort((a, b) => a - b));
        }
        assert.equal(t.size, keyOf.size);
        for (const [key, slots] of ref) assert.deepEqual(slotsOf(t, key), [...slots].sort((a, b) => a - b));
      },
    ),
    { numRuns: 60 },
  );
});

test('slot hash table holds a million entries and finds each by key', () => {
  const t = new SlotHashTable();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) t.insert(Math.imul(i, 0x45d9f3b) | 0, i);
  assert.equal(t.size, n);
  for (let i = 0; i < n; i += 997) assert.deepEqual(slotsOf(t, Math.imul(i, 0x45d9f3b) | 0), [i]);
  for (let i = 0; i < n; i++) {
    assert.ok(t.delete(Math.imul(i, 0x45d9f3b) | 0, i));
    // Entries not deleted yet are still found while the table shrinks step by step.
    if (i % 9973 === 0 && i + 1 < n) assert.deepEqual(slotsOf(t, Math.imul(n - 1, 0x45d9f3b) | 0), [n - 1]);
  }
  assert.equal(t.size, 0);
  assert.ok(t.bytes <= 1024 * 8 * 2);
});
