import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import SnappyJS from 'snappyjs';
import { compressInto, maxCompressedLength } from './compress.js';
import { SnappyDecoder, SnappyError, snappyDecompress } from './decompress.js';

function ours(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(maxCompressedLength(src.length));
  return dst.subarray(0, compressInto(src, src.length, dst, 0));
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

test('malformed blocks: a SnappyError, never another error or a crash', () => {
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
          assert.ok(err instanceof SnappyError, String(err));
        }
      }
    }),
    { numRuns: 500 },
  );
  assert.throws(() => dec.decode(Uint8Array.of(5, 0x01 | (1 << 2), 0)), SnappyError, 'copy before any output');
  assert.throws(() => dec.decode(Uint8Array.of(3, 0x00, 7)), SnappyError, 'shorter than its preamble');
  assert.throws(() => dec.decode(Uint8Array.of(1, 0x04, 1, 2)), SnappyError, 'longer than its preamble');
});

test('snappyDecompress: a new Buffer per block, the size limit checked before allocating, Go\'s texts', () => {
  fc.assert(
    fc.property(data, (src) => {
      assert.deepEqual(new Uint8Array(snappyDecompress(ours(src))), src);
    }),
    { numRuns: 200 },
  );
  assert.throws(() => snappyDecompress(Uint8Array.of(0x80, 0x80, 0x80, 0x01), 1000), /exceeds the limit of 1000 bytes/);
  assert.throws(() => snappyDecompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f)), { message: 'snappy: decoded block is too large' });
  assert.throws(() => snappyDecompress(Uint8Array.of(0x80, 0x80, 0x04, 0x00, 0x61)), { message: 'snappy: corrupt input' }, 'claims more than its bytes can give');
  assert.throws(() => snappyDecompress(new Uint8Array(0)), { message: 'snappy: corrupt input' });
});
