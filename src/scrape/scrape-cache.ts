/**
 * The per-target scrape cache (upstream's `scrapeCache`): maps the raw series text of the
 * exposition (the parser's series key) to the series' final labels and storage reference, so
 * that a steady-state scrape neither builds, relabels nor validates any label set; remembers
 * series that metric relabelling dropped; tracks which series each scrape exposed, for stale
 * markers; and keeps the targets' TYPE/HELP/UNIT metadata for the metadata APIs.
 *
 * Iterations. Every scrape is one iteration. An entry's `lastIter` is the last iteration its
 * key was seen (a second sighting in the same iteration is a duplicate); `staleIter` the last
 * iteration the series was appended without an explicit timestamp, which is what makes it a
 * candidate for a stale marker when a later scrape no longer has it.
 *
 * Failed scrapes. A scrape whose body is rejected as a whole (limits, parse errors) calls
 * `abortIter()`: entries created during it are forgotten (their appends were rolled back) and
 * the series of the previous scrape all become stale, as an empty scrape would make them.
 *
 * Steady state. A scrape that exposes the same series in the same order as the previous one
 * touches each entry once (its lookup): the passes that find stale series, forget unseen ones and
 * record the new body order are skipped when counts show they would find nothing to do.
 *
 * Reloads. A cache survives a config reload when nothing that changes series changed
 * (upstream's `reusableCache`); otherwise the new cache `inherit()`s the old one's live series,
 * and its first scrape marks stale those it no longer produces (matched by labels), which
 * upstream leaves to the old loop's end-of-run markers.
 */
import type { Labels } from '../model/labels/index.js';
import type { MetricType } from '../model/textparse/index.js';
import type { SeriesRef } from '../storage/index.js';
import type { MetadataStore, MetricMetadata } from './target.js';

/** One cached series. `labels` is the exact `Labels` object appended (post target labels and relabelling). */
export interface CacheEntry {
  /** The series key (the parser's string object, shared with the key cache). */
  readonly key: string;
  ref: SeriesRef;
  readonly labels: Labels;
  lastIter: number;
  staleIter: number;
  /** Position in the body order of the last successful iteration that saw it (lookup hint). */
  pos: number;
}

interface DroppedEntry {
  iter: number;
}

interface MetaEntry {
  type: MetricType;
  help: string;
  unit: string;
  lastIter: number;
}

/** Counts the cache reports to the pool's metrics. */
export interface CacheMetricsSink {
  flushForced(): void;
}

/** Metadata is kept this many iterations after its family was last seen (upstream's 10). */
const METADATA_KEEP_ITERS = 10;

/** The scrape cache of one target; used by one loop at a time. See the module comment. */
export class ScrapeCache implements MetadataStore {
  /** The current iteration; starts at 0. */
  iter = 0;
  readonly #series = new Map<string, CacheEntry>();
  readonly #dropped = new Map<string, DroppedEntry>();
  readonly #metadata = new Map<string, MetaEntry>();
  /** Entries tracked for staleness in this iteration and in the previous one (arrays reused). */
  #cur: CacheEntry[] = [];
  #curLen = 0;
  #prev: CacheEntry[] = [];
  #prevLen = 0;
  /** Keys added in this iteration, forgotten again if it aborts. */
  #created: string[] = [];
  #successfulCount = 0;
  /** Entries in the body order of the last successful iteration, and the order being recorded. */
  #order: CacheEntry[] = [];
  #orderPos = 0;
  #nextOrder: CacheEntry[] = [];
  #nextLen = 0;
  /** The iteration whose tracked entries are `#prev`; -2 before any (never an entry's `staleIter`). */
  #prevIter = -2;
  /** Entries of `#prev` tracked again in this iteration: all of them means nothing is stale. */
  #carried = 0;
  /** Distinct entries seen (looked up or added) in this iteration: all of them means nothing to forget. */
  #seen = 0;
  /** Some entry was looked up at another position than in the last adopted order, or added. */
  #moved = false;
  /** Live series handed over by a replaced cache, by label hash, until the first iteration ends. */
  #inherited: Map<number, CacheEntry[]> | undefined;
  #inheritedList: CacheEntry[] = [];
  readonly #metrics: CacheMetricsSink | undefined;

  constructor(metrics?: CacheMetricsSink) {
    this.#metrics = metrics;
  }

  /** Number of cached series (not counting dropped ones). */
  get size(): number {
    return this.#series.size;
  }

