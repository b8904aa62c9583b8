/**
 * Export of out-of-order samples for a block: per series, the samples of a compaction snapshot's
 * chunks within one block range, merged (chunks may overlap), sorted, deduplicated and
 * re-encoded as XOR chunks of at most 120 samples — the input `packHeadSeries` takes.
 */
import { Labels } from '../../model/labels/index.js';
import { Encoding, XorIterator } from '../chunkenc/index.js';
import type { BlockChunk, BlockSeries } from './head-block.js';
import type { Head } from './head.js';
import type { OOOSnapshot } from './ooo-head.js';
import { SampleBuf, collectChunk, encodeOOOChunk } from './ooo-series.js';

/** Samples per chunk of an out-of-order block (upstream's target for persisted chunks). */
const SAMPLES_PER_CHUNK = 120;
const SLICE_MS = 10;

/**
 * The series of `snap` with samples in `[mint, maxt)`, sorted by labels, each with its chunks
 * for the block. Yields to the event loop every ~10 ms.
 */
export async function outOfOrderBlockSeries(head: Head, snap: OOOSnapshot, mint: number, maxt: number): Promise<BlockSeries[]> {
  const out: BlockSeries[] = [];
  const it = new XorIterator();
  const buf = new SampleBuf();
  let start = performance.now();
  for (const [ref, chunks] of snap.chunks) {
    const s = head.series.getByRef(ref);
    if (s === undefined) continue;
    buf.reset();
    for (const c of chunks) collectChunk(c, mint, maxt - 1, buf, it);
    if (buf.n === 0) continue;
    buf.sortDedup();
    const list: BlockChunk[] = [];
    for (let i = 0; i < buf.n; i += SAMPLES_PER_CHUNK) {
      const c = encodeOOOChunk(buf, i, Math.min(buf.n, i + SAMPLES_PER_CHUNK));
      list.push({ minT: c.minT, maxT: c.maxT, encoding: Encoding.XOR, data: c.data });
    }
    out.push({ labels: s.labels, chunks: list });
    if (performance.now() - start > SLICE_MS) {
      await new Promise<void>((res) => setImmediate(res));
      start = performance.now();
    }
  }
  return out.sort((a, b) => Labels.compare(a.labels, b.labels));
}
