/**
 * Kernels of the range-vector functions over float samples: each takes the `Window` of one
 * series at one step and returns the output value, or `undefined` for "no output at this step".
 * They never allocate (sorting kernels reuse one scratch array).
 */
import { KahanSum, MeanAccumulator } from './kahan.js';
import { quantileSorted } from './quantile.js';
import type { Window } from './window.js';

/** A range-function kernel. */
export type RangeKernel = (w: Window) => number | undefined;

const kahan = new KahanSum();
const mean = new MeanAccumulator();
let scratch = new Float64Array(256);

function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/**
 * `rate`, `increase` and `delta`: the change over the window, extrapolated towards the window
 * edges (all the way when the first/last sample is within 1.1 average intervals of the edge,
 * else by half an interval; counters are never extrapolated below zero), per second for rate.
 */
export function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { t, f, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const first = f[lo]!;
  const last = f[hi - 1]!;
  let result = last - first;
  if (isCounter && w.hasDropIn(lo, hi)) {
    let prev = first;
    for (let i = lo + 1; i < hi; i++) {
      const cur = f[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  const firstT = t[lo]!;
  const lastT = t[hi - 1]!;
  let durationToStart = (firstT - w.rangeStartMs) / 1000;
  let durationToEnd = (w.rangeEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const avgBetween = sampledInterval / (hi - lo - 1);
  const threshold = avgBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = avgBetween / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && first >= 0) durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avgBetween / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/** `irate` (`isRate`) and `idelta`: from the last two samples of the window. */
export function instantValue(w: Window, isRate: boolean): number | undefined {
  const { t, f, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const last = f[hi - 1]!;
  const prev = f[hi - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  if (!isRate) return result;
  const dt = t[hi - 1]! - t[hi - 2]!;
  if (dt === 0) return undefined;
  result /= dt / 1000;
  return result;
}

const lrX = new KahanSum();
const lrY = new KahanSum();
const lrXY = new KahanSum();
const lrX2 = new KahanSum();
let lrSlope = 0;
let lrIntercept = 0;

/** Least-squares fit of the window against time (s) relative to `interceptMs`; sets lrSlope/lrIntercept. */
function linearRegression(w: Window, interceptMs: number): void {
  const { t, f, lo, hi } = w;
  const sx = lrX.reset();
  const sy = lrY.reset();
  const sxy = lrXY.reset();
  const sx2 = lrX2.reset();
  const initY = f[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = f[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    const x = (t[i]! - interceptMs) / 1000;
    sx.add(x);
    sy.add(y);
    sxy.add(x * y);
    sx2.add(x * x);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) {
      lrSlope = NaN;
      lrIntercept = NaN;
    } else {
      lrSlope = 0;
      lrIntercept = initY;
    }
    return;
  }
  const n = hi - lo;
  const sumX = sx.value();
  const sumY = sy.value();
  const covXY = sxy.value() - (sumX * sumY) / n;
  const varX = sx2.value() - (sumX * sumX) / n;
  lrSlope = covXY / varX;
  lrIntercept = sumY / n - (lrSlope * sumX) / n;
}

/** `deriv`: per-second slope of the least-squares line through the window. */
export const deriv: RangeKernel = (w) => {
  if (w.hi - w.lo < 2) return undefined;
  linearRegression(w, w.t[w.lo]!);
  return lrSlope;
};

/** `predict_linear(v, s)`: the least-squares line evaluated `p0` seconds after the step time. */
export const predictLinear: RangeKernel = (w) => {
  if (w.hi - w.lo < 2) return undefined;
  linearRegression(w, w.stepMs);
  return lrSlope * w.p0 + lrIntercept;
};

/** `changes`: number of times the value changed (NaN to NaN is no change). */
export const changes: RangeKernel = (w) => {
  const { f, lo, hi } = w;
  if (hi <= lo) return undefined;
  let n = 0;
  let prev = f[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = f[i]!;
    if (cur !== prev && !(cur !== cur && prev !== prev)) n++;
    prev = cur;
  }
  return n;
};

/** `resets`: number of decreases. */
export const resets: RangeKernel = (w) => {
  const { f, lo, hi } = w;
  if (hi <= lo) return undefined;
  let n = 0;
  let prev = f[lo]!;
  for (let i = lo + 1; i < hi; i++) {
    const cur = f[i]!;
    if (cur < prev) n++;
    prev = cur;
  }
  return n;
};

/** `sum_over_time` (compensated). */
export const sumOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  kahan.reset();
  for (let i = w.lo; i < w.hi; i++) kahan.add(w.f[i]!);
  return kahan.value();
};

/** `avg_over_time` (compensated, overflow-safe). */
export const avgOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  mean.reset();
  for (let i = w.lo; i < w.hi; i++) mean.add(w.f[i]!);
  return mean.value();
};

/** `count_over_time`. */
export const countOverTime: RangeKernel = (w) => (w.hi > w.lo ? w.hi - w.lo : undefined);

/** `present_over_time`. */
export const presentOverTime: RangeKernel = (w) => (w.hi > w.lo ? 1 : undefined);

/** `last_over_time`. */
export const lastOverTime: RangeKernel = (w) => (w.hi > w.lo ? w.f[w.hi - 1] : undefined);

/** `first_over_time`. */
export const firstOverTime: RangeKernel = (w) => (w.hi > w.lo ? w.f[w.lo] : undefined);

/** `ts_of_last_over_time`: timestamp (s) of the last sample. */
export const tsOfLastOverTime: RangeKernel = (w) => (w.hi > w.lo ? w.t[w.hi - 1]! / 1000 : undefined);

/** `ts_of_first_over_time`: timestamp (s) of the first sample. */
export const tsOfFirstOverTime: RangeKernel = (w) => (w.hi > w.lo ? w.t[w.lo]! / 1000 : undefined);

/** `max_over_time`: NaN only when every sample is NaN. */
export const maxOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  let m = w.f[w.lo]!;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.f[i]!;
    if (v > m || m !== m) m = v;
  }
  return m;
};

/** `min_over_time`: NaN only when every sample is NaN. */
export const minOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  let m = w.f[w.lo]!;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.f[i]!;
    if (v < m || m !== m) m = v;
  }
  return m;
};

