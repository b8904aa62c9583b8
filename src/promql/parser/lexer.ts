/**
 * The PromQL lexer: a state machine ported from upstream's `lex.go` so that token boundaries
 * and lexer error texts (`unclosed left parenthesis`, `bad number or duration syntax: "5mm"`,
 * `unexpected character inside braces: '*'`) are upstream's, byte for byte.
 *
 * Offsets are UTF-16 indexes into the input; the parser maps them to UTF-8 byte offsets.
 * After an `ERROR` item every further call returns `EOF`.
 */
import { goQuote, goQuoteRune, goRuneU } from './go-text.js';
import { KEYWORD_MAP, T, type Token, type TokenType } from './tokens.js';

const EOF = -1;

/** Lexer error for native histogram values (`{{…}}`) in series descriptions, which are not supported yet. */
export const HISTOGRAM_UNSUPPORTED = 'native histogram series values are not supported yet';

const enum S {
  Statements,
  InsideBraces,
  DurationExpr,
  ValueSequence,
  Done,
}

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0a || r === 0x0d;
}
function isDigit(r: number): boolean {
  return r >= 0x30 && r <= 0x39;
}
function isAlpha(r: number): boolean {
  return r === 0x5f || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a);
}
function isAlphaNumeric(r: number): boolean {
  return isAlpha(r) || isDigit(r);
}
function isRuneError(r: number): boolean {
  return r === 0xfffd || (r >= 0xd800 && r <= 0xdfff);
}
function digitVal(r: number): number {
  if (r >= 0x30 && r <= 0x39) return r - 0x30;
  if (r >= 0x61 && r <= 0x66) return r - 0x61 + 10;
  if (r >= 0x41 && r <= 0x46) return r - 0x41 + 10;
  return 16;
}
const code = (c: string): number => c.charCodeAt(0);

/** Tokenizes one PromQL expression (or, with `seriesDesc`, one series description line). */
export class Lexer {
  readonly input: string;
  #pos = 0;
  #start = 0;
  #width = 0;
  #state: S = S.Statements;
  #item: Token | null = null;
  #parenDepth = 0;
  #braceOpen = false;
  #bracketOpen = false;
  #gotColon = false;
  #gotDuration = false;
  #stringOpen = 0;
  readonly #seriesDesc: boolean;

  constructor(input: string, seriesDesc = false) {
    this.input = input;
    this.#seriesDesc = seriesDesc;
  }

  /** The next item; `EOF` forever after the end or after an `ERROR` item. */
  next(): Token {
    this.#item = null;
    while (this.#item === null) {
      switch (this.#state) {
        case S.Statements: this.#lexStatements(); break;
        case S.InsideBraces: this.#lexInsideBraces(); break;
        case S.DurationExpr: this.#lexDurationExpr(); break;
        case S.ValueSequence: this.#lexValueSequence(); break;
        case S.Done: this.#item = { type: T.EOF, pos: this.#pos, val: '' }; break;
      }
    }
    return this.#item;
  }

