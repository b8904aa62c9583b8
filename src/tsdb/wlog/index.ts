/**
 * The write-ahead log in Prometheus' format: segments of 32 KiB pages, fragmented records with
 * CRC-32C, optional snappy; writer with group commit and exact failure rollback, reader,
 * repair, checkpoints. See `src/tsdb/docs/format/wal.md`.
 */
export {
  PAGE_SIZE,
  DEFAULT_SEGMENT_SIZE,
  HEADER_SIZE,
  segmentName,
  segmentPath,
  listSegments,
  listSegmentsSync,
  segmentRange,
  type SegmentRef,
} from './segments.js';
export { WalError, WalCorruptionError } from './errors.js';
export { WriteAheadLog, type WalOptions } from './wal.js';
export { openSegmentFile, type SegmentFile, type SegmentFileOpener } from './segment-file.js';
export { SegmentReader, readSegmentFile, readSegments, type ReadOptions, type ReadProgress } from './reader.js';
export { RecordDecoder } from './record-decoder.js';
export { repairWal, type RepairResult } from './repair.js';
export { buildRefBitmap, hasRef, setRef } from './ref-bitmap.js';
export {
  createCheckpoint,
  lastCheckpoint,
  deleteCheckpoints,
  checkpointName,
  type CheckpointRef,
  type CheckpointStats,
  type CheckpointOptions,
} from './checkpoint.js';
