import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import SnappyJS from 'snappyjs';
import { snappyCompressInto, snappyMaxCompressedLength } from '../../util/index.js';
import { SnappyDecodeError, SnappyDecoder } from './snappy-decode.js';

function ours(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(snappyMaxCompressedLength(src.length));
  return dst.subarray(0, snappyCompressInto(src, src.length, dst, 0));
}

/** Bytes with repeats near and far (copies with 1-, 2- and 4-byte offsets, overlapping ones). */
const data = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 30 })), { maxLength: 60 }).map((parts) => {
    const out: number[] = [];
    for (const [p, n] of parts) for (let i = 0; i < n; i++) out.push(...p);
    return Uint8Array.from(out);
  }),
);

test('decodes what both compressors (ours and snappyjs) write, reusing its buffer between blocks', () => {
  const dec = new SnappyDecoder();
  fc.assert(
    fc.property(data, (src) => {
      assert.deepEqual(dec.decode(ours(src)), src);
      assert.deepEqual(dec.decode(SnappyJS.compress(src)), src);
    }),
    { numRuns: 300 },
  );
  // A block longer than 64 KiB (4-byte literal lengths, far copies).
  const big = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 27);
  assert.deepEqual(dec.decode(SnappyJS.compress(big)), big);
  assert.deepEqual(dec.decode(ours(new Uint8Array(0))), new Uint8Array(0));
});

test('malformed blocks: a SnappyDecodeError, never another error or a crash', () => {
  const dec = new SnappyDecoder();
  fc.assert(
    fc.property(data, fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(), (src, junk, at) => {
      const c = Uint8Array.from(SnappyJS.compress(src));
      const cut = c.subarray(0, at % (c.length + 1));
      const flipped = c.slice();
      for (let k = 0; k < junk.length; k++) flipped[(at + k) % flipped.length] ^= junk[k]! | 1;
      for (const bad of [cut, flipped, junk]) {
        try {
          dec.decode(bad);
        } catch (err) {
          assert.ok(err instanceof SnappyDecodeError, String(err));
        }
      }
    }),
    { numRuns: 500 },
  );
  assert.throws(() => dec.decode(Uint8Array.of(5, 0x01 | (1 << 2), 0)), SnappyDecodeError, 'copy before any output');
  assert.throws(() => dec.decode(Uint8Array.of(3, 0x00, 7)), SnappyDecodeError, 'shorter than its preamble');
  assert.throws(() => dec.decode(Uint8Array.of(1, 0x04, 1, 2)), SnappyDecodeError, 'longer than its preamble');
});
