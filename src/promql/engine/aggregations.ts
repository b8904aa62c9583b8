/**
 * Aggregation operators. Input series are assigned to groups once (by their `by`/`without`
 * labels); each step then folds the present series into per-group accumulators held in typed
 * arrays, so the per-step work allocates nothing.
 */
import { Labels, METRIC_NAME } from '../../model/labels/index.js';
import { evalKAggregate } from './aggregations-k.js';
import { AnnotationText } from './annotations.js';
import { UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { KahanSum, MeanAccumulator, kahanCompensation } from './functions/index.js';
import { evalVectorSelector } from './eval-selectors.js';
import { evalRangeCall } from './eval-functions.js';
import { RANGE_FUNCTIONS } from './eval-range-functions.js';
import type { ExecControl } from './limits.js';
import type { AggregatePlan } from './plan.js';
import { newStepSeries, type StepSeries } from './value.js';

/** Group assignment of the input series of an aggregation. */
export interface Grouping {
  /** Group index of each input series. */
  readonly groupOf: Int32Array;
  /** Labels of each group. */
  readonly labels: Labels[];
  /** True when some member of the group had its metric name marked for removal. */
  readonly dropName: boolean[];
}

/**
 * A string identifying the group of `metric`: the values of the `by` labels, or every label
 * but the dropped ones for `without` (length-prefixed, so no two groups share a key). Cheaper
 * than building the group's label set, which is done once per group.
 */
function groupKey(metric: Labels, grouping: readonly string[], without: boolean, drop: readonly string[]): string {
  let key = '';
  if (!without) {
    for (let i = 0; i < grouping.length; i++) {
      const v = metric.get(grouping[i]!);
      key += v.length + ':' + v;
    }
    return key;
  }
  const n = metric.length;
  for (let i = 0; i < n; i++) {
    const name = metric.nameAt(i);
    if (drop.includes(name)) continue;
    const v = metric.valueAt(i);
    key += name.length + ':' + name + v.length + ':' + v;
  }
  return key;
}

/** Series handled between two checks of the query's slice in loops over every input series. */
export const SERIES_PER_CHECK = 4096;

/**
 * Assigns `input` series to groups for `by (grouping)` or `without (grouping)`, giving the event
 * loop a turn when `control`'s slice is used up (grouping 100k series held it for ~40 ms).
 */
export async function groupSeries(input: readonly StepSeries[], grouping: readonly string[], without: boolean, control: ExecControl): Promise<Grouping> {
  const groupOf = new Int32Array(input.length);
  const labels: Labels[] = [];
  const dropName: boolean[] = [];
  const byKey = new Map<string, number>();
  const drop = without ? [METRIC_NAME, ...grouping] : [];
  for (let i = 0; i < input.length; i++) {
    if (i % SERIES_PER_CHECK === SERIES_PER_CHECK - 1) {
      control.tick(SERIES_PER_CHECK);
      if (control.due) await control.yieldIfDue();
    }
    const s = input[i]!;
    const key = groupKey(s.metric, grouping, without, drop);
    let g = byKey.get(key);
    if (g === undefined) {
      g = labels.length;
      labels.push(without ? s.metric.without(...drop) : s.metric.keep(...grouping));
      dropName.push(false);
      byKey.set(key, g);
    }
    groupOf[i] = g;
    if (s.dropName) dropName[g] = true;
  }
  return { groupOf, labels, dropName };
}

/** Evaluates an aggregation over all steps. */
export async function evalAggregate(ev: Evaluator, agg: AggregatePlan): Promise<StepSeries[]> {
  switch (agg.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
    case 'quantile':
    case 'count_values':
      return evalKAggregate(ev, agg);
    default:
      break;
  }
  if (STREAMED.has(agg.op)) {
    const e = agg.expr;
    let streamed: StepSeries[] | undefined;
    if (e.kind === 'vectorSelector') streamed = await streamAggregate(ev, agg, (sink) => evalVectorSelector(ev, e, false, sink));
    else if (e.kind === 'call' && RANGE_FUNCTIONS.has(e.name)) streamed = await streamAggregate(ev, agg, (sink) => evalRangeCall(ev, e, sink));
    if (streamed !== undefined) return streamed;
  }
  const input = await ev.evalVector(agg.expr);
  const grouping = await groupSeries(input, agg.grouping, agg.without, ev.shared.control);
  const G = grouping.labels.length;
  const numSteps = ev.range.numSteps;
  const out: StepSeries[] = grouping.labels.map((l, g) => newStepSeries(l, numSteps, grouping.dropName[g]));
  const stamp = new Int32Array(G).fill(-1);
  const touched = new Int32Array(G);
  const count = new Float64Array(G);
  const val = new Float64Array(G);
  const aux = new Float64Array(G);
  const sums: KahanSum[] = agg.op === 'sum' ? Array.from({ length: G }, () => new KahanSum()) : [];
  const means: MeanAccumulator[] = agg.op === 'avg' ? Array.from({ length: G }, () => new MeanAccumulator()) : [];
  const control = ev.shared.control;
  const op = agg.op;
  const groupOf = grouping.groupOf;
  const anyHist = input.some((s) => s.hist !== undefined);
  // Steps at which a group saw a native histogram (sum/avg need histogram arithmetic for those).
  const histStamp = anyHist ? new Int32Array(G).fill(-1) : undefined;
  const countsHist = op === 'count' || op === 'group';
  for (let step = 0; step < numSteps; step++) {
    let nt = 0;
    for (let i = 0; i < input.length; i++) {
      if (i % SERIES_PER_CHECK === SERIES_PER_CHECK - 1) {
        // A step over 100k series is one long stretch otherwise (the accumulators are this query's own).
        control.tick(SERIES_PER_CHECK);
        if (control.due) await control.yieldIfDue();
      }
      const s = input[i]!;
      if (!s.has[step]) continue;
      const g = groupOf[i]!;
      let v = s.f[step]!;
      if (histStamp && s.hist && s.hist[step]) {
        if (countsHist) v = 0;
        else {
          histStamp[g] = step;
          if (op !== 'sum' && op !== 'avg') ev.shared.annotations.info(AnnotationText.histogramIgnoredInAggregation(op), agg.expr.pos);
          continue;
        }
      }
      if (stamp[g] !== step) {
        stamp[g] = step;
        touched[nt++] = g;
        count[g] = 1;
        switch (op) {
          case 'sum':
            sums[g]!.reset().add(v);
            break;
          case 'avg':
            means[g]!.reset().add(v);
            break;
          case 'stddev':
          case 'stdvar':
            val[g] = v; // running mean
            aux[g] = Number.isFinite(v) ? 0 : NaN; // sum of squared deviations
            break;
          default:
            val[g] = v;
        }
        continue;
      }
      count[g]!++;
      switch (op) {
        case 'sum':
          sums[g]!.add(v);
          break;
        case 'avg':
          means[g]!.add(v);
          break;
        case 'min': {
          const m = val[g]!;
          if (v < m || m !== m) val[g] = v;
          break;
        }
        case 'max': {
          const m = val[g]!;
          if (v > m || m !== m) val[g] = v;
          break;
        }
        case 'stddev':
        case 'stdvar': {
          const delta = v - val[g]!;
          val[g]! += delta / count[g]!;
          aux[g]! += delta * (v - val[g]!);
          break;
        }
        default:
          break;
      }
    }
    if (histStamp && (op === 'sum' || op === 'avg')) {
      for (let g = 0; g < G; g++) {
        if (histStamp[g] !== step) continue;
        if (stamp[g] !== step) throw new UnsupportedHistogramError(`${op} of native histograms`, 'feature');
        ev.shared.annotations.warn(AnnotationText.mixedFloatsHistogramsAgg(), agg.expr.pos);
        stamp[g] = -2; // no output for this group at this step
      }
    }
    for (let k = 0; k < nt; k++) {
      const g = touched[k]!;
      if (stamp[g] !== step) continue;
      let v: number;
      switch (op) {
        case 'sum':
          v = sums[g]!.value();
          break;
        case 'avg':
          v = means[g]!.value();
          break;
        case 'count':
          v = count[g]!;
          break;
        case 'group':
          v = 1;
          break;
        case 'stdvar':
          v = aux[g]! / count[g]!;
          break;
        case 'stddev':
          v = Math.sqrt(aux[g]! / count[g]!);
          break;
        default:
          v = val[g]!;
      }
      const o = out[g]!;
      o.f[step] = v;
      o.has[step] = 1;
      o.count++;
    }
    control.tick(input.length);
    if (control.due) await control.yieldIfDue();
  }
  ev.release(input);
  const result = out.filter((s) => s.count > 0);
  ev.shared.budget.add(result.reduce((n, s) => n + s.count, 0));
  return result;
}

/** Aggregations `streamSelector` computes without keeping the selected series. */
const STREAMED: ReadonlySet<string> = new Set(['count', 'group', 'sum', 'min', 'max']);

/**
 * `count`, `group`, `sum`, `min` or `max` straight over a selector or a range-vector function
 * (`produce` hands each input series to its sink, see `evalVectorSelector`/`evalRangeCall`):
 * series are folded into their group's per-step accumulators as they come, none is kept. Such
 * queries touch many series (`count({job="x"})`, `sum by (x) (rate(m[5m]))`), and holding them
 * all is what they would otherwise spend their time and their garbage collections on. Same
 * groups, in the same order, and the same values as the general path (sums are compensated in
 * the same order); undefined when a native histogram turns up where only the general path
 * handles it.
 */
async function streamAggregate(ev: Evaluator, agg: AggregatePlan, produce: (sink: (s: StepSeries) => void) => Promise<unknown>): Promise<StepSeries[] | undefined> {
  const numSteps = ev.range.numSteps;
  const op = agg.op;
  const drop = agg.without ? [METRIC_NAME, ...agg.grouping] : [];
  const byKey = new Map<string, number>();
  const labels: Labels[] = [];
  const dropName: boolean[] = [];
  const counts: Float64Array[] = [];
  /** Per group and step: the running sum, or the min/max so far. */
  const vals: Float64Array[] = [];
  /** Per group and step: the sum's compensation. */
  const comps: Float64Array[] = [];
  const sums = op === 'sum';
  // Set at a native histogram that only the general path handles; the rest is then skipped.
  let general = false;
  await produce((s) => {
    if (general) return;
    const key = groupKey(s.metric, agg.grouping, agg.without, drop);
    let g = byKey.get(key);
    if (g === undefined) {
      g = labels.length;
      labels.push(agg.without ? s.metric.without(...drop) : s.metric.keep(...agg.grouping));
      dropName.push(false);
      counts.push(new Float64Array(numSteps));
      if (op !== 'count' && op !== 'group') vals.push(new Float64Array(numSteps));
      if (sums) comps.push(new Float64Array(numSteps));
      byKey.set(key, g);
    }
    if (s.dropName) dropName[g] = true;
    const c = counts[g]!;
    const has = s.has;
    const hist = s.hist;
    if (op === 'count' || op === 'group') {
      for (let step = 0; step < numSteps; step++) if (has[step]) c[step]!++;
      return;
    }
    const val = vals[g]!;
    const comp = sums ? comps[g]! : undefined;
    const f = s.f;
    for (let step = 0; step < numSteps; step++) {
      if (!has[step]) continue;
      if (hist !== undefined && hist[step]) {
        general = true;
        return;
      }
      const v = f[step]!;
      const first = c[step] === 0;
      c[step]!++;
      if (comp !== undefined) {
        // KahanSum.add from a reset sum for the first value, as the general path does.
        const sum = val[step]!;
        const t = sum + v;
        comp[step] = kahanCompensation(sum, comp[step]!, v, t);
        val[step] = t;
      } else if (first) val[step] = v;
      else {
        const m = val[step]!;
        if (op === 'min' ? v < m || m !== m : v > m || m !== m) val[step] = v;
      }
    }
  });
  if (general) return undefined;
  const out: StepSeries[] = [];
  let points = 0;
  for (let g = 0; g < labels.length; g++) {
    const o = newStepSeries(labels[g]!, numSteps, dropName[g]!);
    const c = counts[g]!;
    for (let step = 0; step < numSteps; step++) {
      if (c[step] === 0) continue;
      o.f[step] = op === 'count' ? c[step]! : op === 'group' ? 1 : sums ? vals[g]![step]! + comps[g]![step]! : vals[g]![step]!;
      o.has[step] = 1;
      o.count++;
    }
    if (o.count > 0) {
      out.push(o);
      points += o.count;
    }
  }
  ev.shared.budget.add(points);
  return out;
}
