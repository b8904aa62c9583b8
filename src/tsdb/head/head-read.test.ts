import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType, type Querier } from '../../storage/index.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Head } from './index.js';

function samplesOf(q: Querier, ...m: ReturnType<typeof newMatcher>[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const ss = q.select(false, undefined, ...m);
  while (ss.next()) {
    const it = ss.at().iterator();
    const ts: number[] = [];
    while (it.next() === ValueType.Float) ts.push(it.atT());
    out.set(ss.at().labels.get('i'), ts);
  }
  return out;
}

const M = newMatcher('=', '__name__', 'm');
const lbl = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i));

test('isolation: a querier never sees a commit applied after it opened, nor part of one', async (t) => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-iso-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const head = await Head.open({ walDir: dir });
  const a = head.appender();
  for (let i = 0; i < 3; i++) a.append(0, lbl(i), 10, i);
  await a.commit();
  const q1 = head.querier(0, 1000);
  // A commit that touches existing series and creates a new one.
  const b = head.appender();
  for (let i = 0; i < 4; i++) b.append(0, lbl(i), 20, i);
  const pending = b.commit();
  const q2 = head.querier(0, 1000); // opened while the commit waits for the WAL
  await pending;
  const q3 = head.querier(0, 1000);
  const c = head.appender();
  for (let i = 0; i < 4; i++) c.append(0, lbl(i), 30, i);
  await c.commit();
  assert.deepEqual(samplesOf(q1, M), new Map([['0', [10]], ['1', [10]], ['2', [10]]]));
  assert.deepEqual(samplesOf(q2, M), new Map([['0', [10]], ['1', [10]], ['2', [10]]]));
  assert.deepEqual(samplesOf(q3, M), new Map([['0', [10, 20]], ['1', [10, 20]], ['2', [10, 20]], ['3', [20]]]));
  q1.close();
  q2.close();
  q3.close();
  const q4 = head.querier(0, 1000);
  assert.deepEqual(samplesOf(q4, M).get('3'), [20, 30]);
  q4.close();
  assert.equal(head.openQueriers.size, 0);
  // With no querier open, commits stop keeping isolation entries.
  const d = head.appender();
  d.append(0, lbl(0), 40, 1);
  await d.commit();
  assert.equal(head.series.getByRef(1)!.iso, undefined);
  await head.close();
});

test('isolation bookkeeping stays bounded with a long-lived querier', async () => {
  const head = await Head.open();
  const q = head.querier(0, Infinity);
  for (let k = 1; k <= 200; k++) {
    const a = head.appender();
    a.append(0, lbl(0), k, k);
    await a.commit();
  }
  assert.equal(samplesOf(q, M).size, 0);
  q.close();
  const q2 = head.querier(0, Infinity);
  for (let k = 201; k <= 400; k++) {
    const a = head.appender();
    a.append(0, lbl(0), k, k);
    await a.commit();
  }
  assert.ok(head.series.getByRef(1)!.iso!.length <= 34);
  assert.equal(samplesOf(q2, M).get('0')!.length, 200);
  q2.close();
});

