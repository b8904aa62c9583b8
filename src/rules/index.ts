/**
 * Rules: rule files (parse, validate, lint). Recording/alerting rule evaluation and the rule
 * manager will join here. Other packages import rules only through this file.
 */
export {
  parseRules,
  parseRuleFile,
  RuleFileError,
  MULTI_DOCUMENT_WARNING,
  type RuleFileOptions,
  type ParsedRuleFile,
  type RuleGroupSpec,
  type RuleSpec,
  type SourcePos,
} from './rule-file.js';
export { findDuplicateRules, formatDuplicateRules, type DuplicateRule } from './duplicates.js';
export { checkTemplateSyntax, PROMETHEUS_TEMPLATE_FUNCS } from './go-template-check.js';
