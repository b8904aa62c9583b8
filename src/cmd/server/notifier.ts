/**
 * The server's notifier wiring: the `NotifierManager` (queue, batching, sending), its own
 * discovery manager (named `notify`, as upstream, so its SD metrics carry `name="notify"`) fed
 * with the `alerting.alertmanagers` discovery configs, the reload steps `notify` and
 * `notify_sd`, and the `AlertmanagerRetriever` behind `/api/v1/alertmanagers`.
 */
import type { Config } from '../../config/index.js';
import { Manager as DiscoveryManager, type TargetSets } from '../../discovery/index.js';
import { NotifierManager, notifierSDConfigs, type NotifierConfig } from '../../notifier/index.js';
import type { Logger, Registry } from '../../util/index.js';
import type { AlertmanagerRetriever } from '../../web/index.js';
import { externalLabels } from './adapters.js';
import type { ConfigApplier } from './reload.js';

/** What `ServerNotifier` needs. */
export interface ServerNotifierDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** `--alertmanager.notification-queue-capacity`. */
  readonly queueCapacity: number;
  /** Least time between two discovery updates, ms (`--scrape.discovery-reload-interval`'s value). */
  readonly discoveryUpdateIntervalMs: number;
}

function notifierConfig(cfg: Config): NotifierConfig {
  return { alerting: cfg.alerting, externalLabels: externalLabels(cfg) };
}

/** The notifier with its discovery; `start` after the first configuration, `stop` after the rules. */
export class ServerNotifier {
  readonly manager: NotifierManager;
  readonly discovery: DiscoveryManager;
  #unsubscribe: (() => void) | undefined;

  constructor(d: ServerNotifierDeps) {
    this.manager = new NotifierManager({ logger: d.logger, registry: d.registry, queueCapacity: d.queueCapacity });
    this.discovery = new DiscoveryManager({ logger: d.logger, registry: d.registry, name: 'notify', updateIntervalMs: d.discoveryUpdateIntervalMs });
  }

  /** Reload step `notify`: refuses unusable Alertmanager configs in `prepare`, swaps them in `apply`. */
  applier(): ConfigApplier {
    return { name: 'notify', prepare: (cfg) => NotifierManager.check(notifierConfig(cfg)), apply: (cfg) => this.manager.applyConfig(notifierConfig(cfg)) };
  }

  /** Reload step `notify_sd`: the discovery configs of `alerting.alertmanagers`. */
  sdApplier(): ConfigApplier {
    return { name: 'notify_sd', apply: (cfg) => this.discovery.applyConfig(notifierSDConfigs(cfg.alerting)) };
  }

  /** `/api/v1/alertmanagers`' view. */
  retriever(): AlertmanagerRetriever {
    return { alertmanagers: () => this.manager.alertmanagers(), droppedAlertmanagers: () => this.manager.droppedAlertmanagers() };
  }

  /** Starts discovery and sending. */
  start(): void {
    this.#unsubscribe = this.discovery.subscribe((sets: TargetSets) => this.manager.sync(sets));
    this.discovery.start();
    this.manager.start();
  }

  /** Stops sending, then discovery. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.manager.stop();
    await this.discovery.stop();
  }
}
