/**
 * The index's postings offset table (label name, value → offset of the postings list), read
 * sparsely as upstream does: the open pass walks every entry once (structure, order, offsets
 * in the file) but keeps, per label name, only every `POSTINGS_STEP`-th value and its entry's
 * position. A lookup binary-searches those samples and scans forward at most `POSTINGS_STEP`
 * entries, comparing bytes in place; listing a name's values walks its entries. At 500k values
 * this keeps ~1/32 of the strings the full table would, and the open pass decodes only those.
 */
import { CorruptionError, type DecBuf } from '../fileutil/index.js';
import { compareUtf8, INDEX_HEADER_LEN } from './format.js';
import type { Step } from './sliced.js';

/** Every how many values of a name one is kept in memory. */
export const POSTINGS_STEP = 32;

/** Entries walked between pause points of the open pass. */
const PAUSE_EVERY = 4096;

/** One label name's consecutive entries in the table. */
interface NameRun {
  /** Number of values (entries) of the name. */
  count: number;
  /** Values of entries 0, STEP, 2·STEP, … of the run, decoded. */
  samples: string[];
  /** File offsets of those entries. */
  positions: number[];
}

/** Byte order of `buf[aOff, aOff+aLen)` and `buf[bOff, bOff+bLen)` (Go's string order on UTF-8). */
function compareRanges(buf: Uint8Array, aOff: number, aLen: number, bOff: number, bLen: number): number {
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const c = buf[aOff + i]! - buf[bOff + i]!;
    if (c !== 0) return c;
  }
  return aLen - bLen;
}

/** Byte order of `buf[off, off+len)` and `t`. */
function compareTo(buf: Uint8Array, off: number, len: number, t: Uint8Array): number {
  const n = len < t.length ? len : t.length;
  for (let i = 0; i < n; i++) {
    const c = buf[off + i]! - t[i]!;
    if (c !== 0) return c;
  }
  return len - t.length;
}

/** A value to look up, as string (for the samples) and UTF-8 (for the scan). */
interface Target {
  str: string;
  bytes: Buffer;
}

/** The postings offset table of one index file image. */
export class PostingsTable {
  /** The file image. */
  readonly #buf: Buffer;
  readonly #names: string[];
  readonly #runs: Map<string, NameRun>;
  /** Offset of the all-series postings list (the `"", ""` entry), or -1. */
  readonly all: number;
  // The entry last parsed by #entry.
  #valOff = 0;
  #valLen = 0;
  #post = 0;

  private constructor(buf: Buffer, names: string[], runs: Map<string, NameRun>, all: number) {
    this.#buf = buf;
    this.#names = names;
    this.#runs = runs;
    this.all = all;
  }

  /**
   * The open pass over the table body `[start, end)` with `d`, a cursor over the file image.
   * Checks every entry's shape, that
   * names and each name's values are sorted, and that each postings offset lies in the file;
   * throws `CorruptionError` otherwise.
   */
  static *read(d: DecBuf, file: string, start: number, end: number): Step<PostingsTable> {
    const buf = d.buf;
    const fail = (at: number, what: string): never => {
      throw new CorruptionError(file, at, what);
    };
    d.reset(start, end);
    const n = d.be32();
    const names: string[] = [];
    const runs = new Map<string, NameRun>();
    let all = -1;
    let run: NameRun | undefined;
    let name = '';
    let prevNameOff = 0;
    let prevNameLen = -1;
    let prevValOff = 0;
    let prevValLen = 0;
    for (let i = 0; i < n; i++) {
      const at = d.off;
      const k = d.uvarint();
      if (k !== 2) fail(at, `postings offset entry has ${k} keys, want 2`);
      const nameLen = d.uvarint();
      const nameOff = d.off;
      d.skip(nameLen);
      const valLen = d.uvarint();
      const valOff = d.off;
      d.skip(valLen);
      const p = d.uvarint();
      if (p < INDEX_HEADER_LEN || p >= buf.length) fail(at, `postings offset ${p} outside the file`);
      if (nameLen === 0 && valLen === 0) {
        all = p;
      } else {
        const c = prevNameLen < 0 ? 1 : compareRanges(buf, nameOff, nameLen, prevNameOff, prevNameLen);
        if (c !== 0) {
          const next = buf.toString('utf8', nameOff, nameOff + nameLen);
          if (c < 0) fail(at, `postings offset table not sorted: ${JSON.stringify(next)} after ${JSON.stringify(name)}`);
          name = next;
          run = { count: 0, samples: [], positions: [] };
          runs.set(name, run);
          names.push(name);
        } else if (compareRanges(buf, valOff, valLen, prevValOff, prevValLen) <= 0) {
          fail(at, `postings offset table not sorted: ${name}=${JSON.stringify(buf.toString('utf8', valOff, valOff + valLen))}`);
        }
        if (run!.count % POSTINGS_STEP === 0) {
          run!.samples.push(buf.toString('utf8', valOff, valOff + valLen));
          run!.positions.push(at);
        }
        run!.count++;
        prevNameOff = nameOff;
        prevNameLen = nameLen;
        prevValOff = valOff;
        prevValLen = valLen;
      }
      if (i % PAUSE_EVERY === PAUSE_EVERY - 1) {
        const resume = d.off;
        yield;
        d.reset(resume, end);
      }
    }
    if (d.remaining() !== 0) fail(d.off, `${d.remaining()} bytes after the last postings offset entry`);
    return new PostingsTable(buf, names, runs, all);
  }

