/**
 * Small shared helpers: errors, logging, self-metrics, build info, configured HTTP clients.
 */
export { IgnisError, BugError, errorMessage } from './errors.js';
export { createLogger, toLogfmt, LOG_LEVELS, LOG_FORMATS, type Logger, type LogLevel, type LogFormat, type LoggerOptions } from './logging.js';
export { createRegistry, renderRegistry, Counter, Gauge, Histogram, Summary, type Registry, type RegistryOptions } from './metrics.js';
export { buildInfo, versionText, type BuildInfo } from './version.js';
export {
  createConfiguredHTTPClient,
  buildDispatcher,
  tlsConnectionOptions,
  goTransportCause,
  PlainGetConnection,
  PlainGetError,
  plainGetRequest,
  type PlainGetHead,
  type PlainGetSink,
  type ConfiguredHTTPClient,
  type ConfiguredClientOptions,
  type HTTPClientSettings,
  type HTTPRequestOptions,
  type HeaderValuesSettings,
  type ProxySettings,
  type DispatcherOptions,
  type TLSSettings,
  type RevealableSecret,
} from './http/index.js';
export { compressInto as snappyCompressInto, maxCompressedLength as snappyMaxCompressedLength } from './snappy/index.js';
export { SnappyDecoder, SnappyError, snappyDecodedLength, snappyDecompress } from './snappy/index.js';
export { sliceAfter, takeTurn, TurnSlices } from './turns.js';
export { jsonString } from './go-json-string.js';
export { goFileError } from './go-file-error.js';
