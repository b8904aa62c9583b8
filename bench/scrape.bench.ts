/**
 * Scrape ingestion: K loopback targets × M series scraped every interval by a `ScrapeManager`
 * into a `MemoryStorage` (or, with `--storage null`, an appender that only counts), the shape of
 * issue 5's performance line (10 × 10,000 at 1 s = 100,000 samples/s). The targets are
 * `../shared/bench/targets.mjs` (node_exporter-like bodies) in a child process, so their CPU is
 * not counted; without the shared folder a built-in child serves comparable bodies.
 *
 * Prints one JSON line: ingested samples per second, CPU µs per ingested sample (this process:
 * HTTP, gunzip, parse, append, storage), scrape duration p50/p99/max (the
 * `scrape_duration_seconds` the loops report), missed scrapes, event-loop delay p99, RSS.
 * Prometheus 2.42 measured 1.9 µs CPU per sample for the whole server on this machine
 * (`../shared/bench/BASELINE.md`).
 *
 * `--replay` takes the HTTP and the clock out: each target's body is fetched once, then the
 * bodies are appended round after round, synchronously, through the same per-target
 * `BodyAppender` + `ReportWriter` a scrape loop uses, with timestamps one interval apart. It prints
 * CPU µs per sample of that path alone (parse, scrape cache, staleness, report series, the
 * storage's append/commit), steadier than the live mode on a busy machine.
 *
 *   node dist/bench/scrape.bench.js [--targets 10] [--series 10000] [--interval-ms 1000]
 *        [--seconds 30] [--warmup 5] [--storage memory|null] [--builtin] [--replay]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { Labels } from '../src/model/labels/index.js';
import { BodyAppender, defaultAppendOptions, ReportWriter, ScrapeCache, ScrapeManager } from '../src/scrape/index.js';
import { SeriesKeyCache } from '../src/model/textparse/index.js';
import { MemoryStorage } from '../src/storage/memory/index.js';
import type { Appendable, Appender, SeriesRef } from '../src/storage/index.js';
import { createLogger } from '../src/util/index.js';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: '10' },
    series: { type: 'string', default: '10000' },
    'interval-ms': { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    storage: { type: 'string', default: 'memory' },
    builtin: { type: 'boolean', default: false },
    replay: { type: 'boolean', default: false },
  },
});
const K = Number(args.targets);
const M = Number(args.series);
const INTERVAL = Number(args['interval-ms']);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedTargets = resolve(repoRoot, '..', 'shared', 'bench', 'targets.mjs');

/** Counts committed samples and records each batch's `scrape_duration_seconds` (4th sample from the end of a scrape batch). */
class CountingAppendable implements Appendable {
  samples = 0;
  batches = 0;
  readonly durations: number[] = [];
  recording = false;
  readonly #inner: Appendable | undefined;

  constructor(inner: Appendable | undefined) {
    this.#inner = inner;
  }

  appender(): Appender {
    const inner = this.#inner?.appender();
    let n = 0;
    const tail = new Float64Array(5);
    return {
      append: (ref: SeriesRef, labels: Labels, t: number, v: number) => {
        tail[n++ % 5] = v;
        return inner ? inner.append(ref, labels, t, v) : ref;
      },
      commit: async () => {
        await inner?.commit();
        if (!this.recording) return;
        this.samples += n;
        this.batches++;
        if (n >= 5) this.durations.push(tail[(n - 4) % 5]!);
      },
      rollback: () => inner?.rollback(),
    };
  }
}

