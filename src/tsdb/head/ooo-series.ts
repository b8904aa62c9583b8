/**
 * Out-of-order samples of one head series. Like upstream, they live apart from the in-order
 * chunks: an open chunk kept as two sorted arrays (samples land anywhere in it, so it cannot be
 * XOR-encoded while it fills) and, once it holds `cap` samples, an immutable XOR chunk. Closed
 * chunks of one series may overlap each other in time; readers merge them. The event loop owns
 * the structure; closed chunks are never changed, so a reader or a compaction may hold them.
 */
import { ValueType } from '../../storage/index.js';
import { XorAppender, XorChunk, XorIterator } from '../chunkenc/index.js';
import { sameFloatBits } from './float-bits.js';

/** Upstream's default `out_of_order_cap_max`: samples per out-of-order chunk. */
export const DEFAULT_OOO_CAP = 32;

/** An immutable out-of-order chunk: sorted samples `minT..maxT`, XOR-encoded. */
export interface OOOChunk {
  readonly minT: number;
  readonly maxT: number;
  readonly samples: number;
  /** XOR data (sample count header first). */
  readonly data: Uint8Array;
}

/** What a lookup of one timestamp found. */
export const enum Found {
  None = 0,
  Same = 1,
  Other = 2,
}

/**
 * A growable run of samples in two typed arrays (values in a `Float64Array`: plain arrays may
 * canonicalise NaN payloads, and the stale marker must keep its bits). Indexes `< n` are valid.
 */
export class SampleBuf {
  ts = new Float64Array(8);
  vs = new Float64Array(8);
  n = 0;

  push(t: number, v: number): void {
    if (this.n === this.ts.length) this.#grow();
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }

  /** Inserts at index `i`, moving later samples up. */
  insertAt(i: number, t: number, v: number): void {
    if (this.n === this.ts.length) this.#grow();
    this.ts.copyWithin(i + 1, i, this.n);
    this.vs.copyWithin(i + 1, i, this.n);
    this.ts[i] = t;
    this.vs[i] = v;
    this.n++;
  }

  reset(): void {
    this.n = 0;
  }

  #grow(): void {
    const t = new Float64Array(this.ts.length * 2);
    t.set(this.ts);
    const v = new Float64Array(this.vs.length * 2);
    v.set(this.vs);
    this.ts = t;
    this.vs = v;
  }

  /** First index whose time is ≥ `t` (the run must be sorted). */
  lowerBound(t: number): number {
    const ts = this.ts;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Sorts by time and drops repeated timestamps, keeping of those the sample given last (the
   * newest write: see `OOOHead.replay`).
   */
  sortDedup(): void {
    const n = this.n;
    if (n < 2) return;
    const ts = this.ts;
    const vs = this.vs;
    let sorted = true;
    for (let i = 1; i < n; i++) {
      if (ts[i]! <= ts[i - 1]!) {
        sorted = false;
        break;
      }
    }
    if (!sorted) {
      const idx = new Array<number>(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      idx.sort((a, b) => ts[a]! - ts[b]! || a - b);
      const t2 = new Float64Array(n);
      const v2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        t2[i] = ts[idx[i]!]!;
        v2[i] = vs[idx[i]!]!;
      }
      ts.set(t2);
      vs.set(v2);
    }
    let w = 1;
    for (let i = 1; i < n; i++) {
      if (ts[i] === ts[w - 1]) {
        vs[w - 1] = vs[i]!;
        continue;
      }
      ts[w] = ts[i]!;
      vs[w] = vs[i]!;
      w++;
    }
    this.n = w;
  }
}

/** Encodes samples `from..to` of a sorted run as one XOR chunk. */
export function encodeOOOChunk(b: SampleBuf, from: number, to: number): OOOChunk {
  const c = new XorChunk(16 + (to - from) * 4);
  const app = new XorAppender(c);
  for (let i = from; i < to; i++) app.append(b.ts[i]!, b.vs[i]!);
  return { minT: b.ts[from]!, maxT: b.ts[to - 1]!, samples: to - from, data: c.bytes().slice() };
}

/** Out-of-order samples of one series (see the module comment). */
export class OOOSeries {
  /** Open chunk, sorted by time, no repeated timestamp. */
  open = new SampleBuf();
  /** Closed chunks, oldest cut first. */
  closed: OOOChunk[] = [];
  /**
   * Timestamps held in closed chunks, so that a duplicate check does not decode every chunk
   * (chunks of late samples arriving in random order all overlap). Created with the first
   * closed chunk.
   */
  #closedTs: Set<number> | undefined;

