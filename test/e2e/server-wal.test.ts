/**
 * Durability and readiness across restarts of `ignis server`: SIGTERM shuts down cleanly (exit 0,
 * WAL flushed), a restart on the same data directory answers `/-/ready` (and the API) with 503
 * while the WAL replays and 200 after, and every sample stored before the shutdown is there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Labels } from '../../src/model/labels/index.js';
import { DB } from '../../src/tsdb/db/index.js';
import { EncBuf } from '../../src/tsdb/fileutil/index.js';
import { SampleBatch, encodeSamplesInto, encodeSeries, samplesRecordMaxSize } from '../../src/tsdb/record/index.js';
import { WriteAheadLog } from '../../src/tsdb/wlog/index.js';
import { pollUntil } from './loopback.js';
import { queryMatrix, scalarOf } from './server/api.js';
import { startMutableTarget } from './server/mutable-target.js';
import { startIgnis, tempDir, waitReady } from './server/processes.js';

/** Series written straight into the WAL so that the replay takes a while. */
const INFLATE_SERIES = 60_000;

/** Appends `INFLATE_SERIES` series with two samples each through the TSDB itself (closed again, WAL fsynced). */
async function inflateWal(dataDir: string): Promise<void> {
  const db = await DB.open(dataDir, { useWorker: false, walCompression: true });
  try {
    const now = Date.now();
    const refs = new Array<number>(INFLATE_SERIES).fill(0);
    const labels = Array.from({ length: INFLATE_SERIES }, (_, i) => Labels.fromStrings('__name__', 'wal_inflate', 'series', String(i), 'job', 'inflate'));
    for (let s = 0; s < 2; s++) {
      const app = db.appender();
      for (let i = 0; i < INFLATE_SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, now - 2000 + s * 1000, i);
      await app.commit();
    }
  } finally {
    await db.close();
  }
}

test('SIGTERM flushes the WAL; a restart is unready (503) while replaying, then has every sample', { timeout: 120_000 }, async (t) => {
  const target = await startMutableTarget({ '/metrics': { body: 'wal_metric{i="0"} 1\nwal_metric{i="1"} 2\n' } });
  t.after(() => target.close());
  const dir = tempDir('ignis-e2e-wal-');
  t.after(dir.cleanup);
  const config = ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: wal', '    static_configs:', `      - targets: ['127.0.0.1:${target.port}']`].join('\n');

  const first = await startIgnis({ config, dir: dir.path });
  let value = 3;
  await pollUntil('four scrapes', 15_000, 100, async () => {
    target.set('/metrics', { body: `wal_metric{i="0"} ${value++}\nwal_metric{i="1"} 2\n` });
    const n = await queryMatrix(first.base, 'wal_metric{i="0"}[1m]');
    return n[0] && n[0].values.length >= 4 ? true : undefined;
  });
  const at = Date.now() / 1000;
  const before = await queryMatrix(first.base, '{job="wal"}[1m]', at);
  assert.equal(await first.stop(), 0, `exit code (log:\n${first.output()})`);
  assert.match(first.output(), /msg="See you next time!"/);

  const t0 = performance.now();
  await inflateWal(first.dataDir);
  t.diagnostic(`wrote ${INFLATE_SERIES} more series into the WAL in ${Math.round(performance.now() - t0)} ms`);

  const second = await startIgnis({ config, dir: dir.path, waitReady: false });
  t.after(() => second.stop());
  const statuses: number[] = [];
  let slowest = 0;
  for (let i = 0; i < 200; i++) {
    const asked = performance.now();
    const res = await fetch(`${second.base}/-/ready`);
    await res.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - asked);
    statuses.push(res.status);
    if (res.status === 200) break;
    if (i === 0) {
      const q = await fetch(`${second.base}/api/v1/query?query=up`);
      assert.equal(q.status, 503, 'the API is unavailable while the WAL replays');
      assert.equal((await fetch(`${second.base}/api/v1/status/walreplay`)).status, 200);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(statuses[0], 503, `first /-/ready answer (all: ${statuses.join(',')})`);
  await waitReady(second, 60_000);
  t.diagnostic(`ready after ${statuses.length} polls; slowest /-/ready answer ${Math.round(slowest)} ms`);

  assert.deepEqual(await queryMatrix(second.base, '{job="wal"}[1m]', at), before, 'every sample from before the shutdown');
  assert.equal(await scalarOf(second.base, 'count(wal_inflate)'), INFLATE_SERIES);
  assert.equal(await second.stop(), 0);
});

/** Series and 15 s steps of the big WAL: 6 million samples in records of 100,000 samples each. */
const BIG_SERIES = 100_000;
const BIG_STEPS = 60;

/**
 * Writes a WAL as a server with one huge target would: one series record for all series, then
 * one samples record per scrape (records this big are what made replay block the event loop).
 */
async function writeBigWal(walDir: string): Promise<void> {
  const wal = await WriteAheadLog.open(walDir, { compress: true });
  try {
    const enc = new EncBuf(1 << 22);
    encodeSeries(
      enc,
      Array.from({ length: BIG_SERIES }, (_, i) => ({ ref: i + 1, labels: Labels.fromStrings('__name__', 'big_wal_metric', 'job', 'big', 'series', String(i)) })),
    );
    await wal.log([Buffer.from(enc.get())]);
    const batch = new SampleBatch(BIG_SERIES);
    const rec = new Uint8Array(samplesRecordMaxSize(BIG_SERIES));
    const start = Date.now() - BIG_STEPS * 15_000;
    for (let k = 0; k < BIG_STEPS; k++) {
      batch.reset();
      for (let i = 0; i < BIG_SERIES; i++) batch.push(i + 1, start + k * 15_000, (i * 7 + k) % 1000);
      await wal.log([rec.slice(0, encodeSamplesInto(rec, 0, batch, 0, BIG_SERIES))]);
    }
  } finally {
    await wal.close();
  }
}

/**
 * CPU time (ms) of process `pid`'s main thread — the one running its event loop — from
 * `/proc/<pid>/task/<pid>/stat` (10 ms ticks); Infinity where that cannot be read.
 */
function mainThreadCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Infinity;
  }
}

