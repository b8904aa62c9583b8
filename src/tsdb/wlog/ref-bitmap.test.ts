import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRefBitmap, hasRef, setRef } from './ref-bitmap.js';

test('buildRefBitmap sets exactly the references given (positions without a series and references past maxRef left out)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: -1, max: 5000 }), { maxLength: 10_000 }), fc.array(fc.nat(5000), { maxLength: 50 }), fc.nat(5000), async (table, extra, maxRef) => {
      const bits = await buildRefBitmap(maxRef, table.length, (i) => table[i]!, extra, 0);
      const want = new Set([...table, ...extra].filter((r) => r >= 0 && r <= maxRef));
      for (let ref = -1; ref <= 5001; ref++) assert.equal(hasRef(bits, ref), want.has(ref), `ref ${ref}`);
    }),
    { numRuns: 50 },
  );
});

test('setRef and hasRef ignore references outside the bitmap', () => {
  const bits = new Uint8Array(2);
  setRef(bits, 16);
  setRef(bits, -3);
  assert.deepEqual([...bits], [0, 0]);
  setRef(bits, 15);
  assert.ok(hasRef(bits, 15) && !hasRef(bits, 16) && !hasRef(bits, -1));
});

test('buildRefBitmap gives the event loop turns on a big table (one per slice)', async () => {
  const n = 1_000_000;
  let turns = 0;
  let building = true;
  const tick = (): void => {
    turns++;
    if (building) setImmediate(tick);
  };
  setImmediate(tick);
  // A zero budget takes a turn at every clock check (every 4096 positions), however fast the machine.
  const bits = await buildRefBitmap(n, n, (i) => (i % 3 === 0 ? i : -1), [], 0);
  building = false;
  assert.ok(turns >= 100, `only ${turns} turns`);
  assert.ok(hasRef(bits, 999_999) && !hasRef(bits, 999_998));
});
