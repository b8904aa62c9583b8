/**
 * Rule files (`groups:` of recording and alerting rules): parsing and validation with the
 * error texts and positions of Prometheus' rule-file format (`rulefmt`), as `promtool check
 * rules` and the server's rule loading report them:
 * `<file>: <line>:<col>: group "<g>", rule <n>, "<name>": <message>`.
 *
 * Decoding follows Prometheus 2.42 (strict keys, no `query_offset` or group `labels`). Name
 * validation follows the scheme asked for: `legacy` gives 2.42's results exactly, `utf8` (the
 * default, Prometheus 3's) accepts any UTF-8 label, annotation and record name and instead
 * rejects braces in a record name with 3.x's hint.
 */
import { readFileSync } from 'node:fs';
import { isValidLabelName, isValidLabelValue, isValidMetricName, quoteString, type ValidationScheme } from '../model/labels/index.js';
import { parseExpr, ParseErrors, type Expr, type ParseOptions } from '../promql/index.js';
import { IgnisError, goFileError } from '../util/index.js';
import { checkTemplateSyntax } from './go-template-parse.js';
import { decodeRuleGroups, type DecodedGroup, type DecodedRule } from './rule-file-decode.js';
import { type SourcePos, parseYamlSource } from './yaml-decode.js';

export type { SourcePos } from './yaml-decode.js';

/** Options of `parseRules` / `parseRuleFile`. */
export interface RuleFileOptions {
  /** Accept keys that match no field (`--ignore-unknown-fields`); default false (strict). */
  readonly ignoreUnknownFields?: boolean;
  /** How label, annotation and record names are validated; default `utf8`. */
  readonly nameValidation?: ValidationScheme;
  /** PromQL parser features for `expr` (experimental functions, …); default none. */
  readonly parser?: ParseOptions;
}

/** One rule of a group as written (see `DecodedRule`): exactly one of `record` and `alert` is non-empty once validated. */
export interface RuleSpec extends DecodedRule {
  /** `expr` parsed, when it parsed. */
  readonly parsed: Expr | undefined;
}

/** A rule group: evaluated together, in order, every `intervalMs` (0: the global interval). */
export interface RuleGroupSpec {
  readonly name: string;
  readonly intervalMs: number;
  /** Most alerts or series a rule may produce (0: no limit). */
  readonly limit: number;
  readonly rules: readonly RuleSpec[];
}

/** One problem in a rule file; `message` is upstream's full text. */
export class RuleFileError extends IgnisError {
  constructor(
    message: string,
    /** The group, rule number (from 1) and rule name, for a problem with one rule. */
    readonly where?: { readonly group: string; readonly rule: number; readonly ruleName: string },
  ) {
    super(message);
  }
}

/**
 * The result of parsing: groups, every error, warnings. Use the groups only when `errors` is
 * empty (they are empty when YAML decoding failed, and hold the offending rules otherwise).
 */
export interface ParsedRuleFile {
  readonly groups: readonly RuleGroupSpec[];
  readonly errors: readonly RuleFileError[];
  /** Problems that do not stop loading (a second YAML document, which is ignored). */
  readonly warnings: readonly string[];
}

/** Logged when a rule file holds more than one YAML document: only the first is used. */
export const MULTI_DOCUMENT_WARNING = 'Multiple document yaml rules files are not supported';

/** The name a template is parsed under, as upstream: `__alert_<alert name>`. */
/** The variable definitions Prometheus puts before every alert label and annotation template. */
export const TEMPLATE_DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

function at(pos: SourcePos): string {
  return `${pos.line}:${pos.col}: `;
}

/** One problem of a rule: the position prefix (`L:C: `, two of them, or none) and the message. */
interface Problem {
  readonly at: string;
  readonly message: string;
}

