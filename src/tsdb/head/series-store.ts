/**
 * The head's series table: lookup by reference (the fast path of every append with a cached
 * ref), by label set through its hash (collisions resolved by comparing labels), and the hot
 * per-series numbers in one interleaved `Float64Array` row per series.
 *
 * Why rows: an append and its commit read and write the series' newest sample, the pending
 * sample of the appender, the open chunk's encoder state and bookkeeping. As object fields
 * these are boxed doubles and small objects scattered over the heap (several cache misses per
 * sample, and objects every major GC has to mark); as one 128-byte row they are two adjacent
 * cache lines, unboxed, and NaN payloads (stale markers) stay bit-exact.
 *
 * The store keeps no object per series: a slot's reference is a number in a typed array and
 * its labels one pointer in an array (the `Labels` the series was created with, or one packed
 * string for series created from the WAL, see `label-codec.ts`). `MemSeries`
 * handles are made on request and are short-lived; a major GC of a million-series head marks
 * the label sets and nothing else per series.
 */
import type { Labels } from '../../model/labels/index.js';
import { copyString, packedEquals, packLabels, unpackLabels, type LabelSource, type RangeIntern } from './label-codec.js';
import { MemSeries } from './memseries.js';
import { SlotHashTable } from './slot-hash-table.js';
import { releasedUntracked, untrackedBuffer } from '../fileutil/index.js';

/** Hash function of label sets (32 bits are used); `hashLabels32` by default, injectable to test collisions. */
export type LabelsHasher = (labels: Labels) => number;

/**
 * A 32-bit FNV-1a hash of a label set's names and values (a separator no UTF-16 code unit
 * equals after each string). Not `Labels.hash()`: that caches a 53-bit double in the label set,
 * which V8 keeps as one more heap object per series for every major GC to mark.
 */
export function hashLabels32(labels: Labels): number {
  let h = 0x811c9dc5;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const name = labels.nameAt(i);
    for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0x10000, 0x01000193);
    const value = labels.valueAt(i);
    for (let k = 0; k < value.length; k++) h = Math.imul(h ^ value.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0x10001, 0x01000193);
  }
  return h;
}

const defaultHasher: LabelsHasher = hashLabels32;

/**
 * Doubles per row (128 bytes: two cache lines). The first `ROW_F64` doubles are float slots
 * (indices below, in doubles from the row start); the rest of the row is read as int32 slots
 * through `SeriesStore.irows` (indices `I_*`, in int32 words from `rowAt(slot) * 2`).
 */
export const ROW = 16;
/**
 * Newest committed sample time (-Infinity when none). Also the open chunk encoder's last
 * timestamp (`XS_T`): the open chunk's newest sample is always the series' newest.
 */
export const LAST_T = 0;
/** The open chunk encoder's last timestamp delta (`XS_TDELTA`, right after `XS_T`). */
export const T_DELTA = 1;
/** Newest committed sample value (bit-exact). */
export const LAST_V = 2;
/** Time of the newest sample buffered by appender `PENDING_OWNER` (not committed yet). */
export const PENDING_T = 3;
/** Value of that buffered sample. */
export const PENDING_V = 4;
/**
 * Id of the newest appender that touched the series (appender ids grow): its pending sample is
 * in `PENDING_T`/`PENDING_V`, and GC spares series that open appenders may commit to.
 */
export const PENDING_OWNER = 5;
/** First sample time of the open chunk. */
export const HEAD_MIN_T = 6;
/** Time at which the next chunk is cut. */
export const NEXT_AT = 7;
/** Arena address of the newest completed chunk (-1: none); see `ChunkArena`. */
export const NEWEST_CLOSED = 8;
/** Oldest sample time held (Infinity when the series has no chunk). */
export const MIN_T = 9;
/** Float slots in use; int32 slots start after them. */
export const ROW_F64 = 10;

