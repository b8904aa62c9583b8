/**
 * Rules: rule files (parse, validate, lint), recording rule groups and their evaluation.
 * Alerting rules are evaluated (alerts, `ALERTS` series); no notifications yet. Other packages import rules only
 * through this file.
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
export { checkTemplateSyntax, PROMETHEUS_TEMPLATE_FUNCS } from './go-template-parse.js';
export { engineQueryFunc, type QueryFunc } from './query-func.js';
export { RecordingRule, RuleEvalError, DUPLICATE_LABELSET, type RuleHealth, type RecordedSample } from './recording-rule.js';
export {
  AlertingRule,
  NO_TEMPLATES,
  RESOLVED_RETENTION_MS,
  DUPLICATE_ALERT_LABELSET,
  type Alert,
  type AlertState,
  type AlertContext,
  type AlertTemplateData,
  type TemplateExpander,
} from './alerting-rule.js';
export { restoreForState, RESTORE_DEFAULTS, type RestoreOptions } from './restore-for-state.js';
export { expandAlertTemplate, alertTemplateName } from './go-template-exec.js';
export { Group, groupKey, type GroupOptions, type Rule } from './group.js';
export { GroupMetrics } from './group-metrics.js';
export { RuleManager, RuleLoadError, loadRules, type LoadedRules, type RuleManagerOptions } from './manager.js';
