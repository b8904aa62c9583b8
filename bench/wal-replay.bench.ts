/**
 * WAL replay: time to replay a WAL of `--series` series × `--hours` hours at 15 s into Ignis'
 * TSDB (`DB.open`), the longest event-loop stall meanwhile, and — when the Debian `prometheus`
 * binary is installed — the real Prometheus replaying the very same WAL (hard links of the
 * segments Ignis read: the formats are the same), read from its
 * `prometheus_tsdb_data_replay_duration_seconds`.
 *
 * So that the two figures compare like with like, each replay runs the same way: in a fresh
 * process (Ignis' in a child `node` with this process' flags, not in the process that just
 * wrote the WAL and holds its garbage), after the written WAL was flushed to disk (`sync`: the
 * kernel's write-back of gigabytes would otherwise land on whichever replay comes first) and
 * with the segments read once just before (both start from a warm page cache), one at a time,
 * with the load average before and after each. `--rounds N` alternates the order (Ignis first
 * in odd rounds, Prometheus first in even ones) and the ratio is of the medians. On this shared
 * machine the wall-time ratio still follows the load; the CPU-time ratio much less.
 *
 * The WAL is written here with Ignis' WAL writer and record encoders, shaped like scrapes: one
 * series record per target at its first scrape, then one samples record per target and 15 s
 * step, `--per-target` series each; values from `../shared/bench/model.mjs` (node_exporter-like)
 * when present. Snappy-compressed by default, as Prometheus 2.42 writes it (`--no-compress`).
 *
 *   node dist/bench/wal-replay.bench.js [--series 1000000] [--hours 2] [--per-target 1000]
 *     [--no-prometheus] [--keep DIR] [--log-slow-ms MS] [--rounds 1] [--in-process]
 *
 * `--in-process` replays Ignis in this process instead of a child (for `--cpu-prof` and such).
 *
 * Prints JSON lines:
 *   {"bench":"wal_write",…}  {"bench":"wal_replay","impl":"ignis","seconds":…,"max_event_loop_delay_ms":…,"max_event_loop_delay_cpu_ms":…,"major_gcs":…}
 *   {"bench":"wal_replay","impl":"prometheus",…}  {"bench":"wal_replay_ratio","ignis_over_prometheus":…,"cpu_ignis_over_prometheus":…}
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Labels } from '../src/model/labels/index.js';
import { DB } from '../src/tsdb/db/index.js';
import { EncBuf } from '../src/tsdb/fileutil/index.js';
import { SampleBatch, encodeSamplesInto, encodeSeries, samplesRecordMaxSize } from '../src/tsdb/record/index.js';
import { WriteAheadLog } from '../src/tsdb/wlog/index.js';
import { loadSharedModel, modelSeriesLabels } from './support/shared-model.js';
import { mainThreadCpuMs as threadCpuPreciseMs } from './support/thread-cpu.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '1000000' },
    hours: { type: 'string', default: '2' },
    'per-target': { type: 'string', default: '1000' },
    'no-compress': { type: 'boolean', default: false },
    'no-prometheus': { type: 'boolean', default: false },
    keep: { type: 'string' },
    'log-slow-ms': { type: 'string', default: '0' },
    rounds: { type: 'string', default: '1' },
    'in-process': { type: 'boolean', default: false },
    /** Internal: replay the data directory given and print the result line (the child's mode). */
    'replay-child': { type: 'string' },
  },
});
const SERIES = Number(args.series);
const HOURS = Number(args.hours);
const PER_TARGET = Number(args['per-target']);
const STEP = 15_000;
const COMPRESS = !args['no-compress'];
/** Loop gaps longer than this (ms of wall time) are logged on stderr with their CPU time; 0: none. */
const SLOW_MS = Number(args['log-slow-ms']);

/** Values of one target per step: the shared model when present, else a simple synthetic mix. */
interface Source {
  name: string;
  labels(target: number): Labels[];
  next(target: number): Float64Array;
}

