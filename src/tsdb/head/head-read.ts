/**
 * Reading the head: a querier over a time range that sees exactly the commits applied before it
 * was opened (isolation), series sets from matchers, label names and values, and time-bounded,
 * allocation-free iterators over head chunks.
 */
import { Labels, compareStrings } from '../../model/labels/index.js';
import {
  ValueType,
  type FloatSampleBuffer,
  type LabelMatcher,
  type Querier,
  type SampleIterator,
  type SelectHints,
  type SelectRequest,
  type Series,
  type SeriesSet,
} from '../../storage/index.js';
import { TurnSlices } from '../../util/index.js';
import { XOR_DECODE_DONE, XOR_DECODE_PAST_MAXT, XorIterator, decodeXorFloats } from '../chunkenc/index.js';
import { postingsForMatchers } from '../postings/index.js';
import { StablePostingsReader } from './head-read-postings.js';
import type { Head } from './head.js';
import type { MemSeries } from './memseries.js';
import { compareLabelSources, type LabelSource } from './label-codec.js';
import type { ChunkArena } from './chunk-arena.js';
import type { OpenChunkPool } from './open-chunks.js';
import { OOOMergeIterator } from './ooo-read.js';

/** Where a head keeps its chunks. */
export interface HeadChunks {
  readonly arena: ChunkArena;
  readonly openChunks: OpenChunkPool;
}

const EMPTY = new Uint8Array(0);

/**
 * Iterates one head series' samples within `[mint, maxt]`. Holds the chunk list it was created
 * with, so truncation or chunk cuts while it runs do not disturb it; appends after its creation
 * are beyond `maxt` (isolation) and never seen. Reusable via `reset`.
 */
export class HeadSeriesIterator implements SampleIterator {
  /**
   * The chunks to read, oldest first: buffer (an arena slab, or `#open`), data offset, length
   * and newest sample time. Reused across `reset`s.
   */
  #bufs: Uint8Array[] = [];
  #offs: number[] = [];
  #lens: number[] = [];
  #maxTs: number[] = [];
  #count = 0;
  /** Copy of the series' open chunk, taken at `reset` (the head reuses open-chunk memory). */
  #open: Uint8Array | undefined;
  #i = 0;
  readonly #it = new XorIterator();
  #inChunk = false;
  #mint = 0;
  #maxt = 0;
  #t = 0;
  #v = 0;
  #done = true;
  #err: Error | undefined;

  /**
   * Positions the iterator before the first sample of `s` in `[mint, maxt]`. Takes what it
   * needs from the head now: later cuts, truncations and appends do not disturb it.
   */
  reset(s: MemSeries, head: HeadChunks, mint: number, maxt: number): this {
    const arena = head.arena;
    const bufs = this.#bufs;
    const offs = this.#offs;
    const lens = this.#lens;
    const maxTs = this.#maxTs;
    let n = 0;
    // Completed chunks are linked newest first: collect, then reverse.
    for (let a = s.newestClosed(); a !== -1; a = arena.previous(a)) {
      const cMax = arena.maxT(a);
      if (cMax < mint) break;
      if (arena.minT(a) > maxt) continue;
      bufs[n] = arena.slab(a);
      offs[n] = arena.dataOffset(a);
      lens[n] = arena.length(a);
      maxTs[n] = cMax;
      n++;
    }
    for (let i = 0, j = n - 1; i < j; i++, j--) {
      const b = bufs[i]!;
      bufs[i] = bufs[j]!;
      bufs[j] = b;
      let x = offs[i]!;
      offs[i] = offs[j]!;
      offs[j] = x;
      x = lens[i]!;
      lens[i] = lens[j]!;
      lens[j] = x;
      x = maxTs[i]!;
      maxTs[i] = maxTs[j]!;
      maxTs[j] = x;
    }
    if (s.hasOpenChunk() && s.lastT >= mint && s.headMinT <= maxt) {
      this.#open = s.copyOpenChunk(head.openChunks, this.#open);
      bufs[n] = this.#open!;
      offs[n] = 0;
      lens[n] = s.openChunkLength();
      maxTs[n] = Infinity;
      n++;
    }
    // Drop references to buffers of an earlier series so that released slabs can be freed.
    for (let i = n; i < bufs.length && bufs[i] !== undefined; i++) bufs[i] = EMPTY;
    this.#count = n;
    this.#i = 0;
    this.#inChunk = false;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#done = n === 0;
    this.#err = undefined;
    return this;
  }

