/**
 * Relabel rules written the way a `relabel_config` is written in YAML (snake_case keys, any
 * field left out), and the `RelabelRule` upstream's defaults make of them, for tests that state
 * rules compactly or write the same rules into a Prometheus configuration.
 */
import type { ValidationScheme } from '../../src/model/labels/index.js';
import { DEFAULT_RELABEL_RULE, compileRelabelRegex, type RelabelAction, type RelabelRule } from '../../src/model/relabel/index.js';

/** A `relabel_config` as written in YAML; a field left out takes upstream's default. */
export interface RelabelSpec {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  modulus?: number;
  target_label?: string;
  replacement?: string;
  action?: RelabelAction;
}

/**
 * The rule for `s` with `DEFAULT_RELABEL_RULE`'s values for absent fields (separator `;`, regex
 * `(.*)`, replacement `$1`, action replace, …) and label names checked under `scheme`
 * (legacy by default, as Prometheus 2.x does).
 */
export function ruleFromSpec(s: RelabelSpec, scheme: ValidationScheme = 'legacy'): RelabelRule {
  return {
    sourceLabels: s.source_labels ?? DEFAULT_RELABEL_RULE.sourceLabels,
    separator: s.separator ?? DEFAULT_RELABEL_RULE.separator,
    targetLabel: s.target_label ?? DEFAULT_RELABEL_RULE.targetLabel,
    regex: s.regex === undefined ? DEFAULT_RELABEL_RULE.regex : compileRelabelRegex(s.regex),
    modulus: s.modulus ?? DEFAULT_RELABEL_RULE.modulus,
    replacement: s.replacement ?? DEFAULT_RELABEL_RULE.replacement,
    action: s.action ?? DEFAULT_RELABEL_RULE.action,
    nameValidationScheme: scheme,
  };
}
