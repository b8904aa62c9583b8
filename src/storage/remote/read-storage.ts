/**
 * All `remote_read` endpoints of a server (the read half of upstream's remote `Storage`):
 * `applyConfig` builds one client and `RemoteReadQueryable` per entry and closes the clients of
 * the previous configuration; `queryables()` is what the fanout merges with local data.
 */
import type { Labels } from '../../model/labels/index.js';
import { errorMessage, type Logger, type Registry } from '../../util/index.js';
import type { Queryable } from '../interface.js';
import { createRemoteHTTPClient, type RemoteHTTPClient } from './http-client.js';
import { RemoteStorageMetrics, type ReadClientMetrics } from './metrics.js';
import { createReadClient, RemoteReadQueryable, type ChunkDecoder, type ReadClient } from './read-client.js';
import { redactedURL, remoteName, unsupportedAuth, type RemoteReadSettings } from './remote-config.js';

/** Options of `RemoteReadStorage`. */
export interface RemoteReadStorageOptions {
  registry: Registry;
  logger?: Logger | undefined;
  /** The local storage's lowest timestamp (ms; `Infinity` when empty), for `read_recent: false`. */
  localStartTime: () => number;
  /** Decoder for streamed XOR chunk responses (`decodeXorChunk`); without it only sampled responses are asked for. */
  chunkDecoder?: ChunkDecoder | undefined;
  /** Builds an entry's HTTP client (tests); default: undici with the entry's auth, TLS and timeout. */
  newHTTPClient?: ((cfg: RemoteReadSettings) => RemoteHTTPClient) | undefined;
}

/** The remote read part of the configuration. */
export interface RemoteReadApplied {
  remoteRead: readonly RemoteReadSettings[];
  externalLabels: Labels;
}

interface Endpoint {
  client: ReadClient;
  metrics: ReadClientMetrics;
  queryable: RemoteReadQueryable;
}

/** The configured remote read endpoints. */
export class RemoteReadStorage {
  readonly #opts: RemoteReadStorageOptions;
  readonly #metrics: RemoteStorageMetrics;
  #endpoints: Endpoint[] = [];
  #queryables: readonly Queryable[] = [];

  constructor(opts: RemoteReadStorageOptions) {
    this.#opts = opts;
    this.#metrics = RemoteStorageMetrics.forRegistry(opts.registry);
  }

  /** Throws the reason an entry list cannot be applied (duplicates, unsupported auth); changes nothing. */
  static check(entries: readonly RemoteReadSettings[]): void {
    const names = new Set<string>();
    for (const c of entries) {
      const bad = unsupportedAuth(c);
      if (bad) throw new Error(bad);
      const name = remoteName(c);
      if (names.has(name)) throw new Error(`duplicate remote read configs are not allowed, found duplicate for URL: ${redactedURL(c.url)}`);
      names.add(name);
    }
  }

  /**
   * Replaces every endpoint with those of `cfg` (cheap: clients hold no state but their
   * connections). Queries already running keep the endpoints they opened; old clients close
   * once their requests in flight are done. Throws, changing nothing, when `check` does.
   */
  async applyConfig(cfg: RemoteReadApplied): Promise<void> {
    RemoteReadStorage.check(cfg.remoteRead);
    const next: Endpoint[] = [];
    try {
      for (const c of cfg.remoteRead) next.push(this.#endpoint(c, cfg.externalLabels));
    } catch (err) {
      await closeAll(next, this.#opts.logger);
      throw err;
    }
    const old = this.#endpoints;
    this.#endpoints = next;
    this.#queryables = next.map((e) => e.queryable);
    await closeAll(old, this.#opts.logger);
  }

  /** The current endpoints as queryables (empty without `remote_read`). */
  queryables(): readonly Queryable[] {
    return this.#queryables;
  }

  /** Closes every client. */
  async close(): Promise<void> {
    const old = this.#endpoints;
    this.#endpoints = [];
    this.#queryables = [];
    await closeAll(old, this.#opts.logger);
  }

  #endpoint(c: RemoteReadSettings, externalLabels: Labels): Endpoint {
    const url = redactedURL(c.url);
    const metrics = this.#metrics.readClient(remoteName(c), url);
    const http = (this.#opts.newHTTPClient ?? createRemoteHTTPClient)(c);
    const client = createReadClient(http, url, { chunkDecoder: this.#opts.chunkDecoder, metrics });
    const queryable = new RemoteReadQueryable({ client, settings: c, externalLabels, localStartTime: this.#opts.localStartTime });
    return { client, metrics, queryable };
  }
}

async function closeAll(endpoints: readonly Endpoint[], logger: Logger | undefined): Promise<void> {
  for (const e of endpoints) {
    e.metrics.remove();
    try {
      await e.client.close();
    } catch (err) {
      logger?.warn({ err: errorMessage(err) }, 'Error closing remote read client');
    }
  }
}
