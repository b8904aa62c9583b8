/**
 * Number parsing straight from body bytes, without creating a string for the common cases.
 *
 * Decimal literals with at most 15 significant digits and a decimal exponent within ±22 are
 * converted exactly (Clinger's fast path: both the integer mantissa and the power of ten are
 * exact doubles, so one multiplication or division rounds correctly); anything else is first
 * validated here and then handed to `Number()`, which rounds correctly as well. The `read*`
 * functions report success and leave the number in `NUM`; the `parse*` wrappers return it or
 * `undefined`. Callers report positions themselves.
 */
import { latin1 } from './strings.js';

const POW10: readonly number[] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const D0 = 0x30;
const D9 = 0x39;

/** Lower-cases an ASCII letter byte (other bytes come back unchanged). */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** True when `b[s:e]` equals the lower-case ASCII `word` ignoring case. */
function equalsIgnoreCase(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(b[s + i]!) !== word.charCodeAt(i)) return false;
  return true;
}

/** `inf`, `infinity` (optionally signed) or `nan`, case-insensitive; undefined otherwise. */
function special(b: Uint8Array, s: number, e: number): number | undefined {
  const c = b[s]!;
  let sign = 1;
  let p = s;
  if (c === PLUS || c === MINUS) {
    if (c === MINUS) sign = -1;
    p++;
  } else if (equalsIgnoreCase(b, s, e, 'nan')) {
    return NaN;
  }
  if (equalsIgnoreCase(b, p, e, 'inf') || equalsIgnoreCase(b, p, e, 'infinity')) return sign * Infinity;
  return undefined;
}

/**
 * The result slot of the `read*` functions and `scanDecimal`: they store the number in `value`
 * (and where the literal ended in `end`) instead of returning it, because a returned double that
 * is not a small integer costs a heap allocation when the call is not inlined. Read it right
 * after a successful call; it is overwritten by the next one.
 */
export const NUM = new (class NumberSlot {
  // A class instance, not an object literal: V8 stores doubles into a literal's field by
  // allocating a new heap number each time, but updates a class instance's double field in place.
  value = 0;
  end = 0;
})();

/**
 * Reads the longest decimal literal `[sign] digits [. digits] [e|E [sign] digits]` starting at `s`
 * (at least one mantissa digit; `.5` and `5.` allowed) into `NUM`, multiplied by 10^`scale10`
 * exactly (before rounding). False when there is no mantissa digit, the exponent has no digits,
 * or the literal overflows to ±Inf (an error in Go's strconv.ParseFloat).
 */
export function scanDecimal(b: Buffer, s: number, e: number, scale10: number): boolean {
  let p = s;
  let neg = false;
  let c = p < e ? b[p]! : -1;
  if (c === PLUS || c === MINUS) {
    neg = c === MINUS;
    p++;
  }
  let mant = 0;
  let sig = 0; // significant digits accumulated into mant
  let dropped = false; // non-zero digits beyond 15 significant ones were seen
  let digits = 0;
  let exp10 = 0;
  for (; p < e; p++) {
    c = b[p]!;
    if (c < D0 || c > D9) break;
    digits++;
    if (sig < 15) {
      if (mant !== 0 || c !== D0) {
        mant = mant * 10 + (c - D0);
        sig++;
      }
    } else {
      exp10++;
      if (c !== D0) dropped = true;
    }
  }
  if (p < e && b[p] === DOT) {
    p++;
    for (; p < e; p++) {
      c = b[p]!;
      if (c < D0 || c > D9) break;
      digits++;
      if (sig < 15) {
        if (mant !== 0 || c !== D0) {
          mant = mant * 10 + (c - D0);
          sig++;
        }
        exp10--;
      } else if (c !== D0) {
        dropped = true;
      }
    }
  }
  if (digits === 0) return false;
  if (p < e && (b[p] === 0x65 || b[p] === 0x45)) {
    p++;
    let eneg = false;
    c = p < e ? b[p]! : -1;
    if (c === PLUS || c === MINUS) {
      eneg = c === MINUS;
      p++;
    }
    const ds = p;
    let x = 0;
    for (; p < e; p++) {
      c = b[p]!;
      if (c < D0 || c > D9) break;
      if (x < 100000) x = x * 10 + (c - D0);
    }
    if (p === ds) return false;
    exp10 += eneg ? -x : x;
  }
  exp10 += scale10;
  let v: number;
  if (mant === 0) {
    v = 0;
  } else if (!dropped && exp10 >= -22 && exp10 <= 22) {
    v = exp10 >= 0 ? mant * POW10[exp10]! : mant / POW10[-exp10]!;
  } else {
    v = Number(latin1(b, neg || b[s] === PLUS ? s + 1 : s, p));
    if (scale10 !== 0) v *= POW10[scale10]!;
  }
  if (v === Infinity) return false;
  NUM.value = neg ? -v : v;
  NUM.end = p;
  return true;
}

