/**
 * The decoding half of WAL replay: reads the segments of a WAL (or checkpoint) directory and
 * turns their records into bounded batches of flat, transferable arrays — series (references
 * and label strings), samples (references, timestamps, value bits) and tombstones — in WAL
 * order. It runs in a worker thread for big WALs (`wal-decode-worker.ts`), so that the event
 * loop only applies batches, or inline for small ones; both see the same batches.
 *
 * Batches are bounded (`MAX_SERIES`, `MAX_SAMPLES` per batch) however large a record is, so the
 * side applying them can keep each turn of the event loop short.
 */
import { errorMessage } from '../../util/index.js';
import { RecordType, SampleBatch, decodeSamples, decodeSeries, decodeTombstones, recordType, type RefSeries, type RefTombstone } from '../record/index.js';
import { SegmentReader, WalCorruptionError, WalError, listSegments, readSegmentFile } from '../wlog/index.js';

/** Most series in one series batch. */
export const MAX_SERIES = 2048;
/** Most samples in one samples batch. */
export const MAX_SAMPLES = 16384;

/** Series declared by part of a series record: `counts[i]` strings (name, value, …) of `strings` each. */
export interface SeriesBatch {
  kind: 'series';
  refs: Float64Array;
  counts: Int32Array;
  strings: string[];
}

/** Samples of part of a samples record. */
export interface SamplesBatch {
  kind: 'samples';
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
}

/** Deletion intervals of a tombstones record (triples ref, mint, maxt). */
export interface TombstonesBatch {
  kind: 'tombstones';
  stones: Float64Array;
}

/** A segment starts (sent before its first record). */
export interface SegmentStart {
  kind: 'segment';
  segment: number;
}

/** The end of the directory's records: clean, or at damage / an unreadable WAL. */
export interface DecodeEnd {
  kind: 'end';
  error?: DecodeFailure;
}

/** A failure in a form that crosses threads: a `WalCorruptionError` (with `at`) or another error. */
export interface DecodeFailure {
  message: string;
  /** For damage: the directory, segment and offset of the damaged record, and what is wrong. */
  corruption?: { dir: string; segment: number; offset: number; what: string };
  /** True for a `WalError` (a WAL Ignis refuses to read, e.g. zstd records). */
  walError?: boolean;
}

export type DecodedBatch = SeriesBatch | SamplesBatch | TombstonesBatch | SegmentStart | DecodeEnd;

/** What to decode: the segments of `dir` numbered `from` or higher. */
export interface DecodeJob {
  dir: string;
  from?: number;
  /** Prefix of the message of a record that cannot be decoded (e.g. "undecodable record"). */
  undecodable: string;
}

/**
 * What the parent posts to the decoding worker: how many batches it took since the last
 * acknowledgement, and the buffers of consumed samples batches for the worker to reuse.
 */
export interface DecodeAck {
  taken: number;
  buffers: ArrayBufferLike[];
}

/** The failure `err` in transferable form. */
export function toFailure(err: unknown): DecodeFailure {
  if (err instanceof WalCorruptionError) {
    const what = err.message.replace(/^corruption in WAL segment \d+ at offset \d+ \([^)]*\): /, '');
    return { message: err.message, corruption: { dir: err.dir, segment: err.segment, offset: err.offset, what } };
  }
  return { message: errorMessage(err), walError: err instanceof WalError ? true : undefined };
}

/** The error a `DecodeFailure` stands for (the same class and message as where it was raised). */
export function fromFailure(f: DecodeFailure): Error {
  const c = f.corruption;
  if (c !== undefined) return new WalCorruptionError(c.dir, c.segment, c.offset, c.what);
  return f.walError ? new WalError(f.message) : new Error(f.message);
}

/**
 * Gathers the contents of consecutive records into batches: samples of several small records
 * share one batch, a big record is split over several, and kinds never interleave out of WAL
 * order (a series batch is out before the samples that follow it).
 */
