/**
 * Every HTTP route of `ignis server` on one router, under the route prefix (`--web.route-prefix`
 * or the external URL's path): lifecycle (`/-/healthy`, `/-/ready`, `/-/reload`, `/-/quit`),
 * `/metrics`, `/api/v1/*`, `/federate`, the remote write receiver and the UI.
 */
import type { Config } from '../../config/index.js';
import type { Labels } from '../../model/labels/index.js';
import type { Engine } from '../../promql/index.js';
import type { Queryable } from '../../storage/index.js';
import { renderRegistry, type Logger, type Registry } from '../../util/index.js';
import { Router, registerAPIv1, registerFederate, registerLifecycle, type RuntimeInfo, type TSDBAdmin, type TargetRetriever, type RulesRetriever, type AlertmanagerRetriever, type Handler } from '../../web/index.js';
import { registerUI } from '../../web/ui/index.js';

/**
 * A router that registers every pattern below `prefix` (`''` for the root), except inside
 * `registerRaw`, for registrars that apply the prefix themselves (the UI).
 */
export class PrefixedRouter extends Router {
  readonly prefix: string;
  #raw = false;

  constructor(prefix: string) {
    super();
    this.prefix = prefix;
  }

  override handle(methods: string | readonly string[], pattern: string, handler: Handler): this {
    return super.handle(methods, this.#raw ? pattern : this.prefix + pattern, handler);
  }

  /** Runs `register` with patterns taken as they are (already prefixed). */
  registerRaw(register: (r: Router) => void): this {
    this.#raw = true;
    try {
      register(this);
    } finally {
      this.#raw = false;
    }
    return this;
  }
}

/** What the routes serve from; everything is read per request. */
export interface RouteDeps {
  readonly prefix: string;
  readonly logger: Logger;
  readonly registry: Registry;
  /** What queries, series and label lookups read: the TSDB merged with the `remote_read` endpoints. */
  readonly queryable: Queryable;
  /** The TSDB alone, for federation (as upstream). */
  readonly localQueryable: Queryable;
  readonly engine: Engine;
  readonly targets: TargetRetriever;
  /** Rule groups for `/api/v1/rules` (none: empty lists). */
  readonly rules?: RulesRetriever;
  /** Alertmanagers for `/api/v1/alertmanagers` (none: empty lists). */
  readonly alertmanagers?: AlertmanagerRetriever;
  readonly tsdb: TSDBAdmin;
  readonly config: () => Config | undefined;
  readonly externalLabels: () => Labels;
  readonly flags: ReadonlyMap<string, string>;
  readonly runtimeInfo: () => RuntimeInfo;
  readonly ready: () => boolean;
  readonly reload: () => Promise<void>;
  readonly quit: () => void;
  readonly lookbackDeltaMs: number;
  readonly enableLifecycle: boolean;
  readonly enableAdminAPI: boolean;
  readonly corsOrigin: string;
  /** `POST /api/v1/write`: the receiver, or upstream's 404 when it is not enabled. */
  readonly remoteWrite: Handler;
  /** `POST /api/v1/read`. */
  readonly remoteRead: Handler;
}

/** Builds the server's router. Throws for an invalid `--web.cors.origin` regex. */
export function buildRouter(d: RouteDeps): PrefixedRouter {
  const router = new PrefixedRouter(d.prefix);
  if (d.prefix !== '') {
    router.registerRaw((r) =>
      r.handle('GET', '/', (_req, res) => {
        res.writeHead(302, { Location: d.prefix + '/' });
        res.end();
      }),
    );
  }
  registerLifecycle(router, { ready: d.ready, enableLifecycle: d.enableLifecycle, reload: d.reload, quit: d.quit });
  router.handle('GET', '/metrics', async (_req, res) => {
    const { body, contentType } = await renderRegistry(d.registry);
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
  });
  registerAPIv1(router, {
    queryable: d.queryable,
    engine: d.engine,
    targets: d.targets,
    ...(d.rules ? { rules: d.rules } : {}),
    ...(d.alertmanagers ? { alertmanagers: d.alertmanagers } : {}),
    tsdb: d.tsdb,
    config: d.config,
    flags: d.flags,
    runtimeInfo: d.runtimeInfo,
    enableAdmin: d.enableAdminAPI,
    corsOrigin: d.corsOrigin,
    ready: d.ready,
    logger: d.logger,
  });
  router.handle('POST', '/api/v1/write', d.remoteWrite);
  router.handle('POST', '/api/v1/read', d.remoteRead);
  registerFederate(router, { queryable: d.localQueryable, lookbackDeltaMs: d.lookbackDeltaMs, externalLabels: d.externalLabels, ready: d.ready, logger: d.logger });
  router.registerRaw((r) => registerUI(r, { prefix: d.prefix, logger: d.logger }));
  return router;
}
