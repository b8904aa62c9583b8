/**
 * The real Prometheus (Debian's 2.42) and Ignis reading each other's data:
 * 1. Prometheus with `remote_read` from Ignis (`read_recent: true`, nothing of its own)
 *    answers the same as Ignis, which scrapes the data;
 * 2. Prometheus scraping Ignis' `/federate` (`honor_labels: true`, `match[]`) holds the latest
 *    sample of every federated series with Ignis' value and timestamp;
 * 3. Ignis with `remote_read` from Prometheus (which scrapes the data) answers the same as
 *    Prometheus: a streamed-chunks response decoded and merged into Ignis' queries;
 * 4. both federate local data only (remote-read series are not federated) and export the same
 *    remote read self-metrics.
 * Query results are compared value by value (relative difference ≤ 1e-9: the two engines may
 * sum in a different order), and the number of exactly equal values is reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { skipWithoutBinary } from '../support/peers.js';
import { pollUntil } from './loopback.js';
import { labelsKey } from './server/api.js';
import { BENCH_DIR, startBenchTargets, startIgnis, startPrometheus, type ApiProcess } from './server/processes.js';

const SCRAPE_S = 14;

function skipReason(): string | false {
  return skipWithoutBinary('prometheus') || (existsSync(join(BENCH_DIR, 'targets.mjs')) ? false : `${BENCH_DIR}/targets.mjs not found`);
}

/** The API's `data` for a query (instant at `time`, or a range), with its warnings. */
async function query(base: string, q: string, p: { time: number } | { start: number; end: number; step: number }): Promise<{ resultType: string; result: any[]; warnings: string[] }> {
  const params = new URLSearchParams({ query: q });
  for (const [k, v] of Object.entries(p)) params.set(k, String(v));
  const path = 'step' in p ? '/api/v1/query_range' : '/api/v1/query';
  const res = await fetch(`${base}${path}?${params}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: any[] }; error?: string; warnings?: string[] };
  if (body.status !== 'success') throw new Error(`${base} ${q}: ${body.error}`);
  return { ...body.data, warnings: body.warnings ?? [] };
}

/** Series key → `[t, value]` points (one point for an instant vector). */
function points(r: { resultType: string; result: any[] }): Map<string, [number, string][]> {
  const out = new Map<string, [number, string][]>();
  for (const s of r.result) out.set(labelsKey(s.metric ?? {}), r.resultType === 'vector' ? [s.value] : r.resultType === 'matrix' ? s.values : [[s[0], s[1]]]);
  if (r.resultType === 'scalar') out.set('scalar', [r.result as unknown as [number, string]]);
  return out;
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/** Compares two results point by point; returns the differences (empty when equal) and counts. */
function compare(want: ReturnType<typeof points>, got: ReturnType<typeof points>): { diffs: string[]; values: number; exact: number } {
  const diffs: string[] = [];
  let values = 0;
  let exact = 0;
  for (const [k, wp] of want) {
    const gp = got.get(k);
    if (!gp) {
      diffs.push(`${k}: missing`);
      continue;
    }
    if (gp.length !== wp.length) diffs.push(`${k}: ${gp.length} points, want ${wp.length}`);
    for (let i = 0; i < Math.min(gp.length, wp.length); i++) {
      values++;
      if (gp[i]![0] !== wp[i]![0]) diffs.push(`${k}[${i}]: t ${gp[i]![0]}, want ${wp[i]![0]}`);
      else if (gp[i]![1] === wp[i]![1]) exact++;
      else if (!close(gp[i]![1], wp[i]![1])) diffs.push(`${k}[${i}]: ${gp[i]![1]}, want ${wp[i]![1]}`);
    }
  }
  for (const k of got.keys()) if (!want.has(k)) diffs.push(`${k}: unexpected`);
  return { diffs, values, exact };
}

/** The queries both ways are compared with, at `at` (instant) and over `[at-10, at]` (range). */
function cases(at: number): [string, { time: number } | { start: number; end: number; step: number }][] {
  const time = { time: at };
  const range = { start: at - 10, end: at, step: 1 };
  return [
    ['{job="bench"}', time],
    ['{job="bench"}[8s]', time],
    ['rate(node_cpu_seconds_total[6s])', time],
    ['sum by (mode) (rate(node_cpu_seconds_total[6s]))', time],
    ['histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[6s])))', time],
    ['topk(3, node_custom_metric)', time],
    ['count_over_time(http_requests_total[8s])', time],
    ['node_custom_metric', range],
    ['sum(rate(http_requests_total[5s]))', range],
    ['max_over_time(node_network_up[4s]) * on(instance) group_left count by (instance) (node_network_up)', range],
  ];
}

/** Runs every case against `want` and `got`; asserts equality and returns the totals. */
async function compareAll(want: ApiProcess, got: ApiProcess, at: number): Promise<{ queries: number; values: number; exact: number }> {
  let values = 0;
  let exact = 0;
  const all: string[] = [];
  const list = cases(at);
  for (const [q, p] of list) {
    const [w, g] = await Promise.all([query(want.base, q, p), query(got.base, q, p)]);
    assert.equal(g.resultType, w.resultType, q);
    assert.deepEqual(g.warnings, [], `${q}: warnings from ${got.base}`);
    assert.ok(w.result.length > 0, `${q}: no result from ${want.base}`);
    const c = compare(points(w), points(g));
    values += c.values;
    exact += c.exact;
    all.push(...c.diffs.slice(0, 5).map((d) => `${q}: ${d}`));
  }
  assert.deepEqual(all, []);
  return { queries: list.length, values, exact };
}

/** Waits until the one target of `p` is up. */
async function targetUp(p: ApiProcess): Promise<void> {
  await pollUntil(`target up at ${p.base}`, 30_000, 200, async () => {
    const r = await query(p.base, 'up', { time: Date.now() / 1000 });
    return r.result.length > 0 && r.result.every((s) => s.value[1] === '1') ? true : undefined;
  });
}

test('the real Prometheus remote-reads from Ignis and federates from Ignis; Ignis remote-reads from Prometheus', { skip: skipReason(), timeout: 180_000 }, async (t) => {
  const bench = await startBenchTargets(1, 300, SCRAPE_S + 120);
  t.after(() => bench.stop());
  const target = `127.0.0.1:${bench.ports[0]}`;
  const scrapeBench = ['scrape_configs:', '  - job_name: bench', '    scrape_interval: 2s', '    static_configs:', `      - targets: ['${target}']`];

  // Ignis scrapes the bench target every 2 s.
  const ignis = await startIgnis({ config: ['global:', '  scrape_interval: 2s', ...scrapeBench].join('\n') + '\n' });
  t.after(() => ignis.stop());
  // Prometheus A reads it remotely and has no data of its own.
  const promA = await startPrometheus(['global:', '  scrape_interval: 2s', 'remote_read:', `  - url: ${ignis.base}/api/v1/read`, '    read_recent: true'].join('\n') + '\n');
  t.after(async () => {
    await promA.stop();
    promA.cleanup();
  });
  // Prometheus F federates it, polling faster than Ignis scrapes so that every sample is federated.
  const promF = await startPrometheus(
    [
      'global:',
      '  scrape_interval: 500ms',
      'scrape_configs:',
      '  - job_name: federate',
      '    honor_labels: true',
      '    metrics_path: /federate',
      '    params:',
      "      'match[]': ['{job=\"bench\"}']",
      '    static_configs:',
      `      - targets: ['127.0.0.1:${ignis.port}']`,
    ].join('\n') + '\n',
  );
  t.after(async () => {
    await promF.stop();
    promF.cleanup();
  });
  // Prometheus B scrapes the bench target itself; Ignis C reads it remotely and has nothing else.
  const promB = await startPrometheus(['global:', '  scrape_interval: 2s', ...scrapeBench].join('\n') + '\n');
  t.after(async () => {
    await promB.stop();
    promB.cleanup();
  });
  const ignisC = await startIgnis({ config: ['global:', '  scrape_interval: 2s', 'remote_read:', `  - url: ${promB.base}/api/v1/read`, '    read_recent: true'].join('\n') + '\n' });
  t.after(() => ignisC.stop());

  await Promise.all([targetUp(ignis), targetUp(promB)]);
  await sleep(SCRAPE_S * 1000);
  // Two seconds back: every scrape up to `at` is committed, and federated.
  const at = Math.floor(Date.now() / 1000) - 2;

  await t.test('Prometheus remote-reading Ignis answers as Ignis', async () => {
    const r = await compareAll(ignis, promA, at);
    t.diagnostic(`Ignis → Prometheus remote read: ${r.queries} queries, ${r.values} values equal (${r.exact} bit-exact)`);
  });

  await t.test('Ignis remote-reading Prometheus answers as Prometheus', async () => {
    const r = await compareAll(promB, ignisC, at);
    t.diagnostic(`Prometheus → Ignis remote read: ${r.queries} queries, ${r.values} values equal (${r.exact} bit-exact)`);
  });

  await t.test('/federate serves local data only, as upstream: remote-read series are not federated', async () => {
    const fed = async (base: string) => (await (await fetch(`${base}/federate?match[]=${encodeURIComponent('{job="bench"}')}`)).text()).trim();
    const [ours, theirs] = await Promise.all([fed(ignisC.base), fed(promA.base)]);
    assert.equal(theirs, '', 'Prometheus reading Ignis remotely federates none of it');
    assert.equal(ours, '', 'nor does Ignis reading Prometheus remotely');
  });

  await t.test('the remote read self-metrics have the same names and labels as Prometheus\' own', async () => {
    const families = async (base: string) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const out = new Set<string>();
      for (const line of text.split('\n')) {
        const m = /^(prometheus_(?:remote_storage_(?:read_|remote_read_)|api_remote_read_)\w*)(\{[^}]*\})?/.exec(line);
        if (!m) continue;
        const names = [...(m[2] ?? '').matchAll(/(\w+)="/g)].map((x) => x[1]).sort();
        out.add(`${m[1]}{${names.join(',')}}`);
      }
      return [...out].sort();
    };
    const [ours, theirs] = await Promise.all([families(ignisC.base), families(promA.base)]);
    assert.deepEqual(ours, theirs);
    assert.ok(ours.some((f) => f.startsWith('prometheus_remote_storage_read_queries_total{')), ours.join(' '));
  });

  await t.test('Prometheus federating Ignis holds the latest samples with Ignis values and timestamps', async () => {
    // The federated job's own series (`up`, scrape_*) carry job="federate": {job="bench"} is only federated data.
    const [want, got] = await Promise.all([query(ignis.base, '{job="bench"}', { time: at }), query(promF.base, '{job="bench"}', { time: at })]);
    const c = compare(points(want), points(got));
    assert.deepEqual(c.diffs.slice(0, 10), []);
    assert.ok(c.values >= 300, `${c.values} series`);
    // Raw samples of the last 5 s: the same timestamps and values (Ignis scrapes every 2 s, F polls every 0.5 s).
    const raw = '{job="bench"}[5s]';
    const [wr, gr] = await Promise.all([query(ignis.base, raw, { time: at }), query(promF.base, raw, { time: at })]);
    assert.deepEqual(compare(points(wr), points(gr)).diffs.slice(0, 10), [], 'the same samples in both');
    t.diagnostic(`federation: ${c.values} series equal (${c.exact} bit-exact), raw samples of the last 5 s equal`);
  });
});
