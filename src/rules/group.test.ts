import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, newMatcher, MatchType } from '../model/labels/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { Engine } from '../promql/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { createLogger, createRegistry, renderRegistry } from '../util/index.js';
import type { AlertingRule } from './alerting-rule.js';
import { Group } from './group.js';
import { GroupMetrics } from './group-metrics.js';
import { engineQueryFunc } from './query-func.js';
import { DUPLICATE_LABELSET } from './recording-rule.js';
import { parseRules, type RuleGroupSpec } from './rule-file.js';

const logger = createLogger({ level: 'error', write: () => {} });

function specOf(yaml: string): RuleGroupSpec {
  const r = parseRules(yaml);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  return r.groups[0]!;
}

/** Every sample of series named `name` as `labels => [[t, v], …]` (stale markers as 'stale'). */
function read(s: MemoryStorage, name: string): Map<string, (number | string)[][]> {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select(true, undefined, newMatcher(MatchType.Equal, '__name__', name));
  const out = new Map<string, (number | string)[][]>();
  while (set.next()) {
    const it = set.at().iterator();
    const pts: (number | string)[][] = [];
    while (it.next()) pts.push([it.atT(), isStaleNaN(it.at()) ? 'stale' : it.at()]);
    out.set(set.at().labels.toString(), pts);
  }
  return out;
}

async function load(s: MemoryStorage, rows: [Labels, number, number][]): Promise<void> {
  const app = s.appender();
  for (const [l, t, v] of rows) app.append(0, l, t, v);
  await app.commit();
}

function group(s: MemoryStorage, yaml: string, metrics = new GroupMetrics(), file = 'rules.yml'): Group {
  return new Group({ file, spec: specOf(yaml), intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics });
}

const l = (...kv: string[]) => Labels.fromStrings(...kv);

test('a recording rule writes its result renamed, with its labels, at the evaluation time', async () => {
  const s = new MemoryStorage();
  await load(s, [
    [l('__name__', 'up', 'job', 'a', 'instance', '1'), 0, 1],
    [l('__name__', 'up', 'job', 'a', 'instance', '2'), 0, 1],
    [l('__name__', 'up', 'job', 'b', 'instance', '3'), 0, 0],
  ]);
  const g = group(s, 'groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n    labels: {team: x}\n  - record: one\n    expr: "1"\n');
  await g.evalAt(10_000);
  assert.deepEqual(read(s, 'job:up:sum'), new Map([
    ['{__name__="job:up:sum", job="a", team="x"}', [[10_000, 2]]],
    ['{__name__="job:up:sum", job="b", team="x"}', [[10_000, 0]]],
  ]));
  assert.deepEqual(read(s, 'one'), new Map([['{__name__="one"}', [[10_000, 1]]]]));
  assert.equal(g.rules[0]!.health, 'ok');
  assert.equal(g.rules[0]!.query, 'sum by (job) (up)');
  assert.notEqual(g.lastEvaluation, undefined);
});

test('a series the rule no longer produces gets a staleness marker at the next evaluation', async () => {
  const s = new MemoryStorage();
  await load(s, [[l('__name__', 'up', 'job', 'a'), 0, 1], [l('__name__', 'up', 'job', 'b'), 0, 1], [l('__name__', 'up', 'job', 'a'), 30_000, 1]]);
  const g = group(s, 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n');
  await g.evalAt(10_000);
  // With a 1s lookback the job="b" series (last sample at 0) is gone at 40s.
  const g2 = new Group({ file: 'rules.yml', spec: specOf('groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n'), intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine({ lookbackDeltaMs: 15_000 }), s), logger, metrics: new GroupMetrics() });
  g2.copyState(g);
  await g2.evalAt(40_000);
  assert.deepEqual(read(s, 'r'), new Map([
    ['{__name__="r", job="a"}', [[10_000, 1], [40_000, 1]]],
    ['{__name__="r", job="b"}', [[10_000, 1], [40_000, 'stale']]],
  ]));
});

