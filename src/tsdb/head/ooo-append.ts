/**
 * The appender's out-of-order path: taken only where an in-order append would be refused (older
 * than the series' newest sample, or than the head's appendable lower bound) while the
 * out-of-order window is on, so the in-order hot path is unchanged. Samples are checked now and
 * buffered apart; the commit logs them to the WBL next to the WAL write and applies them in the
 * same synchronous step as the in-order ones.
 */
import type { Labels } from '../../model/labels/index.js';
import { DuplicateSampleError, TooOldSampleError, ValueType, type SeriesRef } from '../../storage/index.js';
import { EncBuf } from '../fileutil/index.js';
import { SampleBatch, encodeSamples } from '../record/index.js';
import type { WriteAheadLog } from '../wlog/index.js';
import type { Head } from './head.js';
import { HeadSeriesIterator } from './head-read.js';
import { sameFloatBits } from './float-bits.js';
import type { MemSeries } from './memseries.js';
import { Found } from './ooo-series.js';

/** An appender's buffered out-of-order samples. */
export class OOOPending {
  readonly batch = new SampleBatch(64);
  /** Series reference → timestamp → index in `batch` (duplicates within one appender). */
  readonly #seen = new Map<number, Map<number, number>>();

  /** Index in `batch` of the pending sample of `ref` at `t`, or -1. */
  find(ref: number, t: number): number {
    return this.#seen.get(ref)?.get(t) ?? -1;
  }

  push(ref: number, t: number, v: number): void {
    let m = this.#seen.get(ref);
    if (m === undefined) this.#seen.set(ref, (m = new Map()));
    m.set(t, this.batch.length);
    this.batch.push(ref, t, v);
  }

  /** The WBL record of the samples. */
  record(): Uint8Array {
    const enc = new EncBuf(64 + this.batch.length * 24);
    encodeSamples(enc, this.batch);
    return enc.get().slice();
  }
}

let iter: HeadSeriesIterator | undefined;

/** Whether the in-order chunks of `s` hold a sample at `t` (and with the same value bits). */
function inOrderLookup(head: Head, s: MemSeries, t: number, v: number): Found {
  if (t > s.lastT || t < s.minTime()) return Found.None;
  const it = (iter ??= new HeadSeriesIterator()).reset(s, head, t, t);
  if (it.next() !== ValueType.Float) return Found.None;
  return sameFloatBits(it.at(), v) ? Found.Same : Found.Other;
}

/**
 * Whether this appender's in-order samples hold one of series `ref` at `t` (a batch that is
 * itself out of order: rare, so a scan).
 */
function pendingInOrderLookup(b: SampleBatch, ref: number, t: number, v: number): Found {
  for (let i = b.length - 1; i >= 0; i--) {
    if (b.refs[i] === ref && b.ts[i] === t) return sameFloatBits(b.vs[i]!, v) ? Found.Same : Found.Other;
  }
  return Found.None;
}

/**
 * Appends `(t, v)` to `labels` (reference `ref` when known) as an out-of-order sample of the
 * appender `appenderId` (whose in-order samples are `inOrder`), buffered in `pending` (created on first use, returned). Throws
 * `TooOldSampleError` when it is older than the window allows and `DuplicateSampleError` when the
 * series already has another value at `t`; an identical sample is accepted and dropped.
 */
export function appendOutOfOrder(
  head: Head,
  pending: OOOPending | undefined,
  ref: SeriesRef,
  labels: Labels,
  t: number,
  v: number,
  appenderId: number,
  inOrder: SampleBatch,
): { ref: SeriesRef; pending: OOOPending | undefined } {
  const ooo = head.ooo;
  // As upstream: every sample that is out of order by the head's newest time counts, accepted
  // or not (too old, duplicate).
  const delta = head.maxT - t;
  if (delta > 0) head.metrics.oooDelta.observe(delta / 1000);
  if (t < head.maxT - ooo.window) {
    ooo.countTooOld();
    throw new TooOldSampleError();
  }
  let s = ref !== 0 ? head.series.getByRef(ref) : undefined;
  s ??= head.getOrCreate(labels, appenderId);
  const i = pending?.find(s.ref, t) ?? -1;
  let found = Found.None;
  if (i >= 0) found = sameFloatBits(pending!.batch.vs[i]!, v) ? Found.Same : Found.Other;
  else if (t > s.lastT && s.pendingOwner === appenderId) found = pendingInOrderLookup(inOrder, s.ref, t, v);
  if (found === Found.None) found = ooo.series.get(s.ref)?.lookup(t, v, ooo.it) ?? Found.None;
  if (found === Found.None) found = inOrderLookup(head, s, t, v);
  if (found === Found.Other) throw new DuplicateSampleError();
  if (found === Found.None) (pending ??= new OOOPending()).push(s.ref, t, v);
  return { ref: s.ref, pending };
}

/**
 * Writes a commit before anything of it is applied: the out-of-order samples to the WBL, then
 * `recs` (series and in-order samples) to the WAL. In that order a failure never leaves
 * in-order samples of a failed commit in the WAL (they could hide a later acknowledged sample at
 * the same time); it may leave its out-of-order samples in the WBL, where a later acknowledged
 * sample at the same time wins on replay (see `OOOHead.replay`). Without a WBL (no WAL) only
 * the WAL is written.
 */
export async function logWithOutOfOrder(head: Head, wal: WriteAheadLog, recs: readonly Uint8Array[], pending: OOOPending): Promise<void> {
  const wbl = head.ooo.wbl;
  if (wbl !== undefined && pending.batch.length > 0) await wbl.log([pending.record()]);
  // The WAL request goes out even when empty: it settles only after the WAL requests queued
  // before it, one of which may carry the series record these samples refer to (and fail).
  await wal.log(recs);
}
