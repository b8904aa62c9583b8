/**
 * Snappy block format (not the framed stream format): what remote write and remote read put in
 * HTTP bodies with `Content-Encoding: snappy`. A block is the uvarint length of the decoded
 * data followed by literal and copy elements.
 *
 * Compression is util's allocation-free compressor (`snappyCompressInto`). The decoder here is
 * strict, written from the format description: every element is bounds-checked, copies may not
 * reach before the start of the output, and the output must have exactly the announced length,
 * so damaged input fails with the texts Prometheus answers for it (`snappy: corrupt input`,
 * `snappy: decoded block is too large`) instead of yielding garbage.
 */
import { IgnisError, snappyCompressInto, snappyMaxCompressedLength } from '../../../util/index.js';

/** A snappy block could not be decoded; the message is Go's text for the same input. */
export class SnappyError extends IgnisError {}

const CORRUPT = 'snappy: corrupt input';
/** Go's limit on a decoded block (`maxBlockSize`-independent `decodedLen` check). */
const MAX_DECODED = 0x7fffffff;
/**
 * Snappy-compresses `data` into a new Buffer (block format) with util's compressor. Any
 * conforming decoder reads it (Prometheus' Go `snappy.Decode` among them); the bytes are not
 * necessarily those Go's encoder would write for the same input.
 */
export function snappyEncode(data: Uint8Array): Buffer {
  const dst = Buffer.allocUnsafe(snappyMaxCompressedLength(data.length));
  return dst.subarray(0, snappyCompressInto(data, data.length, dst, 0));
}

/**
 * The decoded length announced by block `src` and the offset where its elements start.
 * Throws `SnappyError` when the preamble is malformed or announces more than 2 GiB.
 */
export function snappyDecodedLength(src: Uint8Array): { length: number; headerLength: number } {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10 && i < src.length; i++) {
    const b = src[i]!;
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > MAX_DECODED) throw new SnappyError('snappy: decoded block is too large');
      return { length: v, headerLength: i + 1 };
    }
    mul *= 128;
  }
  throw new SnappyError(CORRUPT);
}

/**
 * Decodes snappy block `src` into a new Buffer. `maxLength` bounds the announced decoded size
 * (checked before anything is allocated) so that a tiny body cannot make the server allocate
 * gigabytes; exceeding it throws `SnappyError` naming both numbers.
 */
export function snappyDecode(src: Uint8Array, maxLength = MAX_DECODED): Buffer {
  const { length, headerLength } = snappyDecodedLength(src);
  if (length > maxLength) throw new SnappyError(`snappy: decoded block of ${length} bytes exceeds the limit of ${maxLength} bytes`);
  const dst = Buffer.allocUnsafe(length);
  const n = src.length;
  let s = headerLength;
  let d = 0;
  while (s < n) {
    const tag = src[s]!;
    let len: number;
    let offset: number;
    switch (tag & 0x03) {
      case 0: {
        let x = tag >>> 2;
        if (x < 60) s += 1;
        else if (x === 60) {
          s += 2;
          if (s > n) throw new SnappyError(CORRUPT);
          x = src[s - 1]!;
        } else if (x === 61) {
          s += 3;
          if (s > n) throw new SnappyError(CORRUPT);
          x = src[s - 2]! | (src[s - 1]! << 8);
        } else if (x === 62) {
          s += 4;
          if (s > n) throw new SnappyError(CORRUPT);
          x = src[s - 3]! | (src[s - 2]! << 8) | (src[s - 1]! << 16);
        } else {
          s += 5;
          if (s > n) throw new SnappyError(CORRUPT);
          x = (src[s - 4]! | (src[s - 3]! << 8) | (src[s - 2]! << 16) | (src[s - 1]! << 24)) >>> 0;
        }
        len = x + 1;
        if (len > length - d || len > n - s) throw new SnappyError(CORRUPT);
        dst.set(src.subarray(s, s + len), d);
        d += len;
        s += len;
        continue;
      }
      case 1:
        s += 2;
        if (s > n) throw new SnappyError(CORRUPT);
        len = 4 + ((src[s - 2]! >>> 2) & 0x7);
        offset = ((src[s - 2]! & 0xe0) << 3) | src[s - 1]!;
        break;
      case 2:
        s += 3;
        if (s > n) throw new SnappyError(CORRUPT);
        len = 1 + (src[s - 3]! >>> 2);
        offset = src[s - 2]! | (src[s - 1]! << 8);
        break;
      default:
        s += 5;
        if (s > n) throw new SnappyError(CORRUPT);
        len = 1 + (src[s - 5]! >>> 2);
        offset = (src[s - 4]! | (src[s - 3]! << 8) | (src[s - 2]! << 16) | (src[s - 1]! << 24)) >>> 0;
    }
    if (offset <= 0 || d < offset || len > length - d) throw new SnappyError(CORRUPT);
    if (offset >= len) {
      dst.copyWithin(d, d - offset, d - offset + len);
      d += len;
    } else {
      // Overlapping copy: repeats the last `offset` bytes, byte by byte as snappy defines it.
      for (const end = d + len; d < end; d++) dst[d] = dst[d - offset]!;
    }
  }
  if (d !== length) throw new SnappyError(CORRUPT);
  return dst;
}
