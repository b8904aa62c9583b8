/**
 * The head's WAL side: replay at open (checkpoint, then the segments after it; a damaged tail
 * is repaired — every record before the damage kept — and counted; decoding in `wal-decode.ts`,
 * in a worker thread for big WALs), and WAL truncation after
 * the head is truncated (checkpoint of the oldest two thirds of the segments, as upstream).
 */
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Labels } from '../../model/labels/index.js';
import { errorMessage } from '../../util/index.js';
import { WalCorruptionError, WriteAheadLog, buildRefBitmap, createCheckpoint, deleteCheckpoints, lastCheckpoint, repairWal, segmentRange } from '../wlog/index.js';
import { fromFailure, type DecodeJob, type SamplesBatch, type SeriesBatch, type TombstonesBatch } from './wal-decode.js';
import { openBatchSource, type BatchSource } from './wal-decode-source.js';
import type { CheckpointJob, CheckpointReply } from './checkpoint-worker.js';
import type { Head } from './head.js';
import { appendSample, type MemSeries } from './memseries.js';
import { F_INDEXED, I_FLAGS, I_WAL_GEN, LAST_T, rowAt } from './series-store.js';

/** WAL replay progress as `/api/v1/status/walreplay` reports it. */
export interface ReplayStatus {
  /** First and last segment to replay (-1 when none). */
  min: number;
  max: number;
  /** Segment being replayed (equals `max` when done). */
  current: number;
  done: boolean;
}

/** Longest run of replay work per turn of the event loop (ms). */
const SLICE_MS = 10;
/** Series and samples applied between two looks at the clock. */
const SERIES_STEP = 256;
const SAMPLES_STEP = 4096;
/** WALs (checkpoint plus segments) at least this big are decoded in a worker thread. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

function pause(): Promise<void> {
  return new Promise((res) => setImmediate(res));
}

/** State of one replay: duplicate references, counters. */
class Replayer {
  readonly #head: Head;
  /** References of series records that repeat the labels of an existing series → that series' slot. */
  readonly #multiRef = new Map<number, number>();
  unknownRefs = 0;
  samples = 0;
  seriesRecords = 0;

  constructor(head: Head) {
    this.#head = head;
  }

  /** The series a WAL reference names (including references whose labels another series has). */
  readonly resolve = (ref: number): MemSeries | undefined => {
    const slot = this.#slotOf(ref);
    return slot < 0 ? undefined : this.#head.series.atSlot(slot);
  };

  /** The slot of the series a WAL reference names, or -1. */
  #slotOf(ref: number): number {
    const slot = this.#head.series.slotOf(ref);
    return slot >= 0 ? slot : (this.#multiRef.get(ref) ?? -1);
  }

  /** Declares series `from..to-1` of `b` (their first string at `str`); returns the string index after them. */
  series(b: SeriesBatch, from: number, to: number, str: number): number {
    const head = this.#head;
    for (let i = from; i < to; i++) {
      const n = b.counts[i]!;
      const kv = new Array<string>(n);
      // Not interned: the head keeps the labels packed into one string (see \`label-codec.ts\`).
      for (let k = 0; k < n; k++) kv[k] = b.strings[str + k]!;
      str += n;
      const labels = Labels.fromSortedFlat(kv);
      const ref = b.refs[i]!;
      this.seriesRecords++;
      const byRef = head.series.slotOf(ref);
      if (byRef >= 0) {
        // The same series logged again (e.g. after a WAL write failure): nothing to do.
        if (head.series.labelsAt(byRef).equals(labels)) continue;
      }
      const existing = head.series.slotByLabels(labels);
      if (existing >= 0) {
        if (head.series.refAt(existing) !== ref) this.#multiRef.set(ref, existing);
        continue;
      }
      if (byRef >= 0) {
        // A reference reused for other labels cannot happen in a sound WAL; keep the first.
        this.unknownRefs++;
        continue;
      }
      const slot = head.createWithRef(ref, labels, true);
      const is = head.series.irows(slot);
      const o = rowAt(slot) * 2;
      is[o + I_WAL_GEN] = 0;
      // Indexed now, with the labels at hand: on its first sample they would be unpacked again
      // (1.4 s of 9 s of event-loop CPU when replay creates 1 M series). Replay has no readers;
      // series that end it without samples leave the postings in `dropEmptySeries`.
      is[o + I_FLAGS] |= F_INDEXED;
      head.postings.add(ref, labels);
    }
    return str;
  }

