/**
 * The lexer of Go's text/template syntax (delimiters `{{ }}`), for alert label and annotation
 * templates (`go-template-parse.ts`): tokens, trim markers, comments, and the lexical errors
 * with Go's texts (`unclosed action`, `unterminated quoted string`, …).
 */

/** Token kinds. Those from `block` on are keywords (printed as `<name>` in errors). */
export const Tok = {
  error: 0,
  eof: 1,
  text: 2,
  leftDelim: 3,
  rightDelim: 4,
  space: 5,
  assign: 6,
  declare: 7,
  pipe: 8,
  string: 9,
  rawString: 10,
  charConstant: 11,
  number: 12,
  complex: 13,
  bool: 14,
  identifier: 15,
  field: 16,
  variable: 17,
  dot: 18,
  leftParen: 19,
  rightParen: 20,
  char: 21,
  // keywords
  block: 30,
  break: 31,
  continue: 32,
  define: 33,
  else: 34,
  end: 35,
  if: 36,
  nil: 37,
  range: 38,
  template: 39,
  with: 40,
} as const;
export type TokType = (typeof Tok)[keyof typeof Tok];

/** One token: kind, text, and the 1-based line where it starts. */
export interface Token {
  readonly type: TokType;
  readonly val: string;
  readonly line: number;
  /** Offset of the token in the source (UTF-16 units); absent on synthetic tokens. */
  readonly pos?: number;
}

const KEYWORDS: ReadonlyMap<string, TokType> = new Map<string, TokType>([
  ['block', Tok.block],
  ['break', Tok.break],
  ['continue', Tok.continue],
  ['define', Tok.define],
  ['else', Tok.else],
  ['end', Tok.end],
  ['if', Tok.if],
  ['nil', Tok.nil],
  ['range', Tok.range],
  ['template', Tok.template],
  ['with', Tok.with],
]);

/** How Go prints a token in an error: `EOF`, the error text, `<keyword>`, or a quoted value. */
export function tokenString(t: Token): string {
  if (t.type === Tok.eof) return 'EOF';
  if (t.type === Tok.error) return t.val;
  // Go lists `.` among the keywords, so it prints as one.
  if (t.type >= Tok.block || t.type === Tok.dot) return `<${t.val}>`;
  if ([...t.val].length > 10) return `${goQuote([...t.val].slice(0, 10).join(''))}...`;
  return goQuote(t.val);
}

/** Go's `%q` of a string (printable runes kept, the usual escapes). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's `%#U` of a rune: `U+0040 '@'`. */
function runeU(ch: string): string {
  const c = ch.codePointAt(0)!;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')} '${ch}'`;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;
/** Go's `unicode.IsLetter || unicode.IsDigit || '_'`, with an ASCII fast path. */
function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  if (k < 0x80) return (k >= 0x61 && k <= 0x7a) || (k >= 0x41 && k <= 0x5a) || (k >= 0x30 && k <= 0x39) || k === 0x5f;
  return LETTER_OR_DIGIT.test(c);
}

/**
 * Splits `input` into tokens. The list ends with an `eof` token, or with an `error` token at
 * the first lexical error (as Go's lexer stops there).
 */
