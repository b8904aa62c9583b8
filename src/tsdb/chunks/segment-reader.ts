/**
 * Reads chunks of a block's segment files by reference (`docs/format/chunks.md`, "How Ignis
 * reads segments"): small files are loaded whole, large ones are read chunk by chunk with
 * positional reads. Every chunk is bounds-checked and its CRC-32C verified before decoding.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { chunkFromBytes, type Chunk } from '../chunkenc/index.js';
import { CorruptionError, crc32c } from '../fileutil/index.js';
import { chunkRefOffset, chunkRefSegment, type ChunkRef } from './chunk-ref.js';
import { CHUNKS_FORMAT_V1, MAGIC_CHUNKS, SEGMENT_HEADER_SIZE } from './segment-format.js';

/** Options of `ChunkReader.open`. */
export interface ChunkReaderOptions {
  /** Files up to this size are read into memory at open; larger ones use `pread` (default 64 MiB). */
  loadLimit?: number;
}

interface Segment {
  path: string;
  size: number;
  /** Whole file when loaded. */
  buf: Buffer | undefined;
  /** Open descriptor for positional reads, or -1. */
  fd: number;
}

/** The numbered segment files of `dir` in name order (upstream: names that parse as integers). */
export function segmentFiles(dir: string): string[] {
  return numbered(dir, fs.readdirSync(dir));
}

function numbered(dir: string, names: string[]): string[] {
  return names
    .filter((f) => /^\d+$/.test(f))
    .sort((a, b) => Number(a) - Number(b))
    .map((f) => join(dir, f));
}

/** Checks magic and version in `head`, the first bytes of `seg`. */
function checkHeader(seg: Segment, head: Buffer): void {
  const path = seg.path;
  if (seg.size < SEGMENT_HEADER_SIZE) throw new CorruptionError(path, 0, `segment of ${seg.size} bytes is shorter than its ${SEGMENT_HEADER_SIZE}-byte header`);
  const magic = head.readUInt32BE(0);
  if (magic !== MAGIC_CHUNKS) throw new CorruptionError(path, 0, `invalid magic number 0x${magic.toString(16)} (want 0x${MAGIC_CHUNKS.toString(16)})`);
  if (head[4] !== CHUNKS_FORMAT_V1) throw new CorruptionError(path, 4, `invalid chunk format version ${head[4]}`);
}

/** Opens a segment too big to load for positional reads and returns its header bytes. */
function openForPread(seg: Segment): Buffer {
  seg.fd = fs.openSync(seg.path, 'r');
  const head = Buffer.alloc(SEGMENT_HEADER_SIZE);
  fs.readSync(seg.fd, head, 0, SEGMENT_HEADER_SIZE, 0);
  return head;
}

/**
 * Random access to the chunks of one `chunks/` directory. Chunks returned by `chunk()` are
 * read-only views that stay valid after `close()` (loaded files are plain buffers; pread
 * chunks get their own).
 */
export class ChunkReader {
  readonly dir: string;
  readonly #segs: Segment[];
  #scratch = Buffer.allocUnsafe(512);

  private constructor(dir: string, segs: Segment[]) {
    this.dir = dir;
    this.#segs = segs;
  }

  /** Opens every segment in `dir`, checking magic and version. Throws `CorruptionError` on bad headers. */
  static open(dir: string, opts: ChunkReaderOptions = {}): ChunkReader {
    const limit = opts.loadLimit ?? 64 << 20;
    const segs: Segment[] = [];
    try {
      for (const path of segmentFiles(dir)) {
        const seg: Segment = { path, size: fs.statSync(path).size, buf: undefined, fd: -1 };
        segs.push(seg);
        if (seg.size <= limit) {
          seg.buf = fs.readFileSync(path);
          seg.size = seg.buf.length;
        }
        checkHeader(seg, seg.buf ?? openForPread(seg));
      }
    } catch (err) {
      for (const s of segs) if (s.fd >= 0) fs.closeSync(s.fd);
      throw err;
    }
    return new ChunkReader(dir, segs);
  }

