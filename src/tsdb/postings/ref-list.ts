/**
 * A growable posting list in a typed array: ascending, duplicate-free series references.
 *
 * Why not a JS array: a million-entry `number[]` is a heap object of 8 bytes per element (and
 * up to half again as spare capacity) that every major GC scans element by element, and each
 * growth leaves the old backing store as old-space garbage. A `Uint32Array` holds 4 bytes per
 * reference outside the heap, which the GC does not scan. References above 2^32 − 1 (possible
 * only after four billion series creations) switch the list to a `Float64Array`.
 */
import { gallop, type SortedRefs } from './sorted-lists.js';

/** Largest reference a `Uint32Array` list holds. */
const U32_MAX = 0xffffffff;

export class RefList {
  /** References in `a[0..n)`. */
  #a: Uint32Array | Float64Array;
  #n = 0;

  /** A list holding `first` (and room for `capacity` references). */
  constructor(first: number, capacity = 4) {
    this.#a = first > U32_MAX ? new Float64Array(capacity) : new Uint32Array(capacity);
    this.#a[0] = first;
    this.#n = 1;
  }

  /** Number of references. */
  get length(): number {
    return this.#n;
  }

  /** The newest reference (the list is not empty). */
  last(): number {
    return this.#a[this.#n - 1]!;
  }

  /** The references as a view (no copy): valid until the list next changes. */
  view(): SortedRefs {
    return this.#a.subarray(0, this.#n);
  }

  /** Bytes allocated. */
  get bytes(): number {
    return this.#a.byteLength;
  }

  /**
   * Adds `ref` keeping the list sorted and duplicate-free; O(1) when it is the largest (the
   * common case: references only grow). Returns false when it was present.
   */
  insert(ref: number): boolean {
    const n = this.#n;
    if (n === this.#a.length || (ref > U32_MAX && this.#a instanceof Uint32Array)) this.#grow(ref);
    const a = this.#a;
    if (n === 0 || a[n - 1]! < ref) {
      a[n] = ref;
      this.#n = n + 1;
      return true;
    }
    const i = gallop(a.subarray(0, n), 0, ref);
    if (a[i] === ref) return false;
    a.copyWithin(i + 1, i, n);
    a[i] = ref;
    this.#n = n + 1;
    return true;
  }

  /** Keeps the references `keep` accepts; returns how many remain. Shrinks a list left mostly empty. */
  filter(keep: (ref: number) => boolean): number {
    const a = this.#a;
    let k = 0;
    for (let i = 0; i < this.#n; i++) {
      const r = a[i]!;
      if (keep(r)) a[k++] = r;
    }
    return this.#shrinkTo(k);
  }

  /**
   * `filter` keeping the references whose bit is clear in `bits`, a bitmap of references
   * `[min, max]` (bit `r - min`): the same result, without a call per reference.
   */
  removeMarked(bits: Uint8Array, min: number, max: number): number {
    const a = this.#a;
    const n = this.#n;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const r = a[i]!;
      const d = r - min;
      if (r > max || d < 0 || (bits[d >>> 3]! & (1 << (d & 7))) === 0) a[k++] = r;
    }
    return this.#shrinkTo(k);
  }

  /** Sets the length to `k` after a filter; shrinks a list left mostly empty. */
  #shrinkTo(k: number): number {
    this.#n = k;
    if (k * 4 < this.#a.length && this.#a.length > 8) this.#a = this.#a.slice(0, Math.max(k * 2, 4));
    return k;
  }

  /** Doubles the capacity (to float64 when `ref` needs it). */
  #grow(ref: number): void {
    const a = this.#a;
    const wide = a instanceof Float64Array || ref > U32_MAX;
    const b = wide ? new Float64Array(a.length * 2) : new Uint32Array(a.length * 2);
    b.set(a.subarray(0, this.#n));
    this.#a = b;
  }
}
