/**
 * Encoders for WAL records of types 1 (series), 2 (samples) and 3 (tombstones), byte-identical
 * to upstream's `record.Encoder`. See `src/tsdb/docs/format/wal.md`.
 */
import type { Labels } from '../../model/labels/index.js';
import { EncBuf, putUvarint, putVarint } from '../fileutil/index.js';
import { RecordType, type RefSeries, type RefTombstone } from './types.js';
import type { SampleBatch } from './sample-batch.js';

const TWO32 = 4294967296;

/** Scratch for label bytes (grown on demand), and a `Buffer` over it for non-ASCII strings. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * Writes `s` as uvarint byte length and UTF-8 bytes at `off` of `scratch` (the caller reserved
 * `s.length * 3 + 5` bytes) and returns the offset after it. ASCII — nearly every label — is
 * copied char by char: `Buffer.write` costs more per call than a short label takes to copy.
 */
function putLabelString(s: string, off: number): number {
  const n = s.length;
  if (n < 128) {
    const b = scratch;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[off + 1 + i] = c;
      i++;
    }
    if (i === n) {
      b[off] = n;
      return off + 1 + n;
    }
  }
  const len = Buffer.byteLength(s, 'utf8');
  off = putUvarint(scratch, off, len);
  return off + scratch.write(s, off, len, 'utf8');
}

/** Appends the labels of a series record entry: count, then name/value pairs in order. */
export function encodeLabels(buf: EncBuf, labels: Labels): void {
  const n = labels.length;
  let need = 10;
  for (let i = 0; i < n; i++) need += (labels.nameAt(i).length + labels.valueAt(i).length) * 3 + 10;
  if (need > scratch.length) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  let off = putUvarint(scratch, 0, n);
  for (let i = 0; i < n; i++) {
    off = putLabelString(labels.nameAt(i), off);
    off = putLabelString(labels.valueAt(i), off);
  }
  buf.putBytes(scratch.subarray(0, off));
}

/** Appends one series record declaring `series` (in the given order) to `buf`. */
export function encodeSeries(buf: EncBuf, series: readonly RefSeries[]): void {
  buf.putByte(RecordType.Series);
  for (const s of series) {
    buf.putBE64(s.ref);
    encodeLabels(buf, s.labels);
  }
}

/** Appends one tombstones record to `buf`. */
export function encodeTombstones(buf: EncBuf, stones: readonly RefTombstone[]): void {
  buf.putByte(RecordType.Tombstones);
  for (const s of stones) {
    buf.putBE64(s.ref);
    buf.putVarint(s.mint);
    buf.putVarint(s.maxt);
  }
}

/** Little-endian scratch to copy float64 bits without touching their value (NaN payloads). */
const F64 = new Float64Array(1);
const F64B = new Uint8Array(F64.buffer);

/**
 * Encodes samples `[from, to)` of `batch` as one samples record into `out` starting at `off`
 * and returns the offset after it. `out` must have room for `samplesRecordMaxSize(to - from)`
 * bytes. Written straight into the buffer (no per-sample calls into a growable buffer): this
 * is on the commit path of every append.
 */
export function encodeSamplesInto(out: Uint8Array, off: number, batch: SampleBatch, from: number, to: number): number {
  out[off++] = RecordType.Samples;
  if (to <= from) return off;
  const refs = batch.refs;
  const ts = batch.ts;
  const vs = batch.vs;
  const baseRef = refs[from]!;
  const baseT = ts[from]!;
  off = writeBE64(out, off, baseRef);
  off = writeBE64(out, off, baseT);
  for (let i = from; i < to; i++) {
    off = putVarint(out, off, refs[i]! - baseRef);
    off = putVarint(out, off, ts[i]! - baseT);
    F64[0] = vs[i]!;
    out[off] = F64B[7]!;
    out[off + 1] = F64B[6]!;
    out[off + 2] = F64B[5]!;
    out[off + 3] = F64B[4]!;
    out[off + 4] = F64B[3]!;
    out[off + 5] = F64B[2]!;
    out[off + 6] = F64B[1]!;
    out[off + 7] = F64B[0]!;
    off += 8;
  }
  return off;
}

/** An upper bound of the bytes a samples record of `n` samples takes. */
export function samplesRecordMaxSize(n: number): number {
  return 17 + n * 28;
}

/** Writes a signed integer (|x| < 2^53) as 64-bit big-endian two's complement; returns the offset after it. */
function writeBE64(out: Uint8Array, off: number, x: number): number {
  const hi = Math.floor(x / TWO32);
  const lo = x - hi * TWO32;
  out[off] = (hi >>> 24) & 0xff;
  out[off + 1] = (hi >>> 16) & 0xff;
  out[off + 2] = (hi >>> 8) & 0xff;
  out[off + 3] = hi & 0xff;
  out[off + 4] = (lo >>> 24) & 0xff;
  out[off + 5] = (lo >>> 16) & 0xff;
  out[off + 6] = (lo >>> 8) & 0xff;
  out[off + 7] = lo & 0xff;
  return off + 8;
}

/** Appends one samples record holding `[from, to)` of `batch` to `buf` (convenience over `encodeSamplesInto`). */
export function encodeSamples(buf: EncBuf, batch: SampleBatch, from = 0, to = batch.length): void {
  const tmp = new Uint8Array(samplesRecordMaxSize(to - from));
  const n = encodeSamplesInto(tmp, 0, batch, from, to);
  buf.putBytes(tmp.subarray(0, n));
}
