/**
 * The head's out-of-order part (`storage.tsdb.out_of_order_time_window`, off while the window is
 * 0, as upstream): per-series out-of-order chunks (`OOOSeries`), the write-behind log (WBL,
 * `data/wbl/`, WAL format, samples records only) that makes them durable, the counters under
 * upstream's names, and the hand-over to compaction.
 *
 * A sample goes here when it is older than its series' newest sample (or older than the head's
 * appendable lower bound) but not older than the head's newest sample minus the window. Such
 * samples are not isolated from queriers already open, as upstream.
 */
import * as fs from 'node:fs';
import { Counter, errorMessage, type Registry } from '../../util/index.js';
import { XorIterator } from '../chunkenc/index.js';
import { RecordType, SampleBatch, decodeSamples, recordType } from '../record/index.js';
import { WalCorruptionError, WriteAheadLog, listSegmentsSync, readSegments, repairWal } from '../wlog/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './memseries.js';
import { DEFAULT_OOO_CAP, OOOSeries, type OOOChunk } from './ooo-series.js';

/** Metric name prefix of the WBL writer's collectors, as upstream. */
const WBL_METRICS_PREFIX = 'prometheus_tsdb_out_of_order_wbl_';

/** Upstream's counters of out-of-order ingestion. */
class OOOMetrics {
  readonly appended: InstanceType<typeof Counter>;
  readonly tooOld: InstanceType<typeof Counter>;

  constructor(registry: Registry | undefined) {
    const registers = registry ? [registry] : [];
    this.appended = new Counter({
      name: 'prometheus_tsdb_head_out_of_order_samples_appended_total',
      help: 'Total number of appended out of order samples.',
      labelNames: ['type'],
      registers,
    });
    this.tooOld = new Counter({
      name: 'prometheus_tsdb_too_old_samples_total',
      help: 'Total number of out of order samples ingestion failed attempts with out of order support enabled, but sample outside of time window.',
      labelNames: ['type'],
      registers,
    });
  }
}

/** The out-of-order samples one compaction takes: per series reference, the chunks it persists. */
export interface OOOSnapshot {
  /** Series reference → its closed chunks at the moment of the snapshot. */
  chunks: Map<number, OOOChunk[]>;
  mint: number;
  maxt: number;
  /** First WBL segment that may hold samples not in the snapshot (older ones can go afterwards). */
  wblSegment: number;
}

/** See the module comment. One per head. */
export class OOOHead {
  /** Window in ms; 0 disables out-of-order ingestion. */
  window: number;
  /** Samples per out-of-order chunk (`out_of_order_cap_max`). */
  readonly cap: number;
  /** Out-of-order samples by series reference. */
  readonly series = new Map<number, OOOSeries>();
  /** Oldest and newest out-of-order sample held (Infinity / -Infinity when none). */
  minT = Infinity;
  maxT = -Infinity;
  /** The write-behind log (undefined without a WAL, or while out-of-order was never enabled). */
  wbl: WriteAheadLog | undefined;
  readonly #head: Head;
  readonly #dir: string | undefined;
  readonly #metrics: OOOMetrics;
  readonly #appendedFloat;
  readonly #tooOldFloat;
  /** Scratch iterator for lookups. */
  readonly it = new XorIterator();

  constructor(head: Head, window: number, cap: number | undefined, wblDir: string | undefined, registry: Registry | undefined) {
    if (!(window >= 0) || !Number.isFinite(window)) throw new RangeError(`invalid out-of-order time window ${window}`);
    this.#head = head;
    this.window = window;
    this.cap = cap ?? DEFAULT_OOO_CAP;
    if (!(this.cap >= 1 && this.cap <= 255)) throw new RangeError(`invalid out-of-order chunk capacity ${this.cap}`);
    this.#dir = wblDir;
    this.#metrics = new OOOMetrics(registry);
    this.#appendedFloat = this.#metrics.appended.labels('float');
    this.#tooOldFloat = this.#metrics.tooOld.labels('float');
  }

