/**
 * Go's formatting of numbers as alert templates print them: `strconv.FormatFloat` with the
 * `e`, `f` and `g` formats (shortest or with a precision), `%v` of a float64, and a `printf`
 * covering the verbs templates use (`%s %v %d %f %e %g %q %x %%`, flags `-+ 0`, width and
 * precision). Go ints are bigints here, float64s numbers.
 */

/** Decimal digits (no leading/trailing zeros) and the position of the decimal point. */
interface Digits {
  readonly d: string;
  readonly dp: number;
}

function digitsOf(abs: number, significant: number | undefined): Digits {
  let s = significant === undefined ? abs.toExponential() : abs.toExponential(Math.min(100, Math.max(0, significant - 1)));
  if (significant !== undefined && significant < 100 && abs !== 0) {
    // JS rounds an exact tie up, Go to even: redo the rounding on the exact expansion.
    const [m, e] = abs.toExponential(100).split('e') as [string, string];
    const all = m.replace('.', '');
    const rest = all.slice(significant);
    if (/^50*$/.test(rest) && Number(all[significant - 1] ?? '0') % 2 === 0) {
      const kept = all.slice(0, significant);
      s = `${kept[0]}${kept.length > 1 ? '.' + kept.slice(1) : ''}e${e}`;
    }
  }
  const [mant, exp] = s.split('e') as [string, string];
  const d = mant.replace('.', '').replace(/0+$/, '') || '0';
  return { d, dp: Number(exp) + 1 };
}

function fmtE(neg: boolean, g: Digits, prec: number, ch: string): string {
  let s = g.d[0]!;
  if (prec > 0) s += '.' + g.d.slice(1, 1 + prec).padEnd(prec, '0');
  const exp = g.d === '0' ? 0 : g.dp - 1;
  const e = Math.abs(exp);
  return (neg ? '-' : '') + s + ch + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
}

function fmtF(neg: boolean, g: Digits, prec: number): string {
  let int: string;
  if (g.dp > 0) int = g.d.slice(0, g.dp).padEnd(g.dp, '0');
  else int = '0';
  let frac = '';
  for (let i = 0; i < prec; i++) {
    const j = g.dp + i;
    frac += j >= 0 && j < g.d.length ? g.d[j] : '0';
  }
  return (neg ? '-' : '') + int + (prec > 0 ? '.' + frac : '');
}

/** `strconv.FormatFloat(v, fmt, prec, 64)` for `fmt` in `e`, `f`, `g` (`prec` -1: shortest). */
export function formatFloat(v: number, fmt: 'e' | 'f' | 'g', prec: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  if (fmt === 'f') {
    const all = shortest ? digitsOf(abs, undefined) : undefined;
    const p = all ? Math.max(all.d.length - all.dp, 0) : prec;
    return (neg ? '-' : '') + (p <= 100 ? fixedHalfEven(abs, p) : abs.toFixed(100) + '0'.repeat(p - 100));
  }
  if (fmt === 'e') {
    const g = digitsOf(abs, shortest ? undefined : prec + 1);
    return fmtE(neg, g, shortest ? g.d.length - 1 : prec, 'e');
  }
  let p = prec === 0 ? 1 : prec;
  const g = digitsOf(abs, shortest ? undefined : p);
  if (shortest) p = g.d.length;
  let eprec = p;
  if (eprec > g.d.length && g.d.length >= g.dp) eprec = g.d.length;
  if (shortest) eprec = 6;
  const exp = g.d === '0' ? 0 : g.dp - 1;
  if (exp < -4 || exp >= eprec) return fmtE(neg, g, Math.min(p, g.d.length) - 1, 'e');
  if (p > g.dp) p = g.d.length;
  return fmtF(neg, g, Math.max(p - g.dp, 0));
}

/** Go's `%v` of a template value. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v, 'g', -1);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v === null) return '<nil>';
  if (v === undefined) return '<no value>';
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return 'map[' + keys.map((k) => `${k}:${formatValue((v as Record<string, unknown>)[k])}`).join(' ') + ']';
  }
  return String(v);
}

function goType(v: unknown): string {
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v === null || v === undefined) return '<nil>';
  return 'map[string]string';
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width, ' ');
  if (zero && !/^[+-]?(NaN|Inf)$/.test(s)) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width, ' '); // also NaN and ±Inf, which Go never pads with zeros
}

/** Go's `fmt.Sprintf` for the verbs listed in the module comment; others print as Go's `%!x(type=value)`. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let ai = 0;
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags = '', w, p, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[ai++];
    const prec = p === undefined ? -1 : p === '' ? 0 : Number(p);
    const plus = flags.includes('+');
    let s: string | undefined;
    if (verb === 'v' || verb === 's') s = typeof a === 'number' && prec >= 0 && verb === 'v' ? formatFloat(a, 'g', prec) : formatValue(a);
    if (verb === 's' && typeof a !== 'string') s = typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean' ? `%!s(${goType(a)}=${formatValue(a)})` : s;
    else if (verb === 's' && prec >= 0) s = [...s!].slice(0, prec).join('');
    if (verb === 'q') s = typeof a === 'string' ? JSON.stringify(a) : `%!q(${goType(a)}=${formatValue(a)})`;
    if (verb === 'd') s = typeof a === 'bigint' ? String(a) : `%!d(${goType(a)}=${formatValue(a)})`;
    if (verb === 'x') s = typeof a === 'bigint' ? a.toString(16) : typeof a === 'string' ? Buffer.from(a).toString('hex') : `%!x(${goType(a)}=${formatValue(a)})`;
    if (verb === 'f' || verb === 'F' || verb === 'e' || verb === 'g') {
      const fmt = verb === 'F' ? 'f' : verb;
      s = typeof a === 'number' ? formatFloat(a, fmt, prec < 0 ? (fmt === 'g' ? -1 : 6) : prec) : `%!${verb}(${goType(a)}=${formatValue(a)})`;
    }
    if (s === undefined) s = `%!${verb}(${goType(a)}=${formatValue(a)})`;
    if (plus && (typeof a === 'number' || typeof a === 'bigint') && !/^[-+%]/.test(s)) s = '+' + s;
    out += w === undefined ? s : pad(s, Number(w), flags.includes('-'), flags.includes('0'));
  }
  out += format.slice(last);
  if (ai < args.length) out += '%!(EXTRA ' + args.slice(ai).map((a) => `${goType(a)}=${formatValue(a)}`).join(', ') + ')';
  return out;
}

/** `abs.toFixed(p)`, except that an exact tie rounds to even as Go does (JS rounds it up). */
function fixedHalfEven(abs: number, p: number): string {
  // From 1e21 on toFixed switches to exponent form; such doubles are integers, exact as BigInt.
  if (abs >= 1e21) return BigInt(abs).toString() + (p > 0 ? '.' + '0'.repeat(p) : '');
  const js = abs.toFixed(p);
  if (p >= 100) return js;
  const full = abs.toFixed(100);
  const dot = full.indexOf('.');
  if (!/^50*$/.test(full.slice(dot + 1 + p))) return js;
  const kept = p === 0 ? full.slice(0, dot) : full.slice(0, dot + 1 + p);
  return Number(kept[kept.length - 1]) % 2 === 0 ? kept : js;
}
