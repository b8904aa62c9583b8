/**
 * The local storage and the `remote_read` endpoints as one `Queryable` (upstream's fanout
 * storage, read side): series of every source merged by labels, samples at the same timestamp
 * deduplicated with the local value winning, remote failures turned into warnings (the
 * remote queriers do that themselves), local failures left as they are.
 *
 * Remote queriers need `prefetch` before `select` (see `read-client.ts`); the fanout querier
 * offers `prefetch` only when some remote source is configured, so callers that look for it pay
 * nothing without `remote_read`.
 */
import type { LabelMatcher, Querier, Queryable, SelectHints, SelectRequest, SeriesSet } from '../interface.js';
import { MergeQuerier, sortedRequests } from '../merge/index.js';

/** `local` merged with whatever `remotes()` returns at the time each querier is opened. */
export class FanoutQueryable implements Queryable {
  readonly #local: Queryable;
  readonly #remotes: () => readonly Queryable[];

  /** `remotes` is read per querier, so a reload that changes `remote_read` applies to new queries. */
  constructor(local: Queryable, remotes: () => readonly Queryable[]) {
    this.#local = local;
    this.#remotes = remotes;
  }

  /** The local querier itself when no remote is configured, else a `FanoutQuerier`. */
  querier(mint: number, maxt: number): Querier {
    const remotes = this.#remotes();
    const local = this.#local.querier(mint, maxt);
    if (remotes.length === 0) return local;
    const opened: Querier[] = [];
    try {
      for (const r of remotes) opened.push(r.querier(mint, maxt));
    } catch (err) {
      for (const q of opened) q.close();
      local.close();
      throw err;
    }
    return new FanoutQuerier(local, opened);
  }
}

/** The local querier first (its samples win ties), then the remote ones. */
export class FanoutQuerier implements Querier {
  readonly #local: Querier;
  readonly #remotes: readonly Querier[];
  readonly #merged: MergeQuerier;

  constructor(local: Querier, remotes: readonly Querier[]) {
    this.#local = local;
    this.#remotes = remotes;
    this.#merged = new MergeQuerier([local, ...remotes]);
  }

  /**
   * Prefetches every remote source and the local one (the TSDB matches in slices there)
   * concurrently, each for sorted series (the merge selects them sorted).
   */
  async prefetch(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void> {
    const sorted = sortedRequests(selects);
    await Promise.all([this.#local, ...this.#remotes].map((q) => q.prefetch?.(sorted, signal)));
  }

  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    return this.#merged.select(sortSeries, hints, ...matchers);
  }

  labelNames(hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return this.#merged.labelNames(hints, ...matchers);
  }

  labelValues(name: string, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    return this.#merged.labelValues(name, hints, ...matchers);
  }

  close(): void {
    this.#merged.close();
  }
}
