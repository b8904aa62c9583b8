import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { DuplicateSampleError, OutOfBoundsError, OutOfOrderSampleError, TooOldSampleError, ValueType, WriteFailedError, type Querier } from '../../storage/index.js';
import { createRegistry } from '../../util/index.js';
import { STALE_NAN } from '../chunkenc/index.js';
import { openSegmentFile, type SegmentFileOpener } from '../wlog/index.js';
import { Head } from './index.js';

const L = Labels.fromStrings('__name__', 'm', 'job', 'a');
const L2 = Labels.fromStrings('__name__', 'm', 'job', 'b');
const MIN = 60_000;
const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);
const bits = (v: number): bigint => ((F[0] = v), U[0]!);

/** Samples of every series named m, as `labels → [t, v][]`. */
function dump(q: Querier): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const ss = q.select(true, undefined, newMatcher('=', '__name__', 'm'));
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const samples: [number, number][] = [];
    while (it.next() === ValueType.Float) samples.push([it.atT(), it.at()]);
    assert.equal(it.err(), undefined);
    out.set(s.labels.toString(), samples);
  }
  q.close();
  return out;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ignis-ooo-'));
}

async function commit(head: Head, samples: [Labels, number, number][]): Promise<void> {
  const app = head.appender();
  for (const [l, t, v] of samples) app.append(0, l, t, v);
  await app.commit();
}

/** Segment files under `prefix` fail every write with ENOSPC while `disk.full`. */
function fullDisk(prefix: string, disk: { full: boolean }): SegmentFileOpener {
  return async (path) => {
    const f = await openSegmentFile(path);
    if (!path.startsWith(prefix)) return f;
    return {
      ...f,
      write: (buf, off, len, pos) => (disk.full ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : f.write(buf, off, len, pos)),
    };
  };
}

test('window 0 (default): out-of-order samples are refused as before', async () => {
  const head = await Head.open();
  await commit(head, [[L, 100 * MIN, 1]]);
  const app = head.appender();
  assert.throws(() => app.append(0, L, 99 * MIN, 1), OutOfOrderSampleError);
  assert.throws(() => app.append(0, L2, 10 * MIN, 1), OutOfBoundsError);
  app.rollback();
});

test('accept and refuse at the window edges', async () => {
  const reg = createRegistry();
  const head = await Head.open({ outOfOrderTimeWindow: 30 * MIN, registry: reg });
  await commit(head, [[L, 100 * MIN, 1], [L2, 100 * MIN, 1]]);
  const app = head.appender();
  // Exactly at maxT - window: accepted; one ms older: too old, with upstream's text.
  app.append(0, L, 70 * MIN, 2);
  assert.throws(() => app.append(0, L, 70 * MIN - 1, 3), (e: unknown) => e instanceof TooOldSampleError && e.message === 'too old sample');
  // Older than the appendable lower bound (maxT - 1h) is refused as too old too, not out of bounds.
  assert.throws(() => app.append(0, L2, 30 * MIN, 3), TooOldSampleError);
  app.append(0, L, 99 * MIN, 4);
  await app.commit();
  const got = dump(head.querier(0, 200 * MIN));
  assert.deepEqual(got.get(L.toString()), [[70 * MIN, 2], [99 * MIN, 4], [100 * MIN, 1]]);
  const text = await reg.metrics();
  assert.match(text, /prometheus_tsdb_head_out_of_order_samples_appended_total\{type="float"\} 2/);
  assert.match(text, /prometheus_tsdb_too_old_samples_total\{type="float"\} 2/);
  assert.match(text, /prometheus_tsdb_head_samples_appended_total\{type="float"\} 4/);
});

test('a sample newer than its series but below the appendable lower bound goes out of order', async () => {
  const head = await Head.open({ outOfOrderTimeWindow: 90 * MIN });
  await commit(head, [[L, 100 * MIN, 1], [L2, 10 * MIN, 1]]);
  const L3 = Labels.fromStrings('__name__', 'm', 'job', 'c');
  // The lower bound for in-order appends is 100m - 1h = 40m.
  await commit(head, [[L3, 30 * MIN, 3], [L2, 20 * MIN, 2]]);
  assert.ok(head.ooo.has(head.series.getByLabels(L3)!.ref));
  const got = dump(head.querier(0, 200 * MIN));
  assert.deepEqual(got.get(L3.toString()), [[30 * MIN, 3]]);
  assert.deepEqual(got.get(L2.toString()), [[10 * MIN, 1], [20 * MIN, 2]]);
});