/** First int32 slot of the open chunk's encoder state (`XS_*` of chunkenc, 7 slots). */
export const I_ENC = ROW_F64 * 2;
/** Open chunk's page in the open-chunk pool (-1: no open chunk), byte offset and capacity. */
export const I_PAGE = I_ENC + 7;
export const I_OFF = I_ENC + 8;
export const I_CAP = I_ENC + 9;
/** WAL generation in which the series record was written or queued (-1: never). */
export const I_WAL_GEN = I_ENC + 10;
/** Bit flags, `F_*`. */
export const I_FLAGS = I_ENC + 11;
/** Flag: the series is in the postings index (after its first committed sample). */
export const F_INDEXED = 1;
/** Flag: the series has an isolation log (`MemSeries.iso`). */
export const F_ISO = 2;

/** Entries of `SeriesStore.internRange`'s cache (a power of two). */
const RECENT = 4096;

/** Page size of the reference → slot table: references are dense, so pages are mostly full. */
const PAGE = 4096;

/**
 * Rows per page of the row table, as a shift and a mask of the slot (4096 rows, 512 KiB): the
 * table grows by a page at a time and pages never move, so growing copies nothing (a copy of a
 * million-row table into a larger array blocked the event loop for 300–450 ms) and a page read
 * before an `add` stays valid after it. (A resizable `ArrayBuffer` grows in place as well, but
 * typed arrays over one made WAL replay ~20% slower in V8 11.3.)
 */
export const ROW_PAGE_SHIFT = 12;
export const ROW_PAGE_MASK = (1 << ROW_PAGE_SHIFT) - 1;

/** Offset (in doubles) of the row of `slot` in its page `SeriesStore.rows(slot)`; in int32 words: twice that. */
export function rowAt(slot: number): number {
  return (slot & ROW_PAGE_MASK) * ROW;
}

/**
 * Series by reference, slot and labels. References are never reused; slots (row numbers) are
 * reused after a series is deleted.
 */
export class SeriesStore {
  /**
   * Pages of rows of `ROW` doubles: the row of `slot` is at `rowAt(slot)` in page
   * `slot >>> ROW_PAGE_SHIFT` (see `rows`). Pages never move.
   */
  readonly fpages: Float64Array[] = [];
  /** The same pages as int32 words (the row of `slot` starts at `rowAt(slot) * 2`). */
  readonly ipages: Int32Array[] = [];
  /** Labels by slot, as given or packed (`label-codec.ts`); undefined: free slot. */
  readonly #labels: (LabelSource | undefined)[] = [];
  /** Reference by slot (0 for a free slot), in pages like the rows. */
  readonly #refPages: Float64Array[] = [];
  readonly #freeSlots: number[] = [];
  /** Reference → slot + 1 (0: none), in pages. */
  readonly #pages: (Int32Array | undefined)[] = [];
  readonly #pageLive: number[] = [];
  /** Label-set hash → slot. */
  readonly #byHash = new SlotHashTable();
  readonly #hash: LabelsHasher;
  /** Series whose labels are packed, and the interned strings of their names and values (see `intern`). */
  #packed = 0;
  #strings: Map<string, string> | undefined = undefined;
  /**
   * Isolation logs by slot (see `MemSeries.iso`; only while queriers are open): a dense array,
   * grown to the slot count on first use, so that a commit reads its series' log by index.
   */
  readonly #iso: (number[] | undefined)[] = [];
  #isoCount = 0;
  #size = 0;

  constructor(hash: LabelsHasher = defaultHasher) {
    this.#hash = hash;
  }

  /** The label set of the last `#key` call and its key: a miss of `slotByLabels` is followed by `add`. */
  #keyOf: Labels | undefined = undefined;
  #lastKey = 0;

  #key(labels: Labels): number {
    if (labels === this.#keyOf) return this.#lastKey;
    this.#keyOf = labels;
    this.#lastKey = this.#hash(labels) | 0;
    return this.#lastKey;
  }

  /** Number of series. */
  get size(): number {
    return this.#size;
  }

