/**
 * The selects a query will make, announced to queriers with asynchronous sources (remote read)
 * before evaluation: see `Querier.prefetch` in `storage/`.
 */
import type { SelectRequest } from '../../storage/index.js';
import { walkPlan, type Plan, type VectorSelectorPlan } from './plan.js';

/**
 * One request per distinct matcher list of the vector and matrix selectors in `plan`, with
 * hints spanning the querier's `[mint, maxt]` (a remote source reads that whole span once per
 * selector; the evaluator then picks what each step needs). A request asks for unsorted series
 * when every selector with its matchers is in `orderFree` (see `orderFreeSelectors`). Selects
 * made at evaluation time with matchers not in the plan (`info()`'s info series) are not among
 * them.
 */
export function planSelects(plan: Plan, mint: number, maxt: number, stepMs: number, orderFree: ReadonlySet<VectorSelectorPlan> = new Set()): SelectRequest[] {
  const byKey = new Map<string, { matchers: VectorSelectorPlan['matchers']; sort: boolean }>();
  walkPlan(plan, (n) => {
    if (n.kind !== 'vectorSelector') return;
    const key = n.matchers.map((m) => `${m.name}${m.type}${m.value}`).join('\u0000');
    const sort = !orderFree.has(n);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { matchers: n.matchers, sort });
    else seen.sort ||= sort;
  });
  const out: SelectRequest[] = [];
  for (const { matchers, sort } of byKey.values()) {
    out.push({ matchers, hints: { start: mint, end: maxt, step: stepMs }, ...(sort ? {} : { sortSeries: false }) });
  }
  return out;
}