test('duplicate output label sets and query errors fail that rule only; the group goes on and counts them', async () => {
  const s = new MemoryStorage();
  await load(s, [[l('__name__', 'a', 'x', '1'), 0, 1], [l('__name__', 'b', 'x', '1'), 0, 2]]);
  const metrics = new GroupMetrics();
  const g = group(s, 'groups:\n- name: g\n  rules:\n  - record: dup\n    expr: "{__name__=~\\"a|b\\"}"\n  - record: bad\n    expr: "a + on(x) group_left {__name__=~\\"a|b\\"}"\n  - record: fine\n    expr: a\n', metrics);
  await g.evalAt(10_000);
  assert.equal(g.rules[0]!.health, 'err');
  assert.equal(g.rules[0]!.lastError, DUPLICATE_LABELSET);
  assert.equal(g.rules[1]!.health, 'err');
  assert.notEqual(g.rules[1]!.lastError, '');
  assert.equal(g.rules[2]!.health, 'ok');
  assert.equal(read(s, 'dup').size, 0);
  assert.deepEqual([...read(s, 'fine').values()], [[[10_000, 1]]]);
  const failures = (await metrics.failures.get()).values.find((v) => v.labels.rule_group === 'rules.yml;g');
  assert.equal(failures?.value, 2);
  const evals = (await metrics.evaluations.get()).values.find((v) => v.labels.rule_group === 'rules.yml;g');
  assert.equal(evals?.value, 3);
});

test('limit: more series than the group limit fail the rule with upstream text', async () => {
  const s = new MemoryStorage();
  await load(s, [[l('__name__', 'a', 'x', '1'), 0, 1], [l('__name__', 'a', 'x', '2'), 0, 2]]);
  const g = group(s, 'groups:\n- name: g\n  limit: 1\n  rules:\n  - record: r\n    expr: a\n');
  await g.evalAt(10_000);
  assert.equal(g.rules[0]!.lastError, 'exceeded limit of 1 with 2 series');
  assert.equal(read(s, 'r').size, 0);
});

test('the evaluation timestamp keeps a per-group phase within the interval', () => {
  const s = new MemoryStorage();
  const a = group(s, 'groups:\n- name: a\n  rules:\n  - record: r\n    expr: "1"\n');
  const b = group(s, 'groups:\n- name: b\n  rules:\n  - record: r\n    expr: "1"\n');
  for (const now of [1_700_000_000_000, 1_700_000_012_345, 1_700_000_059_999]) {
    const t = a.evalTimestamp(now);
    assert.ok(t <= now && t > now - 60_000, `${t} for ${now}`);
    assert.equal((t - a.evalTimestamp(1_700_000_000_000)) % 60_000, 0);
  }
  // Different groups usually get different phases (two fixed names, checked once).
  assert.notEqual(a.evalTimestamp(1_700_000_000_000) % 60_000, b.evalTimestamp(1_700_000_000_000) % 60_000);
});

test('a replaced group marks the series of its dropped rules stale; markStale ends every series', async () => {
  const s = new MemoryStorage();
  await load(s, [[l('__name__', 'up', 'job', 'a'), 0, 1]]);
  const old = group(s, 'groups:\n- name: g\n  rules:\n  - record: keep\n    expr: up\n  - record: gone\n    expr: up\n');
  await old.evalAt(10_000);
  const next = group(s, 'groups:\n- name: g\n  rules:\n  - record: keep\n    expr: up\n');
  next.copyState(old);
  assert.equal(next.rules[0]!.health, 'ok');
  await next.evalAt(20_000);
  assert.deepEqual([...read(s, 'gone').values()], [[[10_000, 1], [20_000, 'stale']]]);
  await next.markStale(25_000);
  assert.deepEqual([...read(s, 'keep').values()], [[[10_000, 1], [20_000, 1], [25_000, 'stale']]]);
});

test('group metrics carry rule_group="<file>;<group>"', async () => {
  const registry = createRegistry({ defaultMetrics: false });
  const s = new MemoryStorage();
  const g = group(s, 'groups:\n- name: g\n  interval: 30s\n  rules:\n  - record: r\n    expr: "1"\n', new GroupMetrics(registry), '/etc/r.yml');
  await g.evalAt(30_000);
  const { body } = await renderRegistry(registry);
  for (const line of [
    'prometheus_rule_evaluations_total{rule_group="/etc/r.yml;g"} 1',
    'prometheus_rule_evaluation_failures_total{rule_group="/etc/r.yml;g"} 0',
    'prometheus_rule_group_interval_seconds{rule_group="/etc/r.yml;g"} 60',
    'prometheus_rule_group_rules{rule_group="/etc/r.yml;g"} 1',
    'prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group="/etc/r.yml;g"} 30',
  ]) assert.ok(body.includes(line), line);
  assert.match(body, /prometheus_rule_group_last_duration_seconds\{rule_group="\/etc\/r.yml;g"\} [0-9.e-]+/);
});

