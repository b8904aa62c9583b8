/**
 * Reads records from a WAL segment that may still be growing (upstream's `LiveReader`).
 * `wlog`'s `SegmentReader` works on a whole, finished segment image and treats a torn tail as
 * damage; a tailer instead reads the file in pieces as the writer appends to it, and a record
 * whose fragments are not all on disk yet simply is not returned until they are.
 *
 * Records are decoded by `wlog`'s `RecordDecoder` in its growing-segment mode, with the same
 * checks as WAL replay: damage raises `WalCorruptionError` at the start of the damaged record,
 * a zstd-compressed record `WalError`.
 */
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { RecordDecoder } from '../wlog/index.js';

/**
 * Incremental reader of one segment file. Call `fill()` to read what the writer has added,
 * then `next()` until it returns false; `record`, `offset` (start of the record) and `end`
 * (offset just after it) describe the last record returned. `record` is valid until the next
 * `next()` or `fill()`.
 */
export class LiveSegmentReader {
  readonly path: string;
  readonly dir: string;
  readonly segment: number;
  #fh: FileHandle | undefined;
  /** Bytes read from the file, starting at absolute offset `#bufStart`. */
  #buf: Buffer = Buffer.alloc(0);
  #bufStart = 0;
  #bufLen = 0;
  /** Absolute offset of the first byte not yet part of a returned record. */
  #pos = 0;
  readonly #decoder: RecordDecoder;
  record: Buffer = Buffer.alloc(0);
  offset = 0;
  end = 0;

  constructor(dir: string, path: string, segment: number, startOffset = 0) {
    this.dir = dir;
    this.path = path;
    this.segment = segment;
    this.#decoder = new RecordDecoder(dir, segment);
    this.#pos = startOffset;
    this.#bufStart = startOffset;
  }

  /** Opens the file; rejects with ENOENT when the segment no longer exists. */
  async open(): Promise<void> {
    this.#fh = await fsp.open(this.path, 'r');
  }

  /** Absolute offset after the last record returned (a record boundary). */
  get position(): number {
    return this.#pos;
  }

  /** Bytes read but not yet returned as records (an incomplete record at the end). */
  get buffered(): number {
    return this.#bufStart + this.#bufLen - this.#pos;
  }

  /**
   * Reads up to `maxBytes` newly written bytes; returns how many (0 at the current end of the
   * file). Drops the bytes of records already returned.
   */
  async fill(maxBytes = 1 << 20): Promise<number> {
    if (!this.#fh) throw new Error('BUG: LiveSegmentReader.fill before open');
    // Keep only the unconsumed tail.
    const keepFrom = this.#pos - this.#bufStart;
    const keep = this.#bufLen - keepFrom;
    const need = keep + maxBytes;
    if (need > this.#buf.length || keepFrom > 0) {
      const nb = need > this.#buf.length ? Buffer.allocUnsafe(Math.max(need, this.#buf.length)) : this.#buf;
      this.#buf.copy(nb, 0, keepFrom, this.#bufLen);
      this.#buf = nb;
      this.#bufStart = this.#pos;
      this.#bufLen = keep;
    }
    const { bytesRead } = await this.#fh.read(this.#buf, this.#bufLen, maxBytes, this.#bufStart + this.#bufLen);
    this.#bufLen += bytesRead;
    return bytesRead;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  /**
   * Returns true with the next complete record, or false when the bytes read so far end before
   * the next record is complete. Throws `WalCorruptionError` on damage.
   */
  next(): boolean {
    const d = this.#decoder;
    const ok = d.decode(this.#buf, this.#bufStart, this.#bufStart + this.#bufLen, this.#pos, true);
    this.#pos = d.position;
    if (ok) {
      this.record = d.record;
      this.offset = d.offset;
      this.end = d.position;
    }
    return ok;
  }
}
