/**
 * The notifier: sends the alerts of alerting rules to Alertmanagers found by discovery
 * (`alerting:` in `prometheus.yml`), in Alertmanager API v2's JSON, with Prometheus' queue,
 * batching, relabeling and `prometheus_notifications_*` metrics. Wiring (in `cmd/server`):
 * `applyConfig` on every (re)load, a discovery manager named `notify` fed with
 * `notifierSDConfigs` whose updates go to `sync`, `send` as the rules' notify target, `start`,
 * and `stop` after the rules.
 */
export { NotifierManager, notifierSDConfigs, alertmanagerSetKey, DEFAULT_QUEUE_CAPACITY, MAX_BATCH_SIZE, type NotifierConfig, type NotifierManagerOptions } from './manager.js';
export { alertsJSON, alertJSON, type Alert } from './alert.js';
export { AlertQueue, type PushResult } from './queue.js';
export { relabelAlerts, withExternalLabels } from './relabel-alerts.js';
export { alertmanagersFromGroup, alertsPath, alertmanagerURL, SCHEME_LABEL, ALERTS_PATH_LABEL, type DiscoveredAlertmanager, type AlertmanagerTargetConfig } from './targets.js';
export { NOTIFIER_USER_AGENT, NotifyRequestError, unsupportedAlertmanagerConfig } from './alertmanager-set.js';