  /** Counts a sample refused as older than the window. */
  countTooOld(): void {
    this.#tooOldFloat.inc();
  }

  /** True when series `ref` holds out-of-order samples. */
  has(ref: number): boolean {
    return this.series.has(ref);
  }

  /** The out-of-order samples of series `ref` when some lie in `[mint, maxt]`. */
  overlapping(ref: number, mint: number, maxt: number): OOOSeries | undefined {
    if (this.maxT < mint || this.minT > maxt) return undefined;
    const o = this.series.get(ref);
    if (o === undefined || o.maxTime() < mint || o.minTime() > maxt) return undefined;
    return o;
  }

  /**
   * Applies a commit's out-of-order samples (after the WBL holds them). A sample whose series
   * is gone is dropped. A timestamp another commit stored since this one checked it (a race
   * between appenders) takes this commit's value: the later write wins, as on WBL replay.
   * Indexes series seen for the first time. Returns the number applied.
   */
  apply(b: SampleBatch): number {
    const head = this.#head;
    let n = 0;
    let chunks = 0;
    let mint = Infinity;
    let maxt = -Infinity;
    for (let i = 0; i < b.length; i++) {
      const s = head.series.getByRef(b.refs[i]!);
      if (s === undefined) continue;
      const t = b.ts[i]!;
      const r = this.#insert(s, t, b.vs[i]!, true);
      if (r === 0) continue;
      if (r === 2) chunks++;
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
      n++;
    }
    if (mint < this.minT) this.minT = mint;
    if (maxt > this.maxT) this.maxT = maxt;
    if (n > 0) this.#appendedFloat.inc(n);
    if (chunks > 0) {
      head.metrics.chunksCreated.inc(chunks);
    }
    return n;
  }

