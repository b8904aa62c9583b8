/**
 * The HTTP client every HTTP-speaking discovery mechanism builds from its inlined HTTP client
 * configuration (`basic_auth`, `authorization`, `oauth2`, `tls_config`, proxy settings,
 * `follow_redirects`, `http_headers`), on undici.
 */
import { Secret, type HTTPClientConfig } from '../../config/index.js';
import { buildInfo, createConfiguredHTTPClient, type ConfiguredHTTPClient, type HTTPRequestOptions as ConfiguredHTTPRequestOptions } from '../../util/index.js';
import { OAuth2TokenSource } from './oauth2.js';

/** Per-request options of `SDHTTPClient.request`. */
export type HTTPRequestOptions = ConfiguredHTTPRequestOptions;

/**
 * A configured HTTP client; one per discoverer, closed when the discoverer stops. `request`
 * sends one request with the configured authentication and headers (the caller must consume
 * or destroy the response body); `close` closes the connections.
 */
export type SDHTTPClient = ConfiguredHTTPClient;

/** The `User-Agent` Ignis sends from discovery, `Prometheus/<version>` style. */
export function userAgent(): string {
  return `Ignis/${buildInfo().version}`;
}

/**
 * Upstream's `DefaultHTTPClientConfig` as a decoded config value: no authentication, no TLS
 * settings, no proxy, redirects followed. For callers that build a client without YAML
 * (in-cluster Kubernetes, kubeconfig files); fields may be overwritten.
 */
export function defaultHTTPClientConfig(): HTTPClientConfig {
  const empty = new Secret('');
  return {
    basic_auth: undefined,
    authorization: undefined,
    oauth2: undefined,
    bearer_token: empty,
    bearer_token_file: '',
    tls_config: {
      ca: '',
      cert: '',
      key: empty,
      ca_file: '',
      cert_file: '',
      key_file: '',
      ca_ref: '',
      cert_ref: '',
      key_ref: '',
      server_name: '',
      insecure_skip_verify: false,
      min_version: '',
      max_version: '',
    },
    follow_redirects: true,
    enable_http2: true,
    http_headers: undefined,
    proxy_url: undefined,
    no_proxy: '',
    proxy_from_environment: false,
    proxy_connect_header: {},
  } as HTTPClientConfig;
}

/**
 * Builds a client from `cfg` (already validated, so `bearer_token*` has become
 * `authorization`). TLS files are read now and a bad one throws; credential files are read
 * on every request so that rotated tokens are picked up, as upstream does. The `User-Agent`
 * may be replaced by `http_headers` or request headers; `oauth2` authenticates when neither
 * `basic_auth` nor `authorization` is set.
 */
export function createHTTPClient(cfg: HTTPClientConfig): SDHTTPClient {
  const oauth2 = cfg.oauth2 ? new OAuth2TokenSource(cfg.oauth2) : undefined;
  const client = createConfiguredHTTPClient(cfg, {
    userAgent: userAgent(),
    userAgentOverridable: true,
    fallbackAuthorization: oauth2 ? (signal) => oauth2.header(signal) : undefined,
  });
  return {
    request: (url, opts) => client.request(url, opts),
    async close() {
      await Promise.allSettled([client.close(), oauth2?.close()]);
    },
  };
}
