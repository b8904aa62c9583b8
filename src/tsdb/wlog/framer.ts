/**
 * Cuts records into page-aligned fragments exactly as upstream's writer places them: fragments
 * fill the current page, a page tail shorter than a header is zero padding, a record that does
 * not fit in the rest of the segment starts a new segment (after padding the current page).
 * Pure bookkeeping over an output buffer: the writer does the I/O.
 */
import { snappyCompressInto, snappyMaxCompressedLength } from '../../util/index.js';
import { crc32c, type EncBuf } from '../fileutil/index.js';
import { Frag, HEADER_SIZE, PAGE_SIZE, SNAPPY_FLAG } from './segments.js';

/** The compression buffer starts this big and is dropped when a burst grew it past the cap. */
const SCRATCH_MIN_BYTES = 64 * 1024;
const SCRATCH_KEEP_BYTES = 8 * 1024 * 1024;

/**
 * A record ready to frame: its bytes (compressed or not) and whether they are compressed.
 * Compressed bytes live in the framer's reused buffer: valid until the first `prepare` that
 * follows a `frame` (prepare a request's records, frame them, then move on).
 */
export interface PreparedRecord {
  data: Uint8Array;
  compressed: boolean;
}

/**
 * The writer's position — segment number and byte offset in it (= the file's length, since
 * partial pages are written immediately) — and the framing rules. Mutable; the writer saves and
 * restores `segment`/`offset` to undo a failed write.
 */
export class Framer {
  segment: number;
  offset: number;
  readonly #pagesPerSegment: number;
  readonly #compress: boolean;
  /** Bytes saved by compression since creation (for the WAL's metric). */
  bytesSaved = 0;
  /** Reused compression output (no external allocation per record); `#used` bytes are taken. */
  #scratch = new Uint8Array(0);
  #used = 0;
  #framedSincePrepare = false;

  constructor(segment: number, offset: number, segmentSize: number, compress: boolean) {
    this.segment = segment;
    this.offset = offset;
    this.#pagesPerSegment = Math.max(1, Math.floor(segmentSize / PAGE_SIZE));
    this.#compress = compress;
  }

  /** Compresses `rec` with snappy when enabled and when that makes it smaller, as upstream. */
  prepare(rec: Uint8Array): PreparedRecord {
    if (this.#compress && rec.length > 0) {
      if (this.#framedSincePrepare) {
        // Everything prepared before was framed (copied out): the buffer is free again.
        this.#framedSincePrepare = false;
        this.#used = 0;
        if (this.#scratch.length > SCRATCH_KEEP_BYTES) this.#scratch = new Uint8Array(0);
      }
      const need = snappyMaxCompressedLength(rec.length);
      if (this.#scratch.length - this.#used < need) {
        // Views handed out so far keep the old buffer alive; start afresh in a bigger one.
        this.#scratch = new Uint8Array(Math.max(need, 2 * this.#scratch.length, SCRATCH_MIN_BYTES));
        this.#used = 0;
      }
      const start = this.#used;
      const n = snappyCompressInto(rec, rec.length, this.#scratch, start);
      if (n < rec.length) {
        this.#used = start + n;
        this.bytesSaved += rec.length - n;
        return { data: this.#scratch.subarray(start, start + n), compressed: true };
      }
    }
    return { data: rec, compressed: false };
  }

  /** True when `rec` does not fit in what is left of the current segment (then `rollover` first). */
  needsNewSegment(rec: PreparedRecord): boolean {
    const inPage = this.offset % PAGE_SIZE;
    const donePages = Math.floor(this.offset / PAGE_SIZE);
    let left = PAGE_SIZE - inPage - HEADER_SIZE;
    left += (PAGE_SIZE - HEADER_SIZE) * (this.#pagesPerSegment - donePages - 1);
    // An empty segment always takes the record, however big (upstream grows the segment).
    return this.offset > 0 && rec.data.length > left;
  }

  /** Pads the current page with zeros into `out` and moves to the start of the next segment. */
  rollover(out: EncBuf): void {
    this.padPage(out);
    this.segment++;
    this.offset = 0;
  }

  /** Zero-fills the rest of the current page into `out` (nothing when page-aligned). */
  padPage(out: EncBuf): void {
    const inPage = this.offset % PAGE_SIZE;
    if (inPage === 0) return;
    out.putZeros(PAGE_SIZE - inPage);
    this.offset += PAGE_SIZE - inPage;
  }

  /** Appends the fragments of `rec` to `out`; returns the number of fragments written. */
  frame(rec: PreparedRecord, out: EncBuf): number {
    this.#framedSincePrepare = true;
    const data = rec.data;
    const flag = rec.compressed ? SNAPPY_FLAG : 0;
    let pos = 0;
    let parts = 0;
    for (let i = 0; i === 0 || pos < data.length; i++) {
      const room = PAGE_SIZE - (this.offset % PAGE_SIZE) - HEADER_SIZE;
      const l = Math.min(data.length - pos, room);
      const last = pos + l === data.length;
      const kind = i === 0 ? (last ? Frag.Full : Frag.First) : last ? Frag.Last : Frag.Middle;
      out.putByte(kind | flag);
      out.putByte(l >>> 8);
      out.putByte(l & 0xff);
      out.putBE32(crc32c(data, pos, pos + l));
      out.putBytes(l === data.length ? data : data.subarray(pos, pos + l));
      this.offset += HEADER_SIZE + l;
      pos += l;
      parts++;
      if (PAGE_SIZE - (this.offset % PAGE_SIZE) < HEADER_SIZE && this.offset % PAGE_SIZE !== 0) this.padPage(out);
    }
    return parts;
  }
}
