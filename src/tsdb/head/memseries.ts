/**
 * One in-memory series of the head: its labels, its XOR chunks (the open head chunk and the
 * completed ones), and the bookkeeping appends, isolation, the WAL and garbage collection need.
 * Chunks are cut like upstream: at 2× the target samples, at the chunk range (block) boundary,
 * at 1 KiB, and — once a chunk holds a quarter of the target — at a predicted end time that
 * spreads the samples evenly over the rest of the range (120 samples per chunk at a steady rate).
 *
 * Memory layout (see `SeriesStore`, `OpenChunkPool`, `ChunkArena`): the series' numbers and its
 * open chunk's encoder state are one row of typed arrays; the open chunk's bytes are a block of
 * a shared page; completed chunks are records in shared slabs, linked newest to oldest. The
 * `MemSeries` object is only a handle (reference, labels, row); appending never touches it.
 */
import type { Labels } from '../../model/labels/index.js';
import { XOR_MAX_SAMPLE_BYTES, XS_LEN, XS_NUM, xorAppend, xorReset } from '../chunkenc/index.js';
import type { ChunkArena } from './chunk-arena.js';
import { MAX_OPEN_CHUNK_BLOCK, openChunkBlockSize, type OpenChunkPool } from './open-chunks.js';
import {
  F_INDEXED,
  F_ISO,
  HEAD_MIN_T,
  I_CAP,
  I_ENC,
  I_FLAGS,
  I_OFF,
  I_PAGE,
  I_WAL_GEN,
  LAST_T,
  LAST_V,
  MIN_T,
  NEWEST_CLOSED,
  NEXT_AT,
  PENDING_OWNER,
  PENDING_T,
  PENDING_V,
  rowAt,
  type SeriesStore,
} from './series-store.js';

/** Upstream's `maxBytesPerXORChunk`: a chunk past this size is cut regardless of its sample count. */
export const MAX_BYTES_PER_XOR_CHUNK = 1024;

/** Block size of a series' first open chunk. */
const FIRST_BLOCK = 64;

/** End of the chunk range containing `t`: upstream's `rangeForTimestamp` (Go integer division). */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/**
 * Upstream's `computeChunkEndTime`: the end time that splits `[start, maxT)` into equally long
 * chunks given that `cur - start` covers `1/ratioToFull` of a chunk.
 */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}

/** What appending to a series needs from its head besides the sample. */
export interface AppendContext {
  readonly chunkRange: number;
  readonly samplesPerChunk: number;
  readonly series: SeriesStore;
  readonly openChunks: OpenChunkPool;
  readonly arena: ChunkArena;
}

/** One chunk of a series, for tests and block export: a copy of its XOR data and its bounds. */
export interface ChunkCopy {
  minT: number;
  maxT: number;
  data: Uint8Array;
}

/**
 * Appends sample `(ts[i], vs[i])` to the series in `slot`; the caller checked that it is newer
 * than the series' last sample. Returns 1 when a new chunk was cut for it, else 0. Touches only
 * the series' row, its open chunk's block and, on a cut, the arena. (The sample comes by array
 * and index so that nothing is boxed: see `xorAppend`.)
 */
export function appendSample(ctx: AppendContext, slot: number, ts: Float64Array, vs: Float64Array, i: number): number {
  const t = ts[i]!;
  const store = ctx.series;
  const st = store.rows(slot);
  const is = store.irows(slot);
  const o = rowAt(slot);
  const io = o * 2;
  let created = 0;
  if (is[io + I_PAGE]! < 0) {
    openChunk(ctx, st, is, o, t, FIRST_BLOCK);
    created = 1;
  } else {
    const len = is[io + I_ENC + XS_LEN]!;
    if (len > MAX_BYTES_PER_XOR_CHUNK) {
      cutChunk(ctx, st, is, o, t);
      created = 1;
    } else {
      const n = is[io + I_ENC + XS_NUM]!;
      const spc = ctx.samplesPerChunk;
      if (n === spc >> 2) st[o + NEXT_AT] = computeChunkEndTime(st[o + HEAD_MIN_T]!, st[o + LAST_T]!, st[o + NEXT_AT]!, 4);
      if (t >= st[o + NEXT_AT]! || n >= spc * 2) {
        cutChunk(ctx, st, is, o, t);
        created = 1;
      } else if (len + XOR_MAX_SAMPLE_BYTES > is[io + I_CAP]!) {
        growChunk(ctx.openChunks, is, io, len);
      }
    }
  }
  const pool = ctx.openChunks;
  xorAppend(pool.pages[is[io + I_PAGE]!]!, is[io + I_OFF]!, st, o + LAST_T, is, io + I_ENC, ts, vs, i);
  st[o + LAST_V] = vs[i]!;
  return created;
}

