/**
 * The export of one block range from the head to the block-writing worker, built flat: series
 * are added in any order with their chunks (`beginSeries`, `addChunk`, `endSeries`), and `pack`
 * sorts them by labels and returns a `PackedSeries` — a few typed arrays that `postMessage`
 * transfers without copying or structured-cloning one object per chunk.
 *
 * Why flat: a 2h range of 100k series is ~400k chunks. As one object plus one copied
 * `Uint8Array` per chunk, they all survived young-generation collections and were copied and
 * promoted: scavenges of 40-140 ms and an incremental-marking step of 55 ms while a block was
 * cut (measured at load 4-6). Here the chunk bytes go into 4 MiB pages, their bounds into pages
 * of a `Float64Array`, and the only object kept per series is a pointer to its `Labels`.
 *
 * The pages and the label bytes (hundreds of MiB for a million series) are untracked memory
 * (`untracked-memory.ts`): as plain `ArrayBuffer`s they made V8 start a major GC for every
 * 64 MiB of them while a block was cut. They are shared with the worker, not transferred; the
 * runner reports them released (`releasedUntracked`) once the worker is done.
 */
import { Labels } from '../../model/labels/index.js';
import { TurnSlices } from '../../util/index.js';
import type { Interval } from '../tombstones/index.js';
import { CHUNK_FIELDS, META_PAGE_CHUNKS, type PackedSeries } from './packed-series.js';
import { untrackedBuffer } from '../fileutil/index.js';

/** What `pack` observed about the chunks, for the compaction histograms. */
export interface ChunkObserver {
  chunk(rangeMs: number, samples: number, bytes: number): void;
}

/** Size of a data page; a larger chunk gets a page of its own size. */
const PAGE_BYTES = 4 << 20;
/** Work per event-loop turn (ms), as the export's (`head-block.ts`). */
const SLICE_MS = 5;

