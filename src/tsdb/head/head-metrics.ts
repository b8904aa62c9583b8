/**
 * The head's self-metrics under upstream's names, so that Prometheus dashboards work unchanged.
 */
import { Counter, Gauge, Histogram, Summary, type Registry } from '../../util/index.js';

type C = InstanceType<typeof Counter>;
type G = InstanceType<typeof Gauge>;
type S = InstanceType<typeof Summary>;
type H = InstanceType<typeof Histogram>;

/** Collectors of one head; registered on `registry` when given (else unregistered, still counting). */
export class HeadMetrics {
  readonly series: G;
  readonly seriesCreated: C;
  readonly seriesRemoved: C;
  readonly seriesNotFound: C;
  readonly chunks: G;
  readonly chunksCreated: C;
  readonly chunksRemoved: C;
  readonly samplesAppended: C;
  readonly outOfBound: C;
  readonly outOfOrder: C;
  readonly minTime: G;
  readonly maxTime: G;
  readonly gcDuration: S;
  readonly truncations: C;
  readonly truncationsFailed: C;
  readonly walCorruptions: C;
  readonly walTruncateDuration: S;
  readonly checkpointCreations: C;
  readonly checkpointCreationsFailed: C;
  readonly checkpointDeletions: C;
  readonly checkpointDeletionsFailed: C;
  readonly activeAppenders: G;
  readonly replayDuration: G;
  readonly walWriteFailures: C;
  /** How far behind the head's newest sample an out-of-order sample was, in seconds (observed in `ooo-append.ts`). */
  readonly oooDelta: H;

  constructor(registry: Registry | undefined, getTimes: () => { min: number; max: number }) {
    const registers = registry ? [registry] : [];
    const c = (name: string, help: string, labelNames: string[] = []): C => new Counter({ name, help, labelNames, registers });
    const g = (name: string, help: string): G => new Gauge({ name, help, registers });
    this.series = g('prometheus_tsdb_head_series', 'Total number of series in the head block.');
    this.seriesCreated = c('prometheus_tsdb_head_series_created_total', 'Total number of series created in the head');
    this.seriesRemoved = c('prometheus_tsdb_head_series_removed_total', 'Total number of series removed in the head');
    this.seriesNotFound = c('prometheus_tsdb_head_series_not_found_total', 'Total number of requests for series that were not found.');
    this.chunks = g('prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.');
    this.chunksCreated = c('prometheus_tsdb_head_chunks_created_total', 'Total number of chunks created in the head');
    this.chunksRemoved = c('prometheus_tsdb_head_chunks_removed_total', 'Total number of chunks removed in the head');
    this.samplesAppended = c('prometheus_tsdb_head_samples_appended_total', 'Total number of appended samples.', ['type']);
    this.outOfBound = c('prometheus_tsdb_out_of_bound_samples_total', 'Total number of out of bound samples ingestion failed attempts with out of order support disabled.', ['type']);
    this.outOfOrder = c('prometheus_tsdb_out_of_order_samples_total', 'Total number of out of order samples ingestion failed attempts due to out of order being disabled.', ['type']);
    // Gauges that read the head's bounds at scrape time; an empty head reports upstream's sentinels' spirit (0).
    const gt = (name: string, help: string, pick: (x: { min: number; max: number }) => number, scale: number): G => {
      const gauge: G = new Gauge({
        name,
        help,
        registers,
        collect() {
          const v = pick(getTimes());
          gauge.set(Number.isFinite(v) ? v / scale : 0);
        },
      });
      return gauge;
    };
    this.minTime = gt('prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', (x) => x.min, 1);
    this.maxTime = gt('prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', (x) => x.max, 1);
    gt('prometheus_tsdb_head_min_time_seconds', 'Minimum time bound of the head block.', (x) => x.min, 1000);
    gt('prometheus_tsdb_head_max_time_seconds', 'Maximum timestamp of the head block.', (x) => x.max, 1000);
    this.gcDuration = new Summary({ name: 'prometheus_tsdb_head_gc_duration_seconds', help: 'Runtime of garbage collection in the head block.', registers });
    this.truncations = c('prometheus_tsdb_head_truncations_total', 'Total number of head truncations attempted.');
    this.truncationsFailed = c('prometheus_tsdb_head_truncations_failed_total', 'Total number of head truncations that failed.');
    this.walCorruptions = c('prometheus_tsdb_wal_corruptions_total', 'Total number of WAL corruptions.');
    this.walTruncateDuration = new Summary({ name: 'prometheus_tsdb_wal_truncate_duration_seconds', help: 'Duration of WAL truncation.', registers });
    this.checkpointCreations = c('prometheus_tsdb_checkpoint_creations_total', 'Total number of checkpoint creations attempted.');
    this.checkpointCreationsFailed = c('prometheus_tsdb_checkpoint_creations_failed_total', 'Total number of checkpoint creations that failed.');
    this.checkpointDeletions = c('prometheus_tsdb_checkpoint_deletions_total', 'Total number of checkpoint deletions attempted.');
    this.checkpointDeletionsFailed = c('prometheus_tsdb_checkpoint_deletions_failed_total', 'Total number of checkpoint deletions that failed.');
    this.activeAppenders = g('prometheus_tsdb_head_active_appenders', 'Number of currently active appender transactions');
    this.replayDuration = g('prometheus_tsdb_data_replay_duration_seconds', 'Time taken to replay the data on disk.');
    // Upstream's buckets: 10 min, 30 min, 1 h, 2 h, 3 h, 6 h, 12 h.
    this.oooDelta = new Histogram({
      name: 'prometheus_tsdb_sample_ooo_delta',
      help: 'Delta in seconds by which a sample is considered out of order.',
      buckets: [600, 1800, 3600, 7200, 10800, 21600, 43200],
      registers,
    });
    this.walWriteFailures = c('ignis_tsdb_head_commit_wal_failures_total', 'Commits that failed because the WAL could not be written (disk full, I/O error); nothing of them was applied.');
  }
}
