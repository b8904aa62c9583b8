import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType, WriteFailedError } from '../../storage/index.js';
import { createRegistry } from '../../util/index.js';
import { STALE_NAN } from '../chunkenc/index.js';
import { listSegments, lastCheckpoint, SegmentReader } from '../wlog/index.js';
import { switchableDisk } from '../../../test/support/switchable-disk.js';
import { Head, forEachPackedSeries, type HeadOptions, type UnpackedSeries } from './index.js';

const F = new Float64Array(1);
const U = new BigUint64Array(F.buffer);
function bits(v: number): bigint {
  F[0] = v;
  return U[0]!;
}

function tmpDir(t: { after: (fn: () => void) => void }): string {
  const d = fs.mkdtempSync(join(os.tmpdir(), 'ignis-headwal-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const lbl = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i));

/** Every sample of the head as "labels@t=bits" strings, sorted. */
function contents(head: Head, mint = -Infinity, maxt = Infinity): string[] {
  const q = head.querier(mint, maxt);
  const ss = q.select(true, undefined, newMatcher('=~', '__name__', '.+'));
  const out: string[] = [];
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next() === ValueType.Float) out.push(`${ss.at().labels}@${it.atT()}=${bits(it.at()).toString(16)}`);
  }
  q.close();
  return out;
}

/** Appends commit k: series 0..n-1 at t = k*step with value k*1000+i (stale marker every 7th). */
async function commitStep(head: Head, k: number, n: number, step = 15_000): Promise<void> {
  const a = head.appender();
  for (let i = 0; i < n; i++) a.append(0, lbl(i), k * step, (k + i) % 7 === 0 ? STALE_NAN : k * 1000 + i);
  await a.commit();
}

test('WAL write → replay equality (with and without compression, across segments)', async (t) => {
  for (const walCompression of [false, true]) {
    const dir = join(tmpDir(t), 'wal');
    const opts: HeadOptions = { walDir: dir, walSegmentSize: 32 * 1024, walCompression };
    const head = await Head.open(opts);
    for (let k = 0; k < 60; k++) await commitStep(head, k, 50 + k * 2, 15_000 + (k % 3));
    const before = contents(head);
    await head.close();
    if (!walCompression) assert.ok((await listSegments(dir)).length > 2, 'several segments');
    const again = await Head.open(opts);
    assert.deepEqual(contents(again), before);
    assert.equal(again.numSeries(), 168);
    // New series after replay get fresh references; old refs still resolve.
    const a = again.appender();
    const ref = a.append(0, lbl(500), 60 * 15_000, 1);
    assert.equal(ref, 169);
    await a.commit();
    await again.close();
    const third = await Head.open(opts);
    assert.equal(contents(third).length, before.length + 1);
    await third.close();
  }
});

test('replay without a clean close (process died): everything committed is there', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const head = await Head.open({ walDir: dir });
  for (let k = 0; k < 10; k++) await commitStep(head, k, 20);
  const before = contents(head);
  // No close: the WAL file descriptor simply stays open, as after kill -9.
  const again = await Head.open({ walDir: dir });
  assert.deepEqual(contents(again), before);
  await again.close();
  await head.close();
});

/** [segment, offset, end] of each record in the WAL dir. */
function layout(dir: string): { segment: number; offset: number; end: number }[] {
  const out: { segment: number; offset: number; end: number }[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort()) {
    const r = new SegmentReader(fs.readFileSync(join(dir, name)), dir, Number(name));
    while (r.next()) out.push({ segment: Number(name), offset: r.offset, end: r.position });
  }
  return out;
}

