/**
 * The out-of-order window end to end on the real server: `storage.tsdb.out_of_order_time_window`
 * in prometheus.yml, old samples delivered through the remote-write receiver, refused beyond the
 * window (and with the window off), `kill -9` right after the acknowledged write, restart: the
 * samples come back from the WBL. And the WBL moves between Ignis and the real Prometheus 2.42,
 * including one in which Prometheus m-mapped a full out-of-order chunk and logged a marker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWriteRequest, snappyEncode } from '../../src/storage/remote/proto/index.js';
import { RecordType, decodeMmapMarkers, recordType } from '../../src/tsdb/record/index.js';
import { readSegments } from '../../src/tsdb/wlog/index.js';
import { findBinary, skipWithoutBinary } from '../support/peers.js';
import { freePort } from './loopback.js';
import { spawnChild } from './server/child.js';
import { queryMatrix, selfMetric } from './server/api.js';
import { startIgnis, tempDir, waitReady, type ApiProcess } from './server/processes.js';

/** Sends one remote-write request of `samples` (ms, value) for series `name`; returns the HTTP status and body. */
async function write(base: string, name: string, samples: [number, number][]): Promise<{ status: number; body: string }> {
  const req = {
    timeseries: [{ labels: [{ name: '__name__', value: name }, { name: 'job', value: 'ooo' }], samples: samples.map(([timestamp, value]) => ({ timestamp, value })), exemplars: [], histograms: [] }],
    metadata: [],
  };
  const res = await fetch(`${base}/api/v1/write`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
    body: snappyEncode(encodeWriteRequest(req)),
  });
  return { status: res.status, body: await res.text() };
}

const config = (window: string | undefined): string =>
  ['global:', '  scrape_interval: 1h', ...(window !== undefined ? ['storage:', '  tsdb:', `    out_of_order_time_window: ${window}`] : []), 'scrape_configs: []'].join('\n');

test('out-of-order window: remote-written old samples accepted within it, refused beyond; kill -9 and restart keep them', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-ooo-');
  t.after(dir.cleanup);
  const now = Date.now() - (Date.now() % 1000);
  const MIN = 60_000;

  const first = await startIgnis({ config: config('30m'), dir: dir.path, args: ['--web.enable-remote-write-receiver', '--web.enable-lifecycle'] });
  t.after(() => first.stop());
  assert.equal((await write(first.base, 'ooo_metric', [[now, 100]])).status, 204);
  // Out of order but within 30m of the newest sample: accepted, in any order.
  assert.equal((await write(first.base, 'ooo_metric', [[now - 10 * MIN, 90], [now - 20 * MIN, 80]])).status, 204);
  assert.equal((await write(first.base, 'ooo_metric', [[now - 15 * MIN, 85]])).status, 204);
  // Beyond the window: refused with upstream's error.
  const old = await write(first.base, 'ooo_metric', [[now - 31 * MIN, 1]]);
  assert.equal(old.status, 400, old.body);
  assert.match(old.body, /too old sample/);
  // A conflicting duplicate within the window.
  const dup = await write(first.base, 'ooo_metric', [[now - 10 * MIN, 7]]);
  assert.equal(dup.status, 400, dup.body);
  assert.match(dup.body, /duplicate sample for timestamp/);
  assert.equal(await selfMetric(first.base, 'prometheus_tsdb_head_out_of_order_samples_appended_total', '{type="float"}'), 3);
  assert.equal(await selfMetric(first.base, 'prometheus_tsdb_too_old_samples_total', '{type="float"}'), 1);
  assert.ok(existsSync(join(first.dataDir, 'wbl')) && readdirSync(join(first.dataDir, 'wbl')).length > 0, 'data/wbl written');

  const want = [
    [now - 20 * MIN, 80],
    [now - 15 * MIN, 85],
    [now - 10 * MIN, 90],
    [now, 100],
  ].map(([ts, v]) => [ts! / 1000, String(v)]);
  const read = async (base: string) => (await queryMatrix(base, 'ooo_metric[40m]', now / 1000 + 1))[0]?.values ?? [];
  assert.deepEqual(await read(first.base), want);

  // kill -9 right after the acknowledged writes: nothing may be lost.
  first.signal('SIGKILL');
  await first.exit;
  const second = await startIgnis({ config: config('30m'), dir: dir.path, dataDir: first.dataDir, args: ['--web.enable-remote-write-receiver', '--web.enable-lifecycle'] });
  t.after(() => second.stop());
  assert.deepEqual(await read(second.base), want);

  // Reload with the window removed: out-of-order samples are refused again.
  writeFileSync(second.configPath, config(undefined));
  assert.equal((await fetch(`${second.base}/-/reload`, { method: 'POST' })).status, 200);
  const refused = await write(second.base, 'ooo_metric', [[now - 5 * MIN, 1]]);
  assert.equal(refused.status, 400, refused.body);
  assert.match(refused.body, /out of order sample/);
  assert.deepEqual(await read(second.base), want);
  assert.equal(await second.stop(), 0);
});

