/**
 * Snappy block format (not the framed stream format): what remote write and remote read put in
 * HTTP bodies with `Content-Encoding: snappy`. Both directions are util's: the allocation-free
 * compressor, and the strict decompressor whose errors carry the texts Prometheus answers for
 * damaged bodies (`snappy: corrupt input`).
 */
import { snappyCompressInto, snappyMaxCompressedLength } from '../../../util/index.js';

export { SnappyError, snappyDecodedLength, snappyDecompress as snappyDecode } from '../../../util/index.js';

/**
 * Snappy-compresses `data` into a new Buffer (block format) with util's compressor. Any
 * conforming decoder reads it (Prometheus' Go `snappy.Decode` among them); the bytes are not
 * necessarily those Go's encoder would write for the same input.
 */
export function snappyEncode(data: Uint8Array): Buffer {
  const dst = Buffer.allocUnsafe(snappyMaxCompressedLength(data.length));
  return dst.subarray(0, snappyCompressInto(data, data.length, dst, 0));
}
