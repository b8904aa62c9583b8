/**
 * Remote storage: the remote write 1.0 sender (queues reading the WAL through the
 * `SampleSource` seam), the remote write receiver and remote read handler as framework-free
 * functions (plus a `node:http` adapter), the remote read client as a `Queryable`, the
 * `prometheus_remote_storage_*` metrics, and the wire codec (`./proto/index.js`).
 *
 * What the wiring (cmd/server) provides: a `SampleSource` per queue and a `PositionStore`
 * (`WalSampleSource` and `FilePositionStore` of `src/tsdb/remote-source`), the XOR chunk codec
 * for streamed remote read (`encodeXorChunk` / `decodeXorChunk`, same folder), and, for remote
 * read in queries, a call to `Querier.prefetch` (when present) before the first select.
 */
// The sender's seams and the sender.
export type { SourcePosition, SourceSeries, SourceSamples, SampleConsumer, SampleSource, SourceStart, PositionStore } from './sample-source.js';
export { comparePositions } from './sample-source.js';
export {
  DEFAULT_QUEUE_SETTINGS,
  unsupportedAuth,
  settingsHash,
  remoteName,
  redactedURL,
  positionKey,
  type SecretLike,
  type URLLike,
  type RemoteTLSConfig,
  type RemoteHeaderValues,
  type RemoteHTTPConfig,
  type QueueSettings,
  type RemoteWriteSettings,
  type RemoteReadSettings,
} from './remote-config.js';
export { RemoteWriteStorage, type RemoteWriteStorageOptions, type RemoteWriteApplied } from './write-storage.js';
export { QueueManager, type QueueManagerOptions } from './queue-manager.js';
export { createWriteClient, retryAfterMs, RemoteWriteError, RecoverableError, type WriteClient } from './write-client.js';
export { createRemoteHTTPClient, remoteTLSOptions, REMOTE_USER_AGENT, type RemoteHTTPClient, type RemoteResponse, type PostOptions } from './http-client.js';
export { RemoteStorageMetrics, type QueueMetrics, type ReadClientMetrics } from './metrics.js';
// The receiver and the read server, framework-free.
export { createWriteHandler, PROTOBUF_CONTENT_TYPE, type WriteHandler, type WriteHandlerOptions } from './write-handler.js';
export { createReadHandler, toMatchers, type ReadHandler, type ReadHandlerOptions, type ChunkEncoder } from './read-handler.js';
export { errorResponse, headerValue, type RemoteHandlerRequest, type RemoteHandlerResponse } from './handler-types.js';
export { readBody, writeResponse, nodeListener, BodyTooLargeError } from './http-adapter.js';
// The read client.
export {
  createReadClient,
  RemoteReadQueryable,
  RemoteReadQuerier,
  RemoteReadError,
  type ReadClient,
  type ReadClientOptions,
  type ChunkDecoder,
  type SelectRequest,
  type RemoteReadQueryableOptions,
} from './read-client.js';
export { RemoteReadStorage, type RemoteReadStorageOptions, type RemoteReadApplied } from './read-storage.js';
export { FanoutQueryable, FanoutQuerier } from './fanout.js';
