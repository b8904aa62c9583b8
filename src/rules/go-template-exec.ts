/**
 * Execution of Go text/template sources as alert labels and annotations use them (upstream's
 * `template.Expander` over `text/template`): text, `{{ pipeline }}` actions with `|` chains and
 * parenthesised pipelines, variables (`$labels`, `$value`, `$externalLabels`, `$externalURL`,
 * `$` and `{{ $x := … }}` / `{{ $x = … }}`), fields on the data and on maps (`.Labels.job`,
 * `$labels.job`; a missing key is `""`), string/number/bool/nil literals,
 * `if`/`else if`/`else`/`end`, `with`/`else`/`end` and `range` over a map (sorted keys; `$v :=`,
 * `$k, $v :=`), and the functions of `template-funcs.ts`. Not supported (an execution error):
 * `define`, `template`, `block`, `break`/`continue`, complex numbers, and Prometheus' `query`-based functions (`query`, `first`,
 * `label`, `value`, `sortByLabel`, …), `humanizeTimestamp`, `toTime`, `args`, `tmpl`.
 *
 * The tree comes from `go-template-parse.ts`, which also finds syntax errors with Go's text; an
 * execution error has Go's shape (`template: <name>:<line>:<col>: executing "<name>" at <command>:
 * <message>`; the column counts the prepended variable definitions, as upstream's). `expandAlertTemplate` turns either into upstream's
 * `<error expanding template: …>` text.
 */
import type { Cmd, Node, Operand, ParsedTemplate, Pipe } from './go-template-ast.js';
import { parseTemplate } from './go-template-parse.js';
import type { AlertTemplateData } from './alerting-rule.js';
import { formatValue } from './go-format.js';
import { TEMPLATE_DEFS } from './rule-file.js';
import { ArgumentError, templateFuncs, truth, type TemplateFunc } from './template-funcs.js';

class ExecError extends Error {}

const NO_VALUE = undefined;

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
      } else if (n.k === 'range') out += this.#range(n.pipe, n.then, n.else, dot, n.line);
      else {
        const v = this.#pipe(n.pipe, dot, n.line);
        if (truth(v)) out += this.run(n.then, n.k === 'with' ? v : dot);
        else out += this.run(n.else, dot);
      }
    }
    this.#vars.length = mark;
    return out;
  }

  /** `{{range}}` over a map in key order: `$v := …` is each value, `$k, $v := …` each key and value. */
  #range(pipe: Pipe, then: readonly Node[], els: readonly Node[], dot: unknown, line: number): string {
    const v = this.#pipe(pipe, dot, line, false);
    const keys = v && typeof v === 'object' ? Object.keys(v).sort() : [];
    if (keys.length === 0) return this.run(els, dot);
    const [first, second] = pipe.decl;
    let out = '';
    for (const k of keys) {
      const elem = (v as Record<string, unknown>)[k];
      const mark = this.#vars.length;
      if (second !== undefined) this.#vars.push([first!, k], [second, elem]);
      else if (first !== undefined) this.#vars.push([first, elem]);
      out += this.run(then, elem);
      this.#vars.length = mark;
    }
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

  /** Runs a pipeline; `declare`: set its variables to the result (not for `{{range}}`'s). */
  #pipe(p: Pipe, dot: unknown, line: number, declare = true): unknown {
    let v: unknown = NO_VALUE;
    let first = true;
    for (const c of p.cmds) {
      v = this.#cmd(c, dot, line, first ? [] : [v]);
      first = false;
    }
    if (declare && p.decl.length > 0) {
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
    if (head.k === 'func' && head.fields.length === 0) {
      const f = this.#func(head.name, line);
      return this.#call(head.name, f, [...c.slice(1).map((o) => this.#operand(o, dot, line)), ...piped], line);
    }
    if (head.k === 'lit' && head.v === null) this.#fail(line, 'nil is not a command');
    if (c.length > 1 || piped.length > 0) this.#fail(line, `can't give argument to non-function ${formatValue(this.#operand(head, dot, line))}`);
    return this.#operand(head, dot, line);
  }

  #func(name: string, line: number): TemplateFunc {
    return this.funcs.get(name) ?? this.#fail(line, `function "${name}" not defined`);
  }

  #call(name: string, f: TemplateFunc, args: unknown[], line: number): unknown {
    try {
      return f(args);
    } catch (e) {
      if (e instanceof ArgumentError) this.#fail(line, e.message);
      this.#fail(line, `error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  #operand(o: Operand, dot: unknown, line: number): unknown {
    switch (o.k) {
      case 'lit':
        return o.v;
      case 'func':
        return this.#fields(this.#call(o.name, this.#func(o.name, line), [], line), o.fields, line);
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
const parsedCache = new Map<string, string | ParsedTemplate>();

/**
 * Template `full` named `name` parsed: its tree, or Go's syntax error text. Memoized, since an
 * alert's templates are expanded for every output sample of every evaluation.
 */
function parsedTemplate(name: string, full: string): string | ParsedTemplate {
  const key = `${name}\u0000${full}`;
  let v = parsedCache.get(key);
  if (v === undefined) {
    v = parseTemplate(name, full);
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
    if (parsed.unsupported !== undefined) throw new ExecError(parsed.unsupported);
    const goData = { Labels: data.labels, ExternalLabels: data.externalLabels, ExternalURL: data.externalURL, Value: data.value };
    return new Exec(full, name, templateFuncs(data.externalURL), goData).run(parsed.nodes, goData);
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    return failed(`error executing template ${name}: ${e.message}`);
  }
}
