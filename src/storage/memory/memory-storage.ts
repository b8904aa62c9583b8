/**
 * A simple, correct in-memory `Storage`: one sorted sample array per series and an inverted
 * index of `name=value` pairs. Used by engine unit tests and as the PromQL test runner's default
 * storage; it favours clarity over memory footprint and never persists anything.
 */
import { Labels } from '../../model/labels/index.js';
import { DuplicateSampleError, InvalidLabelsError } from '../errors.js';
import type {
  Appender,
  LabelMatcher,
  Querier,
  SelectHints,
  SampleIterator,
  Series,
  SeriesRef,
  SeriesSet,
  Storage,
} from '../interface.js';
import { MemorySeries, MemorySeriesIterator, SampleKind, sameSample } from './memory-series.js';

interface PendingSample {
  ref: SeriesRef;
  labels: Labels;
  t: number;
  v: number;
  kind: SampleKind;
  payload?: unknown;
}

/**
 * In-memory storage implementing the seams. Appends become visible at `commit()`, all or none: a
 * commit that fails applies nothing. Samples may arrive in any order (they are inserted at their
 * sorted position); a second sample at the same timestamp with another value is a
 * `DuplicateSampleError`.
 */
export class MemoryStorage implements Storage {
  #series: MemorySeries[] = [];
  #byHash = new Map<number, MemorySeries[]>();
  /** `name\xffvalue` → series holding that pair, in insertion order. */
  #postings = new Map<string, MemorySeries[]>();
  #sorted = true;
  #minT = Infinity;
  #closed = false;

  appender(): Appender {
    return new MemoryAppender(this);
  }

  querier(mint: number, maxt: number): Querier {
    return new MemoryQuerier(this, mint, maxt);
  }

