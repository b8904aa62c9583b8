/**
 * Function calls: dispatches to point-wise kernels, range-vector functions, label functions,
 * sorting, `absent*`, `timestamp`, `histogram_quantile`, `info` and the scalar functions.
 */
import { Labels, METRIC_NAME } from '../../model/labels/index.js';
import { AnnotationText } from './annotations.js';
import type { EvalResult } from './eval-result.js';
import { evalRangeFunction, RANGE_FUNCTIONS } from './eval-range-functions.js';
import { evalVectorSelector } from './eval-selectors.js';
import { EvalError, UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { evalHistogramFraction, evalHistogramQuantile, evalHistogramQuantiles } from './functions/index.js';
import { evalInfo } from './functions/index.js';
import { CALENDAR_FUNCTIONS, POINT_KERNELS } from './functions/index.js';
import { labelJoin, labelReplace } from './functions/index.js';
import { sortSeriesBy } from './functions/index.js';
import { RangeKernels as K } from './functions/index.js';
import type { CallPlan, Plan } from './plan.js';
import { mergeSameLabels } from './series-set.js';
import { hasHistPoints, isHistPoint, newStepSeries, type StepSeries } from './value.js';

/** Native-histogram functions: they ignore float samples, so on float data they return nothing. */
const NATIVE_HISTOGRAM_FUNCTIONS = new Set([
  'histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar',
]);

/**
 * Evaluates a call of a range-vector function (`RANGE_FUNCTIONS`), handing each output series
 * to `sink` instead of collecting them when given (see `evalRangeFunction`).
 */
export async function evalRangeCall(ev: Evaluator, call: CallPlan, sink?: (s: StepSeries) => void): Promise<StepSeries[]> {
  const range = RANGE_FUNCTIONS.get(call.name);
  if (range === undefined) throw new Error(`BUG: ${call.name} is not a range-vector function`);
  const scalars: Float64Array[] = [];
  for (let i = 0; i < call.args.length; i++) if (i !== range.matrixArg) scalars.push(await ev.evalScalar(call.args[i]!));
  validateRangeParams(ev, call, scalars);
  return evalRangeFunction(ev, call, range, scalars, sink);
}

/** Evaluates a function call over all steps. */
export async function evalCall(ev: Evaluator, call: CallPlan): Promise<EvalResult> {
  const name = call.name;
  const args = call.args;
  const steps = ev.range.numSteps;

  if (RANGE_FUNCTIONS.has(name)) return { type: 'vector', series: await evalRangeCall(ev, call) };

  const point = POINT_KERNELS[name];
  if (point) {
    if (args.length === 0 && CALENDAR_FUNCTIONS.has(name)) {
      const s = fullSeries(ev, Labels.EMPTY);
      for (let i = 0; i < steps; i++) s.f[i] = point(ev.stepTime(i) / 1000, 0, 0)!;
      return { type: 'vector', series: [s] };
    }
    const input = await ev.evalVector(args[0]!);
    const a = args[1] ? await ev.evalScalar(args[1]) : undefined;
    const b = args[2] ? await ev.evalScalar(args[2]) : undefined;
    const defaultA = name === 'round' ? 1 : 0;
    return { type: 'vector', series: mapPoints(ev, input, (v, step) => point(v, a ? a[step]! : defaultA, b ? b[step]! : 0)) };
  }

  switch (name) {
    case 'time': {
      const v = new Float64Array(steps);
      for (let i = 0; i < steps; i++) v[i] = ev.stepTime(i) / 1000;
      return { type: 'scalar', values: v };
    }
    case 'pi':
      return { type: 'scalar', values: new Float64Array(steps).fill(Math.PI) };
    case 'min_of':
    case 'max_of': {
      const a = await ev.evalScalar(args[0]!);
      const b = await ev.evalScalar(args[1]!);
      for (let i = 0; i < steps; i++) a[i] = name === 'min_of' ? Math.min(a[i]!, b[i]!) : Math.max(a[i]!, b[i]!);
      return { type: 'scalar', values: a };
    }
    case 'vector': {
      const v = await ev.evalScalar(args[0]!);
      const s = fullSeries(ev, Labels.EMPTY);
      s.f.set(v);
      return { type: 'vector', series: [s] };
    }
    case 'scalar': {
      const input = await ev.evalVector(args[0]!);
      const out = new Float64Array(steps).fill(NaN);
      const seen = new Uint8Array(steps);
      for (const s of input) {
        for (let i = 0; i < steps; i++) {
          if (!s.has[i] || isHistPoint(s, i)) continue;
          out[i] = seen[i] ? NaN : s.f[i]!;
          seen[i] = 1;
        }
      }
      for (let i = 0; i < steps; i++) if (!seen[i]) out[i] = NaN;
      ev.release(input);
      return { type: 'scalar', values: out };
    }
    case 'timestamp': {
      const arg = unwrap(args[0]!);
      if (arg.kind === 'vectorSelector') return { type: 'vector', series: await evalVectorSelector(ev, arg, true) };
      const input = await ev.evalVector(arg);
      for (const s of input) {
        for (let i = 0; i < steps; i++) s.f[i] = ev.stepTime(i) / 1000;
        s.dropName = true;
        s.hist = undefined;
      }
      return { type: 'vector', series: input };
    }
    case 'label_replace': {
      const input = await ev.evalVector(args[0]!);
      const [dst, repl, src, re] = [await ev.evalString(args[1]!), await ev.evalString(args[2]!), await ev.evalString(args[3]!), await ev.evalString(args[4]!)];
      return { type: 'vector', series: mergeSameLabels(labelReplace(input, dst, repl, src, re)) };
    }
    case 'label_join': {
      const input = await ev.evalVector(args[0]!);
      const dst = await ev.evalString(args[1]!);
      const sep = await ev.evalString(args[2]!);
      const srcs: string[] = [];
      for (let i = 3; i < args.length; i++) srcs.push(await ev.evalString(args[i]!));
      return { type: 'vector', series: mergeSameLabels(labelJoin(input, dst, sep, srcs)) };
    }
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc': {
      const input = await ev.evalVector(args[0]!);
      if (ev.shared.isRangeQuery) {
        ev.shared.annotations.warn(AnnotationText.sortInRange(), call.pos);
        return { type: 'vector', series: input };
      }
      const labels: string[] = [];
      for (let i = 1; i < args.length; i++) labels.push(await ev.evalString(args[i]!));
      // sort() and sort_desc() order by value and leave native histograms out.
      const kept = name === 'sort' || name === 'sort_desc' ? input.filter((s) => !isHistPoint(s, 0)) : input;
      return { type: 'vector', series: sortSeriesBy(kept, name, labels) };
    }
    case 'absent': {
      const input = await ev.evalVector(args[0]!);
      const out = absentSeries(ev, input, absentLabels(args[0]!));
      ev.release(input);
      return { type: 'vector', series: out };
    }
    case 'absent_over_time': {
      const present = await evalRangeFunction(ev, call, { kernel: K.presentOverTime, matrixArg: 0, hist: 'count' }, []);
      const out = absentSeries(ev, present, absentLabels(args[0]!));
      ev.release(present);
      return { type: 'vector', series: out };
    }
    case 'histogram_quantile': {
      const phi = await ev.evalScalar(args[0]!);
      const input = await ev.evalVector(args[1]!);
      refuseHistograms(input, name);
      return { type: 'vector', series: evalHistogramQuantile(ev, phi, args[0]!.pos, input, args[1]!.pos) };
    }
    case 'histogram_quantiles': {
      const input = await ev.evalVector(args[0]!);
      refuseHistograms(input, name);
      const label = await ev.evalString(args[1]!);
      const phis: Array<{ values: Float64Array; pos: Plan['pos'] }> = [];
      for (let i = 2; i < args.length; i++) phis.push({ values: await ev.evalScalar(args[i]!), pos: args[i]!.pos });
      return { type: 'vector', series: evalHistogramQuantiles(ev, input, args[0]!.pos, label, phis) };
    }
    case 'histogram_fraction': {
      const lower = await ev.evalScalar(args[0]!);
      const upper = await ev.evalScalar(args[1]!);
      const input = await ev.evalVector(args[2]!);
      refuseHistograms(input, name);
      return { type: 'vector', series: evalHistogramFraction(ev, lower, upper, input, args[2]!.pos) };
    }
    case 'info':
      return { type: 'vector', series: await evalInfo(ev, call) };
    case 'start_timestamp':
      throw new UnsupportedHistogramError('start_timestamp() needs start-timestamp storage', 'feature');
    default:
      break;
  }
  if (NATIVE_HISTOGRAM_FUNCTIONS.has(name)) {
    const input = await ev.evalVector(args[args.length - 1]!);
    refuseHistograms(input, name);
    ev.release(input);
    return { type: 'vector', series: [] };
  }
  throw new EvalError(`function "${name}" is not supported`);
}

