/**
 * PromQL engine benchmark. Two data sets:
 *
 * - `--data synthetic` (default): node_exporter-like series in the in-memory storage,
 *   10,000 series × 2 h at 15 s; a few typical queries (instant at the end of the data; range
 *   over the whole 2 h at step 15 s).
 * - `--data model`: the shared harness' series model (`../shared/bench/model.mjs`, 10 targets ×
 *   10,000 series by default) appended into a TSDB head at the scrape interval, and the exact
 *   query set of `../shared/bench/run-peer.mjs` (instant at the end; range over the run minus
 *   its warm-up at step 15 s, as run-peer asks). The time includes encoding the API's JSON.
 *
 * Prints one JSON line per query and mode with the median latency of several runs.
 *
 * Usage: node --expose-gc dist/bench/promql.bench.js [--data model] [--targets 10]
 *   [--series 10000] [--samples 180] [--interval-ms 1000] [--runs 5] [--query rate_5m]
 *   [--mode instant|range]   (PROMQL_BENCH_RUNS also sets the number of runs)
 */
import { parseArgs } from 'node:util';
import { Labels } from '../src/model/labels/index.js';
import { MemoryStorage } from '../src/storage/memory/index.js';
import type { Queryable } from '../src/storage/index.js';
import { Engine } from '../src/promql/index.js';
import { Head } from '../src/tsdb/head/index.js';
import { loadSharedModel, modelSeriesLabels } from './support/shared-model.js';
import { encodeQueryData } from '../src/web/api/v1/query-json.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'synthetic' },
    targets: { type: 'string', default: '10' },
    series: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '180' },
    'interval-ms': { type: 'string', default: '1000' },
    runs: { type: 'string' },
    query: { type: 'string' },
    mode: { type: 'string' },
  },
});

const STEP_MS = 15_000;
const POINTS = (2 * 3600_000) / STEP_MS; // 480 samples per series
const INSTANCES = 100;
const CPUS = 8;
const MODES = ['idle', 'user', 'system', 'iowait', 'irq', 'softirq', 'steal', 'nice'];
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const RUNS = Number(args.runs ?? process.env.PROMQL_BENCH_RUNS ?? 5);

/** Builds the data set: 6400 cpu counters, 1200 histogram buckets, 100 info series, 2300 network counters. */
async function generate(): Promise<{ storage: MemoryStorage; series: number }> {
  const storage = new MemoryStorage();
  const all: Array<{ labels: Labels; rate: number }> = [];
  for (let i = 0; i < INSTANCES; i++) {
    const instance = `host-${i}:9100`;
    const job = `node-${i % 5}`;
    for (let c = 0; c < CPUS; c++) {
      for (const mode of MODES) {
        all.push({ labels: Labels.fromStrings('__name__', 'node_cpu_seconds_total', 'instance', instance, 'job', job, 'cpu', String(c), 'mode', mode), rate: 0.1 + ((i + c) % 7) / 10 });
      }
    }
    for (const [k, le] of LES.entries()) {
      all.push({ labels: Labels.fromStrings('__name__', 'http_request_duration_seconds_bucket', 'instance', instance, 'job', job, 'le', le), rate: 1 + k * 3 });
    }
    all.push({ labels: Labels.fromStrings('__name__', 'node_uname_info', 'instance', instance, 'job', job, 'nodename', `node${i}`), rate: 0 });
    for (let d = 0; d < 23; d++) {
      all.push({ labels: Labels.fromStrings('__name__', 'node_network_receive_bytes_total', 'instance', instance, 'job', job, 'device', `eth${d}`), rate: 1000 + d });
    }
  }
  for (const { labels, rate } of all) {
    const app = storage.appender();
    let v = 0;
    for (let k = 0; k < POINTS; k++) {
      v += rate === 0 ? 0 : rate * 15 * (0.5 + ((k * 7919) % 100) / 100);
      app.append(0, labels, k * STEP_MS, rate === 0 ? 1 : v);
    }
    await app.commit();
  }
  return { storage, series: all.length };
}