  startTime(): number {
    return this.#minT;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Number of series held. */
  get numSeries(): number {
    return this.#series.length;
  }

  /** Drops every series and sample. */
  clear(): void {
    this.#series = [];
    this.#byHash.clear();
    this.#postings.clear();
    this.#sorted = true;
    this.#minT = Infinity;
  }

  /**
   * Stores an opaque native-histogram sample. The engine cannot evaluate it; iterators report it
   * as `ValueType.Histogram` so that readers can skip or reject it knowingly.
   */
  appendHistogram(labels: Labels, t: number, payload: unknown): void {
    this.#insert(labels, t, NaN, SampleKind.Histogram, payload);
  }

  /**
   * @internal Applies the samples of one commit, all or none: every sample is checked against
   * the stored ones and the earlier ones of the commit first, and on the first that would fail
   * (empty labels, a duplicate) the error is thrown with nothing applied.
   */
  applyCommit(samples: readonly PendingSample[]): void {
    /** `hash\xfft` → samples of the commit at that timestamp of series with that label hash. */
    const seen = samples.length > 1 ? new Map<string, PendingSample[]>() : undefined;
    for (const s of samples) {
      if (s.labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
      if (this.#find(s.labels)?.accepts(s.t, s.v, s.kind) === false) throw new DuplicateSampleError();
      if (!seen) continue;
      const key = `${s.labels.hash()}\xff${s.t}`;
      const same = seen.get(key);
      if (!same) {
        seen.set(key, [s]);
        continue;
      }
      const prev = same.find((p) => p.labels.equals(s.labels));
      if (!prev) same.push(s);
      else if (!sameSample(prev.kind, prev.v, s.kind, s.v)) throw new DuplicateSampleError();
    }
    for (const s of samples) this.#insert(s.labels, s.t, s.v, s.kind, s.payload);
  }

  /** @internal Series sorted by labels, for queriers. */
  sortedSeries(): readonly MemorySeries[] {
    if (!this.#sorted) {
      this.#series.sort((a, b) => Labels.compare(a.labels, b.labels));
      for (const list of this.#postings.values()) list.sort((a, b) => Labels.compare(a.labels, b.labels));
      this.#sorted = true;
    }
    return this.#series;
  }

  /** @internal Candidate series for `matchers`: the shortest postings list of an equality matcher, else all. */
  candidates(matchers: readonly LabelMatcher[]): readonly MemorySeries[] {
    const all = this.sortedSeries();
    let best: readonly MemorySeries[] | undefined;
    for (const m of matchers) {
      if (m.type !== '=' || m.value === '') continue;
      const list = this.#postings.get(`${m.name}\xff${m.value}`) ?? [];
      if (!best || list.length < best.length) best = list;
    }
    return best ?? all;
  }

  /** @internal */
  get closed(): boolean {
    return this.#closed;
  }

  #insert(labels: Labels, t: number, v: number, kind: SampleKind, payload?: unknown): void {
    if (labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
    const s = this.#getOrCreate(labels);
    if (!s.insert(t, v, kind, payload)) throw new DuplicateSampleError();
    if (t < this.#minT) this.#minT = t;
  }

  #find(labels: Labels): MemorySeries | undefined {
    const bucket = this.#byHash.get(labels.hash());
    if (bucket) for (const s of bucket) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  #getOrCreate(labels: Labels): MemorySeries {
    const found = this.#find(labels);
    if (found) return found;
    const h = labels.hash();
    const bucket = this.#byHash.get(h);
    const s = new MemorySeries(labels);
    if (bucket) bucket.push(s);
    else this.#byHash.set(h, [s]);
    const last = this.#series[this.#series.length - 1];
    if (last && Labels.compare(last.labels, labels) > 0) this.#sorted = false;
    this.#series.push(s);
    labels.forEach((n, val) => {
      const key = `${n}\xff${val}`;
      const list = this.#postings.get(key);
      if (list) {
        const tail = list[list.length - 1];
        if (tail && Labels.compare(tail.labels, labels) > 0) this.#sorted = false;
        list.push(s);
      } else this.#postings.set(key, [s]);
    });
    return s;
  }
}

class MemoryAppender implements Appender {
  #storage: MemoryStorage;
  #pending: PendingSample[] = [];
  #done = false;

  constructor(storage: MemoryStorage) {
    this.#storage = storage;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    if (this.#done) throw new Error('BUG: appender used after commit/rollback');
    if (labels.isEmpty()) throw new InvalidLabelsError('empty labelset');
    this.#pending.push({ ref, labels, t, v, kind: SampleKind.Float });
    return ref;
  }

  async commit(): Promise<void> {
    if (this.#done) throw new Error('BUG: appender used after commit/rollback');
    this.#done = true;
    const pending = this.#pending;
    this.#pending = [];
    this.#storage.applyCommit(pending);
  }

  rollback(): void {
    this.#done = true;
    this.#pending = [];
  }
}

class MemoryQuerier implements Querier {
  #storage: MemoryStorage;
  #mint: number;
  #maxt: number;

  constructor(storage: MemoryStorage, mint: number, maxt: number) {
    this.#storage = storage;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  select(_sortSeries: boolean, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    const out: MemorySeries[] = [];
    for (const s of this.#storage.candidates(matchers)) {
      if (!matchesAll(s.labels, matchers)) continue;
      if (!hasSampleIn(s, this.#mint, this.#maxt)) continue;
      out.push(s);
    }
    return new MemorySeriesSet(out, this.#mint, this.#maxt);
  }

  labelNames(_hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    const names = new Set<string>();
    for (const s of this.#storage.candidates(matchers)) {
      if (matchesAll(s.labels, matchers) && hasSampleIn(s, this.#mint, this.#maxt)) s.labels.forEach((n) => names.add(n));
    }
    return [...names].sort();
  }

  labelValues(name: string, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    const values = new Set<string>();
    for (const s of this.#storage.candidates(matchers)) {
      if (!matchesAll(s.labels, matchers) || !hasSampleIn(s, this.#mint, this.#maxt)) continue;
      const v = s.labels.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort();
  }

  close(): void {}
}

function matchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

function hasSampleIn(s: MemorySeries, mint: number, maxt: number): boolean {
  const i = s.lowerBound(mint);
  return i < s.count && s.t[i]! <= maxt;
}

class MemorySeriesSet implements SeriesSet {
  #list: MemorySeries[];
  #i = -1;
  #mint: number;
  #maxt: number;

  constructor(list: MemorySeries[], mint: number, maxt: number) {
    this.#list = list;
    this.#mint = mint;
    this.#maxt = maxt;
  }

  next(): boolean {
    return ++this.#i < this.#list.length;
  }

  at(): Series {
    const s = this.#list[this.#i]!;
    const mint = this.#mint;
    const maxt = this.#maxt;
    return {
      labels: s.labels,
      iterator(reuse?: SampleIterator): SampleIterator {
        const it = reuse instanceof MemorySeriesIterator ? reuse : new MemorySeriesIterator();
        return it.reset(s, mint, maxt);
      },
    };
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): readonly string[] {
    return [];
  }
}
