/**
 * The XOR sample encoder as a function over caller-owned memory: the chunk's bytes live at
 * `buf[base, base + len)` and the appender's state in a few typed-array slots the caller
 * chooses. `XorAppender` uses it for `XorChunk`s; the head uses it to keep open chunks in
 * shared byte pages with their state in the series' rows, so that an open chunk is no JS
 * object at all. One encoder for both keeps their output byte-identical (see
 * `src/tsdb/docs/format/chunks.md` and the promtool compatibility tests).
 *
 * The write position is a bit offset from `base` (`POS`); `LEN` is the chunk length as Go's bit
 * writer reports it, which includes an empty tail byte after a byte-wise write that ends on a
 * byte boundary (see `XorChunk.free`). Bytes at and beyond `LEN` need not be zero: every byte
 * the encoder enters is first assigned, then or-ed into.
 */
import { F64, HI, LO } from './float-bits.js';

/** The same 8 bytes as `F64`, as signed 32-bit words (stay small integers in V8). */
const I32 = new Int32Array(F64.buffer);

const TWO32 = 4294967296;
/** `0x7ff80000` (quiet stale marker, upper word) as a signed 32-bit integer. */
const QUIET_STALE_HI_I32 = 0x7ff80000 | 0;
const STALE_HI_I32 = 0x7ff00000 | 0;

/** Most samples one chunk can count in its 16-bit header. */
export const MAX_SAMPLES_PER_CHUNK = 0xffff;

/**
 * Bytes one `xorAppend` may write past `LEN` at most (a 10-byte varint plus a full value, or a
 * 68-bit timestamp delta-of-delta plus a 77-bit value, plus the empty tail byte), rounded up.
 */
export const XOR_MAX_SAMPLE_BYTES = 24;

/** Float64 slots of the state, relative to the caller's float offset: last timestamp, last delta. */
export const XS_T = 0;
export const XS_TDELTA = 1;
/** Number of float64 slots of the state. */
export const XS_F64_SLOTS = 2;

/** Int32 slots of the state, relative to the caller's int offset. */
/** Last value's upper and lower 32 bits (signed). */
export const XS_VHI = 0;
export const XS_VLO = 1;
/** Leading zeros of the XOR window (0xff: no window yet) and trailing zeros. */
export const XS_LEAD = 2;
export const XS_TRAIL = 3;
/** Bit position of the end of the data, from `base`. */
export const XS_POS = 4;
/** Chunk length in bytes (count header included), as `Chunk.bytes()` reports it. */
export const XS_LEN = 5;
/** Number of samples. */
export const XS_NUM = 6;
/** Number of int32 slots of the state. */
export const XS_I32_SLOTS = 7;

/**
 * Sets the int32 state at `s[so…]` to an empty chunk and writes its zero sample count at `base`
 * (the float state is not read before the first sample).
 */
export function xorReset(buf: Uint8Array, base: number, s: Int32Array, so: number): void {
  buf[base] = 0;
  buf[base + 1] = 0;
  s[so + XS_VHI] = 0;
  s[so + XS_VLO] = 0;
  s[so + XS_LEAD] = 0xff;
  s[so + XS_TRAIL] = 0;
  s[so + XS_POS] = 16;
  s[so + XS_LEN] = 2;
  s[so + XS_NUM] = 0;
}

/**
 * Appends sample `(ts[i], vs[i])` to the chunk at `buf[base…]` whose state is at `f[fo…]`
 * (float slots `XS_*`) and `s[so…]` (int slots). The caller guarantees `XOR_MAX_SAMPLE_BYTES`
 * bytes of room after `LEN` and that the timestamp is newer than the last sample. Values are
 * stored by bit pattern; the quieted stale marker `0x7ff8000000000002` is stored as the exact
 * marker `0x7ff0000000000002` (see `isStaleNaN`).
 *
 * The sample is passed by array and index, not as two numbers: a call that is not inlined
 * boxes every non-small-integer argument (a timestamp, any fractional value) into a new heap
 * number, two allocations per sample on the head's commit path.
 */
