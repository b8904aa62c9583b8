/**
 * Head append throughput and memory. Appends `--series` series (default 100,000) × `--samples`
 * samples (default 240: one hour at 15 s) through appender + commit in scrape-sized batches
 * (1,000 series per target, every target of an interval committed concurrently, as the scrape
 * loops do), once without and once with the WAL, each in a fresh child process so that RSS is
 * the head's own. Prints one JSON line per mode:
 *
 *   {"bench":"head_append","wal":true,"series":100000,"samples":24000000,"samples_per_sec":…,
 *    "rss_bytes_per_series":…, "chunk_bytes_per_series":…, …}
 *
 * Target (issue #3): ≥ 1.5 M samples/s on one core; ≤ 3.6 KB RSS per active series after 1 h.
 * Node/V8 flags given to this process (e.g. `--no-concurrent-marking`) are passed on to the
 * per-mode child processes; the JSON line lists them as `node_flags`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, createHistogram, constants as perfConstants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Labels } from '../src/model/labels/index.js';
import { Head } from '../src/tsdb/head/index.js';
import { loadSharedModel, modelSeriesLabels, type ModelState, type ModelTarget } from './support/shared-model.js';
import { mainThreadCpuMs as threadCpuPreciseMs } from './support/thread-cpu.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '100000' },
    samples: { type: 'string', default: '240' },
    'batch-size': { type: 'string', default: '1000' },
    mode: { type: 'string' },
    modes: { type: 'string', default: 'nowal,wal' },
    /** Head option `applySliceMs` (for A/B runs; default: the head's). */
    'apply-slice-ms': { type: 'string' },
    /** Yield to the event loop after this many targets (0: only once per interval), as scrape loops interleave. */
    'yield-every': { type: 'string', default: '1' },
    /** Print (stderr) every batch, event-loop gap and GC pause longer than this many ms, with its round (diagnosis). */
    'log-slow-ms': { type: 'string' },
  },
});
const SERIES = Number(args.series);
const SAMPLES = Number(args.samples);
const BATCH = Number(args['batch-size']);
const YIELD_EVERY = Number(args['yield-every']);
const STEP_MS = 15_000;
/** `--log-slow-ms` (Infinity: off). */
const SLOW_MS = args['log-slow-ms'] !== undefined ? Number(args['log-slow-ms']) : Infinity;
/** The round being timed, for `slowLog`. */
let currentRound = -1;

/** One diagnosis line on stderr (`--log-slow-ms`): what was slow, in which round, when. */
function slowLog(what: string): void {
  process.stderr.write(`slow r=${currentRound} t=${(performance.now() / 1000).toFixed(2)}s ${what}\n`);
}
const T0 = 1_700_000_000_000;

/**
 * CPU time of the calling (main) thread in ms, from `/proc/thread-self/stat` (10 ms ticks; summed
 * over many sections the rounding averages out), or NaN where that file does not exist. Unlike
 * wall time it does not count waiting for a busy machine's CPUs, and unlike `process.cpuUsage`
 * it leaves out GC helper threads and libuv's pool: the "one core" of the target.
 */
