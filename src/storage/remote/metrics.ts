/**
 * Remote storage self-metrics under Prometheus 2.42's names and help texts
 * (`prometheus_remote_storage_*`), so that the remote write dashboards and alerts people use
 * with Prometheus work on Ignis. Per-queue series carry the `remote_name` and `url` labels, as
 * upstream's constant labels do. One `RemoteStorageMetrics` per registry (`forRegistry`).
 */
import { Counter, Gauge, Histogram, type Registry } from '../../util/index.js';

type CounterT = InstanceType<typeof Counter<string>>;
type GaugeT = InstanceType<typeof Gauge<string>>;
type HistogramT = InstanceType<typeof Histogram<string>>;

/** Prometheus' `DefBuckets` plus the long tail upstream adds for sends. */
const SEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300];
/** `DefBuckets` plus 25 s and 60 s, upstream's buckets for remote read requests. */
const READ_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60];
const QUEUE_LABELS = ['remote_name', 'url'];

/** The metrics of one queue: children of the shared metric families with its labels bound. */
export interface QueueMetrics {
  samplesTotal: { inc(n?: number): void };
  failedSamplesTotal: { inc(n?: number): void };
  retriedSamplesTotal: { inc(n?: number): void };
  droppedSamplesTotal: { inc(n?: number): void };
  enqueueRetriesTotal: { inc(n?: number): void };
  sentBytesTotal: { inc(n?: number): void };
  sentBatchDuration: { observe(v: number): void };
  highestSentTimestamp: { set(v: number): void };
  pendingSamples: { set(v: number): void; inc(n?: number): void; dec(n?: number): void };
  shardCapacity: { set(v: number): void };
  numShards: { set(v: number): void };
  maxNumShards: { set(v: number): void };
  minNumShards: { set(v: number): void };
  desiredNumShards: { set(v: number): void };
  maxSamplesPerSend: { set(v: number): void };
  /** Removes this queue's series (the queue was removed by a reload). */
  remove(): void;
}

/** The metrics of one `remote_read` client, labels bound. */
export interface ReadClientMetrics {
  /** `prometheus_remote_storage_remote_read_queries`: requests in flight. */
  inFlight: { inc(n?: number): void; dec(n?: number): void };
  /** Counts a request answered with HTTP `code` that took `seconds`. */
  answered(code: number, seconds: number): void;
  /** Removes this client's series (the entry was removed by a reload). */
  remove(): void;
}

const cache = new WeakMap<Registry, RemoteStorageMetrics>();

/** Every remote storage metric family, registered once on a registry. */
export class RemoteStorageMetrics {
  readonly samplesIn: CounterT;
  readonly highestTimestampIn: GaugeT;
  readonly #families: Record<string, CounterT | GaugeT | HistogramT>;
  /** `prometheus_api_remote_read_queries`: requests the remote read handler is serving or queueing. */
  readonly readQueries: GaugeT;
  readonly readQueriesTotal: CounterT;
  readonly readQueryDuration: HistogramT;
  readonly remoteReadQueries: GaugeT;
  /** Clients per `remote_name`/`url` (a reload builds the new client before closing the old). */
  readonly #readClients = new Map<string, { users: number; codes: Set<string> }>();

