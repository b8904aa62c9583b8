/**
 * Reading storage: instant vector selectors (lookback, staleness, `@`, `offset`, `smoothed`)
 * and loading one series at a time into a reusable `Window` buffer for range functions.
 */
import { ValueType, type SampleIterator, type Series as StorageSeries, type SeriesSet } from '../../storage/index.js';
import { UnsupportedHistogramError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { Window } from './functions/index.js';
import type { MatrixSelectorPlan, VectorSelectorPlan } from './plan.js';
import { isStaleNaN, markHist, newSeries, newStepSeries, type Series, type StepSeries } from './value.js';

/**
 * Opens the series of `vs` for samples in `[mint, maxt]` (ms, inclusive), in label order unless
 * the query's result does not depend on it (`EvalShared.orderFree`).
 */
export function selectSeries(ev: Evaluator, vs: VectorSelectorPlan, mint: number, maxt: number, func?: string, rangeMs?: number): SeriesSet {
  const hints = { start: mint, end: maxt, step: ev.range.intervalMs, ...(rangeMs ? { range: rangeMs } : {}), ...(func ? { func } : {}) };
  const set = ev.shared.querier.select(!ev.shared.orderFree.has(vs), hints, ...vs.matchers);
  for (const w of set.warnings()) ev.shared.annotations.storageWarning(w);
  return set;
}

/**
 * Loads the samples of `s` with timestamps in `[mint, maxt]` into `win` (replacing its
 * contents), skipping stale markers when `dropStale`. Native-histogram samples are loaded as
 * opaque entries flagged in `win.hk`. Samples older than the newest one at or before `anchor`
 * may be left out (see `Series.readFloats`). Returns the iterator for reuse.
 */
export function loadSeries(
  ev: Evaluator,
  s: StorageSeries,
  win: Window,
  mint: number,
  maxt: number,
  dropStale: boolean,
  reuse?: SampleIterator,
  anchor?: number,
): SampleIterator | undefined {
  win.clear();
  if (s.readFloats !== undefined && s.readFloats(mint, maxt, win, anchor)) {
    const n = win.n;
    ev.shared.budget.totalQueryable += n;
    win.hk.fill(0, 0, n);
    if (dropStale) dropStaleMarkers(win);
    return reuse;
  }
  const it = s.iterator(reuse);
  win.clear();
  let vt = it.seek(mint);
  let loaded = 0;
  while (vt !== ValueType.None) {
    const t = it.atT();
    if (t > maxt) break;
    if (vt !== ValueType.Float) win.push(t, NaN, true);
    else {
      const v = it.at();
      if (!(dropStale && isStaleNaN(v))) win.push(t, v);
    }
    loaded++;
    vt = it.next();
  }
  const err = it.err();
  if (err) throw err;
  ev.shared.budget.totalQueryable += loaded;
  return it;
}

/** Removes stale markers from the float samples of `win`. */
function dropStaleMarkers(win: Window): void {
  const t = win.t;
  const f = win.f;
  const n = win.n;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = f[i]!;
    if (v !== v && isStaleNaN(v)) continue;
    if (k !== i) {
      t[k] = t[i]!;
      f[k] = v;
    }
    k++;
  }
  win.n = k;
}

/**
 * Evaluates an instant vector selector at every step: the newest sample in
 * `(ref - lookback, ref]` with `ref = (@ or step) - offset`, unless it is a stale marker. With
 * `timestamps` the value is the sample's timestamp in seconds (for `timestamp()`), and the metric
 * name is marked for removal. With `sink`, each series is handed to it instead of being
 * collected (and its arrays are reused afterwards): the result is then empty.
 */
