/**
 * An open-addressing hash table from a 32-bit key (a label-set hash) to slots, in one
 * `Int32Array`: the head's lookup of series by labels. A `Map` with a million entries costs
 * tens of bytes per entry on the JS heap, objects for colliding keys, and work for every major
 * GC; here an entry is two int32 words outside the heap, and a probe usually reads one cache
 * line. Keys may collide: `next` yields every entry stored under a key and the caller
 * compares labels.
 *
 * Linear probing with backward-shift deletion (no tombstones), load kept at most 3/4.
 *
 * Resizing is incremental: the new table is allocated at once, but the entries of the old one
 * move over a few at a time (`STEP` entries per insert or delete), and lookups meanwhile probe
 * both. Rehashing 800 k entries in one go blocked the event loop for 20–45 ms; spread like this
 * no single operation pays more than a few microseconds.
 */

import { releasedUntracked, untrackedBuffer } from '../fileutil/index.js';

/** Smallest capacity (entries). */
const MIN_CAPACITY = 1024;

/**
 * Old-table entries moved per insert or delete while a resize is under way. A growth starts at
 * 3/4 load and the next one needs at least another 3/4 of the old capacity in inserts; a shrink
 * starts at 1/8 load and the next needs 1/16 of it in deletes: 16 finishes in time either way.
 */
const STEP = 16;

/** In the old table during a resize: an entry deleted there (probes go on past it). */
const GONE = -1;

/**
 * `(key, slot + 1)` pairs; `slot + 1 === 0` marks an empty entry. Owned by the event loop.
 * Entry indices (`next`, `slotAt`) below the capacity are in the current table; those from the
 * capacity up are in the old one while a resize is under way.
 */
export class SlotHashTable {
  #t: Int32Array = new Int32Array(MIN_CAPACITY * 2);
  #mask = MIN_CAPACITY - 1;
  #size = 0;
  /** The table being emptied into `#t` during a resize, else undefined. */
  #old: Int32Array | undefined = undefined;
  #oldMask = 0;
  /** Entries of `#old` below this index have been moved (their copies there are stale). */
  #oldPos = 0;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held (for memory accounting). */
  get bytes(): number {
    return this.#t.byteLength + (this.#old?.byteLength ?? 0);
  }

  /** First entry index to probe for `key` in a table of `mask + 1` entries. */
  #home(key: number, mask: number): number {
    // Fibonacci hashing spreads keys whose low bits are alike.
    return (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
  }

  /**
   * Index of the next entry stored under `key` after entry `after` (-1: from the start), or -1
   * when there is none; read its slot with `slotAt`. The table must not change in between.
   */
  next(key: number, after = -1): number {
    const cap = this.#mask + 1;
    if (after < cap) {
      const t = this.#t;
      const mask = this.#mask;
      for (let i = after < 0 ? this.#home(key, mask) : (after + 1) & mask; ; i = (i + 1) & mask) {
        if (t[i * 2 + 1] === 0) break;
        if (t[i * 2] === key) return i;
      }
    }
    const old = this.#old;
    if (old === undefined) return -1;
    const mask = this.#oldMask;
    const pos = this.#oldPos;
    for (let i = after >= cap ? (after - cap + 1) & mask : this.#home(key, mask); ; i = (i + 1) & mask) {
      const v = old[i * 2 + 1]!;
      if (v === 0) return -1;
      if (v > 0 && i >= pos && old[i * 2] === key) return cap + i;
    }
  }

  /** The slot of entry `i` (from `next`). */
  slotAt(i: number): number {
    const cap = this.#mask + 1;
    return i < cap ? this.#t[i * 2 + 1]! - 1 : this.#old![(i - cap) * 2 + 1]! - 1;
  }

  /** Stores `slot` under `key` (the caller ensures this pair is not present yet). */
  insert(key: number, slot: number): void {
    if (this.#old !== undefined) this.#move(STEP);
    if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#resize((this.#mask + 1) * 2);
    this.#put(key, slot + 1);
    this.#size++;
  }

  #put(key: number, v: number): void {
    const t = this.#t;
    const mask = this.#mask;
    let i = this.#home(key, mask);
    while (t[i * 2 + 1] !== 0) i = (i + 1) & mask;
    t[i * 2] = key;
    t[i * 2 + 1] = v;
  }

  /** Removes the entry of `slot` under `key`; returns false when there is none. */
  delete(key: number, slot: number): boolean {
    if (this.#old !== undefined) this.#move(STEP);
    if (!this.#deleteCurrent(key, slot) && !this.#deleteOld(key, slot)) return false;
    this.#size--;
    const cap = this.#mask + 1;
    if (this.#old === undefined && this.#size * 8 < cap && cap > MIN_CAPACITY) this.#resize(cap / 2);
    return true;
  }

  #deleteCurrent(key: number, slot: number): boolean {
    const t = this.#t;
    const mask = this.#mask;
    let i = this.#home(key, mask);
    for (;;) {
      const v = t[i * 2 + 1]!;
      if (v === 0) return false;
      if (v === slot + 1 && t[i * 2] === key) break;
      i = (i + 1) & mask;
    }
    // Backward shift: move later entries of the probe run into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; t[j * 2 + 1] !== 0; j = (j + 1) & mask) {
      const home = this.#home(t[j * 2]!, mask);
      // Entry j may move to `hole` unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      t[hole * 2] = t[j * 2]!;
      t[hole * 2 + 1] = t[j * 2 + 1]!;
      hole = j;
    }
    t[hole * 2] = 0;
    t[hole * 2 + 1] = 0;
    return true;
  }

  /**
   * Marks the not yet moved old-table entry of `slot` under `key` deleted. (Not a backward
   * shift: that could carry an unmoved entry below `#oldPos`, where it would count as moved.)
   */
  #deleteOld(key: number, slot: number): boolean {
    const old = this.#old;
    if (old === undefined) return false;
    const mask = this.#oldMask;
    for (let i = this.#home(key, mask); ; i = (i + 1) & mask) {
      const v = old[i * 2 + 1]!;
      if (v === 0) return false;
      if (v === slot + 1 && i >= this.#oldPos && old[i * 2] === key) {
        old[i * 2 + 1] = GONE;
        return true;
      }
    }
  }

  /** Starts moving every entry into a new table of `capacity` entries (finishing a resize still under way). */
  #resize(capacity: number): void {
    if (this.#old !== undefined) this.#move(Infinity);
    this.#old = this.#t;
    this.#oldMask = this.#mask;
    this.#oldPos = 0;
    this.#t = new Int32Array(untrackedBuffer(capacity * 8));
    this.#mask = capacity - 1;
  }

  /** Moves the next `n` old-table entries (live or not) into the current table. */
  #move(n: number): void {
    const old = this.#old!;
    const end = Math.min(this.#oldPos + n, this.#oldMask + 1);
    for (let i = this.#oldPos; i < end; i++) {
      const v = old[i * 2 + 1]!;
      if (v > 0) this.#put(old[i * 2]!, v);
    }
    this.#oldPos = end;
    if (end > this.#oldMask) {
      releasedUntracked(old.byteLength);
      this.#old = undefined;
    }
  }
}
