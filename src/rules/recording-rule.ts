/**
 * A recording rule: an expression whose instant result is stored under a new metric name
 * (`record`) with the rule's labels applied, plus the health and timing of its last evaluation
 * as `/api/v1/rules` shows them.
 */
import { Labels, LabelsBuilder, METRIC_NAME } from '../model/labels/index.js';
import type { QueryFunc } from './query-func.js';
import type { RuleSpec } from './rule-file.js';
import { RuleEvalError, RuleStatus } from './rule-status.js';

export { RuleEvalError, type RuleHealth } from './rule-status.js';

/** One output series of an evaluation: the final labels, their `labelsKey` and the value. */
export interface RecordedSample {
  readonly labels: Labels;
  /** `labelsKey(labels)`, computed once by the rule (the group keys its staleness tracking by it). */
  readonly key: string;
  readonly f: number;
}

/** Upstream's text for two output samples with one label set. */
export const DUPLICATE_LABELSET = 'vector contains metrics with the same labelset after applying rule labels';

/** A recording rule built from a validated `RuleSpec` (with `record` set and `parsed` present). */
export class RecordingRule extends RuleStatus {
  /** The rule's `labels`, sorted (empty values kept out: they delete a label). */
  readonly labels: Labels;
  readonly #setLabels: readonly (readonly [string, string])[];

  constructor(spec: RuleSpec) {
    if (spec.record === '' || spec.parsed === undefined) throw new Error(`BUG: RecordingRule needs a parsed recording rule, got ${JSON.stringify(spec.record || spec.alert)}`);
    super(spec.record, spec.parsed);
    this.#setLabels = [...spec.labels];
    this.labels = Labels.fromPairs(this.#setLabels);
  }

  /**
   * Evaluates the rule at `t` (ms): every sample renamed to the record name with the rule's
   * labels applied. Throws `RuleEvalError` (and the query's error as its cause) for a failed
   * query, two samples with one label set, or more than `limit` samples (0: no limit).
   */
  async eval(query: QueryFunc, t: number, limit: number): Promise<RecordedSample[]> {
    const samples = await this.run(query, t);
    const out: RecordedSample[] = [];
    const seen = new Set<string>();
    const b = new LabelsBuilder();
    for (const s of samples) {
      b.reset(s.metric);
      b.set(METRIC_NAME, this.name);
      for (const [n, v] of this.#setLabels) b.set(n, v);
      const labels = b.labels();
      const key = labelsKey(labels);
      if (seen.has(key)) throw new RuleEvalError(DUPLICATE_LABELSET);
      seen.add(key);
      out.push({ labels, key, f: s.f });
    }
    if (limit > 0 && out.length > limit) throw new RuleEvalError(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }

  /** True when `other` would compute the same series (name, expression and labels). */
  sameAs(other: RecordingRule): boolean {
    return this.name === other.name && this.query === other.query && this.labels.equals(other.labels);
  }
}

/** An exact identity of a label set (names and values cannot hold U+FFFF separators in practice). */
export function labelsKey(labels: Labels): string {
  return labels.toFlat().join('\uffff');
}
