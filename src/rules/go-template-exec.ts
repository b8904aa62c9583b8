/**
 * Execution of Go text/template sources as alert labels and annotations use them (upstream's
 * `template.Expander` over `text/template`): text, `{{ pipeline }}` actions with `|` chains and
 * parenthesised pipelines, variables (`$labels`, `$value`, `$externalLabels`, `$externalURL`,
 * `$` and `{{ $x := … }}` / `{{ $x = … }}`), fields on the data and on maps (`.Labels.job`,
 * `$labels.job`; a missing key is `""`), string/number/bool/nil literals,
 * `if`/`else if`/`else`/`end` and `with`/`else`/`end` (`range` over a map too), and the
 * functions of `template-funcs.ts`. Not supported (an execution error): `define`, `template`,
 * `block`, `break`/`continue`, and Prometheus' `query`-based functions (`query`, `first`,
 * `label`, `value`, `sortByLabel`, …), `humanizeTimestamp`, `toTime`, `args`, `tmpl`.
 *
 * A syntax error is found first by the checker (`go-template-check.ts`) with Go's text; an
 * execution error has Go's shape (`template: <name>:<line>:<col>: executing "<name>" at <command>:
 * <message>`; the column counts the prepended variable definitions, as upstream's). `expandAlertTemplate` turns either into upstream's
 * `<error expanding template: …>` text.
 */
import { checkTemplateSyntax } from './go-template-check.js';
import { lexTemplate, Tok, type Token } from './go-template-lexer.js';
import type { AlertTemplateData } from './alerting-rule.js';
import { formatValue } from './go-format.js';
import { TEMPLATE_DEFS } from './rule-file.js';
import { templateFuncs, truth, type TemplateFunc } from './template-funcs.js';

type Node =
  | { readonly k: 'text'; readonly text: string }
  | { readonly k: 'action'; readonly pipe: Pipe; readonly line: number }
  | { readonly k: 'if' | 'with' | 'range'; readonly pipe: Pipe; readonly then: Node[]; readonly else: Node[]; readonly line: number };

interface Pipe {
  readonly decl: readonly string[];
  /** `:=` declares, `=` assigns. */
  readonly assign: boolean;
  readonly cmds: readonly Cmd[];
}
/** A command: its operands, where it starts in the source and how Go prints it in errors. */
interface Cmd {
  readonly ops: readonly Operand[];
  readonly pos: number;
  readonly text: string;
}
type Operand = (
  | { readonly k: 'func'; readonly name: string }
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'var'; readonly name: string; readonly fields: readonly string[] }
  | { readonly k: 'dot'; readonly fields: readonly string[] }
  | { readonly k: 'pipe'; readonly pipe: Pipe; readonly fields: readonly string[] }
) & { readonly src: string };

class ExecError extends Error {}

const NO_VALUE = undefined;

/** Tokens → tree. Assumes the checker accepted the source. */
class Parser {
  #i = 0;
  constructor(readonly toks: readonly Token[]) {}

  #next(): Token {
    const t = this.toks[this.#i++] ?? { type: Tok.eof, val: '', line: 0 };
    return t;
  }
  #peek(): Token {
    return this.toks[this.#i] ?? { type: Tok.eof, val: '', line: 0 };
  }
  #skipSpace(): void {
    while (this.#peek().type === Tok.space) this.#i++;
  }