/** Opens an empty chunk starting at `t` in a block of at least `size` bytes. */
function openChunk(ctx: AppendContext, st: Float64Array, is: Int32Array, o: number, t: number, size: number): void {
  const io = o * 2;
  const pool = ctx.openChunks;
  const cap = openChunkBlockSize(size);
  pool.alloc(cap);
  const page = pool.lastPage;
  const off = pool.lastOff;
  is[io + I_PAGE] = page;
  is[io + I_OFF] = off;
  is[io + I_CAP] = cap;
  xorReset(pool.pages[page]!, off, is, io + I_ENC);
  st[o + HEAD_MIN_T] = t;
  st[o + NEXT_AT] = rangeForTimestamp(t, ctx.chunkRange);
  if (st[o + NEWEST_CLOSED] === -1) st[o + MIN_T] = t;
}

/**
 * Completes the open chunk (copied into the arena) and opens a new one starting at `t`. The new
 * block holds half of the completed chunk: chunks of one series are alike, and a block that
 * grows as its chunk fills holds fewer idle bytes on average than one sized for the end.
 */
function cutChunk(ctx: AppendContext, st: Float64Array, is: Int32Array, o: number, t: number): void {
  const io = o * 2;
  const pool = ctx.openChunks;
  const page = is[io + I_PAGE]!;
  const off = is[io + I_OFF]!;
  const cap = is[io + I_CAP]!;
  const len = is[io + I_ENC + XS_LEN]!;
  st[o + NEWEST_CLOSED] = ctx.arena.add(pool.pages[page]!, off, len, st[o + HEAD_MIN_T]!, st[o + LAST_T]!, st[o + NEWEST_CLOSED]!);
  const want = openChunkBlockSize((len >> 1) + XOR_MAX_SAMPLE_BYTES);
  if (want === cap) {
    xorReset(pool.pages[page]!, off, is, io + I_ENC);
    st[o + HEAD_MIN_T] = t;
    st[o + NEXT_AT] = rangeForTimestamp(t, ctx.chunkRange);
    return;
  }
  pool.free(page, off, cap);
  openChunk(ctx, st, is, o, t, want);
}

/** Moves the open chunk (`len` bytes) to a block with room for a quarter more. */
function growChunk(pool: OpenChunkPool, is: Int32Array, io: number, len: number): void {
  const page = is[io + I_PAGE]!;
  const off = is[io + I_OFF]!;
  const want = len + (len >> 2) + XOR_MAX_SAMPLE_BYTES;
  const cap = openChunkBlockSize(want < MAX_OPEN_CHUNK_BLOCK ? want : MAX_OPEN_CHUNK_BLOCK);
  pool.alloc(cap);
  const src = pool.pages[page]!;
  const dst = pool.pages[pool.lastPage]!;
  const to = pool.lastOff;
  for (let i = 0; i < len; i++) dst[to + i] = src[off + i]!;
  pool.free(page, off, is[io + I_CAP]!);
  is[io + I_PAGE] = pool.lastPage;
  is[io + I_OFF] = to;
  is[io + I_CAP] = cap;
}

/**
 * A handle on a series in the head: its reference and labels, and accessors of its row in the
 * `SeriesStore` (see there and the module comment). Handles are made on request by the store
 * and hold nothing of their own besides the slot: two handles on one series are equal in
 * everything but identity, so compare `ref`s. A handle kept while the series is deleted reads
 * whatever series takes its slot next: re-resolve references after pauses. Owned by the event
 * loop. The open chunk's newest sample is always the series' newest (`lastT`).
 */