async function source(targets: number): Promise<Source> {
  const mod = await loadSharedModel();
  const extra = (g: number): string[] => ['job', 'bench', 'instance', `127.0.0.1:${29100 + g}`];
  if (mod !== undefined) {
    // Every target of the model has the same series and value dynamics; a handful of states
    // shared round-robin keeps generation cheap without making all targets identical.
    const model = mod.buildTarget({ seed: 1, target: 0, series: PER_TARGET });
    const states = Array.from({ length: Math.min(targets, 16) }, (_, g) => new mod.TargetState(model, 1, g));
    const out = new Float64Array(model.n);
    return {
      name: 'shared/bench/model.mjs (node_exporter-like)',
      labels: (g) => model.names.map((n, i) => modelSeriesLabels(n, model.labs[i]!, extra(g))),
      next: (g) => {
        const st = states[g % states.length]!;
        if (g < states.length) st.step();
        for (let i = 0; i < model.n; i++) out[i] = st.v[i]! / model.div[i]!;
        return out;
      },
    };
  }
  const vals = new Float64Array(PER_TARGET);
  let k = 0;
  return {
    name: 'synthetic counters',
    labels: (g) => Array.from({ length: PER_TARGET }, (_, i) => Labels.fromStrings('__name__', `bench_metric_${i % 100}`, 'i', String(i), ...extra(g))),
    next: () => {
      k++;
      for (let i = 0; i < vals.length; i++) vals[i] = (k * (i % 7)) % 1000;
      return vals;
    },
  };
}

/** Writes the WAL into `walDir`; returns sample count and bytes. */
async function writeWal(walDir: string): Promise<{ samples: number; bytes: number; seconds: number; source: string }> {
  const t0 = performance.now();
  const targets = Math.ceil(SERIES / PER_TARGET);
  const src = await source(targets);
  const wal = await WriteAheadLog.open(walDir, { compress: COMPRESS });
  const steps = Math.round((HOURS * 3600_000) / STEP);
  const start = Date.now() - steps * STEP;
  const enc = new EncBuf(1 << 20);
  const batch = new SampleBatch(PER_TARGET);
  let rec = new Uint8Array(samplesRecordMaxSize(PER_TARGET));
  let samples = 0;
  for (let k = 0; k < steps; k++) {
    const recs: Uint8Array[] = [];
    for (let g = 0; g < targets; g++) {
      const n = Math.min(PER_TARGET, SERIES - g * PER_TARGET);
      const base = g * PER_TARGET + 1;
      if (k === 0) {
        const ls = src.labels(g).slice(0, n);
        enc.reset();
        encodeSeries(
          enc,
          ls.map((labels, i) => ({ ref: base + i, labels })),
        );
        recs.push(Buffer.from(enc.get()));
      }
      const v = src.next(g);
      batch.reset();
      // Scrape times jitter a little per target, as real scrapes do.
      const t = start + k * STEP + (g % 1000);
      for (let i = 0; i < n; i++) batch.push(base + i, t, v[i]!);
      if (rec.length < samplesRecordMaxSize(n)) rec = new Uint8Array(samplesRecordMaxSize(n));
      recs.push(rec.slice(0, encodeSamplesInto(rec, 0, batch, 0, n)));
      samples += n;
      if (recs.length >= 64) await wal.log(recs.splice(0));
    }
    if (recs.length > 0) await wal.log(recs);
  }
  await wal.close();
  let bytes = 0;
  for (const f of fs.readdirSync(walDir)) bytes += fs.statSync(join(walDir, f)).size;
  return { samples, bytes, seconds: (performance.now() - t0) / 1000, source: src.name };
}

