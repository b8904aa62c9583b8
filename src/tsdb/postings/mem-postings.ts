/**
 * The head's inverted index: label name → label value → ascending series references, plus the
 * list of all references. Owned by the event loop like the rest of the head; no locks.
 *
 * Lists live in typed arrays (`RefList`), and a value held by one series keeps its reference
 * as a plain number in the value map, with no list at all: a label with 500 k distinct values
 * (one series each) costs map entries only, not 500 k arrays for every major GC to mark.
 */
import type { Labels } from '../../model/labels/index.js';
import { compareStrings } from '../../model/labels/index.js';
import { bitmapUnion, bitmapUnionPays } from './bitmap-union.js';
import { RefList } from './ref-list.js';
import { unionSorted, type SortedRefs } from './sorted-lists.js';
import { ValueMap } from './value-map.js';
import { ValueOrder } from './value-order.js';

const EMPTY: SortedRefs = Object.freeze([]);

/** References and labels visited per step of `deleteSteps` (about a millisecond of work). */
const DELETE_STEP_WORK = 1 << 16;

/** The references of one label pair: a lone reference, or a list of two or more. */
type Entry = number | RefList;

/** The values of one label name, and their order for `labelValues`. */
interface NameIndex {
  readonly values: ValueMap<Entry>;
  readonly order: ValueOrder;
}

function refsOf(e: Entry): SortedRefs {
  return typeof e === 'number' ? [e] : e.view();
}

/**
 * In-memory postings. Lists returned by `get`/`all` are views of the live lists: callers must
 * treat them as read-only and must not keep them across a later `add`/`delete` (copy them to
 * keep a stable view). References are expected to grow, which makes `add` O(labels).
 */
export class MemPostings {
  readonly #byName = new Map<string, NameIndex>();
  #all: RefList | undefined = undefined;

  /** Number of series indexed. */
  get size(): number {
    return this.#all?.length ?? 0;
  }

