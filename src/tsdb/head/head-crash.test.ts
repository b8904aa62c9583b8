/**
 * End to end: a child process appends through the head and its WAL and is killed with SIGKILL
 * at random moments; after reopening, every sample whose commit the child acknowledged must be
 * there, and every commit present must be whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { runUntilKilled } from '../../../test/support/kill-child.js';
import { Head } from './index.js';

const CHILD = new URL('./head-crash-child.js', import.meta.url).pathname;
const SERIES = 2000;
const RUNS = 5;

test('kill -9 at random moments: every acknowledged commit survives, none is partial', { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-crash-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let acked = -1;
  for (let run = 0; run < RUNS; run++) {
    const killAfter = 150 + Math.floor(Math.random() * 900);
    const r = await runUntilKilled(CHILD, [dir, String(SERIES)], killAfter, { guardMs: 30_000 });
    assert.ok(r.first >= 0, 'child started');
    assert.ok(r.first > acked, `child resumed after ${acked} (at ${r.first})`);
    if (r.lastAck >= 0) acked = r.lastAck;
    const rate = (r.acks * SERIES) / Math.max(1, r.ms / 1000);
    t.diagnostic(`run ${run}: killed after ${killAfter} ms, ${r.acks} commits acknowledged (${Math.round(rate)} samples/s), last ${r.lastAck}`);
    const head = await Head.open({ walDir: join(dir) });
    const q = head.querier(-Infinity, Infinity);
    const ss = q.select(false, undefined, newMatcher('=', '__name__', 'crash_test'));
    const perCommit = new Map<number, number>();
    let nseries = 0;
    while (ss.next()) {
      nseries++;
      const i = Number(ss.at().labels.get('i'));
      const it = ss.at().iterator();
      while (it.next() === ValueType.Float) {
        const k = it.atT() / 1000;
        assert.equal(it.at(), k + i / 4096);
        perCommit.set(k, (perCommit.get(k) ?? 0) + 1);
      }
    }
    q.close();
    for (let k = 0; k <= acked; k++) assert.equal(perCommit.get(k), SERIES, `acknowledged commit ${k} is whole after run ${run}`);
    for (const [k, count] of perCommit) assert.equal(count, SERIES, `commit ${k} is not partial`);
    if (acked >= 0) assert.equal(nseries, SERIES);
    // Unacknowledged but written commits may be present; the next child resumes after them.
    acked = Math.max(acked, ...perCommit.keys());
    await head.close();
  }
});
