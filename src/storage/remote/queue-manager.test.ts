import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels } from '../../model/labels/index.js';
import { compileRelabelRegex, DEFAULT_RELABEL_RULE } from '../../model/relabel/index.js';
import { createRegistry, type Registry } from '../../util/index.js';
import { createRemoteHTTPClient } from './http-client.js';
import { RemoteStorageMetrics } from './metrics.js';
import { QueueManager } from './queue-manager.js';
import { positionKey, type QueueSettings, type RemoteWriteSettings } from './remote-config.js';
import { FakeReceiver, MemoryPositions, SyntheticSource, metricValue, testWriteSettings } from './testing.js';
import { createWriteClient } from './write-client.js';

interface Rig {
  rx: FakeReceiver;
  src: SyntheticSource;
  registry: Registry;
  qm: QueueManager;
}

function newQueue(rx: FakeReceiver, src: SyntheticSource, cfg: RemoteWriteSettings, registry: Registry, extra: { positions?: MemoryPositions; flushDeadlineMs?: number; shardUpdateIntervalMs?: number; externalLabels?: Labels } = {}): QueueManager {
  return new QueueManager({
    config: cfg,
    externalLabels: extra.externalLabels ?? Labels.EMPTY,
    source: src,
    client: createWriteClient(createRemoteHTTPClient(cfg), rx.url, cfg.queue_config.retry_on_http_429),
    metrics: RemoteStorageMetrics.forRegistry(registry).queue('q', rx.url),
    key: positionKey(cfg),
    positions: extra.positions ?? new MemoryPositions(),
    flushDeadlineMs: extra.flushDeadlineMs ?? 2000,
    shardUpdateIntervalMs: extra.shardUpdateIntervalMs ?? 10_000,
  });
}

async function rig(queue: Partial<QueueSettings>, extra: Parameters<typeof newQueue>[4] = {}, cfgExtra: Partial<RemoteWriteSettings> = {}): Promise<Rig> {
  const rx = await new FakeReceiver().start();
  const src = new SyntheticSource();
  const registry = createRegistry({ defaultMetrics: false });
  const qm = newQueue(rx, src, testWriteSettings(rx.url, queue, cfgExtra), registry, { positions: new MemoryPositions(), ...extra });
  return { rx, src, registry, qm };
}

/** Polls `cond` (awaited when it returns a promise) every 10 ms for at most `ms`; fails with `what`. */
async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string | (() => string)): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(10);
  }
}

/** Later than any start time: a queue without a saved position sends only samples newer than its start (upstream). */
const T0 = Math.floor(Date.now() / 1000) * 1000 + 3_600_000;

/** Declares `n` series `m{i="k"}` with refs 1..n. */
function declare(src: SyntheticSource, n: number): void {
  for (let k = 1; k <= n; k++) src.addSeries(k, Labels.fromStrings('__name__', 'm', 'i', String(k)));
}

/** Adds one record with one sample per series 1..n at `t`, value `t/1000 + ref`. */
function tick(src: SyntheticSource, n: number, t: number): void {
  const refs = Array.from({ length: n }, (_, i) => i + 1);
  src.addSamples(refs, refs.map(() => t), refs.map((r) => t / 1000 + r));
}

function expectedSamples(n: number, times: number[]): string[] {
  const out: string[] = [];
  for (const t of times) for (let r = 1; r <= n; r++) out.push(`{__name__="m", i="${r}"}@${t}=${t / 1000 + r}`);
  return out.sort();
}

