/**
 * Recording rules: `ignis server` and the real Prometheus (Debian's 2.42) run the same config and
 * the same rule file over the same synthetic target (the shared bench's `targets.mjs`). Each
 * evaluates at its own phase of the interval, so values are compared through `query` at one
 * common time, averaged over a few evaluations, within a tolerance; names and labels must be
 * identical, and so must `/api/v1/rules` apart from timings.
 *
 * A second test (Ignis alone) reloads rule files through `/-/reload`: a broken file is refused
 * whole with its file and problem and the old rules keep running; a removed group's series go
 * stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pollUntil } from './loopback.js';
import { labelsKey, queryMatrix, queryVector, type VectorSample } from './server/api.js';
import { rulesSkipReason, startRulePeers } from './server/rules-setup.js';
import { startIgnis, tempDir, type ApiProcess } from './server/processes.js';

const RULES = `groups:
- name: http
  rules:
  - record: job:http_requests:rate20s
    expr: sum by (job) (rate(http_requests_total[20s]))
  - record: job_mode:node_cpu_seconds:rate20s
    expr: sum by (job, mode) (rate(node_cpu_seconds_total[20s]))
    labels:
      source: rules
  - record: job:http_requests:rate20s_x2
    expr: job:http_requests:rate20s * 2
- name: counts
  interval: 2s
  rules:
  - record: job:up:count
    expr: count by (job) (up)
  - record: job:up:count_scaled
    expr: count by (job) (up) * 1e6 + 1234567.5
  - alert: TargetDown
    expr: up == 0
    for: 1m
    labels: {severity: page}
`;

const RECORDED = ['job:http_requests:rate20s', 'job_mode:node_cpu_seconds:rate20s', 'job:http_requests:rate20s_x2', 'job:up:count', 'job:up:count_scaled'];

interface RulesJSON {
  groups: { name: string; file: string; interval: number; limit: number; rules: Record<string, unknown>[] }[];
}

async function rules(base: string): Promise<RulesJSON> {
  const body = (await (await fetch(`${base}/api/v1/rules`)).json()) as { status: string; data: RulesJSON };
  assert.equal(body.status, 'success');
  return body.data;
}

/**
 * `r` with number literals in queries printed in full. Prometheus 2.42 prints them with Go's
 * `%v` (`1e+06`, `1.2345675e+06`); Prometheus 3.3 and later (prometheus/prometheus#16083) and
 * Ignis, which follows 3.x's PromQL printer, print `1000000` and `1234567.5`. A deliberate
 * difference, normalised here so that everything else is still compared exactly.
 */
function withFullNumbers(r: RulesJSON): RulesJSON {
  const full = (q: unknown) => (typeof q === 'string' ? q.replace(/\b\d+(?:\.\d+)?e[+-]\d+\b/g, (m) => String(Number(m))) : q);
  return { groups: r.groups.map((g) => ({ ...g, rules: g.rules.map((x) => ({ ...x, query: full(x.query) })) })) };
}

/** `/api/v1/rules` without the fields that depend on timing. */
function rulesShape(r: RulesJSON): unknown {
  return r.groups.map((g) => ({
    ...g,
    evaluationTime: undefined,
    lastEvaluation: undefined,
    rules: g.rules.map((x) => ({ ...x, evaluationTime: undefined, lastEvaluation: undefined, keys: Object.keys(x).join(',') })),
  }));
}

function byLabels(v: VectorSample[]): Map<string, number> {
  return new Map(v.map((s) => [labelsKey(s.metric), Number(s.value[1])]));
}

