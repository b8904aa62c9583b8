/**
 * Range-vector functions (`rate`, `*_over_time`, …): for each series of the range selector or
 * subquery argument, slide the window `(ref - range, ref]` over the steps and apply a kernel.
 */
import { Labels, METRIC_NAME } from '../../model/labels/index.js';
import { AnnotationText } from './annotations.js';
import { EvalError, UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { anchoredChanges, anchoredDelta, anchoredResets, smoothedDelta } from './functions/index.js';
import { RangeKernels as K } from './functions/index.js';
import type { RangeKernel } from './functions/index.js';
import { Window } from './functions/index.js';
import { loadSeries, matrixLoadRange, selectSeries } from './eval-selectors.js';
import type { CallPlan, MatrixSelectorPlan, Plan, SubqueryPlan } from './plan.js';
import { isHistPoint, markHist, newStepSeries, type StepSeries } from './value.js';
import type { SampleIterator } from '../../storage/index.js';

/**
 * What a range function does with native-histogram samples in its window:
 * - `ignore`: computes over the floats only (an info when floats and histograms mix);
 * - `count`: counts or timestamps every sample, histograms included;
 * - `select`: returns one sample (the histogram itself when it is the one selected);
 * - `sum`: a mix of floats and histograms gives a warning and no result, histograms alone need
 *   histogram arithmetic (not supported yet);
 * - `last2`: like `sum`, over the last two samples;
 * - `content`: compares histogram contents (not supported yet).
 */
type HistPolicy = 'ignore' | 'count' | 'select' | 'sum' | 'last2' | 'content';

/** How one range-vector function is evaluated. */
interface RangeFunctionSpec {
  readonly kernel: RangeKernel;
  /** Index of the range-vector argument. */
  readonly matrixArg: number;
  readonly hist: HistPolicy;
  /** True when the output keeps the metric name (`last_over_time`, `first_over_time`). */
  readonly keepName?: boolean;
  /** True for `rate`/`increase`: info when the metric does not look like a counter. */
  readonly counter?: boolean;
  readonly anchored?: RangeKernel;
  readonly smoothed?: RangeKernel;
}

/** Every range-vector function by name. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunctionSpec> = new Map<string, RangeFunctionSpec>([
  ['rate', { kernel: (w) => K.extrapolatedRate(w, true, true), matrixArg: 0, hist: 'sum', counter: true, anchored: (w) => anchoredDelta(w, true, true), smoothed: (w) => smoothedDelta(w, true, true) }],
  ['increase', { kernel: (w) => K.extrapolatedRate(w, true, false), matrixArg: 0, hist: 'sum', counter: true, anchored: (w) => anchoredDelta(w, true, false), smoothed: (w) => smoothedDelta(w, true, false) }],
  ['delta', { kernel: (w) => K.extrapolatedRate(w, false, false), matrixArg: 0, hist: 'sum', anchored: (w) => anchoredDelta(w, false, false), smoothed: (w) => smoothedDelta(w, false, false) }],
  ['irate', { kernel: (w) => K.instantValue(w, true), matrixArg: 0, hist: 'last2' }],
  ['idelta', { kernel: (w) => K.instantValue(w, false), matrixArg: 0, hist: 'last2' }],
  ['deriv', { kernel: K.deriv, matrixArg: 0, hist: 'ignore' }],
  ['predict_linear', { kernel: K.predictLinear, matrixArg: 0, hist: 'ignore' }],
  ['changes', { kernel: K.changes, matrixArg: 0, hist: 'content', anchored: anchoredChanges }],
  ['resets', { kernel: K.resets, matrixArg: 0, hist: 'content', anchored: anchoredResets }],
  ['sum_over_time', { kernel: K.sumOverTime, matrixArg: 0, hist: 'sum' }],
  ['avg_over_time', { kernel: K.avgOverTime, matrixArg: 0, hist: 'sum' }],
  ['count_over_time', { kernel: K.countOverTime, matrixArg: 0, hist: 'count' }],
  ['min_over_time', { kernel: K.minOverTime, matrixArg: 0, hist: 'ignore' }],
  ['max_over_time', { kernel: K.maxOverTime, matrixArg: 0, hist: 'ignore' }],
  ['stddev_over_time', { kernel: K.stddevOverTime, matrixArg: 0, hist: 'ignore' }],
  ['stdvar_over_time', { kernel: K.stdvarOverTime, matrixArg: 0, hist: 'ignore' }],
  ['last_over_time', { kernel: K.lastOverTime, matrixArg: 0, hist: 'select', keepName: true }],
  ['first_over_time', { kernel: K.firstOverTime, matrixArg: 0, hist: 'select', keepName: true }],
  ['present_over_time', { kernel: K.presentOverTime, matrixArg: 0, hist: 'count' }],
  ['quantile_over_time', { kernel: K.quantileOverTime, matrixArg: 1, hist: 'ignore' }],
  ['mad_over_time', { kernel: K.madOverTime, matrixArg: 0, hist: 'ignore' }],
  ['ts_of_first_over_time', { kernel: K.tsOfFirstOverTime, matrixArg: 0, hist: 'count' }],
  ['ts_of_last_over_time', { kernel: K.tsOfLastOverTime, matrixArg: 0, hist: 'count' }],
  ['ts_of_min_over_time', { kernel: K.tsOfMinOverTime, matrixArg: 0, hist: 'ignore' }],
  ['ts_of_max_over_time', { kernel: K.tsOfMaxOverTime, matrixArg: 0, hist: 'ignore' }],
  ['double_exponential_smoothing', { kernel: K.doubleExponentialSmoothing, matrixArg: 0, hist: 'ignore' }],
]);

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/**
 * Evaluates a range-vector function. `scalars` are the per-step values of the other arguments
 * in order (at most two). With `sink`, each output series is handed to it instead of being
 * collected (its arrays are reused afterwards): the result is then empty.
 */
export async function evalRangeFunction(
  ev: Evaluator,
  call: CallPlan,
  spec: RangeFunctionSpec,
  scalars: readonly Float64Array[],
  sink?: (s: StepSeries) => void,
): Promise<StepSeries[]> {
  const arg = call.args[spec.matrixArg]!;
  let kernel = spec.kernel;
  let policy = spec.hist;
  if (arg.kind === 'matrixSelector') {
    const vs = arg.selector;
    if (vs.smoothed) {
      if (!spec.smoothed) throw new EvalError(`smoothed modifier can only be used with: delta, increase, rate - not with ${call.name}`);
      kernel = spec.smoothed;
      policy = 'content';
    } else if (vs.anchored) {
      if (!spec.anchored) throw new EvalError(`anchored modifier can only be used with: changes, delta, increase, rate, resets - not with ${call.name}`);
      kernel = spec.anchored;
      policy = 'content';
    }
  }
  const all = new Window();
  const floats = new Window();
  all.lookbackMs = floats.lookbackMs = ev.shared.lookbackMs;
  const annotations = ev.shared.annotations;
  const out: StepSeries[] = [];
  const p0 = scalars[0];
  const p1 = scalars[1];
  let spare: StepSeries | undefined;
  const run = (metric: Labels, dropName: boolean, offsetMs: number, atMs: number | undefined, rangeMs: number): void => {
    const { startMs, intervalMs, numSteps } = ev.range;
    let series: StepSeries;
    if (spare) {
      series = spare;
      series.metric = metric;
      series.dropName = dropName || !spec.keepName;
      series.hist = undefined;
      spare = undefined;
    } else {
      series = newStepSeries(metric, numSteps, dropName || !spec.keepName);
    }
    // With histograms in an `ignore` function, the kernel runs over a float-only copy.
    const mixed = all.nh > 0;
    // The extended modifiers look past the window (anchor, interpolation neighbours).
    if (mixed && (kernel === spec.anchored || kernel === spec.smoothed)) {
      throw new UnsupportedHistogramError(`${call.name}() over ${metric.toString()}`, 'feature');
    }
    const win = mixed && policy === 'ignore' ? floats.copyFloats(all) : all;
    const { t, n } = win;
    const at = all.t;
    const an = all.n;
    const budget = ev.shared.budget;
    win.rangeMs = rangeMs;
    let lo = 0;
    let hi = 0;
    let alo = 0;
    let ahi = 0;
    for (let step = 0; step < numSteps; step++) {
      const ts = startMs + step * intervalMs;
      const ref = (atMs ?? ts) - offsetMs;
      const from = ref - rangeMs;
      while (hi < n && t[hi]! <= ref) hi++;
      while (lo < n && t[lo]! <= from) lo++;
      if (hi < lo) hi = lo;
      if (mixed) {
        while (ahi < an && at[ahi]! <= ref) ahi++;
        while (alo < an && at[alo]! <= from) alo++;
        if (ahi < alo) ahi = alo;
        const nh = all.histIn(alo, ahi);
        if (nh > 0 && !histogramStep(policy, all, alo, ahi, nh, metric, call, arg)) continue;
      }
      win.lo = lo;
      win.hi = hi;
      win.rangeStartMs = from;
      win.rangeEndMs = ref;
      win.stepMs = ts;
      if (p0) win.p0 = p0[step]!;
      if (p1) win.p1 = p1[step]!;
      const inWindow = hi - lo;
      budget.add(inWindow);
      const v = kernel(win);
      budget.release(inWindow);
      if (v !== undefined) {
        series.f[step] = v;
        series.has[step] = 1;
        series.count++;
        if (policy === 'select' && mixed && all.hk[kernel === K.firstOverTime ? lo : hi - 1] === 1) markHist(series, step);
      }
    }
    if (series.count > 0) {
      budget.add(series.count);
      if (sink === undefined) {
        out.push(series);
        return;
      }
      // Streamed: the consumer is done with the series when `sink` returns; reuse its arrays.
      sink(series);
      budget.release(series.count);
      series.has.fill(0);
      series.count = 0;
    }
    spare = series;
  };

  /**
   * Applies the histogram policy to a window holding `nh` histograms; false means "no output at
   * this step" (after the annotation upstream gives).
   */
  function histogramStep(p: HistPolicy, w: Window, lo: number, hi: number, nh: number, metric: Labels, c: CallPlan, a: Plan): boolean {
    const name = metric.get(METRIC_NAME);
    const nf = hi - lo - nh;
    switch (p) {
      case 'count':
      case 'select':
        return true;
      case 'ignore':
        if (nf > 0) annotations.info(AnnotationText.histogramIgnoredInMixedRange(name), a.pos);
        return nf > 0;
      case 'sum':
        if (nf > 0) {
          annotations.warn(AnnotationText.mixedFloatsHistograms(name), a.pos);
          return false;
        }
        throw new UnsupportedHistogramError(`${c.name}() over ${metric.toString()}`, 'feature');
      case 'last2': {
        if (hi - lo < 2) return nf > 0;
        const h = w.hk[hi - 1]! + w.hk[hi - 2]!;
        if (h === 0) return true;
        if (h === 1) {
          annotations.warn(AnnotationText.mixedFloatsHistograms(name), a.pos);
          return false;
        }
        throw new UnsupportedHistogramError(`${c.name}() over ${metric.toString()}`, 'feature');
      }
      case 'content':
        throw new UnsupportedHistogramError(`${c.name}() over ${metric.toString()}`, 'feature');
    }
  }

  const control = ev.shared.control;
  if (arg.kind === 'matrixSelector') {
    const ms: MatrixSelectorPlan = arg;
    const vs = ms.selector;
    const { mint, maxt } = matrixLoadRange(ev, ms);
    const set = selectSeries(ev, vs, mint, maxt, call.name, ms.rangeMs);
    let it: SampleIterator | undefined;
    while (set.next()) {
      const s = set.at();
      it = loadSeries(ev, s, all, mint, maxt, true, it);
      if (spec.counter && all.n > all.nh) counterInfo(ev, s.labels, arg);
      run(s.labels, false, vs.offsetMs, vs.atMs, ms.rangeMs);
      control.tick(all.n + ev.range.numSteps * 4);
      if (control.due) await control.yieldIfDue();
    }
    const err = set.err();
    if (err) throw err;
  } else if (arg.kind === 'subquery') {
    const sq: SubqueryPlan = arg;
    const inner = await ev.evalSubqueryInner(sq);
    const ir = inner.range;
    for (const s of inner.series) {
      all.clear();
      for (let i = 0; i < ir.numSteps; i++) if (s.has[i]) all.push(ir.startMs + i * ir.intervalMs, s.f[i]!, isHistPoint(s, i));
      run(s.metric, s.dropName, sq.offsetMs, sq.atMs, sq.rangeMs);
      control.tick(all.n + ev.range.numSteps * 4);
      if (control.due) await control.yieldIfDue();
    }
    ev.release(inner.series);
  } else {
    throw new EvalError(`BUG: ${call.name} expects a range vector argument, got ${arg.kind}`);
  }
  return out;
}

function counterInfo(ev: Evaluator, labels: Labels, arg: Plan): void {
  const name = labels.get(METRIC_NAME);
  const type = labels.get('__type__');
  if (type !== '') {
    if (type === 'counter' || type === 'histogram') return;
  } else if (COUNTER_SUFFIXES.some((s) => name.endsWith(s))) {
    return;
  }
  ev.shared.annotations.info(AnnotationText.possibleNonCounter(name), arg.pos);
}