export function xorAppend(
  buf: Uint8Array,
  base: number,
  f: Float64Array,
  fo: number,
  s: Int32Array,
  so: number,
  ts: Float64Array,
  vs: Float64Array,
  i: number,
): void {
  const num = s[so + XS_NUM]!;
  if (num >= MAX_SAMPLES_PER_CHUNK) throw new RangeError(`BUG: XOR chunk full (${num} samples)`);
  const t = ts[i]!;
  F64[0] = vs[i]!;
  let hi = I32[HI]!;
  const lo = I32[LO]!;
  // V8 may have quieted the (signalling) stale marker on its way here; store the exact one so
  // that Prometheus reading our blocks sees a stale marker.
  if (hi === QUIET_STALE_HI_I32 && lo === 2) hi = STALE_HI_I32;
  const b8 = base * 8;
  let pos = b8 + s[so + XS_POS]!;
  // Width of the last write: a byte-wise write (multiple of 8 bits) ending on a byte boundary
  // leaves an empty tail byte (Go's bit writer).
  let width: number;
  if (num === 0) {
    pos = putVarint(buf, pos, t);
    pos = putBits(buf, pos, hi, 32);
    pos = putBits(buf, pos, lo, 32);
    width = 64;
    s[so + XS_VHI] = hi;
    s[so + XS_VLO] = lo;
  } else {
    // Bits are gathered in `acc` (the low `an` bits, at most 32) and written with as few
    // `putBits` calls as possible: the timestamp's and the value's fields usually fit in one
    // word together. Splitting a bit string differently across writes does not change it.
    let acc = 0;
    let an = 0;
    const tDelta = t - f[fo + XS_T]!;
    if (num === 1) {
      pos = putUvarintInt64(buf, pos, tDelta);
    } else {
      const dod = tDelta - f[fo + XS_TDELTA]!;
      if (dod === 0) an = 1;
      else if (dod >= -8191 && dod <= 8192) {
        acc = (0b10 << 14) | (dod & 0x3fff);
        an = 16;
      } else if (dod >= -65535 && dod <= 65536) {
        acc = (0b110 << 17) | (dod & 0x1ffff);
        an = 20;
      } else if (dod >= -524287 && dod <= 524288) {
        acc = (0b1110 << 20) | (dod & 0xfffff);
        an = 24;
      } else {
        pos = putBits(buf, pos, 0b1111, 4);
        pos = putBits(buf, pos, Math.floor(dod / TWO32) | 0, 32);
        pos = putBits(buf, pos, dod >>> 0, 32);
      }
    }
    f[fo + XS_TDELTA] = tDelta;
    const xh = hi ^ s[so + XS_VHI]!;
    const xl = lo ^ s[so + XS_VLO]!;
    s[so + XS_VHI] = hi;
    s[so + XS_VLO] = lo;
    if (xh === 0 && xl === 0) {
      pos = putBits(buf, pos, acc << 1, an + 1);
      width = 1;
    } else {
      let lz = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
      const tz = xl !== 0 ? 31 - Math.clz32(xl & -xl) : 63 - Math.clz32(xh & -xh);
      if (lz > 31) lz = 31;
      const leading = s[so + XS_LEAD]!;
      const trailing = s[so + XS_TRAIL]!;
      let shift: number;
      if (leading !== 0xff && lz >= leading && tz >= trailing) {
        width = 64 - leading - trailing;
        shift = trailing;
        if (an > 30) {
          pos = putBits(buf, pos, acc, an);
          acc = 0;
          an = 0;
        }
        acc = (acc << 2) | 0b10;
        an += 2;
      } else {
        s[so + XS_LEAD] = lz;
        s[so + XS_TRAIL] = tz;
        width = 64 - lz - tz;
        shift = tz;
        if (an > 19) {
          pos = putBits(buf, pos, acc, an);
          acc = 0;
          an = 0;
        }
        acc = (acc << 13) | (0b11 << 11) | (lz << 6) | (width & 63);
        an += 13;
      }
      if (an + width <= 32) {
        // The value's bits shifted down by `shift` fit in `width` (< 32) bits: its low word.
        const v = shift >= 32 ? xh >>> (shift - 32) : shift > 0 ? (xl >>> shift) | (xh << (32 - shift)) : xl;
        pos = putBits(buf, pos, an === 0 ? v : (acc << width) | v, an + width);
      } else {
        if (an > 0) pos = putBits(buf, pos, acc, an);
        pos = putShifted(buf, pos, xh, xl, shift, width);
      }
    }
  }
  f[fo + XS_T] = t;
  let end = (pos + 7) >>> 3;
  if ((pos & 7) === 0 && (width & 7) === 0) buf[end++] = 0;
  s[so + XS_POS] = pos - b8;
  s[so + XS_LEN] = end - base;
  const n = num + 1;
  s[so + XS_NUM] = n;
  buf[base] = n >>> 8;
  buf[base + 1] = n & 0xff;
}

