import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../model/labels/index.js';
import { EncBuf } from '../fileutil/index.js';
import {
  SampleBatch,
  RecordType,
  RecordDecodeError,
  encodeSeries,
  encodeSamples,
  encodeTombstones,
  decodeSeries,
  decodeSamples,
  decodeTombstones,
  decodeMmapMarkers,
  encodeMmapMarkers,
  recordType,
  type RefTombstone,
} from './index.js';

const STALE_NAN_BITS = 0x7ff0000000000002n;

// Scratch typed arrays: an array literal such as `[v]` would canonicalise NaN payloads.
const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);
function bitsOf(v: number): bigint {
  F[0] = v;
  return U[0]!;
}
function fromBits(b: bigint): number {
  return new Float64Array(new BigUint64Array([b]).buffer)[0]!;
}

test('samples record: golden bytes for a two-sample record', () => {
  const b = new SampleBatch();
  b.push(5, 1000, 1);
  b.push(3, 990, fromBits(STALE_NAN_BITS));
  const buf = new EncBuf();
  encodeSamples(buf, b);
  const want = Buffer.from([
    2,
    ...[0, 0, 0, 0, 0, 0, 0, 5], // base ref
    ...[0, 0, 0, 0, 0, 0, 0x03, 0xe8], // base t = 1000
    0, 0, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, // deltas 0,0; value 1.0
    3, 19, 0x7f, 0xf0, 0, 0, 0, 0, 0, 2, // ref delta -2 (zigzag 3), t delta -10 (zigzag 19), stale NaN
  ]);
  assert.deepEqual(buf.get(), want);
});

test('series and tombstones records: golden bytes', () => {
  const buf = new EncBuf();
  encodeSeries(buf, [{ ref: 1, labels: Labels.fromStrings('a', 'b') }]);
  assert.deepEqual(buf.get(), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0x61, 1, 0x62]));
  buf.reset();
  encodeTombstones(buf, [{ ref: 2, mint: -1, maxt: 64 }]);
  assert.deepEqual(buf.get(), Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0x80, 0x01]));
});

const labelsArb = fc
  .dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 12 }), { maxKeys: 6 })
  .map((o) => Labels.fromObject(o));
const valueArb = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, fromBits(STALE_NAN_BITS), fromBits(0x7ff8000000000001n)),
);
const tArb = fc.integer({ min: -(2 ** 50), max: 2 ** 50 });
const refArb = fc.integer({ min: 0, max: 2 ** 40 });

test('series records round-trip', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ ref: refArb, labels: labelsArb }), { maxLength: 20 }), (series) => {
      const buf = new EncBuf();
      encodeSeries(buf, series);
      assert.equal(recordType(buf.get()), RecordType.Series);
      const got = decodeSeries(buf.get());
      assert.equal(got.length, series.length);
      got.forEach((g, i) => {
        assert.equal(g.ref, series[i]!.ref);
        assert.ok(g.labels.equals(series[i]!.labels), `${g.labels} vs ${series[i]!.labels}`);
      });
    }),
  );
});

test('samples records round-trip bit-exactly (NaN payloads, -0, stale markers)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(refArb, tArb, valueArb), { maxLength: 50 }), (samples) => {
      const b = new SampleBatch(2);
      for (const [r, t, v] of samples) b.push(r, t, v);
      const buf = new EncBuf();
      encodeSamples(buf, b);
      assert.equal(recordType(buf.get()), RecordType.Samples);
      const out = new SampleBatch(1);
      assert.equal(decodeSamples(buf.get(), out), samples.length);
      samples.forEach(([r, t, v], i) => {
        assert.equal(out.refs[i], r);
        assert.equal(out.ts[i], t);
        assert.equal(bitsOf(out.vs[i]!), bitsOf(v));
      });
    }),
    { numRuns: 300 },
  );
});

test('tombstones records round-trip', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ ref: refArb, mint: tArb, maxt: tArb }), { maxLength: 20 }), (stones: RefTombstone[]) => {
      const buf = new EncBuf();
      encodeTombstones(buf, stones);
      assert.deepEqual(decodeTombstones(buf.get()), stones.map((s) => ({ ref: s.ref, mint: s.mint, maxt: s.maxt })));
    }),
  );
});

test('malformed records throw RecordDecodeError, never something else', () => {
  const buf = new EncBuf();
  const b = new SampleBatch();
  b.push(1, 2, 3);
  b.push(2, 3, 4);
  encodeSamples(buf, b);
  const good = Buffer.from(buf.get());
  for (let cut = 1; cut < good.length; cut++) {
    if (cut === 1 || cut === 17 || cut === 27) continue; // cuts at sample boundaries are valid records (as upstream)
    assert.throws(() => decodeSamples(good.subarray(0, cut), new SampleBatch()), RecordDecodeError, `cut at ${cut}`);
  }
  buf.reset();
  encodeSeries(buf, [{ ref: 1, labels: Labels.fromStrings('a', 'b') }]);
  const s = Buffer.from(buf.get());
  for (let cut = 2; cut < s.length; cut++) assert.throws(() => decodeSeries(s.subarray(0, cut)), RecordDecodeError);
  assert.throws(() => decodeSeries(good), RecordDecodeError);
  assert.equal(recordType(new Uint8Array()), RecordType.Unknown);
  assert.equal(recordType(new Uint8Array([200])), RecordType.Unknown);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => {
      for (const fn of [() => decodeSeries(junk), () => decodeSamples(junk, new SampleBatch()), () => decodeTombstones(junk)]) {
        try {
          fn();
        } catch (err) {
          assert.ok(err instanceof RecordDecodeError, String(err));
        }
      }
    }),
  );
});

test('series records encode labels byte for byte as uvarint-length-prefixed UTF-8 (ASCII, non-ASCII, long strings)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ minLength: 120, maxLength: 300 }))), {
        selector: (p) => p[0],
        maxLength: 8,
      }),
      (pairs) => {
        const labels = Labels.fromStrings(...pairs.flat());
        const got = new EncBuf();
        encodeSeries(got, [{ ref: 7, labels }]);
        const want = new EncBuf();
        want.putByte(RecordType.Series);
        want.putBE64(7);
        want.putUvarint(labels.length);
        for (let i = 0; i < labels.length; i++) {
          want.putUvarintStr(labels.nameAt(i));
          want.putUvarintStr(labels.valueAt(i));
        }
        assert.deepEqual(Buffer.from(got.get()), Buffer.from(want.get()));
      },
    ),
  );
});

test('m-map marker records round-trip in upstream layout (type 5, two big-endian uint64 per marker)', () => {
  const enc = new EncBuf(64);
  const markers = [
    { ref: 1, mmapRef: 2 ** 32 + 8 },
    { ref: 2 ** 40 + 7, mmapRef: 3 * 2 ** 32 + 12345 },
  ];
  encodeMmapMarkers(enc, markers);
  const rec = enc.get().slice();
  assert.equal(rec.length, 1 + 16 * 2);
  assert.equal(recordType(rec), RecordType.MmapMarkers);
  assert.deepEqual(Buffer.from(rec.subarray(1, 9)), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
  assert.deepEqual(decodeMmapMarkers(rec), markers);
  assert.deepEqual(decodeMmapMarkers(Uint8Array.of(RecordType.MmapMarkers)), []);
  assert.throws(() => decodeMmapMarkers(rec.subarray(0, 20)), RecordDecodeError);
  assert.throws(() => decodeMmapMarkers(Uint8Array.of(RecordType.Samples)), RecordDecodeError);
});
