import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, newMatcher } from '../../model/labels/index.js';
import {
  DuplicateSampleError,
  InvalidLabelsError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  ValueType,
  type Querier,
} from '../../storage/index.js';
import { createRegistry } from '../../util/index.js';
import { STALE_NAN } from '../chunkenc/index.js';
import { Head, type MemSeries } from './index.js';

const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);
function bits(v: number): bigint {
  F[0] = v;
  return U[0]!;
}
function fromBits(b: bigint): number {
  U[0] = b;
  return F[0]!;
}

/** All samples of series matching name="m" as [labels, [t, bits][]]. */
function dump(q: Querier, name = 'm'): [string, [number, bigint][]][] {
  const out: [string, [number, bigint][]][] = [];
  const ss = q.select(true, undefined, newMatcher('=', '__name__', name));
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const samples: [number, bigint][] = [];
    while (it.next() === ValueType.Float) samples.push([it.atT(), bits(it.at())]);
    assert.equal(it.err(), undefined);
    out.push([s.labels.toString(), samples]);
  }
  q.close();
  return out;
}

const L = Labels.fromStrings('__name__', 'm', 'job', 'a');

/** Sample count and bounds of every chunk of `s`, completed ones first. */
function chunksOf(head: Head, s: MemSeries): { n: number; minT: number; maxT: number }[] {
  return s.chunks(head).map(({ data, minT, maxT }) => ({ n: (data[0]! << 8) | data[1]!, minT, maxT }));
}

type Step = [t: number, v: number, expect: 'ok' | typeof OutOfOrderSampleError | typeof DuplicateSampleError | typeof OutOfBoundsError];

test('append semantics as upstream (table)', async () => {
  const cases: { name: string; committed: [number, number][]; batch: Step[]; want: [number, number][]; minValidTime?: number }[] = [
    { name: 'in order', committed: [], batch: [[1, 1, 'ok'], [2, 2, 'ok']], want: [[1, 1], [2, 2]] },
    { name: 'same t same value is accepted silently', committed: [[10, 5]], batch: [[10, 5, 'ok']], want: [[10, 5]] },
    { name: 'same t other value', committed: [[10, 5]], batch: [[10, 6, DuplicateSampleError]], want: [[10, 5]] },
    { name: '0 and -0 differ', committed: [[10, 0]], batch: [[10, -0, DuplicateSampleError]], want: [[10, 0]] },
    { name: 'NaN equals NaN by bits', committed: [[10, NaN]], batch: [[10, NaN, 'ok']], want: [[10, NaN]] },
    { name: 'stale marker differs from NaN', committed: [[10, NaN]], batch: [[10, STALE_NAN, DuplicateSampleError]], want: [[10, NaN]] },
    { name: 'older than last', committed: [[10, 5]], batch: [[9, 1, OutOfOrderSampleError], [11, 1, 'ok']], want: [[10, 5], [11, 1]] },
    { name: 'older than last within the batch', committed: [], batch: [[5, 1, 'ok'], [4, 1, OutOfOrderSampleError], [5, 2, DuplicateSampleError], [5, 1, 'ok']], want: [[5, 1]] },
    { name: 'older than minValidTime', committed: [], batch: [[99, 1, OutOfBoundsError], [100, 1, 'ok']], want: [[100, 1]], minValidTime: 100 },
    {
      name: 'older than maxT - chunkRange/2',
      committed: [[10_000_000, 1]],
      batch: [[10_000_000 - 3_600_001, 1, OutOfBoundsError], [10_000_001, 2, 'ok']],
      want: [[10_000_000, 1], [10_000_001, 2]],
    },
  ];
  for (const c of cases) {
    const head = await Head.open({ minValidTime: c.minValidTime });
    if (c.committed.length > 0) {
      const a = head.appender();
      for (const [t, v] of c.committed) a.append(0, L, t, v);
      await a.commit();
    }
    const a = head.appender();
    for (const [t, v, expect] of c.batch) {
      if (expect === 'ok') a.append(0, L, t, v);
      else assert.throws(() => a.append(0, L, t, v), expect, `${c.name}: (${t}, ${v})`);
    }
    await a.commit();
    const got = dump(head.querier(-Infinity, Infinity));
    assert.deepEqual(got, [['{__name__="m", job="a"}', c.want.map(([t, v]) => [t, bits(v)])]], c.name);
    await head.close();
  }
});

