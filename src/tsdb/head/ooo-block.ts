/**
 * Export of out-of-order samples for a block: per series, the samples of a compaction snapshot's
 * chunks within one block range, merged (chunks may overlap), sorted, deduplicated and
 * re-encoded as XOR chunks of at most 120 samples, collected in a `BlockExportBuilder`.
 */
import { TurnSlices } from '../../util/index.js';
import { XorIterator } from '../chunkenc/index.js';
import { BlockExportBuilder } from './block-export.js';
import type { Head } from './head.js';
import type { OOOSnapshot } from './ooo-head.js';
import { SampleBuf, collectChunk, encodeOOOChunk } from './ooo-series.js';

/** Samples per chunk of an out-of-order block (upstream's target for persisted chunks). */
const SAMPLES_PER_CHUNK = 120;
const SLICE_MS = 10;

/**
 * The series of `snap` with samples in `[mint, maxt)`, each with its chunks for the block
 * (`pack` sorts them by labels). Yields to the event loop every ~10 ms.
 */
export async function outOfOrderBlockSeries(head: Head, snap: OOOSnapshot, mint: number, maxt: number): Promise<BlockExportBuilder> {
  const out = new BlockExportBuilder();
  const it = new XorIterator();
  const buf = new SampleBuf();
  const slices = new TurnSlices(SLICE_MS);
  for (const [ref, chunks] of snap.chunks) {
    const s = head.series.getByRef(ref);
    if (s === undefined) continue;
    buf.reset();
    for (const c of chunks) collectChunk(c, mint, maxt - 1, buf, it);
    if (buf.n === 0) continue;
    buf.sortDedup();
    out.beginSeries(s.labels);
    for (let i = 0; i < buf.n; i += SAMPLES_PER_CHUNK) {
      const c = encodeOOOChunk(buf, i, Math.min(buf.n, i + SAMPLES_PER_CHUNK));
      out.addChunk(c.minT, c.maxT, c.data);
    }
    out.endSeries();
    if (slices.due) await slices.next();
  }
  return out;
}
