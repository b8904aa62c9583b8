/**
 * The head block: the newest samples of every series, in memory, made durable by the WAL.
 * The event loop owns it (no locks): appends and reads are synchronous; only WAL I/O, replay,
 * and truncation's checkpoint are asynchronous, and they never leave the head half-changed.
 *
 * Split by concern: appends in `head-append.ts`, queries in `head-read.ts`, WAL replay and
 * truncation in `head-wal.ts`, block export in `head-block.ts`.
 */
import type { Labels } from '../../model/labels/index.js';
import { InvalidLabelsError, WriteFailedError, type Appendable, type Appender, type Queryable, type Querier } from '../../storage/index.js';
import type { Logger, Registry } from '../../util/index.js';
import { MemPostings, MemPostingsReader } from '../postings/index.js';
import type { SegmentFileOpener, WriteAheadLog } from '../wlog/index.js';
import { HeadMetrics } from './head-metrics.js';
import { appendSample, type AppendContext, type MemSeries } from './memseries.js';
import { ChunkArena } from './chunk-arena.js';
import { OpenChunkPool } from './open-chunks.js';
import { F_INDEXED, F_ISO, I_ENC, I_FLAGS, I_OFF, I_PAGE, LAST_T, PENDING_OWNER, ROW, rowAt, SeriesStore, type LabelsHasher } from './series-store.js';
import { XS_LEN } from '../chunkenc/index.js';
import { AppendBuffers, HeadAppender } from './head-append.js';
import { HeadQuerier } from './head-read.js';
import { openWal, replayWal, truncateWal, type ReplayStatus } from './head-wal.js';
import type { BlockExportBuilder } from './block-export.js';
import { collectBlockSeries } from './head-block.js';
import { OOOHead } from './ooo-head.js';

/** Default chunk range: 2h, the length of the smallest block (`--storage.tsdb.min-block-duration`). */
export const DEFAULT_CHUNK_RANGE_MS = 2 * 60 * 60 * 1000;
/** Default target samples per chunk, as upstream. */
export const DEFAULT_SAMPLES_PER_CHUNK = 120;
/** Most bytes of appender buffers the head keeps for reuse. */
const APPEND_POOL_BYTES = 64 * 1024 * 1024;
/**
 * Longest run of commit applications in one turn of the event loop by default (see
 * `applyCommitSliced`); 5 ms, not 10, for the reason of `head-block.ts`' slices: a scavenge while
 * a major GC marks (10-20 ms at a million series) inside a 10 ms run made 25-30 ms turns.
 */
const APPLY_SLICE_MS = 5;

/** A commit whose WAL write is done, waiting for its turn to be applied. */
interface QueuedCommit {
  buffers: AppendBuffers;
  resolve: (applied: number) => void;
  reject: (err: unknown) => void;
}

/** Options of `Head.open`. */
export interface HeadOptions {
  /** Block length in ms; chunks never cross its boundaries. Default 2h. */
  chunkRange?: number;
  /** Target samples per chunk; default 120. */
  samplesPerChunk?: number;
  /** WAL directory (`data/wal`); no WAL (nothing durable) when omitted. */
  walDir?: string;
  /** WAL segment size in bytes; default 128 MiB. */
  walSegmentSize?: number;
  /** Snappy-compress WAL records; default false. */
  walCompression?: boolean;
  /** Samples older than this (ms) are out of bounds: the newest persisted block's end. */
  minValidTime?: number;
  registry?: Registry;
  logger?: Logger;
  /** Called whenever WAL replay progresses (for `/api/v1/status/walreplay` while `open` runs). */
  onReplayStatus?: (status: Readonly<ReplayStatus>) => void;
  /**
   * Longest run of commit applications per turn of the event loop, ms (default 10; see
   * `applyCommitSliced`). At least one commit is applied per turn whatever the value.
   */
  applySliceMs?: number;
  /**
   * Out-of-order window in ms (`storage.tsdb.out_of_order_time_window`); 0 (the default)
   * refuses out-of-order samples. Changeable later with `setOutOfOrderTimeWindow`.
   */
  outOfOrderTimeWindow?: number;
  /** Samples per out-of-order chunk (upstream's `out_of_order_cap_max`); default 32. */
  outOfOrderCapMax?: number;
  /** Write-behind log directory for out-of-order samples (`data/wbl`); used only with a WAL. */
  wblDir?: string;
  /** Test hooks: WAL segment file opener (fault injection) and label hashing (collisions). */
  walOpenFile?: SegmentFileOpener;
  hashLabels?: LabelsHasher;
}

