/**
 * Snappy block-format compressor that allocates nothing per call: the caller supplies the
 * output buffer (at least `maxCompressedLength(n)` bytes from its offset) and the match-finding
 * hash table is one module-level array, cleared per 64 KiB block only as far as that block
 * needs. Output is the plain block format (no framing/stream format): a varint of the
 * uncompressed length, then literal and copy elements; matches never reach back before the
 * start of their 64 KiB block, so every copy offset fits in 16 bits. Any conforming snappy
 * decoder (Go's `snappy.Decode`, `snappyjs.uncompress`) reads it.
 *
 * Written from the format description; the match search is the usual greedy one over a hash
 * of 4-byte windows, with a search step that grows while nothing matches so incompressible
 * input is passed over quickly.
 */

/** Input is compressed in independent blocks of this size (matches stay inside their block). */
const BLOCK_SIZE = 1 << 16;
/** The hash table has at most 2^14 slots; small blocks use (and clear) fewer. */
const MAX_TABLE_BITS = 14;
const MIN_TABLE_BITS = 8;
/** No match search starts in the last bytes of a block: they always end up as a literal. */
const TAIL_MARGIN = 15;
/** Multiplier of the 4-byte window hash (an odd constant with well-mixed bits). */
const HASH_MUL = 0x9e3779b1 | 0;

/** Slot → position of a 4-byte window in the current block (a candidate, always verified). */
const table = new Uint16Array(1 << MAX_TABLE_BITS);

const TAG_LITERAL = 0;
const TAG_COPY1 = 1;
const TAG_COPY2 = 2;

/**
 * Upper bound of `compressInto`'s output for `n` input bytes (the bound snappy documents:
 * varint + literal/copy overheads never exceed n/6 + 32).
 */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/**
 * Compresses `src[0, srcLen)` into `dst` from `dstOff`; returns the number of bytes written.
 * Throws RangeError when `srcLen` is out of range or `dst` has fewer than
 * `maxCompressedLength(srcLen)` bytes from `dstOff`. Uses module state (the hash table), which
 * each JS thread has its own copy of; calls are synchronous, so they never interleave.
 */
export function compressInto(src: Uint8Array, srcLen: number, dst: Uint8Array, dstOff: number): number {
  if (!(srcLen >= 0 && srcLen <= src.length && srcLen <= 0xffffffff)) throw new RangeError(`snappy: input length ${srcLen} out of range`);
  if (!(dstOff >= 0) || dst.length - dstOff < maxCompressedLength(srcLen)) {
    throw new RangeError(`snappy: output needs ${maxCompressedLength(srcLen)} bytes from offset ${dstOff}, has ${dst.length - dstOff}`);
  }
  let op = dstOff;
  // Uncompressed length as an unsigned little-endian base-128 varint.
  let v = srcLen;
  while (v >= 0x80) {
    dst[op++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  dst[op++] = v;
  // 4-byte windows are read as one little-endian int32 (unaligned reads through a DataView).
  const dv = new DataView(src.buffer, src.byteOffset, srcLen);
  for (let start = 0; start < srcLen; start += BLOCK_SIZE) {
    op = compressBlock(src, dv, start, Math.min(srcLen, start + BLOCK_SIZE), dst, op);
  }
  return op - dstOff;
}

/** Compresses `src[start, end)` (at most one block; `dv` views `src`) into `dst` at `op`; returns the new `op`. */
function compressBlock(src: Uint8Array, dv: DataView, start: number, end: number, dst: Uint8Array, op: number): number {
  const n = end - start;
  if (n <= TAIL_MARGIN) return emitLiteral(src, start, n, dst, op);
  let bits = MIN_TABLE_BITS;
  while (bits < MAX_TABLE_BITS && 1 << bits < n) bits++;
  const shift = 32 - bits;
  table.fill(0, 0, 1 << bits);

  const lastSearch = end - TAIL_MARGIN;
  let pending = start; // first byte not yet emitted
  let ip = start + 1;
  let misses = 0;
  while (ip <= lastSearch) {
    const word = dv.getInt32(ip, true);
    const slot = Math.imul(word, HASH_MUL) >>> shift;
    const cand = start + table[slot]!;
    table[slot] = ip - start;
    if (dv.getInt32(cand, true) !== word) {
      // Step 1 for the first 32 misses in a row, then 2, 3, … : skims incompressible runs.
      ip += 1 + (misses++ >>> 5);
      continue;
    }
    misses = 0;
    if (ip > pending) op = emitLiteral(src, pending, ip - pending, dst, op);
    let len = 4;
    // Extend the match four bytes at a time while four remain, then byte by byte.
    while (ip + len + 4 <= end && dv.getInt32(cand + len, true) === dv.getInt32(ip + len, true)) len += 4;
    while (ip + len < end && src[cand + len] === src[ip + len]) len++;
    op = emitCopy(ip - cand, len, dst, op);
    ip += len;
    pending = ip;
    // Remember the window just before the new position too: runs and repeats continue there.
    if (ip <= lastSearch) {
      const p = ip - 1;
      table[Math.imul(dv.getInt32(p, true), HASH_MUL) >>> shift] = p - start;
    }
  }
  if (pending < end) op = emitLiteral(src, pending, end - pending, dst, op);
  return op;
}

/** Writes a literal element of `len` (1 … 65536) bytes copied from `src[from…]`. */
function emitLiteral(src: Uint8Array, from: number, len: number, dst: Uint8Array, op: number): number {
  if (len === 0) return op;
  const m = len - 1;
  if (m < 60) {
    dst[op++] = (m << 2) | TAG_LITERAL;
  } else if (m < 0x100) {
    dst[op++] = (60 << 2) | TAG_LITERAL;
    dst[op++] = m;
  } else {
    dst[op++] = (61 << 2) | TAG_LITERAL;
    dst[op++] = m & 0xff;
    dst[op++] = m >>> 8;
  }
  if (len < 32) for (let i = 0; i < len; i++) dst[op + i] = src[from + i]!;
  else dst.set(src.subarray(from, from + len), op);
  return op + len;
}

/** Writes copy elements for a match of `len` (≥ 4) bytes at distance `offset` (1 … 65535). */
function emitCopy(offset: number, len: number, dst: Uint8Array, op: number): number {
  // Copy-2 elements carry at most 64 bytes; split so that the last piece is still ≥ 4 bytes.
  while (len >= 68) {
    op = emitCopy2(offset, 64, dst, op);
    len -= 64;
  }
  if (len > 64) {
    op = emitCopy2(offset, 60, dst, op);
    len -= 60;
  }
  if (len <= 11 && offset < 2048) {
    dst[op++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | TAG_COPY1;
    dst[op++] = offset & 0xff;
    return op;
  }
  return emitCopy2(offset, len, dst, op);
}

function emitCopy2(offset: number, len: number, dst: Uint8Array, op: number): number {
  dst[op++] = ((len - 1) << 2) | TAG_COPY2;
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  return op;
}
