/**
 * Snappy block-format decompression, strict: every element is bounds-checked, a copy may not
 * reach before the start of the output, and the output must have exactly the length its
 * preamble announces, so damaged input fails with Go's texts (`snappy: corrupt input`,
 * `snappy: decoded block is too large`) instead of yielding garbage. Written from the format
 * description.
 *
 * The block format: a varint with the decompressed length, then elements, each starting with a
 * tag byte whose low two bits give the kind — a literal (length in the tag's upper six bits, or
 * in the 1-4 little-endian bytes after it when those bits say 60-63) or a copy of earlier output
 * (length and offset in the tag and in 1, 2 or 4 bytes after it). A copy may overlap its own
 * output (offset smaller than length: a repeated pattern).
 *
 * Two ways to get the output: `snappyDecompress` into a new Buffer (an HTTP body), and
 * `SnappyDecoder`, which decompresses into one growing buffer of its own (a WAL replay
 * decompresses half a million records; a fresh buffer each is gigabytes of allocation).
 */
import { IgnisError } from '../errors.js';

/** A snappy block could not be decoded; the message is Go's text for the same input. */
export class SnappyError extends IgnisError {}

const CORRUPT = 'snappy: corrupt input';
/** The largest decoded block accepted at all. */
const MAX_DECODED = 0x7fffffff;
/** No element yields more than 64 bytes from 3 input bytes: a larger claim is damage. */
const MAX_EXPANSION = 22;

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

/** Throws unless `length` bytes can come out of the `inputBytes` element bytes after the preamble. */
function checkExpansion(length: number, inputBytes: number): void {
  if (length > inputBytes * MAX_EXPANSION) throw new SnappyError(CORRUPT);
}

/**
 * Decodes the elements of `src` from `s` into `dst[0, length)`; `dst` must hold `length` bytes.
 * Throws `SnappyError` unless they fill exactly that.
 */
function decodeElements(src: Uint8Array, s: number, dst: Uint8Array, length: number): void {
  const n = src.length;
  let d = 0;
  while (s < n) {
    const tag = src[s++]!;
    let len: number;
    let offset: number;
    switch (tag & 0x03) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const bytes = len - 59;
          if (s + bytes > n) throw new SnappyError(CORRUPT);
          len = 0;
          for (let k = bytes - 1; k >= 0; k--) len = len * 256 + src[s + k]!;
          s += bytes;
        }
        len += 1;
        if (len > length - d || len > n - s) throw new SnappyError(CORRUPT);
        // Short runs (most of them in WAL records) by hand: a subarray is an allocation.
        if (len <= 16) for (let k = 0; k < len; k++) dst[d + k] = src[s + k]!;
        else dst.set(src.subarray(s, s + len), d);
        d += len;
        s += len;
        continue;
      }
      case 1:
        if (s >= n) throw new SnappyError(CORRUPT);
        len = 4 + ((tag >>> 2) & 0x7);
        offset = ((tag & 0xe0) << 3) | src[s++]!;
        break;
      case 2:
        if (s + 2 > n) throw new SnappyError(CORRUPT);
        len = 1 + (tag >>> 2);
        offset = src[s]! | (src[s + 1]! << 8);
        s += 2;
        break;
      default:
        if (s + 4 > n) throw new SnappyError(CORRUPT);
        len = 1 + (tag >>> 2);
        offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16)) + src[s + 3]! * 0x1000000;
        s += 4;
    }
    if (offset === 0 || offset > d || len > length - d) throw new SnappyError(CORRUPT);
    // Byte by byte when short or overlapping (an overlapping copy repeats its own output).
    if (len <= 16 || offset < len) for (let k = 0; k < len; k++) dst[d + k] = dst[d - offset + k]!;
    else dst.copyWithin(d, d - offset, d - offset + len);
    d += len;
  }
  if (d !== length) throw new SnappyError(CORRUPT);
}

/**
 * Decodes snappy block `src` into a new Buffer. `maxLength` bounds the announced decoded size
 * (checked before anything is allocated) so that a tiny body cannot make the caller allocate
 * gigabytes; exceeding it throws `SnappyError` naming both numbers.
 */
export function snappyDecompress(src: Uint8Array, maxLength = MAX_DECODED): Buffer {
  const { length, headerLength } = snappyDecodedLength(src);
  if (length > maxLength) throw new SnappyError(`snappy: decoded block of ${length} bytes exceeds the limit of ${maxLength} bytes`);
  checkExpansion(length, src.length - headerLength);
  const dst = Buffer.allocUnsafe(length);
  decodeElements(src, headerLength, dst, length);
  return dst;
}

/** Decompresses snappy blocks into one growing buffer of its own. */
export class SnappyDecoder {
  #out = new Uint8Array(64 * 1024);

  /**
   * Decompresses block `src`; returns a view over the result in this decoder's buffer, valid
   * until the next call. Throws `SnappyError` for a malformed block.
   */
  decode(src: Uint8Array): Uint8Array {
    const { length, headerLength } = snappyDecodedLength(src);
    checkExpansion(length, src.length - headerLength);
    if (this.#out.length < length) this.#out = new Uint8Array(Math.max(length, this.#out.length * 2));
    decodeElements(src, headerLength, this.#out, length);
    return this.#out.subarray(0, length);
  }
}