/** CPU time of the calling (main) thread in ms, from `/proc/thread-self/stat` (10 ms ticks). */
function threadCpuMs(): number {
  try {
    const f = fs.readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

interface Stalls<T> {
  v: T;
  seconds: number;
  /** Longest lateness of a 5 ms interval timer (ms), and the longest GC pause (ms). */
  maxDelayMs: number;
  /** Most main-thread CPU spent between two ticks of that timer (ms): the stall replay itself caused. */
  maxDelayCpuMs: number;
  maxGcMs: number;
  /** Major (mark-compact) GCs of the main isolate. */
  majorGcs: number;
  /** Main-thread and whole-process CPU seconds. */
  mainCpu: number;
  processCpu: number;
}

/** Runs `fn` and measures event-loop stalls, GC pauses and CPU time meanwhile. */
async function withLoopStalls<T>(fn: () => Promise<T>): Promise<Stalls<T>> {
  const PERIOD = 5;
  const t0 = performance.now();
  let last = performance.now();
  let max = 0;
  let maxCpu = 0;
  let lastCpu = threadCpuPreciseMs();
  let maxGc = 0;
  let majorGcs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      maxGc = Math.max(maxGc, e.duration);
      if ((e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuPreciseMs();
    const gap = now - last - PERIOD;
    if (gap > max) max = gap;
    if (cpu - lastCpu > maxCpu) maxCpu = cpu - lastCpu;
    if (SLOW_MS > 0 && gap > SLOW_MS) process.stderr.write(`slow gap wall=${gap.toFixed(1)}ms cpu=${(cpu - lastCpu).toFixed(1)}ms at ${((now - t0) / 1000).toFixed(2)}s (process time ${now.toFixed(0)} ms, as in --trace-gc)\n`);
    last = now;
    lastCpu = cpu;
  }, PERIOD);
  const c0 = threadCpuMs();
  const p0 = process.cpuUsage();
  try {
    const v = await fn();
    const p = process.cpuUsage(p0);
    return { v, maxDelayMs: max, maxDelayCpuMs: maxCpu, maxGcMs: maxGc, majorGcs, seconds: (performance.now() - t0) / 1000, mainCpu: (threadCpuMs() - c0) / 1000, processCpu: (p.user + p.system) / 1e6 };
  } finally {
    clearInterval(timer);
    obs.disconnect();
  }
}

function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

/** Replays `dataDir` into Ignis in this process. */
async function replayIgnisHere(dataDir: string): Promise<Record<string, unknown>> {
  (globalThis as { gc?: () => void }).gc?.();
  const { v: db, maxDelayMs, maxDelayCpuMs, maxGcMs, majorGcs, seconds, mainCpu, processCpu } = await withLoopStalls(() => DB.open(dataDir, { autoCompaction: false, blockCompaction: false }));
  const head = db.head();
  const out = {
    bench: 'wal_replay',
    impl: 'ignis',
    series: head.numSeries(),
    seconds: +seconds.toFixed(2),
    max_event_loop_delay_ms: +maxDelayMs.toFixed(1),
    max_event_loop_delay_cpu_ms: +maxDelayCpuMs.toFixed(1),
    max_gc_pause_ms: +maxGcMs.toFixed(1),
    major_gcs: majorGcs,
    main_thread_cpu_s: +mainCpu.toFixed(2),
    process_cpu_s: +processCpu.toFixed(2),
    rss_mib: rssMiB(),
    // V8 flags this run was started with (e.g. --no-concurrent-marking), for A/B runs of GC settings.
    node_flags: process.execArgv.join(' '),
  };
  await db.close();
  return out;
}

/**
 * Replays `dataDir` into Ignis in a fresh `node` child with this process' flags (as Prometheus
 * gets a fresh process); its stderr (slow-gap lines, `--trace-gc`) passes through.
 */
async function replayIgnisChild(dataDir: string): Promise<Record<string, unknown>> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, script, '--replay-child', dataDir, '--log-slow-ms', String(SLOW_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  const line = out.split('\n').find((l) => l.startsWith('{"bench":"wal_replay"'));
  if (code !== 0 || line === undefined) throw new Error(`Ignis replay child exited with ${code}:\n${out.slice(-2000)}`);
  // Anything else it printed (e.g. --trace-gc lines) goes on as it came.
  process.stdout.write(out.split('\n').filter((l) => l !== line && l !== '').map((l) => l + '\n').join(''));
  return JSON.parse(line) as Record<string, unknown>;
}

/** Reads every file of `dir` once, so that a replay after it starts from a warm page cache. */
function warmPageCache(dir: string): void {
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const f of fs.readdirSync(dir)) {
    const fd = fs.openSync(join(dir, f), 'r');
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

function loadAvg(): number[] {
  return os.loadavg().map((x) => +x.toFixed(2));
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

/** Runs the real Prometheus on a data dir whose `wal/` holds hard links to `walDir`'s segments. */
async function replayPrometheus(walDir: string, root: string): Promise<Record<string, unknown> | undefined> {
  const which = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  const bin = which.stdout.trim();
  if (which.status !== 0 || bin === '') return undefined;
  const data = join(root, 'prom-data');
  fs.mkdirSync(join(data, 'wal'), { recursive: true });
  for (const f of fs.readdirSync(walDir)) {
    // Ignis leaves an empty segment after its own open; Prometheus would do the same.
    if (/^\d{8}$/.test(f)) fs.linkSync(join(walDir, f), join(data, 'wal', f));
  }
  const cfg = join(root, 'prometheus.yml');
  fs.writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(bin, [`--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=30d'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60 * 60_000;
    let ready = false;
    while (!ready && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await fetch(`${base}/-/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
    }
    if (!ready) throw new Error(`prometheus did not become ready:\n${log}`);
    const wall = (performance.now() - t0) / 1000;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const num = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    const rss = Number(spawnSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' }).stdout.trim()) / 1024;
    return {
      bench: 'wal_replay',
      impl: 'prometheus',
      version: /version=([0-9][\w.+-]*)/.exec(log)?.[1],
      series: num('prometheus_tsdb_head_series'),
      seconds: +num('prometheus_tsdb_data_replay_duration_seconds').toFixed(2),
      seconds_to_ready: +wall.toFixed(2),
      // Everything it did until ready (the replay, and its start-up).
      process_cpu_s: +num('process_cpu_seconds_total').toFixed(2),
      rss_mib: Math.round(rss),
    };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

async function main(): Promise<void> {
  if (args['replay-child'] !== undefined) {
    console.log(JSON.stringify(await replayIgnisHere(args['replay-child'])));
    return;
  }
  const root = args.keep ?? fs.mkdtempSync(join(os.tmpdir(), 'ignis-wal-replay-bench-'));
  fs.mkdirSync(root, { recursive: true });
  fs.rmSync(join(root, 'prom-data'), { recursive: true, force: true });
  const data = join(root, 'ignis-data');
  const walDir = join(data, 'wal');
  try {
    // With --keep, a WAL written by an earlier run with the same shape is reused.
    const metaPath = join(root, 'wal-shape.json');
    const shape = JSON.stringify({ series: SERIES, hours: HOURS, per_target: PER_TARGET, compress: COMPRESS });
    let w: Awaited<ReturnType<typeof writeWal>>;
    if (args.keep !== undefined && fs.existsSync(metaPath) && JSON.parse(fs.readFileSync(metaPath, 'utf8')).shape === shape) {
      w = JSON.parse(fs.readFileSync(metaPath, 'utf8')).written;
    } else {
      fs.rmSync(data, { recursive: true, force: true });
      fs.mkdirSync(walDir, { recursive: true });
      w = await writeWal(walDir);
      fs.writeFileSync(metaPath, JSON.stringify({ shape, written: w }));
    }
    console.log(JSON.stringify({ bench: 'wal_write', ...JSON.parse(shape), samples: w.samples, wal_mib: Math.round(w.bytes / 2 ** 20), seconds: +w.seconds.toFixed(1), data: w.source }));
    // The WAL just written is still being written back: flush it now, not during a replay.
    spawnSync('sync');
    const rounds = Math.max(1, Number(args.rounds));
    const runs: Record<'ignis' | 'prometheus', Record<string, unknown>[]> = { ignis: [], prometheus: [] };
    const one = async (impl: 'ignis' | 'prometheus', round: number): Promise<boolean> => {
      warmPageCache(walDir);
      const before = loadAvg();
      let r: Record<string, unknown> | undefined;
      if (impl === 'ignis') r = args['in-process'] ? await replayIgnisHere(data) : await replayIgnisChild(data);
      else {
        fs.rmSync(join(root, 'prom-data'), { recursive: true, force: true });
        r = await replayPrometheus(walDir, root);
      }
      if (r === undefined) {
        console.log(JSON.stringify({ bench: 'wal_replay', impl, skipped: 'prometheus binary not found' }));
        return false;
      }
      runs[impl].push(r);
      console.log(JSON.stringify({ ...r, round, samples_per_sec: Math.round(w.samples / (r.seconds as number)), load_avg_before: before, load_avg: loadAvg() }));
      return true;
    };
    for (let round = 1; round <= rounds; round++) {
      const order: ('ignis' | 'prometheus')[] = args['no-prometheus'] ? ['ignis'] : round % 2 === 1 ? ['ignis', 'prometheus'] : ['prometheus', 'ignis'];
      for (const impl of order) if (!(await one(impl, round))) return;
    }
    if (runs.prometheus.length === 0) return;
    const med = (impl: 'ignis' | 'prometheus', key: string): number => median(runs[impl].map((r) => r[key] as number));
    console.log(
      JSON.stringify({
        bench: 'wal_replay_ratio',
        series: SERIES,
        hours: HOURS,
        rounds,
        ignis_over_prometheus: +(med('ignis', 'seconds') / med('prometheus', 'seconds')).toFixed(2),
        // Ignis' whole process during DB.open vs Prometheus' whole process until ready.
        cpu_ignis_over_prometheus: +(med('ignis', 'process_cpu_s') / med('prometheus', 'process_cpu_s')).toFixed(2),
      }),
    );
  } finally {
    if (args.keep === undefined) fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
