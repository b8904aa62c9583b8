/**
 * Shared parts of the TSDB crash tests: running the appending child (`tsdb-crash-child.ts`)
 * until a SIGKILL by PID, and checking a reopened data directory — every acknowledged commit
 * whole, no commit partial, no sample stored twice across blocks and head, no tmp directory.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { newMatcher } from '../../src/model/labels/index.js';
import { ValueType, type Queryable } from '../../src/storage/index.js';
import { DB } from '../../src/tsdb/db/index.js';
import { runUntilKilled, type ChildRun } from '../support/kill-child.js';

const CHILD = new URL('./tsdb-crash-child.js', import.meta.url).pathname;

/** What one child run did. */
export interface RunResult extends ChildRun {
  /** Names of tmp block directories present right after the kill (the kill hit a block write or deletion). */
  tmpAtKill: string[];
}

/** Child parameters. */
export interface ChildParams {
  series: number;
  stepMs: number;
  blockMs: number;
}

/** Block tmp directories (`*.tmp-for-creation`, `*.tmp-for-deletion`) in `dir`. */
export function tmpDirs(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.tmp-for-creation') || n.endsWith('.tmp-for-deletion'));
}

/**
 * Runs the child on `dir` until it has been ready for `killAfterMs`, then SIGKILLs it (bounded
 * by 60 s). With `onTmp`, the kill waits after that until a tmp block directory appears (a block
 * write or deletion in progress; at most 5 s more) and then comes 0–15 ms later.
 */
export async function runChild(dir: string, p: ChildParams, killAfterMs: number, onTmp = false): Promise<RunResult> {
  let tmpAtKill: string[] = [];
  const waitForTmp = (kill: () => void): void => {
    const until = Date.now() + 5000;
    const poll = (): void => {
      if (tmpDirs(dir).length > 0 || Date.now() > until) setTimeout(kill, Math.floor(Math.random() * 16));
      else setTimeout(poll, 1);
    };
    poll();
  };
  const run = await runUntilKilled(CHILD, [dir, String(p.series), String(p.stepMs), String(p.blockMs)], killAfterMs, {
    beforeKill: onTmp ? waitForTmp : undefined,
    onKill: () => {
      tmpAtKill = tmpDirs(dir);
    },
  });
  return { ...run, tmpAtKill };
}

/** Samples per commit number k in `q` (series `crash_test`), checking every value. */
function perCommit(q: Queryable, p: ChildParams): { commits: Map<number, number>; nseries: number; samples: number } {
  const querier = q.querier(-Infinity, Infinity);
  const ss = querier.select(false, undefined, newMatcher('=', '__name__', 'crash_test'));
  const commits = new Map<number, number>();
  let nseries = 0;
  let samples = 0;
  while (ss.next()) {
    nseries++;
    const i = Number(ss.at().labels.get('i'));
    const it = ss.at().iterator();
    let prev = -Infinity;
    while (it.next() === ValueType.Float) {
      const t = it.atT();
      assert.ok(t > prev, 'timestamps increase');
      prev = t;
      const k = t / p.stepMs;
      assert.equal(it.at(), k + i / 4096, `value of series ${i} at commit ${k}`);
      commits.set(k, (commits.get(k) ?? 0) + 1);
      samples++;
    }
    assert.equal(it.err(), undefined);
  }
  assert.equal(ss.err(), undefined);
  querier.close();
  return { commits, nseries, samples };
}

/** What `verifyDir` found. */
export interface Verified {
  /** Newest commit present (acknowledged or not); -1 when none. */
  newest: number;
  blocks: number;
}

/**
 * Opens `dir` in-process and checks it after a crash: no tmp block dirs after open, every
 * commit up to `acked` whole, every present commit whole, blocks not overlapping, and blocks +
 * head holding each sample exactly once. Closes the DB again.
 */
export async function verifyDir(dir: string, p: ChildParams, acked: number, what: string): Promise<Verified> {
  const db = await DB.open(dir, { minBlockDurationMs: p.blockMs, autoCompaction: false, walSegmentSize: 4 << 20 });
  try {
    assert.deepEqual(tmpDirs(dir), [], `${what}: no tmp dirs after open`);
    const merged = perCommit(db, p);
    for (let k = 0; k <= acked; k++) assert.equal(merged.commits.get(k), p.series, `${what}: acknowledged commit ${k} is whole`);
    for (const [k, n] of merged.commits) assert.equal(n, p.series, `${what}: commit ${k} is not partial`);
    const blocks = db.blocks();
    for (let i = 1; i < blocks.length; i++) assert.ok(blocks[i - 1]!.maxTime() <= blocks[i]!.minTime(), `${what}: blocks do not overlap`);
    let stored = perCommit(db.head(), p).samples;
    for (const b of blocks) stored += perCommit(b, p).samples;
    assert.equal(stored, merged.samples, `${what}: no sample stored twice (blocks + head)`);
    return { newest: merged.commits.size === 0 ? -1 : Math.max(...merged.commits.keys()), blocks: blocks.length };
  } finally {
    await db.close();
  }
}
