/**
 * The index's symbol table, read sparsely: the open pass walks every entry once (bounds and
 * structure) but keeps only the offset of every `SYMBOL_STEP`-th symbol; a lookup jumps to the
 * sample before it and skips at most `SYMBOL_STEP - 1` entries. Decoded strings are cached so
 * that each symbol becomes one shared JavaScript string.
 */
import { CorruptionError, DecBuf } from '../fileutil/index.js';
import type { Step } from './sliced.js';

/** Every how many symbols an offset is kept (upstream keeps every 32nd as well). */
export const SYMBOL_STEP = 32;

/** Symbols per page of the decoded-symbol cache. */
const CACHE_PAGE = 4096;

/** Symbols walked between pause points of the open pass. */
const PAUSE_EVERY = 4096;

/** The symbol table of one index file image. */
export class SymbolTable {
  readonly #d: DecBuf;
  readonly #file: string;
  readonly #tableOff: number;
  readonly #count: number;
  /** File offset of symbol `k * SYMBOL_STEP`. */
  readonly #samples: Float64Array;
  /**
   * Decoded symbols by reference, filled on use, in pages of `CACHE_PAGE` made on first use: one
   * array of a million slots (a block of a million series) cost 20 ms in the turn that opened the
   * index.
   */
  readonly #cache: ((string | undefined)[] | undefined)[];

  private constructor(d: DecBuf, file: string, tableOff: number, count: number, samples: Float64Array) {
    this.#d = d;
    this.#file = file;
    this.#tableOff = tableOff;
    this.#count = count;
    this.#samples = samples;
    this.#cache = new Array<(string | undefined)[] | undefined>(Math.ceil(count / CACHE_PAGE)).fill(undefined);
  }

  /**
   * The open pass over the table body `[start, end)` (after `len`, before the CRC) of the table
   * at `tableOff`; `d` is a cursor over the file image that the table keeps for lookups (no
   * other user may move it). Throws `CorruptionError` for a table that does not parse.
   */
  static *read(d: DecBuf, file: string, tableOff: number, start: number, end: number): Step<SymbolTable> {
    d.reset(start, end);
    const n = d.be32();
    if (n > end - d.off) throw new CorruptionError(file, tableOff, `symbol table claims ${n} symbols in ${end - d.off} bytes`);
    const samples = new Float64Array(Math.ceil(n / SYMBOL_STEP));
    for (let i = 0; i < n; i++) {
      if (i % SYMBOL_STEP === 0) samples[i / SYMBOL_STEP] = d.off;
      d.skip(d.uvarint());
      if (i % PAUSE_EVERY === PAUSE_EVERY - 1) {
        const at = d.off;
        yield;
        d.reset(at, end);
      }
    }
    if (d.remaining() !== 0) throw new CorruptionError(file, d.off, `${d.remaining()} bytes after the last symbol`);
    return new SymbolTable(d, file, tableOff, n, samples);
  }

  /** Number of symbols. */
  get length(): number {
    return this.#count;
  }

  /** Every symbol in table order, by one forward walk (not `length` lookups, each a scan). */
  *values(): IterableIterator<string> {
    if (this.#count === 0) return;
    const d = new DecBuf(this.#d.buf, this.#samples[0]!, this.#d.buf.length, this.#file);
    for (let i = 0; i < this.#count; i++) {
      const cached = this.#cached(i);
      if (cached !== undefined) {
        d.skip(d.uvarint());
        yield cached;
      } else {
        yield this.#keep(i, d.uvarintStr());
      }
    }
  }

  /** The symbol at position `ref`. */
  get(ref: number): string {
    const s = ref >= 0 && ref < this.#count ? this.#cached(ref) : undefined;
    if (s !== undefined) return s;
    if (!(ref >= 0 && ref < this.#count)) throw new CorruptionError(this.#file, this.#tableOff, `symbol reference ${ref} out of range (${this.#count} symbols)`);
    const k = Math.floor(ref / SYMBOL_STEP);
    const d = this.#d.reset(this.#samples[k]!, this.#d.buf.length);
    for (let i = k * SYMBOL_STEP; i < ref; i++) d.skip(d.uvarint());
    return this.#keep(ref, d.uvarintStr());
  }

  #cached(ref: number): string | undefined {
    return this.#cache[Math.floor(ref / CACHE_PAGE)]?.[ref % CACHE_PAGE];
  }

  #keep(ref: number, str: string): string {
    const page = (this.#cache[Math.floor(ref / CACHE_PAGE)] ??= new Array<string | undefined>(CACHE_PAGE).fill(undefined));
    page[ref % CACHE_PAGE] = str;
    return str;
  }
}