  /**
   * As `open`, but files are listed and loaded with asynchronous reads, so that opening a big
   * block does not block the event loop (only the few bytes of a large file's header are read
   * synchronously).
   */
  static async openAsync(dir: string, opts: ChunkReaderOptions = {}): Promise<ChunkReader> {
    const limit = opts.loadLimit ?? 64 << 20;
    const segs: Segment[] = [];
    try {
      for (const path of numbered(dir, await fsp.readdir(dir))) {
        const seg: Segment = { path, size: (await fsp.stat(path)).size, buf: undefined, fd: -1 };
        segs.push(seg);
        if (seg.size <= limit) {
          seg.buf = await fsp.readFile(path);
          seg.size = seg.buf.length;
        }
        checkHeader(seg, seg.buf ?? openForPread(seg));
      }
    } catch (err) {
      for (const s of segs) if (s.fd >= 0) fs.closeSync(s.fd);
      throw err;
    }
    return new ChunkReader(dir, segs);
  }

  /** Number of segment files. */
  numSegments(): number {
    return this.#segs.length;
  }

  /** Total bytes of the segment files. */
  size(): number {
    let n = 0;
    for (const s of this.#segs) n += s.size;
    return n;
  }

  /** The chunk at `ref`, verified. Throws `CorruptionError` naming the file and offset. */
  chunk(ref: ChunkRef): Chunk {
    const { encoding, data, path } = this.#read(ref);
    return chunkFromBytes(encoding, data, `${path}@${chunkRefOffset(ref)}`);
  }

  /** The raw encoding byte and data at `ref`, verified (data is a view; do not modify). */
  chunkBytes(ref: ChunkRef): { encoding: number; data: Uint8Array } {
    const { encoding, data } = this.#read(ref);
    return { encoding, data };
  }

  #read(ref: ChunkRef): { encoding: number; data: Buffer; path: string } {
    const segIdx = chunkRefSegment(ref);
    const off = chunkRefOffset(ref);
    const seg = this.#segs[segIdx];
    if (!seg) throw new CorruptionError(this.dir, off, `chunk reference 0x${ref.toString(16)} names segment ${segIdx} of ${this.#segs.length}`);
    if (off < SEGMENT_HEADER_SIZE || off >= seg.size) throw new CorruptionError(seg.path, off, `chunk offset outside the ${seg.size}-byte segment`);
    let buf: Buffer;
    let base: number;
    if (seg.buf) {
      buf = seg.buf;
      base = 0;
    } else {
      // Length, encoding and typical data in one read; a second read only for large chunks.
      buf = this.#scratch;
      base = off;
      const got = fs.readSync(seg.fd, buf, 0, Math.min(buf.length, seg.size - off), off);
      buf = buf.subarray(0, got);
    }
    let p = off - base;
    let len = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (p >= buf.length || i >= 5) throw new CorruptionError(seg.path, off, 'invalid chunk length varint');
      const b = buf[p++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    const encAt = p + base;
    const end = encAt + 1 + len + 4;
    if (end > seg.size) throw new CorruptionError(seg.path, off, `chunk of ${len} bytes runs past the end of the ${seg.size}-byte segment`);
    if (!seg.buf) {
      const own = Buffer.allocUnsafe(1 + len + 4);
      if (end - base <= buf.length) buf.copy(own, 0, encAt - base, end - base);
      else {
        const got = fs.readSync(seg.fd, own, 0, own.length, encAt);
        if (got !== own.length) throw new CorruptionError(seg.path, encAt, `short read of ${got} of ${own.length} bytes`);
      }
      buf = own;
      base = encAt;
    }
    const e = encAt - base;
    const want = buf.readUInt32BE(e + 1 + len);
    const got = crc32c(buf, e, e + 1 + len);
    if (want !== got) throw new CorruptionError(seg.path, off, `chunk checksum mismatch (stored 0x${want.toString(16)}, computed 0x${got.toString(16)})`);
    return { encoding: buf[e]!, data: buf.subarray(e + 1, e + 1 + len), path: seg.path };
  }

  /** Closes the descriptors of large segments. Chunks already returned stay readable. */
  close(): void {
    for (const s of this.#segs) {
      if (s.fd >= 0) fs.closeSync(s.fd);
      s.fd = -1;
      s.buf = undefined;
    }
    this.#segs.length = 0;
  }
}
