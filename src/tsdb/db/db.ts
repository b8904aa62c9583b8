/**
 * The TSDB: a data directory of persisted blocks plus the head with its WAL, implementing
 * `Storage`. It owns the background work upstream's `DB.run` does — cutting the head into
 * blocks, leveled and vertical compaction, retention — serialised on one internal queue, with
 * every block write in a `worker_threads` worker so that the event loop (which owns the head)
 * is never blocked by it.
 *
 * Crash safety rests on three rules: a block becomes visible only by an atomic rename of its
 * fully written tmp directory; a compacted block names its inputs as parents, so inputs left
 * behind by a crash are deleted on the next open instead of doubling data; and the head's lower
 * bound on open is the newest block's end, so WAL samples already persisted are not replayed.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError, WriteFailedError, type Appender, type LabelMatcher, type Querier, type Storage } from '../../storage/index.js';
import { errorMessage, type Logger } from '../../util/index.js';
import { Head, rangeForTimestamp, type ReplayStatus } from '../head/index.js';
import { Block, writeMeta, removeTmpBlockDirs } from '../block/index.js';
import { CompactRunner } from './compact-runner.js';
import { planCompaction } from './compactor.js';
import { DBMetrics } from './db-metrics.js';
import { resolveOptions, type DBOptions, type ResolvedOptions } from './db-options.js';
import { dbQuerier, headDeleted } from './db-querier.js';
import { headStats, type TSDBStats } from './db-stats.js';
import { deleteSeries } from './delete.js';
import { DirLock } from './lock.js';
import { blockSize, deleteBlockDirs, forgetBlockSize, loadBlocks } from './reload.js';
import { checkSnapshotDir, linkBlock } from './snapshot.js';
import { compactOutOfOrderHead, inOrderBlocksMaxTime, writeOutOfOrderBlocks } from './ooo-compact.js';

/** How long a head compaction waits for appenders opened before it (ms) before cutting anyway. */
const APPENDER_WAIT_MS = 30_000;

/** Error codes for which a failed compaction does not mark its blocks as failed (space may return). */
const TRANSIENT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM']);

/** Sum of file sizes under `dir` (0 when absent). */
async function dirSize(dir: string): Promise<number> {
  let n = 0;
  let ents: fs.Dirent[];
  try {
    ents = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of ents) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await dirSize(p);
    else n += await fsp.stat(p).then((s) => s.size, () => 0);
  }
  return n;
}

/**
 * A Prometheus-compatible TSDB on one data directory. Open with `DB.open` (resolves when the
 * WAL is replayed) or `DB.start` (returns at once; `ready` settles when open). Appenders and
 * queriers go to the head and blocks; `close()` stops the background work and releases the
 * directory.
 */
export class DB implements Storage {
  /** The data directory. */
  readonly dir: string;
  /** The options with defaults applied. */
  readonly opts: ResolvedOptions;
  /** Resolves once blocks are loaded and the WAL replayed; rejects when opening failed. */
  readonly ready: Promise<void>;
  readonly #metrics: DBMetrics;
  readonly #runner: CompactRunner;
  readonly #logger: Logger | undefined;
  readonly #raw: DBOptions;
  #head: Head | undefined;
  /** Loaded blocks, sorted by minTime. */
  #blocks: Block[] = [];
  #lock: DirLock | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  /** Serialises compaction, reloads, deletion, snapshots. */
  #queue: Promise<unknown> = Promise.resolve();
  #triggerPending = false;
  #autoCompact = true;
  #backoffMs = 0;
  #backoffUntil = 0;
  #replay: ReplayStatus = { min: -1, max: -1, current: -1, done: false };