  /** Appends samples `from..to-1` of `b`. */
  samplesOf(b: SamplesBatch, from: number, to: number): void {
    const head = this.#head;
    const minValid = head.minValidTime;
    const { refs, ts } = b;
    let chunks = 0;
    let appended = 0;
    let mint = Infinity;
    let maxt = -Infinity;
    const store = head.series;
    for (let i = from; i < to; i++) {
      const slot = this.#slotOf(refs[i]!);
      if (slot < 0) {
        this.unknownRefs++;
        continue;
      }
      const t = ts[i]!;
      const o = rowAt(slot);
      if (t < minValid || t <= store.rows(slot)[o + LAST_T]!) continue;
      chunks += appendSample(head, slot, ts, b.vs, i);
      const is = store.irows(slot);
      const f = o * 2 + I_FLAGS;
      if ((is[f]! & F_INDEXED) === 0) {
        is[f] |= F_INDEXED;
        head.postings.add(store.refAt(slot), store.labelsAt(slot, store.internRange));
      }
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
      appended++;
    }
    if (mint < head.minT) head.minT = mint;
    if (maxt > head.maxT) head.maxT = maxt;
    head.metrics.chunks.inc(chunks);
    head.metrics.chunksCreated.inc(chunks);
    this.samples += appended;
  }

  tombstones(b: TombstonesBatch): void {
    const head = this.#head;
    const st = b.stones;
    for (let i = 0; i < st.length; i += 3) {
      const slot = this.#slotOf(st[i]!);
      if (slot < 0) continue;
      const ref = head.series.refAt(slot);
      let ivs = head.tombstones.get(ref);
      if (ivs === undefined) head.tombstones.set(ref, (ivs = []));
      ivs.push({ mint: st[i + 1]!, maxt: st[i + 2]! });
    }
  }

  /**
   * Applies batches from `src` up to the end of the current job, at most `SLICE_MS` per turn of
   * the event loop; returns the error the job ended with (undefined when clean).
   */
  async applyJob(src: BatchSource, onSegment: (segment: number) => void): Promise<Error | undefined> {
    let start = performance.now();
    const breathe = async (): Promise<void> => {
      if (performance.now() - start < SLICE_MS) return;
      await pause();
      start = performance.now();
    };
    for (;;) {
      const b = await src.next();
      switch (b.kind) {
        case 'end':
          return b.error === undefined ? undefined : fromFailure(b.error);
        case 'segment':
          onSegment(b.segment);
          break;
        case 'series': {
          let str = 0;
          for (let i = 0; i < b.refs.length; i += SERIES_STEP) {
            str = this.series(b, i, Math.min(b.refs.length, i + SERIES_STEP), str);
            await breathe();
          }
          break;
        }
        case 'samples':
          for (let i = 0; i < b.refs.length; i += SAMPLES_STEP) {
            this.samplesOf(b, i, Math.min(b.refs.length, i + SAMPLES_STEP));
            await breathe();
          }
          break;
        case 'tombstones':
          this.tombstones(b);
          break;
      }
      await breathe();
    }
  }
}

/** Total bytes of the files in `dir` (0 when absent). */
async function filesBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await fsp.readdir(dir).catch(() => [] as string[])) n += await fsp.stat(join(dir, f)).then((s) => (s.isFile() ? s.size : 0), () => 0);
  return n;
}

/** Options of `replayWal`. */
export interface ReplayOptions {
  /** Decode in a worker thread: always, never, or (default) when the WAL is at least 8 MiB. */
  worker?: boolean;
}

/**
 * Replays the WAL in `dir` into `head`: the newest checkpoint, then the segments after it.
 * Damage in a segment is repaired (logged, counted); damage in the checkpoint is fatal, as
 * upstream. Records are decoded ahead (in a worker thread for a big WAL) and applied at most
 * ~10 ms per turn of the event loop, so the process keeps answering while it replays.
 */
