/**
 * A label set packed into one string: each name and value preceded by its length as one UTF-16
 * code unit. The head keeps the labels of series it created itself (WAL replay) in this form:
 * one heap object per series instead of three (`Labels`, its array and the array's store), which
 * is what a major GC marks. Packing is refused (undefined) for a string of 0xffff or more code
 * units; the caller then keeps the `Labels`.
 */
import { Labels } from '../../model/labels/index.js';

/** Longest name or value a packed set can hold (code units). */
const MAX_PART = 0xfffe;

/** Scratch code units of `packLabels`. */
let scratch = new Uint16Array(1024);

/** Longest packed set built in one `String.fromCharCode` call (its argument count is bounded). */
const MAX_APPLY = 8192;

/** `labels` packed, or undefined when a name or value is too long for the form. */
export function packLabels(labels: Labels): string | undefined {
  const n = labels.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = labels.nameAt(i).length;
    const b = labels.valueAt(i).length;
    if (a > MAX_PART || b > MAX_PART) return undefined;
    total += 2 + a + b;
  }
  if (total > MAX_APPLY) {
    let out = '';
    for (let i = 0; i < n; i++) {
      const name = labels.nameAt(i);
      const value = labels.valueAt(i);
      out += String.fromCharCode(name.length) + name + String.fromCharCode(value.length) + value;
    }
    return out;
  }
  // One flat string from code units: a concatenation would be a rope of many pieces until
  // something flattens it, more objects than the `Labels` it replaces.
  if (scratch.length < total) scratch = new Uint16Array(Math.max(total, scratch.length * 2));
  const u = scratch;
  let j = 0;
  for (let i = 0; i < n; i++) {
    j = put(u, j, labels.nameAt(i));
    j = put(u, j, labels.valueAt(i));
  }
  return String.fromCharCode.apply(null, u.subarray(0, j) as unknown as number[]);
}

/**
 * A flat copy of `s` that refers to no other string (`substring` makes slices that keep their
 * parent alive).
 */
export function copyString(s: string): string {
  if (s.length > MAX_APPLY) return s;
  if (scratch.length < s.length) scratch = new Uint16Array(Math.max(s.length, scratch.length * 2));
  const u = scratch;
  for (let k = 0; k < s.length; k++) u[k] = s.charCodeAt(k);
  return String.fromCharCode.apply(null, u.subarray(0, s.length) as unknown as number[]);
}

/** Writes `s` with its length prefix at `j`; returns the index after it. */
function put(u: Uint16Array, j: number, s: string): number {
  u[j++] = s.length;
  for (let k = 0; k < s.length; k++) u[j++] = s.charCodeAt(k);
  return j;
}

/**
 * Maps the `len` code units of `p` from `start` to a canonical string equal to them (so that
 * a lookup that hits needs no substring of `p`).
 */
export type RangeIntern = (p: string, start: number, len: number) => string;

/**
 * The label set packed in `p`. `intern` (optional) maps each name and value to a canonical
 * copy (for strings that outlive the call, such as postings keys).
 */
export function unpackLabels(p: string, intern?: RangeIntern): Labels {
  const kv: string[] = [];
  for (let i = 0; i < p.length; ) {
    const len = p.charCodeAt(i);
    kv.push(intern === undefined ? p.substring(i + 1, i + 1 + len) : intern(p, i + 1, len));
    i += 1 + len;
  }
  return Labels.fromSortedFlat(kv);
}

/** True when `p` packs exactly the pairs of `labels` (no allocation). */
export function packedEquals(p: string, labels: Labels): boolean {
  const n = labels.length;
  let i = 0;
  for (let k = 0; k < n; k++) {
    const name = labels.nameAt(k);
    if (i >= p.length || p.charCodeAt(i) !== name.length || !p.startsWith(name, i + 1)) return false;
    i += 1 + name.length;
    const value = labels.valueAt(k);
    if (i >= p.length || p.charCodeAt(i) !== value.length || !p.startsWith(value, i + 1)) return false;
    i += 1 + value.length;
  }
  return i === p.length;
}

/** A label set as the head keeps it: a `Labels` or a packed string. */
export type LabelSource = Labels | string;

/**
 * `Labels.compare` of two label sets in either form, without unpacking: name by name, value by
 * value (code point order, as `compareStrings`), then the shorter set first.
 */
export function compareLabelSources(a: LabelSource, b: LabelSource): number {
  if (typeof a !== 'string') {
    if (typeof b !== 'string') return Labels.compare(a, b);
  } else if (typeof b === 'string') {
    return comparePacked(a, b);
  }
  const na = partCount(a);
  const nb = partCount(b);
  let pa = 0;
  let pb = 0;
  const n = na < nb ? na : nb;
  for (let k = 0; k < n; k++) {
    let sa: string;
    let oa: number;
    let la: number;
    if (typeof a === 'string') {
      la = a.charCodeAt(pa);
      sa = a;
      oa = pa + 1;
      pa = oa + la;
    } else {
      sa = (k & 1) === 0 ? a.nameAt(k >> 1) : a.valueAt(k >> 1);
      oa = 0;
      la = sa.length;
    }
    let sb: string;
    let ob: number;
    let lb: number;
    if (typeof b === 'string') {
      lb = b.charCodeAt(pb);
      sb = b;
      ob = pb + 1;
      pb = ob + lb;
    } else {
      sb = (k & 1) === 0 ? b.nameAt(k >> 1) : b.valueAt(k >> 1);
      ob = 0;
      lb = sb.length;
    }
    const c = compareRanges(sa, oa, la, sb, ob, lb);
    if (c !== 0) return c;
  }
  return na === nb ? 0 : na < nb ? -1 : 1;
}

/**
 * `compareLabelSources` of two packed sets: part by part in place, the set that runs out first
 * sorting first (no part count up front: sorting a replayed head's 200 k series spent most of
 * its comparisons counting parts).
 */
function comparePacked(a: string, b: string): number {
  let pa = 0;
  let pb = 0;
  for (;;) {
    if (pa >= a.length) return pb >= b.length ? 0 : -1;
    if (pb >= b.length) return 1;
    const la = a.charCodeAt(pa);
    const lb = b.charCodeAt(pb);
    const c = compareRanges(a, pa + 1, la, b, pb + 1, lb);
    if (c !== 0) return c;
    pa += 1 + la;
    pb += 1 + lb;
  }
}

/** Names plus values in a label set. */
function partCount(l: LabelSource): number {
  if (typeof l !== 'string') return l.length * 2;
  let n = 0;
  for (let i = 0; i < l.length; i += 1 + l.charCodeAt(i)) n++;
  return n;
}

/** `compareStrings` of `a[oa, oa+la)` and `b[ob, ob+lb)`. */
function compareRanges(a: string, oa: number, la: number, b: string, ob: number, lb: number): number {
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(oa + i);
    let y = b.charCodeAt(ob + i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates stand for code points above 0xFFFF: move them past 0xFFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}
