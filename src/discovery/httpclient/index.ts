/** HTTP clients for discovery mechanisms, built from the config's HTTP client settings. */
export { createHTTPClient, defaultHTTPClientConfig, userAgent, type SDHTTPClient, type HTTPRequestOptions } from './http-client.js';
/** Node TLS options for a `tls_config` block (files read now; throws naming an unreadable file). */
export { tlsConnectionOptions as tlsOptions } from '../../util/index.js';