test('select: matchers, sorting, time bounds, seek; label names and values', async () => {
  const head = await Head.open();
  const a = head.appender();
  for (let i = 9; i >= 0; i--) for (let t = 0; t < 1000; t += 10) a.append(0, Labels.fromStrings('__name__', 'm', 'i', String(i), 'parity', i % 2 ? 'odd' : 'even'), t, t);
  a.append(0, Labels.fromStrings('__name__', 'other', 'x', 'y'), 5, 1);
  await a.commit();
  const q = head.querier(100, 200);
  const ss = q.select(true, undefined, M, newMatcher('=~', 'parity', 'odd'));
  const order: string[] = [];
  while (ss.next()) order.push(ss.at().labels.get('i'));
  assert.deepEqual(order, ['1', '3', '5', '7', '9']);
  assert.deepEqual(samplesOf(q, M, newMatcher('=', 'i', '3')).get('3'), Array.from({ length: 11 }, (_, k) => 100 + 10 * k));
  const s4 = q.select(false, undefined, newMatcher('=', 'i', '4'));
  assert.ok(s4.next());
  const iter = s4.at().iterator();
  assert.equal(iter.seek(155), ValueType.Float);
  assert.equal(iter.atT(), 160);
  assert.equal(iter.seek(150), ValueType.Float, 'seek never goes back');
  assert.equal(iter.atT(), 160);
  assert.equal(iter.next(), ValueType.Float);
  assert.equal(iter.atT(), 170);
  assert.equal(iter.seek(201), ValueType.None);
  assert.deepEqual(q.labelNames(undefined), ['__name__', 'i', 'parity', 'x']);
  assert.deepEqual(q.labelNames(undefined, newMatcher('=', 'i', '3')), ['__name__', 'i', 'parity']);
  // Series count for names/values with matchers only when they have samples in the range.
  assert.deepEqual(q.labelNames(undefined, newMatcher('=', '__name__', 'other')), []);
  assert.deepEqual(q.labelValues('parity', undefined), ['even', 'odd']);
  assert.deepEqual(q.labelValues('i', undefined, newMatcher('=', 'parity', 'even')), ['0', '2', '4', '6', '8']);
  // The 'other' series has no sample in [100, 200].
  assert.deepEqual(samplesOf(q, newMatcher('=', '__name__', 'other')), new Map());
  q.close();
  const far = head.querier(5000, 6000);
  assert.deepEqual(far.labelNames(undefined), []);
  far.close();
});

test('iterator over many chunks with seek across chunk boundaries', async () => {
  const head = await Head.open();
  const a = head.appender();
  for (let t = 0; t < 100_000; t += 7) a.append(0, lbl(1), t, t / 7);
  await a.commit();
  const q = head.querier(-Infinity, Infinity);
  const ss = q.select(false, undefined, M);
  assert.ok(ss.next());
  const it = ss.at().iterator();
  for (const target of [0, 1, 700, 701, 5000, 55_555, 99_995, 99_996]) {
    const vt = it.seek(target);
    if (target > 99_995) assert.equal(vt, ValueType.None);
    else {
      assert.equal(vt, ValueType.Float);
      const want = Math.ceil(target / 7) * 7;
      assert.equal(it.atT(), want);
      assert.equal(it.at(), want / 7);
    }
  }
  q.close();
});

