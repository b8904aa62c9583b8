/**
 * Remote storage wiring: the remote write sender (`remote_write`, one queue per entry tailing the
 * WAL, acknowledged positions under `<data>/remote-write`), the remote read client (`remote_read`
 * endpoints merged with the TSDB for queries, series and label lookups), and the HTTP endpoints
 * of the receiver (`POST /api/v1/write`, only with `--web.enable-remote-write-receiver`) and of
 * remote read (`POST /api/v1/read`, over local data only, as upstream).
 */
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import type { Labels } from '../../model/labels/index.js';
import type { Appendable, Queryable, Storage } from '../../storage/index.js';
import {
  createReadHandler,
  createWriteHandler,
  FanoutQueryable,
  nodeListener,
  RemoteReadStorage,
  RemoteWriteStorage,
  unsupportedAuth,
  type RemoteWriteSettings,
} from '../../storage/remote/index.js';
import { decodeXorChunk, encodeXorChunk, FilePositionStore, WalSampleSource } from '../../tsdb/remote-source/index.js';
import type { Logger, Registry } from '../../util/index.js';
import type { Handler } from '../../web/index.js';
import { externalLabels } from './adapters.js';
import type { RemoteFlags } from './flags.js';

/** Upstream 2.42's answer to `POST /api/v1/write` without the receiver flag (404). */
export const RECEIVER_DISABLED = 'remote write receiver needs to be enabled with --web.enable-remote-write-receiver';

/** The `remote_write` entries of a configuration as the sender reads them. */
function remoteWriteSettings(cfg: Config): readonly RemoteWriteSettings[] {
  return cfg.remote_write;
}

/** The remote write sender of the server: queues per `remote_write` entry, reconfigured on reload. */
export class RemoteWriter {
  readonly #rws: RemoteWriteStorage;

  /** Queues read `<dataDir>/wal` and remember their positions in `<dataDir>/remote-write`. */
  constructor(dataDir: string, flags: RemoteFlags, registry: Registry, logger: Logger) {
    const walDir = join(dataDir, 'wal');
    this.#rws = new RemoteWriteStorage({
      registry,
      logger,
      newSource: () => new WalSampleSource({ walDir, logger }),
      positions: new FilePositionStore(join(dataDir, 'remote-write')),
      flushDeadlineMs: flags.flushDeadlineMs,
    });
  }

  /** Throws the reason when an entry uses an authentication method Ignis does not implement. */
  prepare(cfg: Config): void {
    for (const c of remoteWriteSettings(cfg)) {
      const bad = unsupportedAuth(c);
      if (bad) throw new Error(bad);
    }
  }

  /** Starts, restarts and stops queues to match `cfg` (unchanged entries keep their queue). */
  apply(cfg: Config): Promise<void> {
    return this.#rws.applyConfig({ remoteWrite: remoteWriteSettings(cfg), externalLabels: externalLabels(cfg) });
  }

  /** Stops every queue, flushing each for up to `--storage.remote.flush-deadline`. */
  stop(): Promise<void> {
    return this.#rws.stop();
  }
}

/**
 * The `remote_read` endpoints of the server and `queryable`, the TSDB merged with them (what
 * queries, `/api/v1/series` and the label endpoints read; federation and the remote read
 * handler read the TSDB alone, as upstream).
 */
export class RemoteReader {
  readonly #rrs: RemoteReadStorage;
  readonly queryable: Queryable;

  constructor(local: Storage, registry: Registry, logger: Logger) {
    this.#rrs = new RemoteReadStorage({ registry, logger, localStartTime: () => local.startTime(), chunkDecoder: decodeXorChunk });
    this.queryable = new FanoutQueryable(local, () => this.#rrs.queryables());
  }

  /** Throws the reason when the `remote_read` entries cannot be used (duplicates, unsupported auth). */
  prepare(cfg: Config): void {
    RemoteReadStorage.check(cfg.remote_read);
  }

  /** Replaces the endpoints with those of `cfg`. */
  apply(cfg: Config): Promise<void> {
    return this.#rrs.applyConfig({ remoteRead: cfg.remote_read, externalLabels: externalLabels(cfg) });
  }

  /** Closes every endpoint's client. */
  stop(): Promise<void> {
    return this.#rrs.close();
  }
}

/** `POST /api/v1/write`: the receiver appending to `appendable` when enabled, else upstream's 404. */
export function remoteWriteRoute(enabled: boolean, appendable: Appendable, registry: Registry, logger: Logger): Handler {
  if (enabled) return nodeListener(createWriteHandler(appendable, { logger, registry }));
  return (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(RECEIVER_DISABLED + '\n');
  };
}

/** `POST /api/v1/read`: sampled and streamed-chunk responses over `queryable`, with the read limits. */
export function remoteReadRoute(queryable: Queryable, ext: () => Labels, flags: RemoteFlags, registry: Registry, logger: Logger): Handler {
  return nodeListener(
    createReadHandler({
      queryable,
      externalLabels: ext,
      sampleLimit: flags.readSampleLimit,
      concurrencyLimit: flags.readConcurrentLimit,
      maxBytesInFrame: flags.readMaxBytesInFrame,
      chunkEncoder: encodeXorChunk,
      logger,
      registry,
    }),
  );
}
