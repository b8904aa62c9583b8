/**
 * An open-addressing hash table from a 32-bit key (a label-set hash) to slots, in one
 * `Int32Array`: the head's lookup of series by labels. A `Map` with a million entries costs
 * tens of bytes per entry on the JS heap, objects for colliding keys, and work for every major
 * GC; here an entry is two int32 words outside the heap, and a probe usually reads one cache
 * line. Keys may collide: `next` yields every entry stored under a key and the caller
 * compares labels.
 *
 * Linear probing with backward-shift deletion (no tombstones), load kept at most 3/4.
 */

/** Smallest capacity (entries). */
const MIN_CAPACITY = 1024;

/** `(key, slot + 1)` pairs; `slot + 1 === 0` marks an empty entry. Owned by the event loop. */
export class SlotHashTable {
  #t: Int32Array = new Int32Array(MIN_CAPACITY * 2);
  #mask = MIN_CAPACITY - 1;
  #size = 0;

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held (for memory accounting). */
  get bytes(): number {
    return this.#t.byteLength;
  }

  /** First entry index to probe for `key`. */
  #home(key: number): number {
    // Fibonacci hashing spreads keys whose low bits are alike.
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.#mask;
  }

  /**
   * Index of the next entry stored under `key` after entry `after` (-1: from the start), or -1
   * when there is none; read its slot with `slotAt`. The table must not change in between.
   */
  next(key: number, after = -1): number {
    const t = this.#t;
    const mask = this.#mask;
    for (let i = after < 0 ? this.#home(key) : (after + 1) & mask; ; i = (i + 1) & mask) {
      if (t[i * 2 + 1] === 0) return -1;
      if (t[i * 2] === key) return i;
    }
  }

  /** The slot of entry `i` (from `next`). */
  slotAt(i: number): number {
    return this.#t[i * 2 + 1]! - 1;
  }

  /** Stores `slot` under `key` (the caller ensures this pair is not present yet). */
  insert(key: number, slot: number): void {
    if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) this.#resize((this.#mask + 1) * 2);
    this.#put(key, slot + 1);
    this.#size++;
  }

  #put(key: number, v: number): void {
    const t = this.#t;
    const mask = this.#mask;
    let i = this.#home(key);
    while (t[i * 2 + 1] !== 0) i = (i + 1) & mask;
    t[i * 2] = key;
    t[i * 2 + 1] = v;
  }

  /** Removes the entry of `slot` under `key`; returns false when there is none. */
  delete(key: number, slot: number): boolean {
    const t = this.#t;
    const mask = this.#mask;
    let i = this.#home(key);
    for (;;) {
      const v = t[i * 2 + 1]!;
      if (v === 0) return false;
      if (v === slot + 1 && t[i * 2] === key) break;
      i = (i + 1) & mask;
    }
    // Backward shift: move later entries of the probe run into the hole when their home allows.
    let hole = i;
    for (let j = (i + 1) & mask; t[j * 2 + 1] !== 0; j = (j + 1) & mask) {
      const home = this.#home(t[j * 2]!);
      // Entry j may move to `hole` unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      t[hole * 2] = t[j * 2]!;
      t[hole * 2 + 1] = t[j * 2 + 1]!;
      hole = j;
    }
    t[hole * 2] = 0;
    t[hole * 2 + 1] = 0;
    this.#size--;
    if (this.#size * 8 < this.#mask + 1 && this.#mask + 1 > MIN_CAPACITY) this.#resize((this.#mask + 1) / 2);
    return true;
  }

  #resize(capacity: number): void {
    const old = this.#t;
    this.#t = new Int32Array(capacity * 2);
    this.#mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.#put(old[i]!, old[i + 1]!);
  }
}
