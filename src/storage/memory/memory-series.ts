/**
 * One series of the in-memory storage: its labels and its samples in parallel growable typed
 * arrays, kept sorted by timestamp.
 */
import type { Labels } from '../../model/labels/index.js';
import { ValueType, type SampleIterator } from '../interface.js';

/** Kind of a stored sample: a float, or an opaque native histogram (kept only so readers can tell). */
export const SampleKind = { Float: 1, Histogram: 2 } as const;
export type SampleKind = (typeof SampleKind)[keyof typeof SampleKind];

/**
 * True when two samples at the same timestamp are the same sample, so that storing the second
 * is a no-op rather than a duplicate: both floats with the same value (`Object.is`, so 0 and -0
 * differ) or both NaN (any bit patterns: a stale marker and another NaN count as one).
 */
export function sameSample(kindA: SampleKind, a: number, kindB: SampleKind, b: number): boolean {
  return kindA === SampleKind.Float && kindB === SampleKind.Float && (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)));
}

/**
 * The samples of one series, sorted by timestamp, unique timestamps. Arrays grow by doubling;
 * `kinds` is allocated only once a histogram sample arrives, so float-only series pay nothing.
 */
export class MemorySeries {
  readonly labels: Labels;
  t: Float64Array = new Float64Array(8);
  v: Float64Array = new Float64Array(8);
  /** Per-sample kind, or undefined while every sample is a float. */
  kinds: Uint8Array | undefined;
  /** Opaque histogram payloads by sample index (sparse), for callers that understand them. */
  histograms: Map<number, unknown> | undefined;
  count = 0;

  constructor(labels: Labels) {
    this.labels = labels;
  }

  /**
   * Inserts a sample at its sorted position. Returns false when a sample already exists at `t`
   * with a different value (the caller reports a duplicate); an identical sample is a no-op.
   */
  insert(t: number, v: number, kind: SampleKind = SampleKind.Float, payload?: unknown): boolean {
    let i = this.count;
    if (i > 0 && this.t[i - 1]! >= t) i = this.#lowerBound(t);
    if (i < this.count && this.t[i] === t) {
      if (!sameSample((this.kinds?.[i] ?? SampleKind.Float) as SampleKind, this.v[i]!, kind, v)) return false;
      if (Number.isNaN(v)) this.v[i] = v; // keep the newest NaN bit pattern (stale marker or not)
      return true;
    }
    this.#grow();
    if (i < this.count) {
      this.t.copyWithin(i + 1, i, this.count);
      this.v.copyWithin(i + 1, i, this.count);
      this.kinds?.copyWithin(i + 1, i, this.count);
      if (this.histograms) this.#shiftHistograms(i);
    }
    this.t[i] = t;
    this.v[i] = v;
    if (kind !== SampleKind.Float && !this.kinds) this.kinds = new Uint8Array(this.t.length).fill(SampleKind.Float);
    if (this.kinds) this.kinds[i] = kind;
    if (payload !== undefined) (this.histograms ??= new Map()).set(i, payload);
    this.count++;
    return true;
  }

  /** True when `insert(t, v, kind)` would succeed: no sample at `t`, or the same sample (`sameSample`). */
  accepts(t: number, v: number, kind: SampleKind = SampleKind.Float): boolean {
    const i = this.#lowerBound(t);
    return i >= this.count || this.t[i] !== t || sameSample((this.kinds?.[i] ?? SampleKind.Float) as SampleKind, this.v[i]!, kind, v);
  }

  /** Index of the first sample with timestamp ≥ `t` (binary search). */
  lowerBound(t: number): number {
    return this.#lowerBound(t);
  }

  #lowerBound(t: number): number {
    let lo = 0;
    let hi = this.count;
    const ts = this.t;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #grow(): void {
    if (this.count < this.t.length) return;
    const n = this.t.length * 2;
    const t = new Float64Array(n);
    t.set(this.t);
    this.t = t;
    const v = new Float64Array(n);
    v.set(this.v);
    this.v = v;
    if (this.kinds) {
      const k = new Uint8Array(n).fill(SampleKind.Float);
      k.set(this.kinds);
      this.kinds = k;
    }
  }

  #shiftHistograms(from: number): void {
    const moved = new Map<number, unknown>();
    for (const [i, h] of this.histograms!) moved.set(i >= from ? i + 1 : i, h);
    this.histograms = moved;
  }
}

/**
 * Iterates one `MemorySeries` within `[mint, maxt]`. Allocation-free after construction and
 * reusable through `reset`.
 */
export class MemorySeriesIterator implements SampleIterator {
  #s: MemorySeries | undefined;
  #i = -1;
  #end = 0;
  #maxt = 0;

  /** Positions the iterator before the first sample of `s` that is ≥ `mint`. */
  reset(s: MemorySeries, mint: number, maxt: number): this {
    this.#s = s;
    this.#i = s.lowerBound(mint) - 1;
    this.#maxt = maxt;
    this.#end = s.lowerBound(maxt === Infinity ? Infinity : maxt + 1);
    // lowerBound(maxt + 1) is exact for integer millisecond timestamps.
    return this;
  }

  next(): ValueType {
    if (!this.#s || this.#i + 1 >= this.#end) {
      this.#i = this.#end;
      return ValueType.None;
    }
    this.#i++;
    return this.#kind();
  }

  seek(t: number): ValueType {
    const s = this.#s;
    if (!s) return ValueType.None;
    if (this.#i < 0) this.#i = 0;
    if (this.#i >= this.#end) return ValueType.None;
    if (s.t[this.#i]! >= t) return this.#kind();
    let lo = this.#i;
    let hi = this.#end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    this.#i = lo;
    return lo >= this.#end ? ValueType.None : this.#kind();
  }

  atT(): number {
    return this.#s!.t[this.#i]!;
  }

  at(): number {
    return this.#s!.v[this.#i]!;
  }

  /** The opaque histogram payload of the current sample, if it is a histogram. */
  atHistogram(): unknown {
    return this.#s!.histograms?.get(this.#i);
  }

  err(): Error | undefined {
    return undefined;
  }

  /** Upper bound (ms, inclusive) this iterator was reset with. */
  get maxt(): number {
    return this.#maxt;
  }

  #kind(): ValueType {
    const k = this.#s!.kinds?.[this.#i] ?? SampleKind.Float;
    return k === SampleKind.Float ? ValueType.Float : ValueType.Histogram;
  }
}
