/**
 * Go's literals in templates: the values of string, raw string, character and number tokens,
 * and which of them Go accepts (Go's `strconv` rules; the parser reports the rest with Go's
 * texts).
 */
import { Tok, type Token } from './go-template-lexer.js';

const ESCAPE = /\\(?:x([0-9a-fA-F]{2})|([0-7]{3})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
const STRING_BODY = /^(?:[^\\"]|\\(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*$/;
/** A character constant's opening quote and first (escaped) character. */
const CHAR_HEAD = /^'([^\\']|\\(?:[abfnrtv\\']|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))/u;

/**
 * Decodes the escapes of a string or character literal's body that matched its pattern,
 * or undefined when one is still invalid in Go (octal over `\377`, a `\u`/`\U` that is no
 * Unicode scalar value). `\x` and octal bytes become the code point of that byte.
 */
function unescape(body: string): string | undefined {
  let bad = false;
  const out = body.replace(ESCAPE, (_m, x?: string, o?: string, u?: string, U?: string, c?: string) => {
    if (c !== undefined) return SIMPLE_ESCAPES[c]!;
    const code = parseInt((x ?? o ?? u ?? U)!, o !== undefined ? 8 : 16);
    if (code > (o !== undefined ? 0xff : 0x10ffff) || (code >= 0xd800 && code <= 0xdfff && x === undefined && o === undefined)) bad = true;
    return bad ? '' : String.fromCodePoint(code);
  });
  return bad ? undefined : out;
}

/** The value of a Go string literal (`"…"` with escapes or raw `` `…` ``), or undefined when invalid. */
export function unquote(lit: string): string | undefined {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  const body = lit.slice(1, -1);
  return STRING_BODY.test(body) ? unescape(body) : undefined;
}

/**
 * The code point of a Go character constant (`'a'`, `'\n'`, `'\x41'`) as an integer, or Go's
 * error: `invalid syntax` for a bad first character or escape, `malformed character constant`
 * when more follows it.
 */
export function charValue(lit: string): bigint | string {
  const m = CHAR_HEAD.exec(lit);
  const v = m === null ? undefined : unescape(m[1]!);
  if (v === undefined) return 'invalid syntax';
  if (lit.slice(m![0].length) !== "'") return `malformed character constant: ${lit}`;
  return BigInt(v.codePointAt(0)!);
}

export function validNumber(t: Token): boolean {
  const n = t.val.replace(/i$/, '').replace(/^[+-]/, '');
  if (t.type === Tok.complex) return /[0-9]/.test(n);
  return /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)$/.test(n) && /[0-9]/.test(n);
}

/** Go's constant rule: an integer literal is an int, anything with `.`/exponent a float64. */
export function numberLiteral(s: string): number | bigint {
  const clean = s.replace(/_/g, '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+)$/.test(clean) && !/^[+-]?0[xX].*[pP]/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '').replace(/^0([0-7]+)$/, '0o$1');
    const v = BigInt(body);
    return neg ? -v : v;
  }
  return Number(clean);
}