test('recording rules: Ignis and Prometheus record the same series with close values; /api/v1/rules agrees', { skip: rulesSkipReason(), timeout: 120_000 }, async (t) => {
  const { ignis, prom } = await startRulePeers(t, RULES, 300);
  await sleep(30_000);
  const at = Math.floor(Date.now() / 1000) - 2;

  await t.test('the same recorded series (names and labels)', async () => {
    for (const name of RECORDED) {
      const [a, b] = await Promise.all([queryVector(ignis.base, name, at), queryVector(prom.base, name, at)]);
      assert.ok(b.length > 0, `${name}: Prometheus recorded nothing`);
      assert.deepEqual([...byLabels(a).keys()].sort(), [...byLabels(b).keys()].sort(), name);
    }
  });

  await t.test('values agree within 5% (averaged over 10s of evaluations)', async (st) => {
    let worst = 0;
    for (const name of RECORDED) {
      const q = `avg_over_time(${name}[10s])`;
      const [a, b] = await Promise.all([queryVector(ignis.base, q, at), queryVector(prom.base, q, at)]);
      const va = byLabels(a);
      const off: string[] = [];
      for (const [k, want] of byLabels(b)) {
        const got = va.get(k);
        const tol = Math.max(0.05 * Math.abs(want), 1e-9);
        if (got === undefined || Math.abs(got - want) > tol) off.push(`${name}${k}: ignis ${got}, prometheus ${want}`);
        else if (want !== 0) worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
      }
      assert.deepEqual(off, []);
    }
    st.diagnostic(`largest relative difference ${worst.toExponential(2)}`);
  });

  await t.test('evaluation timestamps: each group on its interval, at the same phase as in Prometheus', async () => {
    for (const [name, intervalMs] of [['job:up:count', 2000], ['job:http_requests:rate20s', 1000]] as const) {
      const stamps = async (p: ApiProcess) => (await queryMatrix(p.base, `${name}[10s]`, at))[0]!.values.map((v) => Math.round(v[0] * 1000));
      const [a, b] = await Promise.all([stamps(ignis), stamps(prom)]);
      assert.ok(a.length >= 10_000 / intervalMs - 1, `${name}: ${a.length} evaluations in 10s`);
      for (const x of a) assert.equal((x - b[0]!) % intervalMs, 0, `${name}: ignis ${a.join(',')}, prometheus ${b.join(',')}`);
    }
  });

  await t.test('/api/v1/rules: same groups, rules, queries, labels, health and key order', async () => {
    const [a, b] = await Promise.all([rules(ignis.base), rules(prom.base)]);
    assert.deepEqual(rulesShape(a), rulesShape(withFullNumbers(b)));
  });
});

test('rule reload: a broken rule file is refused whole, a removed group goes stale', { timeout: 60_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-rules-reload-');
  t.after(() => dir.cleanup());
  const rulesFile = join(dir.path, 'rules.yml');
  const two = 'groups:\n- name: a\n  rules:\n  - record: rec_a\n    expr: vector(1)\n- name: b\n  rules:\n  - record: rec_b\n    expr: vector(2)\n';
  writeFileSync(rulesFile, two);
  const cfg = ['global:', '  evaluation_interval: 1s', `rule_files: ['${rulesFile}']`].join('\n');
  const ignis = await startIgnis({ config: cfg, args: ['--web.enable-lifecycle', '--query.lookback-delta=30s'] });
  t.after(() => ignis.stop());
  const has = async (q: string) => (await queryVector(ignis.base, q)).length > 0;
  await pollUntil('both rules recorded', 15_000, 100, async () => ((await has('rec_a')) && (await has('rec_b')) ? true : undefined));

  writeFileSync(rulesFile, two + '- name: c\n  rules:\n  - record: rec_c\n    expr: sum(\n');
  const res = await fetch(`${ignis.base}/-/reload`, { method: 'POST' });
  const text = await res.text();
  assert.equal(res.status, 500);
  assert.match(text, new RegExp(`rules: error loading rules, previous rule set restored: ${rulesFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 13:11: group "c", rule 1, "rec_c": could not parse expression`));
  assert.deepEqual((await rules(ignis.base)).groups.map((g) => g.name), ['a', 'b']);

  writeFileSync(rulesFile, 'groups:\n- name: a\n  rules:\n  - record: rec_a\n    expr: vector(1)\n');
  const ok = await fetch(`${ignis.base}/-/reload`, { method: 'POST' });
  assert.equal(ok.status, 200, await ok.text());
  assert.deepEqual((await rules(ignis.base)).groups.map((g) => g.name), ['a']);
  // Two intervals after the removal, rec_b gets its staleness marker: it vanishes from instant
  // queries long before the 30s lookback would hide it.
  await pollUntil('rec_b to go stale', 15_000, 200, async () => (!(await has('rec_b')) ? true : undefined));
  assert.ok(await has('rec_a'), 'the kept group still records');
});
