/**
 * Issue 6's query-latency line, side by side in one run: the real Prometheus and `ignis server`
 * scrape the same synthetic targets (`../shared/bench/targets.mjs`, 10 × 10,000 series at 1 s by
 * default) at the same time; after `--ingest` seconds every query of run-peer.mjs' fixed set
 * (read from that file, instant and range) is sent to both servers in turn — never to both at
 * once, the order swapped on every repetition — so that both see the same data and the same
 * machine load. First `--warmup` untimed rounds over the set, instant and range (1 by default:
 * a fresh Ignis answers its first requests 3-5 times slower, the JIT not having compiled the
 * query paths yet), then per server and query one untimed warm-up and `--reps` timed ones (9 by
 * default: on the shared two-core machine a quarter or more of either server's requests land
 * behind other work and take 2-4 times the median, so a median of 5 moved by 30% and more
 * between runs).
 *
 * Prints one JSON line per query and type (median, min, max per server, their ratio, result
 * sizes) and a `summary` line (how many medians are ≤ Prometheus', and how many ≤ 0.9 of it).
 * Needs the `prometheus` binary; without it the bench prints a skip line and exits 0. Servers
 * listen on 127.0.0.1 at `--base-port`+K+1 (Prometheus) and +K+2 (Ignis); only the PIDs started
 * here are signalled.
 *
 *   node dist/bench/query-vs-prometheus.bench.js [--targets 10] [--series 10000] [--ingest 150]
 *        [--reps 9] [--warmup 1] [--range 150] [--base-port 29500]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ignisNodeArgs } from '../src/cmd/node-flags.js';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: '10' },
    series: { type: 'string', default: '10000' },
    ingest: { type: 'string', default: '150' },
    reps: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '1' },
    range: { type: 'string', default: '150' },
    'base-port': { type: 'string', default: '29500' },
  },
});
const K = Number(args.targets);
const M = Number(args.series);
const INGEST_S = Number(args.ingest);
const REPS = Number(args.reps);
const WARMUP = Number(args.warmup);
const RANGE_S = Number(args.range);
const BASE = Number(args['base-port']);
const PROM_PORT = BASE + K + 1;
const IGNIS_PORT = BASE + K + 2;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const benchDir = resolve(repoRoot, '..', 'shared', 'bench');

/** run-peer.mjs' fixed query set, read from its source (importing it would start a run). */
function querySet(): Array<[name: string, expr: string]> {
  const src = readFileSync(join(benchDir, 'run-peer.mjs'), 'utf8');
  const start = src.indexOf('export const QUERIES = [');
  const end = src.indexOf('];', start);
  const out: Array<[string, string]> = [];
  for (const m of src.slice(start, end).matchAll(/\['([\w-]+)', '((?:[^'\\]|\\.)*)'\]/g)) out.push([m[1]!, m[2]!]);
  if (out.length === 0) throw new Error('no queries found in run-peer.mjs');
  return out;
}

