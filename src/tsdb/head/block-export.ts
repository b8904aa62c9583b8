/**
 * The export of one block range from the head to the block-writing worker, built flat: series
 * are added in any order with their chunks (`beginSeries`, `addChunk`, `endSeries`), and `pack`
 * sorts them by labels and returns a `PackedSeries` — a few typed arrays that `postMessage`
 * transfers without copying or structured-cloning one object per chunk.
 *
 * Why flat: a 2h range of 100k series is ~400k chunks. As one object plus one copied
 * `Uint8Array` per chunk, they all survived young-generation collections and were copied and
 * promoted: scavenges of 40-140 ms and an incremental-marking step of 55 ms while a block was
 * cut (measured at load 4-6). Here the chunk bytes go into 4 MiB pages, their bounds into a
 * growing `Float64Array`, and the only object kept per series is a pointer to its `Labels`.
 */
import { Labels } from '../../model/labels/index.js';
import { TurnSlices } from '../../util/index.js';
import type { Interval } from '../tombstones/index.js';
import { CHUNK_FIELDS, type PackedSeries } from './packed-series.js';

/** What `pack` observed about the chunks, for the compaction histograms. */
export interface ChunkObserver {
  chunk(rangeMs: number, samples: number, bytes: number): void;
}

/** Size of a data page; a larger chunk gets a page of its own size. */
const PAGE_BYTES = 4 << 20;
const SLICE_MS = 10;

/** A `Float64Array`/`Int32Array` that doubles when full. */
function grown<T extends Float64Array | Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Collects the series and chunks of one block range; see the module comment. */
export class BlockExportBuilder {
  readonly #labels: Labels[] = [];
  /** Per series: index of its first chunk, chunk count. */
  #firstChunk = new Int32Array(1024);
  #chunkCount = new Int32Array(1024);
  #meta = new Float64Array(1024 * CHUNK_FIELDS);
  #chunks = 0;
  readonly #pages: Uint8Array[] = [];
  #page: Uint8Array | undefined;
  #pageUsed = 0;
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
    const n = data.length;
    if (this.#page === undefined || this.#pageUsed + n > this.#page.length) {
      this.#page = new Uint8Array(Math.max(PAGE_BYTES, n));
      this.#pages.push(this.#page);
      this.#pageUsed = 0;
    }
    this.#page.set(data, this.#pageUsed);
    this.#meta = grown(this.#meta, (this.#chunks + 1) * CHUNK_FIELDS);
    const m = this.#chunks * CHUNK_FIELDS;
    this.#meta[m] = minT;
    this.#meta[m + 1] = maxT;
    this.#meta[m + 2] = this.#pages.length - 1;
    this.#meta[m + 3] = this.#pageUsed;
    this.#meta[m + 4] = n;
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
  }

  /**
   * The collected series sorted by labels, packed. `deletedOf` gives a series' sorted, merged
   * deleted intervals (or undefined). Works in slices of ~10 ms; the builder is spent after it.
   */
  async pack(deletedOf: (labels: Labels) => readonly Interval[] | undefined, observer?: ChunkObserver): Promise<PackedSeries> {
    const slices = new TurnSlices(SLICE_MS);
    const labels = this.#labels;
    const order = await sortInSlices(
      Array.from({ length: labels.length }, (_, i) => i),
      (a, b) => Labels.compare(labels[a]!, labels[b]!),
      slices,
    );
    let nStrings = 0;
    for (const l of labels) nStrings += l.length * 2;
    const labelLens = new Int32Array(nStrings);
    let labelBytes = Buffer.allocUnsafe(Math.max(1024, nStrings * 16));
    let lb = 0;
    let li = 0;
    const putString = (str: string): void => {
      // A UTF-8 string takes at most 3 bytes per UTF-16 unit.
      if (lb + str.length * 3 > labelBytes.length) {
        const more = Buffer.allocUnsafe(Math.max(labelBytes.length * 2, lb + str.length * 3));
        labelBytes.copy(more, 0, 0, lb);
        labelBytes = more;
      }
      const n = labelBytes.write(str, lb, 'utf8');
      labelLens[li++] = n;
      lb += n;
    };
    const n = order.length;
    const labelCounts = new Int32Array(n);
    const chunkCounts = new Int32Array(n);
    const chunkMeta = new Float64Array(this.#chunks * CHUNK_FIELDS);
    const deleted: number[] = [];
    const meta = this.#meta;
    const pages = this.#pages;
    let ci = 0;
    for (let i = 0; i < n; i++) {
      const s = order[i]!;
      const l = labels[s]!;
      const nl = l.length;
      for (let k = 0; k < nl; k++) {
        putString(l.nameAt(k));
        putString(l.valueAt(k));
      }
      labelCounts[i] = nl * 2;
      const count = this.#chunkCount[s]!;
      chunkCounts[i] = count;
      const from = this.#firstChunk[s]! * CHUNK_FIELDS;
      chunkMeta.set(meta.subarray(from, from + count * CHUNK_FIELDS), ci * CHUNK_FIELDS);
      if (observer !== undefined) {
        for (let c = from; c < from + count * CHUNK_FIELDS; c += CHUNK_FIELDS) {
          const page = pages[meta[c + 2]!]!;
          const off = meta[c + 3]!;
          const len = meta[c + 4]!;
          observer.chunk(meta[c + 1]! - meta[c]!, len >= 2 ? (page[off]! << 8) | page[off + 1]! : 0, len);
        }
      }
      ci += count;
      const d = deletedOf(l);
      if (d !== undefined) for (const iv of d) deleted.push(i, iv.mint, iv.maxt);
      if ((i & 31) === 31 && slices.due) await slices.next();
    }
    // A pooled Buffer may share its ArrayBuffer with others: hand over a buffer of our own.
    const ownLabelBytes = new Uint8Array(lb);
    ownLabelBytes.set(labelBytes.subarray(0, lb));
    return { labelBytes: ownLabelBytes, labelBytesUsed: lb, labelLens, labelCounts, chunkCounts, chunkMeta, pages, deleted: Float64Array.from(deleted) };
  }
}

/** Sorts `a` by `cmp` in place (sorted runs, then merges), yielding through `slices`. */
export async function sortInSlices<T>(a: T[], cmp: (x: T, y: T) => number, slices: TurnSlices): Promise<T[]> {
  const RUN = 4096;
  for (let i = 0; i < a.length; i += RUN) {
    const run = a.slice(i, i + RUN).sort(cmp);
    for (let j = 0; j < run.length; j++) a[i + j] = run[j]!;
    if (slices.due) await slices.next();
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
        if ((k & 1023) === 0 && slices.due) await slices.next();
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
