/**
 * File utilities shared by every TSDB format: CRC-32C, Go-compatible varints, encode/decode
 * buffers, corruption errors, durable rename/fsync steps and memory V8 does not account for.
 */
export { crc32c } from './crc32c.js';
export { uvarintSize, varintSize, putUvarint, putVarint, putUvarintInt64, uvarintInt64Size } from './varint.js';
export { EncBuf } from './enc-buf.js';
export { DecBuf, verifyCrc32c } from './dec-buf.js';
export { CorruptionError } from './errors.js';
export {
  fsyncDirSync,
  fsyncDir,
  fsyncFileSync,
  fsyncTreeSync,
  replaceSync,
  replace,
  writeFileAtomicSync,
  writeFileAtomic,
} from './fsync.js';
export { untrackedBuffer, releasedUntracked, releaseReports, readFileUntracked, RELEASE_REPORT_BYTES } from './untracked-memory.js';