  private constructor(dir: string, options: DBOptions) {
    this.dir = dir;
    this.#raw = options;
    this.opts = resolveOptions(options);
    this.#logger = options.logger;
    this.#runner = new CompactRunner(this.opts.useWorker);
    this.#metrics = new DBMetrics(options.registry, {
      blocksLoaded: () => this.#blocks.length,
      lowestTimestamp: () => this.startTime(),
    });
    this.#metrics.retentionLimitBytes.set(this.opts.retentionBytes);
    this.#autoCompact = this.opts.autoCompaction;
    this.ready = this.#open();
    this.ready.catch(() => undefined);
  }

  /**
   * Starts opening the TSDB in `dir` and returns at once: `ready` settles when it is open (or
   * failed), `walReplayStatus()` reports progress meanwhile. Appenders and queriers throw until
   * then.
   */
  static start(dir: string, options: DBOptions = {}): DB {
    return new DB(dir, options);
  }

  /**
   * Opens the TSDB in `dir`: creates it, takes the lock (unless `noLockfile`), removes leftover
   * tmp block directories, loads blocks (deleting ones a compaction superseded and ones beyond
   * retention), replays the WAL (repairing a damaged tail) and starts the background loop.
   * Rejects with `LockError` when another process holds the directory.
   */
  static async open(dir: string, options: DBOptions = {}): Promise<DB> {
    const db = new DB(dir, options);
    await db.ready;
    return db;
  }

  async #open(): Promise<void> {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      if (!this.opts.noLockfile) this.#lock = DirLock.acquire(this.dir);
      const removed = await removeTmpBlockDirs(this.dir);
      if (removed.length > 0) this.#logger?.info({ dirs: removed }, 'Removed tmp block directories of an interrupted write or deletion');
      await this.#removeHeadChunks();
      const walDir = join(this.dir, 'wal');
      await fsp.mkdir(walDir, { recursive: true });
      for (const n of await fsp.readdir(walDir)) if (/^checkpoint\.\d+\.tmp$/.test(n)) await fsp.rm(join(walDir, n), { recursive: true, force: true });
      await this.#reload();
      // Blocks of out-of-order samples may lie in the range the WAL still covers: not a bound.
      const newest = inOrderBlocksMaxTime(this.#blocks.map((b) => b.meta));
      this.#head = await Head.open({
        chunkRange: this.opts.minBlockDurationMs,
        walDir,
        walSegmentSize: this.opts.walSegmentSize,
        walCompression: this.opts.walCompression,
        minValidTime: newest,
        outOfOrderTimeWindow: this.opts.outOfOrderTimeWindowMs,
        wblDir: join(this.dir, 'wbl'),
        registry: this.#raw.registry,
        logger: this.#logger,
        walOpenFile: this.#raw.walOpenFile,
        onReplayStatus: (s) => (this.#replay = { ...s }),
      });
      this.#replay = { ...this.#head.walReplayStatus(), done: true };
      if (this.#closing) return;
      this.#timer = setInterval(() => this.#tick(), this.opts.compactionIntervalMs);
      this.#timer.unref();
      this.#trigger();
    } catch (err) {
      this.#lock?.release();
      this.#lock = undefined;
      await this.#head?.close().catch(() => undefined);
      await Promise.all(this.#blocks.map((b) => b.close()));
      this.#blocks = [];
      await this.#runner.close();
      throw err;
    }
  }

  /**
   * Removes `chunks_head/`, Prometheus' memory-mapped head chunks, from a directory Prometheus
   * wrote. Ignis keeps the head in memory and rebuilds it from the WAL, which holds every sample
   * those files hold; left in place, they would go stale while Ignis writes the WAL, and a later
   * Prometheus could attach them to series references Ignis has reused.
   */
  async #removeHeadChunks(): Promise<void> {
    const p = join(this.dir, 'chunks_head');
    if (!fs.existsSync(p)) return;
    await fsp.rm(p, { recursive: true, force: true });
    this.#logger?.info({ dir: p }, "Removed Prometheus' memory-mapped head chunks; the head is rebuilt from the WAL, which holds the same samples");
  }

  #requireHead(): Head {
    if (this.#head === undefined) throw new WriteFailedError('TSDB is not ready: WAL replay in progress');
    if (this.#closing) throw new WriteFailedError('TSDB is closed');
    return this.#head;
  }

  /** Runs `fn` after everything queued before it (compaction, reload, delete, snapshot). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The head (after `ready`). */
  head(): Head {
    return this.#requireHead();
  }

  /** The loaded blocks, sorted by minTime (a snapshot of the list). */
  blocks(): readonly Block[] {
    return this.#blocks.slice();
  }

  /** A new appender on the head; samples older than the head's lower bound throw `OutOfBoundsError`. */
  appender(): Appender {
    // After each commit, a compaction check (as upstream's `dbAppender`); the hook is bound once.
    return this.#requireHead().appender(this.#afterCommit);
  }

  readonly #afterCommit = (): void => {
    if (this.#compactable()) this.#trigger();
  };

  /** A querier over `[mint, maxt]` (ms, inclusive) merging the head and every overlapping block. */
  querier(mint: number, maxt: number): Querier {
    const head = this.#head;
    if (head === undefined) throw new StorageError('TSDB is not ready: WAL replay in progress');
    return dbQuerier(head, this.#blocks, mint, maxt);
  }

  /** Lowest timestamp held (ms): the oldest block's start, else the head's oldest sample (in order or not); Infinity when empty. */
  startTime(): number {
    // Out-of-order samples of the head may be older than everything else.
    const ooo = this.#head?.outOfOrderTimes().min ?? Infinity;
    if (this.#blocks.length > 0) return Math.min(this.#blocks[0]!.minTime(), ooo);
    return Math.min(this.#head?.minTime() ?? Infinity, ooo);
  }

  /** WAL replay progress in segments (`/api/v1/status/walreplay`). */
  walReplayStatus(): ReplayStatus {
    return this.#replay;
  }

  /** Head cardinality statistics with top-`limit` lists (`/api/v1/status/tsdb`). */
  stats(limit = 10): TSDBStats {
    return headStats(this.#requireHead(), limit);
  }

  /** Lets the background loop compact (the default). */
  enableCompactions(): void {
    this.#autoCompact = true;
  }

  /** Stops the background loop from compacting (triggers are counted as skipped); retention still runs. */
  disableCompactions(): void {
    this.#autoCompact = false;
  }

  #compactable(): boolean {
    const h = this.#head;
    if (h === undefined || h.numSeries() === 0) return false;
    return h.maxTime() - h.minTime() > (h.chunkRange / 2) * 3;
  }

  /**
   * Schedules one background compaction soon. At most one is pending or running at a time (as
   * upstream's one-slot trigger channel): `compact()` itself loops while there is work.
   */
  #trigger(): void {
    if (this.#triggerPending || this.#closing) return;
    this.#triggerPending = true;
    setImmediate(() => {
      void this.#background().finally(() => (this.#triggerPending = false));
    });
  }

  #tick(): void {
    if (this.#closing) return;
    void this.#exclusive(() => this.#reload()).catch((err) => this.#logger?.error({ err: errorMessage(err) }, 'reloadBlocks'));
    this.#trigger();
  }

  /** One background compaction run: logs and counts failures, backs off exponentially (1 s … 1 min). */
  async #background(): Promise<void> {
    if (this.#closing || Date.now() < this.#backoffUntil) return;
    this.#metrics.compactionsTriggered.inc();
    if (!this.#autoCompact) {
      this.#metrics.compactionsSkipped.inc();
      return;
    }
    try {
      await this.compact();
      this.#backoffMs = 0;
    } catch (err) {
      if (this.#closing) return;
      this.#metrics.compactionsFailed.inc();
      this.#backoffMs = Math.min(60_000, Math.max(1000, this.#backoffMs * 2));
      this.#backoffUntil = Date.now() + this.#backoffMs;
      this.#logger?.error({ err: errorMessage(err), retryInMs: this.#backoffMs }, 'compaction failed');
    }
  }

  /**
   * Persists every full block range of the head (while it spans more than 1.5 block durations),
   * truncating the head after each, then compacts blocks as planned. Queued behind other
   * maintenance; rejects with the first failure.
   */
  compact(): Promise<void> {
    return this.#exclusive(async () => {
      let cut = false;
      while (!this.#closing && this.#compactable()) {
        const before = this.#head!.minTime();
        await this.#compactHead();
        cut = true;
        if (this.#head!.minTime() <= before) break;
      }
      // As upstream: the out-of-order samples are persisted whenever the in-order head was cut.
      if (cut && !this.#closing) await this.#compactOutOfOrder();
      if (this.opts.blockCompaction) await this.#compactBlocks();
    });
  }

  /**
   * Persists every out-of-order sample of the head into blocks now (one per block range it
   * touches; see `ooo-compact.ts`), then compacts blocks as planned (merging the overlaps).
   */
  compactOutOfOrderHead(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#compactOutOfOrder();
      if (this.opts.blockCompaction) await this.#compactBlocks();
    });
  }

  /**
   * Sets the out-of-order window (ms; 0 refuses out-of-order samples), as upstream's
   * `ApplyConfig` for `storage.tsdb.out_of_order_time_window`; opens `data/wbl` when it turns on.
   */
  setOutOfOrderTimeWindow(ms: number): Promise<void> {
    return this.#requireHead().setOutOfOrderTimeWindow(ms);
  }

  async #compactOutOfOrder(): Promise<void> {
    const head = this.#head!;
    const t0 = performance.now();
    this.#metrics.populatingBlock.set(1);
    try {
      const metas = await compactOutOfOrderHead(head, {
        dir: this.dir,
        runner: this.#runner,
        waitForAppenders: (h) => this.#waitForAppenders(h),
        reload: () => this.#reload(),
        logger: this.#logger,
      });
      if (metas.length > 0) {
        this.#metrics.compactions.inc(metas.length);
        this.#metrics.compactionDuration.observe((performance.now() - t0) / 1000);
      }
    } finally {
      this.#metrics.populatingBlock.set(0);
    }
  }

  /** Waits (bounded) until appenders opened before now finished: they may still commit into the range being cut. */
  async #waitForAppenders(head: Head): Promise<void> {
    if (head.openAppenders.size === 0) return;
    const last = Math.max(...head.openAppenders);
    const deadline = Date.now() + APPENDER_WAIT_MS;
    this.#metrics.headCompactionWaits.inc();
    const older = (): boolean => {
      for (const id of head.openAppenders) if (id <= last) return true;
      return false;
    };
    while (older() && Date.now() < deadline && !this.#closing) await new Promise((r) => setTimeout(r, 2));
  }

  /** Cuts the oldest full block range `[mint, maxt)` of the head into a block, then truncates the head. */
  async #compactHead(): Promise<void> {
    const head = this.#head!;
    const mint = head.minTime();
    const maxt = rangeForTimestamp(mint, head.chunkRange);
    await this.#waitForAppenders(head);
    const t0 = performance.now();
    this.#metrics.populatingBlock.set(1);
    try {
      const series = await head.exportBlock(mint, maxt);
      const m = this.#metrics;
      const packed = await series.pack((l) => headDeleted(head, l), {
        chunk: (rangeMs, samples, bytes) => {
          m.chunkRange.observe(rangeMs / 1000);
          m.chunkSamples.observe(samples);
          m.chunkSize.observe(bytes);
        },
      });
      const out = await this.#runner.run({ kind: 'head', parentDir: this.dir, mint, maxt, packed });
      this.#metrics.compactions.inc();
      const secs = (performance.now() - t0) / 1000;
      this.#metrics.compactionDuration.observe(secs);
      if (out.meta !== undefined) {
        this.#logger?.info({ mint, maxt, ulid: out.meta.ulid, duration: `${secs.toFixed(3)}s` }, 'write block');
      }
    } finally {
      this.#metrics.populatingBlock.set(0);
    }
    await this.#reload();
    await head.truncate(maxt);
  }

  /** Compacts blocks as the planner says until it has nothing left (or the head needs cutting first). */
  async #compactBlocks(): Promise<void> {
    for (;;) {
      if (this.#closing || this.#compactable()) return;
      const plan = planCompaction(
        this.#blocks.map((b) => ({ dir: b.dir, meta: b.meta })),
        this.opts.ranges,
      );
      if (plan.length === 0) return;
      const t0 = performance.now();
      this.#metrics.populatingBlock.set(1);
      let out;
      try {
        out = await this.#runner.run({ kind: 'merge', parentDir: this.dir, dirs: plan, mode: 'compact' });
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === undefined || !TRANSIENT_CODES.has(code)) this.#markFailed(plan);
        throw new StorageError(`compact ${plan.join(', ')}: ${errorMessage(err)}`, { cause: err });
      } finally {
        this.#metrics.populatingBlock.set(0);
      }
      this.#metrics.compactions.inc();
      if (out.vertical) this.#metrics.verticalCompactions.inc();
      const secs = (performance.now() - t0) / 1000;
      this.#metrics.compactionDuration.observe(secs);
      if (out.meta === undefined) {
        // Nothing left of the inputs (all deleted): mark them deletable so that reload drops them.
        for (const b of this.#blocks) {
          if (!plan.includes(b.dir)) continue;
          b.meta.compaction.deletable = true;
          writeMeta(b.dir, b.meta);
        }
      } else {
        this.#logger?.info({ sources: plan, ulid: out.meta.ulid, mint: out.meta.minTime, maxt: out.meta.maxTime, duration: `${secs.toFixed(3)}s` }, 'compact blocks');
      }
      await this.#reload();
    }
  }

  /** Marks blocks whose compaction failed, so the planner skips them in leveled compaction (as upstream). */
  #markFailed(dirs: readonly string[]): void {
    for (const b of this.#blocks) {
      if (!dirs.includes(b.dir)) continue;
      try {
        b.meta.compaction.failed = true;
        writeMeta(b.dir, b.meta);
      } catch (err) {
        this.#logger?.error({ err: errorMessage(err), block: b.meta.ulid }, 'mark block as failed compaction');
      }
    }
  }

  /**
   * Re-reads the block directories: opens new blocks, drops superseded ones (parents of another
   * block, or marked deletable) and blocks beyond retention, then closes and deletes dropped ones.
   */
  async #reload(): Promise<void> {
    this.#metrics.reloads.inc();
    let res;
    try {
      const walBytes = this.opts.retentionBytes > 0 ? (await dirSize(join(this.dir, 'wal'))) + (await dirSize(join(this.dir, 'wbl'))) : 0;
      res = await loadBlocks(this.dir, this.#blocks, this.opts, walBytes);
    } catch (err) {
      this.#metrics.reloadsFailed.inc();
      throw err;
    }
    this.#blocks = res.keep;
    if (res.byTime > 0) this.#metrics.timeRetentions.inc();
    if (res.bySize > 0) this.#metrics.sizeRetentions.inc();
    this.#metrics.blocksBytes.set(res.keep.reduce((n, b) => n + blockSize(b), 0));
    if (res.overlapping.length > 0) this.#logger?.warn({ blocks: res.overlapping }, 'Overlapping blocks found; they will be compacted vertically');
    if (res.remove.length > 0) {
      this.#logger?.info({ blocks: res.remove.map((r) => r.ulid) }, 'Deleting obsolete blocks');
      await deleteBlockDirs(this.dir, res.remove);
    }
  }

  /**
   * Adds tombstones for `[mint, maxt]` (ms) of every series matching all matchers of any set in
   * `matcherSets`, in the head and the blocks (`[[m1, m2]]` deletes one matcher set).
   */
  deleteSeries(mint: number, maxt: number, matcherSets: readonly (readonly LabelMatcher[])[]): Promise<void> {
    return this.#exclusive(async () => {
      const head = this.#requireHead();
      await deleteSeries(head, this.#blocks, mint, maxt, matcherSets);
      for (const b of this.#blocks) forgetBlockSize(b);
    });
  }

  /** Rewrites every block that has tombstones without the deleted data (new blocks replace the old ones). */
  cleanTombstones(): Promise<void> {
    return this.#exclusive(async () => {
      this.#requireHead();
      for (const b of this.#blocks) {
        if (b.tombstones().numIntervals() === 0) continue;
        const out = await this.#runner.run({ kind: 'merge', parentDir: this.dir, dirs: [b.dir], mode: 'rewrite' });
        if (out.meta === undefined) {
          b.meta.compaction.deletable = true;
          writeMeta(b.dir, b.meta);
        }
      }
      await this.#reload();
    });
  }

  /**
   * Writes a snapshot into `dir`: hard links of every block, and with `withHead` the head's
   * samples as one more block `[head min, head max + 1)` plus its out-of-order samples as
   * `from-out-of-order` blocks (which may overlap it). `dir` must not be the data directory or
   * a block directory.
   */
  snapshot(dir: string, withHead: boolean): Promise<void> {
    return this.#exclusive(async () => {
      const head = this.#requireHead();
      checkSnapshotDir(this.dir, dir);
      fs.mkdirSync(dir, { recursive: true });
      for (const b of this.#blocks) {
        this.#logger?.info({ block: b.meta.ulid }, 'Snapshotting block');
        linkBlock(b.dir, dir);
      }
      if (!withHead || head.numSeries() === 0) return;
      if (head.ooo.series.size > 0) await writeOutOfOrderBlocks(head, head.ooo.snapshot(-1), this.#runner, dir, this.#logger);
      if (head.maxTime() === -Infinity) return;
      const mint = head.minTime();
      const maxt = head.maxTime() + 1;
      const series = await head.exportBlock(mint, maxt);
      const packed = await series.pack((l) => headDeleted(head, l));
      await this.#runner.run({ kind: 'head', parentDir: dir, mint, maxt, packed });
    });
  }

  /**
   * Stops the background loop, waits for running maintenance and worker jobs, closes the head
   * (flushing and fsyncing the WAL) and the blocks, and releases the lock. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      if (this.#timer !== undefined) clearInterval(this.#timer);
      await this.ready.catch(() => undefined);
      await this.#queue;
      await this.#runner.close();
      await this.#head?.close();
      const blocks = this.#blocks;
      this.#blocks = [];
      await Promise.all(
        blocks.map((b) =>
          Promise.race([
            b.close(),
            new Promise<void>((r) => {
              const t = setTimeout(() => {
                this.#logger?.warn({ block: b.meta.ulid, readers: b.pendingReaders() }, 'closing a block with open queriers');
                r();
              }, 5000);
              t.unref();
            }),
          ]),
        ),
      );
      this.#lock?.release();
    })();
    return this.#closed;
  }
}