/** Loads the state row and the open chunk's end of every slot (see `applyCommit`). */
function prefetch(store: SeriesStore, pool: OpenChunkPool, slots: Int32Array, n: number): number {
  const pages = pool.pages;
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const is = store.irows(slots[i]!);
    const io = rowAt(slots[i]!) * 2;
    const page = is[io + I_PAGE]!;
    if (page >= 0) sink += pages[page]![is[io + I_OFF]! + is[io + I_ENC + XS_LEN]! - 1]!;
  }
  return sink;
}

/** @internal See `Head.memoryStats`. */
export interface HeadMemoryStats {
  /** Per-series state rows (typed arrays). */
  stateRowBytes: number;
  /** Slabs holding completed chunks. */
  arenaBytes: number;
  /** Pages of open chunks (capacity). */
  openChunkCapacityBytes: number;
  /** Of those: bytes of the blocks in use, and of the open chunks' data in them. */
  openChunkBlockBytes: number;
  openChunkDataBytes: number;
  /** Encoded bytes of the completed chunks (the arena also holds a 32-byte header per chunk). */
  closedChunkDataBytes: number;
  /** Rows allocated and rows in use in the series table. */
  stateRows: number;
  stateRowsUsed: number;
  /** Other typed arrays of the head (reference → slot pages). */
  otherTypedArrayBytes: number;
  /** Typed arrays of the postings lists. */
  postingsBytes: number;
  /** Encoded bytes of all chunks. */
  chunkBytes: number;
  chunks: number;
  /** Estimated JS heap objects the head keeps for its series (not counting labels or postings): isolation logs only. */
  jsObjects: number;
}

/** Work per event-loop turn of the in-memory truncation pass (ms; 5 for the reason of `head-block.ts`' slices). */
const TRUNCATE_SLICE_MS = 5;

/**
 * The in-memory head. Open with `Head.open`; it replays the WAL (repairing a damaged tail) before
 * it resolves. Implements `Appendable` and `Queryable` of `src/storage`.
 */
export class Head implements Appendable, Queryable, AppendContext {
  readonly chunkRange: number;
  /** @internal Storage of completed chunks. */ readonly arena = new ChunkArena();
  /** @internal Storage of open chunks. */ readonly openChunks = new OpenChunkPool();
  /** Reusable buffers of finished appenders, and the bytes they hold. */
  #pool: AppendBuffers[] = [];
  #poolBytes = 0;
  readonly samplesPerChunk: number;
  /** @internal */ readonly series: SeriesStore;
  /** @internal */ readonly postings = new MemPostings();
  /** @internal */ readonly postingsReader: MemPostingsReader;
  /** @internal */ readonly metrics: HeadMetrics;
  /** @internal Out-of-order samples, their WBL and counters. */ readonly ooo: OOOHead;
  /** @internal */ readonly logger: Logger | undefined;
  /** @internal */ wal: WriteAheadLog | undefined;
  /** @internal */ readonly opts: HeadOptions;
  /** Oldest and newest committed sample time (ms); Infinity/-Infinity while empty. */
  /** @internal */ minT = Infinity;
  /** @internal */ maxT = -Infinity;
  /** Oldest sample time committed while a sliced truncation runs (it recomputes `minT`). */
  #minTWhileTruncating = Infinity;
  /** @internal */ minValidTime: number;
  /** @internal */ lastRef = 0;
  /** Commits applied so far: the isolation clock. */
  /** @internal */ commitSeq = 0;
  /** Open appenders by id (GC keeps series they may still commit to). */
  /** @internal */ readonly openAppenders = new Set<number>();
  #appenderSeq = 0;
  /** Open queriers and the commit they started after. */
  /** @internal */ readonly openQueriers = new Map<object, number>();
  /** Series removed by GC → the last WAL segment that may mention them (kept in checkpoints until then). */
  /** @internal */ readonly deleted = new Map<number, number>();
  /** Deletion intervals replayed from the WAL, by series reference. */
  /** @internal */ readonly tombstones = new Map<number, { mint: number; maxt: number }[]>();
  /** @internal */ lastWalTruncation = -Infinity;
  #replayStatus: ReplayStatus = { min: -1, max: -1, current: -1, done: true };
  /** @internal Replay progress; setting it notifies `onReplayStatus`. */
  get replayStatus(): ReplayStatus {
    return this.#replayStatus;
  }
  set replayStatus(s: ReplayStatus) {
    this.#replayStatus = s;
    this.opts.onReplayStatus?.(s);
  }
  readonly #samplesAppended;
  readonly #outOfOrder;
  readonly #outOfBound;
  #closed = false;
  #truncating: Promise<void> = Promise.resolve();
  /** @internal Keeps the prefetch loop's result observable so that it is not optimised away. */
  prefetchSink = 0;
  /** Commits waiting to be applied, oldest first. */
  #applyQueue: QueuedCommit[] = [];
  /** performance.now() when this turn's run of commit applications began; -1 outside one. */
  #sliceStart = -1;
  /** True when the scheduled drain runs in a later turn than the one that scheduled it. */
  #drainFresh = false;
  readonly #sliceMs: number;

