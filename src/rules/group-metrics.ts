/**
 * The rule-group self-metrics under Prometheus' names, labelled `rule_group="<file>;<group>"`.
 * One instance per rule manager (one registry); groups remove their series when they stop.
 */
import { Counter, Gauge, Summary, type Registry } from '../util/index.js';

type C = InstanceType<typeof Counter<'rule_group'>>;
type G = InstanceType<typeof Gauge<'rule_group'>>;

/** The collectors every group updates; see upstream's `rules` package metrics. */
export class GroupMetrics {
  readonly evaluations: C;
  readonly failures: C;
  readonly iterations: C;
  readonly missed: C;
  readonly lastDuration: G;
  readonly interval: G;
  readonly rules: G;
  readonly lastEvaluation: G;
  /** `prometheus_rule_evaluation_duration_seconds`: one observation per rule evaluation, all groups. */
  readonly ruleDuration: InstanceType<typeof Summary>;
  /** `prometheus_rule_group_duration_seconds`: one observation per group evaluation, all groups. */
  readonly groupDuration: InstanceType<typeof Summary>;

  /** Creates the collectors and registers them on `registry` (none: unregistered, for tests). */
  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    const labelNames = ['rule_group'] as const;
    const counter = (name: string, help: string): C => new Counter({ name, help, labelNames, registers });
    const gauge = (name: string, help: string): G => new Gauge({ name, help, labelNames, registers });
    this.evaluations = counter('prometheus_rule_evaluations_total', 'The total number of rule evaluations.');
    this.failures = counter('prometheus_rule_evaluation_failures_total', 'The total number of rule evaluation failures.');
    this.iterations = counter('prometheus_rule_group_iterations_total', 'The total number of scheduled rule group evaluations, whether executed or missed.');
    this.missed = counter('prometheus_rule_group_iterations_missed_total', 'The total number of rule group evaluations missed due to slow rule group evaluation.');
    this.lastDuration = gauge('prometheus_rule_group_last_duration_seconds', 'The duration of the last rule group evaluation.');
    this.interval = gauge('prometheus_rule_group_interval_seconds', 'The interval of a rule group.');
    this.rules = gauge('prometheus_rule_group_rules', 'The number of rules.');
    const percentiles = [0.5, 0.9, 0.99];
    this.ruleDuration = new Summary({ name: 'prometheus_rule_evaluation_duration_seconds', help: 'The duration for a rule to execute.', percentiles, registers });
    this.groupDuration = new Summary({ name: 'prometheus_rule_group_duration_seconds', help: 'The duration of rule group evaluations.', percentiles, registers });
    this.lastEvaluation = gauge('prometheus_rule_group_last_evaluation_timestamp_seconds', 'The timestamp of the last rule group evaluation in seconds.');
  }

  /** Creates the series of group `key` with zero counters (as upstream, so rates start at 0). */
  init(key: string, intervalMs: number, numRules: number): void {
    const l = { rule_group: key };
    for (const c of [this.evaluations, this.failures, this.iterations, this.missed]) c.inc(l, 0);
    this.interval.set(l, intervalMs / 1000);
    this.rules.set(l, numRules);
  }

  /** Removes every series of group `key`. */
  remove(key: string): void {
    const l = { rule_group: key };
    for (const m of [this.evaluations, this.failures, this.iterations, this.missed, this.lastDuration, this.interval, this.rules, this.lastEvaluation]) m.remove(l);
  }
}