/** Upstream's checks of one rule, in upstream's order (labels and annotations in file order). */
function checkRule(r: DecodedRule, scheme: ValidationScheme, parser: ParseOptions): { problems: Problem[]; parsed: Expr | undefined } {
  const problems: Problem[] = [];
  const add = (where: string, message: string): void => void problems.push({ at: where, message });
  let parsed: Expr | undefined;
  if (r.record !== '' && r.alert !== '') add(at(r.recordPos) + at(r.alertPos), "only one of 'record' and 'alert' must be set");
  if (r.record === '' && r.alert === '') add(at(r.recordPos), `one of 'record' or 'alert' must be set`);
  if (r.expr === '') add(at(r.exprPos), `field 'expr' must be set in rule`);
  else {
    try {
      parsed = parseExpr(r.expr, parser);
    } catch (err) {
      if (!(err instanceof ParseErrors)) throw err;
      add(at(r.exprPos), `could not parse expression: ${err.message}`);
    }
  }
  if (r.record !== '') {
    if (r.annotations.size > 0) add(at(r.recordPos), `invalid field 'annotations' in recording rule`);
    if (r.forMs !== 0) add(at(r.recordPos), `invalid field 'for' in recording rule`);
    if (r.keepFiringForMs !== 0) add(at(r.recordPos), `invalid field 'keep_firing_for' in recording rule`);
    if (!isValidMetricName(r.record, scheme)) add(at(r.recordPos), `invalid recording rule name: ${r.record}`);
    // Valid UTF-8 but most likely a selector pasted into the name (Prometheus 3's hint).
    else if (r.record.includes('{') || r.record.includes('}')) add(at(r.recordPos), `braces present in the recording rule name; should it be in expr?: ${r.record}`);
  }
  for (const [k, v] of r.labels) {
    if (!isValidLabelName(k, scheme) || k === '__name__') add('', `invalid label name: ${k}`);
    if (!isValidLabelValue(v)) add('', `invalid label value: ${v}`);
  }
  for (const k of r.annotations.keys()) if (!isValidLabelName(k, scheme)) add('', `invalid annotation name: ${k}`);
  if (r.alert !== '') {
    const name = `__alert_${r.alert}`;
    for (const [kind, map] of [['label', r.labels], ['annotation', r.annotations]] as const) {
      for (const [k, v] of map) {
        const err = checkTemplateSyntax(name, TEMPLATE_DEFS + v);
        if (err !== undefined) add('', `${kind} ${quoteString(k)}: ${err}`);
      }
    }
  }
  return { problems, parsed };
}

function validate(groups: readonly DecodedGroup[], options: RuleFileOptions): { groups: RuleGroupSpec[]; errors: RuleFileError[] } {
  const scheme = options.nameValidation ?? 'utf8';
  const parser = options.parser ?? {};
  const errors: RuleFileError[] = [];
  const seen = new Set<string>();
  const out: RuleGroupSpec[] = [];
  for (const g of groups) {
    if (g.name === '') errors.push(new RuleFileError(`${at(g.pos)}Groupname must not be empty`));
    if (seen.has(g.name)) errors.push(new RuleFileError(`${at(g.pos)}groupname: "${g.name}" is repeated in the same file`));
    seen.add(g.name);
    const rules: RuleSpec[] = [];
    g.rules.forEach((r, i) => {
      const { problems, parsed } = checkRule(r, scheme, parser);
      const ruleName = r.alert !== '' ? r.alert : r.record;
      for (const p of problems) {
        const text = `${p.at}group ${quoteString(g.name)}, rule ${i + 1}, ${quoteString(ruleName)}: ${p.message}`;
        errors.push(new RuleFileError(text, { group: g.name, rule: i + 1, ruleName }));
      }
      rules.push({ ...r, parsed });
    });
    out.push({ name: g.name, intervalMs: g.intervalMs, limit: g.limit, rules });
  }
  return { groups: out, errors };
}

/**
 * Parses and validates rule-file `content` (only its first YAML document). Never throws for bad
 * input: problems come back in `errors`, in upstream's order and texts, without a file prefix.
 */
export function parseRules(content: string | Uint8Array, options: RuleFileOptions = {}): ParsedRuleFile {
  const text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  const src = parseYamlSource(text);
  const warnings = src.documents > 1 ? [MULTI_DOCUMENT_WARNING] : [];
  const decoded = decodeRuleGroups(src, options.ignoreUnknownFields === true);
  if (decoded.errors.length > 0) return { groups: [], errors: decoded.errors.map((e) => new RuleFileError(e)), warnings };
  const { groups, errors } = validate(decoded.groups, options);
  return { groups, errors, warnings };
}

/** `parseRules` on the file at `path`; every error is prefixed with `<path>: `, as upstream's. */
export function parseRuleFile(path: string, options: RuleFileOptions = {}): ParsedRuleFile {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    return { groups: [], errors: [new RuleFileError(`${path}: ${goFileError(err, 'open', path)}`)], warnings: [] };
  }
  const parsed = parseRules(content, options);
  return { ...parsed, errors: parsed.errors.map((e) => new RuleFileError(`${path}: ${e.message}`, e.where)) };
}
