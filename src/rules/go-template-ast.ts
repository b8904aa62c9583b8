/**
 * The tree of a Go text/template source, as `go-template-parse.ts` builds it and
 * `go-template-exec.ts` runs it: text, actions and `if`/`with`/`range` with their pipelines.
 */

/** A node of a template's top level or of a control structure's branch. */
export type Node =
  | { readonly k: 'text'; readonly text: string }
  /** `{{ pipeline }}`; `line` is that of its first token. */
  | { readonly k: 'action'; readonly pipe: Pipe; readonly line: number }
  /** `{{if}}`/`{{with}}`/`{{range}}`; `{{else if …}}` is an `if` alone in `else`. */
  | { readonly k: 'if' | 'with' | 'range'; readonly pipe: Pipe; readonly then: readonly Node[]; readonly else: readonly Node[]; readonly line: number };

/** A pipeline: optional declarations, then commands joined by `|`. */
export interface Pipe {
  /** Variables declared (or assigned): one, or two in `{{range $k, $v := …}}`. */
  readonly decl: readonly string[];
  /** `=` assigns, `:=` declares. */
  readonly assign: boolean;
  readonly cmds: readonly Cmd[];
}

/** A command: its operands, where it starts in the source (UTF-16 offset) and how Go prints it in errors. */
export interface Cmd {
  readonly ops: readonly Operand[];
  readonly pos: number;
  readonly text: string;
}

/**
 * One operand: a function name, a literal, a variable, dot or a parenthesised pipeline, then
 * the fields read from it (`$labels.job`, `.Labels.job`, `(…).x`); `src` is its source text.
 */
export type Operand = (
  | { readonly k: 'func'; readonly name: string }
  | { readonly k: 'lit'; readonly v: unknown }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'dot' }
  | { readonly k: 'pipe'; readonly pipe: Pipe }
) & { readonly fields: readonly string[]; readonly src: string };

/** A parsed template: its top-level nodes and what of it expansion cannot run, if anything. */
export interface ParsedTemplate {
  readonly nodes: readonly Node[];
  /** The execution error of the first construct expansion does not support (`{{define}} is not supported`). */
  readonly unsupported: string | undefined;
}
