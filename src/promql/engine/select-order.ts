/**
 * Which selectors of a plan may read their series in any order: the select then skips the
 * storage's label sort (for the head, ordering a 100k-series selection), as upstream's engine
 * selects without sorting. Ignis keeps label order wherever it can show: in an instant query's
 * output order, in ties (`topk`, `sort`), in the order of groups and of vector matching, and for
 * selectors whose series reach a range query's output one by one (sorting them there would
 * compare labels, which costs more than the storage's sort).
 */
import type { AggregateOp, AggregatePlan, Plan, VectorSelectorPlan } from './plan.js';

/**
 * Aggregations whose value per group does not depend on the order of their input (up to the
 * rounding of float sums, which upstream leaves to its own unsorted selects) and whose groups
 * are found by key: `topk`, `bottomk`, `limitk` and `quantile`-like ones are left out.
 */
const ORDER_FREE_AGGREGATIONS: ReadonlySet<AggregateOp> = new Set<AggregateOp>(['sum', 'avg', 'count', 'min', 'max', 'group']);

/**
 * Functions that map each input series to at most one output series with the same identity,
 * in input order, without looking at other series: input order only becomes output order.
 */
const PER_SERIES_FUNCTIONS: ReadonlySet<string> = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'predict_linear', 'changes', 'resets',
  'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time',
  'last_over_time', 'present_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time',
  'mad_over_time', 'first_over_time', 'ts_of_max_over_time', 'ts_of_min_over_time', 'ts_of_last_over_time',
  'ts_of_first_over_time', 'double_exponential_smoothing', 'holt_winters',
  'abs', 'ceil', 'floor', 'round', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'clamp', 'clamp_min',
  'clamp_max', 'timestamp', 'deg', 'rad', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh',
  'tanh', 'asinh', 'acosh', 'atanh',
]);

/** True when an aggregation puts every input series in one group (`agg(…)`, `agg by () (…)`). */
function singleGroup(agg: AggregatePlan): boolean {
  return !agg.without && agg.grouping.length === 0;
}

/**
 * The vector selectors of `plan` (also those inside matrix selectors) whose series order cannot
 * change the query's result: each feeds, through per-series functions, unary minus and
 * arithmetic with scalars, an order-free aggregation (`ORDER_FREE_AGGREGATIONS`) whose own output
 * order does not matter either, because it has one group or because the range query's output is
 * sorted at the end anyway (`rangeQuery`). Selectors under subqueries, vector matching and other
 * functions keep label order.
 */
export function orderFreeSelectors(plan: Plan, rangeQuery: boolean): ReadonlySet<VectorSelectorPlan> {
  const out = new Set<VectorSelectorPlan>();
  // free: this node's output order does not matter; underAgg: it feeds an order-free aggregation.
  const visit = (p: Plan, free: boolean, underAgg: boolean): void => {
    switch (p.kind) {
      case 'vectorSelector':
        if (free && underAgg) out.add(p);
        return;
      case 'matrixSelector':
        visit(p.selector, free, underAgg);
        return;
      case 'aggregate': {
        if (p.param) visit(p.param, false, false);
        const ok = ORDER_FREE_AGGREGATIONS.has(p.op) && (free || singleGroup(p));
        visit(p.expr, ok, ok);
        return;
      }
      case 'call': {
        const per = PER_SERIES_FUNCTIONS.has(p.name);
        for (const a of p.args) visit(a, per && a.type !== 'scalar' && free, per && underAgg);
        return;
      }
      case 'unary':
        visit(p.expr, free, underAgg);
        return;
      case 'binary': {
        const vecScalar = p.lhs.type === 'scalar' || p.rhs.type === 'scalar';
        visit(p.lhs, vecScalar && p.lhs.type !== 'scalar' && free, underAgg);
        visit(p.rhs, vecScalar && p.rhs.type !== 'scalar' && free, underAgg);
        return;
      }
      case 'subquery':
        visit(p.expr, false, false);
        return;
      default:
        return;
    }
  };
  visit(plan, rangeQuery, false);
  return out;
}