class Batcher {
  readonly #series: RefSeries[] = [];
  readonly #stones: RefTombstone[] = [];
  /** Pending series (refs, label string counts, strings) and samples, not yet in a batch. */
  #refs: number[] = [];
  #counts: number[] = [];
  #strings: string[] = [];
  #samples = new SampleBatch(MAX_SAMPLES);
  readonly #out: DecodedBatch[] = [];
  readonly #recycled: ArrayBufferLike[] | undefined;

  /** `recycled`: buffers of samples batches the consumer is done with, reused for new ones. */
  constructor(recycled?: ArrayBufferLike[]) {
    this.#recycled = recycled;
  }

  /**
   * Decodes `rec` (throws, leaving earlier records pending, when it cannot be decoded) and
   * returns the batches completed by it; the caller must consume them before the next call.
   */
  add(rec: Buffer): DecodedBatch[] {
    const out = this.#out;
    out.length = 0;
    switch (recordType(rec)) {
      case RecordType.Series: {
        const list = this.#series;
        list.length = 0;
        decodeSeries(rec, list);
        this.#flushSamples(true);
        for (const { ref, labels } of list) {
          this.#refs.push(ref);
          this.#counts.push(labels.length * 2);
          for (let k = 0; k < labels.length; k++) this.#strings.push(labels.nameAt(k), labels.valueAt(k));
          if (this.#refs.length === MAX_SERIES) this.#flushSeries();
        }
        list.length = 0;
        break;
      }
      case RecordType.Samples: {
        // Decoded straight onto the pending samples; a record that fails to decode is taken off again.
        const b = this.#samples;
        const before = b.length;
        try {
          decodeSamples(rec, b);
        } catch (err) {
          b.length = before;
          throw err;
        }
        this.#flushSeries();
        // Only full batches leave here; the rest waits for the next records (fewer, fuller batches).
        if (b.length >= MAX_SAMPLES) this.#flushSamples(false);
        break;
      }
      case RecordType.Tombstones: {
        const list = this.#stones;
        list.length = 0;
        decodeTombstones(rec, list);
        this.flush();
        const stones = new Float64Array(list.length * 3);
        list.forEach((st, i) => stones.set([st.ref, st.mint, st.maxt], i * 3));
        out.push({ kind: 'tombstones', stones });
        break;
      }
      default:
      // Exemplars, metadata, histograms, mmap markers: not kept by this head.
    }
    return out;
  }

  /** Moves everything pending into batches and returns them (see `add`). */
  flush(): DecodedBatch[] {
    this.#out.length = 0;
    this.#flushSeries();
    this.#flushSamples(true);
    return this.#out;
  }

  #flushSeries(): void {
    if (this.#refs.length === 0) return;
    this.#out.push({ kind: 'series', refs: Float64Array.from(this.#refs), counts: Int32Array.from(this.#counts), strings: this.#strings });
    this.#refs = [];
    this.#counts = [];
    this.#strings = [];
  }

  /**
   * Moves the pending samples into batches of `MAX_SAMPLES`, and the last, shorter one too when
   * `all`; otherwise it stays pending (moved to the front).
   */
  #flushSamples(all: boolean): void {
    const b = this.#samples;
    let from = 0;
    for (; from < b.length; from += MAX_SAMPLES) {
      const to = Math.min(b.length, from + MAX_SAMPLES);
      if (to - from < MAX_SAMPLES && !all) break;
      this.#out.push({ kind: 'samples', refs: this.#column(b.refs, from, to), ts: this.#column(b.ts, from, to), vs: this.#column(b.vs, from, to) });
    }
    const rest = b.length - from;
    if (rest > 0 && from > 0) {
      b.refs.copyWithin(0, from, b.length);
      b.ts.copyWithin(0, from, b.length);
      b.vs.copyWithin(0, from, b.length);
    }
    b.length = Math.max(0, rest);
  }