  /** A list of nodes up to `{{end}}`/`{{else}}` (returned as the stop keyword) or EOF. */
  list(): { nodes: Node[]; stop: 'end' | 'else' | 'eof' } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.#next();
      if (t.type === Tok.eof) return { nodes, stop: 'eof' };
      if (t.type === Tok.text) {
        nodes.push({ k: 'text', text: t.val });
        continue;
      }
      if (t.type !== Tok.leftDelim) throw new ExecError(`unexpected ${t.val}`);
      this.#skipSpace();
      const kw = this.#peek();
      if (kw.type === Tok.end || kw.type === Tok.else) {
        this.#i++;
        this.#skipSpace();
        if (kw.type === Tok.else && (this.#peek().type === Tok.if || this.#peek().type === Tok.with)) {
          // `else if`: the rest of the chain is one node in the else branch.
          return { nodes, stop: 'else' };
        }
        this.#expect(Tok.rightDelim);
        return { nodes, stop: kw.type === Tok.end ? 'end' : 'else' };
      }
      if (kw.type === Tok.if || kw.type === Tok.with || kw.type === Tok.range) {
        this.#i++;
        nodes.push(this.#control(kw));
        continue;
      }
      if (kw.type >= Tok.block) throw new ExecError(`{{${kw.val}}} is not supported`);
      nodes.push({ k: 'action', pipe: this.#pipe(Tok.rightDelim), line: kw.line });
    }
  }

  #control(kw: Token): Node {
    const pipe = this.#pipe(Tok.rightDelim);
    const then = this.list();
    let els: Node[] = [];
    if (then.stop === 'else') {
      const save = this.#i;
      this.#skipSpace();
      const chained = this.#peek();
      if ((chained.type === Tok.if || chained.type === Tok.with) && this.toks[save - 1]?.type !== Tok.rightDelim) {
        this.#i++;
        els = [this.#control(chained)];
        return { k: kw.val as 'if' | 'with' | 'range', pipe, then: then.nodes, else: els, line: kw.line };
      }
      this.#i = save;
      const e = this.list();
      els = e.nodes;
    }
    return { k: kw.val as 'if' | 'with' | 'range', pipe, then: then.nodes, else: els, line: kw.line };
  }

  #expect(type: number): void {
    this.#skipSpace();
    const t = this.#next();
    if (t.type !== type) throw new ExecError(`unexpected ${t.val}`);
  }

  #pipe(end: number): Pipe {
    this.#skipSpace();
    const decl: string[] = [];
    let assign = false;
    const save = this.#i;
    if (this.#peek().type === Tok.variable) {
      const v = this.#next();
      this.#skipSpace();
      const op = this.#peek();
      if (op.type === Tok.declare || op.type === Tok.assign) {
        this.#i++;
        decl.push(v.val);
        assign = op.type === Tok.assign;
      } else this.#i = save;
    }
    const cmds: Cmd[] = [];
    let cmd: Operand[] = [];
    let cmdPos = 0;
    const close = () => cmds.push({ ops: cmd, pos: cmdPos, text: cmd.map((o) => o.src).join(' ') });
    for (;;) {
      this.#skipSpace();
      const t = this.#peek();
      if (t.type === end || t.type === Tok.eof) {
        this.#i++;
        break;
      }
      if (t.type === Tok.pipe) {
        this.#i++;
        close();
        cmd = [];
        continue;
      }
      if (cmd.length === 0) cmdPos = t.pos ?? 0;
      cmd.push(this.#operand());
    }
    if (cmd.length > 0) close();
    return { decl, assign, cmds };
  }

  #fields(): string[] {
    const out: string[] = [];
    while (this.#peek().type === Tok.field) out.push(this.#next().val.slice(1));
    return out;
  }

  #operand(): Operand {
    const t = this.#next();
    const src = t.val;
    switch (t.type) {
      case Tok.identifier:
        return { k: 'func', name: t.val, src };
      case Tok.variable: {
        const fields = this.#fields();
        return { k: 'var', name: t.val, fields, src: src + fields.map((f) => '.' + f).join('') };
      }
      case Tok.dot:
      case Tok.field: {
        if (t.type === Tok.field) this.#i--;
        const fields = this.#fields();
        return { k: 'dot', fields, src: fields.length > 0 ? fields.map((f) => '.' + f).join('') : '.' };
      }
      case Tok.string:
      case Tok.rawString:
        return { k: 'lit', v: t.type === Tok.rawString ? t.val.slice(1, -1) : goUnquote(t.val), src };
      case Tok.number:
        return { k: 'lit', v: numberLiteral(t.val), src };
      case Tok.charConstant:
        return { k: 'lit', v: BigInt(goUnquote('"' + t.val.slice(1, -1) + '"').codePointAt(0) ?? 0), src };
      case Tok.bool:
        return { k: 'lit', v: t.val === 'true', src };
      case Tok.nil:
        return { k: 'lit', v: null, src };
      case Tok.leftParen: {
        const pipe = this.#pipe(Tok.rightParen);
        const fields = this.#fields();
        const inner = (pipe.decl.length > 0 ? `${pipe.decl[0]} ${pipe.assign ? '=' : ':='} ` : '') + pipe.cmds.map((c) => c.text).join(' | ');
        return { k: 'pipe', pipe, fields, src: `(${inner})` + fields.map((f) => '.' + f).join('') };
      }
      default:
        throw new ExecError(`unexpected ${t.val} in operand`);
    }
  }
}

