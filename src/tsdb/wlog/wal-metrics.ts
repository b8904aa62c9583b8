/**
 * The WAL writer's self-metrics under upstream's names (`prometheus_tsdb_wal_*`, or another prefix).
 */
import { Counter, Gauge, Summary, type Registry } from '../../util/index.js';

/** Collectors of one WAL writer; registered on `registry` when one is given. */
export class WalMetrics {
  readonly fsyncDuration: InstanceType<typeof Summary>;
  readonly pageFlushes: InstanceType<typeof Counter>;
  readonly pageCompletions: InstanceType<typeof Counter>;
  readonly truncateFail: InstanceType<typeof Counter>;
  readonly truncateTotal: InstanceType<typeof Counter>;
  readonly currentSegment: InstanceType<typeof Gauge>;
  readonly writesFailed: InstanceType<typeof Counter>;
  readonly recordPartWrites: InstanceType<typeof Counter>;
  readonly recordPartBytes: InstanceType<typeof Counter>;
  readonly recordBytesSaved: InstanceType<typeof Counter>;

  /**
   * `prefix` replaces `prometheus_tsdb_wal_` in every name: the out-of-order write-behind log
   * registers the same collectors as `prometheus_tsdb_out_of_order_wbl_*`, as upstream.
   */
  constructor(registry: Registry | undefined, prefix = 'prometheus_tsdb_wal_') {
    const registers = registry ? [registry] : [];
    this.fsyncDuration = new Summary({
      name: `${prefix}fsync_duration_seconds`,
      help: 'Duration of write log fsync.',
      percentiles: [0.5, 0.9, 0.99],
      registers,
    });
    this.pageFlushes = new Counter({ name: `${prefix}page_flushes_total`, help: 'Total number of page flushes.', registers });
    this.pageCompletions = new Counter({ name: `${prefix}completed_pages_total`, help: 'Total number of completed pages.', registers });
    this.truncateFail = new Counter({ name: `${prefix}truncations_failed_total`, help: 'Total number of write log truncations that failed.', registers });
    this.truncateTotal = new Counter({ name: `${prefix}truncations_total`, help: 'Total number of write log truncations attempted.', registers });
    this.currentSegment = new Gauge({ name: `${prefix}segment_current`, help: 'Write log segment index that TSDB is currently writing to.', registers });
    this.writesFailed = new Counter({ name: `${prefix}writes_failed_total`, help: 'Total number of write log writes that failed.', registers });
    this.recordPartWrites = new Counter({ name: `${prefix}record_part_writes_total`, help: 'Total number of record parts written.', registers });
    this.recordPartBytes = new Counter({ name: `${prefix}record_parts_bytes_written_total`, help: 'Total number of record part bytes written.', registers });
    this.recordBytesSaved = new Counter({
      name: `${prefix}record_bytes_saved_total`,
      help: 'Total number of bytes saved by the optional record compression.',
      labelNames: ['compression'],
      registers,
    });
  }
}
