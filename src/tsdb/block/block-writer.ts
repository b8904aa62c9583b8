/**
 * Writes one immutable block directory the way upstream does: everything goes into
 * `<parent>/<ulid>.tmp-for-creation` (chunks/, index, tombstones, meta.json), is fsynced, and the
 * directory is then renamed to `<parent>/<ulid>`, so a crash leaves either a complete block or a
 * tmp directory that the next start removes.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../model/labels/index.js';
import { BugError } from '../../util/index.js';
import type { Chunk } from '../chunkenc/index.js';
import { ChunkWriter, type ChunkMeta } from '../chunks/index.js';
import { fsyncDirSync, replaceSync } from '../fileutil/index.js';
import { compareLabelsUtf8, compareUtf8, IndexWriter } from '../index/index.js';
import { Tombstones } from '../tombstones/index.js';
import { META_VERSION_1, writeMeta, type BlockDesc, type BlockMeta } from './meta.js';
import { newUlid } from './ulid.js';

/** Suffix of a block directory under construction (upstream's name, removed on open). */
export const TMP_FOR_CREATION_SUFFIX = '.tmp-for-creation';

/** An encoded chunk with the timestamps of its first and last samples (ms). */
export interface BlockChunk {
  mint: number;
  maxt: number;
  chunk: Chunk;
}

/** Options of `BlockWriter`. */
export interface BlockWriterOptions {
  /** Block range start (inclusive, ms); default: the lowest chunk `mint`. */
  mint?: number;
  /** Block range end (exclusive, ms); default: the highest chunk `maxt` + 1. */
  maxt?: number;
  /** Block ULID; default: a new one for the current time. */
  ulid?: string;
  /** Compaction level (1 for blocks cut from the head or backfilled). */
  level?: number;
  /** Source block ULIDs; default `[ulid]`. */
  sources?: string[];
  /** Parent blocks (for compaction output). */
  parents?: BlockDesc[];
  /** Compaction hints for meta.json (`from-out-of-order` for blocks of out-of-order samples). */
  hints?: string[];
  /** Chunk segment size limit (default 512 MiB). */
  segmentSize?: number;
}

interface PendingSeries {
  labels: Labels;
  chunks: readonly BlockChunk[];
}

/**
 * Collects series and writes them as one block on `commit()`. Series may be added in any order;
 * chunks of a series must be in time order without overlap and inside the block range. Series
 * without chunks are dropped (as upstream). A writer is used once.
 */
export class BlockWriter {
  readonly parentDir: string;
  readonly #opts: BlockWriterOptions;
  readonly #series: PendingSeries[] = [];
  #done = false;

  constructor(parentDir: string, opts: BlockWriterOptions = {}) {
    this.parentDir = parentDir;
    this.#opts = opts;
  }

  /** Queues a series; the chunks are referenced, not copied, until `commit()`. */
  addSeries(labels: Labels, chunks: readonly BlockChunk[]): void {
    if (this.#done) throw new BugError('BlockWriter used after commit');
    let n = 0;
    for (const c of chunks) n += c.chunk.numSamples() > 0 ? 1 : 0;
    if (n === 0) return;
    this.#series.push({ labels, chunks: n === chunks.length ? chunks : chunks.filter((c) => c.chunk.numSamples() > 0) });
  }

  /**
   * Writes the block, renames it into place and returns its meta; the block is at
   * `<parentDir>/<meta.ulid>`. On error the tmp directory is removed and the error rethrown.
   */
  commit(): BlockMeta {
    if (this.#done) throw new BugError('BlockWriter committed twice');
    this.#done = true;
    const series = this.#series;
    // Callers usually add series already in order (head export, compaction): check before sorting.
    let sorted = true;
    for (let i = 1; i < series.length && sorted; i++) sorted = compareLabelsUtf8(series[i - 1]!.labels, series[i]!.labels) < 0;
    if (!sorted) series.sort((a, b) => compareLabelsUtf8(a.labels, b.labels));
    let mint = Infinity;
    let maxt = -Infinity;
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      if (i > 0 && compareLabelsUtf8(series[i - 1]!.labels, s.labels) === 0) throw new BugError(`BlockWriter: series ${s.labels.toString()} added twice`);
      mint = Math.min(mint, s.chunks[0]!.mint);
      maxt = Math.max(maxt, s.chunks[s.chunks.length - 1]!.maxt);
    }
    const o = this.#opts;
    const blockMint = o.mint ?? (series.length ? mint : 0);
    const blockMaxt = o.maxt ?? (series.length ? maxt + 1 : 0);
    if (series.length && (mint < blockMint || maxt >= blockMaxt)) {
      throw new BugError(`BlockWriter: chunks span [${mint}, ${maxt}], outside the block range [${blockMint}, ${blockMaxt})`);
    }
    const ulid = o.ulid ?? newUlid();
    const dir = join(this.parentDir, ulid);
    const tmp = dir + TMP_FOR_CREATION_SUFFIX;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      const cw = new ChunkWriter(join(tmp, 'chunks'), o.segmentSize !== undefined ? { segmentSize: o.segmentSize } : {});
      // Upstream's symbol tables always hold "" (the name and value of the all-postings key
      // come through the head's postings); including it keeps our index byte-identical.
      const symbols = new Set<string>(['']);
      for (const s of series) s.labels.forEach((n, v) => (symbols.add(n), symbols.add(v)));
      const iw = new IndexWriter(join(tmp, 'index'));
      let numSamples = 0;
      let numChunks = 0;
      try {
        for (const sym of [...symbols].sort(compareUtf8)) iw.addSymbol(sym);
        const metas: ChunkMeta[] = [];
        for (const s of series) {
          metas.length = 0;
          for (const c of s.chunks) {
            metas.push({ ref: cw.writeChunk(c.chunk), mint: c.mint, maxt: c.maxt });
            numSamples += c.chunk.numSamples();
          }
          numChunks += metas.length;
          iw.addSeries(s.labels, metas);
        }
        cw.close();
        iw.close();
      } catch (err) {
        iw.abort();
        throw err;
      }
      new Tombstones().write(tmp);
      const meta: BlockMeta = {
        ulid,
        minTime: blockMint,
        maxTime: blockMaxt,
        stats: { numSamples, numSeries: series.length, numChunks },
        compaction: { level: o.level ?? 1, sources: o.sources ?? [ulid], ...(o.parents ? { parents: o.parents } : {}), ...(o.hints?.length ? { hints: o.hints } : {}) },
        version: META_VERSION_1,
      };
      writeMeta(tmp, meta);
      fsyncDirSync(tmp);
      replaceSync(tmp, dir);
      this.#series.length = 0;
      return meta;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}
