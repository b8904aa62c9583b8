/**
 * The flags of `ignis server`, named and defaulted as the `prometheus` binary's (2.42), and
 * their resolution into typed `ServerOptions` (durations and sizes in Prometheus' forms).
 */
import { formatBase2Bytes, formatDuration, parseBase2Bytes, parseDuration } from '../../model/duration/index.js';
import type { LogFormat, LogLevel } from '../../util/index.js';
import type { FlagSpec, ParsedFlags } from '../flags.js';
import { LOG_FLAGS, UsageError } from '../flags.js';

/** Every `prometheus` flag that Ignis accepts. */
export const SERVER_FLAGS: readonly FlagSpec[] = [
  { name: 'config.file', type: 'string', default: 'prometheus.yml', help: 'Prometheus configuration file path.' },
  { name: 'web.listen-address', type: 'string', default: '0.0.0.0:9090', help: 'Address to listen on for UI, API, and telemetry.' },
  { name: 'web.config.file', type: 'string', default: '', help: '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.' },
  { name: 'web.read-timeout', type: 'string', default: '5m', help: 'Maximum duration before timing out read of the request, and closing idle connections.' },
  { name: 'web.max-connections', type: 'string', default: '512', help: 'Maximum number of simultaneous connections.' },
  { name: 'web.external-url', type: 'string', placeholder: '<URL>', help: 'The URL under which Prometheus is externally reachable.' },
  { name: 'web.route-prefix', type: 'string', placeholder: '<path>', help: 'Prefix for the internal routes of web endpoints.' },
  { name: 'web.user-assets', type: 'string', placeholder: '<path>', help: 'Path to static asset directory, available at /user.' },
  { name: 'web.enable-lifecycle', type: 'boolean', default: false, help: 'Enable shutdown and reload via HTTP request.' },
  { name: 'web.enable-admin-api', type: 'boolean', default: false, help: 'Enable API endpoints for admin control actions.' },
  { name: 'web.enable-remote-write-receiver', type: 'boolean', default: false, help: 'Enable API endpoint accepting remote write requests.' },
  { name: 'web.console.templates', type: 'string', default: 'consoles', help: 'Path to the console template directory, available at /consoles.' },
  { name: 'web.console.libraries', type: 'string', default: 'console_libraries', help: 'Path to the console library directory.' },
  { name: 'web.page-title', type: 'string', default: 'Prometheus Time Series Collection and Processing Server', help: 'Document title of Prometheus instance.' },
  { name: 'web.cors.origin', type: 'string', default: '.*', help: "Regex for CORS origin. It is fully anchored. Example: 'https?://(domain1|domain2)\\.com'" },
  { name: 'storage.tsdb.path', type: 'string', default: 'data/', help: 'Base path for metrics storage.' },
  { name: 'storage.tsdb.retention.time', type: 'string', placeholder: '<duration>', help: 'How long to retain samples in storage. Defaults to 15d.' },
  { name: 'storage.tsdb.retention.size', type: 'string', placeholder: '<size>', help: 'Maximum number of bytes that can be stored for blocks. Units supported: B, KB, MB, GB, TB, PB, EB. Ex: "512MB". Based on powers-of-2, so 1KB is 1024B.' },
  { name: 'storage.tsdb.no-lockfile', type: 'boolean', default: false, help: 'Do not create lockfile in data directory.' },
  { name: 'storage.tsdb.head-chunks-write-queue-size', type: 'string', default: '0', help: 'Size of the queue through which head chunks are written to the disk to be m-mapped.' },
  { name: 'storage.tsdb.min-block-duration', type: 'string', default: '2h', help: 'Minimum duration of a data block before being persisted.' },
  { name: 'storage.tsdb.max-block-duration', type: 'string', placeholder: '<duration>', help: 'Maximum duration compacted blocks may span. Defaults to 10% of the retention period.' },
  { name: 'storage.tsdb.wal-segment-size', type: 'string', placeholder: '<size>', help: 'Size at which to split the tsdb WAL segment files.' },
  { name: 'storage.tsdb.wal-compression', type: 'boolean', default: true, help: 'Compress the tsdb WAL.' },
  { name: 'storage.remote.flush-deadline', type: 'string', default: '1m', help: 'How long to wait flushing sample on shutdown or config reload.' },
  { name: 'storage.remote.read-sample-limit', type: 'string', default: '50000000', help: 'Maximum overall number of samples to return via the remote read interface, in a single query. 0 means no limit.' },
  { name: 'storage.remote.read-concurrent-limit', type: 'string', default: '10', help: 'Maximum number of concurrent remote read calls. 0 means no limit.' },
  { name: 'storage.remote.read-max-bytes-in-frame', type: 'string', default: '1048576', help: 'Maximum number of bytes in a single frame for streaming remote read response types before marshalling.' },
  { name: 'rules.alert.for-outage-tolerance', type: 'string', default: '1h', help: "Max time to tolerate prometheus outage for restoring \"for\" state of alert." },
  { name: 'rules.alert.for-grace-period', type: 'string', default: '10m', help: 'Minimum duration between alert and restored "for" state.' },
  { name: 'rules.alert.resend-delay', type: 'string', default: '1m', help: 'Minimum amount of time to wait before resending an alert to Alertmanager.' },
  { name: 'alertmanager.notification-queue-capacity', type: 'string', default: '10000', help: 'The capacity of the queue for pending Alertmanager notifications.' },
  { name: 'query.lookback-delta', type: 'string', default: '5m', help: 'The maximum lookback duration for retrieving metrics during expression evaluations and federation.' },
  { name: 'query.timeout', type: 'string', default: '2m', help: 'Maximum time a query may take before being aborted.' },
  { name: 'query.max-concurrency', type: 'string', default: '20', help: 'Maximum number of queries executed concurrently.' },
  { name: 'query.max-samples', type: 'string', default: '50000000', help: 'Maximum number of samples a single query can load into memory.' },
  { name: 'enable-feature', type: 'string', multiple: true, default: [], help: 'Comma separated feature names to enable.' },
  { name: 'scrape.discovery-reload-interval', type: 'string', default: '5s', help: 'Interval at which discovered target changes are applied to the scrape pools (Prometheus 3, hidden there).' },
  { name: 'storage.tsdb.retention', type: 'string', placeholder: '<duration>', help: '[DEPRECATED] How long to retain samples in storage. Use --storage.tsdb.retention.time instead.' },
  ...LOG_FLAGS,
];


