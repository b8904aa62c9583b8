/**
 * A persisted block opened for reading: meta, index, chunks and tombstones of one directory,
 * queryable through `querier()`. Closing waits for open queriers, so compaction and retention
 * can drop a block while queries still run on it.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { Queryable } from '../../storage/index.js';
import { ChunkReader, type ChunkReaderOptions } from '../chunks/index.js';
import { IndexReader } from '../index/index.js';
import { TOMBSTONES_FILENAME, Tombstones } from '../tombstones/index.js';
import { BlockQuerier } from './block-querier.js';
import { readMeta, readMetaAsync, type BlockMeta } from './meta.js';
import { isUlid } from './ulid.js';
import { TMP_FOR_CREATION_SUFFIX } from './block-writer.js';

/** An open, immutable block. */
export class Block implements Queryable {
  readonly dir: string;
  readonly meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  #tombstones: Tombstones;
  #pending = 0;
  #closing = false;
  #closed: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  private constructor(dir: string, meta: BlockMeta, index: IndexReader, chunks: ChunkReader, tombstones: Tombstones) {
    this.dir = dir;
    this.meta = meta;
    this.index = index;
    this.chunks = chunks;
    this.#tombstones = tombstones;
  }

  /**
   * Opens the block in `dir`: validates meta.json, loads the index (checking its checksums) and
   * the chunk segment headers, reads tombstones. Throws `CorruptionError` (file and offset) for
   * damaged files, the fs error for missing ones.
   */
  static open(dir: string, opts: ChunkReaderOptions = {}): Block {
    const meta = readMeta(dir);
    const index = IndexReader.open(join(dir, 'index'));
    const chunks = ChunkReader.open(join(dir, 'chunks'), opts);
    try {
      return new Block(dir, meta, index, chunks, Tombstones.read(dir));
    } catch (err) {
      chunks.close();
      throw err;
    }
  }

  /**
   * As `open`, with asynchronous reads: what the TSDB uses, so that loading blocks of many
   * megabytes never blocks the event loop on file reads, and the index's symbol and postings
   * tables are parsed in slices of about 10 ms per event-loop turn.
   */
  static async openAsync(dir: string, opts: ChunkReaderOptions = {}): Promise<Block> {
    const meta = await readMetaAsync(dir);
    const index = await IndexReader.openAsync(join(dir, 'index'));
    const chunks = await ChunkReader.openAsync(join(dir, 'chunks'), opts);
    try {
      return new Block(dir, meta, index, chunks, await readTombstones(dir));
    } catch (err) {
      chunks.close();
      throw err;
    }
  }

  /** Lowest timestamp the block may hold (ms, inclusive). */
  minTime(): number {
    return this.meta.minTime;
  }

  /** End of the block range (ms, exclusive). */
  maxTime(): number {
    return this.meta.maxTime;
  }

  /** True when the block's range `[minTime, maxTime)` intersects the closed range `[mint, maxt]`. */
  overlapsClosedInterval(mint: number, maxt: number): boolean {
    return this.meta.minTime <= maxt && mint < this.meta.maxTime;
  }

  /** The block's tombstones (replaced after deletions). */
  tombstones(): Tombstones {
    return this.#tombstones;
  }

  /**
   * Makes queriers opened from now on apply `t` instead of the current tombstones. The caller
   * has written `t` to the block's `tombstones` file (and meta.json's count) first.
   */
  setTombstones(t: Tombstones): void {
    this.#tombstones = t;
  }

  /** Bytes on disk: chunk segments, index, tombstones and meta.json. */
  size(): number {
    let n = this.chunks.size() + this.index.size();
    for (const f of ['tombstones', 'meta.json']) {
      try {
        n += fs.statSync(join(this.dir, f)).size;
      } catch {
        // absent tombstones are allowed
      }
    }
    return n;
  }

  /** A querier over `[mint, maxt]` (ms, inclusive). Throws once `close()` has begun. */
  querier(mint: number, maxt: number): BlockQuerier {
    if (this.#closing) throw new Error(`block ${this.meta.ulid} is closing`);
    this.#pending++;
    let released = false;
    return new BlockQuerier(
      {
        index: this.index,
        chunks: this.chunks,
        tombstones: this.#tombstones,
        release: () => {
          if (released) return;
          released = true;
          this.#pending--;
          if (this.#pending === 0) this.#wake?.();
        },
      },
      mint,
      maxt,
    );
  }

  /** Number of queriers not yet closed. */
  pendingReaders(): number {
    return this.#pending;
  }

  /** Refuses new queriers, waits until open ones close, then releases files. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    this.#closing = true;
    this.#closed = new Promise<void>((resolve) => {
      const finish = (): void => {
        this.chunks.close();
        this.index.close();
        resolve();
      };
      if (this.#pending === 0) finish();
      else this.#wake = finish;
    });
    return this.#closed;
  }
}

/** `<dir>/tombstones` read asynchronously; none when the file is missing (as upstream). */
async function readTombstones(dir: string): Promise<Tombstones> {
  const path = join(dir, TOMBSTONES_FILENAME);
  let b: Buffer;
  try {
    b = await fsp.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Tombstones();
    throw err;
  }
  return Tombstones.decode(b, path);
}

/**
 * Removes leftovers of interrupted block writes in a data directory (`<ulid>.tmp-for-creation`
 * and upstream's other `.tmp-*` block dirs) and returns their names, as upstream does on open.
 * Asynchronous: a half-written block may be big.
 */
export async function removeTmpBlockDirs(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const ent of await fsp.readdir(dataDir, { withFileTypes: true })) {
    if (!ent.isDirectory()) continue;
    const dot = ent.name.indexOf('.');
    if (dot !== 26 || !isUlid(ent.name.slice(0, 26))) continue;
    const suffix = ent.name.slice(26);
    if (suffix === TMP_FOR_CREATION_SUFFIX || suffix === '.tmp-for-deletion' || suffix === '.tmp') {
      await fsp.rm(join(dataDir, ent.name), { recursive: true, force: true });
      removed.push(ent.name);
    }
  }
  return removed;
}
