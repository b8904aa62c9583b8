/**
 * JSON text exactly as Prometheus' API writes it, built as strings with few allocations.
 *
 * Upstream uses two encoders, and their number forms differ:
 * - vectors and matrices go through jsoniter with custom encoders: timestamps are the integer
 *   milliseconds printed as `<seconds>.<3 ms digits>` (`1700000101.500`, the fraction left out
 *   when zero) and sample values are strings in `strconv` 'f' form, switching to 'e' form below
 *   1e-6 and from 1e21 (`"5e-07"`, `"1e+21"`), with `"NaN"`, `"+Inf"`, `"-Inf"` and `"-0"`;
 * - scalars and strings go through encoding/json: the timestamp is the float `t / 1000`
 *   (`1700000101.5`) and a scalar's value is in plain 'f' form (`"0.0000005"`).
 * Strings are escaped like encoding/json with HTML escaping (`<` is `\u003c`) by `util`'s
 * `jsonString`.
 */
import type { Labels } from '../../../model/labels/index.js';
import { compareStrings } from '../../../model/labels/index.js';
import { jsonString } from '../../../util/index.js';

/**
 * Pre-encoded JSON that `toGoJSON` and the envelope copy verbatim (for values encoded by the
 * fast paths): text, or UTF-8 bytes owned by this object.
 */
export class RawJSON {
  /** The JSON; the producer guarantees it is valid. */
  readonly json: string | Buffer;

  constructor(json: string | Buffer) {
    this.json = json;
  }

  /** The JSON as text. */
  text(): string {
    return typeof this.json === 'string' ? this.json : this.json.toString('utf8');
  }
}

/** Pads a negative exponent to two digits as Go does (`5e-7` → `5e-07`). */
function goExponent(js: string): string {
  const e = js.indexOf('e');
  if (e < 0) return js;
  return js.length - e === 3 ? js.slice(0, e + 2) + '0' + js.slice(e + 2) : js;
}

/**
 * A sample value as upstream's jsoniter encoder writes it inside the quotes: 'f' form for
 * 1e-6 ≤ |v| < 1e21 (shortest round-trip digits), 'e' form with at least two exponent digits
 * outside, `NaN`, `+Inf`, `-Inf`, and `-0` for negative zero.
 */
export function formatSampleValue(v: number): string {
  if (Number.isInteger(v)) {
    // Below 1e21 JavaScript prints integers plainly, from 1e21 as `1e+21`: both as Go does.
    if (v === 0) return 1 / v < 0 ? '-0' : '0';
    return String(v);
  }
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const a = v < 0 ? -v : v;
  if (a >= 1e-6) return String(v);
  return goExponent(String(v));
}

/**
 * `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest round-trip digits in plain decimal
 * notation, never an exponent (`0.0000005`, `1000000000000000000000`); `NaN`, `+Inf`, `-Inf`,
 * `-0`. Used for scalar results.
 */
export function formatFloatF(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return 1 / v < 0 ? '-0' : '0';
  const a = v < 0 ? -v : v;
  if (a >= 1e-6 && a < 1e21) return String(v);
  const sign = v < 0 ? '-' : '';
  const exp = a.toExponential(); // "d.ddde±x", shortest digits
  const e = exp.indexOf('e');
  const digits = exp.slice(0, e).replace('.', '');
  const x = Number(exp.slice(e + 1));
  if (x >= 0) return sign + digits + '0'.repeat(x + 1 - digits.length);
  return sign + '0.' + '0'.repeat(-x - 1) + digits;
}

/**
 * A float as Go's encoding/json writes it: shortest digits, exponent form below 1e-6 and from
 * 1e21 (`1e-7`, `1e+21`, like JavaScript), `-0` for negative zero. Non-finite values, which
 * encoding/json refuses, come out as `null`.
 */
export function formatJSONNumber(v: number): string {
  if (v === 0) return 1 / v < 0 ? '-0' : '0';
  if (!Number.isFinite(v)) return 'null';
  return String(v);
}

const FRACTION: string[] = [];
for (let i = 0; i < 1000; i++) FRACTION.push(i === 0 ? '' : '.' + String(i).padStart(3, '0'));

/**
 * A millisecond timestamp as upstream's jsoniter encoder writes it: integer seconds, then `.`
 * and exactly three digits when the milliseconds are not zero (`1700000101.500`, `-1.500`).
 */
export function formatTimestamp(t: number): string {
  if (!Number.isInteger(t)) t = Number.isFinite(t) ? Math.round(t) : 0;
  if (t < 0) return '-' + formatTimestamp(-t);
  const ms = t % 1000;
  return String((t - ms) / 1000) + FRACTION[ms]!;
}

/** A label set as a JSON object in label order: `{"__name__":"up","job":"api"}`. */
export function labelsJSON(labels: Labels): string {
  const n = labels.length;
  if (n === 0) return '{}';
  let out = '{';
  for (let i = 0; i < n; i++) {
    if (i > 0) out += ',';
    out += jsonString(labels.nameAt(i)) + ':' + jsonString(labels.valueAt(i));
  }
  return out + '}';
}

/**
 * Any JSON-like value as Go's encoding/json would write the matching Go type: plain objects as
 * structs (own enumerable keys in insertion order, `undefined` members left out), `Map`s as Go
 * maps (keys sorted in byte order), arrays, strings, finite numbers, booleans, `null`, `Date`s as
 * RFC 3339 times, and `RawJSON` verbatim.
 */
export function toGoJSON(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
      return formatJSONNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      return 'null';
  }
  if (v instanceof RawJSON) return v.text();
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + toGoJSON(v[i]);
    return out + ']';
  }
  if (v instanceof Map) {
    const keys = [...(v as Map<string, unknown>).keys()].sort(compareStrings);
    let out = '{';
    for (let i = 0; i < keys.length; i++) out += (i > 0 ? ',' : '') + jsonString(keys[i]!) + ':' + toGoJSON(v.get(keys[i]!));
    return out + '}';
  }
  if (v instanceof Date) return jsonString(v.toISOString());
  let out = '{';
  let first = true;
  for (const k of Object.keys(v)) {
    const member = (v as Record<string, unknown>)[k];
    if (member === undefined) continue;
    out += (first ? '' : ',') + jsonString(k) + ':' + toGoJSON(member);
    first = false;
  }
  return out + '}';
}

/**
 * A time as Go's `time.Time` JSON (RFC 3339 with nanoseconds, trailing zeros dropped) in UTC;
 * `undefined`, 0 or a non-finite value give Go's zero time `0001-01-01T00:00:00Z`.
 */
export function goTimeJSON(ms: number | undefined): string {
  if (ms === undefined || ms === 0 || !Number.isFinite(ms)) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2023-11-14T22:13:20.000Z
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso.replace(/0{1,2}Z$/, 'Z');
}
