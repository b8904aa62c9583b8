/**
 * The meta.json mark of blocks made of out-of-order samples (kept apart from `ooo-compact.ts` so
 * that the block-writing worker does not load the head).
 */
import type { BlockMeta } from '../block/index.js';

/** The compaction hint upstream writes into meta.json of blocks made of out-of-order samples. */
export const FROM_OUT_OF_ORDER = 'from-out-of-order';

/** True for a block made only of out-of-order samples. */
export function isOutOfOrderBlock(m: BlockMeta): boolean {
  return m.compaction.hints?.includes(FROM_OUT_OF_ORDER) ?? false;
}