/** `ts_of_max_over_time`: timestamp (s) of the last occurrence of the maximum. */
export const tsOfMaxOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  let m = w.f[w.lo]!;
  let at = w.t[w.lo]!;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.f[i]!;
    if (v >= m || m !== m) {
      m = v;
      at = w.t[i]!;
    }
  }
  return at / 1000;
};

/** `ts_of_min_over_time`: timestamp (s) of the last occurrence of the minimum. */
export const tsOfMinOverTime: RangeKernel = (w) => {
  if (w.hi <= w.lo) return undefined;
  let m = w.f[w.lo]!;
  let at = w.t[w.lo]!;
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.f[i]!;
    if (v <= m || m !== m) {
      m = v;
      at = w.t[i]!;
    }
  }
  return at / 1000;
};

/** Compensated Welford variance of the window (population). */
function variance(w: Window): number {
  let count = 0;
  let m = 0;
  let cm = 0;
  let aux = 0;
  let caux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.f[i]!;
    count++;
    const delta = v - (m + cm);
    // m += delta / count, compensated
    let inc = delta / count;
    let t = m + inc;
    if (t === Infinity || t === -Infinity) cm = 0;
    else if (Math.abs(m) >= Math.abs(inc)) cm += m - t + inc;
    else cm += inc - t + m;
    m = t;
    inc = delta * (v - (m + cm));
    t = aux + inc;
    if (t === Infinity || t === -Infinity) caux = 0;
    else if (Math.abs(aux) >= Math.abs(inc)) caux += aux - t + inc;
    else caux += inc - t + aux;
    aux = t;
  }
  return (aux + caux) / count;
}

/** `stdvar_over_time`. */
export const stdvarOverTime: RangeKernel = (w) => (w.hi > w.lo ? variance(w) : undefined);

/** `stddev_over_time`. */
export const stddevOverTime: RangeKernel = (w) => (w.hi > w.lo ? Math.sqrt(variance(w)) : undefined);

/** `quantile_over_time(φ, v)` with φ in `p0` (out-of-range φ gives ±Inf, NaN gives NaN). */
export const quantileOverTime: RangeKernel = (w) => {
  const n = w.hi - w.lo;
  if (n <= 0) return undefined;
  const s = scratchOf(n);
  for (let i = 0; i < n; i++) s[i] = w.f[w.lo + i]!;
  return quantileSorted(w.p0, sortNaNFirst(s.subarray(0, n)));
};

/** `mad_over_time`: median absolute deviation from the median. */
export const madOverTime: RangeKernel = (w) => {
  const n = w.hi - w.lo;
  if (n <= 0) return undefined;
  const s = scratchOf(n);
  for (let i = 0; i < n; i++) {
    const v = w.f[w.lo + i]!;
    if (v !== v) return NaN;
    s[i] = v;
  }
  const view = sortNaNFirst(s.subarray(0, n));
  const median = quantileSorted(0.5, view);
  if (median !== median) return NaN;
  for (let i = 0; i < n; i++) view[i] = Math.abs(view[i]! - median);
  return quantileSorted(0.5, sortNaNFirst(view));
};

/**
 * `double_exponential_smoothing(v, sf, tf)` (Holt's linear method) with smoothing factor `p0`
 * and trend factor `p1`, both already validated to lie in (0, 1).
 */
export const doubleExponentialSmoothing: RangeKernel = (w) => {
  const { f, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const sf = w.p0;
  const tf = w.p1;
  let s0 = 0;
  let s1 = f[lo]!;
  let b = f[lo + 1]! - f[lo]!;
  for (let i = 1; i < hi - lo; i++) {
    const x = sf * f[lo + i]!;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
};

/** Sorts ascending with NaN first (NaN counts as the smallest value, as upstream's quantile does). */
export function sortNaNFirst(a: Float64Array): Float64Array {
  a.sort();
  // Float64Array#sort puts NaN last; rotate them to the front.
  let nans = 0;
  for (let i = a.length - 1; i >= 0 && a[i] !== a[i]; i--) nans++;
  if (nans > 0 && nans < a.length) {
    a.copyWithin(nans, 0, a.length - nans);
    a.fill(NaN, 0, nans);
  }
  return a;
}
