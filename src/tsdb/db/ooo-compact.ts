/**
 * Compaction of the head's out-of-order samples, as upstream's `compactOOOHead`: after the
 * in-order head was cut, every out-of-order sample held is written into level-1 blocks, one per
 * block-duration range it touches (`[k·range, (k+1)·range)`), marked `from-out-of-order`. Such
 * blocks may overlap blocks already on disk; the planner then merges them (vertical
 * compaction). Once the blocks are loaded the samples leave the head and the WBL segments that
 * held them are deleted.
 *
 * Durability: the WBL moves to a new segment first, and the snapshot is taken only after every
 * appender that might have logged into the older segments finished; so each sample of those
 * segments is in the snapshot and in the blocks before the segments go. A crash in between
 * replays them again: duplicates of block samples, which queries and vertical compaction drop.
 */
import type { Logger } from '../../util/index.js';
import type { BlockMeta } from '../block/index.js';
import { outOfOrderBlockSeries, type Head, type OOOSnapshot } from '../head/index.js';
import type { CompactRunner } from './compact-runner.js';
import { headDeleted } from './db-querier.js';
import { FROM_OUT_OF_ORDER, isOutOfOrderBlock } from './ooo-hint.js';

export { FROM_OUT_OF_ORDER, isOutOfOrderBlock };

/**
 * End of the newest block that holds in-order data (-Infinity when none): the head's lower
 * bound on open. Blocks of out-of-order samples do not count, as upstream: they may lie in the
 * range the WAL still covers.
 */
export function inOrderBlocksMaxTime(metas: readonly BlockMeta[]): number {
  let m = -Infinity;
  for (const b of metas) if (!isOutOfOrderBlock(b) && b.maxTime > m) m = b.maxTime;
  return m;
}

/** What `compactOutOfOrderHead` needs from the DB. */
export interface OOOCompactDeps {
  dir: string;
  runner: CompactRunner;
  /** Waits (bounded) for appenders opened before now. */
  waitForAppenders(head: Head): Promise<void>;
  /** Reloads the block list (the new blocks become visible to queries). */
  reload(): Promise<void>;
  logger: Logger | undefined;
}

/** Aligned start of the block range containing `t` (floor, also for negative times). */
function rangeStart(t: number, range: number): number {
  return Math.floor(t / range) * range;
}

/** See the module comment. Returns the metas of the blocks written. */
export async function compactOutOfOrderHead(head: Head, deps: OOOCompactDeps): Promise<BlockMeta[]> {
  const ooo = head.ooo;
  if (ooo.series.size === 0) return [];
  const seg = await ooo.nextWblSegment();
  await deps.waitForAppenders(head);
  const snap = ooo.snapshot(seg);
  const written = await writeOutOfOrderBlocks(head, snap, deps.runner, deps.dir, deps.logger);
  if (written.length > 0) await deps.reload();
  await ooo.dropSnapshot(snap);
  return written;
}

/**
 * Writes the samples of `snap` under `parentDir` as `from-out-of-order` level-1 blocks, one per
 * block range they touch (head tombstones applied). Returns their metas.
 */
export async function writeOutOfOrderBlocks(head: Head, snap: OOOSnapshot, runner: CompactRunner, parentDir: string, logger: Logger | undefined): Promise<BlockMeta[]> {
  const written: BlockMeta[] = [];
  if (snap.chunks.size === 0) return written;
  const range = head.chunkRange;
  for (let t = rangeStart(snap.mint, range); t <= snap.maxt; t += range) {
    const series = await outOfOrderBlockSeries(head, snap, t, t + range);
    if (series.size === 0) continue;
    const packed = await series.pack((l) => headDeleted(head, l));
    const t0 = performance.now();
    const out = await runner.run({ kind: 'head', parentDir, mint: t, maxt: t + range, packed, hints: [FROM_OUT_OF_ORDER] });
    if (out.meta !== undefined) {
      written.push(out.meta);
      logger?.info({ mint: t, maxt: t + range, ulid: out.meta.ulid, duration: `${((performance.now() - t0) / 1000).toFixed(3)}s` }, 'write block from out-of-order samples');
    }
  }
  return written;
}