  /** The metrics of `registry`, created and registered on first use. */
  static forRegistry(registry: Registry): RemoteStorageMetrics {
    let m = cache.get(registry);
    if (!m) {
      m = new RemoteStorageMetrics(registry);
      cache.set(registry, m);
    }
    return m;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    const ns = 'prometheus_remote_storage_';
    const counter = (name: string, help: string) => new Counter({ name: ns + name, help, labelNames: QUEUE_LABELS, registers });
    const gauge = (name: string, help: string) => new Gauge({ name: ns + name, help, labelNames: QUEUE_LABELS, registers });
    this.samplesIn = new Counter({ name: ns + 'samples_in_total', help: 'Samples in to remote storage, compare to samples out for queue managers.', registers });
    this.highestTimestampIn = new Gauge({ name: ns + 'highest_timestamp_in_seconds', help: 'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.', registers });
    this.#families = {
      samplesTotal: counter('samples_total', 'Total number of samples sent to remote storage.'),
      failedSamplesTotal: counter('samples_failed_total', 'Total number of samples which failed on send to remote storage, non-recoverable errors.'),
      retriedSamplesTotal: counter('samples_retried_total', 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.'),
      droppedSamplesTotal: counter('samples_dropped_total', 'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.'),
      enqueueRetriesTotal: counter('enqueue_retries_total', 'Total number of times enqueue has failed because a shards queue was full.'),
      sentBytesTotal: counter('bytes_total', 'The total number of bytes of data (not metadata) sent by the queue after compression. Note that when exemplars over remote write is enabled the exemplars included in a remote write request count towards this metric.'),
      sentBatchDuration: new Histogram({ name: ns + 'sent_batch_duration_seconds', help: 'Duration of send calls to the remote storage.', labelNames: QUEUE_LABELS, buckets: SEND_BUCKETS, registers }),
      highestSentTimestamp: gauge('queue_highest_sent_timestamp_seconds', 'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.'),
      pendingSamples: gauge('samples_pending', 'The number of samples pending in the queues shards to be sent to the remote storage.'),
      shardCapacity: gauge('shard_capacity', 'The capacity of each shard of the queue used for parallel sending to the remote storage.'),
      numShards: gauge('shards', 'The number of shards used for parallel sending to the remote storage.'),
      maxNumShards: gauge('shards_max', 'The maximum number of shards that the queue is allowed to run.'),
      minNumShards: gauge('shards_min', 'The minimum number of shards that the queue is allowed to run.'),
      desiredNumShards: gauge('shards_desired', 'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.'),
      maxSamplesPerSend: gauge('max_samples_per_send', 'The maximum number of samples to be sent, in a single request, to the remote storage. Note that, when sending of exemplars over remote write is enabled, exemplars count towards this limt.'),
    };
    this.readQueries = new Gauge({ name: 'prometheus_api_remote_read_queries', help: 'The current number of remote read queries being executed or waiting.', registers });
    this.readQueriesTotal = new Counter({ name: ns + 'read_queries_total', help: 'The total number of remote read queries.', labelNames: [...QUEUE_LABELS, 'code'], registers });
    this.readQueryDuration = new Histogram({ name: ns + 'read_request_duration_seconds', help: 'Histogram of the latency for remote read requests.', labelNames: QUEUE_LABELS, buckets: READ_BUCKETS, registers });
    this.remoteReadQueries = gauge('remote_read_queries', 'The number of in-flight remote read queries.');
  }

  /**
   * The metrics of the `remote_read` client `remoteName` reading from `url` (redacted). As
   * upstream, the in-flight gauge and the duration histogram exist from the start, while
   * `read_queries_total` gets a series per HTTP status once one was answered; requests that got
   * no answer (connection errors, timeouts) are counted nowhere but in the warning they cause.
   */
  readClient(remoteName: string, url: string): ReadClientMetrics {
    const key = `${remoteName}\n${url}`;
    let shared = this.#readClients.get(key);
    if (!shared) {
      this.readQueryDuration.zero({ remote_name: remoteName, url });
      shared = { users: 0, codes: new Set<string>() };
      this.#readClients.set(key, shared);
    }
    shared.users++;
    const s = shared;
    const inFlight = this.remoteReadQueries.labels(remoteName, url);
    inFlight.inc(0);
    const duration = this.readQueryDuration.labels(remoteName, url);
    let removed = false;
    return {
      inFlight,
      answered: (code, seconds) => {
        duration.observe(seconds);
        s.codes.add(String(code));
        this.readQueriesTotal.labels(remoteName, url, String(code)).inc();
      },
      remove: () => {
        if (removed) return;
        removed = true;
        if (--s.users > 0) return;
        this.#readClients.delete(key);
        this.remoteReadQueries.remove(remoteName, url);
        this.readQueryDuration.remove(remoteName, url);
        for (const c of s.codes) this.readQueriesTotal.remove(remoteName, url, c);
      },
    };
  }


  /** The metrics of queue `remoteName` sending to `url` (redacted). */
  queue(remoteName: string, url: string): QueueMetrics {
    const f = this.#families;
    const child = (k: string) => {
      const c = (f[k] as CounterT).labels(remoteName, url);
      c.inc(0); // exported as 0 from the start, like upstream's constant-label counters
      return c;
    };
    const gauge = (k: string) => (f[k] as GaugeT).labels(remoteName, url);
    return {
      samplesTotal: child('samplesTotal'),
      failedSamplesTotal: child('failedSamplesTotal'),
      retriedSamplesTotal: child('retriedSamplesTotal'),
      droppedSamplesTotal: child('droppedSamplesTotal'),
      enqueueRetriesTotal: child('enqueueRetriesTotal'),
      sentBytesTotal: child('sentBytesTotal'),
      sentBatchDuration: (f.sentBatchDuration as HistogramT).labels(remoteName, url),
      highestSentTimestamp: gauge('highestSentTimestamp'),
      pendingSamples: gauge('pendingSamples'),
      shardCapacity: gauge('shardCapacity'),
      numShards: gauge('numShards'),
      maxNumShards: gauge('maxNumShards'),
      minNumShards: gauge('minNumShards'),
      desiredNumShards: gauge('desiredNumShards'),
      maxSamplesPerSend: gauge('maxSamplesPerSend'),
      remove: () => {
        for (const m of Object.values(f)) m.remove(remoteName, url);
      },
    };
  }
}