/** Upstream's default time retention, used when neither retention flag is given: 15 days. */
export const DEFAULT_RETENTION_MS = 15 * 24 * 3600 * 1000;
const MAX_RETENTION_MS = 100 * 365 * 24 * 3600 * 1000;

/** TSDB settings from the `--storage.tsdb.*` flags; times in ms, sizes in bytes. */
export interface TSDBFlags {
  readonly path: string;
  /** 0 disables time retention (only when a size retention is set, as upstream). */
  readonly retentionMs: number;
  /** 0 disables size retention. */
  readonly retentionBytes: number;
  readonly minBlockDurationMs: number;
  /** Undefined: the DB's default (10% of the retention, at most 31d). */
  readonly maxBlockDurationMs: number | undefined;
  readonly walSegmentSize: number | undefined;
  readonly walCompression: boolean;
  readonly noLockfile: boolean;
  /** Upstream's `storageRetention` text for `status/runtimeinfo` (`15d`, `512MiB`, `15d or 512MiB`). */
  readonly retentionText: string;
}

/** PromQL engine limits from the `--query.*` flags. */
export interface QueryFlags {
  readonly lookbackDeltaMs: number;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  readonly maxSamples: number;
}

/** Remote storage settings from the `--storage.remote.*` flags. */
export interface RemoteFlags {
  readonly flushDeadlineMs: number;
  /** 0 means no limit. */
  readonly readSampleLimit: number;
  /** 0 means no limit. */
  readonly readConcurrentLimit: number;
  readonly readMaxBytesInFrame: number;
}

/** Every setting of `ignis server` resolved from its flags; see `resolveServerFlags`. */
export interface ServerOptions {
  readonly configFile: string;
  readonly listenAddress: string;
  /** `--web.config.file`; '' for plain HTTP without authentication. */
  readonly webConfigFile: string;
  /** `--web.external-url` as given, undefined when absent (derived from the host name and port). */
  readonly externalURL: string | undefined;
  /** `--web.route-prefix` as given, undefined when absent (the external URL's path). */
  readonly routePrefix: string | undefined;
  readonly enableLifecycle: boolean;
  readonly enableAdminAPI: boolean;
  readonly enableRemoteWriteReceiver: boolean;
  readonly corsOrigin: string;
  /** `--web.read-timeout`: the whole request must arrive within it; idle keep-alive connections close after it (0: none). */
  readonly readTimeoutMs: number;
  /** `--web.max-connections`: connections served at once; more wait unread (0: no limit). */
  readonly maxConnections: number;
  readonly tsdb: TSDBFlags;
  readonly query: QueryFlags;
  readonly remote: RemoteFlags;
  readonly discoveryReloadIntervalMs: number;
  /** `--rules.alert.resend-delay`, ms: the least time between two sends of an unchanged alert. */
  readonly resendDelayMs: number;
  /** `--alertmanager.notification-queue-capacity`: alerts waiting for Alertmanagers, at most. */
  readonly notificationQueueCapacity: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Every flag by name with its value as text, as `/api/v1/status/flags` shows them. */
  readonly flagValues: ReadonlyMap<string, string>;
}

function str(values: ParsedFlags['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function duration(values: ParsedFlags['values'], name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  try {
    return parseDuration(v);
  } catch (err) {
    throw new UsageError(`${(err as Error).message} for flag --${name}`);
  }
}

