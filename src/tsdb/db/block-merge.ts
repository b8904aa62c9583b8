/**
 * The work of a compaction job, done where no live head state is needed (a worker thread):
 * writing a head range as a level-1 block, and merging N blocks into one (leveled or vertical
 * compaction, tombstone cleaning). Chunks are copied byte for byte unless they overlap another
 * chunk of the same series or hold deleted samples; those are decoded, merged (a timestamp in
 * several blocks is kept once, from the earliest block) and re-encoded in chunks of 120 samples,
 * as upstream's compacting chunk merger does.
 */
import type { Labels } from '../../model/labels/index.js';
import { MergeSampleIterator } from '../../storage/merge/index.js';
import { ValueType, type SampleIterator } from '../../storage/index.js';
import { Block, BlockWriter, newUlid, type BlockChunk, type BlockDesc, type BlockMeta } from '../block/index.js';
import { chunkFromBytes, Encoding, UnsupportedEncodingError, XorChunk, XorIterator } from '../chunkenc/index.js';
import { compareLabelsUtf8 } from '../index/index.js';
import { isSubrange, type Interval } from '../tombstones/index.js';
import { DeletedFilterIterator, intersectsAny } from './deleted-iterator.js';
import { forEachPackedSeries, type PackedSeries } from '../head/index.js';
import { FROM_OUT_OF_ORDER, isOutOfOrderBlock } from './ooo-hint.js';

/** Samples per re-encoded chunk (upstream's `seriesToChunkEncoder` split). */
export const SAMPLES_PER_MERGED_CHUNK = 120;

/** One source chunk: where its bytes are and which deletions apply. */
interface SourceChunk {
  mint: number;
  maxt: number;
  /** Encoded XOR data (view). */
  data: Uint8Array;
  /** Position of the source (block) for tie-breaks: lower wins. */
  src: number;
  deleted: readonly Interval[] | undefined;
}

/** Re-encodes the samples of `its` (merged, deduplicated) into chunks of at most 120 samples. */
function encodeMerged(it: SampleIterator, out: BlockChunk[]): void {
  let c: XorChunk | undefined;
  let app: ReturnType<XorChunk['appender']> | undefined;
  let n = 0;
  let mint = 0;
  let maxt = 0;
  while (it.next() !== ValueType.None) {
    const t = it.atT();
    if (c === undefined || n >= SAMPLES_PER_MERGED_CHUNK) {
      if (c !== undefined) out.push({ mint, maxt, chunk: c });
      c = new XorChunk();
      app = c.appender();
      n = 0;
      mint = t;
    }
    app!.append(t, it.at());
    maxt = t;
    n++;
  }
  const err = it.err();
  if (err !== undefined) throw err;
  if (c !== undefined && n > 0) out.push({ mint, maxt, chunk: c });
}

/**
 * Turns the chunks of one series (from one or more sources) into output chunks: clusters of
 * chunks overlapping in time, or holding deleted samples, are re-encoded; the rest are copied.
 * Returns whether any overlap was found (vertical compaction).
 */
function mergeSeriesChunks(chunks: SourceChunk[], out: BlockChunk[]): boolean {
  chunks.sort((a, b) => a.mint - b.mint || a.src - b.src);
  let overlap = false;
  for (let i = 0; i < chunks.length; ) {
    let j = i + 1;
    let maxt = chunks[i]!.maxt;
    while (j < chunks.length && chunks[j]!.mint <= maxt) {
      maxt = Math.max(maxt, chunks[j]!.maxt);
      j++;
    }
    const cluster = chunks.slice(i, j);
    i = j;
    if (cluster.length > 1) overlap = true;
    if (cluster.length === 1) {
      const c = cluster[0]!;
      if (c.deleted === undefined || !intersectsAny(c.deleted, c.mint, c.maxt)) {
        out.push({ mint: c.mint, maxt: c.maxt, chunk: chunkFromBytes(Encoding.XOR, c.data) });
        continue;
      }
      if (isSubrange(c.mint, c.maxt, c.deleted)) continue;
    }
    // Ties go to the earliest source: order the iterators by source.
    cluster.sort((a, b) => a.src - b.src || a.mint - b.mint);
    const its: SampleIterator[] = cluster.map((c) => {
      const x = new XorIterator();
      x.reset(c.data);
      return c.deleted !== undefined ? new DeletedFilterIterator().reset(x, c.deleted) : x;
    });
    encodeMerged(its.length === 1 ? its[0]! : new MergeSampleIterator().reset(its), out);
  }
  return overlap;
}

/** Result of a job: the new block's meta (undefined when it would have been empty). */
export interface JobOutcome {
  meta: BlockMeta | undefined;
  /** True when chunks of different blocks overlapped (a vertical compaction). */
  vertical: boolean;
}

/**
 * Writes the packed head range `[mint, maxt)` as a level-1 block under `parentDir`, leaving out
 * deleted samples. Writes nothing (and returns no meta) when no sample remains.
 */
