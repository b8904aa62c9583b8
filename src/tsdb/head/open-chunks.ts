/**
 * Memory for the head's open chunks: fixed-size blocks carved out of shared 64 KiB pages, one
 * size class per page (a slab allocator). An open chunk is addressed by (page, byte offset) in
 * its series' row, so it costs no JS object, no `ArrayBuffer` (with its malloc'd backing store
 * and external-memory accounting) and nothing for the GC to mark; a chunk that outgrows its
 * block moves to a block of the next class. Free blocks of a page form a list threaded through
 * their first four bytes; a page whose blocks are all free is dropped (unless it is its class'
 * only page with room).
 */

import { releasedUntracked, untrackedBuffer } from '../fileutil/index.js';

/** Bytes per page. */
export const OPEN_CHUNK_PAGE_SIZE = 64 * 1024;

/**
 * Block sizes. The largest fits the largest open chunk: cut once past 1 KiB, so at most 1024
 * bytes plus one sample plus the encoder's headroom (`XOR_MAX_SAMPLE_BYTES`).
 */
const CLASS_SIZES = [48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1088] as const;

/** The largest block size. */
export const MAX_OPEN_CHUNK_BLOCK = CLASS_SIZES[CLASS_SIZES.length - 1];

/** Smallest class index whose blocks hold `n` bytes (for n up to the largest block), by 16-byte steps. */
const CLASS_BY_16 = (() => {
  const t = new Int8Array((MAX_OPEN_CHUNK_BLOCK >> 4) + 1);
  for (let i = 0; i < t.length; i++) {
    let c = 0;
    while (CLASS_SIZES[c]! < i * 16) c++;
    t[i] = c;
  }
  return t;
})();

/** The block size an open chunk that needs `n` bytes gets (n ≤ `MAX_OPEN_CHUNK_BLOCK`). */
export function openChunkBlockSize(n: number): number {
  return CLASS_SIZES[CLASS_BY_16[(n + 15) >> 4]!]!;
}

/** A binary min-heap of small non-negative integers (page indices). */
class MinHeap {
  #a = new Int32Array(16);
  size = 0;

  push(x: number): void {
    if (this.size === this.#a.length) {
      const g = new Int32Array(this.#a.length * 2);
      g.set(this.#a);
      this.#a = g;
    }
    const a = this.#a;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  /** The smallest element (the heap is not empty). */
  peek(): number {
    return this.#a[0]!;
  }

  pop(): number {
    const a = this.#a;
    const top = a[0]!;
    const x = a[--this.size]!;
    const n = this.size;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && a[c + 1]! < a[c]!) c++;
      if (a[c]! >= x) break;
      a[i] = a[c]!;
      i = c;
    }
    if (n > 0) a[i] = x;
    return top;
  }
}

/**
 * Slab allocator of open-chunk blocks. Owned by the event loop. Blocks come from the lowest-
 * numbered page of their class that has room (first fit), so that allocations pack into few
 * pages and the others drain and are dropped: open chunks move between classes as they grow,
 * and a last-in-first-out choice left many pages holding a few blocks each.
 */
export class OpenChunkPool {
  /** Pages by index (undefined once dropped; indices are reused, lowest first). */
  readonly pages: (Uint8Array | undefined)[] = [];
  readonly #pageSize: number;
  /** Per page: class index, live blocks, head of the free list (-1: empty), bump offset. */
  #pageClass = new Int32Array(64);
  #pageLive = new Int32Array(64);
  #pageFree = new Int32Array(64);
  #pageBump = new Int32Array(64);
  readonly #freePageIdx = new MinHeap();
  /**
   * Dropped pages kept for reuse (up to an eighth of the pages in use): chunks move between
   * classes in waves (series cut at about the same time), and allocating and dropping 64 KiB
   * buffers at that rate makes V8 start major GCs for external memory pressure.
   */
  readonly #spare: Uint8Array[] = [];
  /**
   * Per class: pages that have a free block. May hold stale entries (pages since filled up or
   * dropped: `#inRoomy` says which are current), skipped when they come up.
   */
  readonly #roomy: MinHeap[] = CLASS_SIZES.map(() => new MinHeap());
  /** Per class: pages currently marked roomy. */
  readonly #roomyCount = new Int32Array(CLASS_SIZES.length);
  /** Per page: whether it has a free block (and so a current entry in its class' heap). */
  #inRoomy = new Uint8Array(64);
  #held = 0;
  #blocks = 0;
  #blockBytes = 0;
  /** Page and offset of the last `alloc`. */
  lastPage = 0;
  lastOff = 0;

