/**
 * The union of many posting lists through a bitmap over their reference range: each reference
 * sets one bit, and one scan of the bitmap yields them ascending and de-duplicated. It costs
 * O(references + range / 32) whatever the number of lists, where a merge tree costs
 * O(references · log lists) in JS arrays and sorting lone references O(n log n): for a label
 * whose 100,000 values each hold one series, `=~".+"` sorted them in one 30-40 ms turn, and the
 * union of 1,000 lists covering a million series took 270-380 ms.
 *
 * Worth it only when the references are dense in their range (`bitmapUnionPays`); references
 * above 2^32 − 1 are left to the merge.
 */
import type { SortedRefs } from './sorted-lists.js';

/** Largest reference a bitmap union handles (the result is a `Uint32Array`). */
const U32_MAX = 0xffffffff;

/**
 * Whether a bitmap over `[min, max]` beats merging `total` references: its scan reads one
 * 32-bit word per 32 references of range, so it pays while the range is under 256 per reference
 * (a word read costs far less than a merge or sort step).
 */
export function bitmapUnionPays(total: number, min: number, max: number): boolean {
  return max <= U32_MAX && total >= 64 && (max - min) / 256 <= total;
}

/**
 * The union of `lists` (each ascending) and of `lone` references (any order), ascending and
 * de-duplicated; every reference lies in `[min, max]`, and there are at most `total` of them
 * (before de-duplication).
 */
export function bitmapUnion(lists: readonly SortedRefs[], lone: ArrayLike<number> | undefined, min: number, max: number, total: number): Uint32Array {
  const words = new Int32Array(((max - min) >>> 5) + 1);
  for (const l of lists) {
    for (let i = 0; i < l.length; i++) {
      const d = l[i]! - min;
      words[d >>> 5] |= 1 << (d & 31);
    }
  }
  if (lone !== undefined) {
    for (let i = 0; i < lone.length; i++) {
      const d = lone[i]! - min;
      words[d >>> 5] |= 1 << (d & 31);
    }
  }
  const out = new Uint32Array(total);
  let k = 0;
  for (let w = 0; w < words.length; w++) {
    let x = words[w]!;
    const base = min + w * 32;
    while (x !== 0) {
      const low = x & -x;
      out[k++] = base + 31 - Math.clz32(low);
      x ^= low;
    }
  }
  return k === total ? out : out.subarray(0, k);
}
