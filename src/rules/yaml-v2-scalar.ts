/**
 * How go-yaml v2 (`gopkg.in/yaml.v2`, which promtool 2.42 decodes its unit-test files with)
 * resolves a scalar's type, for decoding it into a Go `float64` or `bool`. Written from
 * go-yaml's documented YAML 1.1 resolution rules and checked against promtool 2.42:
 *
 * - an untagged plain scalar is first looked up in a fixed table when its first character can
 *   start one of its entries: `y Y yes Yes YES true True TRUE on On ON` (true), `n N no No NO
 *   false False FALSE off Off OFF` (false), `~ null Null NULL` and the empty text (null),
 *   `.inf .Inf .INF` with an optional sign (±infinity), `.nan .NaN .NAN` (NaN);
 * - a scalar starting with `.` is otherwise a float when Go's `strconv.ParseFloat` reads it
 *   (underscores only between digits: `.1_6`);
 * - one starting with a digit or a sign, with every `_` removed, is an int when Go's
 *   `strconv.ParseInt(s, 0, 64)` reads it (`0x10`, `0o17`, `017`, `0b11`, signs), else an
 *   unsigned int up to 2^64-1, else a float when it has YAML's float shape
 *   (`[-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?`) and is in range (`1e400` is a string), else a
 *   `0b` binary; one starting with four digits and `-` is a timestamp when it has one of
 *   go-yaml's layouts (`2006-1-2`, `2006-1-2T15:4:5.9Z07:00`, `2006-1-2 15:4:5.9`);
 * - anything else, and any quoted scalar without a tag, is a string;
 * - an explicit tag `!!float`, `!!int`, `!!bool`, `!!null` resolves the text as a plain scalar
 *   and must get that type (an int is accepted for `!!float`); otherwise the decode fails with
 *   `yaml: cannot decode !!str \`abc\` as a !!float`. `!!str`, `!!binary` and other tags keep
 *   the text with that tag; the non-specific `!` makes a string.
 */

/** A resolved scalar: its short tag (`!!int`, `!!float`, …) and, for the types decoded here, its value. */
export interface ResolvedV2 {
  readonly tag: string;
  /** `!!bool`: the boolean; `!!int`, `!!float`: the number (ints converted as Go's `float64(v)`). */
  readonly value?: boolean | number;
}

/** Thrown for an explicit tag the text does not satisfy; the message is go-yaml's. */
export class YamlV2TagError extends Error {}

const TABLE: ReadonlyMap<string, ResolvedV2> = (() => {
  const m = new Map<string, ResolvedV2>();
  for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) m.set(s, { tag: '!!bool', value: true });
  for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) m.set(s, { tag: '!!bool', value: false });
  for (const s of ['', '~', 'null', 'Null', 'NULL']) m.set(s, { tag: '!!null' });
  for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) m.set(s, { tag: '!!float', value: Infinity });
  for (const s of ['-.inf', '-.Inf', '-.INF']) m.set(s, { tag: '!!float', value: -Infinity });
  for (const s of ['.nan', '.NaN', '.NAN']) m.set(s, { tag: '!!float', value: NaN });
  m.set('<<', { tag: '!!merge' });
  return m;
})();

/** First characters that make go-yaml try more than a string (the rest are strings at once). */
const TABLE_START = /^[yYnNtTfFoO~<]/;
const NUMBER_START = /^[-+0-9]/;
/** YAML 1.1's float shape, tested after underscores are removed. */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** Go's decimal float literal starting with `.`, underscores only between digits. */
const DOT_FLOAT = /^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's `strconv.ParseUint(s, 0, 64)` magnitude rules without a sign (no underscores), or undefined. */
function parseUnsignedBase0(s: string): bigint | undefined {
  let digits: string;
  let radix: string;
  if (/^0[xX]/.test(s)) [radix, digits] = ['0x', s.slice(2)];
  else if (/^0[bB]/.test(s)) [radix, digits] = ['0b', s.slice(2)];
  else if (/^0[oO]/.test(s)) [radix, digits] = ['0o', s.slice(2)];
  else if (/^0./.test(s)) [radix, digits] = ['0o', s.slice(1)];
  else [radix, digits] = ['', s];
  const valid = radix === '0x' ? /^[0-9a-fA-F]+$/ : radix === '0b' ? /^[01]+$/ : radix === '0o' ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const v = BigInt(radix + digits);
  return v <= UINT64_MAX ? v : undefined;
}

