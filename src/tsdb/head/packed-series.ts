/**
 * The transfer format of one block range from the head to the block-writing worker
 * (`BlockExportBuilder.pack` writes it, `forEachPackedSeries` reads it on the worker's side).
 */
import { Labels } from '../../model/labels/index.js';
import type { Interval } from '../tombstones/index.js';

/**
 * Series of one block range in flat typed arrays, all transferable, in label order: no JS
 * strings, whose structured clone would run on the event loop in one go.
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
  /** Per series: index of its first chunk; its chunks have consecutive indices. */
  chunkFirst: Int32Array;
  /**
   * Per chunk, `CHUNK_FIELDS` doubles: minT, maxT (ms, inclusive), data page, byte offset in it,
   * byte length. Chunk `c` is at `(c % META_PAGE_CHUNKS) * CHUNK_FIELDS` of page
   * `floor(c / META_PAGE_CHUNKS)`.
   */
  chunkMeta: Float64Array[];
  /** Chunk data (XOR, sample count header first); a chunk never spans two pages. */
  pages: Uint8Array[];
  /** Deleted intervals: triples (series index, mint, maxt), grouped by series, sorted. */
  deleted: Float64Array;
}

/** Doubles per chunk in `PackedSeries.chunkMeta`. */
export const CHUNK_FIELDS = 5;

/** Chunks per page of `PackedSeries.chunkMeta` (a power of two). */
export const META_PAGE_CHUNKS = 1 << 16;

/** One unpacked series: labels, chunks as views into the packed pages, deletions. */
export interface UnpackedSeries {
  labels: Labels;
  chunks: { minT: number; maxT: number; data: Uint8Array }[];
  deleted: Interval[] | undefined;
}

/** Calls `fn` for every series of `p` in order. */
export function forEachPackedSeries(p: PackedSeries, fn: (s: UnpackedSeries) => void): void {
  const bytes = Buffer.from(p.labelBytes.buffer, p.labelBytes.byteOffset, p.labelBytesUsed);
  let li = 0;
  let lb = 0;
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
    const first = p.chunkFirst[i]!;
    for (let c = first; c < first + p.chunkCounts[i]!; c++) {
      const meta = p.chunkMeta[c / META_PAGE_CHUNKS >>> 0]!;
      const m = (c % META_PAGE_CHUNKS) * CHUNK_FIELDS;
      const off = meta[m + 3]!;
      chunks.push({ minT: meta[m]!, maxT: meta[m + 1]!, data: p.pages[meta[m + 2]!]!.subarray(off, off + meta[m + 4]!) });
    }
    let deleted: Interval[] | undefined;
    while (di < p.deleted.length && p.deleted[di] === i) {
      (deleted ??= []).push({ mint: p.deleted[di + 1]!, maxt: p.deleted[di + 2]! });
      di += 3;
    }
    fn({ labels, chunks, deleted });
  }
}

/** Every typed array of a packed range. */
function viewsOf(p: PackedSeries): ArrayBufferView[] {
  return [p.labelBytes, p.labelLens, p.labelCounts, p.chunkCounts, p.chunkFirst, ...p.chunkMeta, ...p.pages, p.deleted];
}

/** The transfer list for `postMessage` of a packed range: its buffers that are not shared (those are shared as they are). */
export function transferables(p: PackedSeries): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of viewsOf(p)) if (!(v.buffer instanceof SharedArrayBuffer)) out.push(v.buffer as ArrayBuffer);
  return out;
}

/** Bytes of a packed range held in shared (untracked) buffers, to report released when it is done with. */
export function sharedBytes(p: PackedSeries): number {
  let n = 0;
  for (const v of viewsOf(p)) if (v.buffer instanceof SharedArrayBuffer) n += v.buffer.byteLength;
  return n;
}