function get(port: number, path: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 120_000 }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${path}`)));
    req.on('error', rej);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReady(port: number, path: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await get(port, path)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`server on ${port} not ready within ${ms} ms`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return exited.finally(() => clearTimeout(timer));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The API path of `expr` as an instant query now, or a range query over the last `--range` seconds. */
function queryPath(type: 'instant' | 'range', expr: string): string {
  const now = Date.now() / 1000;
  const q = encodeURIComponent(expr);
  return type === 'instant'
    ? `/api/v1/query?query=${q}&time=${now.toFixed(3)}`
    : `/api/v1/query_range?query=${q}&start=${(now - RANGE_S).toFixed(3)}&end=${now.toFixed(3)}&step=15s`;
}

/** Result size of a query answer: series count, 1 for scalars/strings, or the error text. */
function resultSize(body: string): number | string {
  const j = JSON.parse(body) as { status: string; error?: string; data?: { result: unknown } };
  if (j.status !== 'success') return j.error ?? 'error';
  return Array.isArray(j.data!.result) ? j.data!.result.length : 1;
}

async function main(): Promise<void> {
  if (spawnSync('prometheus', ['--version']).error !== undefined) {
    console.log(JSON.stringify({ kind: 'skip', reason: 'prometheus binary not found' }));
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'ignis-qvp-'));
  const children: ChildProcess[] = [];
  try {
    const targets = spawn(process.execPath, [join(benchDir, 'targets.mjs'), '--targets', String(K), '--series', String(M), '--port', String(BASE), '--duration', String(INGEST_S + 1800)], { stdio: 'ignore' });
    children.push(targets);
    const config = join(work, 'prometheus.yml');
    const addrs = Array.from({ length: K }, (_, i) => `'127.0.0.1:${BASE + i}'`).join(', ');
    writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: bench\n    static_configs:\n      - targets: [${addrs}]\n`);
    const prom = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(work, 'prom')}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`], { stdio: 'ignore' });
    children.push(prom);
    const ignis = spawn(process.execPath, ignisNodeArgs(join(repoRoot, 'dist', 'src', 'cmd', 'ignis.js'), 'server', `--config.file=${config}`, `--storage.tsdb.path=${join(work, 'ignis')}`, `--web.listen-address=127.0.0.1:${IGNIS_PORT}`), { stdio: 'ignore' });
    children.push(ignis);
    await Promise.all([waitReady(PROM_PORT, '/-/ready', 60_000), waitReady(IGNIS_PORT, '/-/ready', 60_000)]);
    console.error(`# both servers ready; ingesting ${INGEST_S} s`);
    await sleep(INGEST_S * 1000);
    const servers: Array<['ignis' | 'prometheus', number]> = [['ignis', IGNIS_PORT], ['prometheus', PROM_PORT]];
    // Untimed rounds over the set first: a freshly started Ignis answers its first requests 3-5
    // times slower than later ones (the JIT has not compiled the query paths yet).
    for (let round = 0; round < WARMUP; round++) {
      for (const [, tpl] of querySet()) {
        for (const type of ['instant', 'range'] as const) {
          for (const [, port] of round % 2 === 0 ? servers : [...servers].reverse()) await get(port, queryPath(type, tpl.replace('{tport}', String(BASE))));
        }
      }
    }
    let atOrBelow = 0;
    let withMargin = 0;
    let total = 0;
    for (const [name, tpl] of querySet()) {
      const expr = tpl.replace('{tport}', String(BASE));
      for (const type of ['instant', 'range'] as const) {
        const lat: Record<string, number[]> = { ignis: [], prometheus: [] };
        const size: Record<string, number | string> = {};
        for (let rep = 0; rep <= REPS; rep++) {
          for (const [server, port] of rep % 2 === 0 ? servers : [...servers].reverse()) {
            const r = await get(port, queryPath(type, expr));
            if (rep === 0) size[server] = resultSize(r.body);
            else lat[server]!.push(r.ms);
          }
        }
        const mi = median(lat.ignis!);
        const mp = median(lat.prometheus!);
        total++;
        if (mi <= mp) atOrBelow++;
        if (mi <= 0.9 * mp) withMargin++;
        console.log(JSON.stringify({
          kind: 'query', query: name, type, expr,
          ignis_median_ms: +mi.toFixed(1), prometheus_median_ms: +mp.toFixed(1), ratio: +(mi / mp).toFixed(2),
          ignis_min_ms: +Math.min(...lat.ignis!).toFixed(1), ignis_max_ms: +Math.max(...lat.ignis!).toFixed(1),
          prometheus_min_ms: +Math.min(...lat.prometheus!).toFixed(1), prometheus_max_ms: +Math.max(...lat.prometheus!).toFixed(1),
          result_size: size,
        }));
      }
    }
    console.log(JSON.stringify({ kind: 'summary', targets: K, series: M, ingest_s: INGEST_S, reps: REPS, warmup_rounds: WARMUP, medians_at_or_below_prometheus: atOrBelow, medians_at_or_below_0_9x: withMargin, queries: total, loadavg: readFileSync('/proc/loadavg', 'utf8').trim() }));
  } finally {
    for (const c of children.reverse()) await stop(c);
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
