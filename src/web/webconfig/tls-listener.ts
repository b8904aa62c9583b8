/**
 * The HTTPS listener of a web config with TLS. A plain TCP server accepts each connection and
 * looks at its first bytes before any TLS happens:
 *
 * - a TLS handshake goes to the HTTPS (or HTTP/2 + HTTP/1.1) server built from the web config
 *   as it is NOW: the config and its certificate, key and CA files are re-checked for every
 *   connection, as upstream re-reads them per handshake, and a changed config gets a new
 *   server object (connections already open keep the settings they were accepted with);
 * - plain HTTP gets Go's `400 Bad Request` "Client sent an HTTP request to an HTTPS server.";
 * - anything else is dropped.
 *
 * Client certificates follow Go's `tls.ClientAuthType`. OpenSSL (through `node:tls`) enforces
 * "a certificate is required" and "it must verify" during the handshake for
 * RequireAndVerifyClientCert; the other rules (RequireAnyClientCert needs some certificate,
 * VerifyClientCertIfGiven verifies one that was given, `client_allowed_sans`) are checked once
 * the handshake completes, and a failing connection is closed before any request is read.
 */
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createSecureServer } from 'node:http2';
import { createSecureContext, type Server as TLSServer, type TLSSocket } from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../util/index.js';
import { ConnectionLimiter, applyIdleTimeout, readTimeoutOptions, type WebLimits } from '../connection-limit.js';
import type { WebConfigStore } from './config-store.js';
import type { LoadedWebConfig } from './load.js';
import { NO_TLS_CONFIG, type TLSSettings } from './tls-settings.js';

/** How long a new connection may stay silent before its first bytes (Node's TLS handshake timeout). */
const FIRST_BYTES_TIMEOUT_MS = 120_000;
const HTTP_TO_HTTPS = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
/** Go's test for "this TLS record header is really an HTTP request". */
const HTTP_PREFIXES = ['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO'];

/** What the listener serves. */
export interface TLSListenerOptions {
  store: WebConfigStore;
  /** `http_server_config.http2` of the initial config: offer h2 by ALPN (fixed at start, as upstream). */
  http2: boolean;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  logger: Logger;
  /** `--web.read-timeout` and `--web.max-connections` (none when absent). */
  limits?: WebLimits | undefined;
}

/** One server object built from one version of the web config. */
interface Generation {
  loaded: LoadedWebConfig;
  server: TLSServer;
  /** Connections handed to this server and still open. */
  open: number;
}

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2); Go's HTTP/2 server drops them, `node:http2` would throw. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Makes a `node:http2` compatibility response ignore connection-specific headers, as Go does. */
function dropConnectionHeaders(res: ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => (CONNECTION_HEADERS.has(name.toLowerCase()) ? res : setHeader(name, value));
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const i = typeof args[1] === 'string' ? 2 : 1;
    const h = args[i];
    if (h && typeof h === 'object' && !Array.isArray(h)) {
      args[i] = Object.fromEntries(Object.entries(h).filter(([k]) => !CONNECTION_HEADERS.has(k.toLowerCase())));
    }
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
}

/**
 * The SANs of a certificate as Go lists them (DNS names, emails, IPs in Go's text form, URIs)
 * from Node's `subjectAltName` text (`DNS:a, IP Address:127.0.0.1`, quoted when needed).
 */
