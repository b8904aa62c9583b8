/**
 * A syntax check of Go text/template source, with Go's error texts
 * (`template: <name>:<line>: <message>`): what Prometheus' template parse test reports for an
 * alert's labels and annotations at load time (undefined variables, unknown functions,
 * unbalanced `{{if}}`/`{{end}}`, …). It builds no tree: it only walks the grammar; the tree
 * that expansion runs is built by go-template-exec.ts's parser, which trusts this check.
 */
import { lexTemplate, Tok, tokenString, type Token, type TokType } from './go-template-lexer.js';

/** Go's builtin template functions (Go 1.19). */
const GO_FUNCS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];

/** The functions Prometheus 2.42 adds for alert and console templates. */
export const PROMETHEUS_TEMPLATE_FUNCS: ReadonlySet<string> = new Set([
  ...GO_FUNCS,
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower',
  'graphLink', 'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage',
  'humanizeTimestamp', 'toTime', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort', 'stripDomain',
]);

class TemplateSyntaxError extends Error {}

type NodeKind = 'end' | 'else' | 'other';

/** One parse of one template text (plus the `{{define}}`d templates it holds). */
class Checker {
  readonly #toks: Token[];
  #i = 0;
  #last: Token;
  #vars: string[] = ['$'];
  #rangeDepth = 0;
  #actionLine = 0;
  readonly #defined = new Set<string>();

  constructor(
    readonly name: string,
    text: string,
    readonly funcs: ReadonlySet<string>,
  ) {
    this.#toks = lexTemplate(text);
    this.#last = this.#toks[0]!;
  }

