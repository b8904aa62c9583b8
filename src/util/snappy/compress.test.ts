/**
 * compressInto against the reference decoder (`snappyjs.uncompress`): every output decodes to
 * the input, for random and repetitive data and around the 64 KiB block boundaries, stays within
 * maxCompressedLength, leaves the rest of the output buffer alone, and compresses a WAL-like
 * samples record about as well as snappyjs' own compressor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import SnappyJS from 'snappyjs';
import { compressInto, maxCompressedLength } from './index.js';

function compress(src: Uint8Array, dstOff = 0): Uint8Array {
  const dst = new Uint8Array(dstOff + maxCompressedLength(src.length));
  const n = compressInto(src, src.length, dst, dstOff);
  assert.ok(n <= maxCompressedLength(src.length));
  return dst.subarray(dstOff, dstOff + n);
}

function roundTrip(src: Uint8Array): number {
  const c = compress(src);
  const back = SnappyJS.uncompress(c);
  assert.equal(back.length, src.length);
  assert.ok(Buffer.from(back.buffer, back.byteOffset, back.length).equals(Buffer.from(src.buffer, src.byteOffset, src.length)));
  return c.length;
}

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A WAL samples record as upstream encodes it: type 2, first ref/ts, then per sample varint deltas and a big-endian float64. */
function samplesRecord(samples: number, scrape: number): Uint8Array {
  const out = new Uint8Array(17 + samples * 30);
  const dv = new DataView(out.buffer);
  let p = 0;
  out[p++] = 2;
  const ref0 = 1000n;
  const ts0 = 1_700_000_000_000n + BigInt(scrape) * 15_000n;
  dv.setBigUint64(p, ref0);
  dv.setBigUint64(p + 8, ts0);
  p += 16;
  const putVarint = (v: number): void => {
    let u = v >= 0 ? v * 2 : -v * 2 - 1; // zig-zag
    while (u >= 0x80) {
      out[p++] = (u & 0x7f) | 0x80;
      u = Math.floor(u / 128);
    }
    out[p++] = u;
  };
  for (let i = 0; i < samples; i++) {
    putVarint(i); // ref delta from the first
    putVarint(i % 7 === 0 ? 1 : 0); // ts delta: nearly all samples of a scrape share a timestamp
    // Counters, gauges with a few decimals, and histogram-bucket-like small integers.
    const kind = i % 4;
    const v = kind === 0 ? 1e6 + scrape * 37 + i : kind === 1 ? Math.round(Math.sin(i + scrape) * 1e4) / 100 : kind === 2 ? (i * 13) % 500 : 0;
    dv.setFloat64(p, v);
    p += 8;
  }
  return out.subarray(0, p);
}

test('empty and tiny inputs decode back', () => {
  assert.deepEqual([...compress(new Uint8Array(0))], [0]);
  for (let n = 1; n <= 40; n++) roundTrip(noise(n, n));
  for (let n = 1; n <= 40; n++) roundTrip(new Uint8Array(n).fill(7));
});

test('sizes around the 64 KiB blocks, random and repetitive', () => {
  for (const n of [65535, 65536, 65537, 2 * 65536 - 1, 2 * 65536, 2 * 65536 + 16, 3 * 65536 + 5]) {
    roundTrip(noise(n, n));
    const rep = new Uint8Array(n);
    for (let i = 0; i < n; i++) rep[i] = (i % 251) ^ (i >>> 12);
    roundTrip(rep);
    assert.ok(roundTrip(new Uint8Array(n)) < n / 20, 'zeros compress');
  }
});

test('1 MiB of mixed data', () => {
  const n = 1 << 20;
  const src = noise(n, 99);
  for (let i = 0; i < n; i += 4096) src.fill(i & 0xff, i, i + 1024); // runs between noise
  src.copyWithin(300_000, 100_000, 200_000); // a long repeat across blocks
  roundTrip(src);
});

test('random inputs (fast-check)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (a) => {
      roundTrip(a);
    }),
    { numRuns: 300 },
  );
});

test('repetitive random inputs (fast-check): pieces repeated at random distances', () => {
  const piece = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 40 }));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 0, max: 70_000 }), (pieces, pad) => {
      const parts: Uint8Array[] = [new Uint8Array(pad % 3 === 0 ? pad : 0)];
      for (const [bytes, times] of pieces) for (let i = 0; i < times; i++) parts.push(bytes);
      roundTrip(Buffer.concat(parts));
    }),
    { numRuns: 150 },
  );
});

test('writes only its own range of the output buffer', () => {
  const src = samplesRecord(200, 3);
  const dst = new Uint8Array(10 + maxCompressedLength(src.length) + 10).fill(0xee);
  const n = compressInto(src, src.length, dst, 10);
  assert.ok(dst.subarray(0, 10).every((b) => b === 0xee));
  assert.ok(dst.subarray(10 + n).every((b) => b === 0xee));
  assert.deepEqual([...SnappyJS.uncompress(dst.subarray(10, 10 + n))], [...src]);
  // srcLen shorter than the array: only the prefix is compressed.
  const m = compressInto(src, 50, dst, 0);
  assert.deepEqual([...SnappyJS.uncompress(dst.subarray(0, m))], [...src.subarray(0, 50)]);
});

test('rejects a too-small output buffer and a bad length', () => {
  const src = noise(100, 1);
  assert.throws(() => compressInto(src, 100, new Uint8Array(maxCompressedLength(100) - 1), 0), RangeError);
  assert.throws(() => compressInto(src, 101, new Uint8Array(1000), 0), RangeError);
});

test('ratio on WAL samples records is within 10% of snappyjs', () => {
  for (const [samples, scrape] of [
    [100, 1],
    [1000, 2],
    [5000, 3],
  ] as const) {
    const rec = samplesRecord(samples, scrape);
    const ours = roundTrip(rec);
    const theirs = SnappyJS.compress(rec).length;
    assert.ok(ours <= theirs * 1.1, `${samples} samples: ours ${ours} B, snappyjs ${theirs} B, raw ${rec.length} B`);
    assert.ok(ours < rec.length, 'the record compresses');
  }
});