test('torn or corrupt WAL: open repairs, logs, counts, and keeps every commit before the damage', async (t) => {
  const base = tmpDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1 << 30 }), fc.boolean(), async (seed, flip) => {
      const dir = join(base, String(run++));
      const head = await Head.open({ walDir: dir, walSegmentSize: 32 * 1024 * 4 });
      const N = 30;
      for (let k = 0; k < N; k++) await commitStep(head, k, 40);
      await head.close();
      // Each commit is one request: series record (first commit only) + samples record.
      const lay = layout(dir);
      const segs = await listSegments(dir);
      const seg = segs[seed % segs.length]!;
      const size = fs.statSync(seg.path).size;
      if (size === 0) return;
      const pos = (seed >>> 3) % size;
      if (flip) {
        const b = fs.readFileSync(seg.path);
        b[pos] = b[pos]! ^ (1 + (seed % 255));
        fs.writeFileSync(seg.path, b);
      } else {
        fs.truncateSync(seg.path, pos);
        for (const s of segs) if (s.index > seg.index) fs.rmSync(s.path);
      }
      // Records lying wholly before the damage; the commit of sample record r is r - 1 (record 0 declares series).
      const intactRecords = lay.filter((l) => l.segment < seg.index || (l.segment === seg.index && l.end <= pos)).length;
      const registry = createRegistry({ defaultMetrics: false });
      const warnings: string[] = [];
      const logger = { info: () => undefined, warn: (_o: unknown, msg: string) => warnings.push(msg), error: () => undefined } as unknown as HeadOptions['logger'];
      const again = await Head.open({ walDir: dir, registry, logger });
      const got = contents(again);
      // Commits present form a prefix and each is whole.
      const perCommit = new Map<number, number>();
      for (const line of got) {
        const tt = Number(/@(\d+)=/.exec(line)![1]) / 15_000;
        perCommit.set(tt, (perCommit.get(tt) ?? 0) + 1);
      }
      const kept = perCommit.size;
      for (let k = 0; k < kept; k++) assert.equal(perCommit.get(k), 40, `commit ${k} whole`);
      assert.ok(kept >= Math.max(0, intactRecords - 1), `kept ${kept} commits, ${intactRecords} records lay before the damage`);
      const corruptions = /prometheus_tsdb_wal_corruptions_total (\d+)/.exec(await registry.metrics())![1];
      // A flipped byte is always detected; a cut at a record boundary is a clean end.
      if (flip) assert.equal(corruptions, '1');
      if (corruptions === '1') assert.ok(warnings.some((w) => w.includes('repaired')));
      else assert.equal(kept, Math.max(0, intactRecords - 1));
      // After the repair the head keeps working and a further reopen loses nothing.
      await commitStep(again, 1000, 3);
      const after = contents(again);
      await again.close();
      const third = await Head.open({ walDir: dir });
      assert.deepEqual(contents(third), after);
      await third.close();
    }),
    { numRuns: 25 },
  );
});

test('disk full: commits fail with WriteFailedError, the head is unchanged, nothing acknowledged is lost afterwards', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const disk = { full: false };
  const registry = createRegistry({ defaultMetrics: false });
  const head = await Head.open({ walDir: dir, walOpenFile: switchableDisk(disk), registry });
  await commitStep(head, 0, 10);
  const before = contents(head);
  disk.full = true;
  // A commit that creates new series, and one that only appends.
  const a = head.appender();
  for (let i = 0; i < 20; i++) a.append(0, lbl(i), 15_000, 5);
  await assert.rejects(a.commit(), WriteFailedError);
  await assert.rejects(commitStep(head, 2, 10), WriteFailedError);
  assert.deepEqual(contents(head), before, 'nothing of the failed commits is visible');
  assert.match(await registry.metrics(), /prometheus_tsdb_wal_writes_failed_total [1-9]/);
  disk.full = false;
  // Series 10..19 were created by the failed commit: their series records must be written now.
  await commitStep(head, 3, 20);
  const after = contents(head);
  await head.close();
  const again = await Head.open({ walDir: dir });
  assert.deepEqual(contents(again), after);
  assert.ok(!contents(again).some((l) => l.includes('@15000=') || l.includes('@30000=')), 'failed commits stay absent after restart');
  await again.close();
});

test('truncate: drops old chunks and series, checkpoints, deletes covered segments; reopen matches', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const opts: HeadOptions = { walDir: dir, walSegmentSize: 32 * 1024 };
  const head = await Head.open(opts);
  const hour = 3600_000;
  // Series 0..9 for 5h; series 10..14 only in the first hour (they die).
  for (let tt = 0; tt < 5 * hour; tt += 60_000) {
    const a = head.appender();
    for (let i = 0; i < 100; i++) a.append(0, lbl(i), tt, tt / 1000 + i);
    if (tt < hour) for (let i = 100; i < 150; i++) a.append(0, lbl(i), tt, i);
    await a.commit();
  }
  const segsBefore = (await listSegments(dir)).length;
  assert.ok(segsBefore > 6);
  await head.truncate(2 * hour);
  assert.equal(head.numSeries(), 100, 'dead series collected');
  assert.ok(head.minTime() >= 2 * hour);
  const cp = await lastCheckpoint(dir);
  assert.ok(cp !== undefined, 'checkpoint written');
  const segsAfter = await listSegments(dir);
  assert.ok(segsAfter[0]!.index === cp!.index + 1, 'covered segments deleted');
  const mem = contents(head);
  await head.close();
  const again = await Head.open({ ...opts, minValidTime: 2 * hour });
  assert.deepEqual(contents(again, 2 * hour), mem);
  assert.equal(again.numSeries(), 100);
  // Appending after truncation and reopening: references of live series still resolve.
  const a = again.appender();
  a.append(0, lbl(3), 5 * hour, 1);
  assert.throws(() => a.append(0, lbl(3), hour, 1), /out of bounds/);
  await a.commit();
  await again.close();
});

