/**
 * A querier over several sources of the same time range (the TSDB head and its blocks, later
 * remote read): series sets are merged by labels, overlapping samples deduplicated by timestamp,
 * label names and values united.
 */
import { compareStrings } from '../../model/labels/index.js';
import type { LabelMatcher, Querier, SelectHints, SelectRequest, SeriesSet } from '../interface.js';
import { MergeSeriesSet } from './merge-series-set.js';

/**
 * `selects` with every request asking for label order: a merge of several sources selects each
 * of them sorted, whatever its caller asked for, so their prefetches must prepare that.
 */
export function sortedRequests(selects: readonly SelectRequest[]): readonly SelectRequest[] {
  if (selects.every((r) => r.sortSeries !== false)) return selects;
  return selects.map((r) => (r.sortSeries !== false ? r : { ...r, sortSeries: true }));
}

/** Sorted union of sorted string lists, without duplicates. */
function unionSorted(lists: readonly string[][]): string[] {
  if (lists.length === 1) return lists[0]!;
  const all = new Set<string>();
  for (const l of lists) for (const s of l) all.add(s);
  return [...all].sort(compareStrings);
}

/**
 * Queries every source and merges the results. Sources are listed in tie-break priority order:
 * where two hold a sample at the same timestamp, the earlier one's value is returned. Closing it
 * closes every source.
 */
export class MergeQuerier implements Querier {
  readonly #qs: readonly Querier[];
  #closed = false;

  constructor(queriers: readonly Querier[]) {
    this.#qs = queriers;
  }

  /**
   * Every source's `prefetch`, one after the other (sources with none are skipped), each asked
   * for sorted series as `select` will ask them.
   */
  async prefetch(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void> {
    const sorted = sortedRequests(selects);
    for (const q of this.#qs) await q.prefetch?.(sorted, signal);
  }

  /** Always sorted by labels (merging needs sorted inputs, so every source is asked to sort). */
  select(_sortSeries: boolean, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    const sets: SeriesSet[] = new Array(this.#qs.length);
    for (let i = 0; i < sets.length; i++) sets[i] = this.#qs[i]!.select(true, hints, ...matchers);
    return new MergeSeriesSet(sets);
  }

  labelNames(hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return unionSorted(this.#qs.map((q) => q.labelNames(hints, ...matchers)));
  }

  labelValues(name: string, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return unionSorted(this.#qs.map((q) => q.labelValues(name, hints, ...matchers)));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    let first: unknown;
    for (const q of this.#qs) {
      try {
        q.close();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }
}

/** A querier over all of `queriers` (see `MergeQuerier`): the only one itself when there is one, an empty one when none. */
export function mergeQueriers(queriers: readonly Querier[]): Querier {
  if (queriers.length === 1) return queriers[0]!;
  return new MergeQuerier(queriers);
}