/** Applies `fn` to every point of every series in place; drops points mapped to undefined. */
function mapPoints(ev: Evaluator, input: StepSeries[], fn: (v: number, step: number) => number | undefined): StepSeries[] {
  const out: StepSeries[] = [];
  let removed = 0;
  for (const s of input) {
    const { f, has, hist } = s;
    for (let i = 0; i < has.length; i++) {
      if (!has[i]) continue;
      // Point-wise math ignores native histograms.
      const v = hist && hist[i] ? undefined : fn(f[i]!, i);
      if (v === undefined) {
        has[i] = 0;
        s.count--;
        removed++;
      } else f[i] = v;
    }
    s.dropName = true;
    s.hist = undefined;
    if (s.count > 0) out.push(s);
  }
  ev.shared.budget.release(removed);
  return out;
}

/** Fails with `UnsupportedHistogramError` when `input` holds native-histogram points. */
function refuseHistograms(input: readonly StepSeries[], what: string): void {
  for (const s of input) if (hasHistPoints(s)) throw new UnsupportedHistogramError(`${what} over ${s.metric.toString()}`, 'feature');
}

/** A series with a point at every step (values to be filled by the caller). */
function fullSeries(ev: Evaluator, metric: Labels): StepSeries {
  const n = ev.range.numSteps;
  const s = newStepSeries(metric, n);
  s.has.fill(1);
  s.count = n;
  ev.shared.budget.add(n);
  return s;
}