  #nextRune(): number {
    if (this.#pos >= this.input.length) {
      this.#width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.#pos)!;
    this.#width = r > 0xffff ? 2 : 1;
    this.#pos += this.#width;
    return r;
  }
  #peek(): number {
    const r = this.#nextRune();
    this.#backup();
    return r;
  }
  #backup(): void {
    this.#pos -= this.#width;
  }
  #emit(type: TokenType): void {
    this.#item = { type, pos: this.#start, val: this.input.slice(this.#start, this.#pos) };
    this.#start = this.#pos;
  }
  #ignore(): void {
    this.#start = this.#pos;
  }
  #accept(valid: string): boolean {
    const r = this.#nextRune();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.#backup();
    return false;
  }
  #is(valid: string): boolean {
    const r = this.#peek();
    return r !== EOF && valid.includes(String.fromCodePoint(r));
  }
  #acceptRun(valid: string): void {
    while (this.#accept(valid)) {
      // consume
    }
  }
  #errorf(msg: string): void {
    this.#item = { type: T.ERROR, pos: this.#start, val: msg };
    this.#state = S.Done;
  }
  #skipSpaces(): void {
    while (isSpace(this.#peek())) this.#nextRune();
    this.#ignore();
  }

  #lexStatements(): void {
    if (this.#braceOpen) {
      this.#state = S.InsideBraces;
      return;
    }
    if (this.input.startsWith('#', this.#pos)) {
      this.#lexLineComment();
      return;
    }
    const r = this.#nextRune();
    switch (true) {
      case r === EOF:
        if (this.#parenDepth !== 0) return this.#errorf('unclosed left parenthesis');
        if (this.#bracketOpen) return this.#errorf('unclosed left bracket');
        this.#emit(T.EOF);
        this.#state = S.Done;
        return;
      case r === code(','): return this.#emit(T.COMMA);
      case isSpace(r): return this.#lexSpace();
      case r === code('*'): return this.#emit(T.MUL);
      case r === code('/'): return this.#emit(T.DIV);
      case r === code('%'): return this.#emit(T.MOD);
      case r === code('+'): return this.#emit(T.ADD);
      case r === code('-'): return this.#emit(T.SUB);
      case r === code('^'): return this.#emit(T.POW);
      case r === code('='): {
        const t = this.#peek();
        if (t === code('=')) {
          this.#nextRune();
          return this.#emit(T.EQLC);
        }
        if (t === code('~')) return this.#errorf(`unexpected character after '=': ${goQuoteRune(t)}`);
        return this.#emit(T.EQL);
      }
      case r === code('!'): {
        const t = this.#nextRune();
        if (t !== code('=')) return this.#errorf(`unexpected character after '!': ${goQuoteRune(t)}`);
        return this.#emit(T.NEQ);
      }
      case r === code('<'):
        if (this.#accept('=')) return this.#emit(T.LTE);
        if (this.#accept('/')) return this.#emit(T.TRIM_UPPER);
        return this.#emit(T.LSS);
      case r === code('>'):
        if (this.#accept('=')) return this.#emit(T.GTE);
        if (this.#accept('/')) return this.#emit(T.TRIM_LOWER);
        return this.#emit(T.GTR);
      case isDigit(r) || (r === code('.') && isDigit(this.#peek())):
        this.#backup();
        return this.#lexNumberOrDuration();
      case r === code('"') || r === code("'") || r === code('`'): return this.#lexQuoted(r);
      case isAlpha(r) || r === code(':'):
        if (!this.#bracketOpen) {
          this.#backup();
          return this.#lexKeywordOrIdentifier();
        }
        if (r === code(':')) {
          if (this.#gotColon) return this.#errorf(`unexpected colon ${goQuoteRune(r)}`);
          this.#emit(T.COLON);
          this.#gotColon = true;
          return;
        }
        if ('sSmMrR'.includes(String.fromCharCode(r)) && this.#scanDurationKeyword()) return;
        return this.#errorf(`unexpected character: ${goQuoteRune(r)}, expected ':'`);
      case r === code('('): return this.#lexLeftParen();
      case r === code(')'): return this.#lexRightParen(r);
      case r === code('{'):
        this.#emit(T.LEFT_BRACE);
        this.#braceOpen = true;
        this.#state = S.InsideBraces;
        return;
      case r === code('['):
        if (this.#bracketOpen) return this.#errorf(`unexpected left bracket ${goQuoteRune(r)}`);
        this.#gotColon = false;
        this.#gotDuration = false;
        this.#emit(T.LEFT_BRACKET);
        this.#skipSpaces();
        this.#bracketOpen = true;
        this.#state = S.DurationExpr;
        return;
      case r === code(']'):
        if (!this.#bracketOpen) return this.#errorf(`unexpected right bracket ${goQuoteRune(r)}`);
        this.#emit(T.RIGHT_BRACKET);
        this.#bracketOpen = false;
        return;
      case r === code('@'): return this.#emit(T.AT);
      default:
        return this.#errorf(`unexpected character: ${goQuoteRune(r)}`);
    }
  }

  /** `(`: one more open parenthesis. */
  #lexLeftParen(): void {
    this.#emit(T.LEFT_PAREN);
    this.#parenDepth++;
  }

  /** `)` (rune `r`): one open parenthesis fewer; closing more than were opened is an error. */
  #lexRightParen(r: number): void {
    this.#emit(T.RIGHT_PAREN);
    this.#parenDepth--;
    if (this.#parenDepth < 0) this.#errorf(`unexpected right parenthesis ${goQuoteRune(r)}`);
  }

  /** A string opened by quote `r`: `"` or `'` with escapes, a backquote raw. */
  #lexQuoted(r: number): void {
    this.#stringOpen = r;
    return r === code('`') ? this.#lexRawString() : this.#lexString();
  }

  #lexInsideBraces(): void {
    if (this.input.startsWith('#', this.#pos)) {
      this.#lexLineComment();
      return;
    }
    const r = this.#nextRune();
    switch (true) {
      case r === EOF: return this.#errorf('unexpected end of input inside braces');
      case isSpace(r): return this.#lexSpace();
      case isAlpha(r): {
        this.#backup();
        while (isAlphaNumeric(this.#nextRune())) {
          // absorb
        }
        this.#backup();
        return this.#emit(T.IDENTIFIER);
      }
      case r === code(','): return this.#emit(T.COMMA);
      case r === code('"') || r === code("'") || r === code('`'): return this.#lexQuoted(r);
      case r === code('='):
        if (this.#nextRune() === code('~')) return this.#emit(T.EQL_REGEX);
        this.#backup();
        return this.#emit(T.EQL);
      case r === code('!'): {
        const nr = this.#nextRune();
        if (nr === code('~')) return this.#emit(T.NEQ_REGEX);
        if (nr === code('=')) return this.#emit(T.NEQ);
        return this.#errorf(`unexpected character after '!' inside braces: ${goQuoteRune(nr)}`);
      }
      case r === code('{'): return this.#errorf(`unexpected left brace ${goQuoteRune(r)}`);
      case r === code('}'):
        this.#emit(T.RIGHT_BRACE);
        this.#braceOpen = false;
        this.#state = this.#seriesDesc ? S.ValueSequence : S.Statements;
        return;
      default:
        return this.#errorf(`unexpected character inside braces: ${goQuoteRune(r)}`);
    }
  }

  #lexDurationExpr(): void {
    const r = this.#nextRune();
    switch (true) {
      case r === EOF: return this.#errorf('unexpected end of input in duration expression');
      case r === code(']'):
        this.#emit(T.RIGHT_BRACKET);
        this.#bracketOpen = false;
        this.#gotColon = false;
        this.#state = S.Statements;
        return;
      case r === code(':'):
        if (!this.#gotDuration) return this.#errorf('unexpected colon before duration in duration expression');
        if (this.#gotColon) return this.#errorf('unexpected repeated colon in duration expression');
        this.#emit(T.COLON);
        this.#gotColon = true;
        return;
      case r === code('('): return this.#lexLeftParen();
      case r === code(')'): return this.#lexRightParen(r);
      case isSpace(r): return this.#skipSpaces();
      case r === code('+'): return this.#emit(T.ADD);
      case r === code('-'): return this.#emit(T.SUB);
      case r === code('*'): return this.#emit(T.MUL);
      case r === code('/'): return this.#emit(T.DIV);
      case r === code('%'): return this.#emit(T.MOD);
      case r === code('^'): return this.#emit(T.POW);
      case r === code(','): return this.#emit(T.COMMA);
      case 'sSmMrR'.includes(String.fromCharCode(r)) && r < 0x80:
        if (this.#scanDurationKeyword()) return;
        return this.#errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
      case isDigit(r) || (r === code('.') && isDigit(this.#peek())):
        this.#backup();
        this.#gotDuration = true;
        this.#state = S.Statements;
        return this.#lexNumberOrDuration();
      default:
        return this.#errorf(`unexpected character in duration expression: ${goQuoteRune(r)}`);
    }
  }

  /** `step`, `range`, `min_of`, `max_of` inside brackets (case-insensitive); false leaves an error to the caller. */
  #scanDurationKeyword(): boolean {
    while (isAlpha(this.#nextRune())) {
      // absorb
    }
    this.#backup();
    const word = this.input.slice(this.#start, this.#pos).toLowerCase();
    const t = word === 'step' ? T.STEP : word === 'range' ? T.RANGE : word === 'min_of' ? T.MIN_OF : word === 'max_of' ? T.MAX_OF : undefined;
    if (t === undefined) return false;
    this.#gotDuration = true;
    this.#emit(t);
    return true;
  }

  #lexValueSequence(): void {
    const r = this.#nextRune();
    switch (true) {
      case r === EOF:
        this.#state = S.Statements;
        return;
      case r === code('{') && this.#peek() === code('{'):
        return this.#errorf(HISTOGRAM_UNSUPPORTED);
      case isSpace(r):
        this.#emit(T.SPACE);
        while (isSpace(this.#peek())) this.#nextRune();
        this.#ignore();
        return;
      case r === code('+'): return this.#emit(T.ADD);
      case r === code('-'): return this.#emit(T.SUB);
      case r === code('x'): return this.#emit(T.TIMES);
      case r === code('_'): return this.#emit(T.BLANK);
      case isDigit(r) || (r === code('.') && isDigit(this.#peek())):
        this.#backup();
        if (!this.#scanNumber()) return this.#errorf(`bad number syntax: ${goQuote(this.input.slice(this.#start, this.#pos))}`);
        return this.#emit(T.NUMBER);
      case isAlpha(r):
        this.#backup();
        return this.#lexKeywordOrIdentifier();
      default:
        return this.#errorf(`unexpected character in series sequence: ${goQuoteRune(r)}`);
    }
  }

  #lexString(): void {
    for (;;) {
      const r = this.#nextRune();
      if (r === code('\\')) {
        if (!this.#lexEscape()) return;
        continue;
      }
      if (r === EOF || r === 0x0a) return this.#errorf('unterminated quoted string');
      if (isRuneError(r)) return this.#errorf('invalid UTF-8 rune');
      if (r === this.#stringOpen) break;
    }
    this.#emit(T.STRING);
  }

  /** One escape sequence after a backslash; false when it reported an error. */
  #lexEscape(): boolean {
    let ch = this.#nextRune();
    let n: number;
    let base: number;
    let max: number;
    if ((ch > 0 && 'abfnrtv\\'.includes(String.fromCodePoint(ch))) || ch === this.#stringOpen) return true;
    if (ch >= code('0') && ch <= code('7')) [n, base, max] = [3, 8, 255];
    else if (ch === code('x')) [ch, n, base, max] = [this.#nextRune(), 2, 16, 255];
    else if (ch === code('u')) [ch, n, base, max] = [this.#nextRune(), 4, 16, 0x10ffff];
    else if (ch === code('U')) [ch, n, base, max] = [this.#nextRune(), 8, 16, 0x10ffff];
    else if (ch === EOF) {
      this.#errorf('escape sequence not terminated');
      return false;
    } else {
      this.#errorf(`unknown escape sequence ${goRuneU(ch)}`);
      return false;
    }
    let x = 0;
    while (n > 0) {
      const d = ch === EOF ? 16 : digitVal(ch);
      if (d >= base) {
        this.#errorf(ch === EOF ? 'escape sequence not terminated' : `illegal character ${goRuneU(ch)} in escape sequence`);
        return false;
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.#nextRune();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
      this.#errorf('escape sequence is an invalid Unicode code point');
      return false;
    }
    return true;
  }

  #lexRawString(): void {
    for (;;) {
      const r = this.#nextRune();
      if (r === EOF) return this.#errorf('unterminated raw string');
      if (isRuneError(r)) return this.#errorf('invalid UTF-8 rune');
      if (r === this.#stringOpen) break;
    }
    this.#emit(T.STRING);
  }

  #lexSpace(): void {
    while (isSpace(this.#peek())) this.#nextRune();
    this.#ignore();
  }

  #lexLineComment(): void {
    this.#pos += 1;
    let r = this.#nextRune();
    while (r !== 0x0a && r !== 0x0d && r !== EOF) r = this.#nextRune();
    this.#backup();
    this.#emit(T.COMMENT);
  }

  #lexNumberOrDuration(): void {
    if (this.#scanNumber()) return this.#emit(T.NUMBER);
    if (this.#acceptRemainingDuration()) {
      this.#backup();
      return this.#emit(T.DURATION);
    }
    this.#errorf(`bad number or duration syntax: ${goQuote(this.input.slice(this.#start, this.#pos))}`);
  }

  #acceptRemainingDuration(): boolean {
    if (!this.#accept('smhdwy')) return false;
    this.#accept('s');
    while (this.#accept('0123456789')) {
      while (this.#accept('0123456789')) {
        // digits
      }
      if (!this.#accept('smhdw')) return false;
      this.#accept('s');
    }
    return !isAlphaNumeric(this.#nextRune());
  }

  /** Upstream's `scanNumber`: decimal, hex, octal or float; the token is validated later. */
  #scanNumber(): boolean {
    const initial = this.#pos;
    let digits = '0123456789';
    // Hexadecimal is not allowed in series descriptions, where `x` means repetition.
    if (!this.#seriesDesc && this.#accept('0') && this.#accept('xX')) {
      this.#accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.#accept('.');
    this.#accept(digits);
    let dot = false;
    let exp = false;
    while (this.#is(digits + '._eE')) {
      if (this.#is('.') && dot) {
        this.#accept('.');
        return false;
      }
      if (this.#is('eE') && exp) {
        this.#accept('eE');
        return false;
      }
      if (this.#accept('.')) {
        dot = true;
        if (this.#accept('_.')) return false;
        if (digits.length > 10) return false; // no fractional hexadecimal literals
        continue;
      }
      if (this.#accept('eE')) {
        exp = true;
        this.#accept('+-');
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      if (this.#accept('_')) {
        if (this.#accept('._eE') || this.#peek() === EOF) return false;
        continue;
      }
      this.#acceptRun(digits);
    }
    if (this.#pos === initial) return false;
    const r = this.#peek();
    return (this.#seriesDesc && r === code('x')) || !isAlphaNumeric(r);
  }

  #lexKeywordOrIdentifier(): void {
    for (;;) {
      const r = this.#nextRune();
      if (isAlphaNumeric(r) || r === code(':')) continue;
      this.#backup();
      break;
    }
    const word = this.input.slice(this.#start, this.#pos);
    const kw = KEYWORD_MAP.get(word.toLowerCase());
    if (kw !== undefined) {
      if ((kw === T.FILL || kw === T.FILL_LEFT || kw === T.FILL_RIGHT) && !this.#followedByLeftParen()) this.#emit(T.IDENTIFIER);
      else this.#emit(kw);
    } else {
      this.#emit(word.includes(':') ? T.METRIC_IDENTIFIER : T.IDENTIFIER);
    }
    if (this.#seriesDesc && this.#peek() !== code('{')) this.#state = S.ValueSequence;
  }

  #followedByLeftParen(): boolean {
    for (let p = this.#pos; p < this.input.length; p++) {
      const c = this.input.charCodeAt(p);
      if (!isSpace(c)) return c === code('(');
    }
    return false;
  }
}

