/**
 * The remote write guarantee of issue 6 with real processes: `ignis server` scrapes a target
 * every second and remote-writes into Debian's VictoriaMetrics; VictoriaMetrics is stopped for
 * 60 s, Ignis is restarted (same data folder) in the middle of the outage, VictoriaMetrics comes
 * back on the same port — and every sample Ignis stored arrives, with its value.
 *
 * Slow by nature (about 80 s, run beside other files by the test runner): `IGNIS_OUTAGE_S`
 * shortens the outage for local runs, `IGNIS_SKIP_SLOW=1` skips the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBinary, skipWithoutBinary } from '../support/peers.js';
import { freePort, pollUntil } from './loopback.js';
import { startPeer, type Peer } from './peer-process.js';
import { labelsKey } from './server/api.js';
import { BENCH_DIR, startBenchTargets, startIgnis, tempDir, type IgnisProcess } from './server/processes.js';

const OUTAGE_S = Number(process.env.IGNIS_OUTAGE_S ?? 60);

function skipReason(): string | false {
  if (process.env.IGNIS_SKIP_SLOW === '1') return 'IGNIS_SKIP_SLOW=1';
  return skipWithoutBinary('victoria-metrics') || (existsSync(join(BENCH_DIR, 'targets.mjs')) ? false : `${BENCH_DIR}/targets.mjs not found`);
}

/** Series key → (timestamp ms → value) of non-NaN samples with `from < t <= to`. */
type Samples = Map<string, Map<number, number>>;

function add(out: Samples, metric: Record<string, string>, t: number, v: number, from: number, to: number): void {
  if (t <= from || t > to || Number.isNaN(v)) return;
  const k = labelsKey(metric);
  let m = out.get(k);
  if (!m) out.set(k, (m = new Map()));
  m.set(t, v);
}

/** Ignis' raw samples of `job="bench"` in `(from, to]` (ms), through a range selector at `to`. */
async function ignisSamples(base: string, from: number, to: number): Promise<Samples> {
  const q = `{job="bench"}[${to - from}ms]`;
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${to / 1000}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  if (body.status !== 'success') throw new Error(`ignis: ${body.error}`);
  const out: Samples = new Map();
  for (const s of body.data.result) for (const [t, v] of s.values) add(out, s.metric, Math.round(t * 1000), Number(v), from, to);
  return out;
}

/** VictoriaMetrics' samples of `job="bench"` in `(from, to]` (ms), duplicates folded. */
async function vmSamples(base: string, from: number, to: number): Promise<Samples> {
  await fetch(`${base}/internal/force_flush`);
  const res = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent('{job="bench"}')}&start=${Math.floor(from / 1000)}&end=${Math.ceil(to / 1000)}`);
  const out: Samples = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
    r.timestamps.forEach((t, i) => add(out, r.metric, t, r.values[i]!, from, to));
  }
  return out;
}

/**
 * Samples of `want` that `got` lacks or holds with another value (at most `max` listed).
 * VictoriaMetrics keeps about 12 significant decimal digits, hence the relative tolerance.
 */
function missing(want: Samples, got: Samples, max = 10): string[] {
  const out: string[] = [];
  for (const [k, xs] of want) {
    const g = got.get(k);
    for (const [t, v] of xs) {
      const gv = g?.get(t);
      if (gv === undefined || !(gv === v || Math.abs(gv - v) <= 1e-9 * Math.abs(v))) out.push(`${k}@${t}: ${gv ?? 'missing'}, want ${v}`);
      if (out.length >= max) return out;
    }
  }
  return out;
}

test(`slow: a ${OUTAGE_S} s VictoriaMetrics outage with an Ignis restart in it loses no sample`, { skip: skipReason(), timeout: (OUTAGE_S + 120) * 1000 }, async (t) => {
  const dir = tempDir('ignis-e2e-outage-');
  t.after(() => dir.cleanup());
  const bench = await startBenchTargets(1, 50, OUTAGE_S + 150);
  t.after(() => bench.stop());
  const vmPort = await freePort();
  const vmBase = `http://127.0.0.1:${vmPort}`;
  mkdirSync(join(dir.path, 'vm'));
  const startVM = async (): Promise<Peer> => {
    const p = startPeer(findBinary('victoria-metrics')!, [`-httpListenAddr=127.0.0.1:${vmPort}`, `-storageDataPath=${join(dir.path, 'vm')}`, '-loggerLevel=ERROR']);
    await pollUntil('victoria-metrics up', 30_000, 100, async () => {
      if (p.exited()) throw new Error(`victoria-metrics exited: ${p.output()}`);
      return (await fetch(`${vmBase}/health`)).ok ? true : undefined;
    });
    return p;
  };
  let vm: Peer | undefined = await startVM();
  t.after(() => vm?.stop());

  const config = [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: bench',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${bench.ports[0]}']`,
    'remote_write:',
    `  - url: ${vmBase}/api/v1/write`,
    '    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 2s}',
  ].join('\n');
  const dataDir = join(dir.path, 'ignis-data');
  const args = ['--storage.remote.flush-deadline=2s'];
  let ignis: IgnisProcess | undefined = await startIgnis({ config, dataDir, dir: dir.path, args });
  t.after(() => ignis?.stop());
  const from = Date.now();

  // Some seconds of normal sending, then the outage: VictoriaMetrics stopped (by PID).
  await sleep(5000);
  await vm.stop(5000);
  vm = undefined;
  const outageStart = Date.now();
  await sleep((OUTAGE_S * 1000) / 2);
  // Ignis restarts in the middle of the outage, on the same data folder.
  await ignis.stop();
  ignis = undefined;
  ignis = await startIgnis({ config, dataDir, dir: dir.path, args });
  await sleep(Math.max(0, outageStart + OUTAGE_S * 1000 - Date.now()));
  vm = await startVM();
  const outage = (Date.now() - outageStart) / 1000;
  // A few more seconds of scraping after the receiver is back; samples up to `to` must all arrive.
  await sleep(3000);
  const to = Date.now() - 1000;

  const want = await ignisSamples(ignis.base, from - 5000, to);
  const total = [...want.values()].reduce((a, m) => a + m.size, 0);
  assert.ok(want.size >= 50, `${want.size} series in Ignis`);
  assert.ok(total > want.size * (OUTAGE_S / 2), `${total} samples in Ignis`);
  let last: string[] = [];
  await pollUntil('every sample Ignis stored in VictoriaMetrics', 60_000, 500, async () => {
    last = missing(want, await vmSamples(vmBase, from - 5000, to));
    return last.length === 0 ? true : undefined;
  }).catch(() => undefined);
  assert.deepEqual(last, [], 'samples Ignis stored but VictoriaMetrics lacks');
  t.diagnostic(`${total} samples of ${want.size} series over ${((to - from) / 1000).toFixed(0)} s, outage ${outage.toFixed(1)} s with a restart: all in VictoriaMetrics`);
});
