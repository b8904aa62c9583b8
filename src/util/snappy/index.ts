/** Snappy block compression into caller-owned buffers (no per-call allocation), and strict decompression. */
export { compressInto, maxCompressedLength } from './compress.js';
export { SnappyDecoder, SnappyError, snappyDecodedLength, snappyDecompress } from './decompress.js';