export function certificateSans(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const out: string[] = [];
  const re = /(DNS|IP Address|email|URI|[^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (let m = re.exec(subjectAltName); m && m[0] !== ''; m = re.exec(subjectAltName)) {
    let value = m[2]!;
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (m[1] === 'IP Address' && value.includes(':')) {
      try {
        value = new URL(`http://[${value}]/`).hostname.slice(1, -1);
      } catch {
        // keep as printed
      }
    }
    if (['DNS', 'IP Address', 'email', 'URI'].includes(m[1]!)) out.push(value);
  }
  return out;
}

/** The client-certificate rules that `node:tls` cannot express; an error text when `sock` breaks them. */
export function clientCertificateError(sock: TLSSocket, tls: TLSSettings): string | undefined {
  const cert = sock.getPeerX509Certificate();
  switch (tls.clientAuth) {
    case 'RequireAnyClientCert':
      if (!cert) return "tls: client didn't provide a certificate";
      break;
    case 'VerifyClientCertIfGiven':
    case 'RequireAndVerifyClientCert':
      if (cert && !sock.authorized) return `tls: failed to verify certificate: ${sock.authorizationError ?? 'unknown error'}`;
      if (!cert && tls.clientAuth === 'RequireAndVerifyClientCert') return "tls: client didn't provide a certificate";
      break;
    default:
      break;
  }
  if (tls.allowedSans !== undefined) {
    if (!cert) return 'client did not present a certificate to match against client_allowed_sans';
    const sans = certificateSans(cert.subjectAltName);
    if (!sans.some((s) => tls.allowedSans!.includes(s))) return `could not find allowed SANs in client cert, found: [${tls.allowedSans.join(' ')}]`;
  }
  return undefined;
}

/** An HTTPS listener that re-reads its web config for every connection. */
export class TLSListener {
  readonly #opts: TLSListenerOptions;
  readonly #front: NetServer;
  readonly #limiter: ConnectionLimiter | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #generations = new Set<Generation>();
  #current: Generation;
  #complaint = '';

  /** Builds the server for the store's current config; throws if it has no TLS or `node:tls` rejects it. */
  constructor(opts: TLSListenerOptions) {
    this.#opts = opts;
    const loaded = opts.store.current();
    if (!loaded.tls) throw new Error(NO_TLS_CONFIG);
    this.#current = this.#build(loaded, loaded.tls);
    const max = opts.limits?.maxConnections ?? 0;
    const limiter = max > 0 ? new ConnectionLimiter(max) : undefined;
    this.#limiter = limiter;
    const serve = (raw: Socket) => {
      this.#accept(raw);
      raw.resume();
    };
    this.#front = createNetServer({ pauseOnConnect: true }, (raw) => (limiter ? limiter.admit(raw, serve) : serve(raw)));
  }

  /** Starts listening; resolves once bound. */
  listen(port: number, host: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#front.once('error', reject);
      this.#front.listen(port, host, () => {
        this.#front.off('error', reject);
        resolve();
      });
    });
  }

  /** The bound address. */
  address(): AddressInfo {
    return this.#front.address() as AddressInfo;
  }

  /** Stops accepting and closes every connection, open or mid-handshake. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#front.close(() => resolve()));
    this.#limiter?.dropWaiting();
    for (const s of this.#sockets) s.destroy();
    for (const g of this.#generations) this.#retire(g);
    await closed;
  }

  #accept(raw: Socket): void {
    this.#sockets.add(raw);
    raw.once('close', () => this.#sockets.delete(raw));
    raw.on('error', () => raw.destroy());
    raw.setTimeout(FIRST_BYTES_TIMEOUT_MS, () => raw.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head[0] !== 0x16 && head.length < 5) return;
      raw.off('data', onData);
      raw.pause();
      raw.setTimeout(0);
      if (head[0] === 0x16) {
        raw.unshift(head);
        this.#handOver(raw);
      } else if (HTTP_PREFIXES.includes(head.subarray(0, 5).toString('latin1'))) {
        raw.end(HTTP_TO_HTTPS);
      } else {
        raw.destroy();
      }
    };
    raw.on('data', onData);
  }

  #handOver(raw: Socket): void {
    const loaded = this.#opts.store.current();
    if (loaded !== this.#current.loaded) {
      if (!loaded.tls) {
        // Upstream's handshakes fail with errNoTLSConfig until TLS is configured again.
        this.#complain(NO_TLS_CONFIG);
        raw.destroy();
        return;
      }
      try {
        const previous = this.#current;
        this.#current = this.#build(loaded, loaded.tls);
        this.#complaint = '';
        if (previous.open === 0) this.#retire(previous);
      } catch (err) {
        this.#complain(`TLS settings rejected, keeping the previous ones: ${(err as Error).message}`);
      }
    }
    const gen = this.#current;
    gen.open++;
    raw.once('close', () => {
      if (--gen.open === 0 && gen !== this.#current) this.#retire(gen);
    });
    gen.server.emit('connection', raw);
  }

  /** Drops a superseded server once its last connection is gone (or at close). */
  #retire(gen: Generation): void {
    if (!this.#generations.delete(gen)) return;
    gen.server.close(() => {}); // never listened: this only stops node:http's timers
  }

  #complain(msg: string): void {
    if (msg === this.#complaint) return;
    this.#complaint = msg;
    this.#opts.logger.error({ file: this.#opts.store.file, err: msg }, 'Unable to apply web config to new TLS connections');
  }

  #build(loaded: LoadedWebConfig, tls: TLSSettings): Generation {
    // Validates the context first, so that a setting OpenSSL refuses surfaces as one error here.
    createSecureContext(tls.context);
    const requestCert = tls.clientAuth !== 'NoClientCert';
    const options = { ...tls.context, requestCert, rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert' };
    const handler = this.#opts.handler;
    const readTimeoutMs = this.#opts.limits?.readTimeoutMs ?? 0;
    const h2Handler = (req: IncomingMessage, res: ServerResponse) => {
      if (req.httpVersionMajor === 2) dropConnectionHeaders(res);
      handler(req, res);
    };
    const server: TLSServer = this.#opts.http2
      ? createSecureServer({ ...options, allowHTTP1: true }, h2Handler as unknown as Parameters<typeof createSecureServer>[1])
      : createHttpsServer({ ...options, ...(readTimeoutMs > 0 ? readTimeoutOptions(readTimeoutMs) : {}), ALPNProtocols: ['http/1.1'] }, handler);
    if (!this.#opts.http2) applyIdleTimeout(server as HttpsServer, readTimeoutMs);
    server.emit('listening'); // never listens itself: this starts node:http's request-timeout bookkeeping
    const downstream = server.listeners('secureConnection') as ((s: TLSSocket) => void)[];
    server.removeAllListeners('secureConnection');
    server.on('secureConnection', (sock: TLSSocket) => {
      const err = clientCertificateError(sock, tls);
      if (err) {
        this.#handshakeError(sock, err);
        sock.destroy();
        return;
      }
      for (const l of downstream) l.call(server, sock);
    });
    server.on('tlsClientError', (err: Error, sock: TLSSocket) => {
      this.#handshakeError(sock, sock.authorizationError ? `tls: failed to verify certificate: ${sock.authorizationError}` : err.message);
    });
    const gen: Generation = { loaded, server, open: 0 };
    this.#generations.add(gen);
    return gen;
  }

  #handshakeError(sock: TLSSocket, err: string): void {
    this.#opts.logger.error({ from: `${sock.remoteAddress}:${sock.remotePort}`, err }, 'http: TLS handshake error');
  }
}