test('batches of max_samples_per_send with remote write 1.0 headers; every sample arrives once', async () => {
  const { rx, src, qm } = await rig({ max_samples_per_send: 100, batch_send_deadline: 5000 });
  try {
    declare(src, 10);
    await qm.start();
    const times = Array.from({ length: 100 }, (_, i) => T0 + i * 1000);
    for (const t of times) tick(src, 10, t);
    await until(() => rx.samples().length >= 1000, 5000, '1000 samples');
    assert.deepEqual(rx.samples().sort(), expectedSamples(10, times));
    for (const r of rx.requests) {
      assert.equal(r.headers['content-encoding'], 'snappy');
      assert.equal(r.headers['content-type'], 'application/x-protobuf');
      assert.equal(r.headers['x-prometheus-remote-write-version'], '0.1.0');
      assert.match(String(r.headers['user-agent']), /^Prometheus\/2\.42\.0 \(Ignis\//);
      const n = r.request.timeseries.reduce((a, ts) => a + ts.samples.length, 0);
      assert.ok(n <= 100, `request of ${n} samples`);
    }
    assert.equal(rx.requests.length, 10, 'full batches only, no deadline flushes');
  } finally {
    await qm.stop();
    await rx.close();
  }
});

test('a partial batch is flushed after batch_send_deadline, not before', async () => {
  const { rx, src, qm } = await rig({ max_samples_per_send: 100, batch_send_deadline: 300 });
  try {
    declare(src, 3);
    await qm.start();
    const t0 = performance.now();
    tick(src, 3, T0);
    await until(() => rx.requests.length >= 1, 3000, 'the deadline flush');
    const waited = rx.requests[0]!.at - t0;
    assert.ok(waited >= 250 && waited < 1500, `flushed after ${waited.toFixed(0)} ms`);
    assert.deepEqual(rx.samples().sort(), expectedSamples(3, [T0]));
  } finally {
    await qm.stop();
    await rx.close();
  }
});

test('retries 500 with doubling backoff from min_backoff; samples arrive once', async () => {
  const { rx, src, registry, qm } = await rig({ max_samples_per_send: 10, batch_send_deadline: 50, min_backoff: 50, max_backoff: 400 });
  rx.answer = (n) => (n < 4 ? { status: 500, body: 'boom' } : { status: 204 });
  try {
    declare(src, 5);
    await qm.start();
    tick(src, 5, T0);
    await until(() => rx.accepted.length === 1, 5000, 'the retried batch');
    // The receiver counts the batch before the sender has read the 204; wait for the sender's side too.
    await until(async () => metricValue(await registry.metrics(), 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds') === T0 / 1000, 3000, 'the sender to record the success');
    const at = rx.requests.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // 50, 100, 200, 400 ms between attempts (± scheduling).
    [50, 100, 200, 400].forEach((want, i) => assert.ok(gaps[i]! >= want * 0.8 && gaps[i]! < want + 600, `gap ${i}: ${gaps[i]} ms, want ~${want}`));
    assert.deepEqual(rx.samples().sort(), expectedSamples(5, [T0]));
    const text = await registry.metrics();
    assert.equal(metricValue(text, 'prometheus_remote_storage_samples_retried_total'), 20);
    assert.equal(metricValue(text, 'prometheus_remote_storage_samples_total'), 25, 'counted per attempt, as upstream');
    assert.equal(metricValue(text, 'prometheus_remote_storage_samples_failed_total'), 0);
    assert.equal(metricValue(text, 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds'), T0 / 1000);
  } finally {
    await qm.stop();
    await rx.close();
  }
});

test('429 is retried after Retry-After when retry_on_http_429, dropped otherwise; other 4xx are dropped', async () => {
  {
    const { rx, src, qm } = await rig({ max_samples_per_send: 10, batch_send_deadline: 50, retry_on_http_429: true, min_backoff: 10 });
    rx.answer = (n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 204 });
    try {
      declare(src, 2);
      await qm.start();
      tick(src, 2, T0);
      await until(() => rx.accepted.length === 1, 5000, 'the retry after 429');
      const gap = rx.requests[1]!.at - rx.requests[0]!.at;
      assert.ok(gap >= 950 && gap < 2000, `retried after ${gap.toFixed(0)} ms, Retry-After says 1 s`);
    } finally {
      await qm.stop();
      await rx.close();
    }
  }
  for (const status of [429, 400, 404]) {
    const { rx, src, registry, qm } = await rig({ max_samples_per_send: 2, batch_send_deadline: 50, retry_on_http_429: false });
    rx.answer = (n) => (n === 0 ? { status, body: 'no thanks\nsecond line' } : { status: 204 });
    try {
      declare(src, 2);
      await qm.start();
      tick(src, 2, T0);
      await until(() => rx.requests.length >= 1, 3000, 'the first request');
      tick(src, 2, T0 + 1000);
      await until(() => rx.accepted.length === 1, 3000, 'the next batch');
      await until(async () => metricValue(await registry.metrics(), 'prometheus_remote_storage_samples_failed_total') === 2, 3000, 'the dropped batch to be counted');
      await sleep(100);
      assert.equal(rx.requests.length, 2, `${status}: not retried`);
      assert.deepEqual(rx.samples().sort(), expectedSamples(2, [T0 + 1000]));
      assert.equal(metricValue(await registry.metrics(), 'prometheus_remote_storage_samples_failed_total'), 2);
      // The dropped batch counts as done: the position moves past it.
      await until(() => qm.safePosition?.offset === 4, 2000, 'the position past both records');
    } finally {
      await qm.stop();
      await rx.close();
    }
  }
});

test('shards scale up under load (slow receiver, fast input)', async () => {
  const { rx, src, registry, qm } = await rig({ max_samples_per_send: 50, batch_send_deadline: 100, max_shards: 20, capacity: 1000 }, { shardUpdateIntervalMs: 250 });
  rx.answer = () => ({ status: 204, delayMs: 25 });
  try {
    declare(src, 100);
    await qm.start();
    // ~10,000 samples/s for 3 s: one shard sends at most 50 / 25 ms = 2,000/s.
    const times: number[] = [];
    for (let k = 0; k < 60; k++) {
      const t = T0 + k * 1000;
      times.push(t);
      for (let j = 0; j < 5; j++) tick(src, 100, t + j);
      await sleep(50);
    }
    assert.ok(qm.numShards >= 3, `resharded to ${qm.numShards} shards`);
    const text = await registry.metrics();
    assert.ok(metricValue(text, 'prometheus_remote_storage_shards')! >= 3);
    assert.ok(metricValue(text, 'prometheus_remote_storage_shards_desired')! > 2);
    let mtext = '';
    const poll = setInterval(() => void registry.metrics().then((t) => (mtext = t)), 100);
    await until(() => rx.samples().length >= 30_000, 20_000, () => `every sample (got ${rx.samples().length}, ${qm.numShards} shards, source at ${src.position()?.offset} of ${src.log.length}) ${mtext.split('\n').filter((l) => /failed_total|dropped_total|pending|samples_total/.test(l) && !l.startsWith('#')).join('; ')}`).finally(() => clearInterval(poll));
    const got = rx.samples();
    assert.equal(new Set(got).size, got.length, 'no duplicates');
    // Per series, samples arrive in timestamp order (one in-flight request per series' shard).
    const last = new Map<string, number>();
    for (const r of rx.accepted) {
      for (const ts of r.request.timeseries) {
        const key = JSON.stringify(ts.labels);
        for (const s of ts.samples) {
          assert.ok(s.timestamp > (last.get(key) ?? -Infinity), 'in order per series');
          last.set(key, s.timestamp);
        }
      }
    }
  } finally {
    await qm.stop();
    await rx.close();
  }
});

test('a 3 s receiver outage loses nothing; neither does a restart of the sender during it', async () => {
  const positions = new MemoryPositions();
  const rx = await new FakeReceiver().start();
  const src = new SyntheticSource();
  const registry = createRegistry({ defaultMetrics: false });
  const cfg = testWriteSettings(rx.url, { max_samples_per_send: 20, batch_send_deadline: 50, min_backoff: 20, max_backoff: 200, capacity: 50 });
  let down = false;
  rx.answer = () => (down ? { status: 503, body: 'down' } : { status: 204 });
  let qm = newQueue(rx, src, cfg, registry, { positions, flushDeadlineMs: 300 });
  const times: number[] = [];
  try {
    declare(src, 10);
    await qm.start();
    let t = T0;
    const feed = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        tick(src, 10, t);
        times.push(t);
        t += 1000;
        await sleep(20);
      }
    };
    await feed(500);
    down = true;
    await feed(1500);
    // Restart the sender in the middle of the outage (its queues are full: back-pressure).
    await qm.stop();
    const saved = positions.saved.get(positionKey(cfg));
    assert.ok(saved === undefined || saved.offset < src.log.length, 'the saved position is before the unsent records');
    qm = newQueue(rx, src, cfg, createRegistry({ defaultMetrics: false }), { positions });
    await qm.start();
    await feed(1500);
    down = false;
    await feed(300);
    await until(() => new Set(rx.samples()).size >= times.length * 10, 15_000, 'every sample after the outage');
    assert.deepEqual([...new Set(rx.samples())].sort(), expectedSamples(10, times));
  } finally {
    await qm.stop();
    await rx.close();
  }
});

test('external labels are added (series labels win) and write_relabel_configs drop and rewrite', async () => {
  const dropB = { rule: { ...DEFAULT_RELABEL_RULE, sourceLabels: ['i'], regex: compileRelabelRegex('2'), action: 'drop' as const } };
  const rename = { rule: { ...DEFAULT_RELABEL_RULE, sourceLabels: ['dc'], regex: compileRelabelRegex('(.*)'), targetLabel: 'site', replacement: 'x-$1' } };
  const { rx, src, registry, qm } = await rig({ batch_send_deadline: 50 }, { externalLabels: Labels.fromStrings('dc', 'eu', 'i', 'ext') }, { write_relabel_configs: [dropB, rename] });
  try {
    declare(src, 3);
    await qm.start();
    tick(src, 3, T0);
    src.addSamples([99], [T0], [1]);
    await until(() => rx.samples().length >= 2, 3000, 'two samples');
    await sleep(100);
    assert.deepEqual(rx.samples().sort(), [`{__name__="m", dc="eu", i="1", site="x-eu"}@${T0}=${T0 / 1000 + 1}`, `{__name__="m", dc="eu", i="3", site="x-eu"}@${T0}=${T0 / 1000 + 3}`]);
    assert.equal(metricValue(await registry.metrics(), 'prometheus_remote_storage_samples_dropped_total'), 2, 'the relabel-dropped series and the unknown ref');
  } finally {
    await qm.stop();
    await rx.close();
  }
});
