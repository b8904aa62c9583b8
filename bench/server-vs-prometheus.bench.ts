/**
 * Issue 5's performance line, side by side in one run: the real Prometheus and `ignis server`
 * scrape the same K synthetic targets (`../shared/bench/targets.mjs`, one process) at the same
 * time, each measured by `../shared/bench/run-peer.mjs` (ingestion rate, CPU per sample from
 * /proc, RSS per active series). While both servers are still up this bench adds, per server:
 *
 * - scrape health from the server's own series: p99 and max of `scrape_duration_seconds` and the
 *   number of scrapes in the window against the expected count (missed scrapes);
 * - for Ignis, the event-loop delay while a heavy query runs: the query is issued back to back
 *   for `--heavy-seconds` while `/metrics` is read every second; prom-client's
 *   `nodejs_eventloop_lag_p99_seconds` / `_max_seconds` cover the time since the previous read
 *   (its histogram resets on every collection), so the worst per-second p99 and the overall max
 *   are reported. The same delay is read for a quiet stretch (ingestion only) before. The default
 *   heavy query touches every series (`count({job="bench"})`). Node's delay histogram includes its
 *   10 ms sampling resolution, so an idle loop reads about 10 ms.
 *
 * With `--turn-probe`, Ignis runs with a small `--import`ed probe that times every event-loop turn
 * (a 1 ms timer chain) in wall time and in the main thread's own CPU time (Linux
 * `/proc/self/task/<pid>/schedstat`). On a machine shared with other work, wall-time delays are
 * mostly the process waiting for a core; the CPU time of a turn is what it would hold the loop for
 * on an idle machine. Each event-loop phase above then also gets `turn_probe`: the number of turns
 * over 20 and 30 ms of CPU, the CPU held in turns over 20 ms, and the longest turn in CPU and wall
 * time. The probe adds a timer per millisecond (a few percent of CPU).
 *
 * Prints the JSON lines of both run-peer runs (prefixed objects `peer`), then one `comparison`
 * line with the ratios (Ignis / Prometheus; ≤ 1 is the goal for CPU and RSS). Ports are fixed
 * per run by `--base-port` (targets at base…base+K-1, Prometheus at base+K+1, Ignis base+K+2).
 * Needs the `prometheus` binary; without it the bench prints a skip line and exits 0.
 *
 *   node dist/bench/server-vs-prometheus.bench.js [--targets 10] [--series 10000]
 *        [--duration 120] [--heavy-seconds 30] [--base-port 29300]
 *        [--heavy-query 'count({job="bench"})'] [--ignis-only] [--node-args='--max-semi-space-size=16']
 *        [--turn-probe]
 * Ignis runs with the binary's node flags (`IGNIS_NODE_FLAGS`) plus `--node-args`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IGNIS_NODE_FLAGS } from '../src/cmd/node-flags.js';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: '10' },
    series: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '120' },
    'heavy-seconds': { type: 'string', default: '30' },
    'base-port': { type: 'string', default: '29300' },
    'heavy-query': { type: 'string', default: 'count({job="bench"})' },
    'ignis-only': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '' },
    'turn-probe': { type: 'boolean', default: false },
  },
});
const K = Number(args.targets);
const M = Number(args.series);
const DURATION = Number(args.duration);
const HEAVY_S = Number(args['heavy-seconds']);
const BASE = Number(args['base-port']);
const TPORT = BASE;
const PROM_PORT = BASE + K + 1;
const IGNIS_PORT = BASE + K + 2;
const WARMUP = Math.min(30, Math.floor(DURATION / 4));

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = resolve(repoRoot, '..', 'shared', 'bench');
const ignisMain = resolve(repoRoot, 'dist', 'src', 'cmd', 'ignis.js');

type Json = Record<string, unknown>;

/**
 * The turn probe `--import`ed into Ignis (see the module comment): every turn longer than 10 ms
 * in wall or CPU time as [Date.now() at its start, wall ms, main-thread CPU ms], written as JSON
 * to `IGNIS_TURN_PROBE_OUT` every 2 s and at exit.
 */
