/**
 * Set operations over sorted, duplicate-free arrays of series references. The head keeps its
 * postings as such arrays, so these are the hot path of every head select: they never mutate
 * their inputs and return fresh arrays (or one of the inputs when the result equals it).
 */

/**
 * An ascending, duplicate-free list of series references: an array, or a typed array (the
 * head's postings are `Uint32Array` views, see `RefList`).
 */
export type SortedRefs = ArrayLike<number> & Iterable<number>;

const EMPTY: SortedRefs = Object.freeze([]);

/**
 * The references present in every list, ascending. Starts from the shortest list and gallops
 * through the longer ones, so a small list against a huge one costs O(small · log huge).
 * With no lists the result is empty (there is nothing to constrain "everything" against).
 */
export function intersectSorted(lists: readonly SortedRefs[]): SortedRefs {
  if (lists.length === 0) return EMPTY;
  if (lists.length === 1) return lists[0]!;
  const order = lists.slice().sort((a, b) => a.length - b.length);
  let acc: SortedRefs = order[0]!;
  for (let i = 1; i < order.length && acc.length > 0; i++) acc = intersectTwo(acc, order[i]!);
  return acc;
}

/** Intersection of two sorted lists where `a` is expected to be the shorter one. */
function intersectTwo(a: SortedRefs, b: SortedRefs): number[] {
  const out: number[] = [];
  let j = 0;
  const bl = b.length;
  for (let i = 0; i < a.length && j < bl; i++) {
    const x = a[i]!;
    if (b[j]! < x) j = gallop(b, j, x);
    if (j < bl && b[j] === x) {
      out.push(x);
      j++;
    }
  }
  return out;
}

/**
 * The first index ≥ `from` whose value is ≥ `x` (or `list.length`), found by exponential then
 * binary search; cheap when the answer is near `from`.
 */
export function gallop(list: SortedRefs, from: number, x: number): number {
  const n = list.length;
  let step = 1;
  let lo = from;
  let hi = from;
  while (hi < n && list[hi]! < x) {
    lo = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > n) hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The references present in any list, ascending and de-duplicated (pairwise merge tree). */
export function unionSorted(lists: readonly SortedRefs[]): SortedRefs {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  let level: SortedRefs[] = nonEmpty;
  while (level.length > 1) {
    const next: SortedRefs[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeTwo(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

function mergeTwo(a: SortedRefs, b: SortedRefs): number[] {
  const out: number[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[k++] = x;
      i++;
    } else if (y < x) {
      out[k++] = y;
      j++;
    } else {
      out[k++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  out.length = k;
  return out;
}

/** The references of `a` that are not in `b`, ascending (upstream's `Without`). */
export function subtractSorted(a: SortedRefs, b: SortedRefs): SortedRefs {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  const bl = b.length;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (j < bl && b[j]! < x) j = gallop(b, j, x);
    if (j < bl && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

/**
 * Inserts `ref` into the sorted mutable `list` keeping it sorted and duplicate-free; appending
 * a reference larger than every other (the common case: references only grow) is O(1).
 * Returns false when `ref` was already present.
 */
export function insertSorted(list: number[], ref: number): boolean {
  const n = list.length;
  if (n === 0 || list[n - 1]! < ref) {
    list.push(ref);
    return true;
  }
  const i = gallop(list, 0, ref);
  if (list[i] === ref) return false;
  list.splice(i, 0, ref);
  return true;
}

/** True when `list` contains `ref` (binary search). */
export function containsSorted(list: SortedRefs, ref: number): boolean {
  const i = gallop(list, 0, ref);
  return i < list.length && list[i] === ref;
}
