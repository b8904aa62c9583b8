/**
 * Snappy block decompression into a buffer the caller keeps (`SnappyDecoder`): a WAL replay
 * decompresses every record (half a million of them for 1M series × 2h), and a fresh buffer per
 * record — what `snappyjs.uncompress` returns — is gigabytes of zero-filled allocations whose
 * external-memory accounting keeps the decoding thread's GC busy.
 *
 * The block format: a varint with the decompressed length, then elements, each starting with a
 * tag byte whose low two bits give the kind — a literal (length in the tag's upper six bits, or
 * in the 1-4 little-endian bytes after it when those bits say 60-63) or a copy of earlier output
 * (length and offset in the tag and in 1, 2 or 4 bytes after it). A copy may overlap its own
 * output (offset smaller than length: a repeated pattern).
 */

/** Why `SnappyDecoder.decode` refused a block. */
export class SnappyDecodeError extends Error {}

/** Decompresses snappy blocks into one growing buffer of its own. */
export class SnappyDecoder {
  #out = new Uint8Array(64 * 1024);

  /**
   * Decompresses the block `src`; returns a view over the result in this decoder's buffer,
   * valid until the next call. Throws `SnappyDecodeError` for a malformed block.
   */
  decode(src: Uint8Array): Uint8Array {
    const end = src.length;
    let pos = 0;
    // The preamble: the decompressed length as a varint of at most 5 bytes (32 bits).
    let total = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end || shift > 28) throw new SnappyDecodeError('invalid snappy length preamble');
      const c = src[pos++]!;
      total += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) break;
    }
    // No element yields more than 64 bytes from 3 (a copy with a 2-byte offset): a larger claim
    // is damage, and must not make us allocate it.
    if (total > 0xffffffff || total > (end - pos) * 22) throw new SnappyDecodeError(`snappy preamble claims ${total} bytes from a block of ${end}`);
    if (this.#out.length < total) this.#out = new Uint8Array(Math.max(total, this.#out.length * 2));
    const out = this.#out;
    let op = 0;
    while (pos < end) {
      const tag = src[pos++]!;
      const kind = tag & 3;
      let len: number;
      if (kind === 0) {
        len = tag >>> 2;
        if (len >= 60) {
          const n = len - 59;
          if (pos + n > end) throw new SnappyDecodeError('snappy literal length cut off');
          len = 0;
          for (let k = n - 1; k >= 0; k--) len = len * 256 + src[pos + k]!;
          pos += n;
        }
        len += 1;
        if (pos + len > end || op + len > total) throw new SnappyDecodeError('snappy literal overruns its block');
        // Short runs (most of them in WAL records) by hand: a subarray is an allocation.
        if (len <= 16) for (let k = 0; k < len; k++) out[op + k] = src[pos + k]!;
        else out.set(src.subarray(pos, pos + len), op);
        pos += len;
        op += len;
        continue;
      }
      let offset: number;
      if (kind === 1) {
        if (pos >= end) throw new SnappyDecodeError('snappy copy cut off');
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | src[pos++]!;
      } else if (kind === 2) {
        if (pos + 2 > end) throw new SnappyDecodeError('snappy copy cut off');
        len = (tag >>> 2) + 1;
        offset = src[pos]! | (src[pos + 1]! << 8);
        pos += 2;
      } else {
        if (pos + 4 > end) throw new SnappyDecodeError('snappy copy cut off');
        len = (tag >>> 2) + 1;
        offset = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 0x1000000;
        pos += 4;
      }
      if (offset === 0 || offset > op) throw new SnappyDecodeError('snappy copy offset out of range');
      if (op + len > total) throw new SnappyDecodeError('snappy copy overruns its block');
      // Byte by byte when short or overlapping (an overlapping copy repeats its own output).
      if (len <= 16 || offset < len) for (let k = 0; k < len; k++) out[op + k] = out[op - offset + k]!;
      else out.copyWithin(op, op - offset, op - offset + len);
      op += len;
    }
    if (op !== total) throw new SnappyDecodeError(`snappy block decodes to ${op} bytes, its preamble says ${total}`);
    return out.subarray(0, total);
  }
}
