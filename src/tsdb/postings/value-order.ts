/**
 * Sorted label values of one label name, kept between queries: the first `labelValues` sorts
 * them all; later ones merge in only the values added since (and drop removed ones), O(n)
 * instead of a fresh O(n log n) sort with a JS comparator. For a label with 500 k values that
 * sort blocked the event loop for 0.1–0.9 s on every call.
 */
import { compareStrings } from '../../model/labels/index.js';

/**
 * Sorts `a` in place in label order (`compareStrings`, i.e. by code point): with the engine's
 * native sort (UTF-16 code units), then checked pair by pair; the two orders differ only where
 * a surrogate pair meets a code unit of U+E000 or above, and then it re-sorts with the comparator.
 */
export function sortLabelStrings(a: string[]): string[] {
  a.sort();
  for (let i = 1; i < a.length; i++) {
    if (compareStrings(a[i - 1]!, a[i]!) > 0) return a.sort(compareStrings);
  }
  return a;
}

/**
 * The values of one label name in label order, cached. The owner reports every value it adds
 * (`added`) or removes (`removed`); `sorted` brings the cache up to date against the live set.
 */
export class ValueOrder {
  /** Sorted values as of the last `sorted` call (some may have been removed since); undefined: none yet. */
  #sorted: string[] | undefined = undefined;
  /** Values added since (some may have been removed again). */
  #added: string[] = [];
  #removed = false;

  /** A value new to the name. */
  added(value: string): void {
    if (this.#sorted === undefined) return;
    this.#added.push(value);
    // A cache nobody reads must not grow without bound: past the size of the cache, start over.
    if (this.#added.length > this.#sorted.length + 1024) this.#drop();
  }

  /** A value that no series has any more. */
  removed(): void {
    this.#removed = true;
  }

  /** The values of `live` (the name's current values), sorted; a fresh array the caller may keep. */
  sorted(live: ReadonlyMap<string, unknown>): string[] {
    let s = this.#sorted;
    if (s === undefined) {
      s = sortLabelStrings([...live.keys()]);
    } else {
      if (this.#removed) s = s.filter((v) => live.has(v));
      if (this.#added.length > 0) s = merge(s, dedupe(sortLabelStrings(this.#added.filter((v) => live.has(v)))));
    }
    this.#sorted = s;
    this.#added = [];
    this.#removed = false;
    return s.slice();
  }

  #drop(): void {
    this.#sorted = undefined;
    this.#added = [];
    this.#removed = false;
  }
}

/** `a` (sorted) without repeats, in place: a value added, removed and added again is listed twice. */
function dedupe(a: string[]): string[] {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (k === 0 || a[i] !== a[k - 1]) a[k++] = a[i]!;
  a.length = k;
  return a;
}

/**
 * Sorted union of two sorted, duplicate-free lists (a value removed and added again is in
 * both), for a long `a` and a short `b`: each value of `b` is placed by binary search and the
 * runs of `a` between them are copied without comparing, so that few new values cost
 * O(log n) comparisons and a copy, not a comparison per value of `a`.
 */
function merge(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let k = 0;
  let i = 0;
  for (const v of b) {
    const at = lowerBound(a, v, i);
    while (i < at) out[k++] = a[i++]!;
    if (i < a.length && a[i] === v) continue;
    out[k++] = v;
  }
  while (i < a.length) out[k++] = a[i++]!;
  out.length = k;
  return out;
}

/** The first index ≥ `from` whose value is not below `v` in label order. */
function lowerBound(a: readonly string[], v: string, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStrings(a[mid]!, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
