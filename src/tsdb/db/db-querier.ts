/**
 * Queriers of the DB: one per block overlapping the range plus the head's, merged by labels
 * (samples deduplicated by timestamp), and the head's querier wrapped so that samples deleted
 * by tombstones stay hidden.
 */
import type { Labels } from '../../model/labels/index.js';
import { mergeQueriers } from '../../storage/merge/index.js';
import type { LabelMatcher, Querier, SampleIterator, SelectHints, SelectRequest, Series, SeriesSet } from '../../storage/index.js';
import type { Block } from '../block/index.js';
import type { Head } from '../head/index.js';
import type { Interval } from '../tombstones/index.js';
import { DeletedFilterIterator, normalizeIntervals } from './deleted-iterator.js';

/** The head's deletion intervals of the series with `labels`, sorted and merged, or undefined. */
export function headDeleted(head: Head, labels: Labels): Interval[] | undefined {
  if (head.tombstones.size === 0) return undefined;
  const s = head.series.getByLabels(labels);
  if (s === undefined) return undefined;
  const ivs = head.tombstones.get(s.ref);
  return ivs === undefined || ivs.length === 0 ? undefined : normalizeIntervals(ivs);
}

/** A head series whose iterator skips deleted samples. */
class FilteredSeries implements Series {
  readonly labels: Labels;
  readonly #inner: Series;
  readonly #deleted: readonly Interval[];

  constructor(inner: Series, deleted: readonly Interval[]) {
    this.labels = inner.labels;
    this.#inner = inner;
    this.#deleted = deleted;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const f = reuse instanceof DeletedFilterIterator ? reuse : new DeletedFilterIterator();
    return f.reset(this.#inner.iterator(f.inner()), this.#deleted);
  }
}

/** Wraps a head series set, filtering series that have tombstones. */
class FilteredSeriesSet implements SeriesSet {
  readonly #inner: SeriesSet;
  readonly #head: Head;
  #cur: Series | undefined;

  constructor(inner: SeriesSet, head: Head) {
    this.#inner = inner;
    this.#head = head;
  }

  next(): boolean {
    if (!this.#inner.next()) return false;
    const s = this.#inner.at();
    const d = headDeleted(this.#head, s.labels);
    this.#cur = d === undefined ? s : new FilteredSeries(s, d);
    return true;
  }

  at(): Series {
    return this.#cur!;
  }

  err(): Error | undefined {
    return this.#inner.err();
  }

  warnings(): readonly string[] {
    return this.#inner.warnings();
  }
}

/** The head querier with tombstones applied (a series whose samples are all deleted still appears, empty). */
class HeadTombstoneQuerier implements Querier {
  readonly #inner: Querier;
  readonly #head: Head;

  constructor(inner: Querier, head: Head) {
    this.#inner = inner;
    this.#head = head;
  }

  /** The head querier's (it matches and sorts in slices ahead of the selects). */
  async prefetch(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void> {
    await this.#inner.prefetch?.(selects, signal);
  }

  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    return new FilteredSeriesSet(this.#inner.select(sortSeries, hints, ...matchers), this.#head);
  }

  labelNames(hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return this.#inner.labelNames(hints, ...matchers);
  }

  labelValues(name: string, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return this.#inner.labelValues(name, hints, ...matchers);
  }

  close(): void {
    this.#inner.close();
  }
}

/** A querier over the head alone, with tombstones applied. */
export function headQuerier(head: Head, mint: number, maxt: number): Querier {
  const q = head.querier(mint, maxt);
  return head.tombstones.size === 0 ? q : new HeadTombstoneQuerier(q, head);
}

/**
 * A querier over `[mint, maxt]` (ms, inclusive): every block of `blocks` (sorted by minTime)
 * overlapping the range, then the head when the range reaches it. Where sources overlap in time
 * the earlier block's sample wins, then the head's.
 */
export function dbQuerier(head: Head, blocks: readonly Block[], mint: number, maxt: number): Querier {
  const qs: Querier[] = [];
  try {
    for (const b of blocks) if (b.overlapsClosedInterval(mint, maxt)) qs.push(b.querier(mint, maxt));
    const ooo = head.outOfOrderTimes();
    if (qs.length === 0 || maxt >= head.minTime() || (ooo.min <= maxt && ooo.max >= mint)) qs.push(headQuerier(head, mint, maxt));
  } catch (err) {
    for (const q of qs) q.close();
    throw err;
  }
  return mergeQueriers(qs);
}