  private constructor(opts: HeadOptions) {
    this.opts = opts;
    this.chunkRange = opts.chunkRange ?? DEFAULT_CHUNK_RANGE_MS;
    this.samplesPerChunk = opts.samplesPerChunk ?? DEFAULT_SAMPLES_PER_CHUNK;
    if (!(this.chunkRange > 0)) throw new RangeError(`invalid chunk range ${this.chunkRange}`);
    if (!(this.samplesPerChunk >= 4)) throw new RangeError(`invalid samples per chunk ${this.samplesPerChunk}`);
    this.minValidTime = opts.minValidTime ?? -Infinity;
    this.#sliceMs = opts.applySliceMs ?? APPLY_SLICE_MS;
    this.series = new SeriesStore(opts.hashLabels);
    this.postingsReader = new MemPostingsReader(this.postings);
    this.logger = opts.logger;
    this.metrics = new HeadMetrics(opts.registry, () => ({ min: this.minT, max: this.maxT }));
    this.#samplesAppended = this.metrics.samplesAppended.labels('float');
    this.#outOfOrder = this.metrics.outOfOrder.labels('float');
    this.#outOfBound = this.metrics.outOfBound.labels('float');
    this.ooo = new OOOHead(this, opts.outOfOrderTimeWindow ?? 0, opts.outOfOrderCapMax, opts.walDir !== undefined ? opts.wblDir : undefined, opts.registry);
  }

  /**
   * Opens a head: with `walDir`, replays the checkpoint and segments there (repairing a damaged
   * tail, which is logged and counted in `prometheus_tsdb_wal_corruptions_total`), then opens
   * the WAL for writing on a new segment.
   */
  static async open(opts: HeadOptions = {}): Promise<Head> {
    const h = new Head(opts);
    if (opts.walDir !== undefined) {
      await replayWal(h, opts.walDir);
      h.wal = await openWal(h, opts.walDir);
      await h.ooo.openWbl();
    }
    return h;
  }

