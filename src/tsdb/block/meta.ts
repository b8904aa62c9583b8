/**
 * `meta.json` of a block, version 1: identity, time range, statistics and compaction lineage,
 * with upstream's JSON field names. Written atomically with tab indentation like Go's
 * `json.MarshalIndent(meta, "", "\t")`.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError, writeFileAtomicSync } from '../fileutil/index.js';
import { isUlid } from './ulid.js';

/** File name inside a block directory. */
export const META_FILENAME = 'meta.json';
/** The only meta.json version. */
export const META_VERSION_1 = 1;

/** Counts over a block (all optional in the file: Go omits zero values). */
export interface BlockStats {
  numSamples?: number;
  numSeries?: number;
  numChunks?: number;
  numTombstones?: number;
  numFloatSamples?: number;
  numHistogramSamples?: number;
}

/** A block a compacted block was made from. */
export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

/** Lineage of a block. `level` 1 is a block cut from the head; each compaction adds one. */
export interface BlockMetaCompaction {
  level: number;
  /** ULIDs of the level-1 blocks whose data this block holds. */
  sources?: string[];
  deletable?: boolean;
  parents?: BlockDesc[];
  failed?: boolean;
  hints?: string[];
}

/**
 * A block's metadata. `minTime` is inclusive and `maxTime` exclusive (ms): every sample `t`
 * satisfies `minTime <= t < maxTime`.
 */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockMetaCompaction;
  version: number;
}

/** The JSON text upstream would write for `meta` (fields in Go's order, zero values omitted). */
export function encodeMeta(meta: BlockMeta): string {
  const stats: Record<string, number> = {};
  for (const k of ['numSamples', 'numSeries', 'numChunks', 'numTombstones', 'numFloatSamples', 'numHistogramSamples'] as const) {
    const v = meta.stats[k];
    if (v) stats[k] = v;
  }
  const c = meta.compaction;
  const compaction: Record<string, unknown> = { level: c.level };
  if (c.sources?.length) compaction.sources = c.sources;
  if (c.deletable) compaction.deletable = true;
  if (c.parents?.length) compaction.parents = c.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  if (c.failed) compaction.failed = true;
  if (c.hints?.length) compaction.hints = c.hints;
  return JSON.stringify({ ulid: meta.ulid, minTime: meta.minTime, maxTime: meta.maxTime, stats, compaction, version: meta.version }, null, '\t');
}

/** Parses and validates meta.json text; throws `CorruptionError` naming `file` on any problem. */
export function decodeMeta(text: string, file = META_FILENAME): BlockMeta {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec(String((err as Error).message));
    throw new CorruptionError(file, m ? Number(m[1]) : 0, `invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  const bad = (what: string): never => {
    throw new CorruptionError(file, 0, what);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad('meta is not a JSON object');
  const o = v as Record<string, unknown>;
  if (o.version !== META_VERSION_1) bad(`unexpected meta file version ${JSON.stringify(o.version)}`);
  if (typeof o.ulid !== 'string' || !isUlid(o.ulid)) bad(`invalid ulid ${JSON.stringify(o.ulid)}`);
  const int = (x: unknown, what: string): number => (typeof x === 'number' && Number.isInteger(x) ? x : bad(`${what} is not an integer: ${JSON.stringify(x)}`));
  const minTime = int(o.minTime, 'minTime');
  const maxTime = int(o.maxTime, 'maxTime');
  if (maxTime < minTime) bad(`maxTime ${maxTime} before minTime ${minTime}`);
  const stats: BlockStats = {};
  if (o.stats !== undefined) {
    if (typeof o.stats !== 'object' || o.stats === null) bad('stats is not an object');
    for (const [k, x] of Object.entries(o.stats as Record<string, unknown>)) (stats as Record<string, number>)[k] = int(x, `stats.${k}`);
  }
  const co = o.compaction;
  if (typeof co !== 'object' || co === null) bad('compaction is missing');
  const c = co as Record<string, unknown>;
  const compaction: BlockMetaCompaction = { level: int(c.level, 'compaction.level') };
  const ulids = (x: unknown, what: string): string[] => (Array.isArray(x) && x.every((s) => typeof s === 'string' && isUlid(s)) ? (x as string[]) : bad(`${what} is not a list of ULIDs`));
  if (c.sources !== undefined) compaction.sources = ulids(c.sources, 'compaction.sources');
  if (c.deletable !== undefined) compaction.deletable = c.deletable === true;
  if (c.failed !== undefined) compaction.failed = c.failed === true;
  if (c.hints !== undefined) compaction.hints = Array.isArray(c.hints) ? c.hints.map(String) : bad('compaction.hints is not a list');
  if (c.parents !== undefined) {
    if (!Array.isArray(c.parents)) bad('compaction.parents is not a list');
    compaction.parents = (c.parents as unknown[]).map((p, i) => {
      const q = (p ?? {}) as Record<string, unknown>;
      if (typeof q.ulid !== 'string' || !isUlid(q.ulid)) bad(`compaction.parents[${i}].ulid is invalid`);
      return { ulid: q.ulid as string, minTime: int(q.minTime, `compaction.parents[${i}].minTime`), maxTime: int(q.maxTime, `compaction.parents[${i}].maxTime`) };
    });
  }
  return { ulid: o.ulid as string, minTime, maxTime, stats, compaction, version: META_VERSION_1 };
}

/** Reads and validates `<dir>/meta.json`. */
export function readMeta(dir: string): BlockMeta {
  const path = join(dir, META_FILENAME);
  return decodeMeta(fs.readFileSync(path, 'utf8'), path);
}

/** As `readMeta`, with an asynchronous read. */
export async function readMetaAsync(dir: string): Promise<BlockMeta> {
  const path = join(dir, META_FILENAME);
  return decodeMeta(await fsp.readFile(path, 'utf8'), path);
}

/** Writes `<dir>/meta.json` atomically (tmp, fsync, rename, fsync dir); returns its size in bytes. */
export function writeMeta(dir: string, meta: BlockMeta): number {
  const text = encodeMeta(meta);
  writeFileAtomicSync(join(dir, META_FILENAME), text);
  return Buffer.byteLength(text);
}