export function writeHeadBlock(parentDir: string, mint: number, maxt: number, packed: PackedSeries, hints?: string[]): JobOutcome {
  const w = new BlockWriter(parentDir, { mint, maxt, level: 1, ...(hints?.length ? { hints } : {}) });
  let samples = 0;
  forEachPackedSeries(packed, (s) => {
    const out: BlockChunk[] = [];
    if (s.deleted === undefined) {
      for (const c of s.chunks) out.push({ mint: c.minT, maxt: c.maxT, chunk: chunkFromBytes(Encoding.XOR, c.data) });
    } else {
      mergeSeriesChunks(
        s.chunks.map((c) => ({ mint: c.minT, maxt: c.maxT, data: c.data, src: 0, deleted: s.deleted })),
        out,
      );
    }
    for (const c of out) samples += c.chunk.numSamples();
    w.addSeries(s.labels, out);
  });
  if (samples === 0) return { meta: undefined, vertical: false };
  return { meta: w.commit(), vertical: false };
}

/** How `mergeBlocks` names the result: a compaction (next level) or a rewrite of one block. */
export type MergeMode = 'compact' | 'rewrite';

/** A cursor over one block's series in index (label) order. */
class BlockCursor {
  readonly block: Block;
  readonly src: number;
  readonly #p;
  labels: Labels | undefined;
  chunks: readonly { ref: number; mint: number; maxt: number }[] = [];
  deleted: readonly Interval[] | undefined;

  constructor(block: Block, src: number) {
    this.block = block;
    this.src = src;
    this.#p = block.index.allPostings();
    this.advance();
  }

  advance(): void {
    if (!this.#p.next()) {
      const e = this.#p.err();
      if (e) throw e;
      this.labels = undefined;
      return;
    }
    const ref = this.#p.at();
    const s = this.block.index.series(ref);
    this.labels = s.labels;
    this.chunks = s.chunks;
    this.deleted = this.block.tombstones().get(ref);
  }
}

/** The XOR data of chunk `ref` of `block` (throws for other encodings). */
function chunkData(block: Block, ref: number): Uint8Array {
  const { encoding, data } = block.chunks.chunkBytes(ref);
  if (encoding !== Encoding.XOR) throw new UnsupportedEncodingError(encoding, `${block.dir} chunk 0x${ref.toString(16)}`);
  return data;
}

/**
 * Merges the blocks in `dirs` into one new block under `parentDir`. In `compact` mode the result
 * has the next level, the union of the sources and the inputs as parents; in `rewrite` mode (one
 * block, tombstone cleaning) it is a level-1 block with the input as parent, as upstream's
 * `Write`. Tombstoned samples are dropped. Nothing is written when no sample remains.
 */
export async function mergeBlocks(parentDir: string, dirs: readonly string[], mode: MergeMode): Promise<JobOutcome> {
  const blocks: Block[] = [];
  try {
    for (const d of dirs) blocks.push(Block.open(d));
    blocks.sort((a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1));
    const metas = blocks.map((b) => b.meta);
    const mint = Math.min(...metas.map((m) => m.minTime));
    const maxt = Math.max(...metas.map((m) => m.maxTime));
    const parents: BlockDesc[] = metas.map((m) => ({ ulid: m.ulid, minTime: m.minTime, maxTime: m.maxTime }));
    const ulid = newUlid();
    const w =
      mode === 'compact'
        ? new BlockWriter(parentDir, {
            ulid,
            mint,
            maxt,
            level: Math.max(...metas.map((m) => m.compaction.level)) + 1,
            sources: [...new Set(metas.flatMap((m) => m.compaction.sources ?? [m.ulid]))].sort(),
            parents,
            // Still only out-of-order data when every input was (upstream keeps the hint then).
            ...(metas.every(isOutOfOrderBlock) ? { hints: [FROM_OUT_OF_ORDER] } : {}),
          })
        : new BlockWriter(parentDir, { ulid, mint, maxt, level: 1, sources: [ulid], parents });
    const cursors = blocks.map((b, i) => new BlockCursor(b, i));
    let samples = 0;
    let vertical = false;
    for (;;) {
      let best: Labels | undefined;
      for (const c of cursors) if (c.labels !== undefined && (best === undefined || compareLabelsUtf8(c.labels, best) < 0)) best = c.labels;
      if (best === undefined) break;
      const chunks: SourceChunk[] = [];
      for (const c of cursors) {
        if (c.labels === undefined || compareLabelsUtf8(c.labels, best) !== 0) continue;
        for (const m of c.chunks) chunks.push({ mint: m.mint, maxt: m.maxt, data: chunkData(c.block, m.ref), src: c.src, deleted: c.deleted });
        c.advance();
      }
      const out: BlockChunk[] = [];
      if (mergeSeriesChunks(chunks, out)) vertical = true;
      for (const c of out) samples += c.chunk.numSamples();
      w.addSeries(best, out);
    }
    if (samples === 0) return { meta: undefined, vertical };
    return { meta: w.commit(), vertical };
  } finally {
    await Promise.all(blocks.map((b) => b.close()));
  }
}