  /**
   * A copy of `src[from, to)` (at most `MAX_SAMPLES` long): in a recycled buffer when there is
   * one, else — when buffers are recycled at all (the worker) — in a new `SharedArrayBuffer`
   * (see `newColumnBuffer`), else in a new `ArrayBuffer`.
   */
  #column(src: Float64Array, from: number, to: number): Float64Array {
    const pool = this.#recycled;
    if (pool === undefined) return src.slice(from, to);
    let buf = pool.pop();
    if (buf === undefined || buf.byteLength < (to - from) * 8) buf = newColumnBuffer();
    const out = new Float64Array(buf, 0, to - from);
    out.set(src.subarray(from, to));
    return out;
  }
}

/** Bytes of a samples batch column buffer worth recycling (`MAX_SAMPLES` doubles). */
export const SAMPLES_COLUMN_BYTES = MAX_SAMPLES * 8;

/**
 * A buffer for one column of a samples batch, shared between the decoding worker and the event
 * loop rather than transferred: V8 charges every `ArrayBuffer` that arrives in an isolate
 * (allocated or transferred in) to its external memory, and its growth starts major GCs — a
 * replay of 480 M samples moves ~11 GB of columns to the event loop. A `SharedArrayBuffer` is
 * not charged, and the few dozen in use go back and forth (`DecodeAck.buffers`) for the whole
 * replay. Ownership is still handed over whole: only one side touches a buffer at a time.
 */
function newColumnBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SAMPLES_COLUMN_BYTES);
}

/** The buffers in `list` that must be transferred (plain `ArrayBuffer`s; shared ones are shared). */
export function transferable(list: ArrayBufferLike[]): ArrayBuffer[] {
  return list.filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
}

/**
 * Decodes the segments of `job.dir` into batches in WAL order, ending with one `end` batch that
 * carries the first damage (every record before it delivered) or read error, if any. Samples
 * batches use buffers from `recycled` (the consumer gives back those it is done with) when
 * there are any: replay then moves the same few buffers around instead of allocating gigabytes
 * of short-lived ones, whose external-memory accounting starts major GCs.
 */
export async function* decodeWal(job: DecodeJob, recycled?: ArrayBufferLike[]): AsyncGenerator<DecodedBatch> {
  const batcher = new Batcher(recycled);
  try {
    const segs = (await listSegments(job.dir)).filter((s) => s.index >= (job.from ?? -Infinity));
    /** One buffer for every segment image (records are consumed before the next segment is read). */
    let spare: Buffer | undefined;
    for (const s of segs) {
      yield* batcher.flush();
      yield { kind: 'segment', segment: s.index };
      const image = await readSegmentFile(s.path, spare);
      if (spare === undefined || image.buffer !== spare.buffer) spare = Buffer.from(image.buffer, image.byteOffset, image.buffer.byteLength - image.byteOffset);
      const r = new SegmentReader(image, job.dir, s.index);
      for (;;) {
        let batches: DecodedBatch[];
        try {
          if (!r.next()) break;
          batches = batcher.add(r.record);
        } catch (err) {
          if (err instanceof WalCorruptionError || err instanceof WalError) throw err;
          throw new WalCorruptionError(job.dir, s.index, r.offset, `${job.undecodable}: ${errorMessage(err)}`, { cause: err });
        }
        yield* batches;
      }
    }
  } catch (err) {
    yield* batcher.flush();
    yield { kind: 'end', error: toFailure(err) };
    return;
  }
  yield* batcher.flush();
  yield { kind: 'end' };
}

/** The buffers of `b` to transfer rather than copy between threads. */
export function batchTransferables(b: DecodedBatch): ArrayBuffer[] {
  switch (b.kind) {
    case 'series':
      return transferable([b.refs.buffer, b.counts.buffer]);
    case 'samples':
      return transferable([b.refs.buffer, b.ts.buffer, b.vs.buffer]);
    case 'tombstones':
      return transferable([b.stones.buffer]);
    default:
      return [];
  }
}
