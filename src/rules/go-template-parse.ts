/**
 * The parser of Go text/template sources: one pass over the lexer's tokens that both checks the
 * syntax as Go does, with Go's error texts (`template: <name>:<line>: <message>`: what
 * Prometheus' template parse test reports for an alert's labels and annotations at load time —
 * undefined variables, unknown functions, unbalanced `{{if}}`/`{{end}}`, …), and builds the
 * tree (`go-template-ast.ts`) that `go-template-exec.ts` runs. `checkTemplateSyntax` is this
 * parse with the tree dropped.
 */
import type { Cmd, Node, Operand, ParsedTemplate, Pipe } from './go-template-ast.js';
import { lexTemplate, Tok, tokenString, type Token, type TokType } from './go-template-lexer.js';
import { charValue, numberLiteral, unquote, validNumber } from './go-template-literals.js';

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

/** An item of a list: a node, null for one that adds no node (an unsupported construct), or the keyword that ends the list. */
type Item = Node | null | 'end' | 'else';

/** A term before its fields: what it is for the grammar checks, and its operand. */
interface Term {
  readonly kind: TokType;
  readonly text: string;
  readonly op: Operand;
}

/** One parse of one template text (plus the `{{define}}`d templates it holds). */
class Parser {
  readonly #toks: Token[];
  #i = 0;
  #last: Token;
  #maxRead = 0;
  #vars: string[] = ['$'];
  #rangeDepth = 0;
  #actionLine = 0;
  readonly #defined = new Set<string>();
  /** The first construct that expansion cannot run, in source order. */
  #unsupported: string | undefined;

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

  #unsupport(msg: string): void {
    this.#unsupported ??= msg;
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
  parse(): ParsedTemplate {
    const nodes: Node[] = [];
    while (this.#peek().type !== Tok.eof) {
      if (this.#peek().type === Tok.leftDelim) {
        const save = this.#i;
        this.#next();
        if (this.#nextNonSpace().type === Tok.define) {
          this.#unsupport('{{define}} is not supported');
          this.#definition();
          continue;
        }
        this.#i = save;
      }
      const item = this.#textOrAction();
      if (item === 'end' || item === 'else') this.#fail(`unexpected {{${item}}}`);
      if (item !== null) nodes.push(item);
    }
    return { nodes, unsupported: this.#unsupported };
  }

  /** The quoted template name that `{{define}}`, `{{block}}` and `{{template}}` start with. */
  #templateName(context: string): string {
    const t = this.#nextNonSpace();
    if (t.type !== Tok.string && t.type !== Tok.rawString) this.#unexpected(t, context);
    return unquote(t.val) ?? this.#fail('invalid syntax');
  }

  #definition(): void {
    const context = 'define clause';
    const name = this.#templateName(context);
    this.#expect(Tok.rightDelim, context);
    const { end, empty } = this.#ownTree(() => this.#itemList());
    if (end !== 'end') this.#fail(`unexpected {{${end}}} in ${context}`);
    if (!empty) {
      if (this.#defined.has(name)) this.#fail(`template: multiple definition of template ${JSON.stringify(name)}`);
      this.#defined.add(name);
    }
  }