  #fail(msg: string, line = this.#last.line): never {
    throw new TemplateSyntaxError(`template: ${this.name}:${line}: ${msg}`);
  }

  #next(): Token {
    const t = this.#toks[Math.min(this.#i, this.#toks.length - 1)]!;
    this.#i++;
    if (this.#i > this.#maxRead) {
      this.#maxRead = this.#i;
      this.#last = t;
    }
    return t;
  }
  #maxRead = 0;

  #backup(n = 1): void {
    this.#i -= n;
  }

  #peek(): Token {
    const t = this.#next();
    this.#backup();
    return t;
  }

  #nextNonSpace(): Token {
    let t = this.#next();
    while (t.type === Tok.space) t = this.#next();
    return t;
  }

  /** Like Go's: skips (consumes) spaces, then peeks at the next token. */
  #peekNonSpace(): Token {
    const t = this.#nextNonSpace();
    this.#backup();
    return t;
  }

  #unexpected(t: Token, context: string): never {
    if (t.type === Tok.error) {
      let extra = '';
      if (this.#actionLine !== 0 && this.#actionLine !== t.line) {
        extra = ` in action started at ${this.name}:${this.#actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.#fail(`${t.val}${extra}`);
    }
    this.#fail(`unexpected ${tokenString(t)} in ${context}`);
  }

  #expect(type: TokType, context: string): Token {
    const t = this.#nextNonSpace();
    if (t.type !== type) this.#unexpected(t, context);
    return t;
  }

  /** The top level: text, actions and `{{define}}`s up to EOF. */
  parse(): void {
    while (this.#peek().type !== Tok.eof) {
      if (this.#peek().type === Tok.leftDelim) {
        const save = this.#i;
        this.#next();
        if (this.#nextNonSpace().type === Tok.define) {
          this.#definition();
          continue;
        }
        this.#i = save;
      }
      const kind = this.#textOrAction();
      if (kind !== 'other') this.#fail(`unexpected {{${kind}}}`);
    }
  }

  #definition(): void {
    const context = 'define clause';
    const t = this.#nextNonSpace();
    if (t.type !== Tok.string && t.type !== Tok.rawString) this.#unexpected(t, context);
    const name = unquote(t.val) ?? this.#fail('invalid syntax');
    this.#expect(Tok.rightDelim, context);
    const { end, empty } = this.#ownTree(() => this.#itemList());
    if (end !== 'end') this.#fail(`unexpected {{${end}}} in ${context}`);
    if (!empty) {
      if (this.#defined.has(name)) this.#fail(`template: multiple definition of template ${JSON.stringify(name)}`);
      this.#defined.add(name);
    }
  }

  /** Items up to `{{end}}` or `{{else}}`; EOF first is an error. */
  #itemList(): { end: 'end' | 'else'; empty: boolean } {
    let empty = true;
    while (this.#peekNonSpace().type !== Tok.eof) {
      const before = this.#peek();
      const kind = this.#textOrAction();
      if (kind !== 'other') return { end: kind, empty };
      if (!(before.type === Tok.text && before.val.trim() === '')) empty = false;
    }
    this.#fail('unexpected EOF');
  }

  #textOrAction(): NodeKind {
    const t = this.#nextNonSpace();
    if (t.type === Tok.text) return 'other';
    if (t.type === Tok.leftDelim) {
      this.#actionLine = t.line;
      try {
        return this.#action();
      } finally {
        this.#actionLine = 0;
      }
    }
    this.#unexpected(t, 'input');
  }

  #action(): NodeKind {
    const t = this.#nextNonSpace();
    switch (t.type) {
      case Tok.block:
        this.#blockControl();
        return 'other';
      case Tok.break:
      case Tok.continue: {
        const word = t.val;
        const n = this.#nextNonSpace();
        if (n.type !== Tok.rightDelim) this.#unexpected(n, `{{${word}}}`);
        if (this.#rangeDepth === 0) this.#fail(`{{${word}}} outside {{range}}`);
        return 'other';
      }
      case Tok.else:
        if (this.#peekNonSpace().type !== Tok.if) this.#expect(Tok.rightDelim, 'else');
        return 'else';
      case Tok.end:
        this.#expect(Tok.rightDelim, 'end');
        return 'end';
      case Tok.if:
        this.#control(true, 'if');
        return 'other';
      case Tok.range:
        this.#control(false, 'range');
        return 'other';
      case Tok.with:
        this.#control(false, 'with');
        return 'other';
      case Tok.template:
        this.#templateControl();
        return 'other';
    }
    this.#backup();
    this.#pipeline('command', Tok.rightDelim);
    return 'other';
  }

  #control(allowElseIf: boolean, context: string): void {
    const depth = this.#vars.length;
    this.#pipeline(context, Tok.rightDelim);
    if (context === 'range') this.#rangeDepth++;
    let { end } = this.#itemList();
    if (context === 'range') this.#rangeDepth--;
    if (end === 'else') {
      if (allowElseIf && this.#peek().type === Tok.if) {
        // `{{else if …}}` is `{{else}}{{if …}}…{{end}}{{end}}` with one `{{end}}`.
        this.#next();
        this.#control(true, 'if');
      } else {
        end = this.#itemList().end;
        if (end !== 'end') this.#fail('expected end; found {{else}}');
      }
    }
    this.#vars.length = depth;
  }

  #blockControl(): void {
    const context = 'block clause';
    const t = this.#nextNonSpace();
    if (t.type !== Tok.string && t.type !== Tok.rawString) this.#unexpected(t, context);
    if (unquote(t.val) === undefined) this.#fail('invalid syntax');
    this.#pipeline(context, Tok.rightDelim);
    // Go parses the body as a tree of its own but reports a wrong ending from the outer
    // tree, whose last token is the `}}` of `{{block}}`.
    const line = this.#last.line;
    const end = this.#ownTree(() => this.#itemList().end);
    if (end !== 'end') this.#fail(`unexpected {{${end}}} in ${context}`, line);
  }

  /** Runs `body` as Go parses a `{{define}}` or `{{block}}` body: a tree of its own, with only `$` and outside any range. */
  #ownTree<R>(body: () => R): R {
    const vars = this.#vars;
    const rangeDepth = this.#rangeDepth;
    this.#vars = ['$'];
    this.#rangeDepth = 0;
    try {
      return body();
    } finally {
      this.#vars = vars;
      this.#rangeDepth = rangeDepth;
    }
  }

  #templateControl(): void {
    const context = 'template clause';
    const t = this.#nextNonSpace();
    if (t.type !== Tok.string && t.type !== Tok.rawString) this.#unexpected(t, context);
    if (unquote(t.val) === undefined) this.#fail('invalid syntax');
    if (this.#nextNonSpace().type !== Tok.rightDelim) {
      this.#backup();
      this.#pipeline(context, Tok.rightDelim);
    }
  }

  /** A pipeline up to `end`: optional declarations, then commands joined by `|`. */
  #pipeline(context: string, end: TokType): void {
    let decls = 0;
    for (;;) {
      const v = this.#peekNonSpace();
      if (v.type !== Tok.variable) break;
      const save = this.#i;
      this.#nextNonSpace();
      const n = this.#peekNonSpace();
      if (n.type === Tok.assign || n.type === Tok.declare) {
        this.#nextNonSpace();
        this.#vars.push(v.val);
        decls++;
        break;
      }
      if (n.type === Tok.char && n.val === ',') {
        this.#nextNonSpace();
        this.#vars.push(v.val);
        decls++;
        if (context === 'range' && decls < 2) {
          const after = this.#peekNonSpace().type;
          if (after === Tok.variable || after === Tok.rightDelim || after === Tok.rightParen) continue;
          this.#fail('range can only initialize variables');
        }
        this.#fail(`too many declarations in ${context}`);
      }
      this.#i = save;
      break;
    }
    const firstArgs: TokType[] = [];
    for (;;) {
      const t = this.#nextNonSpace();
      if (t.type === end) {
        if (firstArgs.length === 0) this.#fail(`missing value for ${context}`);
        for (let i = 1; i < firstArgs.length; i++) {
          const a = firstArgs[i];
          if (a === Tok.bool || a === Tok.dot || a === Tok.nil || a === Tok.number || a === Tok.string) {
            this.#fail(`non executable command in pipeline stage ${i + 1}`);
          }
        }
        return;
      }
      switch (t.type) {
        case Tok.bool:
        case Tok.charConstant:
        case Tok.complex:
        case Tok.dot:
        case Tok.field:
        case Tok.identifier:
        case Tok.number:
        case Tok.nil:
        case Tok.rawString:
        case Tok.string:
        case Tok.variable:
        case Tok.leftParen:
          this.#backup();
          firstArgs.push(this.#command());
          break;
        default:
          this.#unexpected(t, context);
      }
    }
  }

  /** One command; returns the kind of its first argument (string covers raw strings too). */
  #command(): TokType {
    let first: TokType | undefined;
    for (;;) {
      this.#peekNonSpace();
      const kind = this.#operand();
      if (kind !== undefined && first === undefined) first = kind;
      const t = this.#next();
      if (t.type === Tok.space) continue;
      if (t.type === Tok.rightDelim || t.type === Tok.rightParen) this.#backup();
      else if (t.type !== Tok.pipe) this.#unexpected(t, 'operand');
      break;
    }
    if (first === undefined) this.#fail('empty command');
    return first;
  }

  #operand(): TokType | undefined {
    const term = this.#term();
    if (term === undefined) return undefined;
    if (this.#peek().type === Tok.field) {
      while (this.#peek().type === Tok.field) this.#next();
      if (term.kind === Tok.bool || term.kind === Tok.string || term.kind === Tok.number || term.kind === Tok.nil || term.kind === Tok.dot) {
        this.#fail(`unexpected . after term ${goQuoteOf(term.text)}`);
      }
      return term.kind === Tok.field || term.kind === Tok.variable ? term.kind : Tok.field;
    }
    return term.kind;
  }

  #term(): { kind: TokType; text: string } | undefined {
    const t = this.#nextNonSpace();
    switch (t.type) {
      case Tok.identifier:
        if (!this.funcs.has(t.val)) this.#fail(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: t.type, text: t.val };
      case Tok.dot:
      case Tok.nil:
      case Tok.field:
      case Tok.bool:
        return { kind: t.type, text: t.val };
      case Tok.variable: {
        if (!this.#vars.includes(t.val)) this.#fail(`undefined variable ${JSON.stringify(t.val)}`);
        return { kind: t.type, text: t.val };
      }
      case Tok.charConstant:
      case Tok.complex:
      case Tok.number:
        if (!validNumber(t)) this.#fail(t.type === Tok.charConstant ? `malformed character constant: ${t.val}` : `illegal number syntax: ${JSON.stringify(t.val)}`);
        return { kind: Tok.number, text: t.val };
      case Tok.leftParen:
        this.#pipeline('parenthesized pipeline', Tok.rightParen);
        return { kind: Tok.leftParen, text: '' };
      case Tok.string:
      case Tok.rawString:
        if (unquote(t.val) === undefined) this.#fail('invalid syntax');
        return { kind: Tok.string, text: t.val };
    }
    this.#backup();
    return undefined;
  }
}

/** Go's `%q` of a node's source text, as in `unexpected . after term "\"a\""`. */
function goQuoteOf(text: string): string {
  return JSON.stringify(text);
}

/** The value of a Go string literal (`"…"` with escapes or raw `` `…` ``), or undefined when invalid. */
function unquote(lit: string): string | undefined {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  const body = lit.slice(1, -1);
  if (!/^(?:[^\\"]|\\(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*$/.test(body)) return undefined;
  return body;
}

function validNumber(t: Token): boolean {
  const s = t.val;
  if (t.type === Tok.charConstant) return /^'(?:[^\\']|\\(?:[abfnrtv\\']|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))'$/u.test(s);
  const n = s.replace(/i$/, '').replace(/^[+-]/, '');
  if (t.type === Tok.complex) return /[0-9]/.test(n);
  return /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)$/.test(n) && /[0-9]/.test(n);
}

/**
 * Checks the syntax of Go template `text` named `name`, with `funcs` as the defined
 * functions. Returns Go's error text (`template: <name>:<line>: <message>`) or undefined.
 */
export function checkTemplateSyntax(name: string, text: string, funcs: ReadonlySet<string> = PROMETHEUS_TEMPLATE_FUNCS): string | undefined {
  try {
    new Checker(name, text, funcs).parse();
    return undefined;
  } catch (err) {
    if (err instanceof TemplateSyntaxError) return err.message;
    throw err;
  }
}
