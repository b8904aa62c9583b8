/**
 * What `promtool check config` does with the targets it can see without running discovery:
 * static targets and the target files of file SD go through the job's relabel rules
 * (`model/relabel`'s `relabel()`), and the result must be a target upstream would scrape
 * (scrape's `populateLabels`, upstream's `PopulateLabels`) or an Alertmanager it would send to
 * (`AlertmanagerFromGroup`, with the notifier's `alertsPath`).
 */
import { checkTargetAddress, type AlertmanagerConfig, type ScrapeConfig, type TargetGroup } from '../../config/index.js';
import { Labels, LabelsBuilder } from '../../model/labels/index.js';
import { TargetLabel, relabel, type RelabelRule } from '../../model/relabel/index.js';
import { ALERTS_PATH_LABEL, alertsPath } from '../../notifier/index.js';
import { populateLabels, targetConfigOf } from '../../scrape/index.js';

/**
 * Checks every target of `groups` against scrape config `sc`; returns upstream's first failure
 * (`instance 0 in group 0: "http://x" is not a valid hostname`) or undefined. `sources` names
 * the groups in messages (default: their index).
 */
export function checkScrapeTargets(groups: readonly TargetGroup[], sc: ScrapeConfig, sources?: readonly string[]): string | undefined {
  const cfg = targetConfigOf(sc, sc.relabel_configs.map((c) => c.rule));
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi]!;
    const groupLabels = Labels.fromObject(g.labels);
    for (let i = 0; i < g.targets.length; i++) {
      const { error } = populateLabels(Labels.fromStrings(TargetLabel.Address, g.targets[i]!), groupLabels, cfg);
      if (error !== undefined) return `instance ${i} in group ${sources ? sources[gi] : gi}: ${error}`;
    }
  }
  return undefined;
}

/** Checks the Alertmanager targets of `groups` against `am` (upstream's `AlertmanagerFromGroup`). */
export function checkAlertmanagerTargets(groups: readonly TargetGroup[], am: AlertmanagerConfig): string | undefined {
  const rules: RelabelRule[] = am.relabel_configs.map((c) => c.rule);
  // Upstream sets scheme and path first and lets the group's labels overwrite them.
  const b = new LabelsBuilder();
  for (const g of groups) {
    for (const t of g.targets) {
      b.reset().set(TargetLabel.Address, t).set(TargetLabel.Scheme, am.scheme).set(ALERTS_PATH_LABEL, alertsPath(am.path_prefix));
      for (const [k, v] of Object.entries(g.labels)) if (k !== TargetLabel.Address) b.set(k, v);
      const relabeled = relabel(b.labels(), rules);
      if (relabeled === undefined) continue;
      const bad = checkTargetAddress(relabeled.get(TargetLabel.Address));
      if (bad) return bad;
    }
  }
  return undefined;
}
