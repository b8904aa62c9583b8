/**
 * The head's appender. Samples are checked against the series' newest sample (committed, or
 * buffered earlier by this appender) at `append`, buffered column-wise, and applied in
 * `commit` only after the WAL holds them: a failed WAL write leaves the head untouched, and a
 * querier never sees part of a commit (application is one synchronous step).
 */
import type { Labels } from '../../model/labels/index.js';
import {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  WriteFailedError,
  type Appender,
  type SeriesRef,
} from '../../storage/index.js';
import { BugError, errorMessage } from '../../util/index.js';
import { EncBuf } from '../fileutil/index.js';
import { SampleBatch, encodeSamplesInto, encodeSeries, samplesRecordMaxSize, type RefSeries } from '../record/index.js';
import type { Head } from './head.js';
import { sameFloatBits } from './float-bits.js';
import { appendOutOfOrder, logWithOutOfOrder, type OOOPending } from './ooo-append.js';
import { I_WAL_GEN, LAST_T, LAST_V, PENDING_OWNER, PENDING_T, PENDING_V, rowAt } from './series-store.js';

/** Reused encoder for series records (records are copied before they are queued). */
const seriesEnc = new EncBuf(4096);

/**
 * @internal An appender's buffered samples, the slot of each sample's series, and the buffer
 * its samples record is encoded into. The head pools them: an appender allocates nothing once
 * warm, and a commit waiting for the WAL holds no per-commit garbage that would survive young
 * GCs and be promoted.
 */
export class AppendBuffers {
  readonly batch = new SampleBatch(1024);
  slots = new Int32Array(1024);
  /** Samples record scratch; the WAL is done with it once the commit's write resolved. */
  rec: Uint8Array = new Uint8Array(0);
  /** Out-of-order samples (see `ooo-append.ts`); undefined while there are none. */
  ooo: OOOPending | undefined = undefined;

  /** Buffers one sample of the series in `slot`. */
  push(ref: number, slot: number, t: number, v: number): void {
    const i = this.batch.length;
    if (i === this.slots.length) {
      const g = new Int32Array(i * 2);
      g.set(this.slots);
      this.slots = g;
    }
    this.slots[i] = slot;
    this.batch.push(ref, t, v);
  }

  /** Bytes held (for the pool's budget). */
  bytes(): number {
    return this.batch.refs.length * 24 + this.slots.byteLength + this.rec.byteLength;
  }

  /** Forgets the samples, keeping the capacity. */
  reset(): void {
    this.batch.reset();
    this.ooo = undefined;
  }
}

/** One batch of appends to a `Head`; use once, then `commit()` or `rollback()`. */
export class HeadAppender implements Appender {
  readonly #head: Head;
  readonly #id: number;
  readonly #minValid: number;
  readonly #buffers: AppendBuffers;
  readonly #onCommitted: (() => void) | undefined;
  #done = false;

  /** `onCommitted` runs after every successful `commit()` (the DB's compaction check). */
  constructor(head: Head, id: number, minValidTime: number, onCommitted?: () => void) {
    this.#head = head;
    this.#id = id;
    this.#minValid = minValidTime;
    this.#buffers = head.acquireBuffers();
    this.#onCommitted = onCommitted;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.#done) throw new BugError('append on a committed or rolled back appender');
    const head = this.#head;
    if (t < this.#minValid) {
      if (head.ooo.window > 0) return this.#appendOOO(ref, labels, t, v);
      head.countRefused('oob');
      throw new OutOfBoundsError();
    }
    const store = head.series;
    let slot = ref !== 0 ? store.slotOf(ref) : -1;
    if (slot < 0) {
      slot = head.getOrCreateSlot(labels, this.#id);
      ref = store.refAt(slot);
    }
    const id = this.#id;
    const st = store.rows(slot);
    const o = rowAt(slot);
    const mine = st[o + PENDING_OWNER] === id;
    const lastT = mine ? st[o + PENDING_T]! : st[o + LAST_T]!;
    if (t <= lastT) {
      if (t < lastT) {
        if (head.ooo.window > 0) return this.#appendOOO(ref, labels, t, v);
        head.countRefused('ooo');
        throw new OutOfOrderSampleError();
      }
      // Exact duplicates happen legitimately (federation, re-sent batches): accept silently.
      if (sameFloatBits(v, mine ? st[o + PENDING_V]! : st[o + LAST_V]!)) return ref;
      throw new DuplicateSampleError();
    }
    st[o + PENDING_OWNER] = id;
    st[o + PENDING_T] = t;
    st[o + PENDING_V] = v;
    this.#buffers.push(ref, slot, t, v);
    return ref;
  }

  #appendOOO(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const r = appendOutOfOrder(this.#head, this.#buffers.ooo, ref, labels, t, v, this.#id, this.#buffers.batch);
    this.#buffers.ooo = r.pending;
    return r.ref;
  }

