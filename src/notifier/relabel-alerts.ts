/**
 * What happens to an alert's labels on its way out (upstream's notifier): external labels are
 * added where the alert has no label of that name (the alert's own value wins), then
 * `alert_relabel_configs` run; an alert the rules drop, or whose labels end up empty, is not
 * sent. The same relabeling, without external labels, runs per Alertmanager configuration.
 */
import { Labels } from '../model/labels/index.js';
import { relabel, type RelabelRule } from '../model/relabel/index.js';
import type { Alert } from './alert.js';

/** `labels` with every external label it does not have (an empty value counts as absent, as upstream). */
export function withExternalLabels(labels: Labels, external: Labels): Labels {
  if (external.isEmpty()) return labels;
  let b: ReturnType<Labels['builder']> | undefined;
  external.forEach((name, value) => {
    if (labels.get(name) === '') (b ??= labels.builder()).set(name, value);
  });
  return b ? b.labels() : labels;
}

/**
 * `alerts` with `external` labels added and `rules` applied, in order, without the dropped ones.
 * Input alerts are not changed; an alert whose labels did not change is returned as is.
 */
export function relabelAlerts(alerts: readonly Alert[], rules: readonly RelabelRule[], external: Labels = Labels.EMPTY): Alert[] {
  const out: Alert[] = [];
  for (const a of alerts) {
    const labels = relabel(withExternalLabels(a.labels, external), rules);
    if (labels === undefined || labels.isEmpty()) continue;
    out.push(labels === a.labels ? a : { ...a, labels });
  }
  return out;
}