/** Samples of `s` as `t:bits` strings through its iterator, within `[mint, maxt]`. */
function iterated(s: import('../../storage/index.js').Series, mint: number, maxt: number): string[] {
  const it = s.iterator();
  const out: string[] = [];
  for (let vt = it.seek(mint); vt === ValueType.Float; vt = it.next()) {
    if (it.atT() > maxt) break;
    out.push(`${it.atT()}:${bitsOf(it.at())}`);
  }
  return out;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
function bitsOf(v: number): string {
  F64[0] = v;
  return `${U32[0]!.toString(16)}.${U32[1]!.toString(16)}`;
}

/** Samples of `s` through `readFloats`, or undefined when it declines. */
function bulk(s: import('../../storage/index.js').Series, mint: number, maxt: number, anchor?: number): string[] | undefined {
  const buf = {
    t: new Float64Array(1),
    f: new Float64Array(1),
    n: 0,
    reserve(min: number) {
      const t = new Float64Array(min * 2);
      t.set(this.t);
      this.t = t;
      const f = new Float64Array(min * 2);
      f.set(this.f);
      this.f = f;
    },
  };
  if (!s.readFloats!(mint, maxt, buf, anchor)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < buf.n; i++) out.push(`${buf.t[i]}:${bitsOf(buf.f[i]!)}`);
  return out;
}

test('readFloats returns what the iterator returns; with an anchor, a suffix from the newest sample at or before it', async () => {
  const head = await Head.open({ samplesPerChunk: 8, chunkRange: 1000 });
  const stale = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;
  let seed = 3;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const ts = [0, 0, 0, 0, 0];
  for (let round = 0; round < 60; round++) {
    const a = head.appender();
    for (let i = 0; i < 5; i++) {
      if (i === 4 && round > 3) continue; // series 4 stops early: its newest sample is old
      ts[i]! += 1 + Math.floor(rnd() * 40);
      a.append(0, lbl(i), ts[i]!, rnd() < 0.1 ? stale : Math.round(rnd() * 1000) / 10);
    }
    await a.commit();
  }
  const q = head.querier(-100, 5000);
  // Commits after the querier opened stay invisible to both paths (isolation), the row's newest sample included.
  const late = head.appender();
  for (let i = 0; i < 5; i++) late.append(0, lbl(i), 4000 + i, 1);
  await late.commit();
  const ss = q.select(true, undefined, M);
  let checked = 0;
  while (ss.next()) {
    const s = ss.at();
    const all = iterated(s, -Infinity, Infinity);
    assert.ok(!all.some((x) => x.startsWith('400')), 'late commit is invisible');
    for (let k = 0; k < 40; k++) {
      const lo = Math.floor(rnd() * 2600) - 100;
      const hi = lo + Math.floor(rnd() * 2600);
      const want = iterated(s, lo, hi);
      assert.deepEqual(bulk(s, lo, hi), want, `${s.labels.toString()} [${lo}, ${hi}]`);
      const anchor = lo + Math.floor(rnd() * (hi - lo + 200));
      const got = bulk(s, lo, hi, anchor)!;
      // A suffix of `want` that starts at or before the newest sample at or before the anchor.
      assert.deepEqual(got, want.slice(want.length - got.length));
      const newestAtAnchor = want.filter((x) => Number(x.split(':')[0]) <= anchor).length;
      assert.ok(want.length - got.length <= Math.max(0, newestAtAnchor - 1), `anchor ${anchor} drops too much`);
      checked++;
    }
  }
  assert.equal(checked, 5 * 40);
  q.close();
  await head.close();
});

test('large selections come back sorted by labels, also after series are added', async () => {
  const head = await Head.open({});
  let seed = 11;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const add = async (n: number, t: number): Promise<void> => {
    const a = head.appender();
    for (let i = 0; i < n; i++) a.append(0, Labels.fromStrings('__name__', 'm', 'a', String(Math.floor(rnd() * 1e6)), 'b', String(i % 7)), t, 1);
    await a.commit();
  };
  const check = (matchers: ReturnType<typeof newMatcher>[]): number => {
    const q = head.querier(0, 1000);
    const ss = q.select(true, undefined, ...matchers);
    const got: Labels[] = [];
    while (ss.next()) got.push(ss.at().labels);
    q.close();
    const want = [...got].sort(Labels.compare);
    assert.deepEqual(got.map(String), want.map(String));
    return got.length;
  };
  await add(5000, 10);
  assert.ok(check([M]) > 4000);
  assert.ok(check([M, newMatcher('=', 'b', '3')]) > 500);
  await add(3000, 20); // new series: ranks are recomputed for large selections
  assert.ok(check([M]) > 7000);
  assert.ok(check([M, newMatcher('!=', 'b', '3')]) > 6000);
  await add(10, 30);
  assert.ok(check([M, newMatcher('=', 'b', '1')]) > 1000); // small share of the head: compares labels
  assert.ok(check([M]) > 8000);
  await head.close();
});

test('a small selection asked again keeps label order, also when series join it or leave its time range', async () => {
  const head = await Head.open({});
  const add = async (vals: readonly string[], t: number): Promise<void> => {
    const a = head.appender();
    for (const v of vals) a.append(0, Labels.fromStrings('__name__', 'm', 'a', v), t, 1);
    await a.commit();
  };
  const got = async (mint: number, prefetch: boolean): Promise<string[]> => {
    const q = head.querier(mint, 1000);
    if (prefetch) await q.prefetch!([{ matchers: [M] }]);
    const ss = q.select(true, undefined, M);
    const out: string[] = [];
    while (ss.next()) out.push(ss.at().labels.get('a'));
    q.close();
    return out;
  };
  // Postings order (creation) differs from label order.
  const first = ['k', 'c', 'x', 'a', 'm', 'e'];
  await add(first, 10);
  const want = [...first].sort();
  for (const prefetch of [false, true, false]) assert.deepEqual(await got(0, prefetch), want);
  await add(['b', 'z'], 20); // join the selection: sorted in
  for (const prefetch of [true, false]) assert.deepEqual(await got(0, prefetch), [...first, 'b', 'z'].sort());
  // From t=15 only the new series have samples: a different selection under the same matchers.
  assert.deepEqual(await got(15, false), ['b', 'z']);
  assert.deepEqual(await got(0, false), [...first, 'b', 'z'].sort());
  await head.close();
});

test('label order by cached ranks: dense and sparse selections, prefetched with and without sortSeries', async () => {
  const head = await Head.open({});
  const a = head.appender();
  // 40,000 series; b=0 picks every 19th (2,106 series spread over the whole rank range: the
  // sparse path), c=0 half of them (dense enough for bucket ordering).
  for (let i = 0; i < 40_000; i++) {
    const v = String((i * 7919) % 40_000);
    a.append(0, Labels.fromStrings('__name__', 'm', 'a', v, 'b', String(i % 19), 'c', String(i % 2)), 10, 1);
  }
  await a.commit();
  const names = (q: Querier, sort: boolean, ...m: ReturnType<typeof newMatcher>[]): string[] => {
    const ss = q.select(sort, undefined, ...m);
    const got: string[] = [];
    while (ss.next()) got.push(ss.at().labels.toString());
    return got;
  };
  const sorted = (xs: readonly string[]): string[] => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  // Also mid-sized selections (64 to 2,048 series) ordered by the cached ranks: a dense one
  // (a = 1000…1999, interleaved in label order with 10000…19999) and a sparse one.
  const mid = [[M, newMatcher('=~', 'a', '1[0-9]{3}')], [M, newMatcher('=', 'b', '0'), newMatcher('=', 'c', '0')]];
  for (const ms of [[M], [M, newMatcher('=', 'b', '0')], [M, newMatcher('=', 'c', '0')], ...mid]) {
    const q1 = head.querier(0, 1000);
    const want = names(q1, true, ...ms);
    q1.close();
    // Labels here sort as their strings do (same names, digits only).
    assert.deepEqual(want, sorted(want));
    // Prefetched unsorted: the same series; a sorted select of it afterwards is in label order.
    const q2 = head.querier(0, 1000);
    await q2.prefetch!([{ matchers: ms, sortSeries: false }]);
    assert.deepEqual(sorted(names(q2, false, ...ms)), want);
    assert.deepEqual(names(q2, true, ...ms), want);
    q2.close();
    // Prefetched sorted serves an unsorted select too.
    const q3 = head.querier(0, 1000);
    await q3.prefetch!([{ matchers: ms }, { matchers: ms, sortSeries: false }]);
    assert.deepEqual(names(q3, false, ...ms), want);
    q3.close();
  }
  await head.close();
});

test('prefetched selections (postings copied, unions merged lazily) equal synchronous ones for every matcher kind', async () => {
  const head = await Head.open({});
  const a = head.appender();
  for (let i = 0; i < 6000; i++) {
    const kv = ['__name__', `m${i % 5}`, 'a', String(i % 1500), 'b', String(i % 7)];
    if (i % 3 !== 0) kv.push('c', `v${i % 11}`);
    a.append(0, Labels.fromStrings(...kv), 10, 1);
  }
  await a.commit();
  const cases = [
    [newMatcher('=~', '__name__', 'm.*')],
    [newMatcher('=~', '__name__', '.+'), newMatcher('!=', 'b', '3')],
    [newMatcher('=~', 'a', '1.*'), newMatcher('!~', 'c', 'v1|v2')],
    [newMatcher('=~', 'a', '.+'), newMatcher('=', 'c', '')],
    [newMatcher('=', '__name__', 'm1'), newMatcher('=~', 'c', 'v3|v4|v5|nope')],
    [newMatcher('=~', 'c', '.*v1.*'), newMatcher('!~', 'c', '.+')],
    [newMatcher('=~', 'a', '.+'), newMatcher('=~', 'b', '[0-3]')],
  ];
  for (const ms of cases) {
    const q1 = head.querier(0, 1000);
    const want: string[] = [];
    const s1 = q1.select(true, undefined, ...ms);
    while (s1.next()) want.push(s1.at().labels.toString());
    q1.close();
    const q2 = head.querier(0, 1000);
    await q2.prefetch!([{ matchers: ms }]);
    const got: string[] = [];
    const s2 = q2.select(true, undefined, ...ms);
    while (s2.next()) got.push(s2.at().labels.toString());
    q2.close();
    assert.deepEqual(got, want, ms.map(String).join(','));
  }
  await head.close();
});