  /** The slot of reference `ref`, or -1. */
  slotOf(ref: number): number {
    const page = this.#pages[(ref / PAGE) | 0];
    return page === undefined ? -1 : page[ref % PAGE]! - 1;
  }

  /** Reference of the series in `slot` (the caller knows the slot is live). */
  refAt(slot: number): number {
    return this.#refPages[slot >>> ROW_PAGE_SHIFT]![slot & ROW_PAGE_MASK]!;
  }

  /** The page holding the row of `slot` (at `rowAt(slot)`); the slot must exist. */
  rows(slot: number): Float64Array {
    return this.fpages[slot >>> ROW_PAGE_SHIFT]!;
  }

  /** `rows` as int32 words (the row at `rowAt(slot) * 2`). */
  irows(slot: number): Int32Array {
    return this.ipages[slot >>> ROW_PAGE_SHIFT]!;
  }

  /**
   * Labels of the series in `slot` (the caller knows the slot is live): a new `Labels` each
   * call for packed ones, whose strings go through `intern` when given.
   */
  labelsAt(slot: number, intern?: RangeIntern): Labels {
    const l = this.#labels[slot]!;
    return typeof l === 'string' ? unpackLabels(l, intern) : l;
  }

  /** @internal The labels of the series in `slot` as kept (a `Labels` or packed), for comparisons without unpacking. */
  labelSourceAt(slot: number): LabelSource {
    return this.#labels[slot]!;
  }

  /**
   * Keeps `labels` (equal to the series' own) as the labels of the series in `slot` when they
   * are packed: a scrape holds that object for as long as it scrapes the series, so the packed
   * copy (from WAL replay) is dropped instead of held twice.
   */
  adoptLabels(slot: number, labels: Labels): void {
    if (typeof this.#labels[slot] === 'string') this.#unpacked(slot, labels);
  }

  /**
   * The labels of the series in `slot`, unpacked for good when they were packed, with names and
   * values shared through `intern`: a series whose labels are read (by a query, a block cut) pays
   * for unpacking once, and then holds no more objects than one appended with its `Labels`.
   */
  keepUnpacked(slot: number): Labels {
    const l = this.#labels[slot]!;
    if (typeof l !== 'string') return l;
    const u = unpackLabels(l, this.internRange);
    this.#unpacked(slot, u);
    return u;
  }

  #unpacked(slot: number, labels: Labels): void {
    this.#labels[slot] = labels;
    if (--this.#packed === 0) {
      this.#strings = undefined;
      this.#recent = undefined;
    }
  }