  /**
   * Writes a series record for every series the WAL does not have yet, then one samples
   * record; once the WAL resolves, applies the batch to the head. Rejects with
   * `WriteFailedError` (head unchanged) when the WAL cannot be written.
   */
  async commit(): Promise<void> {
    await this.#commit();
    this.#onCommitted?.();
  }

  async #commit(): Promise<void> {
    if (this.#done) throw new BugError('commit on a committed or rolled back appender');
    this.#done = true;
    const head = this.#head;
    try {
      const ooo = this.#buffers.ooo;
      if (this.#buffers.batch.length === 0 && ooo === undefined) return;
      const wal = head.wal;
      if (wal !== undefined) {
        const recs = this.#encode(wal.generation);
        try {
          await (ooo === undefined ? wal.log(recs) : logWithOutOfOrder(head, wal, recs, ooo));
        } catch (err) {
          // Do not hand the record buffer to another appender while the WAL might still hold it.
          this.#buffers.rec = new Uint8Array(0);
          head.metrics.walWriteFailures.inc();
          throw new WriteFailedError(`write to WAL: ${errorMessage(err)}`, { cause: err });
        }
        const applied = head.applyCommitSliced(this.#buffers);
        if (typeof applied !== 'number') await applied;
        return;
      }
      head.applyCommit(this.#buffers);
    } finally {
      head.releaseAppender(this.#id);
      head.releaseBuffers(this.#buffers);
    }
  }

  /** Series records (for series the WAL lacks in generation `gen`) then the samples record. */
  #encode(gen: number): Uint8Array[] {
    const buffers = this.#buffers;
    const { batch, slots } = buffers;
    const store = this.#head.series;
    let missing: RefSeries[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const is = store.irows(slots[i]!);
      const o = rowAt(slots[i]!) * 2 + I_WAL_GEN;
      if (is[o] !== gen) {
        is[o] = gen;
        (missing ??= []).push({ ref: store.refAt(slots[i]!), labels: store.labelsAt(slots[i]!) });
      }
    }
    const ooo = buffers.ooo;
    if (ooo !== undefined) {
      // Series only out-of-order samples refer to: their records go to the WAL as well.
      for (let i = 0; i < ooo.batch.length; i++) {
        const slot = store.slotOf(ooo.batch.refs[i]!);
        if (slot < 0) continue;
        const is = store.irows(slot);
        const o = rowAt(slot) * 2 + I_WAL_GEN;
        if (is[o] === gen) continue;
        is[o] = gen;
        (missing ??= []).push({ ref: store.refAt(slot), labels: store.labelsAt(slot) });
      }
    }
    const recs: Uint8Array[] = [];
    if (missing !== undefined) {
      seriesEnc.reset();
      encodeSeries(seriesEnc, missing);
      recs.push(Buffer.from(seriesEnc.get()));
    }
    const n = batch.length;
    if (n === 0) return recs;
    const max = samplesRecordMaxSize(n);
    if (buffers.rec.length < max) buffers.rec = new Uint8Array(Math.max(max, buffers.rec.length * 2));
    const len = encodeSamplesInto(buffers.rec, 0, batch, 0, n);
    recs.push(buffers.rec.subarray(0, len));
    return recs;
  }

  rollback(): void {
    if (this.#done) return;
    this.#done = true;
    this.#head.releaseAppender(this.#id);
    this.#head.releaseBuffers(this.#buffers);
  }
}
