/**
 * Sorted label values of one label name, kept up to date as values come and go instead of
 * sorted on every `labelValues` (for a label with 500 k values that sort blocked the event loop
 * for 0.1–0.9 s per call). The order is a list of sorted blocks of at most `2 × BLOCK` values:
 * a new value is placed by binary search and inserted into its block (a short native move), so
 * no single change costs more than a few microseconds and reading all values is one copy.
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

/** The current values of a name (a map of them). */
export interface LiveValues {
  readonly size: number;
  keys(): Iterable<string>;
}

/** Half the largest block: a full block splits into two of this size. */
const BLOCK = 1024;
/** Values a name has before its order is kept as values come (below it, sorting on request is cheap). */
const KEEP_FROM = 4096;

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The values of one label name in label order. The owner reports every value it adds (`added`)
 * and removes (`removed`); `sorted` returns them in order. Small names are sorted on request;
 * from `KEEP_FROM` values on (or once asked for) the order is kept in blocks.
 */
export class ValueOrder {
  /** Sorted blocks, in order, none empty; undefined: the order is not kept (yet). */
  #blocks: string[][] | undefined = undefined;
  /**
   * True while no value seen has a surrogate code unit: then UTF-16 order (the engine's native
   * string comparison, several times faster than `compareStrings`) is label order.
   */
  #plain = true;

  /** A value new to the name; `live` holds the name's values (this one included). */
  added(value: string, live: LiveValues): void {
    if (this.#blocks === undefined) {
      if (live.size >= KEEP_FROM) this.#build(live);
      return;
    }
    if (this.#plain && SURROGATE.test(value)) this.#plain = false;
    this.#insert(value);
  }

  /** A value that no series has any more. */
  removed(value: string): void {
    const blocks = this.#blocks;
    if (blocks === undefined || blocks.length === 0) return;
    const bi = this.#blockOf(value);
    const b = blocks[bi]!;
    const i = this.#lowerBound(b, value);
    if (b[i] !== value) return;
    if (b.length === 1) blocks.splice(bi, 1);
    else b.splice(i, 1);
  }

  /** The values of `live` (the name's current values), sorted; a fresh array the caller may keep. */
  sorted(live: LiveValues): string[] {
    const blocks = this.#blocks ?? this.#build(live);
    // `concat` copies natively (twice as fast as pushing); in groups, to keep the spread short.
    let out: string[] = [];
    for (let i = 0; i < blocks.length; i += 4096) out = out.concat(...blocks.slice(i, i + 4096));
    return out;
  }

  /** Sorts the values of `live` into blocks (kept from now on). */
  #build(live: LiveValues): string[][] {
    const all = [...live.keys()];
    if (all.some((v) => SURROGATE.test(v))) this.#plain = false;
    if (this.#plain) all.sort();
    else sortLabelStrings(all);
    const blocks: string[][] = [];
    for (let i = 0; i < all.length; i += BLOCK) blocks.push(all.slice(i, i + BLOCK));
    this.#blocks = blocks;
    return blocks;
  }

  #insert(value: string): void {
    const blocks = this.#blocks!;
    if (blocks.length === 0) {
      blocks.push([value]);
      return;
    }
    const bi = this.#blockOf(value);
    const b = blocks[bi]!;
    const i = this.#lowerBound(b, value);
    if (b[i] === value) return;
    b.splice(i, 0, value);
    if (b.length >= 2 * BLOCK) blocks.splice(bi + 1, 0, b.splice(BLOCK));
  }

  /** Index of the block `value` belongs in: the first whose last value is not below it, else the last. */
  #blockOf(value: string): number {
    const blocks = this.#blocks!;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = blocks[mid]!;
      if (this.#below(b[b.length - 1]!, value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first index of `b` whose value is not below `v`. */
  #lowerBound(b: readonly string[], v: string): number {
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#below(b[mid]!, v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** True when `a` sorts before `b` in label order. */
  #below(a: string, b: string): boolean {
    return this.#plain ? a < b : compareStrings(a, b) < 0;
  }
}
