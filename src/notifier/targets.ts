/**
 * Discovered Alertmanagers (upstream's `AlertmanagerFromGroup`): each target of a target group
 * gets `__scheme__` (the config's `scheme`) and `__alerts_path__` (`<path_prefix>/api/v2/alerts`)
 * and the group's labels it lacks, then the config's `relabel_configs` run. A target the rules
 * drop is listed as dropped with its labels before relabeling; a kept one without a port in
 * `__address__` gets the scheme's default (80 or 443). Its URL is
 * `<__scheme__>://<__address__><__alerts_path__>`.
 */
import { posix } from 'node:path';
import { checkTargetAddress } from '../config/index.js';
import { ADDRESS_LABEL, type TargetGroup } from '../discovery/index.js';
import { Labels } from '../model/labels/index.js';
import { relabel, type RelabelRule } from '../model/relabel/index.js';

/** The label holding an Alertmanager's URL scheme. */
export const SCHEME_LABEL = '__scheme__';
/** The label holding the path alerts are posted to. */
export const ALERTS_PATH_LABEL = '__alerts_path__';

/** How one `alertmanager_config` turns targets into Alertmanagers. */
export interface AlertmanagerTargetConfig {
  readonly scheme: string;
  readonly pathPrefix: string;
  readonly relabel: readonly RelabelRule[];
}

/** An Alertmanager found by discovery: its labels and the URL alerts go to. */
export interface DiscoveredAlertmanager {
  readonly labels: Labels;
  readonly url: string;
}

/** Upstream's `postPath`: `path_prefix` joined with the v2 alerts endpoint, cleaned. */
export function alertsPath(pathPrefix: string): string {
  return posix.join('/', pathPrefix, '/api/v2/alerts');
}

/** The URL of an Alertmanager with labels `l`. */
export function alertmanagerURL(l: Labels): string {
  return `${l.get(SCHEME_LABEL)}://${l.get(ADDRESS_LABEL)}${l.get(ALERTS_PATH_LABEL)}`;
}

/** True when `addr` has no port (and is a host we may add one to), as upstream's `addPort`. */
function lacksPort(addr: string): boolean {
  if (addr === '') return false;
  if (addr.startsWith('[')) return /^\[[^\]]*\]$/.test(addr);
  return !addr.includes(':');
}

/**
 * The active and dropped Alertmanagers of `group` under `cfg`. Throws (the caller logs it and
 * skips the group, as upstream) for an address that is not `host:port` or a scheme without a
 * default port.
 */
export function alertmanagersFromGroup(group: TargetGroup, cfg: AlertmanagerTargetConfig): { active: DiscoveredAlertmanager[]; dropped: DiscoveredAlertmanager[] } {
  const active: DiscoveredAlertmanager[] = [];
  const dropped: DiscoveredAlertmanager[] = [];
  const path = alertsPath(cfg.pathPrefix);
  for (const target of group.targets) {
    const b = target.builder().set(SCHEME_LABEL, cfg.scheme).set(ALERTS_PATH_LABEL, path);
    group.labels.forEach((n, v) => {
      if (!target.has(n)) b.set(n, v);
    });
    const pre = b.labels();
    let lset = relabel(pre, cfg.relabel);
    if (lset === undefined) {
      dropped.push({ labels: pre, url: alertmanagerURL(pre) });
      continue;
    }
    let addr = lset.get(ADDRESS_LABEL);
    if (lacksPort(addr)) {
      const scheme = lset.get(SCHEME_LABEL);
      if (scheme === 'http' || scheme === '') addr += ':80';
      else if (scheme === 'https') addr += ':443';
      else throw new Error(`invalid scheme: ${JSON.stringify(cfg.scheme)}`);
      lset = lset.builder().set(ADDRESS_LABEL, addr).labels();
    }
    const bad = checkTargetAddress(addr);
    if (bad) throw new Error(bad);
    active.push({ labels: lset, url: alertmanagerURL(lset) });
  }
  return { active, dropped };
}