/** Exactly `b[s:e]` as a decimal literal (see `scanDecimal`) into `NUM.value`. */
export function readDecimal(b: Buffer, s: number, e: number): boolean {
  return scanDecimal(b, s, e, 0) && NUM.end === e;
}

/**
 * Exactly `b[s:e]` as a float into `NUM.value`: a decimal literal, or `Inf`/`Infinity` with
 * optional sign, or `NaN`, case-insensitive. This is both what Prometheus' text parser accepts
 * (Go's strconv.ParseFloat minus the `p`, `P` and `_` that Prometheus refuses, which leaves no
 * hexadecimal form) and an OpenMetrics `number`.
 */
export function readFloat(b: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  if (readDecimal(b, s, e)) return true;
  const v = special(b, s, e);
  if (v === undefined) return false;
  NUM.value = v;
  NUM.end = e;
  return true;
}

/**
 * Exactly `b[s:e]` as an OpenMetrics timestamp (a decimal real number of seconds) into
 * `NUM.value` as integer milliseconds the way Prometheus computes them: the seconds parsed to the
 * nearest double, multiplied by 1000 in double arithmetic, then truncated toward zero (Go's
 * `int64(ts * 1000)`). So `1.5009` gives 1500 and even `1.001` gives 1000 (1.001 × 1000 is
 * 1000.9999999999999 in doubles), exactly as Prometheus stores them. Beyond int64 the result is
 * left as the (inexact) double, where Go's conversion is undefined.
 */
export function readOMTimestampMs(b: Buffer, s: number, e: number): boolean {
  if (!scanDecimal(b, s, e, 0) || NUM.end !== e) return false;
  NUM.value = secondsToMs(NUM.value);
  return true;
}

/** OpenMetrics seconds as Prometheus' milliseconds: `int64(seconds * 1000)`, truncated toward zero (never -0). */
export function secondsToMs(seconds: number): number {
  return Math.trunc(seconds * 1000) + 0; // + 0 turns -0 into 0
}

/** Exactly `b[s:e]` as a Prometheus text timestamp (decimal digits only, an int64 of milliseconds) into `NUM.value`. */
export function readIntMs(b: Buffer, s: number, e: number): boolean {
  if (s >= e || e - s > 19) return false;
  let v = 0;
  for (let p = s; p < e; p++) {
    const c = b[p]!;
    if (c < D0 || c > D9) return false;
    v = v * 10 + (c - D0);
  }
  // Beyond 15 digits the running sum may round more than once; let Number() round once.
  if (e - s > 15) v = Number(latin1(b, s, e));
  if (e - s === 19) {
    // Compare with int64's maximum digit by digit: doubles cannot tell 2^63-1 from 2^63.
    const max = '9223372036854775807';
    for (let i = 0; i < 19; i++) {
      const d = b[s + i]! - max.charCodeAt(i);
      if (d < 0) break;
      if (d > 0) return false;
    }
  }
  NUM.value = v;
  NUM.end = e;
  return true;
}

/** `readDecimal` returning the number or undefined; allocates, for code off the hot path. */
export function parseDecimal(b: Buffer, s: number, e: number): number | undefined {
  return readDecimal(b, s, e) ? NUM.value : undefined;
}

/** `readFloat` returning the number or undefined (text 0.0.4 values); allocates, for code off the hot path. */
export function parseGoFloat(b: Buffer, s: number, e: number): number | undefined {
  return readFloat(b, s, e) ? NUM.value : undefined;
}

/**
 * A label value such as `le` or `quantile` read as a float the way `expfmt` reads it (Go's
 * strconv.ParseFloat, with the syntax of `readFloat`: no hexadecimal, no `_`, no overflow to
 * ±Inf), or undefined. Allocates; for tools, not for scraping.
 */
export function parseLabelFloat(s: string): number | undefined {
  const b = Buffer.from(s, 'utf8');
  return parseGoFloat(b, 0, b.length);
}

/** `readOMTimestampMs` returning the milliseconds or undefined; allocates, for code off the hot path. */
export function parseOMTimestampMs(b: Buffer, s: number, e: number): number | undefined {
  return readOMTimestampMs(b, s, e) ? NUM.value : undefined;
}

/** `readIntMs` returning the milliseconds or undefined; allocates, for code off the hot path. */
export function parseIntMs(b: Buffer, s: number, e: number): number | undefined {
  return readIntMs(b, s, e) ? NUM.value : undefined;
}
