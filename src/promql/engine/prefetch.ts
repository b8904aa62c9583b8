/**
 * The selects a query will make, announced to queriers with asynchronous sources (remote read)
 * before evaluation: see `Querier.prefetch` in `storage/`.
 */
import type { SelectRequest } from '../../storage/index.js';
import { walkPlan, type Plan } from './plan.js';

/**
 * One request per distinct matcher list of the vector and matrix selectors in `plan`, with
 * hints spanning the querier's `[mint, maxt]` (a remote source reads that whole span once per
 * selector; the evaluator then picks what each step needs). Selects made at evaluation time
 * with matchers not in the plan (`info()`'s info series) are not among them.
 */
export function planSelects(plan: Plan, mint: number, maxt: number, stepMs: number): SelectRequest[] {
  const out: SelectRequest[] = [];
  const seen = new Set<string>();
  walkPlan(plan, (n) => {
    if (n.kind !== 'vectorSelector') return;
    const key = n.matchers.map((m) => `${m.name}${m.type}${m.value}`).join('\u0000');
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ matchers: n.matchers, hints: { start: mint, end: maxt, step: stepMs } });
  });
  return out;
}