test('values are stored bit-exactly, stale markers included', async () => {
  const head = await Head.open();
  const values = [STALE_NAN, fromBits(0x7ff8000000000001n), -0, Infinity, -Infinity, 1.5e-310, Number.MAX_VALUE];
  const a = head.appender();
  values.forEach((v, i) => a.append(0, L, i + 1, v));
  await a.commit();
  const [[, samples]] = dump(head.querier(0, 100)) as [[string, [number, bigint][]]];
  // Expected bits computed one by one: an array literal of doubles would quiet the marker.
  const want: bigint[] = [];
  for (let i = 0; i < values.length; i++) want.push(i === 0 ? 0x7ff0000000000002n : bits(values[i]!));
  assert.deepEqual(
    samples.map(([, b]) => b),
    want,
  );
});

test('refs: the returned ref appends without labels; an unknown ref falls back to the labels', async () => {
  const head = await Head.open();
  const a = head.appender();
  const ref = a.append(0, L, 1, 1);
  assert.ok(ref > 0);
  assert.equal(a.append(ref, Labels.EMPTY, 2, 2), ref);
  assert.equal(a.append(987654, L, 3, 3), ref);
  const other = a.append(0, Labels.fromStrings('__name__', 'm', 'job', 'b'), 1, 1);
  assert.notEqual(other, ref);
  assert.throws(() => a.append(0, Labels.EMPTY, 1, 1), InvalidLabelsError);
  await a.commit();
  assert.equal(head.numSeries(), 2);
  assert.equal(dump(head.querier(0, 10))[0]![1].length, 3);
});

test('rollback applies nothing; series without samples are invisible and collected', async () => {
  const head = await Head.open();
  const a = head.appender();
  a.append(0, L, 1, 1);
  a.rollback();
  assert.deepEqual(dump(head.querier(-Infinity, Infinity)), []);
  const q = head.querier(-Infinity, Infinity);
  assert.deepEqual(q.labelValues('job', undefined), []);
  q.close();
  const b = head.appender();
  b.append(0, Labels.fromStrings('__name__', 'm', 'job', 'b'), 10, 1);
  b.append(0, Labels.fromStrings('__name__', 'm', 'job', 'b'), 7_200_010, 1);
  await b.commit();
  head.truncateMemory(7_200_000);
  assert.equal(head.numSeries(), 1, 'the empty series is collected');
});

test('metrics: appended, out of order and out of bounds counts under upstream names', async () => {
  const registry = createRegistry({ defaultMetrics: false });
  const head = await Head.open({ registry, minValidTime: 0 });
  const a = head.appender();
  a.append(0, L, 5, 1);
  a.append(0, L, 6, 1);
  assert.throws(() => a.append(0, L, 4, 1));
  assert.throws(() => a.append(0, L, -1, 1));
  await a.commit();
  const text = await registry.metrics();
  assert.match(text, /prometheus_tsdb_head_samples_appended_total\{type="float"\} 2/);
  assert.match(text, /prometheus_tsdb_out_of_order_samples_total\{type="float"\} 1/);
  assert.match(text, /prometheus_tsdb_out_of_bound_samples_total\{type="float"\} 1/);
  assert.match(text, /prometheus_tsdb_head_series 1/);
  assert.match(text, /prometheus_tsdb_head_chunks 1/);
  assert.match(text, /prometheus_tsdb_head_max_time 6/);
});