  /** Indexes series `ref` under each of its label pairs. */
  add(ref: number, labels: Labels): void {
    if (this.#all === undefined) this.#all = new RefList(ref, 1024);
    else this.#all.insert(ref);
    const n = labels.length;
    for (let i = 0; i < n; i++) {
      const name = labels.nameAt(i);
      let ni = this.#byName.get(name);
      if (ni === undefined) {
        ni = { values: new ValueMap(), order: new ValueOrder() };
        this.#byName.set(name, ni);
      }
      const values = ni.values;
      const value = labels.valueAt(i);
      const e = values.get(value);
      if (e === undefined) {
        values.set(value, ref);
        ni.order.added(value, values);
      } else if (typeof e !== 'number') e.insert(ref);
      else if (e !== ref) {
        const list = new RefList(e);
        list.insert(ref);
        values.set(value, list);
      }
    }
  }

  /**
   * Removes the given series (reference → its labels) from every list they are in; each
   * affected list is filtered once, so deleting many series of one metric is linear.
   */
  delete(series: ReadonlyMap<number, Labels>): void {
    const steps = this.deleteSteps(series);
    while (steps.next().done !== true);
  }

  /**
   * `delete` in steps of about `DELETE_STEP_WORK` references and labels visited: the generator
   * yields after each, and the caller may pause there (adds, deletes and reads may run in
   * between: each list is filtered in one step). Until the last step, lists may still hold some
   * of the deleted references. Deleting half of a million series took 0.7 s in one piece.
   */
  *deleteSteps(series: ReadonlyMap<number, Labels>): Generator<void, void, void> {
    if (series.size === 0) return;
    let work = 0;
    let min = Infinity;
    let max = -Infinity;
    const affected = new Map<string, Set<string>>();
    for (const [ref, labels] of series) {
      if (ref < min) min = ref;
      if (ref > max) max = ref;
      labels.forEach((name, value) => {
        let vs = affected.get(name);
        if (vs === undefined) {
          vs = new Set();
          affected.set(name, vs);
        }
        vs.add(value);
      });
      work += labels.length;
      if (work >= DELETE_STEP_WORK) {
        work = 0;
        yield;
      }
    }
    // The deleted references as a bitmap over their range: a filter's test per reference is a
    // bit read, not a lookup in `series`.
    const bits = new Uint8Array(((max - min) >>> 3) + 1);
    for (const ref of series.keys()) bits[(ref - min) >>> 3] |= 1 << ((ref - min) & 7);
    work = 0;
    yield;
    const gone = (r: number): boolean => r >= min && r <= max && (bits[(r - min) >>> 3]! & (1 << ((r - min) & 7))) !== 0;
    for (const [name, vs] of affected) {
      for (const value of vs) {
        // Looked up afresh after every pause: the name's index may have changed meanwhile.
        const ni = this.#byName.get(name);
        if (ni === undefined) break;
        const values = ni.values;
        const e = values.get(value);
        if (e === undefined) continue;
        const left = typeof e === 'number' ? (gone(e) ? 0 : 1) : e.removeMarked(bits, min, max);
        work += typeof e === 'number' ? 1 : e.length + left;
        if (left === 0) {
          values.delete(value);
          ni.order.removed(value);
        } else if (left === 1 && typeof e !== 'number') values.set(value, e.last());
        if (values.size === 0) this.#byName.delete(name);
        if (work >= DELETE_STEP_WORK) {
          work = 0;
          yield;
        }
      }
    }
    if (this.#all !== undefined && this.#all.removeMarked(bits, min, max) === 0) this.#all = undefined;
  }

  /** References of series with label `name` = `value` (empty when none). */
  get(name: string, value: string): SortedRefs {
    const e = this.#byName.get(name)?.values.get(value);
    return e === undefined ? EMPTY : refsOf(e);
  }

  /** References of every indexed series. */
  all(): SortedRefs {
    return this.#all?.view() ?? EMPTY;
  }

  /** The union of the lists of `name` for each of `values` (missing values contribute nothing). */
  getMany(name: string, values: readonly string[]): SortedRefs {
    const vs = this.#byName.get(name)?.values;
    if (vs === undefined) return EMPTY;
    const u = new Union();
    for (const v of values) u.add(vs.get(v));
    return u.result();
  }

  /** References of every series that has label `name` (any value). */
  forName(name: string): SortedRefs {
    const vs = this.#byName.get(name)?.values;
    if (vs === undefined) return EMPTY;
    const u = new Union();
    // The maps themselves: their native iterators, not `ValueMap.values()`'s generator (10x slower).
    for (const m of vs.maps()) for (const e of m.values()) u.add(e);
    return u.result();
  }

  /** Sorted label names present in the index. */
  labelNames(): string[] {
    return [...this.#byName.keys()].sort(compareStrings);
  }

  /**
   * Sorted values of label `name` present in the index (a fresh array). The order is kept
   * between calls (see `ValueOrder`): after the first call, a call costs O(values), not a sort.
   */
  labelValues(name: string): string[] {
    const ni = this.#byName.get(name);
    return ni === undefined ? [] : ni.order.sorted(ni.values);
  }

  /** Unsorted values of `name` (for matcher evaluation, where order does not matter). */
  rawLabelValues(name: string): IterableIterator<string> {
    const vs = this.#byName.get(name)?.values;
    return vs === undefined ? [].values() : vs.keys();
  }

  /** Number of distinct values of `name` (0 when absent). */
  valueCount(name: string): number {
    return this.#byName.get(name)?.values.size ?? 0;
  }

  /** Bytes of the typed arrays holding the lists (outside the JS heap; for memory accounting). O(label pairs). */
  bytes(): number {
    let n = this.#all?.bytes ?? 0;
    for (const ni of this.#byName.values()) for (const e of ni.values.values()) if (typeof e !== 'number') n += e.bytes;
    return n;
  }

  /**
   * Calls `fn` for every (name, value, refs) entry; order unspecified. For statistics such as
   * the TSDB status page (cardinality per label pair).
   */
  forEach(fn: (name: string, value: string, refs: SortedRefs) => void): void {
    for (const [name, ni] of this.#byName) for (const [value, e] of ni.values.entries()) fn(name, value, refsOf(e));
  }
}

/**
 * Builds the union of entries added one by one (undefined ones contribute nothing). Dense unions
 * (many references in a narrow range, as for `=~".+"` over a name most series have) go through a
 * bitmap (`bitmap-union.ts`); otherwise lone references are gathered into one sorted list first,
 * so that a name with many single-series values merges two lists per level of the merge tree, not
 * one per value.
 */
class Union {
  readonly #lists: SortedRefs[] = [];
  #lone: number[] | undefined = undefined;
  #total = 0;
  #min = Infinity;
  #max = -Infinity;

  add(e: Entry | undefined): void {
    if (e === undefined) return;
    if (typeof e === 'number') {
      (this.#lone ??= []).push(e);
      if (e < this.#min) this.#min = e;
      if (e > this.#max) this.#max = e;
      this.#total++;
      return;
    }
    const v = e.view();
    this.#lists.push(v);
    if (v[0]! < this.#min) this.#min = v[0]!;
    if (v[v.length - 1]! > this.#max) this.#max = v[v.length - 1]!;
    this.#total += v.length;
  }

  result(): SortedRefs {
    const lists = this.#lists;
    const lone = this.#lone;
    if (lone === undefined && lists.length <= 1) return lists[0] ?? EMPTY;
    if (bitmapUnionPays(this.#total, this.#min, this.#max)) return bitmapUnion(lists, lone, this.#min, this.#max, this.#total);
    if (lone !== undefined) lists.push(lone.length > 1 ? new Float64Array(lone).sort() : lone);
    return unionSorted(lists);
  }
}
