/**
 * Decoding one record from the bytes of a WAL segment: reassembles its fragments, checks every
 * checksum and placement rule, decompresses snappy, and reports damage as a
 * `WalCorruptionError` at the start of the damaged record. Shared by the replay reader (whole
 * segment images) and the remote-write tailer (pieces of a segment that may still grow).
 * Offsets are absolute segment offsets, so that page rules (fragments never cross a 32 KiB page;
 * a page tail shorter than a fragment header is zero padding) are checked exactly as the writer
 * applied them. The format is described in `src/tsdb/docs/format/wal.md`.
 */
import { crc32c } from '../fileutil/index.js';
import { SnappyDecoder } from '../../util/index.js';
import { FRAG_MASK, Frag, HEADER_SIZE, PAGE_SIZE, SNAPPY_FLAG, ZSTD_FLAG } from './segments.js';
import { WalCorruptionError, WalError } from './errors.js';

/**
 * Decodes records of one segment. After a true `decode`, `record` holds the record (a view into
 * the given bytes or into a reassembly buffer, valid until the next call) and `offset` the
 * position of its first fragment; after any `decode`, `position` is where the next record
 * starts (after the record returned, or after page padding skipped before the next one).
 */
export class RecordDecoder {
  readonly #dir: string;
  readonly #segment: number;
  #asm: Buffer = Buffer.allocUnsafe(64 * 1024);
  /** Decompresses records into one buffer of its own (records are valid until the next call). */
  readonly #snappy = new SnappyDecoder();
  record: Buffer = Buffer.alloc(0);
  offset = 0;
  position = 0;

  /** A decoder for segment `segment` of `dir` (both only name the segment in errors). */
  constructor(dir: string, segment: number) {
    this.#dir = dir;
    this.#segment = segment;
  }

  #corrupt(offset: number, what: string, cause?: unknown): never {
    throw new WalCorruptionError(this.#dir, this.#segment, offset, what, cause === undefined ? undefined : { cause });
  }