export async function replayWal(head: Head, dir: string, opts: ReplayOptions = {}): Promise<void> {
  const t0 = performance.now();
  await fsp.mkdir(dir, { recursive: true });
  const r = new Replayer(head);
  const cp = await lastCheckpoint(dir);
  const range = await segmentRange(dir);
  const first = Math.max(cp === undefined ? 0 : cp.index + 1, range.first);
  const jobs: DecodeJob[] = [];
  if (cp !== undefined) jobs.push({ dir: cp.dir, undecodable: 'checkpoint record' });
  jobs.push({ dir, from: first, undecodable: 'undecodable record' });
  const bytes = (cp === undefined ? 0 : await filesBytes(cp.dir)) + (await filesBytes(dir));
  const src = openBatchSource(jobs, opts.worker ?? bytes >= WORKER_MIN_BYTES);
  head.replayStatus = { min: range.last < 0 ? -1 : first, max: range.last, current: range.last < 0 ? -1 : first, done: false };
  try {
    if (cp !== undefined) {
      // Damage in the checkpoint is fatal (upstream refuses to start too).
      const err = await r.applyJob(src, () => undefined);
      if (err !== undefined) throw err;
      head.logger?.info({ dir: cp.dir }, 'WAL checkpoint loaded');
    }
    const err = await r.applyJob(src, (segment) => {
      head.replayStatus = { min: first, max: range.last, current: segment, done: false };
      head.logger?.info({ segment, maxSegment: range.last }, 'WAL segment loaded');
    });
    if (err !== undefined) {
      if (!(err instanceof WalCorruptionError) || err.dir !== dir) throw err;
      head.metrics.walCorruptions.inc();
      head.logger?.warn({ err: err.message }, 'Encountered WAL read error, attempting repair');
      const res = await repairWal(dir, err);
      head.logger?.warn(
        { segment: res.segment, offset: res.offset, droppedBytes: res.droppedBytes, deletedSegments: res.deletedSegments },
        'WAL repaired: kept every record before the damage, dropped the rest',
      );
    }
  } finally {
    await src.close();
  }
  head.replayStatus = { min: head.replayStatus.min, max: head.replayStatus.max, current: head.replayStatus.max, done: true };
  await head.ooo.replay(r.resolve);
  await dropEmptySeries(head, range.last);
  if (r.unknownRefs > 0) head.logger?.warn({ samples: r.unknownRefs }, 'Unknown series references');
  const secs = (performance.now() - t0) / 1000;
  head.metrics.replayDuration.set(secs);
  head.logger?.info({ duration: `${secs.toFixed(3)}s`, series: head.numSeries(), samples: r.samples }, 'WAL replay completed');
}

/**
 * Removes series that ended replay without samples (declared in the WAL, but their samples were
 * all before the head's lower bound): they would only occupy memory until the next truncation.
 * Like GC, remembers them until the WAL segments that mention them are checkpointed away.
 */
async function dropEmptySeries(head: Head, lastSegment: number): Promise<void> {
  const empty: number[] = [];
  /** Empty series in the postings (replay indexes series when it creates them) → their labels. */
  const indexed = new Map<number, Labels>();
  let start = performance.now();
  // A walk over the slots (`SeriesStore.isLive`), not a snapshot of every reference: `refs()` of
  // a million series was one turn of 47 ms (its first, unoptimised call). Nothing else changes
  // the head before replay is over, so the walk may pause.
  const store = head.series;
  const end = store.slotCount();
  for (let slot = 0; slot < end; slot++) {
    if ((slot & 1023) === 1023 && performance.now() - start > SLICE_MS) {
      await pause();
      start = performance.now();
    }
    if (!store.isLive(slot)) continue;
    const ref = store.refAt(slot);
    const s = store.atSlot(slot);
    if (s.isEmpty() && !head.ooo.has(ref)) {
      empty.push(ref);
      if (s.indexed) indexed.set(ref, store.labelsAt(slot));
    }
  }
  for (const _ of head.postings.deleteSteps(indexed)) {
    if (performance.now() - start > SLICE_MS) {
      await pause();
      start = performance.now();
    }
  }
  for (const ref of empty) {
    head.series.delete(ref);
    head.deleted.set(ref, lastSegment);
    head.tombstones.delete(ref);
  }
  if (empty.length > 0) {
    head.metrics.series.dec(empty.length);
    head.metrics.seriesRemoved.inc(empty.length);
  }
}

/** Opens the head's WAL for writing (after replay). */
export function openWal(head: Head, dir: string): Promise<WriteAheadLog> {
  return WriteAheadLog.open(dir, {
    segmentSize: head.opts.walSegmentSize,
    compress: head.opts.walCompression,
    registry: head.opts.registry,
    logger: head.logger,
    openFile: head.opts.walOpenFile,
  });
}