  /** Number of remembered dropped series keys. */
  get droppedSize(): number {
    return this.#dropped.size;
  }

  /**
   * The entry of `key`, if cached, counted as seen in this iteration; the caller must set
   * `lastIter` to `iter` right away (a previous equal value means a duplicate). Bodies list their
   * series in the same order scrape after scrape and the parser hands back the very key strings
   * of the previous body, so the entry at the expected position of the previous body's order is
   * tried first (one pointer comparison) before the Map.
   */
  get(key: string): CacheEntry | undefined {
    const order = this.#order;
    let e: CacheEntry | undefined = order[this.#orderPos];
    if (e === undefined || e.key !== key) {
      e = this.#series.get(key);
      if (e === undefined) return undefined;
    }
    if (e.lastIter !== this.iter) this.#seen++;
    const at = this.#nextLen++;
    if (e.pos !== at) this.#moved = true;
    this.#orderPos = e.pos + 1;
    this.#nextOrder[at] = e;
    return e;
  }

  /** Caches a series appended for the first time in this iteration and returns its entry. */
  add(key: string, ref: SeriesRef, labels: Labels): CacheEntry {
    const e: CacheEntry = { key, ref, labels, lastIter: this.iter, staleIter: -1, pos: -1 };
    this.#series.set(key, e);
    this.#created.push(key);
    this.#nextOrder[this.#nextLen++] = e;
    this.#seen++;
    this.#moved = true;
    return e;
  }

  /** True when `key` was dropped by metric relabelling before; marks it seen. */
  isDropped(key: string): boolean {
    if (this.#dropped.size === 0) return false;
    const d = this.#dropped.get(key);
    if (d === undefined) return false;
    d.iter = this.iter;
    return true;
  }

  /** Remembers that metric relabelling drops `key`. */
  addDropped(key: string): void {
    this.#dropped.set(key, { iter: this.iter });
  }

  /** Marks `e` as exposed (without explicit timestamp) by this iteration, so it is not stale. */
  track(e: CacheEntry): void {
    if (e.staleIter === this.iter) return;
    if (e.staleIter === this.#prevIter) this.#carried++;
    e.staleIter = this.iter;
    this.#cur[this.#curLen++] = e;
    if (this.#inherited !== undefined) this.#matchInherited(e.labels);
  }

  /**
   * Calls `fn` for every series exposed by the previous iteration (or handed over by
   * `inherit`) that this iteration has not tracked. `fn` returns false to stop early.
   */
  forEachStale(fn: (e: CacheEntry) => boolean): void {
    const prev = this.#prev;
    // Every entry of the previous iteration tracked again: none is stale, skip the walk.
    const n = this.#carried === this.#prevLen ? 0 : this.#prevLen;
    for (let i = 0; i < n; i++) {
      const e = prev[i]!;
      if (e.staleIter !== this.iter && !fn(e)) return;
    }
    for (const e of this.#inheritedList) if (e.staleIter !== this.iter && !fn(e)) return;
  }

  /**
   * Ends the iteration. `flush` (after a successful non-empty scrape) forgets series and
   * dropped keys not seen in it and metadata not seen for 10 iterations; a cache that grew past
   * twice its last successful size plus 1000 is flushed anyway (failed scrapes with changing
   * series would grow it without bound).
   */
  iterDone(flush: boolean): void {
    const count = this.#series.size + this.#dropped.size + this.#metadata.size;
    if (flush) this.#successfulCount = count;
    else if (count > this.#successfulCount * 2 + 1000) {
      flush = true;
      this.#metrics?.flushForced();
    }
    if (flush) this.#adoptOrder();
    this.#nextLen = 0;
    this.#orderPos = 0;
    if (flush) {
      const iter = this.iter;
      // Deleting the current entry while iterating a Map is safe; values() allocates no pairs.
      if (this.#seen !== this.#series.size) for (const e of this.#series.values()) if (e.lastIter !== iter) this.#series.delete(e.key);
      for (const [k, d] of this.#dropped) if (d.iter !== iter) this.#dropped.delete(k);
      for (const [k, m] of this.#metadata) if (iter - m.lastIter > METADATA_KEEP_ITERS) this.#metadata.delete(k);
    }
    const t = this.#prev;
    this.#prev = this.#cur;
    this.#prevLen = this.#curLen;
    this.#cur = t;
    this.#curLen = 0;
    // Drop references held by the reused array's tail so forgotten entries can be collected.
    if (t.length > this.#prevLen * 2 + 64) t.length = this.#prevLen;
    this.#created.length = 0;
    this.#inherited = undefined;
    this.#inheritedList = [];
    this.#prevIter = this.iter;
    this.#resetCounts();
    this.iter++;
  }

  #resetCounts(): void {
    this.#carried = 0;
    this.#seen = 0;
    this.#moved = false;
  }

  /**
   * Abandons the current iteration after its appends were rolled back: entries created in it
   * are removed, nothing it tracked counts, so that the following empty append marks every
   * series of the previous iteration stale.
   */
  abortIter(): void {
    this.#nextLen = 0;
    this.#orderPos = 0;
    for (const k of this.#created) this.#series.delete(k);
    this.#created.length = 0;
    for (let i = 0; i < this.#curLen; i++) this.#cur[i] = undefined!;
    this.#curLen = 0;
    this.#resetCounts();
    this.iter++; // tracked marks and `lastIter` of the aborted iteration no longer match
  }

  /** Makes the order recorded in this iteration the lookup order of the next one. */
  #adoptOrder(): void {
    const next = this.#nextOrder;
    const n = this.#nextLen;
    // Every entry at its old position and as many as before: the order is the same array content.
    if (!this.#moved && n === this.#order.length) return;
    for (let i = 0; i < n; i++) next[i]!.pos = i;
    if (next.length > n) next.length = n;
    this.#nextOrder = this.#order;
    this.#order = next;
  }

  /**
   * Forgets every storage reference (they become 0, "resolve by labels"): a batch whose
   * commit failed may have created series that do not exist.
   */
  resetRefs(): void {
    for (const e of this.#series.values()) e.ref = 0;
    for (let i = 0; i < this.#prevLen; i++) this.#prev[i]!.ref = 0;
  }

  /**
   * Takes over the live series of `old` (a cache replaced on reload): the first iteration of
   * this cache marks stale those of them whose labels it does not append. Call before the first
   * iteration.
   */
  inherit(old: ScrapeCache): void {
    const byHash = new Map<number, CacheEntry[]>();
    const list: CacheEntry[] = [];
    old.forEachLive((e) => {
      const copy: CacheEntry = { key: e.key, ref: e.ref, labels: e.labels, lastIter: -1, staleIter: -1, pos: -1 };
      list.push(copy);
      const h = e.labels.hash();
      const bucket = byHash.get(h);
      if (bucket) bucket.push(copy);
      else byHash.set(h, [copy]);
    });
    if (list.length === 0) return;
    this.#inherited = byHash;
    this.#inheritedList = list;
  }

  /** Calls `fn` for every series the last finished iteration exposed. */
  forEachLive(fn: (e: CacheEntry) => void): void {
    for (let i = 0; i < this.#prevLen; i++) fn(this.#prev[i]!);
  }

  #matchInherited(labels: Labels): void {
    const bucket = this.#inherited!.get(labels.hash());
    if (bucket === undefined) return;
    for (const e of bucket) if (e.labels.equals(labels)) e.staleIter = this.iter;
  }

  /** Records a `# TYPE` line for family `name`. */
  setType(name: string, type: MetricType): void {
    this.#meta(name).type = type;
  }

  /** Records a `# HELP` line for family `name`. */
  setHelp(name: string, help: string): void {
    this.#meta(name).help = help;
  }

  /** Records a `# UNIT` line for family `name`. */
  setUnit(name: string, unit: string): void {
    this.#meta(name).unit = unit;
  }

  #meta(name: string): MetaEntry {
    let e = this.#metadata.get(name);
    if (e === undefined) {
      e = { type: 'unknown', help: '', unit: '', lastIter: this.iter };
      this.#metadata.set(name, e);
    }
    e.lastIter = this.iter;
    return e;
  }

  listMetadata(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const [metric, e] of this.#metadata) out.push({ metric, type: e.type, help: e.help, unit: e.unit });
    return out;
  }

  getMetadata(metric: string): MetricMetadata | undefined {
    const e = this.#metadata.get(metric);
    return e === undefined ? undefined : { metric, type: e.type, help: e.help, unit: e.unit };
  }

  sizeMetadata(): number {
    let n = 0;
    for (const e of this.#metadata.values()) n += e.help.length + e.unit.length + e.type.length;
    return n;
  }

  lengthMetadata(): number {
    return this.#metadata.size;
  }
}
