/**
 * The notifier (upstream's `notifier.Manager`): alerts handed to `send` get the external labels
 * and `alert_relabel_configs`, wait in a bounded queue (`--alertmanager.notification-queue-capacity`,
 * oldest dropped when full), and leave in batches of at most 64, one batch at a time, each posted
 * to every discovered Alertmanager of every `alertmanager_config` at once (after that config's
 * own `alert_relabel_configs`). A batch that no Alertmanager accepted counts as dropped (unless
 * per-config relabeling dropped it everywhere, which is intended); a failed
 * request is logged and counted, never retried (rules re-send firing alerts anyway).
 *
 * Life cycle: `applyConfig` before or after `start`, `sync` with every discovery update (keys
 * `config-<i>`, see `notifierSDConfigs`), `stop` once. A reload keeps the queue, and keeps the
 * discovered Alertmanagers of every `alertmanager_config` that did not change.
 */
import { Labels } from '../model/labels/index.js';
import type { RelabelRule } from '../model/relabel/index.js';
import type { AlertingConfig } from '../config/index.js';
import { configIdentity, sdConfigsOf, type SDConfig, type TargetGroup } from '../discovery/index.js';
import { errorMessage, type Logger, type Registry } from '../util/index.js';
import { alertsJSON, type Alert } from './alert.js';
import { AlertmanagerSet } from './alertmanager-set.js';
import { NotifierMetrics } from './metrics.js';
import { AlertQueue } from './queue.js';
import { relabelAlerts } from './relabel-alerts.js';

/** Upstream's default `--alertmanager.notification-queue-capacity`. */
export const DEFAULT_QUEUE_CAPACITY = 10_000;
/** Upstream's `maxBatchSize`: alerts per request. */
export const MAX_BATCH_SIZE = 64;

/** The discovery key of the `i`-th `alertmanager_config` (upstream's `config-<i>`). */
export function alertmanagerSetKey(i: number): string {
  return `config-${i}`;
}

/** The discovery configuration of every `alertmanager_config`, by `alertmanagerSetKey`. */
export function notifierSDConfigs(alerting: AlertingConfig): Map<string, SDConfig[]> {
  return new Map(alerting.alertmanagers.map((c, i) => [alertmanagerSetKey(i), sdConfigsOf(c)]));
}

/** What the notifier reads from a configuration. */
export interface NotifierConfig {
  readonly alerting: AlertingConfig;
  /** `global.external_labels`. */
  readonly externalLabels: Labels;
}

/** Options of `NotifierManager`. */
export interface NotifierManagerOptions {
  readonly logger: Logger;
  /** Where the `prometheus_notifications_*` metrics go (none: not exported). */
  readonly registry?: Registry;
  /** Default `DEFAULT_QUEUE_CAPACITY`. */
  readonly queueCapacity?: number;
  /** Default `MAX_BATCH_SIZE`. */
  readonly maxBatchSize?: number;
}

/** Sends alerts to Alertmanagers; see the module comment. */
export class NotifierManager {
  readonly #logger: Logger;
  readonly #queue: AlertQueue;
  readonly #maxBatch: number;
  readonly #metrics: NotifierMetrics;
  #sets = new Map<string, AlertmanagerSet>();
  #external = Labels.EMPTY;
  #relabel: readonly RelabelRule[] = [];
  /** URLs whose metrics exist, to remove those of Alertmanagers that went away. */
  #knownURLs = new Set<string>();
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #stopped = false;

  constructor(o: NotifierManagerOptions) {
    this.#logger = o.logger.child({ component: 'notifier' });
    this.#queue = new AlertQueue(o.queueCapacity ?? DEFAULT_QUEUE_CAPACITY);
    this.#maxBatch = o.maxBatchSize ?? MAX_BATCH_SIZE;
    this.#metrics = new NotifierMetrics(o.registry, this.#queue.capacity, () => this.#queue.length, () => this.#activeCount());
  }

  /** Alerts waiting to be sent. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /**
   * Checks that every `alertmanager_config` of `cfg` can be used (supported authentication,
   * readable TLS files) without changing anything; throws the first reason it cannot.
   */
  static async check(cfg: NotifierConfig): Promise<void> {
    for (const [i, c] of cfg.alerting.alertmanagers.entries()) {
      let set: AlertmanagerSet;
      try {
        set = new AlertmanagerSet(c);
      } catch (err) {
        throw new Error(`alertmanager config ${alertmanagerSetKey(i)}: ${errorMessage(err)}`, { cause: err });
      }
      await set.close();
    }
  }

  /**
   * Takes `cfg`: external labels, global alert relabeling and the Alertmanager configurations.
   * A configuration identical to the one at the same index keeps its set (and what discovery
   * found for it); the others start empty until the next `sync`. All or nothing: throws, with
   * nothing changed, when a configuration cannot be used.
   */
  async applyConfig(cfg: NotifierConfig): Promise<void> {
    const old = this.#sets;
    const next = new Map<string, AlertmanagerSet>();
    const created: AlertmanagerSet[] = [];
    try {
      cfg.alerting.alertmanagers.forEach((c, i) => {
        const key = alertmanagerSetKey(i);
        const identity = configIdentity(c);
        const prev = old.get(key);
        if (prev && prev.identity === identity) {
          next.set(key, prev);
          return;
        }
        const set = new AlertmanagerSet(c, identity);
        created.push(set);
        next.set(key, set);
      });
    } catch (err) {
      await Promise.allSettled(created.map((s) => s.close()));
      throw err;
    }
    this.#external = cfg.externalLabels;
    this.#relabel = cfg.alerting.alert_relabel_configs.map((c) => c.rule);
    this.#sets = next;
    // Metrics of Alertmanagers that went away are removed at the next `sync`, once discovery
    // has filled the new sets: a changed config that finds the same ones keeps their counters.
    const unused = [...old.entries()].filter(([k, s]) => next.get(k) !== s).map(([, s]) => s);
    await Promise.allSettled(unused.map((s) => s.close()));
  }

