/**
 * Reads an index file, format v2 (`docs/format/index.md`, "How Ignis reads an index"): the file
 * is loaded into one Buffer; at open the symbol table and the postings offset table are
 * checksummed and walked once, keeping every 32nd entry of each in memory (in slices of the
 * event loop with `openAsync`); series and postings are decoded on demand and checksummed.
 */
import * as fs from 'node:fs';
import { Labels } from '../../model/labels/index.js';
import type { ChunkMeta } from '../chunks/index.js';
import { CorruptionError, crc32c, DecBuf, readFileUntracked, releasedUntracked } from '../fileutil/index.js';
import { EMPTY_POSTINGS, mergePostings, type Postings, type PostingsReader } from '../postings/index.js';
import { BufferPostings } from './buffer-postings.js';
import { PostingsTable } from './postings-table.js';
import { crc32cStep, PARSE_SLICE_MS, runNow, runSliced, type Step } from './sliced.js';
import { SymbolTable } from './symbol-table.js';
import { INDEX_FORMAT_V1, INDEX_FORMAT_V2, INDEX_HEADER_LEN, INDEX_TOC_LEN, MAGIC_INDEX, SERIES_ALIGN, type Toc } from './format.js';

/** A series as stored in the index: labels and chunk metadata in time order. */
export interface IndexSeries {
  labels: Labels;
  chunks: ChunkMeta[];
}

/** What the open pass builds from the file image. */
interface Tables {
  toc: Toc;
  symbols: SymbolTable;
  postings: PostingsTable;
}

/**
 * Read access to one index file. Implements the head engineer's `PostingsReader` so that
 * `postingsForMatchers` works on blocks as on the head. Throws `CorruptionError` for damaged
 * data, at open or when the damaged part is first read.
 */
export class IndexReader implements PostingsReader {
  readonly file: string;
  readonly #b: Buffer;
  readonly #toc: Toc;
  readonly #symbols: SymbolTable;
  readonly #table: PostingsTable;
  readonly #seriesEnd: number;
  readonly #verified = new Set<number>();
  readonly #d: DecBuf;
  /** Bytes of untracked memory (`readFileUntracked`) to report released at `close()`; 0: none. */
  #untracked = 0;

  private constructor(file: string, b: Buffer, t: Tables) {
    this.file = file;
    this.#b = b;
    this.#d = new DecBuf(b, 0, b.length, file);
    this.#toc = t.toc;
    this.#symbols = t.symbols;
    this.#table = t.postings;
    const toc = t.toc;
    this.#seriesEnd = Math.min(...[toc.labelIndices, toc.postings, toc.labelIndicesTable, toc.postingsTable].filter((x) => x > toc.series));
  }

  /** Reads and indexes the index file at `path` (synchronously: tools and tests). */
  static open(path: string): IndexReader {
    return IndexReader.fromBuffer(fs.readFileSync(path), path);
  }

  /**
   * As `open`, but reads the file asynchronously and parses its tables in slices of about
   * `sliceMs` per event-loop turn: what the TSDB uses, so that a big index never blocks the loop.
   */
  static async openAsync(path: string, sliceMs = PARSE_SLICE_MS): Promise<IndexReader> {
    // Untracked memory (see `readFileUntracked`), reported released at `close()`.
    const b = await readFileUntracked(path);
    try {
      const r = await IndexReader.fromBufferAsync(b, path, sliceMs);
      r.#untracked = b.buffer.byteLength;
      return r;
    } catch (err) {
      releasedUntracked(b.buffer.byteLength);
      throw err;
    }
  }

  /** An index over an in-memory file image; `file` names it in errors. */
  static fromBuffer(b: Buffer, file = 'index'): IndexReader {
    return new IndexReader(file, b, runNow(readTables(b, file)));
  }

  /** As `fromBuffer`, parsing in slices of about `sliceMs` per event-loop turn. */
  static async fromBufferAsync(b: Buffer, file = 'index', sliceMs = PARSE_SLICE_MS): Promise<IndexReader> {
    return new IndexReader(file, b, await runSliced(readTables(b, file), sliceMs));
  }

