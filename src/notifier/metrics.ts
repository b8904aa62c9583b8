/**
 * The notifier's self-metrics under Prometheus' names (`prometheus_notifications_*`). Per
 * Alertmanager series are labelled with its URL and exist (at 0) from the moment it is
 * discovered; they are removed when no configuration has it any more.
 */
import { Counter, Gauge, Summary, type Registry } from '../util/index.js';

/** Quantiles of upstream's latency summary. */
const OBJECTIVES = [0.5, 0.9, 0.99];

/** The notifier's collectors, registered on one registry. */
export class NotifierMetrics {
  /** `prometheus_notifications_latency_seconds{alertmanager}`: seconds per request. */
  readonly latency: InstanceType<typeof Summary<'alertmanager'>>;
  /** `prometheus_notifications_errors_total{alertmanager}`: failed requests. */
  readonly errors: InstanceType<typeof Counter<'alertmanager'>>;
  /** `prometheus_notifications_sent_total{alertmanager}`: alerts in requests, failed ones included (as upstream). */
  readonly sent: InstanceType<typeof Counter<'alertmanager'>>;
  /** `prometheus_notifications_dropped_total`: alerts no Alertmanager took, or pushed out of a full queue. */
  readonly dropped: InstanceType<typeof Counter>;

  /**
   * Registers the collectors on `registry` (none: not exported); the queue gauges and the count
   * of discovered Alertmanagers are read from `queueLength`, `capacity` and `discovered` when
   * scraped.
   */
  constructor(registry: Registry | undefined, capacity: number, queueLength: () => number, discovered: () => number) {
    const registers = registry ? [registry] : [];
    this.latency = new Summary({
      name: 'prometheus_notifications_latency_seconds',
      help: 'Latency quantiles for sending alert notifications.',
      labelNames: ['alertmanager'],
      percentiles: OBJECTIVES,
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.errors = new Counter({ name: 'prometheus_notifications_errors_total', help: 'Total number of errors sending alert notifications.', labelNames: ['alertmanager'], registers });
    this.sent = new Counter({ name: 'prometheus_notifications_sent_total', help: 'Total number of alerts sent.', labelNames: ['alertmanager'], registers });
    this.dropped = new Counter({ name: 'prometheus_notifications_dropped_total', help: 'Total number of alerts dropped due to errors when sending to Alertmanager.', registers });
    new Gauge({
      name: 'prometheus_notifications_queue_length',
      help: 'The number of alert notifications in the queue.',
      registers,
      collect() {
        this.set(queueLength());
      },
    });
    new Gauge({ name: 'prometheus_notifications_queue_capacity', help: 'The capacity of the alert notifications queue.', registers }).set(capacity);
    new Gauge({
      name: 'prometheus_notifications_alertmanagers_discovered',
      help: 'The number of alertmanagers discovered and active.',
      registers,
      collect() {
        this.set(discovered());
      },
    });
  }

  /** Creates the per-Alertmanager counters at 0 (upstream does so when it discovers one). */
  init(url: string): void {
    this.errors.inc({ alertmanager: url }, 0);
    this.sent.inc({ alertmanager: url }, 0);
  }

  /** Removes the series of an Alertmanager no configuration has any more. */
  remove(url: string): void {
    this.errors.remove({ alertmanager: url });
    this.sent.remove({ alertmanager: url });
    this.latency.remove({ alertmanager: url });
  }
}
