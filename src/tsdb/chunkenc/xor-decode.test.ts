import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FloatSampleBuffer } from '../../storage/index.js';
import { ValueType } from '../../storage/index.js';
import { XorChunk } from './xor.js';
import { XorIterator } from './xor-iterator.js';
import { floatFromBits, floatHi, floatLo } from './float-bits.js';
import { XOR_DECODE_DONE, XOR_DECODE_FALLBACK, XOR_DECODE_PAST_MAXT, decodeXorFloats } from './xor-decode.js';

/** A growable buffer as the query engine's window provides (starts tiny to exercise `reserve`). */
function buffer(): FloatSampleBuffer {
  return {
    t: new Float64Array(2),
    f: new Float64Array(2),
    n: 0,
    reserve(min: number) {
      let cap = this.t.length * 2;
      while (cap < min) cap *= 2;
      const t = new Float64Array(cap);
      t.set(this.t);
      this.t = t;
      const f = new Float64Array(cap);
      f.set(this.f);
      this.f = f;
    },
  };
}

/** What the iterator yields within `[mint, maxt]`, values as bit-pattern strings. */
function viaIterator(b: Uint8Array, off: number, len: number, mint: number, maxt: number): string[] {
  const it = new XorIterator();
  it.resetAt(b, off, len);
  const out: string[] = [];
  while (it.next() === ValueType.Float) {
    const t = it.atT();
    if (t > maxt) break;
    if (t >= mint) out.push(`${t}:${it.valueHi().toString(16)}:${it.valueLo().toString(16)}`);
  }
  return out;
}

function viaDecoder(b: Uint8Array, off: number, len: number, mint: number, maxt: number): { r: number; out: string[] } {
  const buf = buffer();
  const r = decodeXorFloats(b, off, len, mint, maxt, buf);
  const out: string[] = [];
  for (let i = 0; i < buf.n; i++) out.push(`${buf.t[i]}:${floatHi(buf.f[i]!).toString(16)}:${floatLo(buf.f[i]!).toString(16)}`);
  return { r, out };
}

const sampleArb = fc.record({
  dt: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 2 ** 20 }), fc.integer({ min: 1, max: 2 ** 40 })),
  v: fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.double(),
    fc.tuple(fc.nat(0xffffffff), fc.nat(0xffffffff)).map(([h, l]) => floatFromBits(h, l)),
    fc.constant(floatFromBits(0x7ff00000, 2)),
  ),
});

test('bulk decoding yields exactly what the iterator yields, bit for bit, within [mint, maxt]', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 44), max: 2 ** 44 }),
      fc.array(sampleArb, { minLength: 1, maxLength: 130 }),
      fc.nat(3),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (t0, samples, pad, a, b) => {
        const c = new XorChunk();
        const app = c.appender();
        let t = t0;
        const ts: number[] = [];
        for (const s of samples) {
          t += s.dt;
          ts.push(t);
          app.append(t, s.v);
        }
        const bytes = c.bytes();
        // In the middle of a larger buffer, and flush with the end of one.
        const big = new Uint8Array(bytes.length + 64 * pad);
        big.set(bytes, 32 * pad);
        const span = ts[ts.length - 1]! - ts[0]!;
        const mint = pad === 0 ? -Infinity : ts[0]! + Math.floor(span * Math.min(a, b));
        const maxt = pad === 1 ? Infinity : ts[0]! + Math.floor(span * Math.max(a, b));
        const want = viaIterator(big, 32 * pad, bytes.length, mint, maxt);
        const got = viaDecoder(big, 32 * pad, bytes.length, mint, maxt);
        assert.deepEqual(got.out, want);
        assert.equal(got.r, maxt < ts[ts.length - 1]! ? XOR_DECODE_PAST_MAXT : XOR_DECODE_DONE);
        const flush = viaDecoder(bytes, 0, bytes.length, mint, maxt);
        assert.deepEqual(flush.out, want);
      },
    ),
    { numRuns: 300 },
  );
});

test('damaged chunks are left to the iterator (fallback), never decoded wrongly or thrown', () => {
  fc.assert(
    fc.property(fc.array(sampleArb, { minLength: 2, maxLength: 60 }), fc.nat(), (samples, cut) => {
      const c = new XorChunk();
      const app = c.appender();
      let t = 1_700_000_000_000;
      for (const s of samples) app.append((t += s.dt), s.v);
      const bytes = c.bytes();
      const len = 2 + (cut % (bytes.length - 2));
      const it = new XorIterator();
      it.resetAt(bytes, 0, len);
      while (it.next() === ValueType.Float);
      const got = viaDecoder(bytes, 0, len, -Infinity, Infinity);
      if (it.err() !== undefined) assert.equal(got.r, XOR_DECODE_FALLBACK);
      else assert.deepEqual(got.out, viaIterator(bytes, 0, len, -Infinity, Infinity));
    }),
    { numRuns: 300 },
  );
  assert.equal(decodeXorFloats(new Uint8Array(1), 0, 1, 0, 1, buffer()), XOR_DECODE_FALLBACK);
});