  #enter(): boolean {
    const i = this.#i;
    if (i >= this.#count) {
      this.#done = true;
      return false;
    }
    this.#it.resetAt(this.#bufs[i]!, this.#offs[i]!, this.#lens[i]!);
    this.#inChunk = true;
    return true;
  }

  next(): ValueType {
    if (this.#done) return ValueType.None;
    for (;;) {
      if (!this.#inChunk && !this.#enter()) return ValueType.None;
      const it = this.#it;
      if (it.next() === ValueType.None) {
        const err = it.err();
        if (err) {
          this.#err = err;
          this.#done = true;
          return ValueType.None;
        }
        this.#inChunk = false;
        this.#i++;
        continue;
      }
      const t = it.atT();
      if (t < this.#mint) continue;
      if (t > this.#maxt) {
        this.#done = true;
        return ValueType.None;
      }
      this.#t = t;
      this.#v = it.at();
      return ValueType.Float;
    }
  }

  seek(t: number): ValueType {
    if (this.#done) return ValueType.None;
    if (this.#inChunk && this.#t >= t && this.#t >= this.#mint) return ValueType.Float;
    if (t < this.#mint) t = this.#mint;
    // Skip whole chunks that end before t.
    let moved = false;
    while (this.#i < this.#count && this.#maxTs[this.#i]! < t) {
      this.#i++;
      moved = true;
    }
    if (moved || !this.#inChunk) {
      this.#inChunk = false;
      if (!this.#enter()) return ValueType.None;
    }
    while (this.next() === ValueType.Float) {
      if (this.#t >= t) return ValueType.Float;
    }
    return ValueType.None;
  }

  atT(): number {
    return this.#t;
  }

  at(): number {
    return this.#v;
  }

  err(): Error | undefined {
    return this.#err;
  }
}

/** A series of a head querier: labels plus a bounded iterator. */
class HeadSeries implements Series {
  readonly labels: Labels;
  readonly #s: MemSeries;
  readonly #head: Head;
  readonly #mint: number;
  readonly #maxt: number;
  /** Upper bound for out-of-order samples: the querier's (they are not isolated). */
  readonly #oooMaxt: number;

  constructor(s: MemSeries, head: Head, mint: number, maxt: number, oooMaxt: number) {
    this.labels = s.labels;
    this.#s = s;
    this.#head = head;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#oooMaxt = oooMaxt;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const ooo = this.#head.ooo.overlapping(this.#s.ref, this.#mint, this.#oooMaxt);
    if (ooo !== undefined) {
      const m = reuse instanceof OOOMergeIterator ? reuse : new OOOMergeIterator();
      return m.reset(this.#s, this.#head, this.#mint, this.#oooMaxt, this.#maxt, ooo);
    }
    const it = reuse instanceof HeadSeriesIterator ? reuse : new HeadSeriesIterator();
    return it.reset(this.#s, this.#head, this.#mint, this.#maxt);
  }

  /**
   * Decodes the chunks in place (the open chunk too: this runs in one synchronous turn, before
   * the head can touch it again). When the newest sample is all the caller needs, it comes from
   * the series' row without decoding anything.
   */
  readFloats(mint: number, maxt: number, out: FloatSampleBuffer, anchor = -Infinity): boolean {
    const s = this.#s;
    // Out-of-order samples need the merge: the caller uses `iterator()`.
    if (this.#head.ooo.overlapping(s.ref, this.#mint, this.#oooMaxt) !== undefined) return false;
    const lo = mint > this.#mint ? mint : this.#mint;
    const hi = maxt < this.#maxt ? maxt : this.#maxt;
    if (lo > hi) return true;
    const lastT = s.lastT;
    if (lastT <= hi) {
      // Every committed sample is visible and in range at the top.
      if (lastT < lo) return true;
      if (anchor >= lastT) {
        if (out.n === out.t.length) out.reserve(out.n + 1);
        out.t[out.n] = lastT;
        out.f[out.n] = s.lastV;
        out.n++;
        return true;
      }
    }
    const a = anchor < hi ? anchor : hi;
    const head = this.#head;
    const arena = head.arena;
    // Chunks newest first, down to the one holding the newest sample at or before the anchor.
    const found = CHUNKS;
    let n = 0;
    let done = false;
    if (s.hasOpenChunk() && lastT >= lo && s.headMinT <= hi) {
      found[n++] = -1;
      if (s.headMinT <= a) done = true;
    }
    if (!done) {
      for (let c = s.newestClosed(); c !== -1; c = arena.previous(c)) {
        if (arena.maxT(c) < lo) break;
        const cMin = arena.minT(c);
        if (cMin > hi) continue;
        found[n++] = c;
        if (cMin <= a) break;
      }
    }
    for (let i = n - 1; i >= 0; i--) {
      const c = found[i]!;
      let r: number;
      if (c === -1) {
        const page = s.openChunkPage(head.openChunks);
        if (page === undefined) return false;
        r = decodeXorFloats(page, s.openChunkOffset(), s.openChunkLength(), lo, hi, out);
      } else {
        r = decodeXorFloats(arena.slab(c), arena.dataOffset(c), arena.length(c), lo, hi, out);
      }
      if (r === XOR_DECODE_PAST_MAXT) break;
      if (r !== XOR_DECODE_DONE) return false;
    }
    return true;
  }
}

/** Scratch list of chunk addresses for `HeadSeries.readFloats` (-1: the open chunk). */
const CHUNKS: number[] = [];

/**
 * The series of a head select, in `order` (indices into `matched`) or postings order. Each
 * `HeadSeries` is created when reached, so that a large select holds no series objects that
 * live long enough to burden the garbage collector.
 */
class HeadSeriesSet implements SeriesSet {
  readonly #matched: Matched;
  readonly #order: ArrayLike<number> | undefined;
  readonly #head: Head;
  readonly #mint: number;
  readonly #oooMaxt: number;
  #i = -1;
  #cur: HeadSeries | undefined;

  constructor(matched: Matched, order: ArrayLike<number> | undefined, head: Head, mint: number, oooMaxt: number) {
    this.#matched = matched;
    this.#order = order;
    this.#head = head;
    this.#mint = mint;
    this.#oooMaxt = oooMaxt;
  }

  next(): boolean {
    const refs = this.#matched.refs;
    for (;;) {
      const i = ++this.#i;
      if (i >= refs.length) {
        this.#cur = undefined;
        return false;
      }
      const k = this.#order === undefined ? i : this.#order[i]!;
      // The handle is made here, when the series is reached: it lives as long as the caller
      // holds it, not as long as the selection.
      const s = this.#head.series.getByRef(refs[k]!);
      if (s === undefined) continue; // removed from the head since it was matched
      this.#cur = new HeadSeries(s, this.#head, this.#mint, this.#matched.maxts[k]!, this.#oooMaxt);
      return true;
    }
  }

  at(): Series {
    if (this.#cur === undefined) throw new Error('BUG: SeriesSet.at() without a current series');
    return this.#cur;
  }

  err(): Error | undefined {
    return undefined;
  }

  warnings(): readonly string[] {
    return [];
  }
}

/**
 * Positions of the head's series in label order (`Labels.compare`), by reference: -1 (or past
 * the end) for series added since the ranks were computed. References are never reused, so the
 * ranks of the remaining series stay in order when series are deleted.
 */
const labelRanks = new WeakMap<Head, Int32Array>();

/** When the ranks were last computed (performance.now()). */
const rankedAt = new WeakMap<Head, number>();

/**
 * Selections of a quarter of the head or more recompute stale ranks right away; smaller ones at
 * most this often (ms), so that series churn does not make every query sort the whole head.
 */
const RANK_REFRESH_MS = 30_000;

/** Below this many series a selection does not recompute stale ranks (it compares labels). */
const RANK_MIN = 2048;

/**
 * From this many series a selection uses ranks that are already cached and cover it: checking
 * and ordering by them is linear, where comparing labels of 1,000 series took ~1 ms.
 */
const RANK_USE_MIN = 64;

/**
 * Every current series of `head` as parallel arrays (references, labels) and the identity
 * permutation of them: what the rank computations sort (indices, not handle objects, so that a
 * sort that pauses holds no object per series).
 */
function rankInput(head: Head): { refs: Float64Array; labels: LabelSource[]; idx: number[] } {
  const store = head.series;
  const refs = store.refs();
  const labels = new Array<LabelSource>(refs.length);
  const idx = new Array<number>(refs.length);
  for (let i = 0; i < refs.length; i++) {
    labels[i] = store.labelSourceAt(store.slotOf(refs[i]!));
    idx[i] = i;
  }
  return { refs, labels, idx };
}

/** Ranks for every current series of `head` (one comparison sort of all of them). */
function computeRanks(head: Head): Int32Array {
  const { refs, labels, idx } = rankInput(head);
  idx.sort((a, b) => compareLabelSources(labels[a]!, labels[b]!));
  return storeRanks(head, refs, idx);
}

/** Records the ranks of the series `refs[order[i]]` (sorted by labels) as `head`'s. */
function storeRanks(head: Head, refs: Float64Array, order: readonly number[]): Int32Array {
  let maxRef = 0;
  for (let i = 0; i < refs.length; i++) if (refs[i]! > maxRef) maxRef = refs[i]!;
  const ranks = new Int32Array(maxRef + 1 + 1024).fill(-1);
  for (let i = 0; i < order.length; i++) ranks[refs[order[i]!]!] = i;
  labelRanks.set(head, ranks);
  rankedAt.set(head, performance.now());
  return ranks;
}

/**
 * Time slices of a long pass: `pause()` gives the event loop a turn (in turn with the engine's
 * evaluation slices, see `takeTurn`) when the current slice is used up, then throws if `signal`
 * aborted.
 */
class Slices {
  readonly #slices = new TurnSlices(SLICE_MS);
  readonly #signal: AbortSignal | undefined;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  async pause(): Promise<void> {
    if (await this.#slices.pause()) this.#signal?.throwIfAborted();
  }
}

/** Longest synchronous stretch of the prefetch passes (ms). */
const SLICE_MS = 10;

/** Series per sorted run of `computeRanksSliced` (a native sort of one run stays well under a slice). */
const RUN = 2048;

/**
 * `computeRanks` in slices of about `SLICE_MS`: runs of `RUN` series sorted natively, then
 * merged pairwise (a stable merge sort, so the order equals the one-shot sort's: labels are
 * distinct). Series added meanwhile get no rank (as with ranks computed before they came).
 */
async function computeRanksSliced(head: Head, slices: Slices): Promise<Int32Array> {
  const { refs, labels, idx } = rankInput(head);
  const cmp = (x: number, y: number): number => compareLabelSources(labels[x]!, labels[y]!);
  let a = idx;
  const n = a.length;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(n, lo + RUN);
    const run = a.slice(lo, hi).sort(cmp);
    for (let i = lo; i < hi; i++) a[i] = run[i - lo]!;
    await slices.pause();
  }
  let b = new Array<number>(n).fill(0);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (k < hi) {
        const stop = Math.min(hi, k + 1024);
        for (; k < stop; k++) b[k] = j >= hi || (i < mid && cmp(a[i]!, a[j]!) <= 0) ? a[i++]! : a[j++]!;
        await slices.pause();
      }
    }
    const t = a;
    a = b;
    b = t;
  }
  return storeRanks(head, refs, a);
}

/**
 * Series a select matched, by reference, and the newest time each may show (isolation, querier
 * range). References, not handles: a prefetched selection lives as long as its query (hundreds of
 * ms for 100k series), and 100k handles held that long survive scavenges and get promoted, which
 * made a heavy query's GC pauses long (see `HeadSeriesSet.next`).
 */
interface Matched {
  refs: number[];
  maxts: number[];
}

/** The labels of the series `refs` (empty for one removed since it was matched). */
function labelsOf(head: Head, refs: readonly number[]): Labels[] {
  const out = new Array<Labels>(refs.length);
  for (let i = 0; i < refs.length; i++) out[i] = head.series.getByRef(refs[i]!)?.labels ?? Labels.EMPTY;
  return out;
}

/**
 * The indices of `series` in label order. Selections of `RANK_USE_MIN` series or more order by
 * the head's cached label ranks when those cover them (bucket placement or a native sort of
 * numbers instead of label comparisons). A selection of `RANK_MIN` or more that meets a series
 * added since the ranks were computed recomputes them (one sort of every series) when it is a
 * quarter of the head or more, or when they are older than `RANK_REFRESH_MS`; otherwise it
 * compares labels.
 */
function labelOrder(head: Head, refs: readonly number[], key: string): ArrayLike<number> {
  let ranks = usableRanks(head, refs);
  if (ranks === undefined && wantsRanks(head, refs.length)) ranks = computeRanks(head);
  return orderBy(head, refs, ranks, key);
}

/** `labelOrder` with a stale-ranks recomputation in slices (see `computeRanksSliced`). */
async function labelOrderSliced(head: Head, refs: readonly number[], key: string, slices: Slices): Promise<ArrayLike<number>> {
  let ranks = usableRanks(head, refs);
  if (ranks === undefined && wantsRanks(head, refs.length)) {
    await computeRanksSliced(head, slices);
    // Another query may have stored older ranks meanwhile: use them only if they cover `refs`.
    ranks = usableRanks(head, refs);
  }
  return orderBy(head, refs, ranks, key);
}

/** The head's cached ranks when they cover every one of `refs` (and ranks suit its size, `RANK_USE_MIN`). */
function usableRanks(head: Head, refs: readonly number[]): Int32Array | undefined {
  const m = refs.length;
  if (m < RANK_USE_MIN || m >= RANK_INDEX_LIMIT) return undefined;
  const ranks = labelRanks.get(head);
  if (ranks === undefined) return undefined;
  for (let i = 0; i < m; i++) {
    const ref = refs[i]!;
    if (ref >= ranks.length || ranks[ref]! < 0) return undefined;
  }
  return ranks;
}

/** Whether a selection of `m` series without usable ranks should recompute them (see `labelOrder`). */
function wantsRanks(head: Head, m: number): boolean {
  if (m < RANK_MIN || m >= RANK_INDEX_LIMIT) return false;
  return m * 4 >= head.series.size || performance.now() - (rankedAt.get(head) ?? -Infinity) > RANK_REFRESH_MS;
}

/**
 * Indices of `refs` (selected by the matchers of `key`) in label order: by `ranks` when given,
 * else by comparing labels (`comparedOrder`).
 */
function orderBy(head: Head, refs: readonly number[], ranks: Int32Array | undefined, key: string): ArrayLike<number> {
  const m = refs.length;
  if (ranks === undefined) return comparedOrder(head, refs, key);
  const byBucket = orderByRankBuckets(ranks, refs);
  if (byBucket !== undefined) return byBucket;
  // rank * RANK_INDEX_LIMIT + index: distinct, exact in a double, and sorted natively.
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) keys[i] = ranks[refs[i]!]! * RANK_INDEX_LIMIT + i;
  keys.sort();
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = keys[i]! % RANK_INDEX_LIMIT;
  return order;
}

/**
 * Label orders found by comparing labels for recent selections, per head, by matcher key, least
 * recently used first. Dashboards and rules ask for the same selection every few seconds, and
 * without usable ranks its sort was most of a small query's evaluation: 253 series, about a
 * third of a millisecond on a quiet machine. An order stays valid while the selection has the
 * same references in the same order (references are never reused, labels never change).
 */
const recentOrders = new WeakMap<Head, Map<string, { refs: readonly number[]; order: ArrayLike<number> }>>();

/** Selections `recentOrders` keeps per head. */
const RECENT_ORDERS = 64;

/** Largest selection `recentOrders` keeps (larger ones mostly have ranks to use). */
const RECENT_ORDER_MAX = 4096;

/** Indices of `refs` in label order by comparing labels, or the order of the same selection found before. */
function comparedOrder(head: Head, refs: readonly number[], key: string): ArrayLike<number> {
  const m = refs.length;
  let recent = recentOrders.get(head);
  const hit = recent?.get(key);
  if (hit !== undefined && sameRefs(hit.refs, refs)) {
    recent!.delete(key);
    recent!.set(key, hit);
    return hit.order;
  }
  const labels = labelsOf(head, refs);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => Labels.compare(labels[a]!, labels[b]!));
  if (m > 1 && m <= RECENT_ORDER_MAX) {
    if (recent === undefined) recentOrders.set(head, (recent = new Map()));
    recent.delete(key);
    recent.set(key, { refs, order });
    if (recent.size > RECENT_ORDERS) recent.delete(recent.keys().next().value!);
  }
  return order;
}

/** True when both reference lists are equal element by element. */
function sameRefs(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Widest rank span per selected series that `orderByRankBuckets` accepts: beyond it a sparse
 * selection's bucket array would cost more than sorting its keys.
 */
const BUCKET_SPAN_PER_SERIES = 16;

/**
 * Indices of `refs` in rank order by placing each at its rank (ranks are distinct), then reading
 * the buckets in order: linear in the selection plus its rank span, where sorting 100k keys took
 * ~10-13 ms in one turn. Undefined when the span is too sparse for it (`BUCKET_SPAN_PER_SERIES`).
 * Every ref must have a rank (`usableRanks`).
 */
function orderByRankBuckets(ranks: Int32Array, refs: readonly number[]): Int32Array | undefined {
  const m = refs.length;
  let lo = 2 ** 31;
  let hi = -1;
  for (let i = 0; i < m; i++) {
    const r = ranks[refs[i]!]!;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const span = hi - lo + 1;
  if (span > m * BUCKET_SPAN_PER_SERIES) return undefined;
  const buckets = new Int32Array(span).fill(-1);
  for (let i = 0; i < m; i++) buckets[ranks[refs[i]!]! - lo] = i;
  const order = new Int32Array(m);
  let k = 0;
  for (let r = 0; r < span; r++) {
    const i = buckets[r]!;
    if (i >= 0) order[k++] = i;
  }
  return order;
}

/** A key identifying a matcher list (same matchers in the same order). */
function matchersKey(matchers: readonly LabelMatcher[]): string {
  let k = '';
  for (const m of matchers) k += `${m.name}\u0000${m.type}\u0000${m.value}\u0001`;
  return k;
}

/** Selections of this many series or more compare labels (keeps rank keys exact in doubles). */
const RANK_INDEX_LIMIT = 2 ** 22;

/**
 * A querier over the head for `[mint, maxt]`. Selects are evaluated eagerly (postings are
 * expanded in the same synchronous turn, or in slices by `prefetch`), iteration is lazy and
 * bounded by the isolation snapshot. Close it: open queriers make commits keep isolation
 * bookkeeping.
 */
export class HeadQuerier implements Querier {
  readonly #head: Head;
  readonly #mint: number;
  readonly #maxt: number;
  readonly #snapshot: number;
  /**
   * Selections made by `prefetch`, by `matchersKey`; `sorted` once `order` is the label order
   * (an unsorted request leaves it out: postings order).
   */
  readonly #prepared = new Map<string, { matched: Matched; order: ArrayLike<number> | undefined; sorted: boolean }>();
  #closed = false;

  constructor(head: Head, mint: number, maxt: number, snapshot: number) {
    this.#head = head;
    this.#mint = mint;
    this.#maxt = maxt;
    this.#snapshot = snapshot;
  }

  /**
   * Series matched by `matchers` that have samples in range (as of the snapshot), with the
   * newest time each may show, in postings order.
   */
  #matching(matchers: readonly LabelMatcher[]): Matched {
    const out: Matched = { refs: [], maxts: [] };
    if (this.#closed || matchers.length === 0) return out;
    const p = postingsForMatchers(new StablePostingsReader(this.#head.postings), matchers);
    while (p.next()) this.#take(p.at(), out);
    const err = p.err();
    if (err) throw err;
    return out;
  }

  /**
   * `#matching` in slices of about `SLICE_MS`: postings lists are copied in the first turn
   * (`StablePostingsReader`), their unions and intersections computed while they are drained.
   */
  async #matchingSliced(matchers: readonly LabelMatcher[], slices: Slices): Promise<Matched> {
    const out: Matched = { refs: [], maxts: [] };
    if (this.#closed || matchers.length === 0) return out;
    const p = postingsForMatchers(new StablePostingsReader(this.#head.postings), matchers);
    for (let i = 1; p.next(); i++) {
      this.#take(p.at(), out);
      if ((i & 4095) === 0) await slices.pause();
    }
    const err = p.err();
    if (err) throw err;
    return out;
  }

  /** Adds the series `ref` to `out` when it exists and has samples in range as of the snapshot. */
  #take(ref: number, out: Matched): void {
    const head = this.#head;
    const s = head.series.getByRef(ref);
    if (s === undefined) return;
    const vis = s.visibleMaxT(this.#snapshot);
    const maxt = vis < this.#maxt ? vis : this.#maxt;
    // A series may have only out-of-order samples in range.
    if ((maxt < this.#mint || s.minTime() > maxt) && !(head.ooo.maxT >= this.#mint && head.ooo.overlapping(ref, this.#mint, this.#maxt) !== undefined)) return;
    out.refs.push(ref);
    out.maxts.push(maxt);
  }

  /**
   * Matches and sorts the series of `selects` ahead of their selects, in slices that give the
   * event loop a turn about every `SLICE_MS` (a select of 100k series otherwise holds it for
   * tens of ms, and a stale label-rank cache for over 100 ms). `select` then serves them.
   */
  async prefetch(selects: readonly SelectRequest[], signal?: AbortSignal): Promise<void> {
    const slices = new Slices(signal);
    for (const r of selects) {
      const key = matchersKey(r.matchers);
      const sort = r.sortSeries !== false;
      let prep = this.#prepared.get(key);
      if (prep !== undefined && (prep.sorted || !sort)) continue;
      if (prep === undefined) {
        const matched = await this.#matchingSliced(r.matchers, slices);
        prep = { matched, order: undefined, sorted: matched.refs.length <= 1 };
        this.#prepared.set(key, prep);
        await slices.pause();
      }
      if (sort && !prep.sorted) {
        prep.order = await labelOrderSliced(this.#head, prep.matched.refs, key, slices);
        prep.sorted = true;
        await slices.pause();
      }
    }
  }

  /** The series `prefetch` matched for `matchers`, else matched now. */
  #matched(matchers: readonly LabelMatcher[]): Matched {
    return this.#prepared.get(matchersKey(matchers))?.matched ?? this.#matching(matchers);
  }

  select(sortSeries: boolean, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): SeriesSet {
    const key = matchersKey(matchers);
    const ready = this.#closed ? undefined : this.#prepared.get(key);
    if (ready !== undefined) {
      // Prefetched without order for an unsorted request: sort now (a sorted set also serves an unsorted select).
      if (sortSeries && !ready.sorted) {
        ready.order = labelOrder(this.#head, ready.matched.refs, key);
        ready.sorted = true;
      }
      return new HeadSeriesSet(ready.matched, ready.order, this.#head, this.#mint, this.#maxt);
    }
    const matched = this.#matching(matchers);
    const order = sortSeries && matched.refs.length > 1 ? labelOrder(this.#head, matched.refs, key) : undefined;
    return new HeadSeriesSet(matched, order, this.#head, this.#mint, this.#maxt);
  }

  #overlapsHead(): boolean {
    const h = this.#head;
    if (this.#closed) return false;
    if (h.minTime() <= this.#maxt && h.maxTime() >= this.#mint) return true;
    return h.ooo.minT <= this.#maxt && h.ooo.maxT >= this.#mint;
  }

  labelNames(_hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    if (!this.#overlapsHead()) return [];
    if (matchers.length === 0) return this.#head.postings.labelNames();
    const names = new Set<string>();
    for (const l of labelsOf(this.#head, this.#matched(matchers).refs)) l.forEach((n) => names.add(n));
    return [...names].sort(compareStrings);
  }

  labelValues(name: string, _hints: SelectHints | undefined, ...matchers: LabelMatcher[]): string[] {
    if (!this.#overlapsHead()) return [];
    if (matchers.length === 0) return this.#head.postings.labelValues(name);
    const values = new Set<string>();
    for (const l of labelsOf(this.#head, this.#matched(matchers).refs)) {
      const v = l.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort(compareStrings);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#prepared.clear();
    this.#head.releaseQuerier(this);
  }
}
