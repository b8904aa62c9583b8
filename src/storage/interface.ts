/**
 * THE SEAMS between producers of samples (scrape, rules, remote write receiver), consumers
 * (PromQL, federation, remote read, API) and the storage engines (the TSDB, remote storage,
 * fanout). Everything above `storage/` sees data only through these interfaces.
 *
 * Threading contract: one process, one event loop. Appends and reads of the head happen on the
 * event loop, so implementations need no locks; iteration is synchronous and allocation-free.
 */
import type { Labels } from '../model/labels/index.js';

/**
 * A predicate on one label, as a PromQL matcher or a remote-read matcher. `src/model/labels`'
 * `Matcher` satisfies it; storage only needs its shape.
 */
export interface LabelMatcher {
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly name: string;
  readonly value: string;
  /** True when a label value (`''` for an absent label) satisfies the matcher. */
  matches(value: string): boolean;
}

/**
 * A reference to a series inside one storage, returned by `append` to skip the label lookup on
 * the next append of the same series. `0` means "unknown": the storage resolves the labels.
 * A reference is only valid for the storage that returned it, until that storage restarts.
 */
export type SeriesRef = number;

/** Kinds of sample an iterator can be positioned on; `None` means exhausted. */
export const ValueType = { None: 0, Float: 1, Histogram: 2, FloatHistogram: 3 } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/**
 * Collects samples of one batch (one scrape, one rule group evaluation, one remote write
 * request) and applies them atomically: after `commit()` resolves every sample is durable in
 * the WAL and visible to new queriers; after `rollback()` none is. An appender is used once.
 */
export interface Appender {
  /**
   * Adds a float sample at `t` (ms) for the series `labels` (or `ref` when known) and returns
   * the series reference to use next time. Throws a `StorageError` subclass (out of order,
   * out of bounds, duplicate sample for timestamp, …) for a sample that cannot be stored; the
   * batch stays usable for other samples.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** Makes the batch durable and visible. Rejects with a `StorageError` when it cannot be written; then nothing of the batch is visible. */
  commit(): Promise<void>;
  /** Discards the batch. */
  rollback(): void;
}

/** Produces appenders. */
export interface Appendable {
  appender(): Appender;
}

/** Hints from the query engine that a storage may use to prune or pre-aggregate; never required for correctness. */
export interface SelectHints {
  /** Start of the data the query needs, ms (inclusive). */
  start: number;
  /** End of the data the query needs, ms (inclusive). */
  end: number;
  /** Query step in ms; 0 for instant queries. */
  step?: number;
  /** Range of the enclosing range selector in ms, if any. */
  range?: number;
  /** Function name around the selector (`rate`, `series` for metadata calls, …). */
  func?: string;
  /** Aggregation grouping labels, and whether they are `by` (true) or `without`. */
  grouping?: readonly string[];
  by?: boolean;
  /** Upper bound on series the caller wants (metadata APIs' `limit`). */
  limit?: number;
}

/**
 * Iterates the samples of one series in increasing time order. Synchronous and
 * allocation-free: the current sample is read through `atT()`/`at()`, which stay valid until
 * the next `next()`/`seek()`. Not restartable.
 */
export interface SampleIterator {
  /** Advances to the next sample; returns its kind or `ValueType.None` at the end. */
  next(): ValueType;
  /**
   * Advances to the first sample with timestamp ≥ `t` (staying put if the current one already
   * is) and returns its kind, or `None` when there is none.
   */
  seek(t: number): ValueType;
  /** Timestamp (ms) of the current sample. */
  atT(): number;
  /** Float value of the current float sample (stale markers keep their NaN bit pattern). */
  at(): number;
  /** The error that ended iteration early, if any. */
  err(): Error | undefined;
}

/**
 * A growable buffer of float samples in parallel typed arrays: `n` valid entries in `t` (ms)
 * and `f` (stale markers keep their NaN bit pattern). Filled by `Series.readFloats`.
 */
export interface FloatSampleBuffer {
  t: Float64Array;
  f: Float64Array;
  n: number;
  /** Makes room for at least `min` samples in total; `t` and `f` may be replaced (contents kept). */
  reserve(min: number): void;
}

/** One series: its labels and a way to iterate its samples within the querier's range. */
export interface Series {
  readonly labels: Labels;
  /** A new iterator, or `reuse` reset onto this series when the implementation supports it. */
  iterator(reuse?: SampleIterator): SampleIterator;
  /**
   * Optional bulk read, synchronous: appends the samples with timestamps in `[mint, maxt]`
   * (also bounded by the querier's range) to `out`, in order. Samples older than the newest one
   * at or before `anchor` (ms) may be left out: a caller that only looks up "the newest sample
   * at or before t" for times t ≥ `anchor` passes it to skip work. Returns false, with `out`
   * unspecified, when the series cannot be read this way (e.g. it holds native histograms or a
   * chunk needs the iterator's error reporting): the caller then uses `iterator()`.
   */
  readFloats?(mint: number, maxt: number, out: FloatSampleBuffer, anchor?: number): boolean;
}

/**
 * A cursor over series. `next()` must be called before the first `at()`. Series are sorted by
 * labels (`Labels.compare`) when the select asked for sorting.
 */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  /** The error that ended the set early, if any. */
  err(): Error | undefined;
  /** Non-fatal problems the caller should surface (e.g. a remote read that failed partially). */
  warnings(): readonly string[];
}

/** One select a caller is about to make, announced to `Querier.prefetch`. */
export interface SelectRequest {
  readonly matchers: readonly LabelMatcher[];
  readonly hints?: SelectHints | undefined;
  /**
   * The `sortSeries` its `select` will pass (default true). With false a querier may skip
   * preparing label order (the head's sort of a 100k-series selection) when the caller's result
   * does not depend on the order (e.g. `count(…)`); a later sorted select must still get order.
   */
  readonly sortSeries?: boolean;
}

/** Read access to a time range `[mint, maxt]` (ms, inclusive) of a storage. Close it when done. */
export interface Querier {
  /**
   * Present on queriers with sources that cannot answer synchronously (remote read): loads the
   * data of `selects` before they are made. Callers that find it await it once, before their
   * first `select` (the engine with every selector of the query, the series and label APIs with
   * their `match[]` sets); a select that was not announced may then lack that source's data
   * (it says so in its warnings). Rejects only when `signal` aborts; a source that fails to
   * load becomes a warning of the selects concerned.
   */
  prefetch?(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void>;
  /**
   * Series matching all `matchers`, with samples restricted to the querier's range. At least one
   * matcher must select something (the engine rejects selectors that match everything). With
   * `sortSeries` the set is in label order; without, in any order the querier finds cheapest
   * (a sorted one included; a querier merging several sources still sorts, as merging needs it).
   */
  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet;
  /** Sorted label names of series matching `matchers` (all series when none). */
  labelNames(hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[];
  /** Sorted values of label `name` among series matching `matchers` (all series when none). */
  labelValues(name: string, hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[];
  close(): void;
}

/** Opens queriers. */
export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

/** A full storage: append and query, plus the lowest timestamp it holds and a clean shutdown. */
export interface Storage extends Appendable, Queryable {
  /** Lowest timestamp (ms) of any sample held, or `Infinity` when empty. */
  startTime(): number;
  close(): Promise<void>;
}