/** An `Int32Array` that doubles when full. */
function grown(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Collects the series and chunks of one block range; see the module comment. */
export class BlockExportBuilder {
  readonly #labels: Labels[] = [];
  /** Per series: index of its first chunk, chunk count. */
  #firstChunk = new Int32Array(1024);
  #chunkCount = new Int32Array(1024);
  /** Chunk bounds and places, in pages of `META_PAGE_CHUNKS` chunks (never copied to grow). */
  readonly #meta: Float64Array[] = [];
  #chunks = 0;
  readonly #pages: Uint8Array[] = [];
  #page: Uint8Array | undefined;
  #pageUsed = 0;
  /** Label names and values of the series kept, and their UTF-16 units (sizes `pack`'s buffers). */
  #strings = 0;
  #units = 0;
  #open: Labels | undefined;
  #openFirst = 0;

  /** Number of series added (with at least one chunk). */
  get size(): number {
    return this.#labels.length;
  }

  /** Starts a series; its chunks follow in time order. */
  beginSeries(labels: Labels): void {
    this.#open = labels;
    this.#openFirst = this.#chunks;
  }

  /** Adds a chunk (its bytes are copied) to the open series. */
  addChunk(minT: number, maxT: number, data: Uint8Array): void {
    this.addChunkFrom(minT, maxT, data, 0, data.length);
  }

  /**
   * Adds a chunk whose bytes are `n` bytes at `off` in `src` (copied) to the open series. No
   * view object per chunk: a million of them, while a major GC is marking, each paid for a
   * share of an incremental-marking step in the export's own turns.
   */
  addChunkFrom(minT: number, maxT: number, src: Uint8Array, off: number, n: number): void {
    if (this.#page === undefined || this.#pageUsed + n > this.#page.length) {
      this.#page = new Uint8Array(untrackedBuffer(Math.max(PAGE_BYTES, n)));
      this.#pages.push(this.#page);
      this.#pageUsed = 0;
    }
    const page = this.#page;
    const at = this.#pageUsed;
    if (n > 512) page.set(src.subarray(off, off + n), at);
    else for (let k = 0; k < n; k++) page[at + k] = src[off + k]!;
    const c = this.#chunks;
    const inPage = c % META_PAGE_CHUNKS;
    if (inPage === 0) this.#meta.push(new Float64Array(untrackedBuffer(META_PAGE_CHUNKS * CHUNK_FIELDS * 8)));
    const meta = this.#meta[this.#meta.length - 1]!;
    const m = inPage * CHUNK_FIELDS;
    meta[m] = minT;
    meta[m + 1] = maxT;
    meta[m + 2] = this.#pages.length - 1;
    meta[m + 3] = this.#pageUsed;
    meta[m + 4] = n;
    this.#pageUsed += n;
    this.#chunks++;
  }

  /** Ends the open series; a series without chunks is left out. */
  endSeries(): void {
    const labels = this.#open;
    this.#open = undefined;
    const count = this.#chunks - this.#openFirst;
    if (labels === undefined || count === 0) return;
    const i = this.#labels.length;
    this.#firstChunk = grown(this.#firstChunk, i + 1);
    this.#chunkCount = grown(this.#chunkCount, i + 1);
    this.#firstChunk[i] = this.#openFirst;
    this.#chunkCount[i] = count;
    this.#labels.push(labels);
    const nl = labels.length;
    this.#strings += nl * 2;
    for (let k = 0; k < nl; k++) this.#units += labels.nameAt(k).length + labels.valueAt(k).length;
  }

  /**
   * The collected series sorted by labels, packed. `deletedOf` gives a series' sorted, merged
   * deleted intervals (or undefined). Works in slices of ~10 ms; the builder is spent after it.
   * No step copies or zero-fills more than a few MiB at once: chunk data and bounds stay in the
   * pages they were collected in, and the series are only reordered by index.
   */
  async pack(deletedOf: (labels: Labels) => readonly Interval[] | undefined, observer?: ChunkObserver): Promise<PackedSeries> {
    const slices = new TurnSlices(SLICE_MS);
    const labels = this.#labels;
    const n = labels.length;
    const order = await sortIndicesInSlices(n, (a, b) => Labels.compare(labels[a]!, labels[b]!), slices);
    const labelLens = new Int32Array(this.#strings);
    // Untracked like the pages (see the module comment). UTF-8 is longer than UTF-16 units only
    // for non-ASCII text; the buffer grows if that needs more.
    let labelBytes = Buffer.from(untrackedBuffer(this.#units + (this.#units >> 3) + 1024));
    let lb = 0;
    let li = 0;
    const putString = (str: string): void => {
      // A UTF-8 string takes at most 3 bytes per UTF-16 unit.
      if (lb + str.length * 3 > labelBytes.length) {
        const more = Buffer.from(untrackedBuffer(Math.max(labelBytes.length * 2, lb + str.length * 3)));
        labelBytes.copy(more, 0, 0, lb);
        labelBytes = more;
      }
      const len = labelBytes.write(str, lb, 'utf8');
      labelLens[li++] = len;
      lb += len;
    };
    const labelCounts = new Int32Array(n);
    const chunkCounts = new Int32Array(n);
    const chunkFirst = new Int32Array(n);
    const deleted: number[] = [];
    const meta = this.#meta;
    const pages = this.#pages;
    for (let i = 0; i < n; i++) {
      const s = order[i]!;
      const l = labels[s]!;
      const nl = l.length;
      for (let k = 0; k < nl; k++) {
        putString(l.nameAt(k));
        putString(l.valueAt(k));
      }
      labelCounts[i] = nl * 2;
      const first = this.#firstChunk[s]!;
      const count = this.#chunkCount[s]!;
      chunkFirst[i] = first;
      chunkCounts[i] = count;
      if (observer !== undefined) {
        for (let c = first; c < first + count; c++) {
          const page = meta[c / META_PAGE_CHUNKS >>> 0]!;
          const m = (c % META_PAGE_CHUNKS) * CHUNK_FIELDS;
          const data = pages[page[m + 2]!]!;
          const off = page[m + 3]!;
          const len = page[m + 4]!;
          observer.chunk(page[m + 1]! - page[m]!, len >= 2 ? (data[off]! << 8) | data[off + 1]! : 0, len);
        }
      }
      const d = deletedOf(l);
      if (d !== undefined) for (const iv of d) deleted.push(i, iv.mint, iv.maxt);
      if ((i & 31) === 31 && slices.due) await slices.next();
    }
    return { labelBytes, labelBytesUsed: lb, labelLens, labelCounts, chunkCounts, chunkFirst, chunkMeta: meta, pages, deleted: Float64Array.from(deleted) };
  }
}

/**
 * The indices `0..n-1` sorted by `cmp` (stable): sorted runs, then merges, yielding through
 * `slices`. Typed arrays throughout, so that a million indices are no million-slot JS arrays
 * allocated in one turn.
 */
async function sortIndicesInSlices(n: number, cmp: (x: number, y: number) => number, slices: TurnSlices): Promise<Int32Array> {
  // Runs of 1024: one sort of 4096 label sets (~50k comparisons) took 10-25 ms in one turn at
  // 1M series, the longest turn of the head cut.
  const RUN = 1024;
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  for (let i = 0; i < n; i += RUN) {
    src.subarray(i, Math.min(n, i + RUN)).sort(cmp);
    if (slices.due) await slices.next();
  }
  let dst = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
        if ((k & 1023) === 0 && slices.due) await slices.next();
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
