import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType, type LabelMatcher, type Querier, type SampleIterator } from '../../storage/index.js';
import { XorChunk, floatHi, floatLo } from '../chunkenc/index.js';
import { CorruptionError } from '../fileutil/index.js';
import { compareLabelsUtf8 } from '../index/index.js';
import { Tombstones } from '../tombstones/index.js';
import { BlockWriter, TMP_FOR_CREATION_SUFFIX, type BlockChunk } from './block-writer.js';
import { Block, removeTmpBlockDirs } from './block.js';
import { decodeMeta, encodeMeta, readMeta } from './meta.js';
import { isUlid, newUlid, ulidTime } from './ulid.js';

interface TestSeries {
  labels: Labels;
  t: number[];
  v: Float64Array;
}

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ignis-block-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Cuts samples into chunks of `per` samples, as the head does. */
export function toChunks(t: readonly number[], v: Float64Array, per = 120): BlockChunk[] {
  const out: BlockChunk[] = [];
  for (let i = 0; i < t.length; i += per) {
    const c = new XorChunk();
    const a = c.appender();
    const end = Math.min(t.length, i + per);
    for (let k = i; k < end; k++) a.append(t[k]!, v[k]!);
    out.push({ mint: t[i]!, maxt: t[end - 1]!, chunk: c });
  }
  return out;
}

function write(dir: string, series: TestSeries[], opts = {}): Block {
  const w = new BlockWriter(dir, opts);
  for (const s of series) w.addSeries(s.labels, toChunks(s.t, s.v, 7));
  const meta = w.commit();
  return Block.open(join(dir, meta.ulid));
}

function gen(n: number, seed = 1): TestSeries[] {
  let x = seed;
  const rnd = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: TestSeries[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(rnd() * 40);
    const t: number[] = [];
    const v = new Float64Array(len);
    let ts = 1_000_000 + Math.floor(rnd() * 1000);
    for (let k = 0; k < len; k++) {
      t.push(ts);
      v[k] = Math.round(rnd() * 1000) / 10;
      ts += 15_000 + Math.floor(rnd() * 5);
    }
    out.push({ labels: Labels.fromStrings('__name__', `metric_${i % 5}`, 'job', `job${i % 3}`, 'instance', `host-${i}`), t, v });
  }
  return out;
}

function drain(it: SampleIterator): [number, number][] {
  const out: [number, number][] = [];
  while (it.next() === ValueType.Float) out.push([it.atT(), it.at()]);
  assert.equal(it.err(), undefined);
  return out;
}

function selectAll(q: Querier, ...m: LabelMatcher[]): Map<string, [number, number][]> {
  const set = q.select(true, undefined, ...m);
  const out = new Map<string, [number, number][]>();
  const order: Labels[] = [];
  while (set.next()) {
    const s = set.at();
    order.push(s.labels);
    out.set(s.labels.toString(), drain(s.iterator()));
  }
  assert.equal(set.err(), undefined);
  for (let i = 1; i < order.length; i++) assert.ok(compareLabelsUtf8(order[i - 1]!, order[i]!) < 0);
  return out;
}

test('ULIDs are 26 Crockford characters, carry their time and increase within a millisecond', () => {
  const a = newUlid(1_700_000_000_000);
  const b = newUlid(1_700_000_000_000);
  assert.ok(isUlid(a) && isUlid(b));
  assert.ok(a < b);
  assert.equal(ulidTime(a), 1_700_000_000_000);
  assert.equal(isUlid('01BKGTZQ1SYQJTR4PB43C8PD98'), true);
  assert.equal(isUlid('01BKGTZQ1SYQJTR4PB43C8PD9U'), false);
  assert.equal(ulidTime('01BKGTZQ1SYQJTR4PB43C8PD98'), 1498435017785);
});

test('meta.json is written like upstream (tabs, Go field order, zero values omitted) and validated on read', () => {
  const meta = { ulid: '01BKGTZQ1SYQJTR4PB43C8PD98', minTime: 0, maxTime: 7200000, stats: { numSamples: 10, numSeries: 2, numChunks: 2 }, compaction: { level: 1, sources: ['01BKGTZQ1SYQJTR4PB43C8PD98'] }, version: 1 };
  const text = encodeMeta(meta);
  assert.equal(
    text,
    '{\n\t"ulid": "01BKGTZQ1SYQJTR4PB43C8PD98",\n\t"minTime": 0,\n\t"maxTime": 7200000,\n\t"stats": {\n\t\t"numSamples": 10,\n\t\t"numSeries": 2,\n\t\t"numChunks": 2\n\t},\n\t"compaction": {\n\t\t"level": 1,\n\t\t"sources": [\n\t\t\t"01BKGTZQ1SYQJTR4PB43C8PD98"\n\t\t]\n\t},\n\t"version": 1\n}',
  );
  assert.deepEqual(decodeMeta(text), meta);
  assert.throws(() => decodeMeta(text.replace('"version": 1', '"version": 2'), 'm'), /m: corruption at offset 0: unexpected meta file version 2/);
  assert.throws(() => decodeMeta(text.slice(0, 40), 'm'), (e: unknown) => e instanceof CorruptionError && /invalid JSON/.test(e.message));
  fc.assert(
    fc.property(fc.nat(text.length - 1), fc.integer({ min: 1, max: 127 }), (pos, x) => {
      const bad = text.slice(0, pos) + String.fromCharCode(text.charCodeAt(pos) ^ x) + text.slice(pos + 1);
      try {
        decodeMeta(bad, 'm');
      } catch (e) {
        assert.ok(e instanceof CorruptionError, String(e));
      }
    }),
  );
});