export async function evalVectorSelector(ev: Evaluator, vs: VectorSelectorPlan, timestamps: boolean, sink?: (s: StepSeries) => void): Promise<StepSeries[]> {
  const { startMs, endMs, numSteps, intervalMs } = ev.range;
  const lookback = ev.shared.lookbackMs;
  const refStart = (vs.atMs ?? startMs) - vs.offsetMs;
  const refEnd = (vs.atMs ?? endMs) - vs.offsetMs;
  const mint = refStart - lookback + 1;
  const maxt = vs.smoothed ? refEnd + lookback : refEnd;
  const set = selectSeries(ev, vs, mint, maxt);
  const win = scratchWindow(ev);
  const out: StepSeries[] = [];
  const budget = ev.shared.budget;
  const control = ev.shared.control;
  let it: SampleIterator | undefined;
  let series: StepSeries | undefined;
  while (set.next()) {
    const s = set.at();
    it = loadSeries(ev, s, win, mint, maxt, false, it, refStart);
    if (win.n === 0) continue;
    // Reuse the arrays of a series that got no point (common with sparse selectors).
    if (series && series.count === 0) {
      series.metric = s.labels;
      series.hist = undefined;
    }
    else series = newStepSeries(s.labels, numSteps, timestamps);
    const t = win.t;
    const f = win.f;
    const n = win.n;
    let j = 0;
    for (let step = 0; step < numSteps; step++) {
      const ts = startMs + step * intervalMs;
      const ref = (vs.atMs ?? ts) - vs.offsetMs;
      while (j < n && t[j]! <= ref) j++;
      const k = j - 1;
      if (k < 0 || t[k]! <= ref - lookback) continue;
      let v = f[k]!;
      const hist = win.hk[k] === 1;
      if (!hist && isStaleNaN(v)) continue;
      if (timestamps) v = t[k]! / 1000;
      else if (vs.smoothed && t[k]! !== ref && j < n && t[j]! <= ref + lookback && (win.hk[j] === 1 || !isStaleNaN(f[j]!))) {
        if (hist || win.hk[j] === 1) throw new UnsupportedHistogramError(`smoothed ${s.labels.toString()}`, 'feature');
        v = v + ((f[j]! - v) * (ref - t[k]!)) / (t[j]! - t[k]!);
      } else if (hist) {
        markHist(series, step);
      }
      series.f[step] = v;
      series.has[step] = 1;
      series.count++;
    }
    if (series.count > 0) {
      budget.add(series.count);
      if (sink === undefined) out.push(series);
      else {
        // Streamed: the consumer is done with the series when `sink` returns; reuse its arrays.
        sink(series);
        budget.release(series.count);
        series.has.fill(0);
        series.count = 0;
      }
    }
    control.tick(numSteps + n);
    if (control.due) await control.yieldIfDue();
  }
  const err = set.err();
  if (err) throw err;
  return out;
}

/**
 * A range selector at the top of an instant query: the raw samples in
 * `(ref - range, ref]`, stale markers dropped, labels kept.
 */
export async function evalMatrixSelectorRaw(ev: Evaluator, ms: MatrixSelectorPlan): Promise<Series[]> {
  const vs = ms.selector;
  const ref = (vs.atMs ?? ev.range.endMs) - vs.offsetMs;
  const mint = ref - ms.rangeMs + 1;
  const set = selectSeries(ev, vs, mint, ref, undefined, ms.rangeMs);
  const win = scratchWindow(ev);
  const out: Series[] = [];
  let it: SampleIterator | undefined;
  while (set.next()) {
    const s = set.at();
    it = loadSeries(ev, s, win, mint, ref, true, it);
    if (win.n === 0) continue;
    if (win.nh > 0) throw new UnsupportedHistogramError(s.labels.toString());
    ev.shared.budget.add(win.n);
    out.push(newSeries(s.labels, win.t.slice(0, win.n), win.f.slice(0, win.n)));
    await ev.shared.control.yieldIfDue();
  }
  const err = set.err();
  if (err) throw err;
  return out;
}

/** Time span `[mint, maxt]` a range selector must load for all steps of `ev` (extended modifiers reach further). */
export function matrixLoadRange(ev: Evaluator, ms: MatrixSelectorPlan): { mint: number; maxt: number } {
  const vs = ms.selector;
  const refStart = (vs.atMs ?? ev.range.startMs) - vs.offsetMs;
  const refEnd = (vs.atMs ?? ev.range.endMs) - vs.offsetMs;
  let mint = refStart - ms.rangeMs + 1;
  let maxt = refEnd;
  if (vs.anchored || vs.smoothed) mint -= ev.shared.lookbackMs;
  if (vs.smoothed) maxt += ev.shared.lookbackMs;
  return { mint, maxt };
}

const windows = new WeakMap<Evaluator['shared'], Window>();

/** A scratch window shared by the sequential selector loops of one query. */
export function scratchWindow(ev: Evaluator): Window {
  let w = windows.get(ev.shared);
  if (!w) {
    w = new Window();
    windows.set(ev.shared, w);
  }
  return w;
}