function goUnquote(lit: string): string {
  const body = lit.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\([0-7]{3})/g, (_m, o: string) => `\\u${parseInt(o, 8).toString(16).padStart(4, '0')}`);
  const fixed = body.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\U([0-9a-fA-F]{8})/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)));
  return JSON.parse('"' + fixed + '"') as string;
}

/** Go's constant rule: an integer literal is an int, anything with `.`/exponent a float64. */
function numberLiteral(s: string): number | bigint {
  const clean = s.replace(/_/g, '');
  if (/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+)$/.test(clean) && !/^[+-]?0[xX].*[pP]/.test(clean)) {
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '').replace(/^0([0-7]+)$/, '0o$1');
    const v = BigInt(body);
    return neg ? -v : v;
  }
  return Number(clean);
}

/** Executes a parsed template against the alert data. */
class Exec {
  readonly #vars: [string, unknown][] = [];
  /** The command being executed (Go's error context). */
  #at: Cmd | undefined;
  constructor(
    readonly source: string,
    readonly name: string,
    readonly funcs: ReadonlyMap<string, TemplateFunc>,
    data: Record<string, unknown>,
  ) {
    this.#vars.push(['$', data]);
  }

  run(nodes: readonly Node[], dot: unknown): string {
    let out = '';
    const mark = this.#vars.length;
    for (const n of nodes) {
      if (n.k === 'text') out += n.text;
      else if (n.k === 'action') {
        const v = this.#pipe(n.pipe, dot, n.line);
        if (n.pipe.decl.length === 0) out += formatValue(v);
      } else {
        const v = this.#pipe(n.pipe, dot, n.line);
        if (n.k === 'range') {
          const keys = v && typeof v === 'object' ? Object.keys(v).sort() : [];
          if (keys.length === 0) out += this.run(n.else, dot);
          for (const k of keys) out += this.run(n.then, (v as Record<string, unknown>)[k]);
        } else if (truth(v)) out += this.run(n.then, n.k === 'with' ? v : dot);
        else out += this.run(n.else, dot);
      }
    }
    this.#vars.length = mark;
    return out;
  }