/** References of series deleted from the head that segments after `last` may still mention. */
function* deletedSince(head: Head, last: number): Generator<number> {
  for (const [ref, until] of head.deleted) if (until > last) yield ref;
}

/** Largest series reference for which the checkpoint worker gets a bitmap (8 MiB). */
const MAX_BITMAP_REF = 1 << 26;

/**
 * Writes the checkpoint of segments `[first, last]`: in a worker thread (seconds of CPU for a
 * big head stay off the event loop), which gets the series to keep as a bitmap over references
 * — live series, and deleted ones a later segment may still mention. Inline when the references
 * are too large for a bitmap or the worker cannot start.
 */
async function checkpoint(head: Head, dir: string, first: number, last: number, mint: number, compress: boolean): Promise<void> {
  const keep = (ref: number): boolean => {
    if (head.series.slotOf(ref) >= 0) return true;
    const until = head.deleted.get(ref);
    return until !== undefined && until > last;
  };
  let maxRef = head.lastRef;
  for (const ref of head.deleted.keys()) if (ref > maxRef) maxRef = ref;
  if (maxRef > MAX_BITMAP_REF) {
    await createCheckpoint(dir, first, last, keep, mint, { compress });
    return;
  }
  // In slices (tens of ms at 1 M series). Nothing deletes series meanwhile (truncations run one
  // at a time); series created meanwhile log their records after `last`, so need no bit.
  const store = head.series;
  const liveRefAt = (slot: number): number => {
    const ref = store.refAt(slot);
    return store.slotOf(ref) === slot ? ref : -1;
  };
  const bits = await buildRefBitmap(maxRef, store.slotCount(), liveRefAt, deletedSince(head, last));
  const job: CheckpointJob = { dir, first, last, keep: bits, mint, compress };
  const reply = await new Promise<CheckpointReply | undefined>((resolve) => {
    const w = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: job, transferList: [bits.buffer as ArrayBuffer] });
    let settled = false;
    const done = (r: CheckpointReply | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    w.once('message', (r: CheckpointReply) => done(r));
    // Could not start, or crashed: the checkpoint is redone inline (it starts from a clean tmp dir).
    w.once('error', () => done(undefined));
    w.once('exit', () => done(undefined));
  });
  if (reply === undefined) {
    await createCheckpoint(dir, first, last, keep, mint, { compress });
    return;
  }
  if (reply.error !== undefined) throw fromFailure(reply.error);
}

/**
 * After the head dropped data before `mint`: starts a new segment, checkpoints the oldest two
 * thirds of the closed segments (keeping live series, series deleted after them, samples ≥
 * mint), deletes those segments and older checkpoints. As upstream's `truncateWAL`.
 */
export async function truncateWal(head: Head, mint: number): Promise<void> {
  const wal = head.wal;
  if (wal === undefined || mint <= head.lastWalTruncation) return;
  const t0 = performance.now();
  head.lastWalTruncation = mint;
  const { first } = await segmentRange(wal.dir);
  const current = wal.currentSegment();
  // Close the segment being written so that low-volume heads do not keep more WAL than needed,
  // but never checkpoint it (nor anything newer): its samples are the most likely to be needed.
  await wal.nextSegment();
  let last = current - 1;
  if (first < 0 || last < 0) return;
  last = first + Math.floor(((last - first) * 2) / 3);
  if (last <= first) return;
  head.metrics.checkpointCreations.inc();
  try {
    await checkpoint(head, wal.dir, first, last, mint, wal.compress);
  } catch (err) {
    head.metrics.checkpointCreationsFailed.inc();
    if (err instanceof WalCorruptionError) head.metrics.walCorruptions.inc();
    throw new Error(`create checkpoint: ${errorMessage(err)}`, { cause: err });
  }
  try {
    await wal.truncate(last + 1);
  } catch (err) {
    // Leftover segments are ignored once a checkpoint supersedes them; retried next time.
    head.logger?.error({ err: errorMessage(err) }, 'truncating WAL segments failed');
  }
  for (const [ref, seg] of head.deleted) if (seg <= last) head.deleted.delete(ref);
  head.metrics.checkpointDeletions.inc();
  try {
    await deleteCheckpoints(wal.dir, last);
  } catch (err) {
    head.metrics.checkpointDeletionsFailed.inc();
    head.logger?.error({ err: errorMessage(err) }, 'delete old checkpoints');
  }
  head.metrics.walTruncateDuration.observe((performance.now() - t0) / 1000);
}