  #fail(offset: number, what: string): never {
    throw new CorruptionError(this.file, offset, what);
  }

  /** Checks the `len(4) body crc(4)` frame at `off` and returns the body's end offset. */
  #frame(off: number, what: string): number {
    const b = this.#b;
    const end = frameEnd(b, this.file, off, what);
    if (!this.#verified.has(off)) {
      checkCrc(b, this.file, off, end, crc32c(b, off + 4, end), what);
      this.#verified.add(off);
    }
    return end;
  }

  /** Number of symbols in the table. */
  numSymbols(): number {
    return this.#symbols.length;
  }

  /** The symbol at position `ref` (strings are decoded once and shared). */
  symbol(ref: number): string {
    return this.#symbols.get(ref);
  }

  /** Every symbol in table order (for compaction, which merges symbol tables). */
  symbols(): IterableIterator<string> {
    return this.#symbols.values();
  }

  /** Label names with at least one series, in byte order. */
  labelNames(): string[] {
    return this.#table.names();
  }

  /** Values of label `name` in byte order (empty when the name is unknown); walks the name's entries. */
  labelValues(name: string): string[] {
    return this.#table.values(name);
  }

  #list(off: number): Postings {
    const end = this.#frame(off, 'postings list');
    const b = this.#b;
    const count = b.readUInt32BE(off + 4);
    if (count * 4 + 4 !== end - off - 4) this.#fail(off, `postings list claims ${count} entries in ${end - off - 8} bytes`);
    return new BufferPostings(b, off + 8, count);
  }

  /** Series having `name` equal to one of `values`, ascending; unknown values add nothing. */
  postings(name: string, values: readonly string[]): Postings {
    const offs = this.#table.offsetsOf(name, values);
    if (offs.length === 0) return EMPTY_POSTINGS;
    return mergePostings(offs.map((o) => this.#list(o)));
  }

  /** Every series of the index, ascending. */
  allPostings(): Postings {
    return this.#table.all < 0 ? EMPTY_POSTINGS : this.#list(this.#table.all);
  }

  /** Every series that has label `name`. */
  postingsForAllLabelValues(name: string): Postings {
    const offs = this.#table.offsetsOfAll(name);
    if (offs.length === 0) return EMPTY_POSTINGS;
    return mergePostings(offs.map((o) => this.#list(o)));
  }

  /** The series with reference `ref` (offset / 16): labels and chunk metadata. */
  series(ref: number): IndexSeries {
    const off = ref * SERIES_ALIGN;
    if (!(off >= this.#toc.series && off < this.#seriesEnd)) this.#fail(off, `series reference ${ref} outside the series section`);
    const d = this.#d.reset(off, this.#seriesEnd);
    const len = d.uvarint();
    const start = d.off;
    const end = start + len;
    if (end + 4 > this.#seriesEnd) this.#fail(off, `series entry of ${len} bytes runs past the series section`);
    const want = this.#b.readUInt32BE(end);
    const got = crc32c(this.#b, start, end);
    if (want !== got) this.#fail(off, `series entry: checksum mismatch (stored 0x${want.toString(16)}, computed 0x${got.toString(16)})`);
    d.end = end;
    const nl = d.uvarint();
    if (nl * 2 > len) this.#fail(off, `series entry claims ${nl} labels in ${len} bytes`);
    const kv: string[] = new Array(nl * 2);
    for (let i = 0; i < nl * 2; i++) kv[i] = this.#symbols.get(d.uvarint());
    const nc = d.uvarint();
    if (nc * 3 > len) this.#fail(off, `series entry claims ${nc} chunks in ${len} bytes`);
    const chunks: ChunkMeta[] = new Array(nc);
    if (nc > 0) {
      let mint = d.varint();
      let maxt = mint + d.uvarint();
      let ref0 = d.uvarint();
      chunks[0] = { ref: ref0, mint, maxt };
      for (let i = 1; i < nc; i++) {
        mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        ref0 += d.varint();
        chunks[i] = { ref: ref0, mint, maxt };
      }
    }
    if (d.remaining() !== 0) this.#fail(d.off, `${d.remaining()} unread bytes in series entry`);
    return { labels: Labels.fromSortedFlat(kv), chunks };
  }

  /** Size of the index file in bytes. */
  size(): number {
    return this.#b.length;
  }

  /**
   * Reports the file image released when `openAsync` read it into untracked memory (the buffer
   * itself is garbage collected once unreachable). Idempotent.
   */
  close(): void {
    if (this.#untracked > 0) releasedUntracked(this.#untracked);
    this.#untracked = 0;
  }
}

/** End of the body of the `len(4) body crc(4)` frame at `off`, checked against the file's bounds. */
function frameEnd(b: Buffer, file: string, off: number, what: string): number {
  if (off < INDEX_HEADER_LEN || off + 4 > b.length) throw new CorruptionError(file, off, `${what} offset outside the file`);
  const len = b.readUInt32BE(off);
  const end = off + 4 + len;
  if (end + 4 > b.length - INDEX_TOC_LEN) throw new CorruptionError(file, off, `${what} of ${len} bytes runs past the end of the file`);
  return end;
}

/** Throws unless `got` equals the CRC stored at `end` for the frame at `off`. */
function checkCrc(b: Buffer, file: string, off: number, end: number, got: number, what: string): void {
  const want = b.readUInt32BE(end);
  if (want !== got) throw new CorruptionError(file, off, `${what}: checksum mismatch (stored 0x${want.toString(16)}, computed 0x${got.toString(16)})`);
}

/** The TOC at the end of the file image, checksummed and bounds-checked. */
function readToc(b: Buffer, file: string): Toc {
  if (b.length < INDEX_HEADER_LEN + INDEX_TOC_LEN) throw new CorruptionError(file, 0, `index of ${b.length} bytes is too small`);
  const magic = b.readUInt32BE(0);
  if (magic !== MAGIC_INDEX) throw new CorruptionError(file, 0, `invalid magic number 0x${magic.toString(16)} (want 0x${MAGIC_INDEX.toString(16)})`);
  const version = b[4]!;
  if (version === INDEX_FORMAT_V1) throw new CorruptionError(file, 4, 'index format v1 is not supported (Prometheus < 2.0 blocks)');
  if (version !== INDEX_FORMAT_V2) throw new CorruptionError(file, 4, `unknown index format version ${version}`);
  const at = b.length - INDEX_TOC_LEN;
  const want = b.readUInt32BE(at + 48);
  const got = crc32c(b, at, at + 48);
  if (want !== got) throw new CorruptionError(file, at, `TOC checksum mismatch (stored 0x${want.toString(16)}, computed 0x${got.toString(16)})`);
  const d = new DecBuf(b, at, at + 48, file);
  const toc: Toc = { symbols: d.be64(), series: d.be64(), labelIndices: d.be64(), labelIndicesTable: d.be64(), postings: d.be64(), postingsTable: d.be64() };
  for (const [k, v] of Object.entries(toc)) if (v !== 0 && (v < INDEX_HEADER_LEN || v > at)) throw new CorruptionError(file, at, `TOC ${k} offset ${v} outside the file`);
  if (toc.symbols === 0 || toc.postingsTable === 0) throw new CorruptionError(file, at, 'TOC lacks the symbol table or the postings offset table');
  return toc;
}

/**
 * The open pass: TOC, then the symbol table and the postings offset table, each checksummed
 * and walked (sparse in-memory forms, see `symbol-table.ts` and `postings-table.ts`). Pauses
 * every few thousand entries and every 256 KiB of checksum.
 */
function* readTables(b: Buffer, file: string): Step<Tables> {
  const toc = readToc(b, file);
  const symEnd = frameEnd(b, file, toc.symbols, 'symbol table');
  checkCrc(b, file, toc.symbols, symEnd, yield* crc32cStep(b, toc.symbols + 4, symEnd), 'symbol table');
  const symbols = yield* SymbolTable.read(new DecBuf(b, 0, b.length, file), file, toc.symbols, toc.symbols + 4, symEnd);
  const ptEnd = frameEnd(b, file, toc.postingsTable, 'postings offset table');
  checkCrc(b, file, toc.postingsTable, ptEnd, yield* crc32cStep(b, toc.postingsTable + 4, ptEnd), 'postings offset table');
  const postings = yield* PostingsTable.read(new DecBuf(b, 0, b.length, file), file, toc.postingsTable + 4, ptEnd);
  return { toc, symbols, postings };
}