test('chunks are cut at 120 samples for a steady 15s rate and at the chunk range boundary', async () => {
  const head = await Head.open();
  const a = head.appender();
  const range = 2 * 3600 * 1000;
  for (let t = 0; t < 4 * 3600 * 1000; t += 15_000) a.append(0, L, t, t);
  await a.commit();
  const s = head.series.getByRef(1)!;
  const all = chunksOf(head, s);
  assert.deepEqual(
    all.map((c) => c.n),
    [120, 120, 120, 120, 120, 120, 120, 120],
  );
  for (const c of all) assert.equal(Math.floor(c.minT / range), Math.floor(c.maxT / range), 'no chunk crosses a range boundary');
  // A sparse series: one sample per 50 min still cuts at each 2h boundary.
  const L2 = Labels.fromStrings('__name__', 'm', 'job', 'sparse');
  const head2 = await Head.open();
  const b = head2.appender();
  for (let t = 0; t < 6 * 3600 * 1000; t += 50 * 60 * 1000) b.append(0, L2, t, 1);
  await b.commit();
  const s2 = head2.series.getByRef(1)!;
  assert.deepEqual(
    chunksOf(head2, s2).map((c) => [Math.floor(c.minT / range), c.n]),
    [[0, 3], [1, 2], [2, 3]],
  );
});

test('hash collisions keep distinct series apart', async () => {
  const head = await Head.open({ hashLabels: () => 42 });
  const a = head.appender();
  const r1 = a.append(0, Labels.fromStrings('__name__', 'm', 'i', '1'), 1, 1);
  const r2 = a.append(0, Labels.fromStrings('__name__', 'm', 'i', '2'), 1, 2);
  const r3 = a.append(0, Labels.fromStrings('__name__', 'm', 'i', '1'), 2, 3);
  assert.notEqual(r1, r2);
  assert.equal(r1, r3);
  await a.commit();
  const got = dump(head.querier(0, 10));
  assert.deepEqual(got.map(([l, s]) => [l, s.length]), [['{__name__="m", i="1"}', 2], ['{__name__="m", i="2"}', 1]]);
  head.truncateMemory(2);
  assert.equal(head.numSeries(), 1);
  const b = head.appender();
  assert.equal(b.append(0, Labels.fromStrings('__name__', 'm', 'i', '1'), 3, 1), r1);
  b.rollback();
});

test('truncate works in slices: appends go on meanwhile and keep the series they touch', async () => {
  const head = await Head.open({ minValidTime: 0 });
  const n = 60_000;
  const names = Array.from({ length: n }, (_, i) => Labels.fromStrings('__name__', 'm', 'i', String(i)));
  const a = head.appender();
  for (let i = 0; i < n; i++) a.append(0, names[i]!, 10, 1); // only old samples: all collectable
  await a.commit();
  const mint = 7_200_000;
  let turns = 0;
  let done = false;
  let late: Promise<void> | undefined;
  let seriesAtFirstTurn = -1;
  const tick = (): void => {
    if (done || turns > 100_000) return;
    turns++;
    if (late === undefined) {
      seriesAtFirstTurn = head.numSeries();
      // During the pass, a new appender writes to the last series (which the pass has not
      // reached yet) and to a brand-new one.
      const b = head.appender();
      b.append(0, names[n - 1]!, mint + 5, 2);
      b.append(0, Labels.fromStrings('__name__', 'm', 'i', 'new'), mint + 7, 3);
      late = b.commit();
    }
    setImmediate(tick);
  };
  setImmediate(tick);
  await head.truncate(mint);
  done = true;
  await late;
  assert.ok(seriesAtFirstTurn > 2, `the event loop turned in the middle of the pass (${seriesAtFirstTurn} series left then)`);
  assert.equal(head.numSeries(), 2, 'the untouched series are collected, the touched and the new one kept');
  const got = dump(head.querier(0, Infinity));
  assert.deepEqual(got.map(([l, s]) => [l, s.map(([t]) => t)]), [
    [names[n - 1]!.toString(), [mint + 5]],
    [Labels.fromStrings('__name__', 'm', 'i', 'new').toString(), [mint + 7]],
  ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
  assert.equal(head.minTime(), mint + 5, 'minT counts samples committed during the pass');
});
