import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchoredDelta, smoothedDelta } from './extended-kernels.js';
import { KahanSum, MeanAccumulator } from './kahan.js';
import { Labels } from '../../../model/labels/index.js';
import { labelReplace } from './label-functions.js';
import { newStepSeries } from '../value.js';
import { quantileSorted } from './quantile.js';
import * as K from './range-kernels.js';
import { naturalCompare } from './sort.js';
import { Window } from './window.js';

/** A window over `pts` ([t seconds, value]) for the range (end - range, end]. */
function win(pts: Array<[number, number]>, endS: number, rangeS: number): Window {
  const w = new Window();
  for (const [t, v] of pts) w.push(t * 1000, v);
  w.rangeEndMs = endS * 1000;
  w.rangeStartMs = (endS - rangeS) * 1000;
  w.rangeMs = rangeS * 1000;
  w.stepMs = endS * 1000;
  w.lookbackMs = 300_000;
  w.lo = 0;
  while (w.lo < w.n && w.t[w.lo]! <= w.rangeStartMs) w.lo++;
  w.hi = w.lo;
  while (w.hi < w.n && w.t[w.hi]! <= w.rangeEndMs) w.hi++;
  return w;
}

test('Kahan summation keeps small terms next to huge ones', () => {
  const k = new KahanSum();
  for (const v of [1, 1e100, 1, -1e100]) k.add(v);
  assert.equal(k.value(), 2);
  let naive = 0;
  for (const v of [1, 1e100, 1, -1e100]) naive += v;
  assert.equal(naive, 0);
});

test('mean stays finite when the sum would overflow, and Inf/NaN propagate', () => {
  const m = new MeanAccumulator();
  for (let i = 0; i < 4; i++) m.add(9.988465674311579e307);
  assert.equal(m.value(), 9.988465674311579e307);
  m.reset().add(Infinity);
  m.add(-Infinity);
  assert.ok(Number.isNaN(m.value()));
  m.reset();
  for (let i = 0; i < 12; i++) m.add(52);
  assert.equal(m.value(), 52);
});

test('rate extrapolates to the window edges and corrects counter resets', () => {
  // 0 10 20 … 100 every 5m, rate over the whole 50m window: 100 / 3000 s.
  const pts: Array<[number, number]> = [];
  for (let i = 0; i <= 10; i++) pts.push([i * 300, i * 10]);
  assert.ok(Math.abs(K.extrapolatedRate(win(pts, 3000, 3000), true, true)! - 100 / 3000) < 1e-12);
  // A reset (3 → 2) counts as 3 0 1 2: increase 0…7 over 30m.
  const reset: Array<[number, number]> = [0, 1, 2, 3, 2, 3, 4].map((v, i) => [i * 300, v]);
  assert.equal(K.extrapolatedRate(win(reset, 1800, 1800), true, false), 7);
  assert.equal(K.extrapolatedRate(win([[0, 1]], 10, 60), true, true), undefined);
});

test('counter resets: every sliding window of a reused buffer sees exactly its own drops', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const w = new Window();
  for (let load = 0; load < 3; load++) {
    // Each load refills the same buffer (as loadSeries does): clear, then write.
    w.clear();
    let v = 100;
    for (let i = 0; i < 200; i++) {
      v = rand() < 0.05 ? rand() * 10 : v + rand() * (load === 2 ? 0 : 5);
      w.push(i * 1000, v);
    }
    for (let lo = 0; lo < w.n; lo += 7) {
      for (let hi = lo + 1; hi <= w.n; hi += 11) {
        let drops = false;
        for (let i = lo + 1; i < hi; i++) if (w.f[i]! < w.f[i - 1]!) drops = true;
        assert.equal(w.hasDropIn(lo, hi), drops, `load ${load} [${lo}, ${hi})`);
        // rate over the window of the reused buffer equals rate over a buffer of just its samples.
        const pts: Array<[number, number]> = [];
        for (let i = lo; i < hi; i++) pts.push([w.t[i]! / 1000, w.f[i]!]);
        const alone = win(pts, (hi - 1) + 0.5, hi - lo);
        w.lo = lo;
        w.hi = hi;
        w.rangeStartMs = alone.rangeStartMs;
        w.rangeEndMs = alone.rangeEndMs;
        w.rangeMs = alone.rangeMs;
        assert.equal(K.extrapolatedRate(w, true, true), K.extrapolatedRate(alone, true, true), `load ${load} [${lo}, ${hi})`);
      }
    }
  }
});

test('anchored and smoothed increases', () => {
  const pts: Array<[number, number]> = [1, 2, 3, 4, 5, 9, 10, 11, 12, 13].map((v, i) => [i * 15, v]);
  assert.equal(anchoredDelta(win(pts, 65, 60), true, false), 4);
  assert.ok(Math.abs(smoothedDelta(win(pts, 65, 60), true, false)! - 5) < 1e-9);
  // A drop between the samples around a boundary is a restart from zero for counters.
  assert.ok(Math.abs(smoothedDelta(win([[0, 9], [60, 8], [120, 5], [180, 4]], 135, 120), true, false)! - 12) < 1e-9);
});

test('quantile interpolates between ranks; NaN sorts first', () => {
  assert.equal(quantileSorted(0.5, [0, 1, 4]), 1);
  assert.ok(Math.abs(quantileSorted(0.8, [0, 1, 4]) - 2.8) < 1e-12);
  assert.equal(quantileSorted(-1, [1]), -Infinity);
  assert.equal(quantileSorted(2, [1]), Infinity);
  const a = K.sortNaNFirst(Float64Array.from([1, NaN, 0]));
  assert.ok(Number.isNaN(a[0]!));
  assert.deepEqual([a[1], a[2]], [0, 1]);
});

test('natural order compares digit runs as numbers', () => {
  const xs = ['10', '2', '1', '100', '4m600', '4m5', '4m1000', '1.11.3', '1.2.3'];
  assert.deepEqual(xs.sort(naturalCompare), ['1', '1.2.3', '1.11.3', '2', '4m5', '4m600', '4m1000', '10', '100']);
});

test('label_replace: RE2 regexes and Go regexp.Expand templates', () => {
  /** label_replace on one series {src="<value>"}; the resulting dst value, or undefined when absent. */
  const replace = (value: string, repl: string, regex: string): string | undefined => {
    const s = newStepSeries(Labels.fromStrings('src', value), 1);
    const [out] = labelReplace([s], 'dst', repl, 'src', regex);
    return out!.metric.has('dst') ? out!.metric.get('dst') : undefined;
  };
  assert.equal(replace('source-value-10', '$1-value-$2', '(.*)-value-(.*)'), 'source-value-10');
  assert.equal(replace('source-value-10', '${kind}_x $kind $$ $9 $1x ${1}x', '(?P<kind>.*)-value-(.*)'), 'source_x source $   sourcex');
  assert.equal(replace('a\nb', '$1', '(a.b)'), 'a\nb', '. matches a newline, as Prometheus 3');
  assert.equal(replace('ab', '$1', 'a'), undefined, 'anchored: no match, no change');
  assert.equal(replace('Kelvin', '$1', '(?i)(kelvin)'), 'Kelvin', 'inline flags');
  assert.equal(replace('x', '$01|$0', '(x)'), '|x', '$01 is the group named "01"');
  assert.throws(() => replace('x', '$1', '(\\d'), /invalid regular expression in label_replace\(\): \(\\d/);
  assert.throws(() => replace('x', '$1', 'a(?=b)'), /invalid regular expression in label_replace\(\)/, 'lookahead is not RE2');
});
