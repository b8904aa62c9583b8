/**
 * The jobs the TSDB hands to its block-writing worker, and the function that runs one — in the
 * worker (`compact-worker.ts`) or inline when workers are disabled.
 */
import { mergeBlocks, writeHeadBlock, type JobOutcome, type MergeMode } from './block-merge.js';
import type { PackedSeries } from '../head/index.js';

/** Persist a head range `[mint, maxt)` (packed by `BlockExportBuilder.pack`) as a level-1 block. */
export interface HeadJob {
  kind: 'head';
  parentDir: string;
  mint: number;
  maxt: number;
  packed: PackedSeries;
  /** meta.json compaction hints (`from-out-of-order` for a block of the out-of-order head). */
  hints?: string[];
}

/** Merge blocks into one (`compact`), or rewrite one without its tombstoned data (`rewrite`). */
export interface MergeJob {
  kind: 'merge';
  parentDir: string;
  dirs: string[];
  mode: MergeMode;
}

/** A unit of block-writing work; everything in it is structured-clonable. */
export type CompactJob = HeadJob | MergeJob;

/** Runs `job` to completion and returns the new block's meta (undefined when it would be empty). */
export function runJob(job: CompactJob): Promise<JobOutcome> {
  if (job.kind === 'head') return Promise.resolve(writeHeadBlock(job.parentDir, job.mint, job.maxt, job.packed, job.hints));
  return mergeBlocks(job.parentDir, job.dirs, job.mode);
}
