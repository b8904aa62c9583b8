/**
 * A growable byte buffer specialised for the hot part of query results: `[t,"v"]` points
 * written digit by digit, with one bounds check per point and no string per timestamp or per
 * integer value. Everything it writes is ASCII except `utf8()`.
 */
import type { Labels } from '../../../model/labels/index.js';
import { formatSampleValue, formatTimestamp } from './json-format.js';
import { jsonString } from '../../../util/index.js';

/** Longest point `[t,"v"]` with its separator: 22-char timestamp, 24-char value, punctuation. */
const MAX_POINT_BYTES = 80;

/** ASCII digit pairs `00`…`99`, for writing two digits per division. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[i * 2] = 0x30 + Math.floor(i / 10);
  PAIRS[i * 2 + 1] = 0x30 + (i % 10);
}

/** Writes `0 <= n < 1e8` (an integer) in decimal at `p`; returns the position after it. */
function writeSmall(buf: Buffer, p: number, n: number): number {
  const len = n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
  let end = p + len;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    buf[--end] = PAIRS[r + 1]!;
    buf[--end] = PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    buf[--end] = PAIRS[(n << 1) + 1]!;
    buf[--end] = PAIRS[n << 1]!;
  } else buf[--end] = 0x30 + n;
  return p + len;
}

/** Writes `0 <= n < 1e8` as exactly eight digits (zero-padded) at `p`. */
function writeEight(buf: Buffer, p: number, n: number): number {
  for (let end = p + 8; end > p; ) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    buf[--end] = PAIRS[r + 1]!;
    buf[--end] = PAIRS[r]!;
    n = q;
  }
  return p + 8;
}

/** Writes `n` (a safe integer) in decimal at `p`; returns the position after it. */
function writeInt(buf: Buffer, p: number, n: number): number {
  if (n < 0) {
    buf[p++] = 0x2d;
    n = -n;
  }
  if (n < 1e8) return writeSmall(buf, p, n);
  const hi = Math.floor(n / 1e8);
  p = hi < 1e8 ? writeSmall(buf, p, hi) : writeInt(buf, p, hi);
  return writeEight(buf, p, n - hi * 1e8);
}

/** Values scaled to nine decimals stay below this: doubles near them are then spaced closer than 1e-9 / 2. */
const DECIMAL_LIMIT = 2 ** 51;

/**
 * Writes a non-integer `v` with at most nine decimals (`12345.67`, `-0.05`) at `p` when that
 * is its shortest round-trip form, digit by digit; returns the position after it, or -1 when
 * `v` needs the general formatter (more decimals, |v| below 1e-6 or above about 2.2e6, not
 * finite).
 *
 * While `m = |v|·10^9 < 2^51`, doubles near `v` are spaced closer than half of 1e-9, so at most
 * one decimal of nine places reads back as `v`, and it is `round(m)` when `round(m) / 10^9`
 * equals `|v|`; a shorter decimal that reads back as `v` is that one with trailing zeros, so
 * the fewest decimals that read back give the shortest form, as `String(v)` writes it. Otherwise
 * no decimal of up to nine places reads back as `v`.
 */
function writeDecimal(buf: Buffer, p: number, v: number): number {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-6)) return -1;
  const x = a * 1e9;
  if (!(x < DECIMAL_LIMIT) || Math.round(x) / 1e9 !== a) return -1;
  // The fewest decimals that read back (k = 9 does): multiplications only, no float modulo.
  let k = 1;
  let m = Math.round(a * 10);
  while (m / POW10[k]! !== a) m = Math.round(a * POW10[++k]!);
  if (v < 0) buf[p++] = 0x2d;
  const ip = Math.floor(a);
  let r = m - ip * POW10[k]!; // the decimals, below 1e9
  p = writeInt(buf, p, ip);
  buf[p++] = 0x2e;
  for (let j = p + k - 1; j >= p; j--) {
    const q = (r / 10) | 0;
    buf[j] = 0x30 + r - q * 10;
    r = q;
  }
  return p + k;
}

/** 1 for the printable ASCII characters a JSON string holds as they are (all but `"`, `\`, `<`, `>`, `&`). */
const PLAIN = new Uint8Array(128);
for (let c = 0x20; c <= 0x7e; c++) PLAIN[c] = c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 ? 0 : 1;

/**
 * Writes a millisecond timestamp as `formatTimestamp` does (`1700000101.500`) at `p`; returns
 * the position after it.
 */
function writeTimestamp(buf: Buffer, p: number, t: number): number {
  if (!Number.isSafeInteger(t)) {
    const s = formatTimestamp(t);
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    return p;
  }
  if (t < 0) {
    buf[p++] = 0x2d;
    t = -t;
  }
  const ms = t % 1000;
  p = writeInt(buf, p, (t - ms) / 1000);
  if (ms !== 0) {
    buf[p++] = 0x2e;
    const h = Math.floor(ms / 100);
    const r = ms - h * 100;
    const d = Math.floor(r / 10);
    buf[p++] = 0x30 + h;
    buf[p++] = 0x30 + d;
    buf[p++] = 0x30 + (r - d * 10);
  }
  return p;
}

