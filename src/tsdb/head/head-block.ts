/**
 * Export of a head range for the block writer: every series with samples in `[mint, maxt)`,
 * sorted by labels, with its chunks' XOR data copied out (so the result can be transferred to a
 * worker). Works in slices of ~10 ms so that cutting a block never blocks the event loop.
 */
import { Labels } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { Encoding, XorAppender, XorChunk, XorIterator } from '../chunkenc/index.js';
import type { Head } from './head.js';

/** One chunk for a block: XOR data (sample count header first, no encoding byte) and its bounds. */
export interface BlockChunk {
  minT: number;
  maxT: number;
  encoding: Encoding;
  data: Uint8Array;
}

/** A series for a block: labels and chunks in time order. */
export interface BlockSeries {
  labels: Labels;
  chunks: BlockChunk[];
}

const SLICE_MS = 10;

function pause(): Promise<void> {
  return new Promise((res) => setImmediate(res));
}

/**
 * The part of chunk `data` (samples `cMin..cMax`) within `[mint, maxt)`: a copy when it lies
 * wholly inside, else re-encoded; undefined when empty.
 */
function chunkInRange(data: Uint8Array, cMin: number, cMax: number, mint: number, maxt: number, it: XorIterator): BlockChunk | undefined {
  if (cMax < mint || cMin >= maxt) return undefined;
  if (cMin >= mint && cMax < maxt) {
    return { minT: cMin, maxT: cMax, encoding: Encoding.XOR, data: data.slice() };
  }
  const out = new XorChunk(data.length);
  const app = new XorAppender(out);
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
  if (lo === Infinity) return undefined;
  return { minT: lo, maxT: hi, encoding: Encoding.XOR, data: out.bytes().slice() };
}

/** Sorts `a` by `cmp` in place: sorted runs, then merges, pausing every ~10 ms. */
async function sortInSlices<T>(a: T[], cmp: (x: T, y: T) => number): Promise<T[]> {
  const RUN = 4096;
  let start = performance.now();
  for (let i = 0; i < a.length; i += RUN) {
    const run = a.slice(i, i + RUN).sort(cmp);
    for (let j = 0; j < run.length; j++) a[i + j] = run[j]!;
    if (performance.now() - start > SLICE_MS) {
      await pause();
      start = performance.now();
    }
  }
  let src = a;
  let dst: T[] = new Array(a.length);
  for (let width = RUN; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
        if ((k & 1023) === 0 && performance.now() - start > SLICE_MS) {
          await pause();
          start = performance.now();
        }
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** See `Head.blockSeries`. */
export async function collectBlockSeries(head: Head, mint: number, maxt: number): Promise<BlockSeries[]> {
  const it = new XorIterator();
  const out: BlockSeries[] = [];
  let openBuf: Uint8Array | undefined;
  // Snapshot the series first: GC or new series during the pauses must not disturb the walk.
  // References, not handles: the snapshot holds no object per series across the pauses.
  const all = head.series.refs();
  let start = performance.now();
  for (let i = 0; i < all.length; i++) {
    const slot = head.series.slotOf(all[i]!);
    const s = slot < 0 ? undefined : head.series.atSlot(slot);
    if (s !== undefined && s.minTime() < maxt && s.lastT >= mint) {
      const chunks: BlockChunk[] = [];
      const arena = head.arena;
      // Completed chunks are linked newest first.
      for (let a = s.newestClosed(); a !== -1; a = arena.previous(a)) {
        const cMin = arena.minT(a);
        const cMax = arena.maxT(a);
        if (cMax < mint) break;
        if (cMin >= maxt) continue;
        const bc = chunkInRange(arena.view(a), cMin, cMax, mint, maxt, it);
        if (bc) chunks.push(bc);
      }
      chunks.reverse();
      if (s.hasOpenChunk() && s.lastT >= mint && s.headMinT < maxt) {
        openBuf = s.copyOpenChunk(head.openChunks, openBuf);
        const bc = chunkInRange(openBuf!.subarray(0, s.openChunkLength()), s.headMinT, s.lastT, mint, maxt, it);
        if (bc) chunks.push(bc);
      }
      if (chunks.length > 0) out.push({ labels: s.labels, chunks });
    }
    if ((i & 255) === 255 && performance.now() - start > SLICE_MS) {
      await pause();
      start = performance.now();
    }
  }
  return sortInSlices(out, (a, b) => Labels.compare(a.labels, b.labels));
}