const TURN_PROBE_SOURCE = `
import { openSync, readSync, writeFileSync } from 'node:fs';
const out = process.env.IGNIS_TURN_PROBE_OUT;
let fd = -1;
try { fd = openSync('/proc/self/task/' + process.pid + '/schedstat', 'r'); } catch {}
if (out && fd >= 0) {
  const buf = Buffer.alloc(128);
  const cpuNs = () => { const n = readSync(fd, buf, 0, 128, 0); const s = buf.toString('latin1', 0, n); return Number(s.slice(0, s.indexOf(' '))); };
  const turns = [];
  let lastT = performance.now(), lastC = cpuNs(), lastD = Date.now();
  const tick = () => {
    const t = performance.now(), c = cpuNs();
    const wall = t - lastT, cpu = (c - lastC) / 1e6;
    if (wall > 10 || cpu > 10) turns.push([lastD, Math.round(wall * 10) / 10, Math.round(cpu * 10) / 10]);
    lastT = t; lastC = c; lastD = Date.now();
    setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const dump = () => writeFileSync(out, JSON.stringify(turns));
  setInterval(dump, 2000).unref();
  process.on('exit', dump);
}
`;

/** The probe's turns between `from` and `to` (Date.now() ms), summarized; undefined without probe data. */
function turnSummary(file: string | undefined, from: number, to: number): Json | undefined {
  if (file === undefined || !existsSync(file)) return undefined;
  let turns: Array<[number, number, number]>;
  try {
    turns = JSON.parse(readFileSync(file, 'utf8')) as Array<[number, number, number]>;
  } catch {
    return undefined;
  }
  const inWin = turns.filter((t) => t[0] >= from && t[0] < to);
  const cpu = inWin.map((t) => t[2]);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    turns_cpu_over_20ms: cpu.filter((c) => c > 20).length,
    turns_cpu_over_30ms: cpu.filter((c) => c > 30).length,
    cpu_ms_in_turns_over_20ms: r(cpu.filter((c) => c > 20).reduce((a, b) => a + b, 0)),
    turn_cpu_max_ms: r(Math.max(0, ...cpu)),
    turn_wall_max_ms: r(Math.max(0, ...inWin.map((t) => t[1]))),
  };
}

function get(url: string, timeoutMs = 60_000): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = request(url, { agent: false, timeout: timeoutMs }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', rej);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One scalar of an instant query (the first series' value), or null. */
async function scalar(port: number, expr: string): Promise<number | null> {
  try {
    const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const j = JSON.parse(r.body) as { status: string; data?: { result: Array<{ value: [number, string] }> } };
    const v = j.status === 'success' ? j.data?.result[0]?.value[1] : undefined;
    return v === undefined ? null : Number(v);
  } catch {
    return null;
  }
}

