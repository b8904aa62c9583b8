/**
 * The server's local storage: the TSDB (`tsdb/db`) opened from the `--storage.tsdb.*` flags, and
 * the admin/statistics view the API needs over it (`TSDBAdmin`). The object exists before the
 * TSDB opens (the scrape manager and the API are built with it); `status/walreplay` reports
 * progress while the WAL replays; until the TSDB is open, appends fail and queries see nothing
 * (the API answers 503 meanwhile anyway).
 */
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { WriteFailedError, type Appender, type Querier, type SeriesSet, type Storage } from '../../storage/index.js';
import { DB } from '../../tsdb/db/index.js';
import type { Logger, Registry } from '../../util/index.js';
import type { TSDBAdmin, WALReplayStatus } from '../../web/index.js';
import type { TSDBFlags } from './flags.js';

/** What `ServerStorage` needs. */
export interface StorageOptions {
  readonly flags: TSDBFlags;
  readonly registry: Registry;
  readonly logger: Logger;
}

const EMPTY_SET: SeriesSet = { next: () => false, at: () => undefined as never, err: () => undefined, warnings: () => [] };
const EMPTY_QUERIER: Querier = { select: () => EMPTY_SET, labelNames: () => [], labelValues: () => [], close: () => undefined };

/**
 * The TSDB in `flags.path` behind `Storage` (for the scrape manager, the engine and the API) and
 * `TSDBAdmin` (for the admin and status endpoints). `open()` starts opening it.
 */
export class ServerStorage implements Storage {
  readonly #o: StorageOptions;
  #db: DB | undefined;
  #ready: Promise<void> | undefined;
  #open = false;
  /** `storage.tsdb.out_of_order_time_window` of the configuration in effect (ms). */
  #oooWindowMs = 0;

  constructor(o: StorageOptions) {
    this.#o = o;
  }

  /**
   * Starts opening the TSDB (once); resolves when blocks are loaded and the WAL is replayed, and
   * rejects when the directory cannot be used (locked by another process, unreadable).
   */
  open(): Promise<void> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  /** The TSDB, once `open()` was called. */
  get db(): DB | undefined {
    return this.#db;
  }

  async #start(): Promise<void> {
    const o = this.#o;
    const f = o.flags;
    const db = DB.start(f.path, {
      retentionMs: f.retentionMs,
      retentionBytes: f.retentionBytes,
      minBlockDurationMs: f.minBlockDurationMs,
      ...(f.maxBlockDurationMs !== undefined ? { maxBlockDurationMs: f.maxBlockDurationMs } : {}),
      ...(f.walSegmentSize !== undefined ? { walSegmentSize: f.walSegmentSize } : {}),
      walCompression: f.walCompression,
      noLockfile: f.noLockfile,
      registry: o.registry,
      logger: o.logger.child({ component: 'tsdb' }),
    });
    this.#db = db;
    await db.ready;
    this.#open = true;
    // A configuration applied while the TSDB was opening.
    if (this.#oooWindowMs > 0) await db.setOutOfOrderTimeWindow(this.#oooWindowMs);
  }

  /**
   * Applies the reloadable TSDB settings of `cfg` (upstream's `db_storage` reloader): the
   * out-of-order window, `storage.tsdb.out_of_order_time_window` (0 when absent). Turning it on
   * creates `data/wbl`.
   */
  async applyConfig(cfg: Config): Promise<void> {
    const ms = cfg.storage.tsdb?.out_of_order_time_window ?? 0;
    const prev = this.#oooWindowMs;
    this.#oooWindowMs = ms;
    if (!this.#open || !this.#db || ms === prev) return;
    try {
      await this.#db.setOutOfOrderTimeWindow(ms);
    } catch (err) {
      this.#oooWindowMs = prev;
      throw err;
    }
    this.#o.logger.info({ window: `${ms}ms` }, ms > 0 ? 'Out-of-order ingestion enabled' : 'Out-of-order ingestion disabled');
  }

  #require(): DB {
    if (!this.#db || !this.#open) throw new Error('TSDB not ready');
    return this.#db;
  }

  /** The admin operations and statistics, as the API's `TSDBAdmin`. */
  readonly admin: TSDBAdmin = {
    snapshot: (name, withHead) => {
      const db = this.#require();
      return db.snapshot(join(db.dir, 'snapshots', name), withHead);
    },
    deleteSeries: (mint, maxt, sets) => this.#require().deleteSeries(mint, maxt, sets),
    cleanTombstones: () => this.#require().cleanTombstones(),
    stats: (limit) => this.#require().stats(limit),
    walReplayStatus: (): WALReplayStatus => {
      const s = this.#db?.walReplayStatus();
      return s ? { min: Math.max(s.min, 0), max: Math.max(s.max, 0), current: Math.max(s.current, 0) } : { min: 0, max: 0, current: 0 };
    },
  };

  appender(): Appender {
    if (!this.#db) throw new WriteFailedError('TSDB not open');
    return this.#db.appender();
  }

  querier(mint: number, maxt: number): Querier {
    return this.#open ? this.#db!.querier(mint, maxt) : EMPTY_QUERIER;
  }

  startTime(): number {
    return this.#open ? this.#db!.startTime() : Infinity;
  }

  /** Stops background work and closes the TSDB (flushing and fsyncing the WAL), if it was opened. */
  async close(): Promise<void> {
    await this.#db?.close();
  }
}
