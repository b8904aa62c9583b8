import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType, type Queryable } from '../../storage/index.js';
import { createRegistry, type Registry } from '../../util/index.js';
import { DB } from './db.js';
import type { DBOptions } from './db-options.js';
import { FROM_OUT_OF_ORDER, inOrderBlocksMaxTime } from './ooo-compact.js';

function tmp(t: { after(fn: () => void): void }): string {
  const d = fs.mkdtempSync(join(os.tmpdir(), 'ignis-ooo-db-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const lbl = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i));

async function put(db: DB, samples: [number, number, number][]): Promise<void> {
  const a = db.appender();
  for (const [i, t, v] of samples) a.append(0, lbl(i), t, v);
  await a.commit();
}

function contents(q: Queryable): Map<string, [number, number][]> {
  const querier = q.querier(-Infinity, Infinity);
  const ss = querier.select(true, undefined, newMatcher('=', '__name__', 'm'));
  const out = new Map<string, [number, number][]>();
  while (ss.next()) {
    const rows: [number, number][] = [];
    const it = ss.at().iterator();
    while (it.next() === ValueType.Float) rows.push([it.atT(), it.at()]);
    assert.equal(it.err(), undefined);
    out.set(ss.at().labels.get('i'), rows);
  }
  querier.close();
  return out;
}

/** Samples stored in every block and the head, duplicates counted. */
function stored(db: DB): number {
  let n = 0;
  for (const q of [...db.blocks(), db.head()]) for (const rows of contents(q).values()) n += rows.length;
  return n;
}

async function metric(reg: Registry, name: string): Promise<number> {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(await reg.metrics());
  return m ? Number(m[1]) : NaN;
}

const opts = (extra: DBOptions = {}): DBOptions => ({
  minBlockDurationMs: 2000,
  autoCompaction: false,
  outOfOrderTimeWindowMs: 4000,
  registry: createRegistry({ defaultMetrics: false }),
  ...extra,
});

test('out-of-order samples: head cut writes from-out-of-order blocks, overlaps are merged vertically, WBL truncated, reopen keeps all', async (t) => {
  const dir = tmp(t);
  const reg = createRegistry({ defaultMetrics: false });
  let db = await DB.open(dir, opts({ registry: reg }));
  const model = new Map<string, Map<number, number>>();
  const note = (i: number, tt: number, v: number): void => {
    if (!model.has(String(i))) model.set(String(i), new Map());
    model.get(String(i))!.set(tt, v);
  };
  for (let tt = 0; tt <= 3500; tt += 100) {
    await put(db, [[0, tt, tt]]);
    note(0, tt, tt);
  }
  // Out of order: into the range the head cut will persist, for an existing and a new series,
  // and into the range the head keeps.
  const ooo: [number, number, number][] = [[0, 150, -1], [1, 50, -2], [0, 2550, -3], [1, 1999, -4]];
  await put(db, ooo);
  for (const [i, tt, v] of ooo) note(i, tt, v);
  const want = (): Map<string, [number, number][]> =>
    new Map([...model].sort().map(([k, m]) => [k, [...m].sort((a, b) => a[0] - b[0])] as [string, [number, number][]]));
  assert.deepEqual(contents(db), want());
  assert.ok(fs.readdirSync(join(dir, 'wbl')).length > 0, 'WBL written');

  await db.compact();
  const blocks = db.blocks();
  // [0, 2000): the in-order block and the out-of-order one merged vertically; [2000, 4000): the
  // out-of-order block, overlapping the head.
  assert.deepEqual(
    blocks.map((b) => [b.minTime(), b.maxTime(), b.meta.compaction.hints ?? []]),
    [
      [0, 2000, []],
      [2000, 4000, [FROM_OUT_OF_ORDER]],
    ],
  );
  assert.equal(await metric(reg, 'prometheus_tsdb_vertical_compactions_total'), 1);
  assert.deepEqual(contents(db), want());
  assert.equal(stored(db), [...model.values()].reduce((n, m) => n + m.size, 0), 'no sample stored twice');
  assert.equal(db.head().ooo.series.size, 0, 'out-of-order head emptied');
  assert.ok(!fs.readdirSync(join(dir, 'wbl')).includes('00000000'), 'WBL segments of persisted samples deleted');
  assert.equal(inOrderBlocksMaxTime(blocks.map((b) => b.meta)), 2000);
  await db.close();

  // Reopen: the out-of-order block does not raise the head's lower bound, so the WAL's in-order
  // samples in [2000, 4000) come back; the WBL holds nothing already persisted.
  db = await DB.open(dir, opts());
  assert.deepEqual(contents(db), want());
  assert.equal(db.head().ooo.series.size, 0);
  // More data: the next head cut overlaps the out-of-order block, merged vertically again.
  for (let tt = 3600; tt <= 6000; tt += 100) {
    await put(db, [[0, tt, tt]]);
    note(0, tt, tt);
  }
  await db.compact();
  const after = db.blocks();
  for (let i = 1; i < after.length; i++) assert.ok(after[i - 1]!.maxTime() <= after[i]!.minTime(), 'no overlapping blocks left');
  assert.deepEqual(contents(db), want());
  assert.equal(stored(db), [...model.values()].reduce((n, m) => n + m.size, 0));
  await db.close();
});

test('DB: out-of-order samples are in the WBL after commit and back after reopen; setOutOfOrderTimeWindow toggles', async (t) => {
  const dir = tmp(t);
  let db = await DB.open(dir, opts({ outOfOrderTimeWindowMs: 0 }));
  await put(db, [[0, 5000, 1]]);
  await assert.rejects(put(db, [[0, 4000, 2]]), /out of order sample/);
  await db.setOutOfOrderTimeWindow(2000);
  await put(db, [[0, 4000, 2]]);
  assert.equal(db.startTime(), 4000, 'the oldest sample is an out-of-order one');
  // A snapshot with the head holds the late sample too (in a block of its own).
  const snapDir = join(dir, 'snapshots', 's1');
  await db.snapshot(snapDir, true);
  const snapDb = await DB.open(snapDir, opts({ outOfOrderTimeWindowMs: 0 }));
  assert.deepEqual(contents(snapDb).get('0'), [
    [4000, 2],
    [5000, 1],
  ]);
  await snapDb.close();
  fs.rmSync(join(dir, 'snapshots'), { recursive: true, force: true });
  await assert.rejects(put(db, [[0, 2999, 3]]), /too old sample/);
  await db.close();
  db = await DB.open(dir, opts({ outOfOrderTimeWindowMs: 0 }));
  assert.deepEqual(contents(db).get('0'), [
    [4000, 2],
    [5000, 1],
  ]);
  await db.close();
});