/** A sample's value from a text exposition, or null. */
function metricValue(text: string, name: string): number | null {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** A running run-peer: its JSON lines so far, and a promise per `kind` seen. */
class Peer {
  readonly lines: Json[] = [];
  readonly child: ChildProcess;
  readonly done: Promise<void>;
  #waiters: Array<{ kind: string; res: (j: Json) => void }> = [];

  constructor(argv: string[]) {
    this.child = spawn(process.execPath, [resolve(benchDir, 'run-peer.mjs'), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let j: Json;
        try {
          j = JSON.parse(line) as Json;
        } catch {
          continue;
        }
        this.lines.push(j);
        for (const w of this.#waiters.filter((x) => x.kind === j.kind)) w.res(j);
        this.#waiters = this.#waiters.filter((x) => x.kind !== j.kind);
      }
    });
    this.done = new Promise((res) => this.child.once('exit', () => res()));
  }

  /** Resolves with the first line of `kind` (or undefined when the run ends without one). */
  wait(kind: string): Promise<Json | undefined> {
    const seen = this.lines.find((j) => j.kind === kind);
    if (seen) return Promise.resolve(seen);
    return Promise.race([new Promise<Json>((res) => this.#waiters.push({ kind, res })), this.done.then(() => this.lines.find((j) => j.kind === kind))]);
  }

  line(kind: string): Json | undefined {
    return this.lines.find((j) => j.kind === kind);
  }
}

/** Scrape health read back from the server while it runs: duration p99/max and missed scrapes over `windowS`. */
async function scrapeHealth(port: number, windowS: number): Promise<Json> {
  const w = `${windowS}s`;
  const count = await scalar(port, `sum(count_over_time(up{job="bench"}[${w}]))`);
  return {
    window_s: windowS,
    scrape_duration_p99_s: await scalar(port, `max(quantile_over_time(0.99, scrape_duration_seconds{job="bench"}[${w}]))`),
    scrape_duration_max_s: await scalar(port, `max(max_over_time(scrape_duration_seconds{job="bench"}[${w}]))`),
    scrapes_in_window: count,
    expected_scrapes: K * windowS,
    // A window of W s holds W or W-1 scrapes per target depending on the phase.
    missed_scrapes: count === null ? null : Math.max(0, K * (windowS - 1) - count),
    up_min: await scalar(port, `min(min_over_time(up{job="bench"}[${w}]))`),
  };
}

/** Event-loop delay from prom-client's default metrics, read every second for `seconds`. */
async function loopDelay(port: number, seconds: number, heavy: boolean): Promise<Json> {
  let stop = false;
  const lat: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  /** Seconds into the phase when the server stopped answering (the phase then ends early). */
  let gone: number | undefined;
  const started = Date.now();
  const queries = heavy
    ? (async () => {
        while (!stop) {
          try {
            const r = await get(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(args['heavy-query']!)}`);
            if (r.status === 200) lat.push(r.ms);
            else {
              errors++;
              lastError = `${r.status}: ${r.body.slice(0, 200)}`;
            }
          } catch (err) {
            errors++;
            lastError = String(err);
            // The server is gone (its run-peer stopped it): stop instead of counting refusals in a tight loop.
            if (/ECONNREFUSED|ECONNRESET/.test(lastError)) {
              gone ??= Math.round((Date.now() - started) / 100) / 10;
              break;
            }
          }
        }
      })()
    : Promise.resolve();
  const p99s: number[] = [];
  let max = 0;
  await get(`http://127.0.0.1:${port}/metrics`).catch(() => undefined); // reset the histogram
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end && gone === undefined) {
    await sleep(1000);
    try {
      const text = (await get(`http://127.0.0.1:${port}/metrics`)).body;
      const p99 = metricValue(text, 'nodejs_eventloop_lag_p99_seconds');
      const mx = metricValue(text, 'nodejs_eventloop_lag_max_seconds');
      if (p99 !== null && p99 > 0) p99s.push(p99 * 1000);
      if (mx !== null) max = Math.max(max, mx * 1000);
    } catch (err) {
      errors++;
      lastError = String(err);
      if (/ECONNREFUSED|ECONNRESET/.test(lastError)) gone ??= Math.round((Date.now() - started) / 100) / 10;
    }
  }
  stop = true;
  await queries;
  p99s.sort((a, b) => a - b);
  lat.sort((a, b) => a - b);
  const r = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10) / 10);
  return {
    heavy_query: heavy ? args['heavy-query'] : null,
    seconds,
    queries: lat.length,
    query_median_ms: r(lat[Math.floor(lat.length / 2)]),
    query_max_ms: r(lat[lat.length - 1]),
    loop_p99_worst_second_ms: r(p99s[p99s.length - 1]),
    loop_p99_median_second_ms: r(p99s[Math.floor(p99s.length / 2)]),
    loop_max_ms: r(max),
    errors,
    last_error: lastError,
    server_gone_after_s: gone ?? null,
  };
}

function loadavg(): string {
  return readFileSync('/proc/loadavg', 'utf8').trim();
}

async function main(): Promise<void> {
  const promBin = spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!existsSync(resolve(benchDir, 'run-peer.mjs')) || (!promBin && !args['ignis-only'])) {
    console.log(JSON.stringify({ kind: 'skip', reason: 'needs ../shared/bench and the prometheus binary' }));
    return;
  }
  const targets = spawn(process.execPath, [resolve(benchDir, 'targets.mjs'), '--targets', String(K), '--series', String(M), '--port', String(TPORT), '--duration', String(DURATION + HEAVY_S * 2 + 400)], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 240; i++) {
      const ok = await get(`http://127.0.0.1:${TPORT + K - 1}/stats`, 2000).then(() => true, () => false);
      if (ok) break;
      await sleep(500);
    }
    const common = ['--external-targets', '--targets', String(K), '--series', String(M), '--target-port', String(TPORT), '--scrape-interval', '1s', '--duration', String(DURATION), '--warmup', String(WARMUP)];
    let probeFile: string | undefined;
    // The binary's own node flags first (its shebang's), then the caller's.
    let nodeArgs = [...IGNIS_NODE_FLAGS, ...(args['node-args'] ? [args['node-args']] : [])].map((f) => `${f} `).join('');
    if (args['turn-probe']) {
      const probeSrc = resolve(tmpdir(), `ignis-turn-probe-${process.pid}.mjs`);
      probeFile = resolve(tmpdir(), `ignis-turn-probe-${process.pid}.json`);
      writeFileSync(probeSrc, TURN_PROBE_SOURCE);
      process.env.IGNIS_TURN_PROBE_OUT = probeFile;
      nodeArgs += `--import ${probeSrc} `;
    }
    // Ignis keeps running its (light) query set while the heavy-query phase below runs: enough
    // repetitions that the set (and with it the server, which run-peer stops after its queries)
    // outlasts the heavy phase; five ended it after 15-23 s of the 30.
    const ignis = new Peer([
      '--preset', 'generic', '--name', `ignis-vs-${BASE}`, '--port', String(IGNIS_PORT),
      '--cmd', `${process.execPath} ${nodeArgs}${ignisMain} server --config.file={config} --storage.tsdb.path={data} --web.listen-address={listen}`,
      '--ready-path', '/-/ready', '--samples-metric', 'prometheus_tsdb_head_samples_appended_total', '--series-metric', 'prometheus_tsdb_head_series',
      '--query-reps', '30', '--query-budget', String(HEAVY_S + 20), ...common,
    ]);
    const prom = args['ignis-only'] ? undefined : new Peer(['--preset', 'prometheus', '--name', `prom-vs-${BASE}`, '--port', String(PROM_PORT), '--query-reps', '3', '--query-budget', '15', ...common]);

    // Quiet loop delay near the end of ingestion (Ignis), then health of both right after their windows.
    await sleep(Math.max(0, DURATION - 20) * 1000);
    const quietFrom = Date.now();
    const quiet = await loopDelay(IGNIS_PORT, 10, false);
    const quietTo = Date.now();
    // Each server's health right after its own window (Prometheus stops soon after its window).
    const window = DURATION - WARMUP - 5;
    const promSide = prom ? prom.wait('ingest').then(async (ing) => ({ ing, health: ing ? await scrapeHealth(PROM_PORT, window) : undefined })) : Promise.resolve(undefined);
    const ingI = await ignis.wait('ingest');
    const healthI = ingI ? await scrapeHealth(IGNIS_PORT, window) : undefined;
    const heavyFrom = Date.now();
    const heavy = ingI ? await loopDelay(IGNIS_PORT, HEAVY_S, true) : undefined;
    const heavyTo = Date.now();
    const ps = await promSide;
    const ingP = ps?.ing;
    const healthP = ps?.health;
    await Promise.all([ignis.done, prom?.done]);
    // The probe's file is complete once Ignis has exited.
    if (probeFile !== undefined) {
      quiet.turn_probe = turnSummary(probeFile, quietFrom, quietTo) ?? null;
      if (heavy) heavy.turn_probe = turnSummary(probeFile, heavyFrom, heavyTo) ?? null;
    }
    for (const p of [ignis, prom]) if (p) for (const j of p.lines) console.log(JSON.stringify({ kind: 'peer', ...j }));

    const num = (j: Json | undefined, k: string) => (j && typeof j[k] === 'number' ? (j[k] as number) : null);
    const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
    const side = (ing: Json | undefined, health: Json | undefined) => ({
      samples_per_s: num(ing, 'samples_per_s'),
      expected_samples_per_s: num(ing, 'expected_samples_per_s'),
      cpu_cores: num(ing, 'cpu_cores'),
      cpu_us_per_sample: num(ing, 'cpu_us_per_sample'),
      rss_bytes: num(ing, 'rss_bytes'),
      active_series: num(ing, 'active_series_self_metric'),
      rss_bytes_per_series: num(ing, 'rss_bytes_per_active_series'),
      ...health,
    });
    const out = {
      kind: 'comparison',
      targets: K,
      series: M,
      duration_s: DURATION,
      ignis: side(ingI, healthI),
      prometheus: prom ? side(ingP, healthP) : null,
      cpu_per_sample_ratio: ratio(num(ingI, 'cpu_us_per_sample'), num(ingP, 'cpu_us_per_sample')),
      rss_per_series_ratio: ratio(num(ingI, 'rss_bytes_per_active_series'), num(ingP, 'rss_bytes_per_active_series')),
      event_loop_quiet: quiet,
      event_loop_heavy_query: heavy ?? null,
      other_processes_cores: num(ingI, 'other_processes_cores'),
      targets_cpu_cores: num(ingP ?? ingI, 'targets_cpu_cores'),
      loadavg_window_start: ingI?.loadavg_start ?? null,
      loadavg_window_end: ingI?.loadavg_end ?? null,
      loadavg_end: loadavg(),
    };
    console.log(JSON.stringify(out));
  } finally {
    targets.kill('SIGTERM');
    if (args['turn-probe']) for (const ext of ['mjs', 'json']) rmSync(resolve(tmpdir(), `ignis-turn-probe-${process.pid}.${ext}`), { force: true });
  }
}

await main();