/** `absent`: 1 with `labels` at every step where `input` has no point. */
function absentSeries(ev: Evaluator, input: readonly StepSeries[], labels: Labels): StepSeries[] {
  const n = ev.range.numSteps;
  const any = new Uint8Array(n);
  for (const s of input) for (let i = 0; i < n; i++) any[i]! |= s.has[i]!;
  const out = newStepSeries(labels, n);
  for (let i = 0; i < n; i++) {
    if (any[i]) continue;
    out.f[i] = 1;
    out.has[i] = 1;
    out.count++;
  }
  ev.shared.budget.add(out.count);
  return out.count > 0 ? [out] : [];
}

function validateRangeParams(ev: Evaluator, call: CallPlan, scalars: Float64Array[]): void {
  if (call.name === 'quantile_over_time') {
    const q = scalars[0]!;
    for (let i = 0; i < q.length; i++) {
      if (!(q[i]! >= 0 && q[i]! <= 1)) {
        ev.shared.annotations.warn(AnnotationText.invalidQuantile(q[i]!), call.args[0]!.pos);
        break;
      }
    }
  } else if (call.name === 'double_exponential_smoothing') {
    const sf = scalars[0]!;
    const tf = scalars[1]!;
    for (let i = 0; i < sf.length; i++) {
      if (!(sf[i]! > 0 && sf[i]! < 1)) throw new EvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf[i]}`);
      if (!(tf[i]! > 0 && tf[i]! < 1)) throw new EvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf[i]}`);
    }
  }
}

/** Strips nothing today (the plan has no parentheses) but documents that `timestamp((x))` still sees x. */
function unwrap(p: Plan): Plan {
  return p;
}

/**
 * Labels `absent()`/`absent_over_time()` return: the equality matchers of a selector argument,
 * except `__name__` and names matched more than once; `{}` for any other argument.
 */
export function absentLabels(arg: Plan): Labels {
  const vs = arg.kind === 'vectorSelector' ? arg : arg.kind === 'matrixSelector' ? arg.selector : undefined;
  if (!vs) return Labels.EMPTY;
  const seen = new Map<string, number>();
  for (const m of vs.matchers) seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
  const kv: string[] = [];
  for (const m of vs.matchers) {
    if (m.type !== '=' || m.name === METRIC_NAME || seen.get(m.name)! > 1) continue;
    kv.push(m.name, m.value);
  }
  return Labels.fromStrings(...kv);
}