  /** Replaces the Alertmanagers of each configuration by those discovery found (by `alertmanagerSetKey`). */
  sync(sets: ReadonlyMap<string, readonly TargetGroup[]>): void {
    for (const [key, groups] of sets) {
      const set = this.#sets.get(key);
      if (!set) {
        this.#logger.error({ key }, "couldn't sync alert manager set: unknown configuration key");
        continue;
      }
      set.sync(groups, this.#logger);
    }
    this.#pruneMetrics();
  }

  /**
   * Queues `alerts` after adding external labels and applying `alert_relabel_configs`; when the
   * queue overflows the oldest alerts are dropped (logged and counted). Never throws.
   */
  send(alerts: readonly Alert[]): void {
    if (this.#stopped || alerts.length === 0) return;
    const relabeled = relabelAlerts(alerts, this.#relabel, this.#external);
    const r = this.#queue.push(relabeled);
    if (r.droppedFromBatch > 0) this.#logger.warn({ num_dropped: r.droppedFromBatch }, 'Alert batch larger than queue capacity, dropping alerts');
    if (r.droppedFromQueue > 0) this.#logger.warn({ num_dropped: r.droppedFromQueue }, 'Alert notification queue full, dropping alerts');
    const dropped = r.droppedFromBatch + r.droppedFromQueue;
    if (dropped > 0) this.#metrics.dropped.inc(dropped);
    this.#wake?.();
  }

  /** Starts sending queued alerts. Idempotent. */
  start(): void {
    if (this.#stopped || this.#loop) return;
    this.#loop = this.#run();
  }

  /** Stops sending (requests in flight are aborted; what is queued is not sent) and closes the clients. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#abort.abort();
      this.#wake?.();
    }
    await this.#loop;
    const sets = [...this.#sets.values()];
    this.#sets = new Map();
    await Promise.allSettled(sets.map((s) => s.close()));
  }

  /** URLs of the Alertmanagers alerts are sent to, by configuration then discovery order. */
  alertmanagers(): string[] {
    return [...this.#sets.values()].flatMap((s) => s.active.map((a) => a.url));
  }

  /** URLs of the Alertmanagers relabeling dropped. */
  droppedAlertmanagers(): string[] {
    return [...this.#sets.values()].flatMap((s) => s.dropped.map((a) => a.url));
  }

  #activeCount(): number {
    let n = 0;
    for (const s of this.#sets.values()) n += s.active.length;
    return n;
  }

  /** Creates the counters of new Alertmanagers and removes those of vanished ones. */
  #pruneMetrics(): void {
    const now = new Set(this.alertmanagers());
    for (const url of now) if (!this.#knownURLs.has(url)) this.#metrics.init(url);
    for (const url of this.#knownURLs) if (!now.has(url)) this.#metrics.remove(url);
    this.#knownURLs = now;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      if (this.#queue.length === 0) {
        await new Promise<void>((r) => (this.#wake = r));
        this.#wake = undefined;
        continue;
      }
      const batch = this.#queue.take(this.#maxBatch);
      let ok = false;
      try {
        ok = await this.#sendAll(batch);
      } catch (err) {
        this.#logger.error({ err: errorMessage(err) }, 'BUG: sending alerts failed');
      }
      if (!ok) this.#metrics.dropped.inc(batch.length);
    }
  }

  /**
   * Posts `alerts` to every Alertmanager at once; true when at least one accepted them, or when
   * per-config relabeling left nothing to send anywhere (an intended drop, not counted as one:
   * upstream issue 15978).
   */
  async #sendAll(alerts: readonly Alert[]): Promise<boolean> {
    let body: string | undefined;
    let accepted = 0;
    let relabeledAway = false;
    const requests: Promise<void>[] = [];
    for (const set of this.#sets.values()) {
      if (set.active.length === 0) continue;
      let list = alerts;
      let setBody: string;
      if (set.alertRelabel.length > 0) {
        list = relabelAlerts(alerts, set.alertRelabel);
        if (list.length === 0) {
          relabeledAway = true;
          continue;
        }
        setBody = alertsJSON(list);
      } else {
        setBody = body ??= alertsJSON(alerts);
      }
      for (const am of set.active) {
        requests.push(this.#sendOne(set, am.url, setBody, list.length).then((ok) => void (ok && accepted++)));
      }
    }
    await Promise.all(requests);
    return accepted > 0 || (requests.length === 0 && relabeledAway);
  }

  async #sendOne(set: AlertmanagerSet, url: string, body: string, count: number): Promise<boolean> {
    const t0 = performance.now();
    let ok = true;
    try {
      await set.post(url, body, this.#abort.signal);
    } catch (err) {
      ok = false;
      this.#logger.error({ alertmanager: url, count, err: errorMessage(err) }, 'Error sending alert');
      this.#metrics.errors.inc({ alertmanager: url });
    }
    this.#metrics.latency.observe({ alertmanager: url }, (performance.now() - t0) / 1000);
    this.#metrics.sent.inc({ alertmanager: url }, count);
    return ok;
  }
}
