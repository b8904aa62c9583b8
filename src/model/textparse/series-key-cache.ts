/**
 * Series key reuse across scrapes of one target: a scrape cache looks every series key up in a
 * Map, and a key string that is the very object stored in the Map from the previous scrape hashes
 * (cached hash) and compares (same pointer) for free, while a fresh string must be hashed and
 * compared char by char, and then collected.
 */
import { latin1 } from './strings.js';

/** Spare room when the byte copy of a body grows, so that slowly growing bodies do not reallocate every scrape. */
const GROWTH = 1.25;

/**
 * Remembers the series keys of the last body parsed to its end, in order, and hands the same
 * string objects back when a new body has the same bytes at about the same position (a window of
 * one series before and after absorbs series that appear or disappear). Bytes are always
 * compared, so a returned key is always exact.
 *
 * The comparison reads four bytes at a time from a copy of that previous body (the keys'
 * offsets in it are recorded), which is several times faster than comparing body bytes with a
 * string's characters. The copy is made when a parser reaches the end of its body (`end`); a
 * body that fails to parse leaves the previous body's keys and bytes in place. One cache per
 * target, serving one parser at a time (`begin` is called by the parser that uses it). Holds the
 * key strings and one copy of the last complete body (its size in bytes, reused across scrapes).
 */
export class SeriesKeyCache {
  /** Keys of the last complete body, their offsets in `#bytes`, and how many. */
  #prev: string[] = [];
  #prevOff: number[] = [];
  #prevLen = 0;
  /** Keys of the body being parsed and their offsets in it. */
  #cur: string[] = [];
  #curOff: number[] = [];
  #curLen = 0;
  /** Copy of the last complete body, and a view over its first `#bytesLen` bytes. */
  #bytes: Buffer = Buffer.alloc(0);
  #bytesView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** View over the body being parsed. */
  #view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  #body: Buffer | undefined;
  #j = 0;
  /** Keys handed out that were reused from the previous body, and in total (for tests and metrics). */
  hits = 0;
  lookups = 0;

  /** Starts parsing `body`; keys of an earlier body that did not reach `end` are dropped. */
  begin(body: Buffer): void {
    this.#body = body;
    this.#view = new DataView(body.buffer, body.byteOffset, body.length);
    this.#curLen = 0;
    this.#j = 0;
  }

  /**
   * The body passed to `begin` was parsed to its end: its keys become the ones to reuse, and its
   * bytes are copied for the comparisons. Only the first call after `begin` counts.
   */
  end(): void {
    const body = this.#body;
    if (body === undefined) return;
    this.#body = undefined;
    if (body.length > this.#bytes.length) {
      this.#bytes = Buffer.allocUnsafeSlow(Math.ceil(body.length * GROWTH));
      this.#bytesView = new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.length);
    }
    body.copy(this.#bytes, 0, 0, body.length);
    const keys = this.#prev;
    const offs = this.#prevOff;
    this.#prev = this.#cur;
    this.#prevOff = this.#curOff;
    this.#prevLen = this.#curLen;
    this.#cur = keys;
    this.#curOff = offs;
    // Drop references held by the reused array's tail so forgotten keys can be collected.
    if (keys.length > this.#prevLen * 2 + 64) {
      keys.length = this.#prevLen;
      offs.length = this.#prevLen;
    }
    this.#curLen = 0;
  }

  /** True when the previous body's key `k` is exactly `n` bytes long and equals the current body at `s`. */
  #equalAt(k: number, s: number, n: number): boolean {
    const v = this.#view;
    const w = this.#bytesView;
    const o = this.#prevOff[k]!;
    // Backwards: keys of neighbouring series share the metric name and differ in the last labels.
    let i = n - 4;
    for (; i >= 0; i -= 4) if (v.getInt32(s + i) !== w.getInt32(o + i)) return false;
    for (i += 3; i >= 0; i--) if (v.getUint8(s + i) !== w.getUint8(o + i)) return false;
    return true;
  }

  /** True when key `k` of the previous body fits in `[s, end)` and its bytes are there. */
  #prefixAt(k: number, s: number, end: number): boolean {
    const n = this.#prev[k]!.length;
    return s + n <= end && this.#equalAt(k, s, n);
  }

  /**
   * The index of a key of the previous body that the current body holds at offset `s` (trying
   * the expected position and its neighbours), or -1. The bytes after it are the caller's to
   * check: a match may be a prefix of a longer series. Follow with `take(k, s)` to use it.
   */
  prefixAt(s: number, end: number): number {
    const j = this.#j;
    const n = this.#prevLen;
    if (j < n && this.#prefixAt(j, s, end)) return j;
    if (j + 1 < n && this.#prefixAt(j + 1, s, end)) return j + 1;
    if (j > 0 && j - 1 < n && this.#prefixAt(j - 1, s, end)) return j - 1;
    return -1;
  }

  /** The previous body's key `k` (from `prefixAt`). */
  peek(k: number): string {
    return this.#prev[k]!;
  }

  /** Uses the previous body's key `k` as the key at offset `s` of this body and returns it. */
  take(k: number, s: number): string {
    const key = this.#prev[k]!;
    this.lookups++;
    this.hits++;
    this.#j = k + 1;
    this.#record(key, s);
    return key;
  }

  /** The key for `b[s:e]` of the current body (latin1, one char per byte): the previous body's string when the bytes match, else a new one. */
  key(b: Buffer, s: number, e: number): string {
    this.lookups++;
    const prev = this.#prev;
    const j = this.#j;
    const len = e - s;
    const n = this.#prevLen;
    let k = -1;
    if (j < n && prev[j]!.length === len && this.#equalAt(j, s, len)) k = j;
    else if (j + 1 < n && prev[j + 1]!.length === len && this.#equalAt(j + 1, s, len)) k = j + 1;
    else if (j > 0 && j - 1 < n && prev[j - 1]!.length === len && this.#equalAt(j - 1, s, len)) k = j - 1;
    let key: string;
    if (k >= 0) {
      key = prev[k]!;
      this.#j = k + 1;
      this.hits++;
    } else {
      key = latin1(b, s, e);
      this.#j = j + 1;
    }
    this.#record(key, s);
    return key;
  }

  #record(key: string, s: number): void {
    const i = this.#curLen++;
    this.#cur[i] = key;
    this.#curOff[i] = s;
  }
}