/** Writes the low `n` bits (1..32) of `u` at bit `pos`, most significant first; returns the new position. */
function putBits(buf: Uint8Array, pos: number, u: number, n: number): number {
  let i = pos >>> 3;
  const used = pos & 7;
  let left = n;
  if (used !== 0) {
    const free = 8 - used;
    const take = free < left ? free : left;
    buf[i]! |= ((u >>> (left - take)) & ((1 << take) - 1)) << (free - take);
    left -= take;
    i++;
  }
  while (left >= 8) {
    left -= 8;
    buf[i++] = (u >>> left) & 0xff;
  }
  if (left > 0) buf[i] = (u << (8 - left)) & 0xff;
  return pos + n;
}

/** Writes the `n` bits of the 64-bit `hi:lo` shifted right by `shift`. */
function putShifted(buf: Uint8Array, pos: number, hi: number, lo: number, shift: number, n: number): number {
  if (shift >= 32) {
    lo = hi >>> (shift - 32);
    hi = 0;
  } else if (shift > 0) {
    lo = (lo >>> shift) | (hi << (32 - shift));
    hi = hi >>> shift;
  }
  if (n > 32) {
    pos = putBits(buf, pos, hi, n - 32);
    return putBits(buf, pos, lo, 32);
  }
  return putBits(buf, pos, lo, n);
}

/** Go `binary.PutVarint` of a timestamp, byte by byte (the stream is byte-aligned here). */
function putVarint(buf: Uint8Array, pos: number, x: number): number {
  if (x >= -(2 ** 52) && x <= 2 ** 52) return putUvarint(buf, pos, x >= 0 ? x * 2 : -x * 2 - 1);
  const b = BigInt(Math.trunc(x));
  return putBigUvarint(buf, pos, BigInt.asUintN(64, b >= 0n ? b << 1n : ~(b << 1n)));
}

/** Go `binary.PutUvarint(uint64(x))`. */
function putUvarintInt64(buf: Uint8Array, pos: number, x: number): number {
  if (x >= 0 && x <= Number.MAX_SAFE_INTEGER) return putUvarint(buf, pos, x);
  return putBigUvarint(buf, pos, BigInt.asUintN(64, BigInt(Math.trunc(x))));
}

function putUvarint(buf: Uint8Array, pos: number, x: number): number {
  let i = pos >>> 3;
  while (x >= 128) {
    buf[i++] = (x % 128) | 0x80;
    x = Math.floor(x / 128);
  }
  buf[i++] = x;
  return i * 8;
}

function putBigUvarint(buf: Uint8Array, pos: number, x: bigint): number {
  let i = pos >>> 3;
  while (x >= 128n) {
    buf[i++] = Number(x & 0x7fn) | 0x80;
    x >>= 7n;
  }
  buf[i++] = Number(x);
  return i * 8;
}
