/**
 * End-to-end remote write against the real peers from Debian's packages: our sender writing
 * into Prometheus 2.42 (`--web.enable-remote-write-receiver`) and into VictoriaMetrics, read
 * back and compared sample for sample; and Prometheus remote-writing its scrapes into our
 * receiver. Skipped with a reason when the binaries are absent. Processes are started on
 * 127.0.0.1 with ephemeral ports and killed by PID in `finally`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { createRegistry } from '../../util/index.js';
import { MemoryStorage } from '../memory/index.js';
import { findBinary, skipWithoutBinary } from '../../../test/support/peers.js';
import { freePort, pollUntil } from '../../../test/e2e/loopback.js';
import { startPeer, type Peer } from '../../../test/e2e/peer-process.js';
import { createRemoteHTTPClient, createWriteClient, createWriteHandler, positionKey, QueueManager, readBody, RemoteStorageMetrics, writeResponse } from './index.js';
import { snappyDecode, snappyEncode } from './proto/index.js';
import { MemoryPositions, SyntheticSource, dumpStorage, testWriteSettings } from './testing.js';

const SERIES = 20;
const POINTS = 60;

/** Recent timestamps (the receivers refuse samples far outside their head / retention). */
function dataset(): { src: SyntheticSource; want: Map<string, Array<[number, number]>>; from: number; to: number } {
  const src = new SyntheticSource();
  const want = new Map<string, Array<[number, number]>>();
  const to = Math.floor(Date.now() / 1000) * 1000;
  const from = to - (POINTS - 1) * 5000;
  for (let s = 1; s <= SERIES; s++) {
    const l = Labels.fromStrings('__name__', s % 2 ? 'ignis_e2e_counter_total' : 'ignis_e2e_gauge', 'series', String(s), 'job', 'ignis-e2e');
    src.addSeries(s, l);
    want.set(l.toString(), []);
  }
  for (let p = 0; p < POINTS; p++) {
    const t = from + p * 5000;
    const refs: number[] = [];
    const vs: number[] = [];
    for (let s = 1; s <= SERIES; s++) {
      refs.push(s);
      const v = s % 2 ? p * s : Math.round(Math.sin(p + s) * 1e6) / 1e3;
      vs.push(v);
      want.get([...want.keys()][s - 1]!)!.push([t, v]);
    }
    src.addSamples(refs, refs.map(() => t), vs);
  }
  return { src, want, from, to };
}

/** Sends the synthetic data set to `url` and waits until every sample was acknowledged. */
async function send(url: string, src: SyntheticSource): Promise<void> {
  const cfg = testWriteSettings(url, { max_samples_per_send: 100, batch_send_deadline: 200, min_backoff: 50, max_backoff: 1000 });
  const positions = new MemoryPositions();
  // A saved position at the very start: send the whole (recent) data set, not only what comes after start.
  await positions.save(positionKey(cfg), { segment: 0, offset: 0 });
  const qm = new QueueManager({
    config: cfg,
    externalLabels: Labels.EMPTY,
    source: src,
    client: createWriteClient(createRemoteHTTPClient(cfg), url, false),
    metrics: RemoteStorageMetrics.forRegistry(createRegistry({ defaultMetrics: false })).queue('e2e', url),
    key: positionKey(cfg),
    positions,
  });
  await qm.start();
  try {
    await pollUntil('every sample acknowledged', 30_000, 50, async () => (qm.safePosition?.offset === src.log.length ? true : undefined));
  } finally {
    await qm.stop();
  }
}

async function getJSON(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function startPrometheus(dir: string, config: string, extra: string[] = []): Promise<{ peer: Peer; base: string }> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const peer = startPeer(findBinary('prometheus')!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, ...extra]);
  const base = `http://127.0.0.1:${port}`;
  try {
    await pollUntil('prometheus ready', 30_000, 100, async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));
  } catch (err) {
    await peer.stop();
    throw new Error(`${(err as Error).message}\n${peer.output()}`);
  }
  return { peer, base };
}

/** Raw samples of `selector` in `[from, to]` from a Prometheus API at `base`, keyed by series text. */
async function promRaw(base: string, selector: string, from: number, to: number): Promise<Map<string, Array<[number, number]>>> {
  const range = Math.ceil((to - from) / 1000) + 1;
  const body = (await getJSON(`${base}/api/v1/query?query=${encodeURIComponent(`${selector}[${range}s]`)}&time=${to / 1000}`)) as {
    data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
  };
  const out = new Map<string, Array<[number, number]>>();
  for (const r of body.data.result) out.set(Labels.fromObject(r.metric).toString(), r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)]));
  return out;
}

