/**
 * A series read from a block: its chunks restricted to a time range, tombstones applied, samples
 * iterated allocation-free across chunks.
 */
import type { Labels } from '../../model/labels/index.js';
import { ValueType, type FloatSampleBuffer, type SampleIterator, type Series } from '../../storage/index.js';
import { Encoding, UnsupportedEncodingError, XOR_DECODE_DONE, XOR_DECODE_PAST_MAXT, XorIterator, decodeXorFloats } from '../chunkenc/index.js';
import type { ChunkMeta, ChunkReader } from '../chunks/index.js';
import type { Interval } from '../tombstones/index.js';

const NO_INTERVALS: readonly Interval[] = [];

/**
 * One series of a block for `[mint, maxt]` (ms, inclusive). `chunks` are the series' chunks
 * overlapping the range and not wholly deleted; `deleted` the series' tombstone intervals.
 */
export class BlockSeries implements Series {
  readonly labels: Labels;
  readonly chunks: readonly ChunkMeta[];
  readonly #reader: ChunkReader;
  readonly #mint: number;
  readonly #maxt: number;
  readonly #deleted: readonly Interval[];

  constructor(labels: Labels, chunks: readonly ChunkMeta[], reader: ChunkReader, mint: number, maxt: number, deleted: readonly Interval[] = NO_INTERVALS) {
    this.labels = labels;
    this.chunks = chunks;
    this.#reader = reader;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#deleted = deleted;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const it = reuse instanceof BlockSeriesIterator ? reuse : new BlockSeriesIterator();
    it.reset(this.chunks, this.#reader, this.#mint, this.#maxt, this.#deleted);
    return it;
  }

  /**
   * Decodes the chunks straight into `out` (see `Series.readFloats`), starting at the newest
   * chunk that begins at or before the anchor. Series with tombstones, other encodings and
   * unreadable chunks are left to the iterator, which reports them.
   */
  readFloats(mint: number, maxt: number, out: FloatSampleBuffer, anchor = -Infinity): boolean {
    if (this.#deleted.length > 0) return false;
    const lo = mint > this.#mint ? mint : this.#mint;
    const hi = maxt < this.#maxt ? maxt : this.#maxt;
    if (lo > hi) return true;
    const chunks = this.chunks;
    const a = anchor < hi ? anchor : hi;
    let start = 0;
    for (let i = chunks.length - 1; i > 0; i--) {
      if (chunks[i]!.mint <= a) {
        start = i;
        break;
      }
    }
    for (let i = start; i < chunks.length; i++) {
      const c = chunks[i]!;
      if (c.maxt < lo) continue;
      if (c.mint > hi) break;
      let bytes: Uint8Array;
      try {
        const { encoding, data } = this.#reader.chunkBytes(c.ref);
        if (encoding !== Encoding.XOR) return false;
        bytes = data;
      } catch {
        return false;
      }
      const r = decodeXorFloats(bytes, 0, bytes.length, lo, hi, out);
      if (r === XOR_DECODE_PAST_MAXT) break;
      if (r !== XOR_DECODE_DONE) return false;
    }
    return true;
  }
}

/** Iterates the samples of consecutive chunks within `[mint, maxt]`, skipping deleted ones. */
export class BlockSeriesIterator implements SampleIterator {
  #chunks: readonly ChunkMeta[] = [];
  #reader: ChunkReader | undefined;
  #mint = 0;
  #maxt = 0;
  #deleted: readonly Interval[] = NO_INTERVALS;
  /** Index of the chunk `#inner` iterates; -1 before the first. */
  #ci = -1;
  #active = false;
  #di = 0;
  #has = false;
  #done = false;
  #err: Error | undefined;
  readonly #inner = new XorIterator();

  /** Re-points the iterator at another series' chunks. */
  reset(chunks: readonly ChunkMeta[], reader: ChunkReader, mint: number, maxt: number, deleted: readonly Interval[]): void {
    this.#chunks = chunks;
    this.#reader = reader;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#deleted = deleted;
    this.#ci = -1;
    this.#active = false;
    this.#di = 0;
    this.#has = false;
    this.#done = false;
    this.#err = undefined;
  }

  /** Opens chunk `i`; false (and maybe an error) when there is none to open. */
  #open(i: number): boolean {
    this.#ci = i;
    this.#active = false;
    if (i >= this.#chunks.length || this.#chunks[i]!.mint > this.#maxt) return false;
    const ref = this.#chunks[i]!.ref;
    try {
      const { encoding, data } = this.#reader!.chunkBytes(ref);
      if (encoding !== Encoding.XOR) throw new UnsupportedEncodingError(encoding, `${this.#reader!.dir} chunk 0x${ref.toString(16)}`);
      this.#inner.source = `${this.#reader!.dir} chunk 0x${ref.toString(16)}`;
      this.#inner.reset(data);
    } catch (err) {
      this.#err = err as Error;
      return false;
    }
    this.#active = true;
    return true;
  }

  #isDeleted(t: number): boolean {
    const d = this.#deleted;
    while (this.#di < d.length && d[this.#di]!.maxt < t) this.#di++;
    return this.#di < d.length && d[this.#di]!.mint <= t;
  }

  #finish(): ValueType {
    this.#has = false;
    this.#done = true;
    return ValueType.None;
  }

  /** Accepts the inner iterator's current sample or keeps advancing until one qualifies. */
  #settle(vt: ValueType): ValueType {
    for (;;) {
      if (vt === ValueType.None) {
        const e = this.#inner.err();
        if (e) {
          this.#err = e;
          return this.#finish();
        }
        if (!this.#open(this.#ci + 1)) return this.#finish();
        vt = this.#inner.next();
        continue;
      }
      const t = this.#inner.atT();
      if (t > this.#maxt) return this.#finish();
      if (t >= this.#mint && !this.#isDeleted(t)) {
        this.#has = true;
        return ValueType.Float;
      }
      vt = this.#inner.next();
    }
  }

  next(): ValueType {
    if (this.#done || this.#err) return ValueType.None;
    if (!this.#active) {
      if (!this.#open(this.#ci + 1)) return this.#finish();
      return this.#settle(this.#inner.seek(this.#mint));
    }
    return this.#settle(this.#inner.next());
  }

  seek(t: number): ValueType {
    if (this.#done || this.#err) return ValueType.None;
    if (this.#has && this.#inner.atT() >= t) return ValueType.Float;
    if (t < this.#mint) t = this.#mint;
    // Skip whole chunks that end before t.
    let i = this.#active ? this.#ci : this.#ci + 1;
    while (i < this.#chunks.length && this.#chunks[i]!.maxt < t) i++;
    if (!this.#active || i !== this.#ci) {
      if (!this.#open(i)) return this.#finish();
    }
    return this.#settle(this.#inner.seek(t));
  }

  atT(): number {
    return this.#inner.atT();
  }

  at(): number {
    return this.#inner.at();
  }

  err(): Error | undefined {
    return this.#err;
  }
}