const QUERIES: Array<[string, string]> = [
  ['rate', 'rate(node_cpu_seconds_total[5m])'],
  ['sum_by_rate', 'sum by (job) (rate(node_cpu_seconds_total[5m]))'],
  ['histogram_quantile', 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'],
  ['topk', 'topk(5, rate(node_cpu_seconds_total[5m]))'],
  ['group_left', 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) * on(instance) group_left(nodename) node_uname_info'],
  ['subquery', 'max_over_time(sum by (instance) (rate(node_network_receive_bytes_total[5m]))[30m:1m])'],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  if (args.data === 'model') return mainModel();
  const t0 = performance.now();
  const { storage, series } = await generate();
  process.stderr.write(`generated ${series} series × ${POINTS} samples in ${(performance.now() - t0).toFixed(0)} ms\n`);
  const end = (POINTS - 1) * STEP_MS;
  await runQueries(storage, QUERIES, end, 0, end, STEP_MS, false);
}

/** Runs every query of `queries` (filtered by --query/--mode) and prints a line per query and mode. */
async function runQueries(
  storage: Queryable,
  queries: ReadonlyArray<readonly [string, string]>,
  instantMs: number,
  startMs: number,
  endMs: number,
  stepMs: number,
  encode: boolean,
): Promise<void> {
  const engine = new Engine({ maxSamples: 50_000_000 });
  const gc = (globalThis as { gc?: () => void }).gc;
  for (const [name, q] of queries) {
    if (args.query !== undefined && !args.query.split(',').includes(name)) continue;
    for (const mode of ['instant', 'range'] as const) {
      if (args.mode !== undefined && args.mode !== mode) continue;
      const times: number[] = [];
      let result = '';
      gc?.();
      for (let r = -1; r < RUNS; r++) {
        const query = mode === 'instant' ? engine.newInstantQuery(storage, q, instantMs) : engine.newRangeQuery(storage, q, startMs, endMs, stepMs);
        const s = performance.now();
        const res = await query.exec();
        if (res.error) throw res.error;
        const v = res.value!;
        if (encode) await encodeQueryData(v);
        if (r >= 0) times.push(performance.now() - s); // run -1 warms the JIT up
        result = v.type === 'vector' ? `${v.samples.length} samples` : v.type === 'matrix' ? `${v.series.length} series` : v.type;
      }
      process.stdout.write(`${JSON.stringify({ bench: 'promql', data: args.data, query: name, mode, median_ms: Number(median(times).toFixed(2)), min_ms: Number(Math.min(...times).toFixed(2)), runs: RUNS, result })}\n`);
    }
  }
}

/** The query set of `../shared/bench/run-peer.mjs` (`{tport}` is the first target's port). */
const PEER_QUERIES: Array<[string, string]> = [
  ['selector_one_target', 'node_cpu_seconds_total{instance="127.0.0.1:29100",mode="idle"}'],
  ['selector_all_targets', 'node_filesystem_avail_bytes'],
  ['rate_5m', 'rate(node_network_receive_bytes_total[5m])'],
  ['sum_by_rate', 'sum by (mode) (rate(node_cpu_seconds_total[5m]))'],
  ['histogram_quantile', 'histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))'],
  ['topk', 'topk(10, rate(node_disk_read_bytes_total[5m]))'],
  ['regex_matcher', 'sum by (instance) (rate(http_requests_total{handler=~"/api/v[12]/h1.*",code=~"5.."}[5m]))'],
  ['binop_on_group_left', 'rate(node_cpu_seconds_total{mode="user"}[5m]) * on(instance) group_left(nodename) node_uname_info'],
  ['subquery', 'max_over_time(rate(node_network_transmit_bytes_total[1m])[5m:15s])'],
  ['count_all_series', 'count({job="bench"})'],
];

/** Loads the shared model into a head (scrape by scrape, every target per interval) and runs run-peer's queries. */
async function mainModel(): Promise<void> {
  const mod = await loadSharedModel();
  if (mod === undefined) throw new Error('../shared/bench/model.mjs not found');
  const K = Number(args.targets);
  const M = Number(args.series);
  const N = Number(args.samples);
  const IV = Number(args['interval-ms']);
  const t0 = performance.now();
  const head = await Head.open({});
  const T0 = 1_700_000_000_000;
  const targets = Array.from({ length: K }, (_, g) => {
    const m = mod.buildTarget({ seed: 1, target: g, series: M });
    const extra = ['job', 'bench', 'instance', `127.0.0.1:${29100 + g}`];
    return { m, st: new mod.TargetState(m, 1, g), labels: m.names.map((n, i) => modelSeriesLabels(n, m.labs[i]!, extra)), refs: new Array<number>(m.n).fill(0) };
  });
  for (let k = 0; k < N; k++) {
    const t = T0 + k * IV;
    const commits: Promise<void>[] = [];
    for (const tg of targets) {
      tg.st.step();
      const app = head.appender();
      const { m, st, labels, refs } = tg;
      for (let i = 0; i < m.n; i++) refs[i] = app.append(refs[i]!, labels[i]!, t, st.v[i]! / m.div[i]!);
      commits.push(app.commit());
    }
    await Promise.all(commits);
  }
  const total = targets.reduce((a, tg) => a + tg.m.n, 0);
  process.stderr.write(`loaded ${total} series × ${N} samples in ${(performance.now() - t0).toFixed(0)} ms\n`);
  const end = T0 + (N - 1) * IV;
  const warm = Math.min(30, Math.floor(((N - 1) * IV) / 4000)) * 1000;
  const rangeMs = Math.max(60_000, (N - 1) * IV - warm);
  await runQueries(head, PEER_QUERIES, end, end - rangeMs, end, 15_000, true);
}

await main();