function sorted(m: Map<string, Array<[number, number]>>): Array<[string, Array<[number, number]>]> {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

test('our sender → Prometheus 2.42 receiver: series and samples read back exactly', { skip: skipWithoutBinary('prometheus'), timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rw-prom-'));
  const { peer, base } = await startPrometheus(dir, 'global:\n  scrape_interval: 1h\n', ['--web.enable-remote-write-receiver']);
  try {
    const { src, want, from, to } = dataset();
    await send(`${base}/api/v1/write`, src);
    const got = await promRaw(base, '{job="ignis-e2e"}', from, to);
    assert.deepEqual(sorted(got), sorted(want));
  } finally {
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('our sender → VictoriaMetrics: series and samples exported back exactly', { skip: skipWithoutBinary('victoria-metrics'), timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rw-vm-'));
  const port = await freePort();
  const peer = startPeer(findBinary('victoria-metrics')!, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-loggerLevel=ERROR']);
  const base = `http://127.0.0.1:${port}`;
  try {
    await pollUntil('victoria-metrics up', 30_000, 100, async () => ((await fetch(`${base}/health`)).ok ? true : undefined));
    const { src, want, from, to } = dataset();
    await send(`${base}/api/v1/write`, src);
    const got = await pollUntil('every series exported', 30_000, 200, async () => {
      await fetch(`${base}/internal/force_flush`);
      const res = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent('{job="ignis-e2e"}')}&start=${from / 1000 - 1}&end=${to / 1000 + 1}`);
      const lines = (await res.text()).split('\n').filter((l) => l !== '');
      const out = new Map<string, Array<[number, number]>>();
      for (const line of lines) {
        const r = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
        out.set(Labels.fromObject(r.metric).toString(), r.timestamps.map((t, i) => [t, r.values[i]!]));
      }
      const n = [...out.values()].reduce((a, xs) => a + xs.length, 0);
      return n >= SERIES * POINTS ? out : undefined;
    });
    assert.deepEqual(sorted(got), sorted(want));
  } finally {
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Prometheus 2.42 remote-writes its scrapes into our receiver: every sample arrives', { skip: skipWithoutBinary('prometheus'), timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rw-recv-'));
  const mem = new MemoryStorage();
  const handler = createWriteHandler(mem);
  const bodies: Buffer[] = [];
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/v1/write') {
      void readBody(req, 1 << 25).then(async (body) => {
        bodies.push(body);
        await writeResponse(res, await handler({ headers: req.headers, body }));
      });
      return;
    }
    if (req.url === '/metrics') {
      scrapes++;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE e2e_requests_total counter\ne2e_requests_total{code="200"} ${scrapes * 3}\ne2e_requests_total{code="500"} ${scrapes}\n# TYPE e2e_temperature gauge\ne2e_temperature ${20 + (scrapes % 7) / 4}\n`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  external_labels: {replica: r1}',
    'scrape_configs:',
    '  - job_name: e2e',
    `    static_configs: [{targets: ['127.0.0.1:${port}']}]`,
    'remote_write:',
    `  - url: http://127.0.0.1:${port}/api/v1/write`,
    '    queue_config: {batch_send_deadline: 1s, max_samples_per_send: 50, min_backoff: 50ms}',
    '',
  ].join('\n');
  const { peer, base } = await startPrometheus(dir, config);
  try {
    const up = newMatcher('=', '__name__', 'up');
    await pollUntil('8 scrapes remote-written', 60_000, 200, async () => ((dumpStorage(mem, up)['{__name__="up", instance="127.0.0.1:' + port + '", job="e2e", replica="r1"}']?.length ?? 0) >= 8 ? true : undefined));
    const ours = dumpStorage(mem, newMatcher('=', 'job', 'e2e'));
    // Everything up to the newest `up` we got, minus a margin for series sent in other requests.
    const upSamples = ours[`{__name__="up", instance="127.0.0.1:${port}", job="e2e", replica="r1"}`]!;
    const cut = upSamples[upSamples.length - 1]![0] - 3000;
    const from = upSamples[0]![0];
    const theirs = await promRaw(base, '{job="e2e"}', from, cut);
    assert.ok(theirs.size >= 8, `Prometheus has ${theirs.size} series`);
    // Go's snappy bodies decode, and our re-compression of them round-trips.
    assert.ok(bodies.length > 0);
    for (const b of bodies) assert.ok(snappyDecode(snappyEncode(snappyDecode(b))).equals(snappyDecode(b)), 'snappy round trip of what Prometheus sent');
    for (const [series, samples] of theirs) {
      const key = series.replace(/}$/, ', replica="r1"}');
      const mine = (ours[key] ?? []).filter(([t]) => t >= from && t <= cut);
      assert.deepEqual(mine, samples.filter(([t]) => t >= from && t <= cut), `series ${key}`);
    }
  } finally {
    await peer.stop();
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