  /** A pool of `pageSize`-byte pages (a multiple of 16 of at least the largest block; tests use small ones). */
  constructor(pageSize = OPEN_CHUNK_PAGE_SIZE) {
    this.#pageSize = pageSize;
  }

  /** Allocates a block of exactly `size` bytes (a value of `openChunkBlockSize`); read its place from `lastPage`/`lastOff`. */
  alloc(size: number): void {
    const cls = CLASS_BY_16[size >> 4]!;
    const roomy = this.#roomy[cls]!;
    let page = -1;
    while (roomy.size > 0) {
      const p = roomy.peek();
      if (this.#inRoomy[p] === 1 && this.#pageClass[p] === cls) {
        page = p;
        break;
      }
      roomy.pop();
    }
    if (page < 0) page = this.#newPage(cls);
    let off = this.#pageFree[page]!;
    if (off >= 0) {
      const b = this.pages[page]!;
      this.#pageFree[page] = b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24);
    } else {
      off = this.#pageBump[page]!;
      this.#pageBump[page] = off + size;
    }
    this.#pageLive[page]!++;
    if (this.#pageFree[page]! < 0 && this.#pageBump[page]! + size > this.#pageSize) {
      // Full: it is the heap's top.
      roomy.pop();
      this.#inRoomy[page] = 0;
      this.#roomyCount[cls]!--;
    }
    this.#blocks++;
    this.#blockBytes += size;
    this.lastPage = page;
    this.lastOff = off;
  }

  /** Returns the block of `size` bytes at `off` in `page`. */
  free(page: number, off: number, size: number): void {
    const b = this.pages[page]!;
    const next = this.#pageFree[page]!;
    b[off] = next & 0xff;
    b[off + 1] = (next >>> 8) & 0xff;
    b[off + 2] = (next >>> 16) & 0xff;
    b[off + 3] = next >>> 24;
    this.#pageFree[page] = off;
    this.#blocks--;
    this.#blockBytes -= size;
    const cls = this.#pageClass[page]!;
    if (--this.#pageLive[page]! === 0 && (this.#roomyCount[cls]! > 1 || this.#inRoomy[page] === 0)) {
      this.#dropPage(page, cls);
      return;
    }
    if (this.#inRoomy[page] === 0) {
      this.#roomy[cls]!.push(page);
      this.#inRoomy[page] = 1;
      this.#roomyCount[cls]!++;
    }
  }

  #newPage(cls: number): number {
    const idx = this.#freePageIdx.size > 0 ? this.#freePageIdx.pop() : this.pages.length;
    if (idx >= this.#pageClass.length) this.#growMeta(idx + 1);
    let buf = this.#spare.pop();
    if (buf === undefined) {
      buf = new Uint8Array(untrackedBuffer(this.#pageSize));
      this.#held += this.#pageSize;
    }
    this.pages[idx] = buf;
    this.#pageClass[idx] = cls;
    this.#pageLive[idx] = 0;
    this.#pageFree[idx] = -1;
    this.#pageBump[idx] = 0;
    this.#roomy[cls]!.push(idx);
    this.#inRoomy[idx] = 1;
    this.#roomyCount[cls]!++;
    return idx;
  }

  #dropPage(page: number, cls: number): void {
    if (this.#inRoomy[page] === 1) {
      // Its heap entry goes stale and is skipped when it comes up.
      this.#inRoomy[page] = 0;
      this.#roomyCount[cls]!--;
    }
    this.#pageClass[page] = -1;
    const buf = this.pages[page]!;
    this.pages[page] = undefined;
    this.#freePageIdx.push(page);
    if (this.#spare.length < 4 || this.#spare.length * 9 < this.#held / this.#pageSize) this.#spare.push(buf);
    else {
      this.#held -= this.#pageSize;
      releasedUntracked(this.#pageSize);
    }
  }

  #growMeta(n: number): void {
    const cap = Math.max(n, this.#pageClass.length * 2);
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const g = make(cap);
      g.set(a);
      return g;
    };
    this.#pageClass = grow(this.#pageClass, (k) => new Int32Array(k));
    this.#pageLive = grow(this.#pageLive, (k) => new Int32Array(k));
    this.#pageFree = grow(this.#pageFree, (k) => new Int32Array(k));
    this.#pageBump = grow(this.#pageBump, (k) => new Int32Array(k));
    this.#inRoomy = grow(this.#inRoomy, (k) => new Uint8Array(k));
  }

  /** Bytes of page memory held (pages in use and spare ones). */
  get bytes(): number {
    return this.#held;
  }

  /** Bytes of the blocks in use (a measure of fragmentation against `bytes`). */
  get blockBytes(): number {
    return this.#blockBytes;
  }

  /** Blocks in use. */
  get blocks(): number {
    return this.#blocks;
  }
}