function bytes(values: ParsedFlags['values'], name: string): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  try {
    return parseBase2Bytes(v);
  } catch (err) {
    throw new UsageError(`${(err as Error).message} for flag --${name}`);
  }
}

/** Go's `strconv.ParseInt` on a flag (kingpin's int flags), with its error text. */
function int(values: ParsedFlags['values'], name: string): number {
  const v = String(values[name] ?? '');
  if (!/^[+-]?[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax for flag --${name}`);
  return Number(v);
}

/** Flag values as text, in the spec's order (booleans `true`/`false`, lists comma-joined). */
function flagTexts(values: ParsedFlags['values']): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of SERVER_FLAGS) {
    const v = values[f.name];
    out.set(f.name, v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
  }
  return out;
}

/**
 * Resolves parsed `ignis server` flags into `ServerOptions`, applying upstream's rules: the
 * deprecated `--storage.tsdb.retention` feeds the time retention; with neither a time nor a size
 * retention the time retention is 15d; retention is capped at 100y. Throws `UsageError` for a
 * malformed duration, size or integer.
 */
export function resolveServerFlags(values: ParsedFlags['values']): ServerOptions {
  let retentionMs = duration(values, 'storage.tsdb.retention.time') ?? duration(values, 'storage.tsdb.retention') ?? 0;
  const retentionBytes = bytes(values, 'storage.tsdb.retention.size') ?? 0;
  if (retentionMs === 0 && retentionBytes === 0) retentionMs = DEFAULT_RETENTION_MS;
  if (retentionMs > MAX_RETENTION_MS) retentionMs = MAX_RETENTION_MS;
  const parts: string[] = [];
  if (retentionMs > 0) parts.push(formatDuration(retentionMs));
  if (retentionBytes > 0) parts.push(formatBase2Bytes(retentionBytes));
  const tsdb: TSDBFlags = {
    path: str(values, 'storage.tsdb.path') ?? 'data/',
    retentionMs,
    retentionBytes,
    minBlockDurationMs: duration(values, 'storage.tsdb.min-block-duration') ?? 2 * 3600 * 1000,
    maxBlockDurationMs: duration(values, 'storage.tsdb.max-block-duration'),
    walSegmentSize: bytes(values, 'storage.tsdb.wal-segment-size'),
    walCompression: values['storage.tsdb.wal-compression'] !== false,
    noLockfile: values['storage.tsdb.no-lockfile'] === true,
    retentionText: parts.join(' or '),
  };
  const query: QueryFlags = {
    lookbackDeltaMs: duration(values, 'query.lookback-delta') ?? 5 * 60_000,
    timeoutMs: duration(values, 'query.timeout') ?? 2 * 60_000,
    maxConcurrency: int(values, 'query.max-concurrency'),
    maxSamples: int(values, 'query.max-samples'),
  };
  if (query.maxConcurrency < 1) throw new UsageError('--query.max-concurrency must be at least 1');
  const notificationQueueCapacity = int(values, 'alertmanager.notification-queue-capacity');
  if (notificationQueueCapacity < 1) throw new UsageError('--alertmanager.notification-queue-capacity must be at least 1');
  return {
    configFile: str(values, 'config.file') ?? 'prometheus.yml',
    listenAddress: str(values, 'web.listen-address') ?? '0.0.0.0:9090',
    webConfigFile: str(values, 'web.config.file') ?? '',
    externalURL: str(values, 'web.external-url'),
    routePrefix: str(values, 'web.route-prefix'),
    enableLifecycle: values['web.enable-lifecycle'] === true,
    enableAdminAPI: values['web.enable-admin-api'] === true,
    enableRemoteWriteReceiver: values['web.enable-remote-write-receiver'] === true,
    corsOrigin: typeof values['web.cors.origin'] === 'string' ? values['web.cors.origin'] : '.*',
    readTimeoutMs: duration(values, 'web.read-timeout') ?? 5 * 60_000,
    maxConnections: int(values, 'web.max-connections'),
    tsdb,
    query,
    remote: {
      flushDeadlineMs: duration(values, 'storage.remote.flush-deadline') ?? 60_000,
      readSampleLimit: int(values, 'storage.remote.read-sample-limit'),
      readConcurrentLimit: int(values, 'storage.remote.read-concurrent-limit'),
      readMaxBytesInFrame: int(values, 'storage.remote.read-max-bytes-in-frame'),
    },
    discoveryReloadIntervalMs: duration(values, 'scrape.discovery-reload-interval') ?? 5000,
    resendDelayMs: duration(values, 'rules.alert.resend-delay') ?? 60_000,
    notificationQueueCapacity,
    logLevel: (str(values, 'log.level') ?? 'info') as LogLevel,
    logFormat: (str(values, 'log.format') ?? 'logfmt') as LogFormat,
    flagValues: flagTexts(values),
  };
}
