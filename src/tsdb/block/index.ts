/**
 * Persisted blocks: meta.json (v1) and ULIDs, the block writer (tmp dir, fsync, rename), and the
 * block reader with its `Querier`.
 */
export { newUlid, isUlid, ulidTime } from './ulid.js';
export {
  META_FILENAME,
  META_VERSION_1,
  encodeMeta,
  decodeMeta,
  readMeta,
  readMetaAsync,
  writeMeta,
  type BlockMeta,
  type BlockStats,
  type BlockDesc,
  type BlockMetaCompaction,
} from './meta.js';
export { BlockWriter, TMP_FOR_CREATION_SUFFIX, type BlockChunk, type BlockWriterOptions } from './block-writer.js';
export { Block, removeTmpBlockDirs } from './block.js';
export { BlockQuerier, type BlockReaders } from './block-querier.js';
export { BlockSeries, BlockSeriesIterator } from './block-series.js';
