/**
 * Chunk encodings: Prometheus-compatible XOR (Gorilla) float chunks, their appender and
 * allocation-free iterator, and float bit helpers (stale marker).
 */
export { Encoding, encodingName, type Chunk, type ChunkAppender, type ChunkIterator } from './chunk.js';
export { XorChunk, XorAppender, MAX_SAMPLES_PER_CHUNK } from './xor.js';
export { XorIterator } from './xor-iterator.js';
export { decodeXorFloats, XOR_DECODE_DONE, XOR_DECODE_PAST_MAXT, XOR_DECODE_FALLBACK } from './xor-decode.js';
export {
  xorAppend,
  xorReset,
  XOR_MAX_SAMPLE_BYTES,
  XS_T,
  XS_TDELTA,
  XS_F64_SLOTS,
  XS_VHI,
  XS_VLO,
  XS_LEAD,
  XS_TRAIL,
  XS_POS,
  XS_LEN,
  XS_NUM,
  XS_I32_SLOTS,
} from './xor-writer.js';
export { STALE_NAN, isStaleNaN, floatHi, floatLo, floatFromBits } from './float-bits.js';
export { chunkFromBytes, UnsupportedEncodingError } from './from-bytes.js';