test('a written block reads back: every series and sample, in label order, with stats', (t) => {
  const dir = tmp(t);
  const series = gen(50);
  const b = write(dir, series);
  assert.deepEqual(readdirSync(dir), [b.meta.ulid]);
  assert.deepEqual(readdirSync(b.dir).sort(), ['chunks', 'index', 'meta.json', 'tombstones']);
  assert.equal(b.meta.stats.numSeries, 50);
  assert.equal(b.meta.stats.numSamples, series.reduce((n, s) => n + s.t.length, 0));
  assert.equal(b.meta.minTime, Math.min(...series.map((s) => s.t[0]!)));
  assert.equal(b.meta.maxTime, Math.max(...series.map((s) => s.t.at(-1)!)) + 1);
  assert.deepEqual(b.meta.compaction, { level: 1, sources: [b.meta.ulid] });
  const q = b.querier(-Infinity, Infinity);
  const got = selectAll(q, newMatcher('=~', '__name__', '.+'));
  assert.equal(got.size, 50);
  for (const s of series) assert.deepEqual(got.get(s.labels.toString()), s.t.map((ts, i) => [ts, s.v[i]]));
  // Matchers select the same subsets as a brute-force filter.
  const ms: LabelMatcher[][] = [
    [newMatcher('=', 'job', 'job1')],
    [newMatcher('=', '__name__', 'metric_2'), newMatcher('!=', 'job', 'job0')],
    [newMatcher('=~', 'instance', 'host-1.*')],
    [newMatcher('=', 'job', 'nope')],
    [newMatcher('=', '__name__', 'metric_1'), newMatcher('=', 'absent', '')],
  ];
  for (const m of ms) {
    const want = series.filter((s) => m.every((x) => x.matches(s.labels.get(x.name)))).map((s) => s.labels.toString()).sort();
    assert.deepEqual([...selectAll(q, ...m).keys()].sort(), want, m.map(String).join(','));
  }
  assert.deepEqual(q.labelNames(undefined), ['__name__', 'instance', 'job']);
  assert.deepEqual(q.labelValues('job', undefined), ['job0', 'job1', 'job2']);
  assert.deepEqual(q.labelValues('job', undefined, newMatcher('=', '__name__', 'metric_0')), ['job0', 'job1', 'job2']);
  assert.deepEqual(q.labelValues('instance', undefined, newMatcher('=', 'instance', 'host-7')), ['host-7']);
  assert.deepEqual(q.labelNames(undefined, newMatcher('=', 'job', 'nope')), []);
  q.close();
});

test('queriers restrict samples to their range and seek like a brute-force scan', (t) => {
  const dir = tmp(t);
  const series = gen(20, 7);
  const b = write(dir, series);
  const lo = b.meta.minTime;
  const hi = b.meta.maxTime;
  fc.assert(
    fc.property(fc.integer({ min: lo - 20_000, max: hi }), fc.integer({ min: 0, max: 700_000 }), fc.array(fc.integer({ min: lo - 1000, max: hi + 1000 }), { maxLength: 6 }), (mint, span, seeks) => {
      const maxt = mint + span;
      const q = b.querier(mint, maxt);
      const got = selectAll(q, newMatcher('=~', 'job', '.*'));
      for (const s of series) {
        const want = s.t.map((ts, i): [number, number] => [ts, s.v[i]!]).filter(([ts]) => ts >= mint && ts <= maxt);
        // Like upstream, a series whose chunks overlap the range may come back with no sample in it.
        if (want.length === 0) assert.deepEqual(got.get(s.labels.toString()) ?? [], []);
        else assert.deepEqual(got.get(s.labels.toString()), want);
      }
      // seek
      const set = q.select(false, undefined, newMatcher('=~', 'job', '.*'));
      while (set.next()) {
        const s = series.find((x) => x.labels.equals(set.at().labels))!;
        const it = set.at().iterator();
        let floor = -Infinity;
        for (const target of seeks) {
          floor = Math.max(floor, target);
          const want = s.t.find((ts) => ts >= floor && ts >= mint && ts <= maxt);
          const vt = it.seek(target);
          if (want === undefined) {
            assert.equal(vt, ValueType.None);
            break;
          }
          assert.equal(vt, ValueType.Float);
          assert.equal(it.atT(), want);
          floor = want;
        }
      }
      q.close();
    }),
    { numRuns: 60 },
  );
});