  /** Number of samples held. */
  size(): number {
    let n = this.open.n;
    for (const c of this.closed) n += c.samples;
    return n;
  }

  isEmpty(): boolean {
    return this.open.n === 0 && this.closed.length === 0;
  }

  /** Oldest and newest sample time (Infinity / -Infinity when empty). */
  minTime(): number {
    let m = this.open.n > 0 ? this.open.ts[0]! : Infinity;
    for (const c of this.closed) if (c.minT < m) m = c.minT;
    return m;
  }

  maxTime(): number {
    let m = this.open.n > 0 ? this.open.ts[this.open.n - 1]! : -Infinity;
    for (const c of this.closed) if (c.maxT > m) m = c.maxT;
    return m;
  }

  /** Whether a sample at `t` is held, and whether its value is bit-identical to `v`. */
  lookup(t: number, v: number, it: XorIterator): Found {
    const o = this.open;
    const i = o.lowerBound(t);
    if (i < o.n && o.ts[i] === t) return sameFloatBits(o.vs[i]!, v) ? Found.Same : Found.Other;
    if (this.#closedTs === undefined || !this.#closedTs.has(t)) return Found.None;
    // The newest chunk holding `t` has the value readers see.
    for (let k = this.closed.length - 1; k >= 0; k--) {
      const c = this.closed[k]!;
      if (t < c.minT || t > c.maxT) continue;
      it.reset(c.data);
      if (it.seek(t) !== ValueType.None && it.atT() === t) return sameFloatBits(it.at(), v) ? Found.Same : Found.Other;
    }
    return Found.None;
  }

  /**
   * Inserts `(t, v)` into the open chunk, first closing it when it holds `cap` samples. Returns
   * 0 (nothing changed) when the open chunk already has a sample at `t` — unless `replace` and
   * the value differs, which then overwrites it (returning 1) — 2 when a chunk was closed for
   * it, else 1. A sample
   * at `t` in a closed chunk stays; the newer one, added later, is the one readers keep.
   */
  insert(t: number, v: number, cap: number, replace = false): 0 | 1 | 2 {
    const o = this.open;
    const i = o.lowerBound(t);
    if (i < o.n && o.ts[i] === t) {
      if (!replace || sameFloatBits(o.vs[i]!, v)) return 0;
      o.vs[i] = v;
      return 1;
    }
    if (o.n >= cap) {
      this.closeOpen();
      this.open.push(t, v);
      return 2;
    }
    o.insertAt(i, t, v);
    return 1;
  }

  /** Encodes the open chunk into a closed one (no-op when empty). */
  closeOpen(): void {
    const o = this.open;
    if (o.n === 0) return;
    this.closed.push(encodeOOOChunk(o, 0, o.n));
    const set = (this.#closedTs ??= new Set());
    for (let i = 0; i < o.n; i++) set.add(o.ts[i]!);
    this.open = new SampleBuf();
  }

  /**
   * Appends every sample within `[mint, maxt]` to `out`, unsorted across chunks (see
   * `SampleBuf.sortDedup`). Reads closed chunks and copies the open one: later inserts do not show.
   */
  collect(mint: number, maxt: number, out: SampleBuf, it: XorIterator): void {
    for (const c of this.closed) collectChunk(c, mint, maxt, out, it);
    const o = this.open;
    for (let i = o.lowerBound(mint); i < o.n && o.ts[i]! <= maxt; i++) out.push(o.ts[i]!, o.vs[i]!);
  }

  /** Removes the closed chunks in `drop` (by identity); returns how many went. */
  dropChunks(drop: ReadonlySet<OOOChunk>): number {
    const before = this.closed.length;
    this.closed = this.closed.filter((c) => !drop.has(c));
    if (this.closed.length === before) return 0;
    // Rebuild the timestamp set from the chunks left (usually none).
    this.#closedTs = undefined;
    if (this.closed.length > 0) {
      const set = (this.#closedTs = new Set<number>());
      const it = new XorIterator();
      for (const c of this.closed) {
        it.reset(c.data);
        while (it.next() !== ValueType.None) set.add(it.atT());
      }
    }
    return before - this.closed.length;
  }
}

/** Appends the samples of chunk `c` within `[mint, maxt]` to `out`. */
export function collectChunk(c: OOOChunk, mint: number, maxt: number, out: SampleBuf, it: XorIterator): void {
  if (c.maxT < mint || c.minT > maxt) return;
  it.reset(c.data);
  if (it.seek(mint) !== ValueType.None) {
    do {
      const t = it.atT();
      if (t > maxt) break;
      out.push(t, it.at());
    } while (it.next() !== ValueType.None);
  }
  const err = it.err();
  if (err) throw err;
}
