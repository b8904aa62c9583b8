import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { ValueType, type LabelMatcher } from '../interface.js';
import { DuplicateSampleError } from '../errors.js';
import { MemoryStorage } from './memory-storage.js';

function eq(name: string, value: string): LabelMatcher {
  return { type: '=', name, value, matches: (v) => v === value };
}

function collect(s: MemoryStorage, mint: number, maxt: number, ...m: LabelMatcher[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  const set = s.querier(mint, maxt).select(true, undefined, ...m);
  while (set.next()) {
    const series = set.at();
    const it = series.iterator();
    const pts: [number, number][] = [];
    while (it.next() !== ValueType.None) pts.push([it.atT(), it.at()]);
    out[series.labels.toString()] = pts;
  }
  return out;
}

test('appends become visible on commit, sorted by labels and time, restricted to the range', async () => {
  const s = new MemoryStorage();
  const app = s.appender();
  const b = Labels.fromStrings('__name__', 'up', 'job', 'b');
  const a = Labels.fromStrings('__name__', 'up', 'job', 'a');
  app.append(0, b, 20, 2);
  app.append(0, b, 10, 1);
  app.append(0, a, 5, 7);
  assert.deepEqual(collect(s, 0, 100, eq('__name__', 'up')), {});
  await app.commit();
  const got = collect(s, 0, 15, eq('__name__', 'up'));
  assert.deepEqual(Object.keys(got), ['{__name__="up", job="a"}', '{__name__="up", job="b"}']);
  assert.deepEqual(got['{__name__="up", job="b"}'], [[10, 1]]);
  assert.equal(s.startTime(), 5);
});

test('rollback discards; a conflicting duplicate throws; seek positions on the first sample ≥ t', async () => {
  const s = new MemoryStorage();
  const l = Labels.fromStrings('__name__', 'x');
  let app = s.appender();
  app.append(0, l, 1, 1);
  app.rollback();
  assert.equal(s.numSeries, 0);
  app = s.appender();
  for (let t = 0; t < 100; t += 10) app.append(0, l, t, t);
  await app.commit();
  app = s.appender();
  app.append(0, l, 10, 99);
  await assert.rejects(app.commit(), DuplicateSampleError);
  const set = s.querier(0, 1000).select(false, undefined, eq('__name__', 'x'));
  assert.ok(set.next());
  const it = set.at().iterator();
  assert.equal(it.seek(35), ValueType.Float);
  assert.equal(it.atT(), 40);
  assert.equal(it.seek(20), ValueType.Float);
  assert.equal(it.atT(), 40);
  assert.equal(it.seek(1000), ValueType.None);
});

test('histogram samples are reported as such', () => {
  const s = new MemoryStorage();
  s.appendHistogram(Labels.fromStrings('__name__', 'h'), 0, { count: 1 });
  const set = s.querier(0, 10).select(false, undefined, eq('__name__', 'h'));
  assert.ok(set.next());
  assert.equal(set.at().iterator().next(), ValueType.Histogram);
});

test('a commit is all or nothing: a failing sample leaves every earlier one of the commit unapplied', async () => {
  const s = new MemoryStorage();
  const x = Labels.fromStrings('__name__', 'x');
  const y = Labels.fromStrings('__name__', 'y');
  let app = s.appender();
  app.append(0, x, 10, 1);
  await app.commit();
  const before = collect(s, 0, 100, eq('__name__', 'x'));

  // Conflict with a stored sample, after a new series and a new sample of an existing one.
  app = s.appender();
  app.append(0, y, 5, 5);
  app.append(0, x, 20, 2);
  app.append(0, x, 10, 99);
  await assert.rejects(app.commit(), DuplicateSampleError);
  assert.equal(s.numSeries, 1, 'the new series was not created');
  assert.equal(s.startTime(), 10);
  assert.deepEqual(collect(s, 0, 100, eq('__name__', 'x')), before);
  assert.deepEqual(collect(s, 0, 100, eq('__name__', 'y')), {});

  // Conflict inside the commit itself (same series and timestamp, two values).
  app = s.appender();
  app.append(0, y, 30, 1);
  app.append(0, y, 30, 2);
  await assert.rejects(app.commit(), DuplicateSampleError);
  assert.equal(s.numSeries, 1);

  // The same sample twice, and NaNs with different bits, are not conflicts.
  const stale = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;
  app = s.appender();
  app.append(0, y, 30, 1);
  app.append(0, y, 30, 1);
  app.append(0, x, 40, NaN);
  app.append(0, x, 40, stale);
  app.append(0, x, 10, 1);
  await app.commit();
  const got = collect(s, 0, 100, eq('__name__', 'x'))['{__name__="x"}']!;
  assert.deepEqual(got.map(([t]) => t), [10, 40]);
  assert.deepEqual(collect(s, 0, 100, eq('__name__', 'y')), { '{__name__="y"}': [[30, 1]] });
});