test('tombstones hide deleted samples and drop fully deleted series', (t) => {
  const dir = tmp(t);
  const series = gen(3, 3);
  let b = write(dir, series);
  const refs: number[] = [];
  const p = b.index.allPostings();
  while (p.next()) refs.push(p.at());
  const sorted = [...series].sort((a, c) => compareLabelsUtf8(a.labels, c.labels));
  const ts = new Tombstones();
  const s0 = sorted[0]!;
  ts.add(refs[0]!, { mint: s0.t[1]!, maxt: s0.t[3]! });
  ts.add(refs[1]!, { mint: -(2 ** 63), maxt: 2 ** 63 });
  ts.write(b.dir);
  void b.close();
  b = Block.open(b.dir);
  const got = selectAll(b.querier(-Infinity, Infinity), newMatcher('=~', 'job', '.*'));
  assert.deepEqual(got.get(s0.labels.toString()), s0.t.map((x, i): [number, number] => [x, s0.v[i]!]).filter((_, i) => i < 1 || i > 3));
  assert.equal(got.has(sorted[1]!.labels.toString()), false);
  assert.equal(got.size, 2);
});

test('close waits for open queriers; new queriers are refused', async (t) => {
  const dir = tmp(t);
  const b = write(dir, gen(2));
  const q = b.querier(0, Infinity);
  let closed = false;
  const p = b.close().then(() => (closed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(closed, false);
  assert.throws(() => b.querier(0, 1), /closing/);
  q.close();
  await p;
  assert.equal(closed, true);
});

test('a failed write leaves no tmp dir; leftovers of crashed writes are removed on request', async (t) => {
  const dir = tmp(t);
  const w = new BlockWriter(dir, { mint: 0, maxt: 10 });
  const s = gen(1)[0]!;
  w.addSeries(s.labels, toChunks(s.t, s.v));
  assert.throws(() => w.commit(), /outside the block range/);
  const w2 = new BlockWriter(dir);
  w2.addSeries(s.labels, toChunks(s.t, s.v));
  w2.addSeries(s.labels, toChunks(s.t, s.v));
  assert.throws(() => w2.commit(), /added twice/);
  assert.deepEqual(readdirSync(dir), []);
  const u = newUlid();
  mkdirSync(join(dir, u + TMP_FOR_CREATION_SUFFIX));
  mkdirSync(join(dir, u));
  assert.deepEqual(await removeTmpBlockDirs(dir), [u + TMP_FOR_CREATION_SUFFIX]);
  assert.deepEqual(readdirSync(dir), [u]);
});

test('empty blocks and series without samples are handled like upstream', (t) => {
  const dir = tmp(t);
  const w = new BlockWriter(dir, { mint: 0, maxt: 7_200_000 });
  w.addSeries(Labels.fromStrings('a', 'b'), [{ mint: 0, maxt: 0, chunk: new XorChunk() }]);
  const meta = w.commit();
  assert.equal(meta.stats.numSeries, 0);
  const b = Block.open(join(dir, meta.ulid));
  assert.equal(selectAll(b.querier(0, 10), newMatcher('=', 'a', 'b')).size, 0);
  assert.deepEqual(readMeta(b.dir).stats, {});
});

test('random corruption of any block file gives CorruptionErrors (or the same data), never a crash', (t) => {
  const dir = tmp(t);
  const series = gen(12, 5);
  const b = write(dir, series);
  const files = ['index', 'chunks/000001', 'meta.json', 'tombstones'];
  const goods = files.map((f) => readFileSync(join(b.dir, f)));
  const want = selectAll(b.querier(-Infinity, Infinity), newMatcher('=~', 'job', '.*'));
  fc.assert(
    fc.property(fc.nat(files.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (fi, pos, x, truncate) => {
      const good = goods[fi]!;
      const bad = truncate ? good.subarray(0, pos % good.length) : Buffer.from(good);
      if (!truncate) bad[pos % bad.length]! ^= x;
      writeFileSync(join(b.dir, files[fi]!), bad);
      try {
        const blk = Block.open(b.dir);
        const q = blk.querier(-Infinity, Infinity);
        const set = q.select(false, undefined, newMatcher('=~', 'job', '.*'));
        const got = new Map<string, [number, number][]>();
        while (set.next()) {
          const it = set.at().iterator();
          const rows: [number, number][] = [];
          while (it.next() === ValueType.Float) rows.push([it.atT(), it.at()]);
          if (it.err()) throw it.err();
          got.set(set.at().labels.toString(), rows);
        }
        if (set.err()) throw set.err();
        assert.deepEqual(got, want);
      } catch (e) {
        assert.ok(e instanceof CorruptionError, `${files[fi]}: ${String(e)}`);
        assert.ok(e.file.startsWith(b.dir) || e.file.includes('chunk'), e.file);
      } finally {
        writeFileSync(join(b.dir, files[fi]!), good);
      }
    }),
    { numRuns: 300 },
  );
  assert.equal(existsSync(b.dir), true);
  void floatHi;
  void floatLo;
});