/** Timestamp cache slots of `JsonBytes.point` (a power of two). */
const TS_SLOTS = 64;

/** Powers of ten `10^0 … 10^9`, exact in doubles. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** A JSON byte builder; `view()` is valid until the next write. */
export class JsonBytes {
  #buf: Buffer;
  #pos = 0;
  /** Timestamp text cache per slot: the timestamp, and where and how long its text was written. */
  readonly #tsT = new Float64Array(TS_SLOTS).fill(NaN);
  readonly #tsPos = new Float64Array(TS_SLOTS);
  readonly #tsLen = new Uint8Array(TS_SLOTS);

  constructor(initialCapacity = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(256, initialCapacity));
  }

  /** Bytes written. */
  get length(): number {
    return this.#pos;
  }

  /** Appends an ASCII string (punctuation, keywords, numbers). */
  ascii(s: string): void {
    this.#reserve(s.length);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.#pos = p;
  }

  /** Appends any string as UTF-8 (lone surrogates become U+FFFD). */
  utf8(s: string): void {
    this.#reserve(s.length * 3);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /**
   * Appends `s` as a JSON string, escaped as `jsonString` does. Printable ASCII without `"`,
   * `\`, `<`, `>`, `&` (label names and nearly every label value) is copied byte by byte; any
   * other string goes through `jsonString`.
   */
  string(s: string): void {
    this.#reserve(s.length + 2);
    this.#pos = this.#plain(s, this.#pos);
  }

  /**
   * Writes `"s"` at `p` (room for `s.length + 2` bytes reserved) when `s` is plain ASCII (see
   * `string`), else appends `jsonString(s)` at `p`; returns the position after it.
   */
  #plain(s: string, p: number): number {
    const buf = this.#buf;
    const n = s.length;
    buf[p] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7e || PLAIN[c] === 0) {
        this.#pos = p;
        this.utf8(jsonString(s)); // nothing committed yet: writes over the opening quote
        return this.#pos;
      }
      buf[p + 1 + i] = c;
    }
    buf[p + n + 1] = 0x22;
    return p + n + 2;
  }

  /**
   * Appends a label set as a JSON object in label order (`labelsJSON`'s text, without the
   * string): room for the whole set is reserved once, then names and values are copied.
   */
  labels(labels: Labels): void {
    const n = labels.length;
    let size = 2;
    for (let i = 0; i < n; i++) size += labels.nameAt(i).length + labels.valueAt(i).length + 6;
    this.#reserve(size);
    let p = this.#pos;
    this.#buf[p++] = 0x7b;
    for (let i = 0; i < n; i++) {
      if (i > 0) this.#buf[p++] = 0x2c;
      p = this.#plain(labels.nameAt(i), p);
      this.#reserve(size); // an escaped string may have used the room of the rest
      this.#buf[p++] = 0x3a;
      p = this.#plain(labels.valueAt(i), p);
      this.#reserve(size);
    }
    this.#buf[p++] = 0x7d;
    this.#pos = p;
  }

  /** Appends one byte. */
  byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = b;
  }

  /**
   * Appends one point `[<timestamp>,"<value>"]` (preceded by `,` unless `first`), timestamp and
   * value in upstream's jsoniter forms (`formatTimestamp`, `formatSampleValue`). `slot` (the
   * point's index in its series) picks the cached timestamp text: the series of a range result
   * share their steps' timestamps, and an instant vector's samples one timestamp, so most
   * timestamps are copied from where the same one was written before.
   */
  point(t: number, v: number, first: boolean, slot = 0): void {
    this.#reserve(MAX_POINT_BYTES);
    const buf = this.#buf;
    let p = this.#pos;
    if (!first) buf[p++] = 0x2c;
    buf[p++] = 0x5b;
    const k = slot & (TS_SLOTS - 1);
    if (this.#tsT[k] === t) {
      const from = this.#tsPos[k]!;
      const len = this.#tsLen[k]!;
      for (let i = 0; i < len; i++) buf[p + i] = buf[from + i]!;
      p += len;
    } else {
      const start = p;
      p = writeTimestamp(buf, p, t);
      this.#tsT[k] = t;
      this.#tsPos[k] = start;
      this.#tsLen[k] = p - start;
    }
    buf[p++] = 0x2c;
    buf[p++] = 0x22;
    if (Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0)) p = writeInt(buf, p, v);
    else {
      const q = writeDecimal(buf, p, v);
      if (q >= 0) p = q;
      else {
        const s = formatSampleValue(v);
        for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
      }
    }
    buf[p++] = 0x22;
    buf[p++] = 0x5d;
    this.#pos = p;
  }

  /** The bytes written so far (shares memory; valid until the next write). */
  view(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  #reserve(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }
}
