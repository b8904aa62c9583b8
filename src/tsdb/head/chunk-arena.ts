/**
 * Storage for the head's completed chunks: each is copied, with a small header, into shared
 * 256 KiB slabs and addressed by one number (`slab * SLAB_SIZE + offset`). A separate buffer
 * per chunk costs a malloc, a backing-store record and external-memory accounting that drives
 * V8 into extra GCs, and a view object per chunk adds to what every major GC must mark; numbers
 * in a typed array cost neither. Chunks completed around the same time are truncated together,
 * so a slab is dropped once every chunk in it was released.
 *
 * Record layout (8-byte aligned), in float64 words: `[minT, maxT, previous, length]`, then the
 * chunk's XOR data (sample count header first). `previous` is the address of the series' next
 * older completed chunk (-1: none), so a series needs only the address of its newest chunk.
 */

import { releasedUntracked, untrackedBuffer } from '../fileutil/index.js';

const SLAB_SIZE = 256 * 1024;
/** Header bytes before a chunk's data. */
const HEADER = 32;

/** Bump allocator of immutable chunk copies with per-slab reference counts. */
export class ChunkArena {
  /** Slabs by index (undefined once released); index reuse is safe: nothing refers to a released slab. */
  readonly #slabs: (Uint8Array | undefined)[] = [];
  /** Float64 views of the slabs, for the headers. */
  readonly #meta: (Float64Array | undefined)[] = [];
  readonly #live: number[] = [];
  readonly #freeIdx: number[] = [];
  #cur = -1;
  #off = SLAB_SIZE;
  #held = 0;
  #chunks = 0;
  #chunkBytes = 0;

  /**
   * Stores a completed chunk: `len` bytes at `off` in `src`, with its time range and the address
   * of the series' previous newest chunk. Returns the new chunk's address.
   */
  add(src: Uint8Array, off: number, len: number, minT: number, maxT: number, previous: number): number {
    const need = HEADER + ((len + 7) & ~7);
    if (this.#off + need > SLAB_SIZE || this.#cur < 0) this.#newSlab(Math.max(SLAB_SIZE, need));
    const cur = this.#cur;
    const at = this.#off;
    const slab = this.#slabs[cur]!;
    const m = this.#meta[cur]!;
    const w = at >>> 3;
    m[w] = minT;
    m[w + 1] = maxT;
    m[w + 2] = previous;
    m[w + 3] = len;
    const d = at + HEADER;
    for (let i = 0; i < len; i++) slab[d + i] = src[off + i]!;
    this.#off = at + need;
    this.#live[cur]!++;
    this.#chunks++;
    this.#chunkBytes += len;
    return cur * SLAB_SIZE + at;
  }

  #newSlab(size: number): void {
    const prev = this.#cur;
    if (prev >= 0 && this.#live[prev] === 0) this.#drop(prev);
    const idx = this.#freeIdx.pop() ?? this.#slabs.length;
    const slab = new Uint8Array(untrackedBuffer(size));
    this.#slabs[idx] = slab;
    this.#meta[idx] = new Float64Array(slab.buffer);
    this.#live[idx] = 0;
    this.#held += size;
    this.#cur = idx;
    this.#off = 0;
  }

  #drop(idx: number): void {
    this.#held -= this.#slabs[idx]!.length;
    releasedUntracked(this.#slabs[idx]!.length);
    this.#slabs[idx] = undefined;
    this.#meta[idx] = undefined;
    this.#freeIdx.push(idx);
  }

  /** Oldest sample time of the chunk at `addr`. */
  minT(addr: number): number {
    return this.#meta[(addr / SLAB_SIZE) | 0]![(addr % SLAB_SIZE) >>> 3]!;
  }

  /** Newest sample time of the chunk at `addr`. */
  maxT(addr: number): number {
    return this.#meta[(addr / SLAB_SIZE) | 0]![((addr % SLAB_SIZE) >>> 3) + 1]!;
  }

  /** Address of the series' next older chunk, or -1. */
  previous(addr: number): number {
    return this.#meta[(addr / SLAB_SIZE) | 0]![((addr % SLAB_SIZE) >>> 3) + 2]!;
  }

  /** Makes the chunk at `addr` the series' oldest (its older chunks were released). */
  setPrevious(addr: number, previous: number): void {
    this.#meta[(addr / SLAB_SIZE) | 0]![((addr % SLAB_SIZE) >>> 3) + 2] = previous;
  }

  /** Data length in bytes of the chunk at `addr`. */
  length(addr: number): number {
    return this.#meta[(addr / SLAB_SIZE) | 0]![((addr % SLAB_SIZE) >>> 3) + 3]!;
  }

  /** The slab holding the chunk at `addr` (read its data at `dataOffset(addr)`); keeps the memory alive. */
  slab(addr: number): Uint8Array {
    return this.#slabs[(addr / SLAB_SIZE) | 0]!;
  }

  /** Offset of the chunk's data in its slab. */
  dataOffset(addr: number): number {
    return (addr % SLAB_SIZE) + HEADER;
  }

  /** A view of the chunk's data (a new object; keeps the slab's memory alive). */
  view(addr: number): Uint8Array {
    const s = this.slab(addr);
    return new Uint8Array(s.buffer, s.byteOffset + this.dataOffset(addr), this.length(addr));
  }

  /** Releases the chunk at `addr`; its slab is dropped once nothing in it is live. */
  release(addr: number): void {
    const slab = (addr / SLAB_SIZE) | 0;
    this.#chunks--;
    this.#chunkBytes -= this.length(addr);
    if (--this.#live[slab]! === 0 && slab !== this.#cur) this.#drop(slab);
  }

  /** Bytes of slab memory currently held. */
  get bytes(): number {
    return this.#held;
  }

  /** Number of chunks held. */
  get chunks(): number {
    return this.#chunks;
  }

  /** Data bytes of the chunks held (without headers). */
  get chunkBytes(): number {
    return this.#chunkBytes;
  }
}
