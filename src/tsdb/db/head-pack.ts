/**
 * Moving a head range to the block-writing worker: the series `Head.blockSeries` exported
 * (labels and copied XOR chunk bytes) plus the head's tombstones, packed into a few flat arrays
 * so that `postMessage` copies a handful of buffers instead of structured-cloning one object per
 * chunk. Packing runs on the event loop in slices of ~10 ms.
 */
import { Labels } from '../../model/labels/index.js';
import type { BlockSeries } from '../head/index.js';
import type { Interval } from '../tombstones/index.js';

/**
 * Series of one head range in flat typed arrays, all transferable (see `packHeadSeries`): no
 * JS strings, whose structured clone would run on the event loop in one go (seconds for
 * millions of series).
 */
export interface PackedSeries {
  /** Label names and values of every series, UTF-8, concatenated (first `labelBytesUsed` bytes). */
  labelBytes: Uint8Array;
  labelBytesUsed: number;
  /** Byte length of each of those strings, in order. */
  labelLens: Int32Array;
  /** Per series: number of strings (2 × labels). */
  labelCounts: Int32Array;
  /** Per series: number of chunks. */
  chunkCounts: Int32Array;
  /** Per chunk: minT, maxT (ms, inclusive), byte offset in `data`, byte length. */
  chunkMeta: Float64Array;
  /** Every chunk's XOR data (sample count header first), concatenated. */
  data: Uint8Array;
  /** Deleted intervals: triples (series index, mint, maxt), grouped by series, sorted. */
  deleted: Float64Array;
}

/** What `packHeadSeries` observed about the chunks, for the compaction histograms. */
export interface ChunkObserver {
  chunk(rangeMs: number, samples: number, bytes: number): void;
}

const SLICE_MS = 10;

function pause(): Promise<void> {
  return new Promise((res) => setImmediate(res));
}

/**
 * Packs `series` (sorted by labels, as `blockSeries` returns them). `deletedOf` returns the
 * sorted, merged deletion intervals of a series (or undefined). Yields every ~10 ms.
 */
export async function packHeadSeries(
  series: readonly BlockSeries[],
  deletedOf: (labels: Labels) => readonly Interval[] | undefined,
  observer?: ChunkObserver,
): Promise<PackedSeries> {
  let nChunks = 0;
  let nBytes = 0;
  let nStrings = 0;
  for (const s of series) {
    nChunks += s.chunks.length;
    nStrings += s.labels.length * 2;
    for (const c of s.chunks) nBytes += c.data.length;
  }
  const labelLens = new Int32Array(nStrings);
  let labelBytes = Buffer.allocUnsafe(Math.max(1024, nStrings * 16));
  let lb = 0;
  let li = 0;
  const putString = (str: string): void => {
    // A UTF-8 string takes at most 3 bytes per UTF-16 unit.
    if (lb + str.length * 3 > labelBytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(labelBytes.length * 2, lb + str.length * 3));
      labelBytes.copy(grown, 0, 0, lb);
      labelBytes = grown;
    }
    const n = labelBytes.write(str, lb, 'utf8');
    labelLens[li++] = n;
    lb += n;
  };
  const labelCounts = new Int32Array(series.length);
  const chunkCounts = new Int32Array(series.length);
  const chunkMeta = new Float64Array(nChunks * 4);
  const data = new Uint8Array(nBytes);
  const deleted: number[] = [];
  let ci = 0;
  let off = 0;
  let start = performance.now();
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const n = s.labels.length;
    for (let k = 0; k < n; k++) {
      putString(s.labels.nameAt(k));
      putString(s.labels.valueAt(k));
    }
    labelCounts[i] = n * 2;
    chunkCounts[i] = s.chunks.length;
    for (const c of s.chunks) {
      chunkMeta[ci * 4] = c.minT;
      chunkMeta[ci * 4 + 1] = c.maxT;
      chunkMeta[ci * 4 + 2] = off;
      chunkMeta[ci * 4 + 3] = c.data.length;
      data.set(c.data, off);
      off += c.data.length;
      ci++;
      observer?.chunk(c.maxT - c.minT, c.data.length >= 2 ? (c.data[0]! << 8) | c.data[1]! : 0, c.data.length);
    }
    const d = deletedOf(s.labels);
    if (d !== undefined) for (const iv of d) deleted.push(i, iv.mint, iv.maxt);
    if ((i & 31) === 31 && performance.now() - start > SLICE_MS) {
      await pause();
      start = performance.now();
    }
  }
  // A pooled Buffer may share its ArrayBuffer with others: hand over a buffer of our own.
  const ownLabelBytes = new Uint8Array(lb);
  ownLabelBytes.set(labelBytes.subarray(0, lb));
  return { labelBytes: ownLabelBytes, labelBytesUsed: lb, labelLens, labelCounts, chunkCounts, chunkMeta, data, deleted: Float64Array.from(deleted) };
}

/** One unpacked series: labels, chunks as views into the packed data, deletions. */
export interface UnpackedSeries {
  labels: Labels;
  chunks: { minT: number; maxT: number; data: Uint8Array }[];
  deleted: Interval[] | undefined;
}

/** Calls `fn` for every series of `p` in order (the worker side of `packHeadSeries`). */
export function forEachPackedSeries(p: PackedSeries, fn: (s: UnpackedSeries) => void): void {
  const bytes = Buffer.from(p.labelBytes.buffer, p.labelBytes.byteOffset, p.labelBytesUsed);
  let li = 0;
  let lb = 0;
  let ci = 0;
  let di = 0;
  for (let i = 0; i < p.labelCounts.length; i++) {
    const n = p.labelCounts[i]!;
    const kv = new Array<string>(n);
    for (let k = 0; k < n; k++) {
      const len = p.labelLens[li++]!;
      kv[k] = bytes.toString('utf8', lb, lb + len);
      lb += len;
    }
    const labels = Labels.fromSortedFlat(kv);
    const chunks: UnpackedSeries['chunks'] = [];
    for (let k = 0; k < p.chunkCounts[i]!; k++, ci++) {
      const o = p.chunkMeta[ci * 4 + 2]!;
      chunks.push({ minT: p.chunkMeta[ci * 4]!, maxT: p.chunkMeta[ci * 4 + 1]!, data: p.data.subarray(o, o + p.chunkMeta[ci * 4 + 3]!) });
    }
    let deleted: Interval[] | undefined;
    while (di < p.deleted.length && p.deleted[di] === i) {
      (deleted ??= []).push({ mint: p.deleted[di + 1]!, maxt: p.deleted[di + 2]! });
      di += 3;
    }
    fn({ labels, chunks, deleted });
  }
}

/** The transfer list for `postMessage` of a packed range (its large buffers). */
export function transferables(p: PackedSeries): ArrayBuffer[] {
  return [p.labelBytes.buffer, p.labelLens.buffer, p.labelCounts.buffer, p.chunkCounts.buffer, p.chunkMeta.buffer, p.data.buffer, p.deleted.buffer] as ArrayBuffer[];
}
