/**
 * Export of a head range for the block writer: every series with samples in `[mint, maxt)`
 * with its chunks' XOR data copied out into a `BlockExportBuilder` (whose `pack` sorts them and
 * makes them transferable to a worker). Works in slices of ~10 ms so that cutting a block never
 * blocks the event loop.
 */
import { ValueType } from '../../storage/index.js';
import { TurnSlices } from '../../util/index.js';
import { XorAppender, XorChunk, XorIterator } from '../chunkenc/index.js';
import { BlockExportBuilder } from './block-export.js';
import type { Head } from './head.js';

const SLICE_MS = 10;

/**
 * Adds to `out` the part of chunk `data` (samples `cMin..cMax`) within `[mint, maxt)`: a copy
 * when it lies wholly inside, else re-encoded; nothing when none of it does.
 */
function addChunkInRange(out: BlockExportBuilder, data: Uint8Array, cMin: number, cMax: number, mint: number, maxt: number, it: XorIterator): void {
  if (cMax < mint || cMin >= maxt) return;
  if (cMin >= mint && cMax < maxt) {
    out.addChunk(cMin, cMax, data);
    return;
  }
  const part = new XorChunk(data.length);
  const app = new XorAppender(part);
  let lo = Infinity;
  let hi = -Infinity;
  it.reset(data);
  while (it.next() !== ValueType.None) {
    const t = it.atT();
    if (t < mint) continue;
    if (t >= maxt) break;
    app.append(t, it.at());
    if (lo === Infinity) lo = t;
    hi = t;
  }
  const err = it.err();
  if (err) throw err;
  if (lo !== Infinity) out.addChunk(lo, hi, part.bytes());
}

/** See `Head.exportBlock`. */
export async function collectBlockSeries(head: Head, mint: number, maxt: number): Promise<BlockExportBuilder> {
  const it = new XorIterator();
  const out = new BlockExportBuilder();
  const slices = new TurnSlices(SLICE_MS);
  const closed: number[] = [];
  let openBuf: Uint8Array | undefined;
  // Snapshot the series first: GC or new series during the pauses must not disturb the walk.
  // References, not handles: the snapshot holds no object per series across the pauses.
  const all = head.series.refs();
  for (let i = 0; i < all.length; i++) {
    const slot = head.series.slotOf(all[i]!);
    const s = slot < 0 ? undefined : head.series.atSlot(slot);
    if (s !== undefined && s.minTime() < maxt && s.lastT >= mint) {
      out.beginSeries(s.labels);
      const arena = head.arena;
      // Completed chunks are linked newest first: note them, add them oldest first.
      closed.length = 0;
      for (let a = s.newestClosed(); a !== -1; a = arena.previous(a)) {
        if (arena.maxT(a) < mint) break;
        if (arena.minT(a) < maxt) closed.push(a);
      }
      for (let k = closed.length - 1; k >= 0; k--) {
        const a = closed[k]!;
        addChunkInRange(out, arena.view(a), arena.minT(a), arena.maxT(a), mint, maxt, it);
      }
      if (s.hasOpenChunk() && s.lastT >= mint && s.headMinT < maxt) {
        openBuf = s.copyOpenChunk(head.openChunks, openBuf);
        addChunkInRange(out, openBuf!.subarray(0, s.openChunkLength()), s.headMinT, s.lastT, mint, maxt, it);
      }
      out.endSeries();
    }
    if ((i & 255) === 255 && slices.due) await slices.next();
  }
  return out;
}
