/**
 * Disk full. Appends must fail with a clear error and a counter while the disk is full, the DB
 * must stay up, and once space returns nothing acknowledged afterwards may be lost (the real
 * Prometheus 2.42 loses data here, upstream issue #13027).
 *
 * Two ways: ENOSPC injected into the WAL's segment files (in-process, deterministic), and a real
 * full file system — a 8 MiB tmpfs (needs root for `mount`; skipped otherwise) filled up by the
 * test while a child process ingests, cuts blocks and compacts on it, then freed again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Labels, newMatcher } from '../../src/model/labels/index.js';
import { ValueType, WriteFailedError } from '../../src/storage/index.js';
import { DB } from '../../src/tsdb/db/index.js';
import { createRegistry } from '../../src/util/index.js';
import { findBinary } from '../support/peers.js';
import { switchableDisk } from '../support/switchable-disk.js';

const lbl = (i: number): Labels => Labels.fromStrings('__name__', 'disk_full', 'i', String(i));

/** Commit k → sample count, checking values (commit k: t = k * step, value k + i/4096). */
function perCommit(db: DB, name: string, step: number): Map<number, number> {
  const q = db.querier(-Infinity, Infinity);
  const ss = q.select(false, undefined, newMatcher('=', '__name__', name));
  const out = new Map<number, number>();
  while (ss.next()) {
    const i = Number(ss.at().labels.get('i'));
    const it = ss.at().iterator();
    while (it.next() === ValueType.Float) {
      const k = it.atT() / step;
      assert.equal(it.at(), k + i / 4096);
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  q.close();
  return out;
}

async function commitStep(db: DB, k: number, n: number): Promise<void> {
  const a = db.appender();
  for (let i = 0; i < n; i++) a.append(0, lbl(i), k * 1000, k + i / 4096);
  await a.commit();
}

async function metric(text: Promise<string>, name: string): Promise<number> {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(await text);
  return m ? Number(m[1]) : NaN;
}

test('disk full (injected ENOSPC): appends fail clearly and are counted, the DB stays up, nothing acknowledged later is lost', async (t) => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-disk-full-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const disk = { full: false };
  const registry = createRegistry({ defaultMetrics: false });
  let db = await DB.open(dir, { walOpenFile: switchableDisk(disk), registry, autoCompaction: false });
  const acked: number[] = [];
  for (let k = 0; k < 10; k++) {
    await commitStep(db, k, 50);
    acked.push(k);
  }
  disk.full = true;
  let failures = 0;
  for (let k = 10; k < 20; k++) {
    await assert.rejects(commitStep(db, k, k === 10 ? 60 : 50), (e: unknown) => e instanceof WriteFailedError && /write to WAL: .*ENOSPC: no space left on device/.test(e.message));
    failures++;
  }
  assert.equal(await metric(registry.metrics(), 'ignis_tsdb_head_commit_wal_failures_total'), failures);
  assert.ok((await metric(registry.metrics(), 'prometheus_tsdb_wal_writes_failed_total')) >= 1);
  // Still up: queries answer, appenders open.
  assert.deepEqual([...perCommit(db, 'disk_full', 1000).keys()], acked);
  disk.full = false;
  for (let k = 20; k < 40; k++) {
    await commitStep(db, k, 60);
    acked.push(k);
  }
  await db.close();
  db = await DB.open(dir, { autoCompaction: false });
  const got = perCommit(db, 'disk_full', 1000);
  for (const k of acked) assert.ok((got.get(k) ?? 0) >= 50, `acknowledged commit ${k} survives`);
  for (let k = 10; k < 20; k++) assert.equal(got.get(k), undefined, `failed commit ${k} stays absent`);
  await db.close();
});

const CHILD = new URL('./tsdb-crash-child.js', import.meta.url).pathname;

function canMount(): string | false {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  if (!findBinary('mount') || !findBinary('umount')) return 'mount/umount not found';
  return false;
}

test('disk full (real 8 MiB tmpfs): a child keeps running through ENOSPC, counts it, and loses nothing acknowledged', { skip: canMount(), timeout: 120_000 }, async (t) => {
  const mnt = fs.mkdtempSync(join(os.tmpdir(), 'ignis-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
  } catch (err) {
    fs.rmdirSync(mnt);
    t.skip(`cannot mount a tmpfs here: ${(err as Error).message}`);
    return;
  }
  let pid = 0;
  t.after(() => {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      execFileSync('umount', [mnt]);
    } catch {
      execFileSync('umount', ['-l', mnt]);
    }
    fs.rmdirSync(mnt);
  });
  const dir = join(mnt, 'data');
  const STEP = 100;
  const SERIES = 50;
  // 50 series, 2 s blocks (a cut every 20 commits), 256 KiB WAL segments, 5 ms between commits.
  const child = spawn(process.execPath, [CHILD, dir, String(SERIES), String(STEP), '2000', 'tolerant', String(256 * 1024), '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  pid = child.pid!;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)));
  let exited = false;
  child.on('exit', () => (exited = true));
  let lastAck = -1;
  let acks = 0;
  const fails: string[] = [];
  const metrics = new Map<string, number>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, a, ...rest] = line.split(' ');
    if (word === 'ack') {
      lastAck = Number(a);
      acks++;
    } else if (word === 'fail') fails.push(rest.join(' '));
    else if (word === 'm') metrics.set(a!, Number(rest[0]));
  });
  const waitFor = async (what: string, ok: () => boolean, ms: number): Promise<void> => {
    const until = Date.now() + ms;
    while (!ok()) {
      assert.ok(!exited, `child exited while waiting for ${what}: ${stderr}`);
      assert.ok(Date.now() < until, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await waitFor('first acks', () => acks >= 100, 30_000);
  // Fill the file system.
  const filler = join(mnt, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let filled = 0;
  try {
    for (let i = 0; i < 1024; i++) filled += fs.writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  fs.closeSync(fd);
  await waitFor('failing commits', () => fails.length >= 5, 30_000);
  const ackedBeforeFree = lastAck;
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(!exited, 'the child is still up while the disk is full');
  assert.match(fails[0]!, /no space left on device/i, 'the error says why');
  await waitFor('failure counter', () => (metrics.get('ignis_tsdb_head_commit_wal_failures_total') ?? 0) >= 5, 5000);
  t.diagnostic(`filled ${filled} bytes; ${fails.length} commits failed while full ("${fails[0]}"), counters: ${[...metrics].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  // Space returns.
  fs.rmSync(filler);
  const failsAtFree = fails.length;
  await waitFor('acks after space returned', () => lastAck >= ackedBeforeFree + 200, 30_000);
  const failedAfterFree = fails.length - failsAtFree;
  process.kill(pid, 'SIGKILL');
  await new Promise<void>((r) => (exited ? r() : child.once('exit', () => r())));
  pid = 0;
  const db = await DB.open(dir, { minBlockDurationMs: 2000, autoCompaction: false });
  try {
    const got = perCommit(db, 'crash_test', STEP);
    for (let k = 0; k <= lastAck; k++) assert.equal(got.get(k), SERIES, `acknowledged commit ${k} survives`);
    for (const [k, n] of got) assert.equal(n, SERIES, `commit ${k} is not partial`);
    t.diagnostic(`${lastAck + 1} commits acknowledged in all (${failedAfterFree} more failed while the file system recovered), all present after kill -9 and restart; ${db.blocks().length} blocks`);
  } finally {
    await db.close();
  }
});