function mainThreadCpuMs(): number {
  try {
    const f = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * A young-generation collection: run after generating a round's values (which allocates a few
 * hundred bytes per sample in the shared model) so that scavenges inside the timed section are
 * caused by the head and the append loop alone, and do not promote the head's in-flight commits
 * because of the generator's garbage.
 */
function gcMinor(): void {
  (globalThis as { gc?: (o?: { type: string }) => void }).gc?.({ type: 'minor' });
}

/** A source of scrape data: per target, its label sets and the values of the next scrape. */
interface Workload {
  name: string;
  targets: number;
  labels(target: number): Labels[];
  /** Advances target `g` by one 15 s scrape interval and returns its values (reused array). */
  next(target: number): Float64Array;
}

/**
 * The shared harness' node_exporter-like model (`../shared/bench/model.mjs`, the data the
 * baseline measured Prometheus with), when present; otherwise a simpler synthetic mix.
 */
async function workload(): Promise<Workload> {
  const targets = Math.ceil(SERIES / BATCH);
  const mod = await loadSharedModel();
  if (mod !== undefined) {
    const models: ModelTarget[] = [];
    const states: ModelState[] = [];
    const out: Float64Array[] = [];
    for (let g = 0; g < targets; g++) {
      const m = mod.buildTarget({ seed: 1, target: g, series: BATCH });
      models.push(m);
      states.push(new mod.TargetState(m, 1, g));
      out.push(new Float64Array(m.n));
    }
    return {
      name: 'shared/bench/model.mjs (node_exporter-like)',
      targets,
      labels: (g) => {
        const m = models[g]!;
        const extra = ['job', 'bench', 'instance', `127.0.0.1:${29100 + g}`];
        return m.names.map((n, i) => modelSeriesLabels(n, m.labs[i]!, extra));
      },
      next: (g) => {
        const st = states[g]!;
        for (let j = 0; j < 15; j++) st.step();
        const m = models[g]!;
        const o = out[g]!;
        for (let i = 0; i < m.n; i++) o[i] = st.v[i]! / m.div[i]!;
        return o;
      },
    };
  }
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const vals = Array.from({ length: targets }, () => new Float64Array(BATCH));
  return {
    name: 'synthetic (70% integer counters, 30% 2-decimal gauges)',
    targets,
    labels: (g) =>
      Array.from({ length: BATCH }, (_, i) =>
        Labels.fromStrings('__name__', `node_metric_${i % 100}_total`, 'instance', `host-${g}.example.org:9100`, 'job', 'node', 'idx', String(i)),
      ),
    next: (g) => {
      const o = vals[g]!;
      for (let i = 0; i < BATCH; i++) o[i] = i % 10 < 7 ? o[i]! + Math.floor(rnd() * 100) : Math.round(rnd() * 10000) / 100;
      return o;
    },
  };
}

/**
 * GC pauses (whoever allocated) and event-loop delay while the head ingests (both only
 * inside the timed sections: generating the next round's values blocks the loop for a while,
 * which is the bench's doing, not the head's). Both are also reported for the steady state, after
 * the first round, which creates every series.
 */
/** Interval of the loop-delay timer (ms). */
const TICK_MS = 1;

class PauseMonitor {
  readonly #eldFirst = createHistogram();
  readonly #eldSteady = createHistogram();
  #eld = this.#eldFirst;
  #timer: NodeJS.Timeout | undefined;
  #lastTick = 0;
  #lastCpu = 0;
  /**
   * Longest main-thread CPU time between two ticks of the 1 ms loop-delay timer (at most the
   * gap), in the first round and after it: the longest turn without the time spent waiting for a
   * CPU on a shared machine.
   */
  gapCpuFirstMaxMs = 0;
  gapCpuSteadyMaxMs = 0;

  #gapCpu(ms: number): void {
    if (this.#eld === this.#eldFirst) this.gapCpuFirstMaxMs = Math.max(this.gapCpuFirstMaxMs, ms);
    else this.gapCpuSteadyMaxMs = Math.max(this.gapCpuSteadyMaxMs, ms);
  }
  readonly #obs: PerformanceObserver;
  /** performance.now() when the steady state began (Infinity before). */
  #steadyFrom = Infinity;
  count = 0;
  totalMs = 0;
  maxMs = 0;
  steadyMaxMs = 0;
  majorCount = 0;
  majorMaxMs = 0;
  minorMaxMs = 0;
  /** Pauses over 50 ms (the event-loop budget of DESIGN.md). */
  over50 = 0;

  constructor() {
    this.#obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        // Only collections inside the timed sections (not the bench's own `gcMinor` between them).
        if (!this.#timed(e.startTime)) continue;
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
        const d = e.duration;
        this.count++;
        this.totalMs += d;
        if (d > this.maxMs) this.maxMs = d;
        if (e.startTime >= this.#steadyFrom && d > this.steadyMaxMs) this.steadyMaxMs = d;
        if (d > 50) this.over50++;
        if (d > SLOW_MS) slowLog(`gc kind=${kind} ${d.toFixed(1)}ms (at ${(e.startTime / 1000).toFixed(2)}s)`);
        if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
          this.majorCount++;
          if (d > this.majorMaxMs) this.majorMaxMs = d;
        } else if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR && d > this.minorMaxMs) this.minorMaxMs = d;
      }
    });
    this.#obs.observe({ entryTypes: ['gc'] });
  }

  /** Start and end (performance.now()) of every timed section so far; end Infinity while open. */
  readonly #sections: number[] = [];

  #timed(t: number): boolean {
    const a = this.#sections;
    for (let i = a.length - 2; i >= 0; i -= 2) if (t >= a[i]! && t <= a[i + 1]!) return true;
    return false;
  }

  /** A timed section starts (`round` 0 is the first). */
  resume(round: number): void {
    this.#sections.push(performance.now(), Infinity);
    if (round === 1) {
      this.#steadyFrom = performance.now();
      this.#eld = this.#eldSteady;
    }
    // A 1 ms interval timer; how late each tick comes is the event-loop delay, and the main
    // thread's CPU time between two ticks (at most the gap) is how long the loop itself was
    // held, as `support/loop-stall.ts` measures it. (A 10 ms timer charged each gap with up to
    // 10 ms of ordinary turns as well. perf_hooks' monitorEventLoopDelay cannot be paused: after
    // disable()/enable() its first sample spans the whole pause.)
    this.#lastTick = performance.now();
    this.#lastCpu = threadCpuPreciseMs();
    this.#timer = setInterval(() => {
      const now = performance.now();
      const cpu = threadCpuPreciseMs();
      const gap = now - this.#lastTick;
      const used = Math.min(gap, cpu - this.#lastCpu);
      this.#gapCpu(used);
      if (gap - TICK_MS > SLOW_MS) slowLog(`loop late ${(gap - TICK_MS).toFixed(1)}ms (thread cpu ${used.toFixed(1)}ms)`);
      this.#lastCpu = cpu;
      this.#eld.record(Math.max(1, Math.round((gap - TICK_MS) * 1e6)));
      this.#lastTick = now;
    }, TICK_MS);
  }

  /** A timed section ended. */
  pause(): void {
    this.#sections[this.#sections.length - 1] = performance.now();
    clearInterval(this.#timer);
    // The wait since the last tick counts too: the section may have ended with a long block.
    const gap = performance.now() - this.#lastTick;
    if (gap > TICK_MS) this.#eld.record(Math.round((gap - TICK_MS) * 1e6));
    this.#gapCpu(Math.min(gap, threadCpuPreciseMs() - this.#lastCpu));
  }

  stop(): Record<string, number> {
    this.#obs.disconnect();
    const ms = (ns: number): number => Number((ns / 1e6).toFixed(1));
    const first = this.#eldFirst;
    const steady = this.#eldSteady;
    return {
      gc_count: this.count,
      gc_total_ms: Math.round(this.totalMs),
      gc_max_pause_ms: Number(this.maxMs.toFixed(1)),
      gc_max_pause_steady_ms: Number(this.steadyMaxMs.toFixed(1)),
      gc_major_count: this.majorCount,
      gc_major_max_ms: Number(this.majorMaxMs.toFixed(1)),
      gc_minor_max_ms: Number(this.minorMaxMs.toFixed(1)),
      gc_pauses_over_50ms: this.over50,
      event_loop_delay_max_ms: ms(Math.max(first.max, steady.count > 0 ? steady.max : 0)),
      event_loop_delay_first_round_max_ms: ms(first.max),
      event_loop_delay_steady_max_ms: steady.count > 0 ? ms(steady.max) : 0,
      event_loop_delay_steady_p99_ms: steady.count > 0 ? ms(steady.percentile(99)) : 0,
      loop_gap_thread_cpu_first_round_max_ms: Number(this.gapCpuFirstMaxMs.toFixed(1)),
      loop_gap_thread_cpu_steady_max_ms: Number(this.gapCpuSteadyMaxMs.toFixed(1)),
    };
  }
}