/** Starts the real Prometheus on `dataDir` with `config`, the remote-write receiver on; resolves once ready. */
async function startPrometheusOn(dataDir: string, configPath: string): Promise<ApiProcess> {
  const port = await freePort();
  const peer = spawnChild(findBinary('prometheus')!, [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--storage.tsdb.retention.time=100y',
  ]);
  const proc = { ...peer, base: `http://127.0.0.1:${port}`, port };
  try {
    await waitReady(proc, 30_000);
  } catch (err) {
    await peer.stop();
    throw err;
  }
  return proc;
}

/**
 * A temporary data directory shared by Ignis and Prometheus (window 1h in `configPath`), the
 * current time rounded to the second, and a reader of `ooo_metric` over the last 90 minutes.
 */
function sharedDataDir(t: { after(fn: () => void): void }, prefix: string) {
  const dir = tempDir(prefix);
  t.after(dir.cleanup);
  const dataDir = join(dir.path, 'data');
  const configPath = join(dir.path, 'prometheus.yml');
  writeFileSync(configPath, config('1h'));
  const now = Date.now() - (Date.now() % 1000);
  const read = async (base: string) => (await queryMatrix(base, 'ooo_metric[90m]', now / 1000 + 1))[0]?.values ?? [];
  return { dir, dataDir, configPath, now, read };
}

test('the WBL moves both ways: Prometheus 2.42 reads late samples Ignis logged, Ignis reads those Prometheus logged (kill -9 each time)', { timeout: 120_000, skip: skipWithoutBinary('prometheus') }, async (t) => {
  const { dir, dataDir, configPath, now, read } = sharedDataDir(t, 'ignis-e2e-ooo-prom-');
  const MIN = 60_000;

  const ignis = await startIgnis({ config: config('1h'), dir: dir.path, dataDir, args: ['--web.enable-remote-write-receiver'] });
  t.after(() => ignis.stop());
  assert.equal((await write(ignis.base, 'ooo_metric', [[now, 1]])).status, 204);
  assert.equal((await write(ignis.base, 'ooo_metric', [[now - 30 * MIN, 2]])).status, 204);
  ignis.signal('SIGKILL');
  await ignis.exit;

  const prom = await startPrometheusOn(dataDir, configPath);
  t.after(() => prom.stop());
  assert.deepEqual(await read(prom.base), [
    [(now - 30 * MIN) / 1000, '2'],
    [now / 1000, '1'],
  ]);
  assert.equal((await write(prom.base, 'ooo_metric', [[now - 40 * MIN, 3]])).status, 204);
  prom.signal('SIGKILL');
  await prom.exit;

  const again = await startIgnis({ config: config('1h'), dir: dir.path, dataDir });
  t.after(() => again.stop());
  assert.deepEqual(await read(again.base), [
    [(now - 40 * MIN) / 1000, '3'],
    [(now - 30 * MIN) / 1000, '2'],
    [now / 1000, '1'],
  ]);
  assert.equal(await again.stop(), 0);
});

test("Ignis reads a Prometheus 2.42 WBL holding m-map markers (a full out-of-order chunk moved to chunks_head): every sample is back", { timeout: 120_000, skip: skipWithoutBinary('prometheus') }, async (t) => {
  const { dir, dataDir, configPath, now, read } = sharedDataDir(t, 'ignis-e2e-ooo-markers-');
  const MIN = 60_000;

  const prom = await startPrometheusOn(dataDir, configPath);
  t.after(() => prom.stop());
  assert.equal((await write(prom.base, 'ooo_metric', [[now, 0]])).status, 204);
  // 45 late samples in one request: more than an out-of-order chunk holds (32 by default), so
  // Prometheus m-maps the first chunk and logs a marker for it in the WBL.
  const late: [number, number][] = Array.from({ length: 45 }, (_, i) => [now - 50 * MIN + i * MIN, i + 1]);
  assert.equal((await write(prom.base, 'ooo_metric', late)).status, 204);
  const want = [...late, [now, 0] as [number, number]].map(([ts, v]) => [ts / 1000, String(v)]);
  assert.deepEqual(await read(prom.base), want);
  prom.signal('SIGKILL');
  await prom.exit;

  let markers = 0;
  await readSegments(join(dataDir, 'wbl'), (rec) => {
    if (recordType(rec) === RecordType.MmapMarkers) markers += decodeMmapMarkers(rec).length;
  });
  assert.ok(markers >= 1, 'Prometheus logged no m-map marker: the test no longer covers them');

  const ignis = await startIgnis({ config: config('1h'), dir: dir.path, dataDir });
  t.after(() => ignis.stop());
  assert.deepEqual(await read(ignis.base), want);
  assert.equal(await ignis.stop(), 0);
});
