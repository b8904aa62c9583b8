/**
 * Read-only access to a data directory for `ignis tool tsdb`: the block directories (meta.json,
 * size on disk, opened blocks) in promtool's order, without a lock and without writing anything
 * (no tmp-dir cleanup, no WAL repair), so it is safe on the directory of a running server.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Block, isUlid, readMeta, type BlockMeta } from '../../tsdb/block/index.js';
import { segmentFiles } from '../../tsdb/chunks/index.js';
import { IgnisError, errorMessage, goFileError } from '../../util/index.js';

/** A data directory that cannot be read as one; the message is promtool's where it has one. */
export class DataDirError extends IgnisError {}

/** One block directory: where it is, its meta.json, and its size on disk in bytes. */
export interface BlockInfo {
  dir: string;
  meta: BlockMeta;
  /** Chunk segments + index + tombstones + meta.json, as Go's `Block.Size()`. */
  size: number;
}

/**
 * Checks that `dataDir` exists, with Go's wording (`opening the db dir: stat data/: no such file
 * or directory`) when it does not.
 */
export function statDataDir(dataDir: string): void {
  try {
    fs.statSync(dataDir);
  } catch (err) {
    throw new DataDirError(`opening the db dir: ${goFileError(err, 'stat', dataDir)}`, { cause: err });
  }
}

/** Names of the block directories of `dataDir` (a ULID name, as upstream's `isBlockDir`), in name order. */
export function blockDirNames(dataDir: string): string[] {
  statDataDir(dataDir);
  return fs
    .readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isUlid(e.name))
    .map((e) => e.name)
    .sort();
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes on disk of the block in `dir`, counted like Go's `Block.Size()`. */
export function blockSize(dir: string): number {
  let n = fileSize(join(dir, 'index')) + fileSize(join(dir, 'tombstones')) + fileSize(join(dir, 'meta.json'));
  let segments: string[] = [];
  try {
    segments = segmentFiles(join(dir, 'chunks'));
  } catch {
    // no chunks directory: nothing to count (opening the block reports it)
  }
  for (const f of segments) n += fileSize(f);
  return n;
}

/**
 * Sorts by `minTime` like promtool (`sort.Slice` on MinTime); ties keep directory-name order,
 * which is ULID (creation) order.
 */
function byMinTime<T extends { meta: BlockMeta }>(list: T[]): T[] {
  return list.sort((a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : a.meta.ulid > b.meta.ulid ? 1 : 0));
}

/**
 * Meta and size of every block of `dataDir`, sorted by `minTime`. Reads only meta.json and file
 * sizes. A block whose meta.json is missing or invalid fails the whole listing (as promtool),
 * unless a readable block names it as a compaction parent (it was superseded).
 */
export function scanBlocks(dataDir: string): BlockInfo[] {
  const out: BlockInfo[] = [];
  const broken = new Map<string, Error>();
  for (const name of blockDirNames(dataDir)) {
    const dir = join(dataDir, name);
    try {
      out.push({ dir, meta: readMeta(dir), size: blockSize(dir) });
    } catch (err) {
      broken.set(name, err as Error);
    }
  }
  for (const b of out) for (const p of b.meta.compaction.parents ?? []) broken.delete(p.ulid);
  const first = broken.values().next();
  if (!first.done) throw new DataDirError(errorMessage(first.value), { cause: first.value });
  return byMinTime(out);
}

/**
 * Opens every block of `dataDir` (index and chunk headers verified), sorted by `minTime`. The
 * caller closes them. Throws the first block's error (naming its file) when one cannot be opened.
 */
export function openBlocks(dataDir: string): Block[] {
  const infos = scanBlocks(dataDir);
  const blocks: Block[] = [];
  try {
    for (const b of infos) blocks.push(Block.open(b.dir));
  } catch (err) {
    for (const b of blocks) void b.close();
    throw err;
  }
  return blocks;
}