/** A base port with `k` free consecutive ports on 127.0.0.1. */
async function freePorts(k: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < k && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

/** The built-in targets: a child serving K bodies of M series whose values change every interval. */
const BUILTIN = `
import http from 'node:http';
const [K, M, PORT, DUR] = process.argv.slice(1).map(Number);
const bodies = [];
let tick = -1;
function render(i, tk) {
  const out = [];
  for (let f = 0; f * 200 < M; f++) {
    const name = 'node_synthetic_' + f + '_seconds_total';
    out.push('# HELP ' + name + ' Synthetic family ' + f + '.', '# TYPE ' + name + ' counter');
    for (let j = 0; j < 200 && f * 200 + j < M; j++) out.push(name + '{cpu="' + (j >> 3) + '",mode="mode' + (j & 7) + '"} ' + ((f * 200 + j) * 17.31 + tk * (j % 7)).toFixed(2));
  }
  return Buffer.from(out.join('\\n') + '\\n');
}
for (let i = 0; i < K; i++) {
  http.createServer((req, res) => {
    const tk = Math.floor(Date.now() / 1000);
    if (tk !== tick) { tick = tk; bodies.length = 0; }
    bodies[i] ??= render(i, tk);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(bodies[i]);
  }).listen(PORT + i, '127.0.0.1', () => { if (i === K - 1) console.error(JSON.stringify({ kind: 'targets_ready' })); });
}
setTimeout(() => process.exit(0), DUR * 1000).unref();
`;

async function startTargets(base: number, durationS: number): Promise<{ child: ChildProcess; source: string }> {
  const useShared = !args.builtin && existsSync(sharedTargets);
  const child = useShared
    ? spawn(process.execPath, [sharedTargets, '--targets', String(K), '--series', String(M), '--port', String(base), '--duration', String(durationS)], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, ['--input-type=module', '-e', BUILTIN, String(K), String(M), String(base), String(durationS)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((res, rej) => {
    let err = '';
    const timer = setTimeout(() => rej(new Error(`targets did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('targets_ready')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code) => rej(new Error(`targets exited (${code}): ${err}`)));
  });
  return { child, source: useShared ? 'targets.mjs' : 'built-in' };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The `--replay` mode; see the module comment. */
async function replay(): Promise<void> {
  const base = await freePorts(K);
  const { child, source } = await startTargets(base, 120);
  const bodies: Buffer[] = [];
  try {
    for (let i = 0; i < K; i++) bodies.push(Buffer.from(await (await fetch(`http://127.0.0.1:${base + i}/metrics`)).arrayBuffer()));
  } finally {
    child.kill('SIGTERM');
  }
  const storage = args.storage === 'null' ? undefined : new MemoryStorage();
  const app = new CountingAppendable(storage);
  const loops = bodies.map((body, i) => {
    const targetLabels = Labels.fromStrings('instance', `127.0.0.1:${base + i}`, 'job', 'bench');
    const appender = new BodyAppender(
      defaultAppendOptions(targetLabels),
      new ScrapeCache(),
      new SeriesKeyCache(),
    );
    return { body, appender, report: new ReportWriter(targetLabels, false) };
  });
  let t = Date.now();
  const round = async (): Promise<void> => {
    t += INTERVAL;
    for (const l of loops) {
      const a = app.appender();
      const res = l.appender.append(a, l.body, 'text/plain; version=0.0.4', t);
      if (res.error !== undefined) throw res.error;
      l.report.report(a, t, { up: 1, durationSeconds: 0.01, scraped: res.total, postRelabel: res.added, seriesAdded: res.seriesAdded, timeoutSeconds: 1, sampleLimit: 0, bodySizeBytes: l.body.length });
      await a.commit();
    }
  };
  const warmEnd = performance.now() + WARMUP * 1000;
  while (performance.now() < warmEnd) await round();
  app.recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rounds = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    await round();
    rounds++;
  }
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  const cpuUs = cpu.user + cpu.system;
  console.log(
    JSON.stringify({
      kind: 'scrape_replay_bench',
      source,
      storage: args.storage,
      targets: K,
      series: M,
      rounds,
      samples: app.samples,
      samples_per_cpu_s: Math.round(app.samples / (cpuUs / 1e6)),
      cpu_us_per_sample: Math.round((cpuUs / app.samples) * 1000) / 1000,
      wall_us_per_sample: Math.round(((elapsed * 1e6) / app.samples) * 1000) / 1000,
      loadavg: (await import('node:os')).loadavg().map((x) => Math.round(x * 100) / 100),
      node: process.version,
    }),
  );
}

async function main(): Promise<void> {
  if (args.replay) return replay();
  const base = await freePorts(K);
  const { child, source } = await startTargets(base, WARMUP + SECONDS + 30);
  const storage = args.storage === 'null' ? undefined : new MemoryStorage();
  const app = new CountingAppendable(storage);
  const m = new ScrapeManager({ appendable: app, logger: createLogger({ level: 'warn' }) });
  const targets = Array.from({ length: K }, (_, i) => `127.0.0.1:${base + i}`);
  const yaml = `scrape_configs:\n- job_name: bench\n  scrape_interval: ${INTERVAL}ms\n  scrape_timeout: ${INTERVAL}ms\n  static_configs:\n  - targets: [${targets.join(', ')}]\n`;
  await m.applyConfig(loadConfig(yaml, '/tmp/bench.yml'));
  await m.sync(new Map([['bench', [{ source: '0', labels: Labels.EMPTY, targets: targets.map((a) => Labels.fromStrings('__address__', a)) }]]]));
  m.start();
  await new Promise((r) => setTimeout(r, WARMUP * 1000));

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  app.recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsed = (performance.now() - t0) / 1000;
  app.recording = false;
  delay.disable();
  const down = m.targetsActive().get('bench')!.filter((t) => t.health !== 'up').map((t) => `${t.url}: ${t.lastError}`);
  await m.stop();
  child.kill('SIGTERM');

  const cpuUs = cpu.user + cpu.system;
  const d = app.durations.slice().sort((a, b) => a - b);
  const expected = Math.floor((elapsed * 1000) / INTERVAL) * K;
  console.log(
    JSON.stringify({
      kind: 'scrape_bench',
      source,
      storage: args.storage,
      targets: K,
      series: M,
      interval_ms: INTERVAL,
      seconds: Math.round(elapsed * 10) / 10,
      scrapes: app.batches,
      expected_scrapes: expected,
      missed_scrapes: Math.max(0, expected - app.batches),
      samples: app.samples,
      samples_per_s: Math.round(app.samples / elapsed),
      cpu_cores: Math.round((cpuUs / 1e6 / elapsed) * 1000) / 1000,
      cpu_us_per_sample: Math.round((cpuUs / app.samples) * 1000) / 1000,
      cpu_user_us_per_sample: Math.round((cpu.user / app.samples) * 1000) / 1000,
      cpu_sys_us_per_sample: Math.round((cpu.system / app.samples) * 1000) / 1000,
      scrape_duration_p50_ms: Math.round(quantile(d, 0.5) * 1e4) / 10,
      scrape_duration_p99_ms: Math.round(quantile(d, 0.99) * 1e4) / 10,
      scrape_duration_max_ms: Math.round((d[d.length - 1] ?? NaN) * 1e4) / 10,
      event_loop_delay_p99_ms: Math.round(delay.percentile(99) / 1e4) / 100,
      rss_bytes: process.memoryUsage().rss,
      targets_down: down,
      node: process.version,
    }),
  );
}

await main();