  /**
   * `intern` of a range of a packed set, through a small direct-mapped cache of recent strings
   * keyed by length and three code units: a hit (most names and many values repeat from one
   * series to the next) costs one `startsWith`, not a substring, its hash and a map lookup.
   */
  readonly internRange = (p: string, start: number, len: number): string => {
    const recent = (this.#recent ??= new Array<string>(RECENT).fill(''));
    const h = len === 0 ? 0 : (Math.imul(len, 0x9e3779b1) ^ Math.imul(p.charCodeAt(start), 31) ^ Math.imul(p.charCodeAt(start + (len >> 1)), 131) ^ p.charCodeAt(start + len - 1)) & (RECENT - 1);
    const c = recent[h]!;
    if (c.length === len && p.startsWith(c, start)) return c;
    const s = this.intern(p.substring(start, start + len));
    recent[h] = s;
    return s;
  };
  #recent: string[] | undefined = undefined;

  /**
   * The canonical copy of a label name or value of packed series (postings keys, unpacked
   * labels: one string per distinct name and value). The table lives while packed series do:
   * it holds the strings of replayed series, which no other series adds to.
   */
  readonly intern = (s: string): string => {
    const strings = (this.#strings ??= new Map());
    const c = strings.get(s);
    if (c !== undefined) return c;
    // A copy: `s` may be a slice that keeps a whole packed label set alive.
    const own = copyString(s);
    strings.set(own, own);
    return own;
  };

  /** A handle on the series in `slot` (the caller knows the slot is live). */
  atSlot(slot: number): MemSeries {
    return new MemSeries(this, slot);
  }

  /** A handle on the series with reference `ref`, or undefined. */
  getByRef(ref: number): MemSeries | undefined {
    const slot = this.slotOf(ref);
    return slot < 0 ? undefined : new MemSeries(this, slot);
  }

  /** The slot of the series whose labels equal `labels`, or -1. */
  slotByLabels(labels: Labels): number {
    const key = this.#key(labels);
    const table = this.#byHash;
    for (let e = table.next(key); e >= 0; e = table.next(key, e)) {
      const slot = table.slotAt(e);
      const l = this.#labels[slot]!;
      if (typeof l === 'string' ? packedEquals(l, labels) : l.equals(labels)) return slot;
    }
    return -1;
  }

  /** A handle on the series whose labels equal `labels`, or undefined. */
  getByLabels(labels: Labels): MemSeries | undefined {
    const slot = this.slotByLabels(labels);
    return slot < 0 ? undefined : new MemSeries(this, slot);
  }

  /**
   * Adds the series `ref` with `labels` and returns its slot, whose row starts as "no samples";
   * the caller ensures no series with its labels or reference exists. `pack`: keep the labels
   * packed into one string (for label sets nothing else holds, such as replayed ones).
   */
  add(ref: number, labels: Labels, pack = false): number {
    const kept = pack ? (packLabels(labels) ?? labels) : labels;
    if (typeof kept === 'string') this.#packed++;
    let slot = this.#freeSlots.pop();
    if (slot === undefined) {
      slot = this.#labels.length;
      this.#labels.push(kept);
      if (slot >>> ROW_PAGE_SHIFT === this.fpages.length) this.#addPage();
    } else {
      this.#labels[slot] = kept;
    }
    this.#refPages[slot >>> ROW_PAGE_SHIFT]![slot & ROW_PAGE_MASK] = ref;
    const o = rowAt(slot);
    const st = this.rows(slot);
    st.fill(0, o, o + ROW);
    st[o + LAST_T] = -Infinity;
    st[o + PENDING_T] = -Infinity;
    st[o + NEXT_AT] = -Infinity;
    st[o + NEWEST_CLOSED] = -1;
    st[o + MIN_T] = Infinity;
    const is = this.irows(slot);
    const io = o * 2;
    is[io + I_PAGE] = -1;
    is[io + I_WAL_GEN] = -1;
    const p = (ref / PAGE) | 0;
    while (this.#pages.length <= p) {
      this.#pages.push(undefined);
      this.#pageLive.push(0);
    }
    let page = this.#pages[p];
    if (page === undefined) {
      page = new Int32Array(untrackedBuffer(PAGE * 4));
      this.#pages[p] = page;
    }
    page[ref % PAGE] = slot + 1;
    this.#pageLive[p]!++;
    this.#size++;
    this.#byHash.insert(this.#key(labels), slot);
    return slot;
  }

  /** Adds a page of rows (and of references). */
  #addPage(): void {
    const f = new Float64Array(untrackedBuffer((ROW << ROW_PAGE_SHIFT) * 8));
    this.fpages.push(f);
    this.ipages.push(new Int32Array(f.buffer));
    this.#refPages.push(new Float64Array(untrackedBuffer((1 << ROW_PAGE_SHIFT) * 8)));
  }

  /** Removes series `ref` (no-op when absent); its slot is reused later, empty pages are freed. */
  delete(ref: number): void {
    const slot = this.slotOf(ref);
    if (slot < 0) return;
    const p = (ref / PAGE) | 0;
    this.#pages[p]![ref % PAGE] = 0;
    if (--this.#pageLive[p]! === 0) {
      this.#pages[p] = undefined;
      releasedUntracked(PAGE * 4);
    }
    const labels = this.labelsAt(slot);
    if (typeof this.#labels[slot] === 'string') this.#unpacked(slot, labels);
    this.#labels[slot] = undefined;
    this.#refPages[slot >>> ROW_PAGE_SHIFT]![slot & ROW_PAGE_MASK] = 0;
    this.setIso(slot, undefined);
    this.#freeSlots.push(slot);
    this.#size--;
    this.#byHash.delete(this.#key(labels), slot);
  }

  /** The isolation log of the series in `slot` (see `MemSeries.iso`). */
  isoAt(slot: number): number[] | undefined {
    return slot < this.#iso.length ? this.#iso[slot] : undefined;
  }

  /** Sets or (undefined) drops the isolation log of the series in `slot`. */
  setIso(slot: number, a: number[] | undefined): void {
    const is = this.irows(slot);
    const i = rowAt(slot) * 2 + I_FLAGS;
    const iso = this.#iso;
    if (a === undefined) {
      if (slot < iso.length && iso[slot] !== undefined) {
        iso[slot] = undefined;
        this.#isoCount--;
      }
      is[i] = is[i]! & ~F_ISO;
      return;
    }
    if (slot >= iso.length) {
      // Dense (no holes), so that V8 keeps it a plain array rather than a dictionary.
      const n = Math.max(slot + 1, this.#labels.length);
      for (let k = iso.length; k < n; k++) iso.push(undefined);
    }
    if (iso[slot] === undefined) this.#isoCount++;
    iso[slot] = a;
    is[i] = is[i]! | F_ISO;
  }

  /** Number of isolation logs held. */
  get isoCount(): number {
    return this.#isoCount;
  }

  /** Rows in use or free for reuse (the highest slot + 1). */
  slotCount(): number {
    return this.#labels.length;
  }

  /** Bytes of the reference → slot pages, the slot → reference table and the label hash table (for memory accounting). */
  pageBytes(): number {
    let n = this.#byHash.bytes;
    for (const p of this.#refPages) n += p.byteLength;
    for (const p of this.#pages) if (p !== undefined) n += p.byteLength;
    return n;
  }

  /** Bytes of the row pages (for memory accounting). */
  rowBytes(): number {
    return this.fpages.length * (ROW << ROW_PAGE_SHIFT) * 8;
  }

  /** Calls `fn` with a handle on every series, in slot order. */
  forEach(fn: (s: MemSeries) => void): void {
    const all = this.#labels;
    for (let i = 0; i < all.length; i++) if (all[i] !== undefined) fn(new MemSeries(this, i));
  }

  /** Handles on every series (a snapshot array, safe to iterate while deleting). */
  values(): MemSeries[] {
    const out: MemSeries[] = [];
    this.forEach((s) => out.push(s));
    return out;
  }

  /**
   * Whether `slot` holds a series. With `slotCount()` this is the walk for passes that pause
   * between slices: `for (slot = 0; slot < end; slot++) if (isLive(slot)) …` visits every series
   * that lives through the walk exactly once (a series never changes slot), needs no snapshot
   * (`refs()` of a million series is an 8 MiB array and ~10 ms in one turn), and skips series
   * deleted meanwhile. A series added meanwhile may or may not be visited (it may reuse a freed
   * slot ahead of the walk).
   */
  isLive(slot: number): boolean {
    return slot < this.#labels.length && this.#labels[slot] !== undefined;
  }

  /**
   * The references of every series, in slot order: a snapshot for passes that pause between
   * slices (re-resolve each with `slotOf`: it may be gone by then). Holds no object per series,
   * but is one pass over every slot in one turn: sliced passes walk slots (`isLive`) instead.
   */
  refs(): Float64Array {
    const out = new Float64Array(this.#size);
    const all = this.#labels;
    let n = 0;
    for (let i = 0; i < all.length; i++) if (all[i] !== undefined) out[n++] = this.refAt(i);
    return out;
  }
}
