/**
 * Loading the block directories of a data directory, as upstream's `reloadBlocks`: read every
 * `<ulid>/meta.json`, treat blocks named as parents of another block (inputs of a finished
 * compaction) or marked deletable as obsolete, open the rest (reusing blocks already open), apply
 * time and size retention, and delete obsolete blocks by renaming them to `.tmp-for-deletion`
 * before removing them, so that a crash never leaves half a block that looks whole.
 */
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../../storage/index.js';
import { errorMessage } from '../../util/index.js';
import { Block, isUlid, readMetaAsync, type BlockMeta } from '../block/index.js';
import type { ResolvedOptions } from './db-options.js';
import { beyondSizeRetention, beyondTimeRetention } from './retention.js';

/** A block to delete: its ULID and, when it was open, the block (closed before deletion). */
export interface ObsoleteBlock {
  ulid: string;
  block: Block | undefined;
}

/** Bytes on disk of each block, measured once (blocks are immutable but for tombstones: see `forgetBlockSize`). */
const sizes = new WeakMap<Block, number>();

/** The size of `b` on disk in bytes (cached). */
export function blockSize(b: Block): number {
  let n = sizes.get(b);
  if (n === undefined) sizes.set(b, (n = b.size()));
  return n;
}

/** Drops the cached size of `b` after its tombstones or meta.json were rewritten. */
export function forgetBlockSize(b: Block): void {
  sizes.delete(b);
}

/** What `loadBlocks` decided. */
export interface LoadResult {
  /** Blocks to use from now on, sorted by minTime. */
  keep: Block[];
  /** Blocks to close and delete. */
  remove: ObsoleteBlock[];
  /** Number of blocks dropped by time and by size retention. */
  byTime: number;
  bySize: number;
  /** ULIDs of kept blocks whose ranges overlap another kept block. */
  overlapping: string[];
}

/**
 * Decides which blocks of `dir` to use. `current` are the blocks open now (reused when still
 * wanted). Throws `StorageError` for a block whose meta.json or files are unreadable, unless a
 * newer block supersedes it (upstream fails the open in that case too). Reads asynchronously.
 */
export async function loadBlocks(dir: string, current: readonly Block[], opts: ResolvedOptions, walBytes: number): Promise<LoadResult> {
  const open = new Map(current.map((b) => [b.meta.ulid, b]));
  const metas = new Map<string, BlockMeta>();
  const corrupted = new Map<string, unknown>();
  for (const ent of await fsp.readdir(dir, { withFileTypes: true })) {
    if (!ent.isDirectory() || !isUlid(ent.name)) continue;
    // An open block's meta is current (this process is the only writer of the directory).
    const known = open.get(ent.name);
    if (known !== undefined) {
      metas.set(ent.name, known.meta);
      continue;
    }
    try {
      metas.set(ent.name, await readMetaAsync(join(dir, ent.name)));
    } catch (err) {
      corrupted.set(ent.name, err);
    }
  }
  const obsolete = new Set<string>();
  for (const m of metas.values()) {
    for (const p of m.compaction.parents ?? []) obsolete.add(p.ulid);
    if (m.compaction.deletable) obsolete.add(m.ulid);
  }
  const loadable: Block[] = [];
  const fresh: Block[] = [];
  try {
    for (const [ulid, err] of corrupted) {
      if (!obsolete.has(ulid)) throw new StorageError(`unexpected corrupted block ${ulid}: ${errorMessage(err)}`, { cause: err });
    }
    for (const ulid of [...metas.keys()].sort()) {
      if (obsolete.has(ulid)) continue;
      let b = open.get(ulid);
      if (b === undefined) {
        try {
          b = await Block.openAsync(join(dir, ulid));
        } catch (err) {
          throw new StorageError(`open block ${join(dir, ulid)}: ${errorMessage(err)}`, { cause: err });
        }
        fresh.push(b);
      }
      loadable.push(b);
    }
  } catch (err) {
    for (const b of fresh) void b.close();
    throw err;
  }
  const rb = loadable.map((b) => ({ ulid: b.meta.ulid, minTime: b.meta.minTime, maxTime: b.meta.maxTime, size: blockSize(b) }));
  const byTime = beyondTimeRetention(rb, opts.retentionMs);
  const bySize = beyondSizeRetention(rb, opts.retentionBytes, walBytes);
  const keep = loadable.filter((b) => !byTime.has(b.meta.ulid) && !bySize.has(b.meta.ulid));
  keep.sort((a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1));
  const overlapping = new Set<string>();
  for (let i = 1; i < keep.length; i++) {
    for (let j = 0; j < i; j++) {
      if (keep[j]!.meta.maxTime > keep[i]!.meta.minTime) {
        overlapping.add(keep[j]!.meta.ulid);
        overlapping.add(keep[i]!.meta.ulid);
      }
    }
  }
  const kept = new Set(keep.map((b) => b.meta.ulid));
  const remove: ObsoleteBlock[] = [];
  for (const ulid of new Set([...metas.keys(), ...corrupted.keys(), ...open.keys()])) {
    if (kept.has(ulid)) continue;
    remove.push({ ulid, block: open.get(ulid) ?? loadable.find((b) => b.meta.ulid === ulid) });
  }
  return { keep, remove, byTime: byTime.size, bySize: bySize.size, overlapping: [...overlapping] };
}

/**
 * Closes (waiting for their queriers) and deletes obsolete blocks: each directory is renamed to
 * `<ulid>.tmp-for-deletion` (removed on the next open if a crash interrupts) and then removed.
 */
export async function deleteBlockDirs(dir: string, remove: readonly ObsoleteBlock[]): Promise<void> {
  for (const r of remove) {
    await r.block?.close();
    const path = join(dir, r.ulid);
    const tmp = `${path}.tmp-for-deletion`;
    try {
      await fsp.rename(path, tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}
