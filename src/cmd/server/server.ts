/**
 * The Prometheus server composed from its components. Start order: the web server (answering
 * `/-/ready` 503 while the TSDB opens), the storage (WAL replay), the first configuration applied
 * to every component, then discovery and scraping; readiness last. `stop()` runs the reverse:
 * scraping, discovery, web, and the storage last so that its WAL is flushed after the final
 * appends. Reloads (SIGHUP, `POST /-/reload`) go through `ConfigReloader`.
 */
import { getScrapeConfigs, type Config } from '../../config/index.js';
import { Manager as DiscoveryManager, sdConfigsOf, type TargetSets } from '../../discovery/index.js';
import { Engine } from '../../promql/index.js';
import { createScrapeClient, ScrapeManager } from '../../scrape/index.js';
import { createRegistry, errorMessage, type Logger, type Registry } from '../../util/index.js';
import { startWebServer, type WebServer } from '../../web/index.js';
import { externalLabels, runtimeInfo, targetRetriever } from './adapters.js';
import { computeExternalURL, routePrefix, type ExternalURL } from './external-url.js';
import type { ServerOptions } from './flags.js';
import { ConfigReloader } from './reload.js';
import { buildRouter } from './routes.js';
import { ServerMetrics } from './self-metrics.js';
import { RemoteReader, RemoteWriter, remoteReadRoute, remoteWriteRoute } from './remote.js';
import { ServerStorage } from './storage.js';
import { TargetSyncer } from './target-syncer.js';
import { ServerRules } from './rules.js';
import { ServerNotifier } from './notifier.js';

/** Options of `Server`. */
export interface ServerDeps {
  readonly options: ServerOptions;
  readonly logger: Logger;
  /** Called when `POST /-/quit` asks for a shutdown (the owner then calls `stop`). */
  readonly onQuit?: () => void;
  /** Loads the configuration (default: `--config.file` from disk); `ignis stack` embeds its own. */
  readonly loadConfig?: (file: string) => Promise<Config>;
}

