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

/**
 * Work per event-loop turn (ms), GC pauses inside it included. 5, not 10: at a million series a
 * major GC is usually marking while the head is cut, and a scavenge during marking takes 10-20 ms
 * of the main thread; landing at the end of a 10 ms slice it made 30+ ms turns.
 */
const SLICE_MS = 5;

/**
 * Adds to `out` the part of a chunk (`n` bytes at `off` in `src`, samples `cMin..cMax`) within
 * `[mint, maxt)`: a copy when it lies wholly inside, else re-encoded; nothing when none of it
 * does.
 */
function addChunkInRange(out: BlockExportBuilder, src: Uint8Array, off: number, n: number, cMin: number, cMax: number, mint: number, maxt: number, it: XorIterator): void {
  if (cMax < mint || cMin >= maxt) return;
  if (cMin >= mint && cMax < maxt) {
    out.addChunkFrom(cMin, cMax, src, off, n);
    return;
  }
  const data = src.subarray(off, off + n);
  const part = new XorChunk(n);
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
  const arena = head.arena;
  // A walk over the slots as they are now (see `SeriesStore.isLive`), not a snapshot of a
  // million references in the first turn; it holds no object per series across the pauses.
  const store = head.series;
  const end = store.slotCount();
  for (let slot = 0; slot < end; slot++) {
    // Often: while a major GC is marking, each series' few allocations may pay for a marking
    // step, and 256 series between two looks at the clock made turns of 20-50 ms.
    if ((slot & 15) === 15 && slices.due) await slices.next();
    if (!store.isLive(slot)) continue;
    const s = store.atSlot(slot);
    if (s.minTime() >= maxt || s.lastT < mint) continue;
    out.beginSeries(s.labels);
    // Completed chunks are linked newest first: note them, add them oldest first.
    closed.length = 0;
    for (let a = s.newestClosed(); a !== -1; a = arena.previous(a)) {
      if (arena.maxT(a) < mint) break;
      if (arena.minT(a) < maxt) closed.push(a);
    }
    for (let k = closed.length - 1; k >= 0; k--) {
      const a = closed[k]!;
      addChunkInRange(out, arena.slab(a), arena.dataOffset(a), arena.length(a), arena.minT(a), arena.maxT(a), mint, maxt, it);
    }
    if (s.hasOpenChunk() && s.lastT >= mint && s.headMinT < maxt) {
      // Read in place: nothing appends before this series is done.
      addChunkInRange(out, s.openChunkPage(head.openChunks)!, s.openChunkOffset(), s.openChunkLength(), s.headMinT, s.lastT, mint, maxt, it);
    }
    out.endSeries();
  }
  return out;
}