  #insert(s: MemSeries, t: number, v: number, replace = false): 0 | 1 | 2 {
    let o = this.series.get(s.ref);
    if (o === undefined) this.series.set(s.ref, (o = new OOOSeries()));
    const r = o.insert(t, v, this.cap, replace);
    if (r !== 0 && !s.indexed) {
      s.indexed = true;
      this.#head.postings.add(s.ref, s.labels);
    }
    return r;
  }

  /**
   * Replays `data/wbl`: every samples record into the out-of-order chunks (`resolve` maps WAL
   * references, including duplicates the WAL replay merged, to series). Where the WBL holds two
   * values for one timestamp the later one wins: the earlier one can only be the residue of a
   * commit that failed after its WBL write, never acknowledged. A damaged tail is repaired like
   * the WAL's. Call after the WAL replay created the series.
   */
  async replay(resolve: (ref: number) => MemSeries | undefined): Promise<number> {
    const dir = this.#dir;
    if (dir === undefined || !fs.existsSync(dir)) return 0;
    const head = this.#head;
    const b = new SampleBatch(1024);
    let samples = 0;
    let unknown = 0;
    const onRecord = (rec: Buffer, segment: number, offset: number): void => {
      if (recordType(rec) !== RecordType.Samples) return;
      b.reset();
      try {
        decodeSamples(rec, b);
      } catch (err) {
        throw new WalCorruptionError(dir, segment, offset, `undecodable record: ${errorMessage(err)}`, { cause: err });
      }
      let mint = Infinity;
      let maxt = -Infinity;
      for (let i = 0; i < b.length; i++) {
        const s = resolve(b.refs[i]!);
        if (s === undefined) {
          unknown++;
          continue;
        }
        const t = b.ts[i]!;
        if (this.#insert(s, t, b.vs[i]!, true) === 0) continue;
        if (t < mint) mint = t;
        if (t > maxt) maxt = t;
        samples++;
      }
      if (mint < this.minT) this.minT = mint;
      if (maxt > this.maxT) this.maxT = maxt;
    };
    try {
      await readSegments(dir, onRecord);
    } catch (err) {
      if (!(err instanceof WalCorruptionError) || err.dir !== dir) throw err;
      head.metrics.walCorruptions.inc();
      head.logger?.warn({ err: err.message }, 'Encountered WBL read error, attempting repair');
      const res = await repairWal(dir, err);
      head.logger?.warn({ segment: res.segment, offset: res.offset, droppedBytes: res.droppedBytes }, 'WBL repaired: kept every record before the damage, dropped the rest');
    }
    if (unknown > 0) head.logger?.warn({ samples: unknown }, 'Unknown series references in the WBL');
    if (samples > 0) head.logger?.info({ samples, series: this.series.size }, 'WBL replay completed');
    return samples;
  }

  /**
   * Opens the WBL for writing when the head has a WAL and either out-of-order ingestion is on or
   * the directory already holds segments (as upstream). Idempotent.
   */
  async openWbl(): Promise<void> {
    const head = this.#head;
    const dir = this.#dir;
    if (this.wbl !== undefined || dir === undefined || head.wal === undefined) return;
    if (this.window <= 0 && !(fs.existsSync(dir) && listSegmentsSync(dir).length > 0)) return;
    this.wbl = await WriteAheadLog.open(dir, {
      segmentSize: head.opts.walSegmentSize,
      compress: head.opts.walCompression,
      registry: head.opts.registry,
      logger: head.logger,
      openFile: head.opts.walOpenFile,
      metricsPrefix: WBL_METRICS_PREFIX,
    });
  }

  /** Changes the window (config reload); opens the WBL first when it turns on. */
  async setWindow(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`invalid out-of-order time window ${ms}`);
    if (ms > 0) {
      const prev = this.window;
      this.window = ms;
      try {
        await this.openWbl();
      } catch (err) {
        this.window = prev;
        throw err;
      }
      return;
    }
    this.window = 0;
  }

  /**
   * Takes every out-of-order sample held now for compaction: closes each series' open chunk
   * and lists the closed chunks. Samples committed afterwards go to new chunks and are not part
   * of it. `wblSegment` must be a WBL segment started after every commit in the snapshot logged.
   */
  snapshot(wblSegment: number): OOOSnapshot {
    const chunks = new Map<number, OOOChunk[]>();
    let mint = Infinity;
    let maxt = -Infinity;
    for (const [ref, o] of this.series) {
      o.closeOpen();
      if (o.closed.length === 0) continue;
      chunks.set(ref, o.closed.slice());
      for (const c of o.closed) {
        if (c.minT < mint) mint = c.minT;
        if (c.maxT > maxt) maxt = c.maxT;
      }
    }
    return { chunks, mint, maxt, wblSegment };
  }

  /**
   * Forgets the chunks of `snap` once they are persisted in blocks, then deletes the WBL
   * segments before `snap.wblSegment` (all their samples are in those blocks). Series left with
   * nothing, in order or out of order, are removed by the head's next truncation.
   */
  async dropSnapshot(snap: OOOSnapshot): Promise<void> {
    let mint = Infinity;
    let maxt = -Infinity;
    for (const [ref, list] of snap.chunks) {
      const o = this.series.get(ref);
      if (o === undefined) continue;
      o.dropChunks(new Set(list));
      if (o.isEmpty()) this.series.delete(ref);
    }
    for (const o of this.series.values()) {
      const lo = o.minTime();
      const hi = o.maxTime();
      if (lo < mint) mint = lo;
      if (hi > maxt) maxt = hi;
    }
    this.minT = mint;
    this.maxT = maxt;
    if (this.wbl !== undefined) await this.wbl.truncate(snap.wblSegment);
  }

  /** Starts a new WBL segment once everything logged so far is written; resolves with its index (-1 without a WBL). */
  async nextWblSegment(): Promise<number> {
    return this.wbl === undefined ? -1 : this.wbl.nextSegment();
  }

  /** Flushes and closes the WBL. */
  async close(): Promise<void> {
    await this.wbl?.close();
  }
}
