/**
 * Options of the TSDB (`DB.open`) with upstream's defaults and the derivation of the leveled
 * compaction ranges from `--storage.tsdb.min-block-duration` and the retention.
 */
import type { Logger, Registry } from '../../util/index.js';
import type { SegmentFileOpener } from '../wlog/index.js';

/** Upstream's default `--storage.tsdb.retention.time`: 15 days in ms. */
export const DEFAULT_RETENTION_MS = 15 * 24 * 3600 * 1000;
/** Upstream's default block duration (`--storage.tsdb.min-block-duration`): 2h in ms. */
export const DEFAULT_BLOCK_DURATION_MS = 2 * 3600 * 1000;
/** Upper bound of the largest compacted block: 31 days in ms (upstream's cap). */
export const MAX_BLOCK_DURATION_CAP_MS = 31 * 24 * 3600 * 1000;
/** How often the background loop looks for work (upstream's `BlockReloadInterval`): 1 minute. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 60_000;

/** Options of `DB.open`; everything is optional. */
export interface DBOptions {
  /** Time retention in ms (`--storage.tsdb.retention.time`); 0 disables it. Default 15d. */
  retentionMs?: number;
  /** Size retention in bytes over blocks and WAL (`--storage.tsdb.retention.size`); 0 disables it. */
  retentionBytes?: number;
  /** Length of a block cut from the head in ms (`--storage.tsdb.min-block-duration`); default 2h. */
  minBlockDurationMs?: number;
  /**
   * Longest block compaction may produce, ms (`--storage.tsdb.max-block-duration`); default
   * 10% of the time retention, at most 31d (31d when time retention is off).
   */
  maxBlockDurationMs?: number;
  /** Do not create or honour the `lock` file (`--storage.tsdb.no-lockfile`). */
  noLockfile?: boolean;
  /** Snappy-compress WAL records (`--storage.tsdb.wal-compression`); default false. */
  walCompression?: boolean;
  /** WAL segment size in bytes; default 128 MiB. */
  walSegmentSize?: number;
  /** Period of the background loop (head compaction, block compaction, retention) in ms; default 1 min. */
  compactionIntervalMs?: number;
  /** Compact blocks (vertical and leveled); default true. Head blocks are cut regardless. */
  blockCompaction?: boolean;
  /**
   * Let the background loop compact (cut the head, compact blocks); default true. When false,
   * only explicit `compact()` calls do (retention still runs), like upstream's
   * `DisableCompactions` from the start.
   */
  autoCompaction?: boolean;
  /**
   * Out-of-order window in ms (`storage.tsdb.out_of_order_time_window`); 0, the default, refuses
   * out-of-order samples. Changeable later with `DB.setOutOfOrderTimeWindow`.
   */
  outOfOrderTimeWindowMs?: number;
  /** Run block writes in a `worker_threads` worker (default true); false runs them inline (tests, tools). */
  useWorker?: boolean;
  registry?: Registry;
  logger?: Logger;
  /** Test hook: opener of WAL segment files (fault injection such as ENOSPC). */
  walOpenFile?: SegmentFileOpener;
}

/** `DBOptions` with every default applied and the compaction ranges derived. */
export interface ResolvedOptions {
  retentionMs: number;
  retentionBytes: number;
  minBlockDurationMs: number;
  maxBlockDurationMs: number;
  noLockfile: boolean;
  walCompression: boolean;
  walSegmentSize: number | undefined;
  compactionIntervalMs: number;
  blockCompaction: boolean;
  autoCompaction: boolean;
  useWorker: boolean;
  outOfOrderTimeWindowMs: number;
  /** Leveled compaction ranges in ms, smallest (the block duration) first. */
  ranges: number[];
}

/**
 * Upstream's `ExponentialBlockRanges`: `steps` ranges starting at `minSize`, each `stepSize`
 * times the previous one (2h, 6h, 18h, … for 2h and 3).
 */
export function exponentialBlockRanges(minSize: number, steps: number, stepSize: number): number[] {
  const out: number[] = [];
  let cur = minSize;
  for (let i = 0; i < steps; i++) {
    out.push(cur);
    cur *= stepSize;
  }
  return out;
}

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`invalid ${name}: ${v}`);
  return v;
}

/**
 * Applies defaults and derives the ranges as upstream: ten ranges growing by 3 from the block
 * duration, cut before the first one longer than the maximum block duration. Throws
 * `RangeError` for negative or non-finite values.
 */
export function resolveOptions(o: DBOptions): ResolvedOptions {
  const retentionMs = nonNegative('retention', o.retentionMs, DEFAULT_RETENTION_MS);
  const minBlock = nonNegative('min block duration', o.minBlockDurationMs, DEFAULT_BLOCK_DURATION_MS);
  if (minBlock <= 0) throw new RangeError('min block duration must be positive');
  const dfltMax = retentionMs > 0 ? Math.min(MAX_BLOCK_DURATION_CAP_MS, Math.floor(retentionMs / 10)) : MAX_BLOCK_DURATION_CAP_MS;
  const maxBlock = Math.max(minBlock, nonNegative('max block duration', o.maxBlockDurationMs, dfltMax));
  let ranges = [minBlock];
  if (maxBlock > minBlock) {
    ranges = exponentialBlockRanges(minBlock, 10, 3);
    const cut = ranges.findIndex((r) => r > maxBlock);
    if (cut >= 0) ranges = ranges.slice(0, cut);
  }
  return {
    retentionMs,
    retentionBytes: nonNegative('retention size', o.retentionBytes, 0),
    minBlockDurationMs: minBlock,
    maxBlockDurationMs: maxBlock,
    noLockfile: o.noLockfile ?? false,
    walCompression: o.walCompression ?? false,
    walSegmentSize: o.walSegmentSize,
    compactionIntervalMs: nonNegative('compaction interval', o.compactionIntervalMs, DEFAULT_COMPACTION_INTERVAL_MS) || DEFAULT_COMPACTION_INTERVAL_MS,
    blockCompaction: o.blockCompaction ?? true,
    autoCompaction: o.autoCompaction ?? true,
    useWorker: o.useWorker ?? true,
    outOfOrderTimeWindowMs: nonNegative('out-of-order time window', o.outOfOrderTimeWindowMs, 0),
    ranges,
  };
}
