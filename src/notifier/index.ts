/**
 * The notifier: sends the alerts of alerting rules to Alertmanagers found by discovery
 * (`alerting:` in `prometheus.yml`), in Alertmanager API v2's JSON, with Prometheus' queue,
 * batching, relabeling and `prometheus_notifications_*` metrics. Wiring (in `cmd/server`):
 * `applyConfig` on every (re)load, a discovery manager named `notify` fed with
 * `notifierSDConfigs` whose updates go to `sync`, `send` as the rules' notify target, `start`,
 * and `stop` after the rules; `alertsPath` and its label for `promtool check config`. Exports
 * only what other folders use; the parts (queue, relabeling, targets, request) are imported by
 * their own tests directly.
 */
export { NotifierManager, notifierSDConfigs, type NotifierConfig, type NotifierManagerOptions } from './manager.js';
export type { Alert } from './alert.js';
export { alertsPath, ALERTS_PATH_LABEL } from './targets.js';