/** One running Prometheus server; see the module comment for its life cycle. */
export class Server {
  readonly #o: ServerOptions;
  readonly #logger: Logger;
  /** The registry behind `/metrics`: process metrics plus every component's. */
  readonly registry: Registry;
  readonly metrics: ServerMetrics;
  readonly storage: ServerStorage;
  readonly engine: Engine;
  readonly scrape: ScrapeManager;
  readonly discovery: DiscoveryManager;
  readonly reloader: ConfigReloader;
  /** The remote write sender (`remote_write`). */
  readonly remote: RemoteWriter;
  /** The `remote_read` endpoints, merged with the TSDB for queries. */
  readonly remoteRead: RemoteReader;
  /** Recording and alerting rules from `rule_files`. */
  readonly rules: ServerRules;
  /** Sends the rules' alerts to the Alertmanagers of `alerting`. */
  readonly notifier: ServerNotifier;
  readonly #syncer: TargetSyncer;
  readonly #onQuit: (() => void) | undefined;
  #web: WebServer | undefined;
  #external: ExternalURL;
  #listenPort = 0;
  #ready = false;
  #started: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: ServerDeps) {
    this.#o = deps.options;
    this.#logger = deps.logger;
    this.#onQuit = deps.onQuit;
    this.registry = createRegistry();
    this.metrics = new ServerMetrics(this.registry);
    this.storage = new ServerStorage({ flags: this.#o.tsdb, registry: this.registry, logger: this.#logger });
    const q = this.#o.query;
    this.engine = new Engine({ lookbackDeltaMs: q.lookbackDeltaMs, timeoutMs: q.timeoutMs, maxConcurrency: q.maxConcurrency, maxSamples: q.maxSamples });
    this.scrape = new ScrapeManager({ appendable: this.storage, registry: this.registry, logger: this.#logger });
    this.discovery = new DiscoveryManager({ logger: this.#logger, registry: this.registry, updateIntervalMs: this.#o.discoveryReloadIntervalMs });
    this.#syncer = new TargetSyncer(this.scrape, this.#logger);
    this.remote = new RemoteWriter(this.#o.tsdb.path, this.#o.remote, this.registry, this.#logger);
    this.remoteRead = new RemoteReader(this.storage, this.registry, this.#logger);
    this.notifier = new ServerNotifier({
      logger: this.#logger,
      registry: this.registry,
      queueCapacity: this.#o.notificationQueueCapacity,
      discoveryUpdateIntervalMs: this.#o.discoveryReloadIntervalMs,
    });
    this.rules = new ServerRules({
      engine: this.engine,
      queryable: this.remoteRead.queryable,
      appendable: this.storage,
      registry: this.registry,
      logger: this.#logger,
      externalLabels: () => externalLabels(this.reloader.current()),
      externalURL: () => this.#external.href,
      sendAlerts: (alerts) => this.notifier.manager.send(alerts),
      resendDelayMs: this.#o.resendDelayMs,
    });
    // Upstream's order: remote storage, then scrape before its discovery, the notifier before
    // its discovery; rules last.
    this.reloader = new ConfigReloader({ file: this.#o.configFile, logger: this.#logger, metrics: this.metrics, ...(deps.loadConfig ? { load: deps.loadConfig } : {}) })
      .add({ name: 'db_storage', apply: (cfg) => this.storage.applyConfig(cfg) })
      .add({ name: 'remote_storage', prepare: (cfg) => this.#prepareRemote(cfg), apply: (cfg) => this.#applyRemote(cfg) })
      .add({ name: 'scrape', prepare: checkScrapeClients, apply: (cfg) => this.scrape.applyConfig(cfg) })
      .add({ name: 'scrape_sd', apply: (cfg) => this.discovery.applyConfig(scrapeSDConfigs(cfg)) })
      .add(this.notifier.applier())
      .add(this.notifier.sdApplier())
      .add(this.rules.applier());
    this.#external = computeExternalURL(this.#o.externalURL, 0);
  }

  #prepareRemote(cfg: Config): void {
    this.remote.prepare(cfg);
    this.remoteRead.prepare(cfg);
  }

  async #applyRemote(cfg: Config): Promise<void> {
    await this.remote.apply(cfg);
    await this.remoteRead.apply(cfg);
  }

  /** True once the TSDB is open and the first configuration is applied (`/-/ready` answers 200). */
  get ready(): boolean {
    return this.#ready;
  }

  /** The bound web address (after `start` began listening). */
  address(): { host: string; port: number } {
    const a = this.#web?.address();
    return { host: a?.address ?? '', port: a?.port ?? 0 };
  }

  /** The external URL (known once listening: a `:0` listen address takes the bound port). */
  get externalURL(): ExternalURL {
    return this.#external;
  }

  /**
   * Starts everything in order; resolves once ready. `onListening` learns the bound port before
   * the first configuration loads. Rejects when the web server cannot listen, the storage cannot
   * open, or the first configuration cannot be applied; whatever started is then left for
   * `stop()` to end.
   */
  start(onListening?: (port: number) => void): Promise<void> {
    this.#started ??= this.#start(onListening);
    return this.#started;
  }

  async #start(onListening: ((port: number) => void) | undefined): Promise<void> {
    const o = this.#o;
    const prefix = routePrefix(o.routePrefix, computeExternalURL(o.externalURL, 0));
    const router = buildRouter({
      prefix,
      logger: this.#logger,
      registry: this.registry,
      queryable: this.remoteRead.queryable,
      localQueryable: this.storage,
      engine: this.engine,
      rules: this.rules.retriever(),
      alertmanagers: this.notifier.retriever(),
      targets: targetRetriever(this.scrape, { external: () => this.#external, listenPort: () => this.#listenPort }),
      tsdb: this.storage.admin,
      config: () => this.reloader.current(),
      externalLabels: () => externalLabels(this.reloader.current()),
      flags: o.flagValues,
      runtimeInfo: runtimeInfo(() => this.reloader.state(), o.tsdb.retentionText, () => 0),
      ready: () => this.#ready,
      reload: () => this.reload(),
      quit: () => this.#onQuit?.(),
      lookbackDeltaMs: o.query.lookbackDeltaMs,
      enableLifecycle: o.enableLifecycle,
      enableAdminAPI: o.enableAdminAPI,
      corsOrigin: o.corsOrigin,
      remoteWrite: remoteWriteRoute(o.enableRemoteWriteReceiver, this.storage, this.registry, this.#logger),
      remoteRead: remoteReadRoute(this.storage, () => externalLabels(this.reloader.current()), o.remote, this.registry, this.#logger),
    });
    this.#web = await startWebServer(o.listenAddress, router, this.#logger, o.webConfigFile, { readTimeoutMs: o.readTimeoutMs, maxConnections: o.maxConnections });
    this.#listenPort = this.#web.address().port;
    this.#external = computeExternalURL(o.externalURL, this.#listenPort);
    onListening?.(this.#listenPort);

    this.#logger.info({ path: o.tsdb.path }, 'Starting TSDB ...');
    const t0 = performance.now();
    await this.storage.open();
    this.#logger.info({ duration: `${((performance.now() - t0) / 1000).toFixed(3)}s` }, 'TSDB started');

    await this.reloader.reload();
    this.#unsubscribe = this.discovery.subscribe((sets: TargetSets) => this.#syncer.push(sets));
    this.discovery.start();
    this.scrape.start();
    this.notifier.start();
    this.rules.manager.start();
    this.#ready = true;
    this.metrics.ready.set(1);
    this.#logger.info('Server is ready to receive web requests.');
  }

  /** Reloads `--config.file`; rejects with the reason when it was refused (see `ConfigReloader`). */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  /**
   * Stops in reverse start order and flushes the storage's WAL. Waits for a start in progress
   * (a WAL replay) to end first. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    await this.#started?.catch(() => undefined);
    this.#ready = false;
    this.metrics.ready.set(0);
    this.#unsubscribe?.();
    this.#logger.info('Stopping rule manager...');
    await this.rules.manager.stop();
    this.#logger.info('Stopping notification manager...');
    await this.notifier.stop();
    this.#logger.info('Stopping scrape manager...');
    await this.scrape.stop();
    await this.#syncer.drain();
    this.#logger.info('Stopping scrape discovery manager...');
    await this.discovery.stop();
    this.#logger.info('Stopping remote storage...');
    await this.remote.stop();
    await this.remoteRead.stop();
    this.#logger.info('Stopping web server...');
    await this.#web?.stop();
    this.#logger.info('Closing TSDB...');
    try {
      await this.storage.close();
    } catch (err) {
      this.#logger.error({ err: errorMessage(err) }, 'Error stopping storage');
      throw err;
    }
  }
}

/** The discovery configuration of every scrape job (upstream's `discoveryManagerScrape.ApplyConfig`). */
function scrapeSDConfigs(cfg: Config) {
  return new Map(getScrapeConfigs(cfg).map((sc) => [sc.job_name, sdConfigsOf(sc)]));
}

/**
 * Builds (and closes) the HTTP client of every scrape job, which is where a job's config can still
 * fail after loading (unreadable TLS files): the reload is then refused before anything changes.
 */
async function checkScrapeClients(cfg: Config): Promise<void> {
  for (const sc of getScrapeConfigs(cfg)) {
    let client;
    try {
      client = createScrapeClient(sc);
    } catch (err) {
      throw new Error(`error creating new scrape pool ${JSON.stringify(sc.job_name)}: ${errorMessage(err)}`, { cause: err });
    }
    await client.close();
  }
}
