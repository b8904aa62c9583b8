/**
 * Series selection over a whole data directory, read-only, as promtool's `DBReadOnly.Querier`
 * serves `tsdb dump`: the blocks overlapping the range plus the head rebuilt from the WAL (read
 * only when the blocks end at or before `maxt`, keeping samples from the end of the newest
 * block on). Series come in Go's label order (promtool 2.42 prints even a head-only directory
 * sorted); sources are merged, series with equal labels merged: samples in time order, one per
 * timestamp.
 */
import type { Labels } from '../../model/labels/index.js';
import { ValueType, type LabelMatcher, type SampleIterator, type Series } from '../../storage/index.js';
import { MergeSampleIterator } from '../../storage/merge/index.js';
import type { Block } from '../../tsdb/block/index.js';
import { compareLabelsUtf8 } from '../../tsdb/index/index.js';
import { intervalContains, type Interval } from '../../tsdb/tombstones/index.js';
import { replayHeadReadOnly, type ReplayProgress, type ReplayedHead } from './tsdb-head-replay.js';
import { openBlocks } from './tsdb-open.js';

/** Receives each selected series: its labels and an iterator over its samples in the range. */
export type SeriesVisitor = (labels: Labels, it: SampleIterator) => void;

/** Skips samples inside deletion intervals (the head's tombstones from WAL records). */
class DeletedFilter implements SampleIterator {
  readonly #it: SampleIterator;
  readonly #deleted: readonly Interval[];

  constructor(it: SampleIterator, deleted: readonly Interval[]) {
    this.#it = it;
    this.#deleted = deleted;
  }

  #skip(vt: ValueType): ValueType {
    while (vt !== ValueType.None && this.#deleted.some((d) => intervalContains(d, this.#it.atT()))) vt = this.#it.next();
    return vt;
  }

  next(): ValueType {
    return this.#skip(this.#it.next());
  }

  seek(t: number): ValueType {
    return this.#skip(this.#it.seek(t));
  }

  atT(): number {
    return this.#it.atT();
  }

  at(): number {
    return this.#it.at();
  }

  err(): Error | undefined {
    return this.#it.err();
  }
}

/** One source's selected series, in that source's order (a `SeriesSet` without warnings). */
interface SeriesCursor {
  next(): boolean;
  at(): Series;
  err(): Error | undefined;
}

/** A cursor over an array. */
function arrayCursor(list: readonly Series[]): SeriesCursor {
  let i = -1;
  return { next: () => ++i < list.length, at: () => list[i]!, err: () => undefined };
}

/** A data directory opened read-only: its blocks and, when needed, its head. */
export class ReadOnlyDb {
  readonly blocks: readonly Block[];
  readonly replayed: ReplayedHead | undefined;

  private constructor(blocks: Block[], replayed: ReplayedHead | undefined) {
    this.blocks = blocks;
    this.replayed = replayed;
  }

  /**
   * Opens the blocks of `dataDir` and, when they end at or before `maxt` (ms), replays its WAL
   * (if any) keeping samples from the newest block's end on, as promtool does.
   */
  static async open(dataDir: string, maxt: number, progress?: (p: ReplayProgress) => void): Promise<ReadOnlyDb> {
    const blocks = openBlocks(dataDir);
    try {
      const maxBlockTime = blocks.length > 0 ? blocks[blocks.length - 1]!.maxTime() : -Infinity;
      const replayed = maxBlockTime <= maxt ? await replayHeadReadOnly(dataDir, maxBlockTime, progress) : undefined;
      return new ReadOnlyDb(blocks, replayed);
    } catch (err) {
      for (const b of blocks) void b.close();
      throw err;
    }
  }

  /** A warning to show (damaged WAL tail), if any. */
  warning(): string | undefined {
    return this.replayed?.warning;
  }

  /**
   * Calls `visit` for every series matching any of `matcherSets` with samples in `[mint, maxt]`
   * (ms, inclusive), in promtool's order (see the file comment). Throws the first read error.
   */
  select(mint: number, maxt: number, matcherSets: readonly (readonly LabelMatcher[])[], visit: SeriesVisitor): void {
    const queriers: { select(sorted: boolean, m: readonly LabelMatcher[]): SeriesCursor; close(): void }[] = [];
    for (const b of this.blocks) {
      if (!b.overlapsClosedInterval(mint, maxt)) continue;
      const q = b.querier(mint, maxt);
      queriers.push({ select: (sorted, m) => q.select(sorted, undefined, ...m), close: () => q.close() });
    }
    const r = this.replayed;
    if (r !== undefined && r.head.numSeries() > 0 && maxt >= r.head.minTime()) {
      const q = r.head.querier(mint, maxt);
      queriers.push({
        select: (_sorted, m) => {
          const list = drain(q.select(false, undefined, ...m)).map((s) => withDeletions(s, r.deleted));
          return arrayCursor(list.sort((a, b) => compareLabelsUtf8(a.labels, b.labels)));
        },
        close: () => q.close(),
      });
    }
    try {
      if (queriers.length === 0) return;
      if (queriers.length === 1 && matcherSets.length === 1) {
        const c = queriers[0]!.select(false, matcherSets[0]!);
        while (c.next()) visitOne(c.at(), visit);
        const e = c.err();
        if (e) throw e;
        return;
      }
      const cursors: SeriesCursor[] = [];
      for (const m of matcherSets) for (const q of queriers) cursors.push(q.select(true, m));
      mergeSorted(cursors, visit);
    } finally {
      for (const q of queriers) q.close();
    }
  }

  /** Releases the blocks and the head. */
  async close(): Promise<void> {
    await Promise.all(this.blocks.map((b) => b.close()));
    await this.replayed?.head.close();
  }
}

function drain(set: SeriesCursor): Series[] {
  const out: Series[] = [];
  while (set.next()) out.push(set.at());
  const e = set.err();
  if (e) throw e;
  return out;
}

function withDeletions(s: Series, deleted: ReadonlyMap<string, Interval[]>): Series {
  if (deleted.size === 0) return s;
  const d = deleted.get(s.labels.toString());
  if (d === undefined) return s;
  return { labels: s.labels, iterator: () => new DeletedFilter(s.iterator(), d) };
}

function visitOne(s: Series, visit: SeriesVisitor): void {
  const it = s.iterator();
  visit(s.labels, it);
  const e = it.err();
  if (e) throw e;
}

/**
 * Merges cursors sorted in Go's label order; series with equal labels are merged into one by
 * storage's `MergeSampleIterator` (time order, one sample per timestamp, the first cursor's).
 */
function mergeSorted(cursors: readonly SeriesCursor[], visit: SeriesVisitor): void {
  const cur: (Series | undefined)[] = cursors.map((c) => advance(c));
  for (;;) {
    let min: Labels | undefined;
    for (const s of cur) if (s !== undefined && (min === undefined || compareLabelsUtf8(s.labels, min) < 0)) min = s.labels;
    if (min === undefined) return;
    const same: SampleIterator[] = [];
    for (let i = 0; i < cursors.length; i++) {
      const s = cur[i];
      if (s !== undefined && compareLabelsUtf8(s.labels, min) === 0) {
        same.push(s.iterator());
        cur[i] = advance(cursors[i]!);
      }
    }
    const it = same.length === 1 ? same[0]! : new MergeSampleIterator().reset(same);
    visit(min, it);
    const e = it.err();
    if (e) throw e;
  }
}

function advance(c: SeriesCursor): Series | undefined {
  if (c.next()) return c.at();
  const e = c.err();
  if (e) throw e;
  return undefined;
}