async function runMode(wal: boolean): Promise<void> {
  const w = await workload();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const labels: Labels[][] = [];
  for (let g = 0; g < w.targets; g++) labels.push(w.labels(g));
  const refs = labels.map((l) => new Array<number>(l.length).fill(0));
  const series = labels.reduce((a, l) => a + l.length, 0);
  gc();
  const mem0 = process.memoryUsage();
  const baseRss = mem0.rss;
  const dir = wal ? fs.mkdtempSync(join(os.tmpdir(), 'ignis-bench-wal-')) : undefined;
  const sliceMs = args['apply-slice-ms'];
  const head = await Head.open({ walDir: dir, ...(sliceMs !== undefined ? { applySliceMs: Number(sliceMs) } : {}) });
  let samples = 0;
  let maxBatchMs = 0;
  let maxBatchCpuMs = 0;
  let appendMs = 0;
  const values: Float64Array[] = new Array(w.targets);
  const pauses = new PauseMonitor();
  let cpuUs = 0;
  let threadMs = 0;
  let firstRoundMs = 0;
  for (let k = 0; k < SAMPLES; k++) {
    // Generating the next scrape's values is not part of the measurement.
    for (let g = 0; g < w.targets; g++) values[g] = w.next(g);
    gcMinor();
    const t = T0 + k * STEP_MS;
    currentRound = k;
    pauses.resume(k);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const threadStart = mainThreadCpuMs();
    const commits: Promise<void>[] = [];
    for (let g = 0; g < w.targets; g++) {
      const c0 = performance.now();
      const u0 = threadCpuPreciseMs();
      const app = head.appender();
      const ls = labels[g]!;
      const rs = refs[g]!;
      const vs = values[g]!;
      for (let i = 0; i < ls.length; i++) rs[i] = app.append(rs[i]!, ls[i]!, t, vs[i]!);
      samples += ls.length;
      commits.push(app.commit());
      const batchMs = performance.now() - c0;
      maxBatchMs = Math.max(maxBatchMs, batchMs);
      const batchCpuMs = threadCpuPreciseMs() - u0;
      if (batchCpuMs > maxBatchCpuMs) maxBatchCpuMs = batchCpuMs;
      if (batchMs > SLOW_MS) slowLog(`batch g=${g} ${batchMs.toFixed(1)}ms (thread cpu ${batchCpuMs.toFixed(1)}ms)`);
      if (YIELD_EVERY > 0 && (g + 1) % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(commits);
    const roundMs = performance.now() - start;
    appendMs += roundMs;
    if (k === 0) firstRoundMs = roundMs;
    pauses.pause();
    const c = process.cpuUsage(cpuStart);
    cpuUs += c.user + c.system;
    threadMs += mainThreadCpuMs() - threadStart;
    if (YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  }
  // Let the observers deliver what is still queued.
  await new Promise((r) => setTimeout(r, 50));
  const pauseStats = pauses.stop();
  const seconds = appendMs / 1000;
  const rssBeforeGc = process.memoryUsage().rss;
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const mem = process.memoryUsage();
  const hs = head.memoryStats();
  const walBytes = dir ? fs.readdirSync(dir).reduce((a, n) => a + fs.statSync(join(dir, n)).size, 0) : 0;
  const per = (b: number): number => Math.round(b / series);
  const headExternal = hs.stateRowBytes + hs.arenaBytes + hs.openChunkCapacityBytes + hs.otherTypedArrayBytes + hs.postingsBytes;
  console.log(
    JSON.stringify({
      bench: 'head_append',
      wal,
      data: w.name,
      series,
      samples_per_series: SAMPLES,
      samples,
      batch: BATCH,
      seconds: Number(seconds.toFixed(3)),
      samples_per_sec: Math.round(samples / seconds),
      // Less sensitive to other tenants of a shared machine than wall time: CPU time of the
      // timed sections, of the main thread alone, and of the whole process (GC helper threads,
      // the WAL's writes on libuv threads).
      samples_per_main_thread_cpu_sec: Math.round(samples / (threadMs / 1000)),
      samples_per_process_cpu_sec: Math.round(samples / (cpuUs / 1e6)),
      load_avg_1m: Number(os.loadavg()[0]!.toFixed(1)),
      node_flags: process.execArgv.filter((f) => f !== '--expose-gc').join(' '),
      max_sync_ms_per_batch: Number(maxBatchMs.toFixed(2)),
      max_sync_thread_cpu_ms_per_batch: Number(maxBatchCpuMs.toFixed(2)),
      first_round_ms: Math.round(firstRoundMs),
      ...pauseStats,
      rss_bytes_per_series: per(mem.rss),
      // Before the forced GCs: includes garbage (dropped buffers among it) V8 had not collected yet.
      rss_before_gc_bytes_per_series: per(rssBeforeGc),
      rss_delta_bytes_per_series: per(mem.rss - baseRss),
      heap_used_bytes_per_series: per(mem.heapUsed),
      array_buffers_bytes_per_series: per(mem.arrayBuffers),
      chunk_bytes_per_series: per(hs.chunkBytes),
      chunk_capacity_bytes_per_series: per(hs.arenaBytes + hs.openChunkCapacityBytes),
      chunks_per_series: Number((hs.chunks / series).toFixed(2)),
      bytes_per_sample_in_chunks: Number((hs.chunkBytes / samples).toFixed(3)),
      wal_bytes_per_sample: wal ? Number((walBytes / samples).toFixed(3)) : undefined,
      // Where the bytes go, per series: JS heap (labels built by the scrape side, head objects),
      // the head's typed-array memory outside the heap, and the rest of RSS (code, runtime,
      // heap headroom and malloc fragmentation).
      bytes_per_series: {
        heap_labels: per(mem0.heapUsed - heap0),
        heap_head: per(mem.heapUsed - mem0.heapUsed),
        heap_free_in_pages: per(mem.heapTotal - mem.heapUsed),
        ext_state_rows: per(hs.stateRowBytes),
        ext_closed_chunk_slabs: per(hs.arenaBytes),
        ext_open_chunks: per(hs.openChunkCapacityBytes),
        ext_other_head_arrays: per(hs.otherTypedArrayBytes),
        ext_postings: per(hs.postingsBytes),
        ext_not_head: per(mem.arrayBuffers - headExternal),
        rss_rest: per(mem.rss - mem.heapTotal - mem.arrayBuffers),
      },
      // Utilisation of the head's own allocators, per series.
      head_detail_bytes_per_series: {
        open_chunk_pages: per(hs.openChunkCapacityBytes),
        open_chunk_blocks_in_use: per(hs.openChunkBlockBytes),
        open_chunk_data: per(hs.openChunkDataBytes),
        closed_chunk_slabs: per(hs.arenaBytes),
        closed_chunk_data: per(hs.closedChunkDataBytes),
        state_rows_allocated: per(hs.stateRowBytes),
        state_rows_used: per((hs.stateRowBytes * hs.stateRowsUsed) / hs.stateRows),
      },
      head_js_objects_per_series: Number((hs.jsObjects / series).toFixed(2)),
      target_samples_per_sec: 1_500_000,
      target_rss_bytes_per_series: 3600,
    }),
  );
  await head.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

if (args.mode === 'wal' || args.mode === 'nowal') {
  await runMode(args.mode === 'wal');
} else {
  // One fresh process per mode, so that RSS belongs to that mode alone.
  const self = new URL(import.meta.url).pathname;
  for (const mode of args.modes.split(',')) {
    const res = spawnSync(
      process.execPath,
      // The parent's node flags too (`node --no-concurrent-marking dist/bench/head.bench.js` measures the head under them).
      [...process.execArgv.filter((f) => f !== '--expose-gc'), '--expose-gc', self, `--mode=${mode}`, `--series=${SERIES}`, `--samples=${SAMPLES}`, `--batch-size=${BATCH}`, `--yield-every=${YIELD_EVERY}`, ...(args['log-slow-ms'] !== undefined ? [`--log-slow-ms=${args['log-slow-ms']}`] : []), ...(args['apply-slice-ms'] !== undefined ? [`--apply-slice-ms=${args['apply-slice-ms']}`] : [])],
      { stdio: 'inherit' },
    );
    if (res.status !== 0) process.exitCode = 1;
  }
}
