/**
 * Aggregations that select or count rather than fold: `topk`, `bottomk`, `limitk`,
 * `limit_ratio`, `quantile` and `count_values`.
 */
import { Labels, isValidLabelName } from '../../model/labels/index.js';
import { groupSeries } from './aggregations.js';
import { AnnotationText } from './annotations.js';
import { EvalError, UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { formatFloatF, goQuote } from '../parser/index.js';
import { quantileSorted } from './functions/index.js';
import { sortNaNFirst } from './functions/index.js';
import type { AggregatePlan } from './plan.js';
import { SeriesCollector } from './series-set.js';
import { isHistPoint, markHist, newStepSeries, type StepSeries } from './value.js';

const TWO_POW_53 = 2 ** 53;

/** Evaluates topk/bottomk/limitk/limit_ratio/quantile/count_values. */
export async function evalKAggregate(ev: Evaluator, agg: AggregatePlan): Promise<StepSeries[]> {
  const annotations = ev.shared.annotations;
  let param: Float64Array | undefined;
  let label = '';
  if (agg.op === 'count_values') {
    label = await ev.evalString(agg.param!);
    if (!isValidLabelName(label, 'utf8')) throw new EvalError(`invalid label name ${goQuote(label)}`);
  } else {
    param = await ev.evalScalar(agg.param!);
  }
  const input = await ev.evalVector(agg.expr);
  const grouping = await groupSeries(input, agg.grouping, agg.without, ev.shared.control);
  const G = grouping.labels.length;
  const numSteps = ev.range.numSteps;
  const members: number[][] = Array.from({ length: G }, () => []);
  const values = new Float64Array(input.length);
  const scratch = new Float64Array(input.length);
  const control = ev.shared.control;
  // Selection outputs keep the input series' identity: one output series per selected input.
  const selected: (StepSeries | undefined)[] = new Array(input.length);
  const order: StepSeries[] = [];
  const emit = (i: number, step: number, v: number): void => {
    let s = selected[i];
    if (!s) {
      s = newStepSeries(input[i]!.metric, numSteps, input[i]!.dropName);
      selected[i] = s;
      order.push(s);
    }
    s.f[step] = v;
    s.has[step] = 1;
    s.count++;
    if (isHistPoint(input[i]!, step)) markHist(s, step);
  };
  // limitk and limit_ratio pass native histograms through; the others ignore them (with an
  // info), and count_values would need their text form.
  const keepsHist = agg.op === 'limitk' || agg.op === 'limit_ratio';
  const quantileOut: StepSeries[] = agg.op === 'quantile' ? grouping.labels.map((l, g) => newStepSeries(l, numSteps, grouping.dropName[g])) : [];
  const counted = agg.op === 'count_values' ? new SeriesCollector(numSteps) : undefined;
  const countLabels = new Map<string, Labels>();
  let warnedRatio = false;
  let warnedQuantile = false;

  if (param && agg.op !== 'quantile') {
    // A NaN parameter is an error even where there is nothing to select.
    for (let step = 0; step < param.length; step++) {
      if (Number.isNaN(param[step])) throw new EvalError(agg.op === 'limit_ratio' ? 'Ratio value is NaN' : 'Parameter value is NaN');
    }
  }
  for (let step = 0; step < numSteps; step++) {
    for (const m of members) m.length = 0;
    let present = 0;
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      if (!s.has[step]) continue;
      if (!keepsHist && isHistPoint(s, step)) {
        if (agg.op === 'count_values') throw new UnsupportedHistogramError('count_values of native histograms', 'feature');
        annotations.info(AnnotationText.histogramIgnoredInAggregation(agg.op), agg.expr.pos);
        continue;
      }
      values[i] = s.f[step]!;
      members[grouping.groupOf[i]!]!.push(i);
      present++;
    }
    if (present === 0) continue;
    const p = param ? param[step]! : 0;
    switch (agg.op) {
      case 'topk':
      case 'bottomk': {
        if (Number.isNaN(p)) throw new EvalError('Parameter value is NaN');
        const k = Math.min(Math.trunc(Math.min(p, Number.MAX_SAFE_INTEGER)), input.length);
        if (k < 1) break;
        const top = agg.op === 'topk';
        for (const m of members) {
          if (m.length === 0) continue;
          const n = selectTop(m, values, k, top);
          for (let j = 0; j < n; j++) emit(m[j]!, step, values[m[j]!]!);
        }
        break;
      }
      case 'limitk': {
        if (Number.isNaN(p)) throw new EvalError('Parameter value is NaN');
        const k = Math.trunc(Math.min(p, Number.MAX_SAFE_INTEGER));
        if (k < 1) break;
        for (const m of members) for (let j = 0; j < m.length && j < k; j++) emit(m[j]!, step, values[m[j]!]!);
        break;
      }
      case 'limit_ratio': {
        if (Number.isNaN(p)) throw new EvalError('Ratio value is NaN');
        let r = p;
        if (r > 1 || r < -1) {
          const capped = r > 1 ? 1 : -1;
          if (!warnedRatio) annotations.warn(AnnotationText.invalidRatio(r, capped), agg.param!.pos);
          warnedRatio = true;
          r = capped;
        }
        for (const m of members) {
          for (const i of m) {
            const h = input[i]!.metric.hash() / TWO_POW_53;
            if (r >= 0 ? h < r : h >= 1 + r) emit(i, step, values[i]!);
          }
        }
        break;
      }
      case 'quantile': {
        if (!(p >= 0 && p <= 1) && !warnedQuantile) {
          annotations.warn(AnnotationText.invalidQuantile(p), agg.param!.pos);
          warnedQuantile = true;
        }
        for (let g = 0; g < G; g++) {
          const m = members[g]!;
          if (m.length === 0) continue;
          const vals = scratch.subarray(0, m.length);
          for (let j = 0; j < m.length; j++) vals[j] = values[m[j]!]!;
          const o = quantileOut[g]!;
          o.f[step] = quantileSorted(p, sortNaNFirst(vals));
          o.has[step] = 1;
          o.count++;
        }
        break;
      }
      case 'count_values': {
        const counts = new Map<StepSeries, number>();
        for (let g = 0; g < G; g++) {
          for (const i of members[g]!) {
            const vs = formatFloatF(values[i]!);
            const key = `${g}\xff${vs}`;
            let l = countLabels.get(key);
            if (!l) {
              l = grouping.labels[g]!.builder().set(label, vs).labels();
              countLabels.set(key, l);
            }
            const s = counted!.get(l, false);
            counts.set(s, (counts.get(s) ?? 0) + 1);
          }
        }
        for (const [s, n] of counts) {
          s.f[step] = n;
          s.has[step] = 1;
          s.count++;
        }
        break;
      }
      default:
        break;
    }
    control.tick(input.length);
    if (control.due) await control.yieldIfDue();
  }
  ev.release(input);
  let result: StepSeries[];
  if (agg.op === 'quantile') result = quantileOut.filter((s) => s.count > 0);
  else if (agg.op === 'count_values') result = counted!.list;
  else result = order;
  ev.shared.budget.add(result.reduce((n, s) => n + s.count, 0));
  return result;
}

/**
 * Moves the `k` best members (by value, highest first for `top`, lowest first otherwise, NaN
 * always last) to the front of `m`, ordered best first; returns how many there are. Keeps a
 * sorted prefix by insertion, so the cost is O(n·k) for the small k of dashboards.
 */
function selectTop(m: number[], values: Float64Array, k: number, top: boolean): number {
  const better = (a: number, b: number): boolean => {
    const x = values[a]!;
    const y = values[b]!;
    if (y !== y) return x === x; // anything beats NaN
    if (x !== x) return false;
    return top ? x > y : x < y;
  };
  if (k >= m.length / 4) {
    m.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    return Math.min(k, m.length);
  }
  let n = 0;
  for (let i = 0; i < m.length; i++) {
    const c = m[i]!;
    if (n === k && !better(c, m[n - 1]!)) continue;
    let j = n < k ? n++ : n - 1;
    while (j > 0 && better(c, m[j - 1]!)) {
      m[j] = m[j - 1]!;
      j--;
    }
    m[j] = c;
  }
  return n;
}
