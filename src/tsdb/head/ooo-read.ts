/**
 * Reading a head series that has out-of-order samples: its in-order samples and its
 * out-of-order ones (copied, sorted and deduplicated — the newest write of a timestamp kept — when
 * the iterator is reset) merged in time order by storage's `MergeSampleIterator`; where both
 * have a timestamp, the in-order sample is returned.
 */
import { MergeSampleIterator } from '../../storage/merge/index.js';
import { ValueType, type SampleIterator } from '../../storage/index.js';
import { XorIterator } from '../chunkenc/index.js';
import type { Head } from './head.js';
import { HeadSeriesIterator } from './head-read.js';
import type { MemSeries } from './memseries.js';
import { SampleBuf, type OOOSeries } from './ooo-series.js';

/** A `SampleIterator` over a sorted `SampleBuf`. */
class SampleBufIterator implements SampleIterator {
  readonly buf = new SampleBuf();
  #i = -1;

  rewind(): void {
    this.#i = -1;
  }

  next(): ValueType {
    if (this.#i < this.buf.n) this.#i++;
    return this.#i < this.buf.n ? ValueType.Float : ValueType.None;
  }

  seek(t: number): ValueType {
    if (this.#i < 0) this.#i = 0;
    const b = this.buf;
    while (this.#i < b.n && b.ts[this.#i]! < t) this.#i++;
    return this.#i < b.n ? ValueType.Float : ValueType.None;
  }

  atT(): number {
    return this.buf.ts[this.#i]!;
  }

  at(): number {
    return this.buf.vs[this.#i]!;
  }

  err(): Error | undefined {
    return undefined;
  }
}

/** See the module comment. Reusable via `reset`. */
export class OOOMergeIterator implements SampleIterator {
  readonly #inner = new HeadSeriesIterator();
  readonly #ooo = new SampleBufIterator();
  readonly #merge = new MergeSampleIterator();
  readonly #sources: SampleIterator[] = [this.#inner, this.#ooo];
  readonly #it = new XorIterator();

  /**
   * Positions the iterator before the first sample of `s` within `[mint, maxt]` (in-order
   * samples up to `inOrderMaxt`, the querier's isolation bound) merged with `ooo`'s samples.
   */
  reset(s: MemSeries, head: Head, mint: number, maxt: number, inOrderMaxt: number, ooo: OOOSeries): this {
    this.#inner.reset(s, head, mint, inOrderMaxt);
    const b = this.#ooo.buf;
    b.reset();
    ooo.collect(mint, maxt, b, this.#it);
    b.sortDedup();
    this.#ooo.rewind();
    this.#merge.reset(this.#sources);
    return this;
  }

  next(): ValueType {
    return this.#merge.next();
  }

  seek(t: number): ValueType {
    return this.#merge.seek(t);
  }

  atT(): number {
    return this.#merge.atT();
  }

  at(): number {
    return this.#merge.at();
  }

  err(): Error | undefined {
    return this.#merge.err();
  }
}