test('duplicates: same value accepted, another value refused (committed, pending, in-order)', async () => {
  const head = await Head.open({ outOfOrderTimeWindow: 60 * MIN });
  await commit(head, [[L, 10 * MIN, 1], [L, 20 * MIN, 2], [L, 30 * MIN, 3]]);
  await commit(head, [[L, 15 * MIN, 1.5]]);
  const app = head.appender();
  app.append(0, L, 15 * MIN, 1.5);
  assert.throws(() => app.append(0, L, 15 * MIN, 9), DuplicateSampleError);
  // Against an in-order sample.
  app.append(0, L, 20 * MIN, 2);
  assert.throws(() => app.append(0, L, 20 * MIN, 7), DuplicateSampleError);
  // Against a sample pending in this appender.
  app.append(0, L, 12 * MIN, 1.2);
  app.append(0, L, 12 * MIN, 1.2);
  assert.throws(() => app.append(0, L, 12 * MIN, 8), DuplicateSampleError);
  // Stale marker bits are not NaN's.
  app.append(0, L, 13 * MIN, STALE_NAN);
  assert.throws(() => app.append(0, L, 13 * MIN, NaN), DuplicateSampleError);
  await app.commit();
  const q = head.querier(0, 100 * MIN);
  const ss = q.select(false, undefined, newMatcher('=', 'job', 'a'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  const got: [number, bigint][] = [];
  while (it.next() === ValueType.Float) got.push([it.atT() / MIN, bits(it.at())]);
  q.close();
  assert.deepEqual(got, [[10, bits(1)], [12, bits(1.2)], [13, bits(STALE_NAN)], [15, bits(1.5)], [20, bits(2)], [30, bits(3)]]);
});

test('rollback drops pending out-of-order samples; seek works over the merge', async () => {
  const head = await Head.open({ outOfOrderTimeWindow: 60 * MIN, outOfOrderCapMax: 4 });
  await commit(head, [[L, 50 * MIN, 50]]);
  const app = head.appender();
  app.append(0, L, 40 * MIN, 40);
  app.rollback();
  // Enough samples to close several out-of-order chunks (cap 4).
  await commit(head, [40, 10, 30, 20, 45, 5, 25, 35, 15].map((m) => [L, m * MIN, m] as [Labels, number, number]));
  assert.ok(head.ooo.series.get(head.series.getByLabels(L)!.ref)!.closed.length >= 2);
  const q = head.querier(0, 100 * MIN);
  const ss = q.select(false, undefined, newMatcher('=', 'job', 'a'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  assert.equal(it.seek(21 * MIN), ValueType.Float);
  assert.equal(it.atT(), 25 * MIN);
  assert.equal(it.seek(22 * MIN), ValueType.Float);
  assert.equal(it.atT(), 25 * MIN);
  assert.equal(it.next(), ValueType.Float);
  assert.equal(it.atT(), 30 * MIN);
  assert.equal(it.seek(46 * MIN), ValueType.Float);
  assert.equal(it.atT(), 50 * MIN);
  assert.equal(it.next(), ValueType.None);
  // The bulk read must not return the in-order samples alone.
  const buf = { t: new Float64Array(64), f: new Float64Array(64), n: 0, reserve: () => undefined };
  const s = ss.at();
  if (s.readFloats !== undefined && s.readFloats(0, 100 * MIN, buf)) assert.equal(buf.n, 10);
  q.close();
  assert.deepEqual(
    dump(head.querier(12 * MIN, 36 * MIN)).get(L.toString())!.map(([t]) => t / MIN),
    [15, 20, 25, 30, 35],
  );
});

test('WBL: out-of-order samples survive a reopen (and a reopen with the window off)', async () => {
  const dir = tmp();
  try {
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    let head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN });
    await commit(head, [[L, 100 * MIN, 1]]);
    await commit(head, [[L, 90 * MIN, 2], [L2, 80 * MIN, 3]]);
    await head.close();
    assert.ok(fs.readdirSync(wblDir).length > 0);
    const want = dump((head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN })).querier(0, 200 * MIN));
    assert.deepEqual(want.get(L.toString()), [[90 * MIN, 2], [100 * MIN, 1]]);
    assert.deepEqual(want.get(L2.toString()), [[80 * MIN, 3]]);
    await head.close();
    // Upstream replays an existing WBL even when out-of-order ingestion is now off.
    head = await Head.open({ walDir, wblDir });
    assert.deepEqual(dump(head.querier(0, 200 * MIN)), want);
    await head.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('turning the window on at runtime opens the WBL', async () => {
  const dir = tmp();
  try {
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    let head = await Head.open({ walDir, wblDir });
    await commit(head, [[L, 100 * MIN, 1]]);
    assert.equal(fs.existsSync(wblDir), false);
    await head.setOutOfOrderTimeWindow(10 * MIN);
    await commit(head, [[L, 95 * MIN, 2]]);
    await head.setOutOfOrderTimeWindow(0);
    const app = head.appender();
    assert.throws(() => app.append(0, L, 96 * MIN, 3), OutOfOrderSampleError);
    app.rollback();
    await head.close();
    head = await Head.open({ walDir, wblDir });
    assert.deepEqual(dump(head.querier(0, 200 * MIN)).get(L.toString()), [[95 * MIN, 2], [100 * MIN, 1]]);
    await head.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WBL write failure (disk full): the commit fails and changes nothing, in order or out of order; later commits work', async () => {
  const dir = tmp();
  try {
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    const disk = { full: false };
    // Only WBL segments fail: the WAL write of the same commit succeeds.
    const opener = fullDisk(wblDir, disk);
    let head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN, walOpenFile: opener });
    await commit(head, [[L, 100 * MIN, 1]]);
    disk.full = true;
    const app = head.appender();
    app.append(0, L, 101 * MIN, 2);
    app.append(0, L, 90 * MIN, 3);
    await assert.rejects(app.commit(), WriteFailedError);
    assert.deepEqual(dump(head.querier(0, 200 * MIN)).get(L.toString()), [[100 * MIN, 1]]);
    disk.full = false;
    await commit(head, [[L, 80 * MIN, 4]]);
    const want = dump(head.querier(0, 200 * MIN));
    assert.deepEqual(want.get(L.toString()), [[80 * MIN, 4], [100 * MIN, 1]]);
    await head.close();
    head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN });
    const again = dump(head.querier(0, 200 * MIN)).get(L.toString())!;
    // The WBL is written first: nothing of the failed commit reached the WAL either.
    assert.deepEqual(again, want.get(L.toString()));
    await head.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WAL write failure after the WBL write: a later acknowledged sample at the same time wins after restart', async () => {
  const dir = tmp();
  try {
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    const disk = { full: false };
    const opener = fullDisk(walDir, disk);
    let head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN, walOpenFile: opener });
    await commit(head, [[L, 100 * MIN, 1]]);
    disk.full = true;
    // With an in-order sample, so that the commit has something to write to the WAL.
    await assert.rejects(commit(head, [[L, 101 * MIN, 2], [L, 90 * MIN, 3]]), WriteFailedError);
    disk.full = false;
    // Nothing of the failed commit is in the head, so the same timestamp is free.
    await commit(head, [[L, 90 * MIN, 5]]);
    await commit(head, Array.from({ length: 40 }, (_, i) => [L, (50 + i) * MIN, i] as [Labels, number, number]));
    const want = dump(head.querier(0, 200 * MIN));
    await head.close();
    head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN });
    assert.deepEqual(dump(head.querier(0, 200 * MIN)), want);
    assert.deepEqual(want.get(L.toString())!.find(([t]) => t === 90 * MIN), [90 * MIN, 5]);
    await head.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two appenders racing for one late timestamp: the later commit wins, live and after replay', async () => {
  const dir = tmp();
  try {
    const walDir = join(dir, 'wal');
    const wblDir = join(dir, 'wbl');
    let head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN });
    await commit(head, [[L, 100 * MIN, 1]]);
    const a = head.appender();
    const b = head.appender();
    a.append(0, L, 90 * MIN, 2);
    b.append(0, L, 90 * MIN, 3);
    await a.commit();
    await b.commit();
    const live = dump(head.querier(0, 200 * MIN)).get(L.toString());
    assert.deepEqual(live, [[90 * MIN, 3], [100 * MIN, 1]]);
    await head.close();
    head = await Head.open({ walDir, wblDir, outOfOrderTimeWindow: 60 * MIN });
    assert.deepEqual(dump(head.querier(0, 200 * MIN)).get(L.toString()), live);
    await head.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('property: random in- and out-of-order appends within the window read back sorted and deduplicated', () => {
  const sample = fc.record({ t: fc.integer({ min: 0, max: 400 }), v: fc.integer({ min: -3, max: 3 }), series: fc.integer({ min: 0, max: 2 }) });
  return fc.assert(
    fc.asyncProperty(fc.array(fc.array(sample, { maxLength: 20 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 40 }), async (commits, cap) => {
      const head = await Head.open({ outOfOrderTimeWindow: 1000 * MIN, outOfOrderCapMax: cap });
      const labels = [0, 1, 2].map((i) => Labels.fromStrings('__name__', 'm', 'i', String(i)));
      const model = new Map<string, Map<number, number>>();
      for (const batch of commits) {
        const app = head.appender();
        const pending = new Map<string, Map<number, number>>();
        for (const { t, v, series } of batch) {
          const l = labels[series]!;
          const key = l.toString();
          const have = pending.get(key)?.get(t * MIN) ?? model.get(key)?.get(t * MIN);
          try {
            app.append(0, l, t * MIN, v);
            assert.ok(have === undefined || have === v, 'accepted a conflicting duplicate');
            if (have === undefined) {
              if (!pending.has(key)) pending.set(key, new Map());
              pending.get(key)!.set(t * MIN, v);
            }
          } catch (err) {
            assert.ok(err instanceof DuplicateSampleError, String(err));
            assert.ok(have !== undefined && have !== v);
          }
        }
        await app.commit();
        for (const [k, m] of pending) {
          if (!model.has(k)) model.set(k, new Map());
          for (const [t, v] of m) model.get(k)!.set(t, v);
        }
      }
      const got = dump(head.querier(-Infinity, Infinity));
      const want = new Map([...model].map(([k, m]) => [k, [...m].sort((a, b) => a[0] - b[0])] as [string, [number, number][]]));
      assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
      await head.close();
    }),
    { numRuns: 150 },
  );
});
