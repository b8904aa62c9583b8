/**
 * The `duplicate-rules` lint of `promtool check rules`: rules that would write the same series,
 * that is the same name (alert name, else record name) with the same label set, whatever
 * their expressions and groups.
 */
import { compareStrings } from '../model/labels/index.js';
import type { RuleGroupSpec } from './rule-file.js';

/** A rule name with its sorted labels, as the lint compares them. */
export interface DuplicateRule {
  readonly metric: string;
  /** `[name, value]` pairs sorted by name. */
  readonly labels: readonly (readonly [string, string])[];
}

function compareRules(a: DuplicateRule, b: DuplicateRule): number {
  const c = compareStrings(a.metric, b.metric);
  if (c !== 0) return c;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a.labels[i]!;
    const [bn, bv] = b.labels[i]!;
    const d = compareStrings(an, bn) || compareStrings(av, bv);
    if (d !== 0) return d;
  }
  return a.labels.length - b.labels.length;
}

/**
 * Each name + label set that more than one rule of `groups` has, once, ordered by name then
 * labels (the order upstream reports them in).
 */
export function findDuplicateRules(groups: readonly RuleGroupSpec[]): DuplicateRule[] {
  const all: DuplicateRule[] = [];
  for (const g of groups) {
    for (const r of g.rules) {
      const labels = [...r.labels].sort((x, y) => compareStrings(x[0], y[0]));
      all.push({ metric: r.alert !== '' ? r.alert : r.record, labels });
    }
  }
  all.sort(compareRules);
  const out: DuplicateRule[] = [];
  for (let i = 1; i < all.length; i++) {
    if (compareRules(all[i - 1]!, all[i]!) !== 0) continue;
    if (out.length === 0 || compareRules(out[out.length - 1]!, all[i]!) !== 0) out.push(all[i]!);
  }
  return out;
}

/** promtool's lint text for `dups` (non-empty), without the leading `lint error `. */
export function formatDuplicateRules(dups: readonly DuplicateRule[]): string {
  let s = `${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    s += `Metric: ${d.metric}\nLabel(s):\n`;
    for (const [n, v] of d.labels) s += `\t${n}: ${v}\n`;
  }
  return `${s}Might cause inconsistency while recording expressions`;
}
