/** Snappy block compression into caller-owned buffers (no per-call allocation). */
export { compressInto, maxCompressedLength } from './compress.js';
