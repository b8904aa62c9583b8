/**
 * The functions alert templates call: Go's template builtins that rule files use (comparisons,
 * `and`/`or`/`not`, `len`, `index`, `print`, `printf`) and Prometheus' (`humanize*`, `toUpper`,
 * `toLower`, `title`, `match`, `reReplaceAll`, `stripPort`, `safeHtml`, `externalURL`...).
 * Values follow Go's kinds: float64 is a number, int a bigint. A function throws `Error` with
 * Go's message; the executor wraps it as `error calling <name>: <message>`, except an
 * `ArgumentError` (Go checks argument count and types before the call, with no such prefix).
 */
import { formatFloat, formatValue, sprintf } from './go-format.js';

export type TemplateFunc = (args: unknown[]) => unknown;

/** Arguments Go's executor refuses before calling the function (count, type). */
export class ArgumentError extends Error {}

/** Prometheus' `convertToFloat`: numbers, ints and numeric strings. */
function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.trim();
    const n = /^[+-]?(inf|infinity)$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(s) ? NaN : s === '' ? NaN : Number(s);
    if (Number.isNaN(n) && !/^nan$/i.test(s)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    return n;
  }
  throw new Error(`can't convert ${typeof v} to float`);
}

const g4 = (v: number) => formatFloat(v, 'g', 4);

function scaleDown(v: number, prefixes: readonly string[], base: number): [number, string] {
  let p = '';
  for (const x of prefixes) {
    if (Math.abs(v) < base) break;
    p = x;
    v /= base;
  }
  return [v, p];
}

function scaleUp(v: number): [number, string] {
  let p = '';
  for (const x of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    p = x;
    v *= 1000;
  }
  return [v, p];
}

/** `humanize`: SI prefixes (k, M, … and m, u, …), 4 significant digits. */
export function humanize(x: unknown): string {
  const v = toFloat(x);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  const [s, p] = Math.abs(v) >= 1 ? scaleDown(v, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], 1000) : scaleUp(v);
  return g4(s) + p;
}

/** `humanize1024`: binary prefixes (ki, Mi, …). */
export function humanize1024(x: unknown): string {
  const v = toFloat(x);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  const [s, p] = scaleDown(v, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], 1024);
  return g4(s) + p;
}

/** `humanizeDuration`: seconds as `1d 2h 3m 4s`, or with sub-second SI prefixes. */
export function humanizeDuration(x: unknown): string {
  let v = toFloat(x);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    // Go's int64(v): out of range it is the smallest int64 (amd64), and / and % truncate.
    const d = v >= 2 ** 63 ? -(2n ** 63n) : BigInt(Math.trunc(v));
    const [days, hours, minutes, seconds] = [d / 86400n, (d / 3600n) % 24n, (d / 60n) % 60n, d % 60n];
    if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  const [s, p] = scaleUp(v);
  return `${g4(s)}${p}s`;
}

/** `humanizePercentage`: a ratio as a percentage, 4 significant digits. */
export function humanizePercentage(x: unknown): string {
  return g4(toFloat(x) * 100) + '%';
}

/** Go's truth of a value (`if`, `and`, `or`, `not`). */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0 || v === 0n) return false;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

type Kind = 'int' | 'float' | 'string' | 'bool';

function kindOf(v: unknown): Kind {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  throw new Error('invalid type for comparison');
}

function compare(a: unknown, b: unknown, ordered: boolean): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) throw new Error('incompatible types for comparison');
  if (ordered && ka === 'bool') throw new Error('invalid type for comparison');
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : a === b ? 0 : NaN;
}

const lessOrEqual = (a: unknown, b: unknown, strict: boolean) => {
  const c = compare(a, b, true);
  return strict ? c < 0 : c <= 0;
};

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new ArgumentError(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

/** The functions by name; see the module comment. `externalURL` is bound per expansion. */
export function templateFuncs(externalURL: string): ReadonlyMap<string, TemplateFunc> {
  const str = (name: string, f: (s: string) => string): [string, TemplateFunc] => [
    name,
    (args) => {
      arity(name, args, 1);
      if (typeof args[0] !== 'string') throw new ArgumentError(`wrong type for value; expected string; got ${typeof args[0] === 'number' ? 'float64' : typeof args[0]}`);
      return f(args[0]);
    },
  ];
  const num = (name: string, f: (v: unknown) => string): [string, TemplateFunc] => [
    name,
    (args) => {
      arity(name, args, 1);
      return f(args[0]);
    },
  ];
  return new Map<string, TemplateFunc>([
    ['eq', (args) => args.length >= 2 && args.slice(1).some((b) => compare(args[0], b, false) === 0)],
    ['ne', (args) => (arity('ne', args, 2), compare(args[0], args[1], false) !== 0)],
    ['lt', (args) => (arity('lt', args, 2), lessOrEqual(args[0], args[1], true))],
    ['le', (args) => (arity('le', args, 2), lessOrEqual(args[0], args[1], false))],
    // As Go: gt is not le and ge is not lt (so NaN is greater than everything).
    ['gt', (args) => (arity('gt', args, 2), !lessOrEqual(args[0], args[1], false))],
    ['ge', (args) => (arity('ge', args, 2), !lessOrEqual(args[0], args[1], true))],
    ['and', (args) => args.find((a) => !truth(a)) ?? args[args.length - 1]],
    ['or', (args) => args.find((a) => truth(a)) ?? args[args.length - 1]],
    ['not', (args) => (arity('not', args, 1), !truth(args[0]))],
    ['len', (args) => (arity('len', args, 1), BigInt(typeof args[0] === 'string' ? Buffer.byteLength(args[0]) : Object.keys(args[0] ?? {}).length))],
    ['index', (args) => args.slice(1).reduce((m, k) => (m as Record<string, unknown>)?.[String(k)], args[0])],
    ['print', (args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + formatValue(a)).join('')],
    ['printf', (args) => sprintf(String(args[0] ?? ''), args.slice(1))],
    num('humanize', humanize),
    num('humanize1024', humanize1024),
    num('humanizeDuration', humanizeDuration),
    num('humanizePercentage', humanizePercentage),
    str('toUpper', (s) => s.toUpperCase()),
    str('toLower', (s) => s.toLowerCase()),
    str('title', (s) => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase())),
    str('safeHtml', (s) => s),
    str('stripPort', (s) => s.replace(/^\[([^\]]*)\](:\d*)?$/, '$1').replace(/^([^:]*):\d*$/, '$1')),
    ['match', (args) => (arity('match', args, 2), new RegExp(String(args[0])).test(String(args[1])))],
    ['reReplaceAll', (args) => (arity('reReplaceAll', args, 3), String(args[2]).replace(new RegExp(String(args[0]), 'g'), String(args[1]).replace(/\$\{(\d+)\}/g, '$$$1')))],
    ['externalURL', () => externalURL],
    ['pathPrefix', () => (URL.canParse(externalURL) ? new URL(externalURL).pathname.replace(/\/$/, '') : '')],
  ]);
}
