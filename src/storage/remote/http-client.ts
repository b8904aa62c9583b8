/**
 * The HTTP side of remote storage on undici: one connection pool per remote endpoint with the
 * entry's TLS settings (`tls_config`) and proxy (`proxy_url`), and per-request authentication
 * (`basic_auth`, `authorization`; credential files re-read on every request so that rotated
 * tokens are picked up, as upstream does) and headers (`headers`, `http_headers`), each request
 * bounded by `remote_timeout`.
 */
import type { ConnectionOptions } from 'node:tls';
import { buildInfo, createConfiguredHTTPClient, tlsConnectionOptions } from '../../util/index.js';
import type { RemoteHTTPConfig, RemoteTLSConfig } from './remote-config.js';

/** `User-Agent` of remote write and read requests: Prometheus' form, then who really sends. */
export const REMOTE_USER_AGENT = `Prometheus/2.42.0 (Ignis/${buildInfo().version})`;

/** Node TLS options for `tls_config` (files read now; minimum TLS 1.2 when unset, like Go). Throws naming the unreadable file. */
export function remoteTLSOptions(t: RemoteTLSConfig): ConnectionOptions {
  return tlsConnectionOptions(t);
}

/** The response of a remote endpoint: status, headers and the body (whole, already read). */
export interface RemoteResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Options of one `RemoteHTTPClient.post`. */
export interface PostOptions {
  /** Headers of this request (content type, encoding, protocol version…). */
  headers: Record<string, string>;
  /** Aborts the request (shutdown); the `remote_timeout` bound is added on top. */
  signal?: AbortSignal | undefined;
  /** Read at most this many body bytes; the rest is discarded (default: all). */
  maxBodyBytes?: number | undefined;
}

/** Posts bodies to one remote endpoint with the entry's auth, headers, TLS and timeout. */
export interface RemoteHTTPClient {
  /** Rejects on transport errors, timeouts (`TimeoutError`-named) and aborts; any status resolves. */
  post(body: Uint8Array, opts: PostOptions): Promise<RemoteResponse>;
  close(): Promise<void>;
}

/**
 * Builds the client of entry `cfg`: the shared configured client (util's
 * `createConfiguredHTTPClient`) with 30 s keep-alive, `headers` under each request's own
 * headers, and `REMOTE_USER_AGENT` over both. Throws when TLS files cannot be read.
 */
export function createRemoteHTTPClient(cfg: RemoteHTTPConfig): RemoteHTTPClient {
  const client = createConfiguredHTTPClient(cfg, { userAgent: REMOTE_USER_AGENT, keepAliveTimeoutMs: 30_000 });
  const url = cfg.url.href;

  return {
    async post(body, opts) {
      const timeout = AbortSignal.timeout(cfg.remote_timeout);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const res = await client.request(url, { method: 'POST', headers: { ...cfg.headers, ...opts.headers }, body, signal });
      const parts: Buffer[] = [];
      let n = 0;
      const limit = opts.maxBodyBytes ?? Infinity;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (n < limit) parts.push(chunk);
        n += chunk.length;
        if (n >= limit) break;
      }
      if (n >= limit) res.body.destroy();
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) };
    },
    close: () => client.close(),
  };
}
