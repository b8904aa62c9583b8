/**
 * The HTTP listener shared by every Ignis component: binds `--web.listen-address`, routes
 * requests, answers handler failures with 500 and logs them, and closes cleanly on `stop()`.
 * With a `--web.config.file` it serves that file's TLS, HTTP/2, headers, rate limit and basic
 * auth (see `webconfig/`), re-reading the file as it changes; an invalid file stops start-up.
 * `--web.read-timeout` and `--web.max-connections` apply to every connection (`connection-limit.ts`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Logger } from '../util/index.js';
import { errorMessage } from '../util/index.js';
import { ConnectionLimiter, applyIdleTimeout, readTimeoutOptions, type WebLimits } from './connection-limit.js';
import type { Router } from './router.js';
import { PasswordVerifier, RateLimiter, TLSListener, WebConfigError, WebConfigStore, http2CipherError, withWebConfig, type RequestHandler } from './webconfig/index.js';

/** Splits `host:port` / `[v6]:port` / `:port` into parts; an empty host means all interfaces. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new Error(`invalid listen address "${addr}": want host:port`);
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid listen address "${addr}": port out of range`);
  return { host: host === '' ? undefined : host, port };
}

/** A started HTTP server. */
export interface WebServer {
  /** The bound address (useful with port 0). */
  address(): AddressInfo;
  /** Whether connections must speak TLS (the web config had TLS at start). */
  readonly tls: boolean;
  /** Stops listening and closes every connection; resolves when done. */
  stop(): Promise<void>;
}

function listen(server: NetServer, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A listening plain-HTTP server: the bound address and a clean close. */
interface PlainListener {
  address(): AddressInfo;
  close(): Promise<void>;
}

/**
 * Serves `handler` over plain HTTP on `port`/`host` with `limits`: a front `node:net` listener
 * admits connections through a `ConnectionLimiter` and hands them to an `node:http` server that
 * never listens itself (as the TLS listener does).
 */
async function listenPlain(handler: (req: IncomingMessage, res: ServerResponse) => void, port: number, host: string | undefined, limits: WebLimits): Promise<PlainListener> {
  const readTimeoutMs = limits.readTimeoutMs ?? 0;
  const server: Server = createServer(readTimeoutMs > 0 ? readTimeoutOptions(readTimeoutMs) : {}, handler);
  applyIdleTimeout(server, readTimeoutMs);
  const max = limits.maxConnections ?? 0;
  const limiter = max > 0 ? new ConnectionLimiter(max) : undefined;
  const serve = (sock: Socket) => {
    server.emit('connection', sock);
    sock.resume();
  };
  const front = createNetServer({ pauseOnConnect: true }, (sock) => (limiter ? limiter.admit(sock, serve) : serve(sock)));
  await listen(front, port, host);
  server.emit('listening'); // starts node:http's request-timeout bookkeeping
  return {
    address: () => front.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        front.close(() => resolve());
        limiter?.dropWaiting();
        server.closeAllConnections();
        server.close();
      }),
  };
}

/**
 * Starts serving `router` on `listenAddress`; resolves once listening. `webConfigFile` is the
 * `--web.config.file` path ('' or absent: plain HTTP, no authentication). Rejects with
 * `WebConfigError` (upstream's text) when that file is invalid, and with Go's HTTP/2 error when
 * HTTP/2 is on and the configured cipher suites cannot carry it. `limits` are the listener's
 * read timeout and connection limit (none by default).
 */
export async function startWebServer(listenAddress: string, router: Router, logger: Logger, webConfigFile = '', limits: WebLimits = {}): Promise<WebServer> {
  const { host, port } = parseListenAddress(listenAddress);
  const dispatch: RequestHandler = (req, res) => router.dispatch(req, res);
  if (webConfigFile === '') {
    const server = await listenPlain(serve(dispatch, logger), port, host, limits);
    const addr = server.address();
    logger.info({ address: `${addr.address}:${addr.port}` }, 'Listening on');
    logger.info({ http2: false, address: `${addr.address}:${addr.port}` }, 'TLS is disabled.');
    return { address: () => server.address(), tls: false, stop: () => server.close() };
  }

  const store = new WebConfigStore(webConfigFile, logger);
  const initial = store.current();
  const verifier = new PasswordVerifier();
  const { burst, intervalMs } = initial.config.rate_limit;
  const limiter = intervalMs !== 0 ? new RateLimiter(intervalMs, burst) : undefined;
  if (limiter) logger.info({ burst, interval: `${intervalMs}ms` }, 'Rate Limiter is enabled.');
  const handler = serve(withWebConfig(dispatch, { store, verifier, limiter }), logger);

  if (!initial.tls) {
    let server: PlainListener;
    try {
      server = await listenPlain(handler, port, host, limits);
    } catch (err) {
      await verifier.close();
      throw err;
    }
    const addr = server.address();
    logger.info({ address: `${addr.address}:${addr.port}` }, 'Listening on');
    logger.info({ http2: false, address: `${addr.address}:${addr.port}` }, 'TLS is disabled.');
    return {
      address: () => server.address(),
      tls: false,
      stop: async () => {
        await server.close();
        await verifier.close();
      },
    };
  }

  const http2 = initial.config.http_server_config.http2;
  const h2err = http2 ? http2CipherError(initial.config.tls_server_config) : undefined;
  let listener: TLSListener;
  try {
    if (h2err) throw new WebConfigError(h2err, webConfigFile);
    try {
      listener = new TLSListener({ store, http2, handler, logger, limits });
    } catch (err) {
      // OpenSSL refused a setting upstream accepts (e.g. min_version above max_version).
      throw err instanceof WebConfigError ? err : new WebConfigError(errorMessage(err), webConfigFile, { cause: err });
    }
    await listener.listen(port, host);
  } catch (err) {
    await verifier.close();
    throw err;
  }
  const addr = listener.address();
  logger.info({ address: `${addr.address}:${addr.port}` }, 'Listening on');
  logger.info({ http2, address: `${addr.address}:${addr.port}` }, 'TLS is enabled.');
  return {
    address: () => listener.address(),
    tls: true,
    stop: async () => {
      await listener.close();
      await verifier.close();
    },
  };
}

/** A `node:http` request listener running `handler`, answering its failures with 500. */
function serve(handler: RequestHandler, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      logger.error({ err: errorMessage(err), path: req.url }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal server error\n');
    });
  };
}