/** Milliseconds until `url` answered (body read) and its status (0 when the request failed). */
async function timedGet(url: string, pid: number): Promise<{ ms: number; busyMs: number; status: number; body?: string; error?: string }> {
  const t0 = performance.now();
  const c0 = mainThreadCpuMs(pid);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    const body = await res.text();
    return { ms: performance.now() - t0, busyMs: mainThreadCpuMs(pid) - c0, status: res.status, body };
  } catch (err) {
    return { ms: performance.now() - t0, busyMs: mainThreadCpuMs(pid) - c0, status: 0, error: String((err as Error).cause ?? err) };
  }
}

test('the server answers promptly while it replays a big WAL (its event loop is never busy for a second)', { timeout: 240_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-bigwal-');
  t.after(dir.cleanup);
  const dataDir = `${dir.path}/data`;
  const t0 = performance.now();
  await writeBigWal(`${dataDir}/wal`);
  t.diagnostic(`wrote ${BIG_SERIES * BIG_STEPS} samples into the WAL in ${Math.round(performance.now() - t0)} ms`);

  const server = await startIgnis({ config: 'global:\n  scrape_interval: 1m\n', dir: dir.path, dataDir, waitReady: false });
  t.after(() => server.stop());
  // A generous bound for a loaded machine: replay that blocked the event loop took seconds per
  // stall. An answer counts as slow only when the server's event-loop thread was busy for at
  // least half the bound meanwhile: on a machine shared with other work a process may simply
  // not be scheduled for a while, which says nothing about the event loop.
  const BOUND_MS = 1000;
  const slow: string[] = [];
  let whileReplaying = 0;
  let slowest = 0;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const ready = await timedGet(`${server.base}/-/ready`, server.pid);
    if (ready.status === 200) break;
    const healthy = await timedGet(`${server.base}/-/healthy`, server.pid);
    const status = await timedGet(`${server.base}/api/v1/status/walreplay`, server.pid);
    whileReplaying++;
    if (status.status === 200) {
      const { min, max, current } = (JSON.parse(status.body!) as { data: { min: number; max: number; current: number } }).data;
      assert.ok(min <= current && current <= max, `walreplay progress ${status.body}`);
    }
    for (const [what, r, want] of [['/-/ready', ready, 503], ['/-/healthy', healthy, 200], ['walreplay', status, 200]] as const) {
      slowest = Math.max(slowest, r.ms);
      const blocked = r.ms > BOUND_MS && r.busyMs >= BOUND_MS / 2;
      if (blocked || r.status !== want) slow.push(`${what}: ${r.status} after ${Math.round(r.ms)} ms, ${r.busyMs} ms busy${r.error ? ` (${r.error})` : ''}`);
    }
    if (slow.length > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.diagnostic(`${whileReplaying} polls while replaying; slowest answer ${Math.round(slowest)} ms`);
  assert.deepEqual(slow, [], `answers slower than ${BOUND_MS} ms (or wrong) while the WAL replayed`);
  assert.ok(whileReplaying >= 3, `the replay should last several polls (got ${whileReplaying}); make the WAL bigger`);
  await waitReady(server, 60_000);
  assert.equal(await scalarOf(server.base, 'count(big_wal_metric)'), BIG_SERIES);
  assert.equal(await scalarOf(server.base, `count_over_time(big_wal_metric{series="7"}[1h])`), BIG_STEPS);
  assert.equal(await server.stop(), 0);
});