test('exportBlock: sorted series with chunk bytes for [mint, maxt), re-encoding chunks that stick out', async () => {
  const head = await Head.open();
  const a = head.appender();
  for (let i = 20; i >= 0; i--) for (let tt = 0; tt < 3 * 3600_000; tt += 15_000) a.append(0, lbl(i), tt, tt + i);
  await a.commit();
  const packed = await (await head.exportBlock(1000 * 1000, 2 * 3600_000)).pack(() => undefined);
  const out: UnpackedSeries[] = [];
  forEachPackedSeries(packed, (s) => out.push(s));
  assert.equal(out.length, 21);
  const names = out.map((s) => s.labels.toString());
  assert.deepEqual(names, [...names].sort());
  const { XorChunk } = await import('../chunkenc/index.js');
  for (const s of out) {
    const i = Number(s.labels.get('i'));
    const ts: number[] = [];
    for (const c of s.chunks) {
      const it = XorChunk.fromBytes(c.data).iterator();
      let first = true;
      while (it.next() === ValueType.Float) {
        if (first) assert.equal(it.atT(), c.minT);
        first = false;
        assert.equal(it.at(), it.atT() + i);
        ts.push(it.atT());
      }
      assert.equal(ts[ts.length - 1], c.maxT);
    }
    assert.equal(ts[0], 1_005_000);
    assert.equal(ts[ts.length - 1], 2 * 3600_000 - 15_000);
    assert.equal(ts.length, (2 * 3600_000 - 1_005_000) / 15_000);
  }
});

test('commits settled by one WAL write are applied in slices: the event loop gets turns, order and data are kept', async (t) => {
  // A zero budget applies exactly one commit per turn: deterministic, whatever the machine's speed.
  const head = await Head.open({ walDir: join(tmpDir(t), 'wal'), applySliceMs: 0 });
  const targets = 60;
  const perTarget = 500;
  const labels = Array.from({ length: targets }, (_, g) => Array.from({ length: perTarget }, (_, i) => Labels.fromStrings('__name__', 'm', 'g', String(g), 'i', String(i))));
  for (let round = 0; round < 3; round++) {
    let turn = 0;
    const perTurn = new Map<number, number>();
    const commits: Promise<void>[] = [];
    for (let g = 0; g < targets; g++) {
      const a = head.appender();
      for (let i = 0; i < perTarget; i++) a.append(0, labels[g]![i]!, round * 15_000, round * 10 + i);
      // Queued behind the first commit's WAL write, so most settle together.
      commits.push(a.commit().then(() => void perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1)));
    }
    let settled = false;
    const all = Promise.all(commits).then(() => (settled = true));
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      turn++;
    }
    await all;
    const most = Math.max(...perTurn.values());
    // Our turn counter and the head's drain both run as immediates: allow them to interleave.
    assert.ok(most <= 2, `${most} commits applied in one turn of the event loop`);
  }
  assert.equal(head.numSeries(), targets * perTarget);
  const q = head.querier(-Infinity, Infinity);
  const ss = q.select(false, undefined, newMatcher('=', 'g', '7'), newMatcher('=', 'i', '5'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  const got: [number, number][] = [];
  while (it.next() === ValueType.Float) got.push([it.atT(), it.at()]);
  q.close();
  assert.deepEqual(got, [
    [0, 5],
    [15_000, 15],
    [30_000, 25],
  ]);
  await head.close();
});

test('replayed series keep their labels packed until an appender brings an equal label set, which the head then holds instead', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const head = await Head.open({ walDir: dir });
  await commitStep(head, 0, 3);
  await head.close();
  const again = await Head.open({ walDir: dir });
  const slot = again.series.slotByLabels(lbl(1));
  assert.equal(typeof again.series.labelSourceAt(slot), 'string');
  assert.ok(again.series.labelsAt(slot).equals(lbl(1)));
  const mine = lbl(1);
  const a = again.appender();
  assert.equal(a.append(0, mine, 15_000, 1), again.series.refAt(slot));
  await a.commit();
  assert.equal(again.series.labelSourceAt(slot), mine);
  assert.equal(contents(again).length, 4);
  await again.close();
});

test('replay indexes series as it creates them, and those that end it without samples leave the postings again', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const head = await Head.open({ walDir: dir, minValidTime: 0 });
  await commitStep(head, 0, 4);
  const a = head.appender();
  for (let i = 0; i < 2; i++) a.append(0, lbl(i), 15_000, i + 1);
  await a.commit();
  await head.close();
  // Series 2 and 3 only have samples before the lower bound: replay creates them, then drops them.
  const again = await Head.open({ walDir: dir, minValidTime: 10_000 });
  assert.equal(again.numSeries(), 2);
  assert.deepEqual(again.postings.labelValues('i'), ['0', '1']);
  assert.equal(again.postings.get('i', '2').length, 0);
  assert.equal(again.postings.all().length, 2);
  assert.deepEqual(
    contents(again).map((s) => s.split('@')[0]),
    [lbl(0).toString(), lbl(1).toString()],
  );
  await again.close();
});