  /**
   * Parses the entry at `at` into `#valOff`, `#valLen`, `#post`; returns the next entry's offset.
   * Reads the bytes directly: the open pass has checked every entry's structure and bounds.
   */
  #entry(at: number): number {
    const buf = this.#buf;
    let i = at + 1; // the key count, 2
    let n = buf[i++]!;
    if (n >= 0x80) [n, i] = slowUvarint(buf, i - 1);
    i += n;
    n = buf[i++]!;
    if (n >= 0x80) [n, i] = slowUvarint(buf, i - 1);
    this.#valOff = i;
    this.#valLen = n;
    i += n;
    n = buf[i++]!;
    if (n >= 0x80) [n, i] = slowUvarint(buf, i - 1);
    this.#post = n;
    return i;
  }

  /** Label names with at least one value, in byte order (a copy). */
  names(): string[] {
    return this.#names.slice();
  }

  /** Whether `name` has entries. */
  has(name: string): boolean {
    return this.#runs.has(name);
  }

  /** Number of values of `name` (0 when unknown). */
  count(name: string): number {
    return this.#runs.get(name)?.count ?? 0;
  }

  /** Calls `fn(valueOffset, valueLength, postingsOffset)` for each value of `name`, in order. */
  #walk(run: NameRun, fn: (valOff: number, valLen: number, post: number) => void): void {
    let at = run.positions[0]!;
    for (let i = 0; i < run.count; i++) {
      at = this.#entry(at);
      fn(this.#valOff, this.#valLen, this.#post);
    }
  }

  /** Values of `name` in byte order (empty when the name is unknown). */
  values(name: string): string[] {
    const run = this.#runs.get(name);
    if (run === undefined) return [];
    const out = new Array<string>(run.count);
    const buf = this.#buf;
    let i = 0;
    this.#walk(run, (off, len) => {
      out[i++] = buf.toString('utf8', off, off + len);
    });
    return out;
  }

  /** Postings offsets of every value of `name`, in value order. */
  offsetsOfAll(name: string): number[] {
    const run = this.#runs.get(name);
    if (run === undefined) return [];
    const out: number[] = [];
    this.#walk(run, (_o, _l, post) => out.push(post));
    return out;
  }

  /**
   * Postings offsets of those of `values` that `name` has (in byte order of the values; unknown
   * values are left out). The values are sorted first and found in one forward pass, so a long
   * list costs at most one walk over the name's entries.
   */
  offsetsOf(name: string, values: readonly string[]): number[] {
    const run = this.#runs.get(name);
    if (run === undefined || values.length === 0) return [];
    const targets: Target[] = values.map((str) => ({ str, bytes: Buffer.from(str, 'utf8') }));
    if (targets.length > 1) targets.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const buf = this.#buf;
    const out: number[] = [];
    // Cursor: entry index `ci` of the run at file offset `cAt`; never moves backwards.
    let ci = -1;
    let cAt = 0;
    for (const t of targets) {
      const k = lastSampleAtMost(run.samples, t.str);
      if (k < 0) continue;
      if (k * POSTINGS_STEP > ci) {
        ci = k * POSTINGS_STEP;
        cAt = run.positions[k]!;
      }
      const stop = Math.min(run.count, (k + 1) * POSTINGS_STEP);
      while (ci < stop) {
        const next = this.#entry(cAt);
        const c = compareTo(buf, this.#valOff, this.#valLen, t.bytes);
        if (c > 0) break;
        ci++;
        cAt = next;
        if (c === 0) {
          out.push(this.#post);
          break;
        }
      }
    }
    return out;
  }
}

/** The uvarint at `buf[at]` (already validated) and the offset after it. */
function slowUvarint(buf: Uint8Array, at: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const b = buf[at++]!;
    v += (b & 0x7f) * mul;
    if (b < 0x80) return [v, at];
    mul *= 128;
  }
}

/** Index of the last of `samples` (sorted by `compareUtf8`) that is ≤ `v`, or -1. */
function lastSampleAtMost(samples: readonly string[], v: string): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(samples[mid]!, v) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
