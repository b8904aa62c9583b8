/**
 * The server's rule manager: recording and alerting rules from `rule_files`, evaluated by the server's
 * engine over the same queryable as the API (the TSDB merged with `remote_read`), written to the
 * TSDB, alerts handed to the notifier; a `ConfigApplier` for reloads (a broken rule file refuses the reload in `prepare`, before
 * any component changes) and the `RulesRetriever` behind `/api/v1/rules`.
 */
import type { Config } from '../../config/index.js';
import type { Labels } from '../../model/labels/index.js';
import type { Engine } from '../../promql/index.js';
import { engineQueryFunc, loadRules, RecordingRule, RuleManager, expandAlertTemplate, sendAlertsTo, type Alert, type AlertingRule, type TemplateExpander, type Group, type LoadedRules, type OutgoingAlert } from '../../rules/index.js';
import type { Appendable, Queryable } from '../../storage/index.js';
import type { Logger, Registry } from '../../util/index.js';
import type { AlertInfo, RuleGroupInfo, RuleInfo, RulesRetriever } from '../../web/index.js';
import type { ConfigApplier } from './reload.js';

/** What `ServerRules` wires together. */
export interface ServerRulesDeps {
  readonly engine: Engine;
  readonly queryable: Queryable;
  readonly appendable: Appendable;
  readonly registry: Registry;
  readonly logger: Logger;
  /** The configuration's external labels (for alert templates). */
  readonly externalLabels: () => Labels;
  /** The server's external URL (for alert templates and the alerts' `generatorURL`). */
  readonly externalURL: () => string;
  /** Where alerts go (the notifier's `send`). */
  readonly sendAlerts: (alerts: OutgoingAlert[]) => void;
  /** `--rules.alert.resend-delay`, ms. */
  readonly resendDelayMs: number;
}

/** The rule manager with its reload hook and API view. */
export class ServerRules {
  readonly manager: RuleManager;
  /** Rules parsed by `prepare`, applied by `apply` of the same configuration. */
  readonly #prepared = new WeakMap<Config, LoadedRules>();

  constructor(d: ServerRulesDeps) {
    const warn = (alert: string) => (err: string) => d.logger.warn({ component: 'rule manager', alert, err }, 'Expanding alert template failed');
    const expand: TemplateExpander = (alert, text, data) => expandAlertTemplate(alert, text, data, warn(alert));
    const alertContext = { externalLabels: d.externalLabels, externalURL: d.externalURL, expand };
    this.manager = new RuleManager({ appendable: d.appendable, query: engineQueryFunc(d.engine, d.queryable), logger: d.logger, registry: d.registry, alertContext, queryable: d.queryable, notify: sendAlertsTo(d.sendAlerts, d.externalURL), resendDelayMs: d.resendDelayMs });
  }

  /** The reload step `rules`: parse every rule file in `prepare`, swap groups in `apply`. */
  applier(): ConfigApplier {
    return {
      name: 'rules',
      prepare: (cfg) => void this.#prepared.set(cfg, load(cfg)),
      apply: (cfg) => this.manager.update(this.#prepared.get(cfg) ?? load(cfg)),
    };
  }

  /** `/api/v1/rules`' view of the running groups. */
  retriever(): RulesRetriever {
    return {
      ruleGroups: () => this.manager.groups().map(groupInfo),
      activeAlerts: () => this.manager.groups().flatMap((g) => g.rules.flatMap((r) => (r instanceof RecordingRule ? [] : r.activeAlerts().map(alertJSONInfo)))),
    };
  }
}

function load(cfg: Config): LoadedRules {
  return loadRules(cfg.rule_files, cfg.global.evaluation_interval, { nameValidation: cfg.global.metric_name_validation_scheme });
}

function groupInfo(g: Group): RuleGroupInfo {
  return {
    name: g.name,
    file: g.file,
    rules: g.rules.map((r) => (r instanceof RecordingRule ? recordingInfo(r) : alertInfo(r))),
    interval: g.intervalMs / 1000,
    limit: g.limit,
    evaluationTime: g.evaluationTime,
    lastEvaluation: g.lastEvaluation,
  };
}

/** The fields every rule has. */
function commonInfo(type: RuleInfo['type'], r: RecordingRule | AlertingRule): RuleInfo {
  return { type, name: r.name, query: r.query, labels: r.labels, health: r.health, lastError: r.lastError, evaluationTime: r.evaluationTime, lastEvaluation: r.lastEvaluation };
}

function recordingInfo(r: RecordingRule): RuleInfo {
  return commonInfo('recording', r);
}

/** An alerting rule with its state and pending/firing alerts. */
function alertInfo(r: AlertingRule): RuleInfo {
  return {
    ...commonInfo('alerting', r),
    duration: r.holdMs / 1000,
    keepFiringFor: r.keepFiringForMs / 1000,
    annotations: r.annotations,
    state: r.state(),
    alerts: r.activeAlerts().map(alertJSONInfo),
  };
}

function alertJSONInfo(a: Alert): AlertInfo {
  return { labels: a.labels, annotations: a.annotations, state: a.state, activeAt: a.activeAt, keepFiringSince: a.keepFiringSince, value: a.value };
}
