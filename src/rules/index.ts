/**
 * Rules: rule files (parse, validate, lint), recording rule groups and their evaluation.
 * Alerting rules are evaluated (alerts, `ALERTS` series) and hand their alerts to a `NotifyFunc`. Other packages import rules only
 * through this file, which exports only what they (and this folder's tests) use.
 */
export { parseRules, parseRuleFile, MULTI_DOCUMENT_WARNING, type ParsedRuleFile } from './rule-file.js';
export { findDuplicateRules, formatDuplicateRules } from './duplicates.js';
export { checkTemplateSyntax } from './go-template-parse.js';
export { engineQueryFunc } from './query-func.js';
export { RecordingRule } from './recording-rule.js';
export { AlertingRule, type Alert, type TemplateExpander } from './alerting-rule.js';
export { expandAlertTemplate } from './go-template-exec.js';
export { Group } from './group.js';
export { RuleManager, loadRules, type LoadedRules } from './manager.js';
export { sendAlertsTo, tableLinkForExpression, queryEscape, type NotifyFunc, type OutgoingAlert } from './notify.js';
/** For `ignis tool test rules`: decoding its test files with go-yaml's strict texts, and groups it drives itself. */
export { Decoder, HardDecodeError, parseYamlSource, type YamlSource } from './yaml-decode.js';
export { GroupMetrics } from './group-metrics.js';
export { formatFloat } from './go-format.js';
export type { RuleGroupSpec } from './rule-file.js';
