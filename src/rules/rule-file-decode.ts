/**
 * Rule-file YAML → groups and rules, with go-yaml v3's strict decoding errors under
 * upstream's Go type names (`rulefmt.RuleGroups`, `rulefmt.RuleGroup`, `rulefmt.RuleNode`),
 * as Prometheus 2.42 decodes a rule file. Aliases and `<<` merge keys are resolved.
 */
import type { Node as YamlNode } from 'yaml';
import { parseDuration } from '../model/duration/index.js';
import { Decoder, HardDecodeError, NO_POS, type SourcePos, type YamlSource } from './yaml-decode.js';

/** A rule as written, before validation. `record`/`alert`/`expr` keep where they were written. */
export interface DecodedRule {
  /** The recorded metric name, or "" for an alerting rule. */
  readonly record: string;
  /** The alert name, or "" for a recording rule. */
  readonly alert: string;
  /** The PromQL text as written. */
  readonly expr: string;
  /** Where `record`, `alert` and `expr` were written (`0:0` when absent). */
  readonly recordPos: SourcePos;
  readonly alertPos: SourcePos;
  readonly exprPos: SourcePos;
  /** `for`, in milliseconds (0 when absent). */
  readonly forMs: number;
  /** `keep_firing_for`, in milliseconds (0 when absent). */
  readonly keepFiringForMs: number;
  /** Labels in file order. */
  readonly labels: ReadonlyMap<string, string>;
  /** Annotations in file order. */
  readonly annotations: ReadonlyMap<string, string>;
}

/** A group as written, before validation. */
export interface DecodedGroup {
  readonly name: string;
  /** Where the group's mapping starts (its first key). */
  readonly pos: SourcePos;
  /** `interval`, in milliseconds (0: the global evaluation interval). */
  readonly intervalMs: number;
  /** `limit` (0: none). */
  readonly limit: number;
  readonly rules: readonly DecodedRule[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const EMPTY_RULE: Mutable<DecodedRule> = {
  record: '',
  alert: '',
  expr: '',
  recordPos: NO_POS,
  alertPos: NO_POS,
  exprPos: NO_POS,
  forMs: 0,
  keepFiringForMs: 0,
  labels: new Map(),
  annotations: new Map(),
};

/** Prometheus' duration syntax, with `model.Duration`'s decode error text. */
function promDuration(s: string): number {
  try {
    return parseDuration(s);
  } catch {
    throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
  }
}

function decodeRule(d: Decoder, node: YamlNode | null): DecodedRule | undefined {
  const n = d.resolve(node);
  // go-yaml drops a null item of a list of structs.
  if (n === null || d.isNull(n)) return undefined;
  const entries = d.entries(n, 'rulefmt.RuleNode');
  if (entries === undefined) return undefined;
  const rule: Mutable<DecodedRule> = { ...EMPTY_RULE, labels: new Map<string, string>(), annotations: new Map<string, string>() };
  // Fields decode in source order, so that errors come out in the order go-yaml reports them.
  for (const { key, keyNode, value } of entries) {
    if (key === 'record' || key === 'alert' || key === 'expr') {
      const v = d.node(value);
      rule[key] = v.value;
      rule[`${key}Pos`] = v.pos;
    } else if (key === 'for') rule.forMs = d.duration(value, promDuration);
    else if (key === 'keep_firing_for') rule.keepFiringForMs = d.duration(value, promDuration);
    else if (key === 'labels' || key === 'annotations') rule[key] = d.stringMap(value);
    else d.unknownField(keyNode, key, 'rulefmt.RuleNode');
  }
  return rule;
}

function decodeGroup(d: Decoder, node: YamlNode | null): DecodedGroup | undefined {
  const n = d.resolve(node);
  if (n === null || d.isNull(n)) return undefined;
  const entries = d.entries(n, 'rulefmt.RuleGroup');
  if (entries === undefined) return undefined;
  const group = { name: '', pos: d.pos(node), intervalMs: 0, limit: 0, rules: [] as DecodedRule[] };
  for (const { key, keyNode, value } of entries) {
    if (key === 'name') group.name = d.string(value);
    else if (key === 'interval') group.intervalMs = d.duration(value, promDuration);
    else if (key === 'limit') group.limit = d.int(value);
    else if (key === 'rules') {
      group.rules = [];
      for (const r of d.seq(value, '[]rulefmt.RuleNode')) {
        const rule = decodeRule(d, r);
        if (rule) group.rules.push(rule);
      }
    } else d.unknownField(keyNode, key, 'rulefmt.RuleGroup');
  }
  return group;
}

/**
 * Decodes the first document of `src` into groups. Returns the groups and upstream's decode
 * errors (each a full message: `yaml: …`, `yaml: unmarshal errors:\n  line N: …`, or a
 * duration's own text); groups are only meaningful when there is no error.
 */
export function decodeRuleGroups(src: YamlSource, ignoreUnknownFields: boolean): { groups: DecodedGroup[]; errors: string[] } {
  if (src.syntaxError !== undefined) return { groups: [], errors: [src.syntaxError, src.syntaxError] };
  const errors: string[] = [];
  const groups: DecodedGroup[] = [];
  const top = src.doc?.contents ?? null;
  // Pass 1: the typed decode (upstream's strict `RuleGroups`).
  const d = new Decoder(src, !ignoreUnknownFields);
  try {
    const root = d.resolve(top);
    if (root !== null && !d.isNull(root)) {
      const entries = d.entries(root, 'rulefmt.RuleGroups');
      for (const e of entries ?? []) {
        if (e.key !== 'groups') {
          d.unknownField(e.keyNode, e.key, 'rulefmt.RuleGroups');
          continue;
        }
        for (const g of d.seq(e.value, '[]rulefmt.RuleGroup')) {
          const group = decodeGroup(d, g);
          if (group) groups.push(group);
        }
      }
    }
    if (d.typeErrors.length > 0) errors.push(unmarshalErrors(d.typeErrors));
  } catch (err) {
    if (!(err instanceof HardDecodeError)) throw err;
    errors.push(err.message);
  }
  // Pass 2: upstream decodes the file a second time into bare nodes (for positions); only
  // the outer shape can fail there, with its own type names.
  const n = new Decoder(src, false);
  try {
    const root = n.resolve(top);
    if (root !== null && !n.isNull(root)) {
      for (const e of n.entries(root, 'rulefmt.ruleGroups') ?? []) if (e.key === 'groups') n.seq(e.value, '[]yaml.Node');
    }
    if (n.typeErrors.length > 0) errors.push(unmarshalErrors(n.typeErrors));
  } catch (err) {
    if (!(err instanceof HardDecodeError)) throw err;
    errors.push(err.message);
  }
  return { groups, errors };
}

function unmarshalErrors(lines: readonly string[]): string {
  return `yaml: unmarshal errors:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
