import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { Head } from './index.js';

const HOUR = 3600_000;

/** `i → [t…]` of every series named m in `head`. */
function samplesByI(head: Head): Map<string, number[]> {
  const q = head.querier(-Infinity, Infinity);
  const ss = q.select(false, undefined, newMatcher('=', '__name__', 'm'));
  const out = new Map<string, number[]>();
  while (ss.next()) {
    const s = ss.at();
    const ts: number[] = [];
    const it = s.iterator();
    while (it.next() === ValueType.Float) ts.push(it.atT());
    out.set(s.labels.get('i'), ts);
  }
  q.close();
  return out;
}

test('the checkpoint after a truncation keeps exactly the live series, also while appends create series during its sliced keep-set pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-checkpoint-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const walDir = join(dir, 'wal');
  const N = 30_000;
  const head = await Head.open({ walDir, walSegmentSize: 256 * 1024 });
  const lab = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i));
  // Every series has a sample at 0; the even ones also one after 2h, so the truncation at 2h
  // drops the odd ones.
  for (const t0 of [0, 2 * HOUR + 1]) {
    for (let i = 0; i < N; i += 5000) {
      const a = head.appender();
      for (let k = i; k < i + 5000; k++) if (t0 === 0 || k % 2 === 0) a.append(0, lab(k), t0, k);
      await a.commit();
    }
  }
  // Appends that create series while the truncation and its checkpoint run.
  let extra = 0;
  const appending = (async () => {
    for (let r = 0; r < 20; r++) {
      const a = head.appender();
      for (let k = 0; k < 200; k++) a.append(0, lab(N + extra++), 3 * HOUR, 1);
      await a.commit();
      await new Promise((res) => setImmediate(res));
    }
  })();
  await head.truncate(2 * HOUR);
  await appending;
  assert.ok(readdirSync(walDir).some((f) => f.startsWith('checkpoint.')), 'a checkpoint was written');
  const want = samplesByI(head);
  assert.equal(want.size, N / 2 + extra);
  await head.close();

  // As after a restart with the block up to 2h on disk: older samples in the WAL are skipped.
  const again = await Head.open({ walDir, walSegmentSize: 256 * 1024, minValidTime: 2 * HOUR });
  t.after(() => again.close());
  assert.deepEqual(samplesByI(again), want);
});
