/**
 * End to end: a child process commits in-order and out-of-order samples through the DB (whose
 * background loop cuts blocks, compacts the out-of-order head and merges overlaps meanwhile) and
 * is killed with SIGKILL at random moments; after each kill every sample of every acknowledged
 * commit is there, with its value, and no tmp directory is left after a reopen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { runUntilKilled } from '../../../test/support/kill-child.js';
import { DB } from './db.js';

const CHILD = new URL('./ooo-crash-child.js', import.meta.url).pathname;
const SERIES = 50;
const RUNS = 8;

test('kill -9 during in-order + out-of-order ingestion and compaction: every acknowledged sample survives', { timeout: 240_000 }, async (t) => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-ooo-crash-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let acked = -1;
  let next = 0;
  for (let run = 0; run < RUNS; run++) {
    const killAfter = 300 + Math.floor(Math.random() * 1700);
    const r = await runUntilKilled(CHILD, [dir, String(next), String(SERIES)], killAfter, { guardMs: 60_000 });
    assert.ok(r.first >= 0, 'child started');
    if (r.lastAck >= 0) acked = r.lastAck;
    const db = await DB.open(dir, { minBlockDurationMs: 2000, autoCompaction: false, useWorker: false });
    const blocks = db.blocks().length;
    const q = db.querier(-Infinity, Infinity);
    const ss = q.select(false, undefined, newMatcher('=', '__name__', 'ooo_crash'));
    const got = new Map<string, number>();
    let newest = -1;
    while (ss.next()) {
      const i = Number(ss.at().labels.get('i'));
      const it = ss.at().iterator();
      let prev = -Infinity;
      while (it.next() === ValueType.Float) {
        const tt = it.atT();
        assert.ok(tt > prev, 'sorted, no repeated timestamp');
        prev = tt;
        got.set(`${i}@${tt}`, it.at());
        if (tt % 100 === 0) newest = Math.max(newest, tt / 100);
      }
      assert.equal(it.err(), undefined);
    }
    q.close();
    await db.close();
    for (let k = 0; k <= acked; k++) {
      for (let i = 0; i < SERIES; i++) {
        assert.equal(got.get(`${i}@${k * 100}`), k + i / 4096, `in-order sample of acknowledged commit ${k}, series ${i}, run ${run}`);
        if (k >= 4) assert.equal(got.get(`${i}@${k * 100 - 350}`), -(k + i / 4096), `out-of-order sample of acknowledged commit ${k}, series ${i}, run ${run}`);
      }
    }
    for (const [key, v] of got) {
      const [i, tt] = key.split('@').map(Number) as [number, number];
      const k = tt % 100 === 0 ? tt / 100 : (tt + 350) / 100;
      assert.equal(Math.abs(v), k + i / 4096, `value of ${key}`);
    }
    assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.tmp')), 'no tmp dirs after reopen');
    t.diagnostic(`run ${run}: killed after ${killAfter} ms, ${r.acks} commits acknowledged (last ${r.lastAck}), ${blocks} blocks`);
    // Written but unacknowledged commits may be present: resume after them.
    next = Math.max(acked, newest) + 1;
  }
});