/** Go's `strconv.ParseInt(s, 0, 64)` for `s` without underscores, or undefined. */
function parseInt64(s: string): bigint | undefined {
  const neg = s.startsWith('-');
  const mag = parseUnsignedBase0(s[0] === '-' || s[0] === '+' ? s.slice(1) : s);
  if (mag === undefined) return undefined;
  const v = neg ? -mag : mag;
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** Go's `strconv.ParseInt(s, 2, 64)` (a sign, binary digits), or undefined. */
function parseBinary(s: string): bigint | undefined {
  const m = /^([-+]?)([01]+)$/.exec(s);
  if (!m) return undefined;
  const v = (m[1] === '-' ? -1n : 1n) * BigInt('0b' + m[2]!);
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[-+]\d\d:\d\d)| (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?)?$/;

/** Whether go-yaml v2 reads `s` as a timestamp (Go's `time.Parse` with its layouts; ranges checked). */
function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  const h = Number(m[4] ?? m[7] ?? 0);
  const min = Number(m[5] ?? m[8] ?? 0);
  const sec = Number(m[6] ?? m[9] ?? 0);
  return h < 24 && min < 60 && sec < 60;
}

/** A number from an int of go-yaml's (`float64(v)`). */
const intResult = (v: bigint): ResolvedV2 => ({ tag: '!!int', value: Number(v) });

/** The type and value go-yaml v2 gives the plain (untagged, unquoted) scalar `s`. */
export function resolvePlainV2(s: string): ResolvedV2 {
  if (s === '' || TABLE_START.test(s) || NUMBER_START.test(s) || s.startsWith('.')) {
    const known = TABLE.get(s);
    if (known) return known;
  }
  if (s.startsWith('.')) {
    if (DOT_FLOAT.test(s)) {
      const v = Number(s.replaceAll('_', ''));
      if (Number.isFinite(v)) return { tag: '!!float', value: v };
    }
    return { tag: '!!str' };
  }
  if (!NUMBER_START.test(s)) return { tag: '!!str' };
  if (/^[0-9]{4}-/.test(s) && isTimestamp(s)) return { tag: '!!timestamp' };
  const plain = s.replaceAll('_', '');
  const i = parseInt64(plain);
  if (i !== undefined) return intResult(i);
  if (plain[0] !== '-' && plain[0] !== '+') {
    const u = parseUnsignedBase0(plain);
    if (u !== undefined) return intResult(u);
  }
  if (YAML_FLOAT.test(plain)) {
    const v = Number(plain);
    if (Number.isFinite(v)) return { tag: '!!float', value: v };
  }
  const bin = plain.startsWith('0b') ? parseBinary(plain.slice(2)) : plain.startsWith('-0b') ? parseBinary(plain.slice(3)) : undefined;
  if (bin !== undefined) return intResult(plain.startsWith('-') ? -bin : bin);
  return { tag: '!!str' };
}

/** Tags go-yaml v2 resolves itself; others keep the text. */
const RESOLVABLE = new Set(['!!bool', '!!int', '!!float', '!!null', '!!timestamp']);

/**
 * The type and value go-yaml v2 gives a scalar with text `s`, explicit short tag `tag`
 * (undefined: none) and `quoted` (a quoted scalar without a tag is a string). Throws
 * `YamlV2TagError` when an explicit tag does not fit the text.
 */
export function resolveScalarV2(s: string, tag: string | undefined, quoted: boolean): ResolvedV2 {
  if (tag === undefined) return quoted ? { tag: '!!str' } : resolvePlainV2(s);
  if (!RESOLVABLE.has(tag)) return { tag: tag === '!' ? '!!str' : tag };
  const r = resolvePlainV2(s);
  if (r.tag === tag) return r;
  if (tag === '!!float' && r.tag === '!!int') return { tag: '!!float', value: r.value };
  throw new YamlV2TagError(`yaml: cannot decode ${r.tag} \`${s}\` as a ${tag}`);
}