export class MemSeries {
  readonly ref: number;
  readonly #store: SeriesStore;
  /** Row of the store holding this series' numbers. */
  readonly slot: number;
  /** The page of the row (pages never move) and the row's offset in it, in doubles. */
  readonly #st: Float64Array;
  readonly #is: Int32Array;
  readonly #o: number;
  #labels: Labels | undefined = undefined;

  /** A handle on the series in `slot` of `store` (see `SeriesStore.atSlot`). */
  constructor(store: SeriesStore, slot: number) {
    this.#store = store;
    this.slot = slot;
    this.ref = store.refAt(slot);
    this.#st = store.rows(slot);
    this.#is = store.irows(slot);
    this.#o = rowAt(slot);
  }

  /**
   * The series' labels, read on first use (and unpacked for good if they were packed, see
   * `SeriesStore.keepUnpacked`); read them before pausing.
   */
  get labels(): Labels {
    return (this.#labels ??= this.#store.keepUnpacked(this.slot));
  }

  /**
   * Isolation log while queriers are open: pairs `[commitSeq, lastT before that commit]`, one
   * per commit that touched the series since the oldest open querier began.
   */
  get iso(): number[] | undefined {
    return this.#store.isoAt(this.slot);
  }

  set iso(a: number[] | undefined) {
    this.#store.setIso(this.slot, a);
  }

  /** True once the series is in the postings index (after its first committed sample). */
  get indexed(): boolean {
    return (this.#is[this.#o * 2 + I_FLAGS]! & F_INDEXED) !== 0;
  }

  set indexed(b: boolean) {
    const is = this.#is;
    const i = this.#o * 2 + I_FLAGS;
    is[i] = b ? is[i]! | F_INDEXED : is[i]! & ~F_INDEXED;
  }

  /** Timestamp of the newest committed sample (-Infinity when none). */
  get lastT(): number {
    return this.#st[this.#o + LAST_T]!;
  }

  /** Value of the newest committed sample (bit-exact). */
  get lastV(): number {
    return this.#st[this.#o + LAST_V]!;
  }

  /** Newest sample buffered by appender `pendingOwner`. */
  get pendingT(): number {
    return this.#st[this.#o + PENDING_T]!;
  }

  get pendingV(): number {
    return this.#st[this.#o + PENDING_V]!;
  }

  get pendingOwner(): number {
    return this.#st[this.#o + PENDING_OWNER]!;
  }

  /** Highest appender id that touched the series (same as `pendingOwner`). */
  get touchedBy(): number {
    return this.pendingOwner;
  }

  set touchedBy(id: number) {
    this.#st[this.#o + PENDING_OWNER] = id;
  }

  /** First sample time of the open chunk. */
  get headMinT(): number {
    return this.#st[this.#o + HEAD_MIN_T]!;
  }

  /** WAL generation of the series record (-1: never written). */
  get walGen(): number {
    return this.#is[this.#o * 2 + I_WAL_GEN]!;
  }

  set walGen(g: number) {
    this.#is[this.#o * 2 + I_WAL_GEN] = g;
  }

  /** True while the series has an open chunk. */
  hasOpenChunk(): boolean {
    return this.#is[this.#o * 2 + I_PAGE]! >= 0;
  }

  /** Address of the newest completed chunk in the arena (-1: none); older ones via `ChunkArena.previous`. */
  newestClosed(): number {
    return this.#st[this.#o + NEWEST_CLOSED]!;
  }

  /** True when the series holds no chunk at all. */
  isEmpty(): boolean {
    return !this.hasOpenChunk() && this.newestClosed() === -1;
  }

  /** Oldest sample time held, or Infinity when the series has no chunk. */
  minTime(): number {
    return this.#st[this.#o + MIN_T]!;
  }

  /**
   * Copies the open chunk's data into `dst` at 0 (growing it when too small) and returns the
   * buffer used; its length in bytes is `openChunkLength()`. Undefined when there is no open
   * chunk.
   */
  copyOpenChunk(pool: OpenChunkPool, dst: Uint8Array | undefined): Uint8Array | undefined {
    const is = this.#is;
    const io = this.#o * 2;
    const page = is[io + I_PAGE]!;
    if (page < 0) return undefined;
    const len = is[io + I_ENC + XS_LEN]!;
    if (dst === undefined || dst.length < len) dst = new Uint8Array(Math.max(len, 2 * (dst?.length ?? 0), 256));
    const src = pool.pages[page]!;
    const off = is[io + I_OFF]!;
    for (let i = 0; i < len; i++) dst[i] = src[off + i]!;
    return dst;
  }

  /**
   * The open chunk's data in place, without copying: the pool page holding it (read at
   * `openChunkOffset()`, `openChunkLength()` bytes), or undefined when there is none. Valid only
   * until the head next appends or truncates: read it synchronously.
   */
  openChunkPage(pool: OpenChunkPool): Uint8Array | undefined {
    const page = this.#is[this.#o * 2 + I_PAGE]!;
    return page < 0 ? undefined : pool.pages[page];
  }

  /** Byte offset of the open chunk's data in `openChunkPage()`. */
  openChunkOffset(): number {
    return this.#is[this.#o * 2 + I_OFF]!;
  }

  /** Length in bytes of the open chunk's data (0 when none). */
  openChunkLength(): number {
    const is = this.#is;
    const io = this.#o * 2;
    return is[io + I_PAGE]! < 0 ? 0 : is[io + I_ENC + XS_LEN]!;
  }

  /** All chunks, oldest first, as copies (for block export, tests and debugging). */
  chunks(ctx: AppendContext): ChunkCopy[] {
    const out: ChunkCopy[] = [];
    const arena = ctx.arena;
    for (let a = this.newestClosed(); a !== -1; a = arena.previous(a)) {
      out.push({ minT: arena.minT(a), maxT: arena.maxT(a), data: arena.view(a).slice() });
    }
    out.reverse();
    const open = this.copyOpenChunk(ctx.openChunks, undefined);
    if (open !== undefined) out.push({ minT: this.headMinT, maxT: this.lastT, data: open.slice(0, this.openChunkLength()) });
    return out;
  }

  /** Number of chunks (completed + open). */
  chunkCount(arena: ChunkArena): number {
    let n = this.hasOpenChunk() ? 1 : 0;
    for (let a = this.newestClosed(); a !== -1; a = arena.previous(a)) n++;
    return n;
  }

  /**
   * Drops chunks whose newest sample is older than `mint` (including the open chunk), giving
   * their memory back; returns how many were dropped.
   */
  truncateChunksBefore(mint: number, ctx: AppendContext): number {
    const st = this.#st;
    const is = this.#is;
    const o = this.#o;
    const io = o * 2;
    const arena = ctx.arena;
    let dropped = 0;
    // Chunks are linked newest first: find the newest one to drop; it and all older ones go.
    let keep = -1;
    let a = st[o + NEWEST_CLOSED]!;
    while (a !== -1 && arena.maxT(a) >= mint) {
      keep = a;
      a = arena.previous(a);
    }
    if (a !== -1) {
      if (keep === -1) st[o + NEWEST_CLOSED] = -1;
      else arena.setPrevious(keep, -1);
      while (a !== -1) {
        const prev = arena.previous(a);
        arena.release(a);
        dropped++;
        a = prev;
      }
    }
    if (is[io + I_PAGE]! >= 0 && st[o + LAST_T]! < mint) {
      ctx.openChunks.free(is[io + I_PAGE]!, is[io + I_OFF]!, is[io + I_CAP]!);
      is[io + I_PAGE] = -1;
      dropped++;
    }
    if (dropped > 0) {
      if (keep !== -1) st[o + MIN_T] = arena.minT(keep);
      else st[o + MIN_T] = is[io + I_PAGE]! >= 0 ? st[o + HEAD_MIN_T]! : Infinity;
    }
    return dropped;
  }

  /**
   * The newest timestamp a querier that started after commit `snapshot` may see: samples of
   * later commits stay hidden (isolation).
   */
  visibleMaxT(snapshot: number): number {
    const iso = (this.#is[this.#o * 2 + I_FLAGS]! & F_ISO) !== 0 ? this.iso : undefined;
    if (iso !== undefined) {
      for (let i = 0; i < iso.length; i += 2) if (iso[i]! > snapshot) return iso[i + 1]!;
    }
    return this.lastT;
  }
}
