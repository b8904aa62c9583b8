/**
 * Memory-map marker records (type 5), which Prometheus writes into its write-behind log when an
 * out-of-order head chunk is full and moves to `chunks_head/`: "the samples of series `ref`
 * logged so far are in m-mapped chunk `mmapRef`". Ignis keeps out-of-order chunks in memory and
 * rebuilds them from the WBL's samples alone, so it writes no markers and skips them on replay
 * (`docs/format/out-of-order.md`); this codec lets tests write and inspect them.
 *
 * Layout: the type byte, then per marker the series reference and the chunk reference, each 8
 * bytes big-endian. No marker is the type byte alone.
 */
import { DecBuf, type EncBuf } from '../fileutil/index.js';
import { RecordDecodeError, RecordType } from './types.js';

/** One marker: series `ref`'s out-of-order samples so far are in m-mapped chunk `mmapRef`. */
export interface RefMmapMarker {
  ref: number;
  /** Chunk reference in `chunks_head/` (segment in the upper 32 bits, offset in the lower). */
  mmapRef: number;
}

/** Appends one m-map markers record to `buf`. */
export function encodeMmapMarkers(buf: EncBuf, markers: readonly RefMmapMarker[]): void {
  buf.putByte(RecordType.MmapMarkers);
  for (const m of markers) {
    buf.putBE64(m.ref);
    buf.putBE64(m.mmapRef);
  }
}

/** Appends the markers of record `rec` to `out` and returns `out`; throws `RecordDecodeError` when malformed. */
export function decodeMmapMarkers(rec: Uint8Array, out: RefMmapMarker[] = []): RefMmapMarker[] {
  const b = Buffer.isBuffer(rec) ? rec : Buffer.from(rec.buffer, rec.byteOffset, rec.byteLength);
  if (b.length < 1 || b[0] !== RecordType.MmapMarkers) throw new RecordDecodeError('invalid record type, want mmap markers');
  if ((b.length - 1) % 16 !== 0) throw new RecordDecodeError(`mmap markers record: ${b.length - 1} bytes after the type, not a multiple of 16`);
  const dec = new DecBuf(b, 1, b.length, 'mmap markers record');
  while (dec.remaining() > 0) out.push({ ref: dec.be64(), mmapRef: dec.be64() });
  return out;
}