  /** Items up to `{{end}}` or `{{else}}`; EOF first is an error. `empty`: nothing but blank text. */
  #itemList(): { nodes: Node[]; end: 'end' | 'else'; empty: boolean } {
    const nodes: Node[] = [];
    let empty = true;
    while (this.#peekNonSpace().type !== Tok.eof) {
      const before = this.#peek();
      const item = this.#textOrAction();
      if (item === 'end' || item === 'else') return { nodes, end: item, empty };
      if (item !== null) nodes.push(item);
      if (!(before.type === Tok.text && before.val.trim() === '')) empty = false;
    }
    this.#fail('unexpected EOF');
  }

  #textOrAction(): Item {
    const t = this.#nextNonSpace();
    if (t.type === Tok.text) return { k: 'text', text: t.val };
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

  #action(): Item {
    const t = this.#nextNonSpace();
    switch (t.type) {
      case Tok.block:
        this.#unsupport('{{block}} is not supported');
        this.#blockControl();
        return null;
      case Tok.break:
      case Tok.continue: {
        const word = t.val;
        this.#unsupport(`{{${word}}} is not supported`);
        const n = this.#nextNonSpace();
        if (n.type !== Tok.rightDelim) this.#unexpected(n, `{{${word}}}`);
        if (this.#rangeDepth === 0) this.#fail(`{{${word}}} outside {{range}}`);
        return null;
      }
      case Tok.else:
        if (this.#peekNonSpace().type !== Tok.if) this.#expect(Tok.rightDelim, 'else');
        return 'else';
      case Tok.end:
        this.#expect(Tok.rightDelim, 'end');
        return 'end';
      case Tok.if:
      case Tok.range:
      case Tok.with:
        return this.#control(t.val as 'if' | 'range' | 'with', t.line);
      case Tok.template:
        this.#unsupport('{{template}} is not supported');
        this.#templateControl();
        return null;
    }
    this.#backup();
    return { k: 'action', pipe: this.#pipeline('command', Tok.rightDelim), line: t.line };
  }

  /** `{{if}}`, `{{range}}` or `{{with}}` after its keyword; only `if` takes `{{else if …}}`. */
  #control(kind: 'if' | 'range' | 'with', line: number): Node {
    const depth = this.#vars.length;
    const pipe = this.#pipeline(kind, Tok.rightDelim);
    if (kind === 'range') this.#rangeDepth++;
    const then = this.#itemList();
    if (kind === 'range') this.#rangeDepth--;
    let els: Node[] = [];
    if (then.end === 'else') {
      if (kind === 'if' && this.#peek().type === Tok.if) {
        // `{{else if …}}` is `{{else}}{{if …}}…{{end}}{{end}}` with one `{{end}}`.
        els = [this.#control('if', this.#next().line)];
      } else {
        const rest = this.#itemList();
        if (rest.end !== 'end') this.#fail('expected end; found {{else}}');
        els = rest.nodes;
      }
    }
    this.#vars.length = depth;
    return { k: kind, pipe, then: then.nodes, else: els, line };
  }

  #blockControl(): void {
    const context = 'block clause';
    this.#templateName(context);
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
    this.#templateName(context);
    if (this.#nextNonSpace().type !== Tok.rightDelim) {
      this.#backup();
      this.#pipeline(context, Tok.rightDelim);
    }
  }

  /** A pipeline up to `end`: optional declarations, then commands joined by `|`. */
  #pipeline(context: string, end: TokType): Pipe {
    const decl: string[] = [];
    let assign = false;
    for (;;) {
      const v = this.#peekNonSpace();
      if (v.type !== Tok.variable) break;
      const save = this.#i;
      this.#nextNonSpace();
      const n = this.#peekNonSpace();
      if (n.type === Tok.assign || n.type === Tok.declare) {
        this.#nextNonSpace();
        this.#vars.push(v.val);
        decl.push(v.val);
        assign = n.type === Tok.assign;
        break;
      }
      if (n.type === Tok.char && n.val === ',') {
        this.#nextNonSpace();
        this.#vars.push(v.val);
        decl.push(v.val);
        if (context === 'range' && decl.length < 2) {
          const after = this.#peekNonSpace().type;
          if (after === Tok.variable || after === Tok.rightDelim || after === Tok.rightParen) continue;
          this.#fail('range can only initialize variables');
        }
        this.#fail(`too many declarations in ${context}`);
      }
      this.#i = save;
      break;
    }
    const cmds: Cmd[] = [];
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
        return { decl, assign, cmds };
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
        case Tok.leftParen: {
          this.#backup();
          const { cmd, first } = this.#command(t.pos ?? 0);
          cmds.push(cmd);
          firstArgs.push(first);
          break;
        }
        default:
          this.#unexpected(t, context);
      }
    }
  }

  /** One command starting at `pos`, and the kind of its first argument (string covers raw strings too). */
  #command(pos: number): { cmd: Cmd; first: TokType } {
    let first: TokType | undefined;
    const ops: Operand[] = [];
    for (;;) {
      this.#peekNonSpace();
      const op = this.#operand();
      if (op !== undefined) {
        first ??= op.kind;
        ops.push(op.op);
      }
      const t = this.#next();
      if (t.type === Tok.space) continue;
      if (t.type === Tok.rightDelim || t.type === Tok.rightParen) this.#backup();
      else if (t.type !== Tok.pipe) this.#unexpected(t, 'operand');
      break;
    }
    if (first === undefined) this.#fail('empty command');
    return { cmd: { ops, pos, text: ops.map((o) => o.src).join(' ') }, first };
  }

  /** A term and the fields read from it (`$x.a.b`, `.a.b`, `(…).a`). */
  #operand(): { kind: TokType; op: Operand } | undefined {
    const term = this.#term();
    if (term === undefined) return undefined;
    if (this.#peek().type !== Tok.field) return term;
    const fields = [...term.op.fields];
    let src = term.op.src;
    while (this.#peek().type === Tok.field) {
      const f = this.#next().val;
      fields.push(f.slice(1));
      src += f;
    }
    if (term.kind === Tok.bool || term.kind === Tok.string || term.kind === Tok.number || term.kind === Tok.nil || term.kind === Tok.dot) {
      this.#fail(`unexpected . after term ${goQuoteOf(term.text)}`);
    }
    return { kind: term.kind === Tok.field || term.kind === Tok.variable ? term.kind : Tok.field, op: { ...term.op, fields, src } };
  }

  #term(): Term | undefined {
    const t = this.#nextNonSpace();
    const plain = (kind: TokType, op: Operand): Term => ({ kind, text: t.val, op });
    switch (t.type) {
      case Tok.identifier:
        if (!this.funcs.has(t.val)) this.#fail(`function ${JSON.stringify(t.val)} not defined`);
        return plain(t.type, { k: 'func', name: t.val, fields: [], src: t.val });
      case Tok.dot:
        return plain(t.type, { k: 'dot', fields: [], src: '.' });
      case Tok.field:
        return plain(t.type, { k: 'dot', fields: [t.val.slice(1)], src: t.val });
      case Tok.nil:
        return plain(t.type, { k: 'lit', v: null, fields: [], src: t.val });
      case Tok.bool:
        return plain(t.type, { k: 'lit', v: t.val === 'true', fields: [], src: t.val });
      case Tok.variable: {
        if (!this.#vars.includes(t.val)) this.#fail(`undefined variable ${JSON.stringify(t.val)}`);
        return plain(t.type, { k: 'var', name: t.val, fields: [], src: t.val });
      }
      case Tok.charConstant: {
        const v = charValue(t.val);
        if (typeof v === 'string') this.#fail(v);
        return plain(Tok.number, { k: 'lit', v, fields: [], src: t.val });
      }
      case Tok.complex:
      case Tok.number:
        if (!validNumber(t)) this.#fail(`illegal number syntax: ${JSON.stringify(t.val)}`);
        return plain(Tok.number, { k: 'lit', v: this.#numberValue(t), fields: [], src: t.val });
      case Tok.leftParen: {
        const pipe = this.#pipeline('parenthesized pipeline', Tok.rightParen);
        const decl = pipe.decl.length > 0 ? `${pipe.decl[0]} ${pipe.assign ? '=' : ':='} ` : '';
        return { kind: Tok.leftParen, text: '', op: { k: 'pipe', pipe, fields: [], src: `(${decl}${pipe.cmds.map((c) => c.text).join(' | ')})` } };
      }
      case Tok.string:
      case Tok.rawString: {
        const v = unquote(t.val);
        if (v === undefined) this.#fail('invalid syntax');
        return plain(Tok.string, { k: 'lit', v, fields: [], src: t.val });
      }
    }
    this.#backup();
    return undefined;
  }

  /** The value of a number token Go accepts; complex numbers are not supported by expansion. */
  #numberValue(t: Token): number | bigint {
    if (t.type === Tok.complex || t.val.endsWith('i')) this.#unsupport(`complex number ${t.val} is not supported`);
    return numberLiteral(t.val);
  }
}

/** Go's `%q` of a node's source text, as in `unexpected . after term "\"a\""`. */
function goQuoteOf(text: string): string {
  return JSON.stringify(text);
}

/**
 * Parses Go template `text` named `name`, with `funcs` as the defined functions: its tree, or
 * Go's syntax error text (`template: <name>:<line>: <message>`).
 */
export function parseTemplate(name: string, text: string, funcs: ReadonlySet<string> = PROMETHEUS_TEMPLATE_FUNCS): ParsedTemplate | string {
  try {
    return new Parser(name, text, funcs).parse();
  } catch (err) {
    if (err instanceof TemplateSyntaxError) return err.message;
    throw err;
  }
}

/**
 * Checks the syntax of Go template `text` named `name`, with `funcs` as the defined
 * functions. Returns Go's error text (`template: <name>:<line>: <message>`) or undefined.
 */
export function checkTemplateSyntax(name: string, text: string, funcs: ReadonlySet<string> = PROMETHEUS_TEMPLATE_FUNCS): string | undefined {
  const r = parseTemplate(name, text, funcs);
  return typeof r === 'string' ? r : undefined;
}