export function lexTemplate(input: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (type: TokType): void => {
    out.push({ type, val: input.slice(start, pos), line: startLine, pos: start });
    for (let i = start; i < pos; i++) if (input[i] === '\n') line++;
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    for (let i = start; i < pos; i++) if (input[i] === '\n') line++;
    start = pos;
    startLine = line;
  };
  const fail = (msg: string): Token[] => {
    out.push({ type: Tok.error, val: msg, line: startLine });
    return out;
  };
  const peek = (): string | undefined => {
    if (pos >= input.length) return undefined;
    const k = input.charCodeAt(pos);
    return k < 0xd800 || k > 0xdbff ? input[pos] : String.fromCodePoint(input.codePointAt(pos)!);
  };
  const next = (): string | undefined => {
    const c = peek();
    if (c !== undefined) pos += c.length;
    return c;
  };
  const accept = (set: string): boolean => {
    const c = peek();
    if (c !== undefined && set.includes(c)) {
      pos += c.length;
      return true;
    }
    return false;
  };
  const acceptRun = (set: string): void => {
    while (accept(set));
  };
  const hasRightTrim = (at: number): boolean => isSpace(input[at]) && input[at + 1] === '-';
  /** Whether `pos` is at `}}` or ` -}}`; returns the length to skip, or 0. */
  const atRightDelim = (): number => {
    if (hasRightTrim(pos) && input.startsWith('}}', pos + 2)) return 4;
    if (input.startsWith('}}', pos)) return 2;
    return 0;
  };
  const atTerminator = (): boolean => {
    const c = peek();
    if (c === undefined || isSpace(c) || '.,|:()'.includes(c)) return true;
    return input.startsWith('}}', pos);
  };
  /** Past the opening `quote`: up to and including the closing one (backslash escapes skipped); false at a newline or the end. */
  const scanQuoted = (quote: string): boolean => {
    for (;;) {
      const d = next();
      if (d === '\\') {
        const e = next();
        if (e !== undefined && e !== '\n') continue;
      }
      if (d === undefined || d === '\n') return false;
      if (d === quote) return true;
    }
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  for (;;) {
    // Text up to the next action.
    const at = input.indexOf('{{', pos);
    if (at < 0) {
      pos = input.length;
      if (pos > start) emit(Tok.text);
      out.push({ type: Tok.eof, val: '', line });
      return out;
    }
    pos = at;
    const trimLeft = input[at + 2] === '-' && isSpace(input[at + 3]);
    if (pos > start) {
      let end = pos;
      if (trimLeft) while (end > start && isSpace(input[end - 1])) end--;
      const keep = pos;
      pos = end;
      if (pos > start) emit(Tok.text);
      pos = keep;
      ignore();
    }
    pos += 2;
    const afterMarker = trimLeft ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      pos += 2;
      const x = input.indexOf('*/', pos);
      if (x < 0) return fail('unclosed comment');
      pos = x + 2;
      const rd = atRightDelim();
      if (rd === 0) return fail('comment ends before closing delimiter');
      pos += rd;
      ignore();
      if (rd === 4) {
        while (isSpace(input[pos])) pos++;
        ignore();
      }
      continue;
    }
    emit(Tok.leftDelim);
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    // Inside the action.
    for (;;) {
      const rd = atRightDelim();
      if (rd > 0) {
        if (parenDepth !== 0) return fail('unclosed left paren');
        if (rd === 4) {
          pos += 2;
          ignore();
        }
        pos += 2;
        emit(Tok.rightDelim);
        if (rd === 4) {
          while (isSpace(input[pos])) pos++;
          ignore();
        }
        break;
      }
      const c = next();
      if (c === undefined) return fail('unclosed action');
      if (isSpace(c)) {
        let n = 1;
        while (isSpace(peek())) {
          next();
          n++;
        }
        if (hasRightTrim(pos - 1) && input.startsWith('}}', pos + 1)) {
          pos--;
          if (n === 1) continue;
        }
        emit(Tok.space);
      } else if (c === '=') emit(Tok.assign);
      else if (c === ':') {
        if (next() !== '=') return fail('expected :=');
        emit(Tok.declare);
      } else if (c === '|') emit(Tok.pipe);
      else if (c === '"') {
        if (!scanQuoted('"')) return fail('unterminated quoted string');
        emit(Tok.string);
      } else if (c === '`') {
        const x = input.indexOf('`', pos);
        if (x < 0) return fail('unterminated raw quoted string');
        pos = x + 1;
        emit(Tok.rawString);
      } else if (c === '$' || (c === '.' && peek() !== undefined && !(peek()! >= '0' && peek()! <= '9'))) {
        if (atTerminator()) emit(c === '$' ? Tok.variable : Tok.dot);
        else {
          while (isAlphaNumeric(peek())) next();
          if (!atTerminator()) return fail(`bad character ${runeU(peek()!)}`);
          emit(c === '$' ? Tok.variable : Tok.field);
        }
      } else if (c === "'") {
        if (!scanQuoted("'")) return fail('unterminated character constant');
        emit(Tok.charConstant);
      } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        // A '.' followed by a digit or by the end of the input is lexed as a number, as in Go.
        pos -= 1;
        if (!scanNumber()) return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
        const sign = peek();
        if (sign === '+' || sign === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') return fail(`bad number syntax: ${goQuote(input.slice(start, pos))}`);
          emit(Tok.complex);
        } else emit(Tok.number);
      } else if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(peek())) next();
        if (!atTerminator()) return fail(`bad character ${runeU(peek()!)}`);
        const word = input.slice(start, pos);
        const kw = KEYWORDS.get(word);
        emit(kw ?? (word === 'true' || word === 'false' ? Tok.bool : Tok.identifier));
      } else if (c === '(') {
        emit(Tok.leftParen);
        parenDepth++;
      } else if (c === ')') {
        emit(Tok.rightParen);
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${runeU(c)}`);
      } else if (c.codePointAt(0)! <= 0x7e && c.codePointAt(0)! >= 0x20) emit(Tok.char);
      else return fail(`unrecognized character in action: ${runeU(c)}`);
    }
  }
}
