/**
 * Helpers over lists of step series: delayed `__name__` removal, merging series that end up
 * with the same labels (an error when they overlap in time), and collecting outputs by labels.
 */
import { Labels, METRIC_NAME } from '../../model/labels/index.js';
import { EvalError } from './errors.js';
import { dropLabels } from './label-merge.js';
import { isHistPoint, markHist, newSeries, newStepSeries, type Series, type StepSeries } from './value.js';

/** Upstream's text for two results with identical labels at one time. */
export const DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Labels removed together with the metric name (`__type__`/`__unit__` travel with it). */
const NAME_LABELS = [METRIC_NAME, '__type__', '__unit__'];

const dropped = new WeakMap<Labels, Labels>();

/** `labels` without the metric name (and `__type__`/`__unit__`); cached per label set. */
export function dropMetricName(labels: Labels): Labels {
  let out = dropped.get(labels);
  if (!out) {
    out = dropLabels(labels, NAME_LABELS);
    dropped.set(labels, out);
  }
  return out;
}

/**
 * True when two of `series` have equal labels. The common answer is no: this pass keeps one
 * label set per hash and allocates no group per series (`groupByLabels` is for the merge).
 */
function hasSameLabels(series: readonly { metric: Labels }[]): boolean {
  const seen = new Map<number, Labels | Labels[]>();
  for (let i = 0; i < series.length; i++) {
    const l = series[i]!.metric;
    const h = l.hash();
    const found = seen.get(h);
    if (found === undefined) seen.set(h, l);
    else if (Array.isArray(found)) {
      for (const x of found) if (x.equals(l)) return true;
      found.push(l);
    } else {
      if (found.equals(l)) return true;
      seen.set(h, [found, l]);
    }
  }
  return false;
}

/** Groups series by label equality (hash first, then `equals`); singletons included. */
function groupByLabels<T extends { metric: Labels }>(series: readonly T[]): { groups: T[][]; dup: boolean } {
  const byHash = new Map<number, T[][]>();
  const groups: T[][] = [];
  let dup = false;
  for (const s of series) {
    const h = s.metric.hash();
    let bucket = byHash.get(h);
    if (!bucket) byHash.set(h, (bucket = []));
    const g = bucket.find((x) => x[0]!.metric.equals(s.metric));
    if (g) {
      g.push(s);
      dup = true;
    } else {
      const ng = [s];
      bucket.push(ng);
      groups.push(ng);
    }
  }
  return { groups, dup };
}

/**
 * Applies delayed name removal to every step series and merges series whose labels became
 * equal. Throws the duplicate-labelset error when merged series share a step.
 */
export function applyNameDrop(series: StepSeries[]): StepSeries[] {
  return dropPendingNames(series) ? mergeSameLabels(series) : series;
}

/** Drops the metric name of every series marked `dropName` (and clears the mark); true when any was marked. */
function dropPendingNames(series: readonly { metric: Labels; dropName: boolean }[]): boolean {
  let any = false;
  for (const s of series) {
    if (s.dropName) {
      s.metric = dropMetricName(s.metric);
      s.dropName = false;
      any = true;
    }
  }
  return any;
}

/** Merges step series with equal labels; throws the duplicate-labelset error on a shared step. */
export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  if (!hasSameLabels(series)) return series;
  const { groups, dup } = groupByLabels(series);
  if (!dup) return series;
  return groups.map((g) => {
    if (g.length === 1) return g[0]!;
    const out = newStepSeries(g[0]!.metric, g[0]!.f.length, g[0]!.dropName);
    for (const s of g) {
      for (let i = 0; i < s.has.length; i++) {
        if (!s.has[i]) continue;
        if (out.has[i]) throw new EvalError(DUPLICATE_LABELSET);
        out.has[i] = 1;
        out.f[i] = s.f[i]!;
        out.count++;
        if (isHistPoint(s, i)) markHist(out, i);
      }
    }
    return out;
  });
}

/** Name removal and merging for raw series (range-vector results). */
export function applyNameDropRaw(series: Series[]): Series[] {
  if (!dropPendingNames(series) || !hasSameLabels(series)) return series;
  const { groups, dup } = groupByLabels(series);
  if (!dup) return series;
  return groups.map((g) => {
    if (g.length === 1) return g[0]!;
    const pts: Array<[number, number]> = [];
    for (const s of g) for (let i = 0; i < s.t.length; i++) pts.push([s.t[i]!, s.f[i]!]);
    pts.sort((a, b) => a[0] - b[0]);
    const t = new Float64Array(pts.length);
    const f = new Float64Array(pts.length);
    for (let i = 0; i < pts.length; i++) {
      if (i > 0 && pts[i]![0] === pts[i - 1]![0]) throw new EvalError(DUPLICATE_LABELSET);
      t[i] = pts[i]![0];
      f[i] = pts[i]![1];
    }
    return newSeries(g[0]!.metric, t, f);
  });
}

/**
 * Output step series keyed by labels, in first-use order. `push` adds a point and throws when
 * the series already has one at that step (two inputs mapped to one output at one step).
 */
export class SeriesCollector {
  readonly #byHash = new Map<number, StepSeries | StepSeries[]>();
  readonly list: StepSeries[] = [];
  readonly #numSteps: number;

  constructor(numSteps: number) {
    this.#numSteps = numSteps;
  }

  /** The series for `metric`, created on first use; `dropName` is OR-ed in. */
  get(metric: Labels, dropName: boolean): StepSeries {
    const h = metric.hash();
    const found = this.#byHash.get(h);
    if (found !== undefined) {
      if (!Array.isArray(found)) {
        if (found.metric.equals(metric)) {
          if (dropName) found.dropName = true;
          return found;
        }
      } else {
        for (const s of found) {
          if (s.metric.equals(metric)) {
            if (dropName) s.dropName = true;
            return s;
          }
        }
      }
    }
    const s = newStepSeries(metric, this.#numSteps, dropName);
    if (found === undefined) this.#byHash.set(h, s);
    else if (Array.isArray(found)) found.push(s);
    else this.#byHash.set(h, [found, s]);
    this.list.push(s);
    return s;
  }

  /**
   * Adds a point (`hist`: an opaque native histogram); throws `err` (default: duplicate
   * labelset) if the series has one at `step`.
   */
  push(metric: Labels, dropName: boolean, step: number, v: number, err = DUPLICATE_LABELSET, hist = false): void {
    const s = this.get(metric, dropName);
    if (s.has[step]) throw new EvalError(err);
    s.has[step] = 1;
    s.f[step] = v;
    s.count++;
    if (hist) markHist(s, step);
  }
}