test('start evaluates on schedule until stop', async () => {
  const s = new MemoryStorage();
  const g = new Group({ file: 'f', spec: specOf('groups:\n- name: g\n  rules:\n  - record: r\n    expr: vector(time())\n'), intervalMs: 50, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics() });
  g.start();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && ([...read(s, 'r').values()][0]?.length ?? 0) < 2) await new Promise((r) => setTimeout(r, 20));
  await g.stop();
  const pts = [...read(s, 'r').values()][0]!;
  assert.ok(pts.length >= 2);
  // Evaluation timestamps are on the group's schedule: 50 ms apart (or a multiple, when one was missed).
  assert.equal((Number(pts[1]![0]) - Number(pts[0]![0])) % 50, 0);
  const n = pts.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal([...read(s, 'r').values()][0]!.length, n);
});

test('storage failures (a closed storage) are logged, never thrown: evaluation and staleness writes', async () => {
  const s = new MemoryStorage();
  await load(s, [[l('__name__', 'up', 'job', 'a'), 0, 1]]);
  let broken = false;
  const appendable = { appender: () => (broken ? (() => { throw new Error('storage closed'); })() : s.appender()) };
  const g = new Group({ file: 'f', spec: specOf('groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n'), intervalMs: 60_000, appendable, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics() });
  await g.evalAt(10_000);
  broken = true;
  await g.evalAt(20_000);
  assert.equal(g.rules[0]!.health, 'err');
  assert.equal(g.rules[0]!.lastError, 'storage closed');
  await g.markStale(30_000);
  assert.deepEqual([...read(s, 'r').values()], [[[10_000, 1]]]);
});

function alertGroup(s: MemoryStorage, shouldRestore: boolean): Group {
  const r = parseRules('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n    for: 1m\n    labels: {sev: page}\n');
  assert.deepEqual(r.errors, []);
  return new Group({ file: 'f', spec: r.groups[0]!, intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics(), shouldRestore });
}

test('a group writes ALERTS pending, then firing (the pending series goes stale), and ALERTS_FOR_STATE', async () => {
  const s = new MemoryStorage();
  const g = alertGroup(s, false);
  for (const t of [60_000, 120_000, 180_000]) await g.evalAt(t);
  assert.deepEqual(Object.fromEntries(read(s, 'ALERTS')), {
    '{__name__="ALERTS", alertname="A", alertstate="pending", sev="page"}': [[60_000, 1], [120_000, 'stale']],
    '{__name__="ALERTS", alertname="A", alertstate="firing", sev="page"}': [[120_000, 1], [180_000, 1]],
  });
  assert.deepEqual(Object.fromEntries(read(s, 'ALERTS_FOR_STATE')), { '{__name__="ALERTS_FOR_STATE", alertname="A", sev="page"}': [[60_000, 60], [120_000, 60], [180_000, 60]] });
  const rule = g.rules[0]!;
  assert.equal(rule.health, 'ok');
});

test('a group loaded at startup writes no alert series for its first two evaluations', async () => {
  const s = new MemoryStorage();
  const g = alertGroup(s, true);
  for (const t of [60_000, 120_000, 180_000]) await g.evalAt(t);
  assert.deepEqual([...read(s, 'ALERTS').values()], [[[180_000, 1]]]);
});

test('a replaced group takes over the alerts of an unchanged alerting rule (activeAt, state)', async () => {
  const s = new MemoryStorage();
  const old = alertGroup(s, false);
  for (const t of [60_000, 120_000]) await old.evalAt(t);
  const r = parseRules('groups:\n- name: g\n  rules:\n  - record: r\n    expr: vector(2)\n  - alert: A\n    expr: vector(1)\n    for: 1m\n    labels: {sev: page}\n');
  const next = new Group({ file: 'f', spec: r.groups[0]!, intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics() });
  next.copyState(old);
  await next.evalAt(180_000);
  const alert = next.rules[1]! as AlertingRule;
  assert.deepEqual(alert.activeAlerts().map((a) => [a.state, a.activeAt]), [['firing', 60_000]]);
});
