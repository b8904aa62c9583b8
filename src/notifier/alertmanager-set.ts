/**
 * One `alertmanager_config` at run time (upstream's `alertmanagerSet`): its HTTP client (auth,
 * TLS, proxy, headers from the config), the Alertmanagers discovery found for it (deduplicated
 * by URL) and the ones its relabeling dropped, and the request that posts a body to one of them.
 */
import { STATUS_CODES } from 'node:http';
import type { AlertmanagerConfig } from '../config/index.js';
import type { RelabelRule } from '../model/relabel/index.js';
import { configIdentity, createHTTPClient, type SDHTTPClient, type TargetGroup } from '../discovery/index.js';
import { buildInfo, errorMessage, goTransportCause, type Logger } from '../util/index.js';
import { alertmanagersFromGroup, type AlertmanagerTargetConfig, type DiscoveredAlertmanager } from './targets.js';

/** `User-Agent` of notification requests: Prometheus' form, then who really sends. */
export const NOTIFIER_USER_AGENT = `Prometheus/2.42.0 (Ignis/${buildInfo().version})`;

/** A failed notification request; the message reads as Prometheus' (`bad response status 500 Internal Server Error`, `Post "…": dial tcp …`). */
export class NotifyRequestError extends Error {}

/** Why Ignis cannot use `cfg`, or undefined: only `sigv4` is not implemented. */
export function unsupportedAlertmanagerConfig(cfg: AlertmanagerConfig): string | undefined {
  return cfg.sigv4 ? 'sigv4 authentication for Alertmanagers is not supported by Ignis' : undefined;
}

/** An `alertmanager_config` with its client and discovered Alertmanagers; see the module comment. */
export class AlertmanagerSet {
  readonly cfg: AlertmanagerConfig;
  /** `configIdentity(cfg)`: a reload with an identical config keeps this set and what it found. */
  readonly identity: string;
  /** The rules of `cfg.alert_relabel_configs`, run on every batch sent through this set. */
  readonly alertRelabel: readonly RelabelRule[];
  readonly #targetCfg: AlertmanagerTargetConfig;
  readonly #client: SDHTTPClient;
  #active: readonly DiscoveredAlertmanager[] = [];
  #dropped: readonly DiscoveredAlertmanager[] = [];

  /** Builds the client; throws when `cfg` is unsupported or a TLS file cannot be read. */
  constructor(cfg: AlertmanagerConfig, identity = configIdentity(cfg)) {
    const bad = unsupportedAlertmanagerConfig(cfg);
    if (bad) throw new Error(bad);
    this.cfg = cfg;
    this.identity = identity;
    this.alertRelabel = cfg.alert_relabel_configs.map((c) => c.rule);
    this.#targetCfg = { scheme: cfg.scheme, pathPrefix: cfg.path_prefix, relabel: cfg.relabel_configs.map((c) => c.rule) };
    this.#client = createHTTPClient(cfg);
  }

  /** Alertmanagers alerts go to, in discovery order, one per URL. */
  get active(): readonly DiscoveredAlertmanager[] {
    return this.#active;
  }

  /** Targets relabeling dropped, with their labels before relabeling. */
  get dropped(): readonly DiscoveredAlertmanager[] {
    return this.#dropped;
  }

  /** Replaces the Alertmanagers by those of `groups`; a group with a bad target is logged and skipped. */
  sync(groups: readonly TargetGroup[], logger: Logger): void {
    const active: DiscoveredAlertmanager[] = [];
    const dropped: DiscoveredAlertmanager[] = [];
    const seen = new Set<string>();
    for (const g of groups) {
      let found;
      try {
        found = alertmanagersFromGroup(g, this.#targetCfg);
      } catch (err) {
        logger.error({ err: errorMessage(err) }, 'Creating discovered Alertmanagers failed');
        continue;
      }
      dropped.push(...found.dropped);
      for (const am of found.active) {
        if (seen.has(am.url)) continue;
        seen.add(am.url);
        active.push(am);
      }
    }
    this.#active = active;
    this.#dropped = dropped;
  }

  /**
   * Posts `body` (a v2 alerts array) to `url` within the config's `timeout`, or until `signal`
   * aborts. Resolves on a 2xx answer; rejects with `NotifyRequestError` otherwise.
   */
  async post(url: string, body: string, signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.cfg.timeout);
    let res;
    try {
      res = await this.#client.request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': NOTIFIER_USER_AGENT },
        body,
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (err) {
      throw new NotifyRequestError(`Post ${JSON.stringify(url)}: ${goTransportCause(url, err, timeout.aborted)}`, { cause: err });
    }
    await res.body.dump().catch(() => undefined);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new NotifyRequestError(`bad response status ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}`.trimEnd());
  }

  /** Closes the client's connections. */
  close(): Promise<void> {
    return this.#client.close();
  }
}