  /**
   * A new appender; see `Appender`. Samples become visible (and durable) on `commit()`, after
   * which `onCommitted` (if any) runs: a hook instead of a wrapping appender, so that the
   * per-sample `append` is one call, not two.
   */
  appender(onCommitted?: () => void): Appender {
    if (this.#closed) throw new WriteFailedError('head is closed');
    const id = ++this.#appenderSeq;
    this.openAppenders.add(id);
    this.metrics.activeAppenders.inc();
    return new HeadAppender(this, id, this.appendableMinValidTime(), onCommitted);
  }

  /** @internal Called once by every appender when it commits or rolls back. */
  releaseAppender(id: number): void {
    if (this.openAppenders.delete(id)) this.metrics.activeAppenders.dec();
  }

  /** @internal A sample batch and slot list for a new appender (reused: they keep their capacity). */
  acquireBuffers(): AppendBuffers {
    const b = this.#pool.pop();
    if (b === undefined) return new AppendBuffers();
    this.#poolBytes -= b.bytes();
    return b;
  }

  /** @internal Returns an appender's buffers once nothing refers to them any more. */
  releaseBuffers(b: AppendBuffers): void {
    b.reset();
    // Enough for every scrape of a large server committing at once (1,000 targets × 1,000
    // series in flight hold ~50 MiB), without keeping one huge batch forever.
    const n = b.bytes();
    if (this.#poolBytes + n <= APPEND_POOL_BYTES && b.batch.refs.length <= 1 << 16) {
      this.#pool.push(b);
      this.#poolBytes += n;
    }
  }

  /**
   * The lowest timestamp an append may have now: the head's lower bound, and no older than half
   * a chunk range before the newest sample (so that the block being cut never receives samples).
   */
  appendableMinValidTime(): number {
    if (this.maxT === -Infinity) return this.minValidTime;
    return Math.max(this.minValidTime, this.maxT - this.chunkRange / 2);
  }

  /** A querier over `[mint, maxt]` (ms, inclusive) that sees exactly the commits applied before this call. */
  querier(mint: number, maxt: number): Querier {
    const q = new HeadQuerier(this, mint, maxt, this.commitSeq);
    this.openQueriers.set(q, this.commitSeq);
    return q;
  }

  /** @internal Called when a querier closes. */
  releaseQuerier(q: object): void {
    this.openQueriers.delete(q);
  }

  /** Lowest commit sequence any open querier still reads at (Infinity when none). */
  /** @internal */ isolationLowWatermark(): number {
    let low = Infinity;
    for (const s of this.openQueriers.values()) if (s < low) low = s;
    return low;
  }

  /** Oldest sample time in the head (ms), or Infinity when empty. */
  minTime(): number {
    return this.minT;
  }

  /** Newest sample time in the head (ms), or -Infinity when empty. */
  maxTime(): number {
    return this.maxT;
  }

  /**
   * Sets the out-of-order window (ms; 0 turns out-of-order ingestion off), opening the WBL when
   * it turns on. Appenders opened before keep the window they checked against.
   */
  setOutOfOrderTimeWindow(ms: number): Promise<void> {
    return this.ooo.setWindow(ms);
  }

  /** Oldest and newest out-of-order sample held (Infinity / -Infinity when none). */
  outOfOrderTimes(): { min: number; max: number } {
    return { min: this.ooo.minT, max: this.ooo.maxT };
  }

  /** Number of series in the head. */
  numSeries(): number {
    return this.series.size;
  }

  /** Progress of the WAL replay at open, for `/api/v1/status/walreplay` (segments `min..max`, `current`). */
  walReplayStatus(): Readonly<ReplayStatus> {
    return this.replayStatus;
  }

  /**
   * @internal The series with `labels`, created (with the next reference, not yet indexed and
   * not yet in the WAL) when missing. Throws `InvalidLabelsError` for an empty set or repeated names.
   */
  getOrCreate(labels: Labels, appenderId: number): MemSeries {
    return this.series.atSlot(this.getOrCreateSlot(labels, appenderId));
  }

  /** @internal `getOrCreate`, returning the series' slot (no handle). */
  getOrCreateSlot(labels: Labels, appenderId: number): number {
    const store = this.series;
    const found = store.slotByLabels(labels);
    if (found >= 0) {
      store.adoptLabels(found, labels);
      return found;
    }
    if (labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
    for (let i = 1; i < labels.length; i++) {
      if (labels.nameAt(i) === labels.nameAt(i - 1)) throw new InvalidLabelsError(`label name "${labels.nameAt(i)}" is not unique`);
    }
    const slot = store.add(++this.lastRef, labels);
    store.rows(slot)[rowAt(slot) + PENDING_OWNER] = appenderId;
    this.metrics.series.inc();
    this.metrics.seriesCreated.inc();
    return slot;
  }

  /**
   * @internal Creates a series with a known reference (replay); the caller checked it is new.
   * `pack`: keep the labels packed (nothing else holds them). Returns its slot.
   */
  createWithRef(ref: number, labels: Labels, pack = false): number {
    const slot = this.series.add(ref, labels, pack);
    if (ref > this.lastRef) this.lastRef = ref;
    this.metrics.series.inc();
    this.metrics.seriesCreated.inc();
    return slot;
  }

  /**
   * @internal Applies committed samples (sample i of `batch` to the series in `slots[i]`),
   * synchronously so that no reader sees part of it. Samples that became invalid while the
   * commit was in flight (another appender got there first, or the head was truncated) are
   * dropped and counted, as upstream. Returns the number applied.
   */
  applyCommit(buffers: AppendBuffers): number {
    const { batch, slots } = buffers;
    const seq = ++this.commitSeq;
    const isolate = this.openQueriers.size > 0;
    const minValid = this.minValidTime;
    const store = this.series;
    const ts = batch.ts;
    const vs = batch.vs;
    let appended = 0;
    let ooo = 0;
    let oob = 0;
    let chunks = 0;
    let mint = Infinity;
    let maxt = -Infinity;
    // The WAL write separated this commit from its appends, so its series are no longer in the
    // CPU cache. Touching them first, in a loop whose iterations do not depend on each other,
    // lets the CPU overlap those memory loads instead of stalling on them one by one below.
    if (this.wal !== undefined) this.prefetchSink = prefetch(store, this.openChunks, slots, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const slot = slots[i]!;
      const t = ts[i]!;
      const st = store.rows(slot);
      const is = store.irows(slot);
      const o = rowAt(slot);
      const lastT = st[o + LAST_T]!;
      if (t <= lastT) {
        // Same timestamp: identical value is a no-op, another value a duplicate (dropped).
        if (t < lastT) ooo++;
        continue;
      }
      if (t < minValid) {
        oob++;
        continue;
      }
      // Only the row is touched per sample; the series object only for isolation and indexing.
      const flags = is[o * 2 + I_FLAGS]!;
      if (isolate) this.#recordIsolation(slot, seq, lastT);
      else if ((flags & F_ISO) !== 0) store.setIso(slot, undefined);
      chunks += appendSample(this, slot, ts, vs, i);
      if ((flags & F_INDEXED) === 0) {
        is[o * 2 + I_FLAGS] |= F_INDEXED;
        this.postings.add(store.refAt(slot), store.labelsAt(slot));
      }
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
      appended++;
    }
    if (mint < this.minT) this.minT = mint;
    if (mint < this.#minTWhileTruncating) this.#minTWhileTruncating = mint;
    if (maxt > this.maxT) this.maxT = maxt;
    if (buffers.ooo !== undefined) appended += this.ooo.apply(buffers.ooo.batch);
    if (appended > 0) this.#samplesAppended.inc(appended);
    if (ooo > 0) this.#outOfOrder.inc(ooo);
    if (oob > 0) this.#outOfBound.inc(oob);
    if (chunks > 0) {
      this.metrics.chunks.inc(chunks);
      this.metrics.chunksCreated.inc(chunks);
    }
    return appended;
  }

  /**
   * @internal Applies a commit whose WAL write is done: now, or — once the commits applied in
   * this turn of the event loop took `APPLY_SLICE_MS`, or earlier ones still wait — in a later
   * turn, oldest first. One WAL write settles every commit queued behind it at once (1,000
   * scrapes of 1,000 series each on a large server), and applying them back to back would block
   * the event loop for hundreds of milliseconds. Each commit is still applied in one step
   * (isolation); only the order between commits is kept, not their timing.
   */
  applyCommitSliced(buffers: AppendBuffers): number | Promise<number> {
    if (this.#applyQueue.length === 0) {
      const now = performance.now();
      if (this.#sliceStart < 0) {
        this.#sliceStart = now;
        this.#drainFresh = false;
        setImmediate(this.#drain);
      }
      if (now - this.#sliceStart < this.#sliceMs) return this.applyCommit(buffers);
    }
    return new Promise<number>((resolve, reject) => this.#applyQueue.push({ buffers, resolve, reject }));
  }

  readonly #drain = (): void => {
    if (this.#drainFresh) this.#sliceStart = performance.now();
    const q = this.#applyQueue;
    let i = 0;
    // At least one per turn, so that the queue always moves.
    while (i < q.length && (i === 0 || performance.now() - this.#sliceStart < this.#sliceMs)) {
      const c = q[i++]!;
      try {
        c.resolve(this.applyCommit(c.buffers));
      } catch (err) {
        c.reject(err);
      }
    }
    if (i > 0) q.splice(0, i);
    if (q.length === 0) {
      this.#sliceStart = -1;
      return;
    }
    // An immediate scheduled from an immediate runs in the next turn: timers and I/O go first.
    this.#drainFresh = true;
    setImmediate(this.#drain);
  };

  /** Notes, once per commit, the series' newest time before commit `seq` for open queriers. */
  #recordIsolation(slot: number, seq: number, lastT: number): void {
    const store = this.series;
    const a = store.isoAt(slot);
    if (a === undefined) {
      store.setIso(slot, [seq, lastT]);
      return;
    }
    if (a[a.length - 2] === seq) return;
    a.push(seq, lastT);
    if (a.length > 32) store.setIso(slot, this.#trimIsolation(a));
  }

  /**
   * Keeps only the entries some open querier needs: for a querier that started after commit
   * S, the first entry of a later commit (it bounds what that querier may see).
   */
  #trimIsolation(a: number[]): number[] {
    const snaps = [...new Set(this.openQueriers.values())].sort((x, y) => x - y);
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < a.length && j < snaps.length; i += 2) {
      if (a[i]! <= snaps[j]!) continue;
      out.push(a[i]!, a[i + 1]!);
      while (j < snaps.length && snaps[j]! < a[i]!) j++;
    }
    // The newest entry stays: it is the one the next commit compares against.
    if (out.length === 0 || out[out.length - 2] !== a[a.length - 2]) out.push(a[a.length - 2]!, a[a.length - 1]!);
    return out;
  }

  /** @internal Counts a sample refused at append time. */
  countRefused(kind: 'ooo' | 'oob'): void {
    if (kind === 'ooo') this.#outOfOrder.inc();
    else this.#outOfBound.inc();
  }

  /**
   * Drops everything older than `mint` (ms): chunks whose newest sample is older, then series
   * left without chunks (except those an open appender may still commit to), raises the lower
   * bound for appends to `mint`, and — with a WAL — writes a checkpoint and deletes the WAL
   * segments it covers, as upstream. Call after the block covering `[.., mint)` is persisted.
   */
  truncate(mint: number): Promise<void> {
    // One truncation at a time: two checkpoints must not race on the same files.
    const run = this.#truncating.then(async () => {
      this.metrics.truncations.inc();
      try {
        await this.#truncateMemorySliced(mint);
        if (this.wal !== undefined) await truncateWal(this, mint);
      } catch (err) {
        this.metrics.truncationsFailed.inc();
        throw err;
      }
    });
    this.#truncating = run.catch(() => undefined);
    return run;
  }

  /**
   * @internal The in-memory half of `truncate`, in one synchronous run (tests; `truncate` uses
   * the sliced form). Returns the removed series count.
   */
  truncateMemory(mint: number): number {
    const run = this.#truncateMemoryRun(mint, Infinity);
    let step = run.next();
    while (step.done !== true) step = run.next();
    return step.value;
  }

  /**
   * The in-memory half of `truncate`, at most `TRUNCATE_SLICE_MS` of work per event-loop turn
   * (at 1 M series the pass takes about a second). Appends go on meanwhile: they are above the
   * raised lower bound, series they touch are kept (their appender is newer than the pass), and
   * series they create are not in the pass' snapshot.
   */
  async #truncateMemorySliced(mint: number): Promise<number> {
    const run = this.#truncateMemoryRun(mint, TRUNCATE_SLICE_MS);
    let step = run.next();
    while (step.done !== true) {
      await new Promise<void>((res) => setImmediate(res));
      step = run.next();
    }
    return step.value;
  }

  /** The truncation pass; yields (a pause point) after each `sliceMs` of work. */
  *#truncateMemoryRun(mint: number, sliceMs: number): Generator<void, number, void> {
    if (mint > this.minValidTime) this.minValidTime = mint;
    if (mint <= this.minT) return 0;
    const t0 = performance.now();
    // Series touched by an appender open now, or opened during the pass, are kept.
    let minOpen = this.#appenderSeq + 1;
    for (const id of this.openAppenders) if (id < minOpen) minOpen = id;
    const lastSeg = this.wal?.currentSegment() ?? -1;
    const removed = new Map<number, Labels>();
    let chunksRemoved = 0;
    let newMin = Infinity;
    this.#minTWhileTruncating = Infinity;
    // A walk over the slots (see `SeriesStore.isLive`): no snapshot of every reference in one
    // turn, no object per series held across the pauses. Series created during the pass and
    // visited anyway are kept: they are newer than `mint`, or touched by an open appender.
    const store = this.series;
    const end = store.slotCount();
    let sliceEnd = performance.now() + sliceMs;
    for (let slot = 0; slot < end; slot++) {
      // A look at the clock every 64 series, not 1024: while a major GC is marking, the pass'
      // allocations pay for marking steps and scavenges, and 1024 series made turns of 30+ ms.
      if ((slot & 63) === 63 && performance.now() > sliceEnd) {
        yield;
        sliceEnd = performance.now() + sliceMs;
      }
      if (!store.isLive(slot)) continue; // free, or gone meanwhile
      const ref = store.refAt(slot);
      const s = store.atSlot(slot);
      chunksRemoved += s.truncateChunksBefore(mint, this);
      if (s.isEmpty()) {
        if (s.touchedBy >= minOpen || this.ooo.has(ref)) continue;
        if (s.indexed) removed.set(ref, s.labels);
        this.series.delete(ref);
        this.deleted.set(ref, lastSeg);
        this.tombstones.delete(ref);
        this.metrics.series.dec();
        this.metrics.seriesRemoved.inc();
        continue;
      }
      const m = s.minTime();
      if (m < newMin) newMin = m;
    }
    // In steps too: removing half a million series from the postings is 0.1-0.2 s of work.
    for (const _ of this.postings.deleteSteps(removed)) {
      if (performance.now() > sliceEnd) {
        yield;
        sliceEnd = performance.now() + sliceMs;
      }
    }
    // Samples committed during the pass are newer than `mint`, in series of the snapshot or not.
    this.minT = Math.min(newMin, this.#minTWhileTruncating);
    if (chunksRemoved > 0) {
      this.metrics.chunks.dec(chunksRemoved);
      this.metrics.chunksRemoved.inc(chunksRemoved);
    }
    this.metrics.gcDuration.observe((performance.now() - t0) / 1000);
    return removed.size;
  }

  /**
   * The series with data in `[mint, maxt)` (ms, maxt exclusive, as block metas), each with its
   * chunks' encoded XOR data copied out (`pack` then sorts them by labels for a worker); chunks
   * that stick out of the range are re-encoded with only the samples inside it. Yields to the
   * event loop while it works.
   */
  exportBlock(mint: number, maxt: number): Promise<BlockExportBuilder> {
    return collectBlockSeries(this, mint, maxt);
  }

  /**
   * @internal Where the head's memory goes (bytes, for benchmarks and debugging): typed-array
   * memory outside the JS heap by structure, encoded chunk bytes, and an estimate of the JS
   * objects the head keeps per series (what a major GC has to mark).
   */
  memoryStats(): HeadMemoryStats {
    let openBytes = 0;
    let open = 0;
    let objects = 0;
    // Isolation logs (an array and its elements each); the series themselves are rows.
    objects += this.series.isoCount * 2;
    this.series.forEach((s) => {
      const n = s.openChunkLength();
      if (n > 0) {
        openBytes += n;
        open++;
      }
    });
    return {
      stateRowBytes: this.series.rowBytes(),
      arenaBytes: this.arena.bytes,
      openChunkCapacityBytes: this.openChunks.bytes,
      openChunkBlockBytes: this.openChunks.blockBytes,
      openChunkDataBytes: openBytes,
      closedChunkDataBytes: this.arena.chunkBytes,
      stateRows: this.series.rowBytes() / (ROW * 8),
      stateRowsUsed: this.series.slotCount(),
      otherTypedArrayBytes: this.series.pageBytes(),
      postingsBytes: this.postings.bytes(),
      chunkBytes: this.arena.chunkBytes + openBytes,
      chunks: this.arena.chunks + open,
      jsObjects: objects,
    };
  }

  /** Writes what the WAL has queued and closes it (fsync). Appenders and queriers stop working. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#truncating;
    await this.wal?.close();
    await this.ooo.close();
  }
}