  /**
   * Decodes the record starting at absolute offset `pos`; `buf[i]` is the byte at absolute
   * offset `base + i`, and bytes up to absolute offset `end` are available. Returns false when
   * no complete record starts before `end`. With `growing` false, `end` is the end of the
   * segment: a record it cuts is torn, which is damage; with `growing` true more bytes may
   * follow and such a record simply is not complete yet. Throws `WalCorruptionError` on damage
   * and `WalError` for zstd-compressed records (valid data of a newer Prometheus).
   */
  decode(buf: Buffer, base: number, end: number, pos: number, growing: boolean): boolean {
    let asmLen = 0;
    let parts = 0;
    let start = -1;
    let compressed = false;
    for (;;) {
      if (pos >= end) {
        if (parts > 0 && !growing) this.#corrupt(start, 'last record is torn: segment ends inside it');
        return this.#incomplete(parts > 0 ? start : pos);
      }
      const o = pos - base;
      const typ = buf[o]!;
      const kind = typ & FRAG_MASK;
      const at = parts > 0 ? start : pos;
      if (kind === Frag.PageTerm) {
        // Padding up to the page boundary (or the end of a short last page): all zeros.
        const pageEnd = (Math.floor(pos / PAGE_SIZE) + 1) * PAGE_SIZE;
        const stop = Math.min(end, pageEnd);
        for (let i = pos; i < stop; i++) {
          if (buf[i - base] !== 0) this.#corrupt(at, `unexpected non-zero byte in padded page at ${i}`);
        }
        if (growing && stop < pageEnd) return this.#incomplete(at);
        pos = stop;
        continue;
      }
      // Bits no writer sets, or both compressions at once, can only be damage.
      if ((typ & ~(FRAG_MASK | SNAPPY_FLAG | ZSTD_FLAG)) !== 0 || (typ & SNAPPY_FLAG && typ & ZSTD_FLAG)) {
        this.#corrupt(at, `invalid fragment type byte 0x${typ.toString(16)}`);
      }
      // A record start flagged zstd whose data lacks the zstd frame magic (28 B5 2F FD) is a flipped bit.
      if (typ & ZSTD_FLAG && (parts === 0 || kind === Frag.First || kind === Frag.Full)) {
        const magicEnd = pos + HEADER_SIZE + 4;
        if (growing && magicEnd > end) return this.#incomplete(at);
        if (!(magicEnd <= end && buf.readUInt32LE(o + HEADER_SIZE) === 0xfd2fb528)) {
          this.#corrupt(at, `invalid fragment type byte 0x${typ.toString(16)}: zstd flag without a zstd frame`);
        }
      }
      if (typ & ZSTD_FLAG) {
        // Valid data from a newer Prometheus (zstd WAL compression): refuse to go on rather than
        // let repair cut it away as damage.
        throw new WalError(`WAL segment ${this.#segment} in ${this.#dir} has zstd-compressed records (offset ${pos}), which Ignis cannot read; restart the writer with snappy or no WAL compression`);
      }
      if (kind > Frag.Last || (typ & ~(FRAG_MASK | SNAPPY_FLAG)) !== 0) this.#corrupt(at, `invalid fragment type byte 0x${typ.toString(16)}`);
      const pageRemain = PAGE_SIZE - (pos % PAGE_SIZE);
      if (pageRemain < HEADER_SIZE) this.#corrupt(at, 'fragment header crosses a page boundary');
      if (pos + HEADER_SIZE > end) {
        if (growing) return this.#incomplete(at);
        this.#corrupt(at, 'torn fragment header at end of segment');
      }
      const len = (buf[o + 1]! << 8) | buf[o + 2]!;
      const crc = buf.readUInt32BE(o + 3);
      const dataStart = o + HEADER_SIZE;
      if (HEADER_SIZE + len > pageRemain) this.#corrupt(at, `invalid fragment size ${len}`);
      if (pos + HEADER_SIZE + len > end) {
        if (growing) return this.#incomplete(at);
        this.#corrupt(at, 'torn fragment: segment ends inside it');
      }
      if (crc32c(buf, dataStart, dataStart + len) !== crc) this.#corrupt(at, 'fragment checksum mismatch');
      // Fragment sequence: full | first middle* last.
      if (parts === 0) {
        if (kind !== Frag.Full && kind !== Frag.First) this.#corrupt(pos, `unexpected fragment kind ${kind} at record start`);
        start = pos;
        compressed = (typ & SNAPPY_FLAG) !== 0;
      } else if (kind !== Frag.Middle && kind !== Frag.Last) {
        this.#corrupt(start, `unexpected fragment kind ${kind} inside a record`);
      }
      pos += HEADER_SIZE + len;
      if (kind === Frag.Full) return this.#finish(buf.subarray(dataStart, dataStart + len), compressed, start, pos);
      if (asmLen + len > this.#asm.length) {
        const nb = Buffer.allocUnsafe(Math.max(this.#asm.length * 2, asmLen + len));
        this.#asm.copy(nb, 0, 0, asmLen);
        this.#asm = nb;
      }
      buf.copy(this.#asm, asmLen, dataStart, dataStart + len);
      asmLen += len;
      parts++;
      if (kind === Frag.Last) return this.#finish(this.#asm.subarray(0, asmLen), compressed, start, pos);
    }
  }

  #incomplete(next: number): false {
    this.position = next;
    return false;
  }

  #finish(data: Buffer, compressed: boolean, start: number, end: number): true {
    this.offset = start;
    this.position = end;
    if (!compressed) {
      this.record = data;
      return true;
    }
    try {
      const out = this.#snappy.decode(data);
      this.record = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } catch (err) {
      this.#corrupt(start, 'snappy decompression failed', err);
    }
    return true;
  }
}
