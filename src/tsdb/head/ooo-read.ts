/**
 * Reading a head series that has out-of-order samples: its in-order samples and its
 * out-of-order ones (copied, sorted and deduplicated — the newest write of a timestamp kept — when
 * the iterator is reset) merged in time
 * order; where both have a timestamp, the in-order sample is returned.
 */
import { ValueType, type SampleIterator } from '../../storage/index.js';
import { XorIterator } from '../chunkenc/index.js';
import type { Head } from './head.js';
import { HeadSeriesIterator } from './head-read.js';
import type { MemSeries } from './memseries.js';
import { SampleBuf, type OOOSeries } from './ooo-series.js';

/** Which source the current sample came from. */
const enum Cur {
  Start = 0,
  InOrder = 1,
  OOO = 2,
  Both = 3,
  Done = 4,
}

/** See the module comment. Reusable via `reset`. */
export class OOOMergeIterator implements SampleIterator {
  readonly #inner = new HeadSeriesIterator();
  readonly #buf = new SampleBuf();
  readonly #it = new XorIterator();
  /** Next out-of-order sample to consider. */
  #j = 0;
  /** The in-order iterator has a current sample (`#inner.atT()`). */
  #aOk = false;
  #cur = Cur.Start;
  #t = 0;
  #v = 0;

  /**
   * Positions the iterator before the first sample of `s` within `[mint, maxt]` (in-order
   * samples up to `inOrderMaxt`, the querier's isolation bound) merged with `ooo`'s samples.
   */
  reset(s: MemSeries, head: Head, mint: number, maxt: number, inOrderMaxt: number, ooo: OOOSeries): this {
    this.#inner.reset(s, head, mint, inOrderMaxt);
    const b = this.#buf;
    b.reset();
    ooo.collect(mint, maxt, b, this.#it);
    b.sortDedup();
    this.#j = 0;
    this.#aOk = false;
    this.#cur = Cur.Start;
    return this;
  }

  /** Picks the smaller of the two heads as the current sample. */
  #pick(): ValueType {
    const b = this.#buf;
    const hasB = this.#j < b.n;
    if (this.#aOk) {
      const aT = this.#inner.atT();
      if (!hasB || aT <= b.ts[this.#j]!) {
        this.#cur = hasB && aT === b.ts[this.#j]! ? Cur.Both : Cur.InOrder;
        this.#t = aT;
        this.#v = this.#inner.at();
        return ValueType.Float;
      }
    }
    if (hasB) {
      this.#cur = Cur.OOO;
      this.#t = b.ts[this.#j]!;
      this.#v = b.vs[this.#j]!;
      return ValueType.Float;
    }
    this.#cur = Cur.Done;
    return ValueType.None;
  }

  next(): ValueType {
    switch (this.#cur) {
      case Cur.Done:
        return ValueType.None;
      case Cur.Start:
        this.#aOk = this.#inner.next() === ValueType.Float;
        break;
      case Cur.InOrder:
        this.#aOk = this.#inner.next() === ValueType.Float;
        break;
      case Cur.OOO:
        this.#j++;
        break;
      case Cur.Both:
        this.#aOk = this.#inner.next() === ValueType.Float;
        this.#j++;
        break;
    }
    return this.#pick();
  }

  seek(t: number): ValueType {
    if (this.#cur === Cur.Done) return ValueType.None;
    if (this.#cur !== Cur.Start && this.#t >= t) return ValueType.Float;
    this.#aOk = this.#inner.seek(t) === ValueType.Float;
    const b = this.#buf;
    while (this.#j < b.n && b.ts[this.#j]! < t) this.#j++;
    return this.#pick();
  }

  atT(): number {
    return this.#t;
  }

  at(): number {
    return this.#v;
  }

  err(): Error | undefined {
    return this.#inner.err();
  }
}
