/**
 * The head block: in-memory series with XOR chunks, postings, WAL-backed appends with
 * isolation, queriers, replay, truncation with checkpoints, and block export.
 */
export { Head, DEFAULT_CHUNK_RANGE_MS, DEFAULT_SAMPLES_PER_CHUNK, type HeadOptions } from './head.js';
export { BlockExportBuilder, type ChunkObserver } from './block-export.js';
export { forEachPackedSeries, sharedBytes, transferables, type PackedSeries, type UnpackedSeries } from './packed-series.js';
export type { ReplayStatus } from './head-wal.js';
export { HeadSeriesIterator } from './head-read.js';
export { sameFloatBits } from './float-bits.js';
export { MemSeries, rangeForTimestamp, computeChunkEndTime, MAX_BYTES_PER_XOR_CHUNK, type ChunkCopy } from './memseries.js';
export { ChunkArena } from './chunk-arena.js';
export { OpenChunkPool } from './open-chunks.js';
export { SeriesStore, type LabelsHasher } from './series-store.js';
export { OOOHead, type OOOSnapshot } from './ooo-head.js';
export { outOfOrderBlockSeries } from './ooo-block.js';
export { DEFAULT_OOO_CAP } from './ooo-series.js';
