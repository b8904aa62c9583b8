/**
 * An HTTP client on undici built from the config-shaped settings of an HTTP client
 * configuration: TLS (`tls_config`), proxy, `follow_redirects`, authentication (`basic_auth`,
 * `authorization`, or a caller-given fallback such as OAuth 2.0) and `http_headers`. Discovery
 * and remote storage both build theirs with it.
 */
import { readFile } from 'node:fs/promises';
import { request, type Dispatcher } from 'undici';
import { buildDispatcher, type ProxySettings } from './dispatcher.js';
import { tlsConnectionOptions, type RevealableSecret, type TLSSettings } from './tls.js';

/** One header of `http_headers`: literal values, secret values and files holding values. */
export interface HeaderValuesSettings {
  readonly values: readonly string[];
  readonly secrets: readonly RevealableSecret[];
  readonly files: readonly string[];
}

/** The settings `createConfiguredHTTPClient` reads (config's decoded HTTP client config fits). */
export interface HTTPClientSettings extends ProxySettings {
  readonly tls_config: TLSSettings;
  /** Default true. */
  readonly follow_redirects?: boolean | undefined;
  readonly basic_auth?: { readonly username: string; readonly username_file: string; readonly password: RevealableSecret; readonly password_file: string } | undefined;
  readonly authorization?: { readonly type: string; readonly credentials: RevealableSecret; readonly credentials_file: string } | undefined;
  readonly http_headers?: Readonly<Record<string, HeaderValuesSettings>> | undefined;
}

/** How the caller wants the client to behave beyond the configuration. */
export interface ConfiguredClientOptions {
  /** The `User-Agent` sent. */
  userAgent: string;
  /**
   * When true, `http_headers` and per-request headers may replace the `User-Agent`; when false
   * (default) it wins over them.
   */
  userAgentOverridable?: boolean | undefined;
  /** Idle keep-alive time of direct connections, ms (undici's default when absent). */
  keepAliveTimeoutMs?: number | undefined;
  /** The `Authorization` value when neither `basic_auth` nor `authorization` is configured. */
  fallbackAuthorization?: ((signal: AbortSignal | undefined) => Promise<string>) | undefined;
}

/** Per-request options of `ConfiguredHTTPClient.request`. */
export interface HTTPRequestOptions {
  method?: 'GET' | 'POST';
  /** Headers of this request; they win over configured `http_headers` but not over authentication. */
  headers?: Readonly<Record<string, string>> | undefined;
  body?: string | Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  /** Time to wait for the response headers; undici's default (300 s) when absent. */
  headersTimeoutMs?: number | undefined;
  /** Longest pause between body chunks; 0 disables it (long-lived watch streams). */
  bodyTimeoutMs?: number | undefined;
}

/** A configured HTTP client: one connection pool, authentication and headers on every request. */
export interface ConfiguredHTTPClient {
  /**
   * Sends one request with the configured authentication and headers. The caller must
   * consume or destroy the response body. Rejects on connection errors and aborts; any status
   * resolves.
   */
  request(url: string, opts?: HTTPRequestOptions): Promise<Dispatcher.ResponseData>;
  /** Closes the connections; pending requests are aborted by their signals, not by this. */
  close(): Promise<void>;
}

async function secretOrFile(secret: RevealableSecret | string, file: string): Promise<string> {
  if (file !== '') return (await readFile(file, 'utf8')).trim();
  return typeof secret === 'string' ? secret : secret.reveal();
}

/**
 * Builds a client from `cfg` (validated: `bearer_token*` has become `authorization`). TLS files
 * are read now and a bad one throws; credential and header files are read on every request so
 * that rotated tokens are picked up, as upstream does. Header names are sent lower-cased; the
 * order of precedence, lowest first: `http_headers`, request headers, authentication, with the
 * `User-Agent` lowest or just below authentication as `opts.userAgentOverridable` says.
 */
export function createConfiguredHTTPClient(cfg: HTTPClientSettings, opts: ConfiguredClientOptions): ConfiguredHTTPClient {
  const dispatcher = buildDispatcher(tlsConnectionOptions(cfg.tls_config), cfg, {
    followRedirects: cfg.follow_redirects ?? true,
    keepAliveTimeoutMs: opts.keepAliveTimeoutMs,
  });

  async function headers(extra: Readonly<Record<string, string>> | undefined, signal: AbortSignal | undefined): Promise<Record<string, string | string[]>> {
    const h: Record<string, string | string[]> = {};
    if (opts.userAgentOverridable) h['user-agent'] = opts.userAgent;
    for (const [name, hv] of Object.entries(cfg.http_headers ?? {})) {
      const values = [...hv.values, ...hv.secrets.map((s) => s.reveal())];
      for (const f of hv.files) values.push((await readFile(f, 'utf8')).trim());
      if (values.length > 0) h[name.toLowerCase()] = values;
    }
    for (const [k, v] of Object.entries(extra ?? {})) h[k.toLowerCase()] = v;
    if (!opts.userAgentOverridable) h['user-agent'] = opts.userAgent;
    if (cfg.basic_auth) {
      const b = cfg.basic_auth;
      const user = await secretOrFile(b.username, b.username_file);
      const pass = await secretOrFile(b.password, b.password_file);
      h.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else if (cfg.authorization) {
      const a = cfg.authorization;
      h.authorization = `${a.type || 'Bearer'} ${await secretOrFile(a.credentials, a.credentials_file)}`;
    } else if (opts.fallbackAuthorization) {
      h.authorization = await opts.fallbackAuthorization(signal);
    }
    return h;
  }

  return {
    async request(url, r = {}) {
      return request(url, {
        method: r.method ?? 'GET',
        dispatcher,
        headers: await headers(r.headers, r.signal),
        body: r.body,
        signal: r.signal,
        headersTimeout: r.headersTimeoutMs,
        bodyTimeout: r.bodyTimeoutMs,
      });
    },
    async close() {
      await dispatcher.close();
    },
  };
}
