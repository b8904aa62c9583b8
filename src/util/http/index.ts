/** HTTP clients built from the config-shaped settings of an HTTP client configuration. */
export { tlsConnectionOptions, type TLSSettings, type RevealableSecret } from './tls.js';
export { buildDispatcher, type ProxySettings, type DispatcherOptions } from './dispatcher.js';
export {
  createConfiguredHTTPClient,
  type ConfiguredHTTPClient,
  type ConfiguredClientOptions,
  type HTTPClientSettings,
  type HTTPRequestOptions,
  type HeaderValuesSettings,
} from './client.js';
export { goTransportCause } from './go-errors.js';
export { PlainGetConnection, PlainGetError, plainGetRequest, type PlainGetHead, type PlainGetSink } from './plain-get.js';
