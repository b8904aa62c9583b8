import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitmapUnion, bitmapUnionPays } from './bitmap-union.js';

/** Ascending, de-duplicated union of lists and lone references, the plain way. */
function naiveUnion(lists: number[][], lone: number[]): number[] {
  return [...new Set([...lists.flat(), ...lone])].sort((a, b) => a - b);
}

test('bitmapUnion equals the plain union for any lists and lone references (duplicates, any offset)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff - 5000 }),
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 300 }),
      (base, rawLists, rawLone) => {
        const lists = rawLists.map((l) => l.map((x) => x + base).sort((a, b) => a - b));
        const lone = rawLone.map((x) => x + base);
        const all = [...lists.flat(), ...lone];
        if (all.length === 0) return;
        const min = Math.min(...all);
        const max = Math.max(...all);
        const got = bitmapUnion(lists, lone.length > 0 ? lone : undefined, min, max, all.length);
        assert.deepEqual([...got], naiveUnion(lists, lone));
      },
    ),
  );
});

test('bitmapUnion: references at both ends of the uint32 range and at word boundaries', () => {
  const top = 0xffffffff;
  assert.deepEqual([...bitmapUnion([[top - 64, top - 33, top - 32, top]], [top - 31, top], top - 64, top, 6)], [top - 64, top - 33, top - 32, top - 31, top]);
  assert.deepEqual([...bitmapUnion([[0, 31, 32, 63, 64]], undefined, 0, 64, 5)], [0, 31, 32, 63, 64]);
});

test('bitmapUnionPays: dense unions only, and never past uint32', () => {
  assert.equal(bitmapUnionPays(100_000, 1, 1_000_000), true);
  assert.equal(bitmapUnionPays(3_000, 1, 1_000_000), false);
  assert.equal(bitmapUnionPays(10, 1, 20), false);
  assert.equal(bitmapUnionPays(1_000_000, 2 ** 32, 2 ** 32 + 1_000_000), false);
});