  /** Go's execution error: `template: <name>:<line>:<byte in line>: executing "<name>" at <<command>>: <msg>`. */
  #fail(line: number, msg: string): never {
    const at = this.#at;
    if (at === undefined) throw new ExecError(`template: ${this.name}:${line}: executing "${this.name}": ${msg}`);
    const before = this.source.slice(0, at.pos);
    const nl = before.lastIndexOf('\n');
    const col = Buffer.byteLength(before.slice(nl + 1));
    const lineNo = before.split('\n').length;
    throw new ExecError(`template: ${this.name}:${lineNo}:${col}: executing "${this.name}" at <${at.text}>: ${msg}`);
  }

  #pipe(p: Pipe, dot: unknown, line: number): unknown {
    let v: unknown = NO_VALUE;
    let first = true;
    for (const c of p.cmds) {
      v = this.#cmd(c, dot, line, first ? [] : [v]);
      first = false;
    }
    if (p.decl.length > 0) {
      const name = p.decl[0]!;
      if (p.assign) {
        const slot = this.#vars.findLast(([n]) => n === name);
        if (!slot) this.#fail(line, `undefined variable: ${name}`);
        slot[1] = v;
      } else this.#vars.push([name, v]);
    }
    return v;
  }

  #cmd(cmd: Cmd, dot: unknown, line: number, piped: unknown[]): unknown {
    const outer = this.#at;
    this.#at = cmd;
    const v = this.#ops(cmd.ops, dot, line, piped);
    this.#at = outer;
    return v;
  }

  #ops(c: readonly Operand[], dot: unknown, line: number, piped: unknown[]): unknown {
    const head = c[0];
    if (head === undefined) this.#fail(line, 'empty command');
    if (head.k === 'func') {
      const f = this.funcs.get(head.name);
      if (f === undefined) this.#fail(line, `function "${head.name}" not defined`);
      const args = [...c.slice(1).map((o) => this.#operand(o, dot, line)), ...piped];
      try {
        return f(args);
      } catch (e) {
        this.#fail(line, `error calling ${head.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (c.length > 1 || piped.length > 0) this.#fail(line, `can't give argument to non-function ${formatValue(this.#operand(head, dot, line))}`);
    return this.#operand(head, dot, line);
  }

  #operand(o: Operand, dot: unknown, line: number): unknown {
    switch (o.k) {
      case 'lit':
        return o.v;
      case 'func':
        return this.#ops([o], dot, line, []);
      case 'var': {
        const slot = this.#vars.findLast(([n]) => n === o.name);
        if (!slot) this.#fail(line, `undefined variable: ${o.name}`);
        return this.#fields(slot[1], o.fields, line);
      }
      case 'dot':
        return this.#fields(dot, o.fields, line);
      case 'pipe':
        return this.#fields(this.#pipe(o.pipe, dot, line), o.fields, line);
    }
  }

  #fields(v: unknown, fields: readonly string[], line: number): unknown {
    for (const f of fields) {
      if (v === null || v === undefined) this.#fail(line, `nil pointer evaluating interface {}.${f}`);
      if (typeof v !== 'object') this.#fail(line, `can't evaluate field ${f} in type ${typeof v === 'number' ? 'float64' : typeof v}`);
      // Prometheus' maps are map[string]string: a missing key is the zero value, "".
      v = Object.hasOwn(v, f) ? (v as Record<string, unknown>)[f] : '';
    }
    return v;
  }
}

/** Most templates kept parsed; the cache starts over past this (templates change only on reload). */
const PARSED_CACHE_LIMIT = 1024;
const parsedCache = new Map<string, string | readonly Node[]>();

/**
 * Template `full` named `name` parsed: its nodes, or Go's syntax error text. Memoized, since an
 * alert's templates are expanded for every output sample of every evaluation; a parse that
 * throws is not kept (it throws again next time).
 */
function parsedTemplate(name: string, full: string): string | readonly Node[] {
  const key = `${name}\u0000${full}`;
  let v = parsedCache.get(key);
  if (v === undefined) {
    v = checkTemplateSyntax(name, full) ?? new Parser(lexTemplate(full)).list().nodes;
    if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
    parsedCache.set(key, v);
  }
  return v;
}

/** Upstream's name of an alert rule's templates. */
export function alertTemplateName(alert: string): string {
  return `__alert_${alert}`;
}

/**
 * Expands `text` (a label or annotation of the alert named `alert`) with `data` as upstream
 * does: an error comes back as `<error expanding template: …>`. Text without `{{` is returned
 * as is. `onError` learns the error (upstream logs it as a warning).
 */
export function expandAlertTemplate(alert: string, text: string, data: AlertTemplateData, onError?: (err: string) => void): string {
  if (!text.includes('{{')) return text;
  const name = alertTemplateName(alert);
  const full = TEMPLATE_DEFS + text;
  const failed = (err: string) => {
    onError?.(err);
    return `<error expanding template: ${err}>`;
  };
  try {
    const parsed = parsedTemplate(name, full);
    if (typeof parsed === 'string') return failed(`error parsing template ${name}: ${parsed}`);
    const goData = { Labels: data.labels, ExternalLabels: data.externalLabels, ExternalURL: data.externalURL, Value: data.value };
    return new Exec(full, name, templateFuncs(data.externalURL), goData).run(parsed, goData);
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    return failed(`error executing template ${name}: ${e.message}`);
  }
}
