/**
 * Alerting rules: `ignis server` and the real Prometheus (Debian's 2.42) run the same config and
 * rule file over the same synthetic target. Once the alerts have fired in both, the `ALERTS`
 * series, `/api/v1/alerts` and `/api/v1/rules?type=alert` must agree apart from timestamps and
 * timings: labels (with templated values), annotations (templates with `$labels`, `$value`,
 * `humanize`, `printf`, `if`), states (`keep_firing_for` too), values, health.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from './loopback.js';
import { labelsKey, queryVector } from './server/api.js';
import { rulesSkipReason, startRulePeers } from './server/rules-setup.js';
import type { ApiProcess } from './server/processes.js';

/**
 * The rule file; `Held` fires until `endS` (Unix seconds), then `keep_firing_for` holds it. Its
 * time is taken modulo 999999 (wraps every 11.6 days) because 2.42 prints larger literals as
 * `1.795350446e+09` where Ignis' parser prints `1795350446`.
 */
const rules = (endS: number) => `groups:
- name: alerts
  interval: 1s
  rules:
  - alert: InstanceUp
    expr: up == 1
    for: 2s
    labels:
      severity: info
      job_copy: '{{ $labels.job }}'
    annotations:
      summary: '{{ $labels.instance }} of job {{ .Labels.job }} is up'
      value: '{{ $value }} {{ humanize $value }} {{ printf "%.2f" $value }} {{ humanizePercentage 0.5 }}'
      cond: '{{ if eq $labels.job "bench" }}bench{{ else }}other{{ end }} {{ $labels.missing }}'
      broken: '{{ if gt $value 0 }}x{{ end }}'
  - alert: StillPending
    expr: up == 1
    for: 1h
  - alert: Never
    expr: up == 0
  - alert: Held
    expr: vector(1) unless on() (vector(time() % 999999) > ${endS % 999999})
    keep_firing_for: 10m
  - record: job:up:sum
    expr: sum by (job) (up)
`;

interface AlertJSON {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  keepFiringSince?: string;
  value: string;
}

async function api<T>(base: string, path: string): Promise<T> {
  const body = (await (await fetch(`${base}${path}`)).json()) as { status: string; data: T };
  assert.equal(body.status, 'success', path);
  return body.data;
}

/** Alerts sorted by labels, without `activeAt` (a time) but with its presence and key order. */
function alertsShape(alerts: AlertJSON[]): unknown[] {
  return alerts
    .map((a) => ({ ...a, activeAt: typeof a.activeAt, keepFiringSince: typeof a.keepFiringSince, keys: Object.keys(a).join(',') }))
    .sort((x, y) => (labelsKey(x.labels) < labelsKey(y.labels) ? -1 : 1));
}

interface RulesJSON {
  groups: { rules: Record<string, unknown>[] }[];
}

function rulesShape(r: RulesJSON): unknown {
  return r.groups.map((g) => ({
    ...g,
    evaluationTime: undefined,
    lastEvaluation: undefined,
    rules: g.rules.map((x) => ({
      ...x,
      evaluationTime: undefined,
      lastEvaluation: undefined,
      alerts: Array.isArray(x.alerts) ? alertsShape(x.alerts as AlertJSON[]) : x.alerts,
      keys: Object.keys(x).join(','),
    })),
  }));
}

test('alerting rules: Ignis and Prometheus show the same ALERTS series, /api/v1/alerts and alerting rules', { skip: rulesSkipReason(), timeout: 120_000 }, async (t) => {
  const endS = Math.floor(Date.now() / 1000) + 15;
  const { ignis, prom } = await startRulePeers(t, rules(endS), 50);
  const firing = (p: ApiProcess) =>
    pollUntil(`InstanceUp firing at ${p.base}`, 30_000, 250, async () => {
      const v = await queryVector(p.base, 'ALERTS{alertname="InstanceUp",alertstate="firing"}');
      return v.length > 0 ? true : undefined;
    });
  await Promise.all([firing(ignis), firing(prom)]);
  // One more evaluation everywhere, so both have written the same states, and Held's
  // expression has stopped returning it (kept firing, with keepFiringSince).
  await new Promise((r) => setTimeout(r, Math.max(2_500, endS * 1000 + 2_500 - Date.now())));

  await t.test('the same ALERTS and ALERTS_FOR_STATE series', async () => {
    for (const q of ['ALERTS', 'ALERTS_FOR_STATE']) {
      const [a, b] = await Promise.all([queryVector(ignis.base, q), queryVector(prom.base, q)]);
      assert.ok(b.length > 0, `${q}: Prometheus wrote nothing`);
      assert.deepEqual(a.map((s) => labelsKey(s.metric)).sort(), b.map((s) => labelsKey(s.metric)).sort(), q);
      if (q === 'ALERTS') assert.deepEqual(a.map((s) => s.value[1]), b.map((s) => s.value[1]));
    }
  });

  await t.test('/api/v1/alerts: same alerts, labels, annotations, states and values', async () => {
    const [a, b] = await Promise.all([api<{ alerts: AlertJSON[] }>(ignis.base, '/api/v1/alerts'), api<{ alerts: AlertJSON[] }>(prom.base, '/api/v1/alerts')]);
    assert.deepEqual(alertsShape(a.alerts), alertsShape(b.alerts));
  });

  await t.test('/api/v1/rules?type=alert: same rules, states, health and alerts', async () => {
    const [a, b] = await Promise.all([api<RulesJSON>(ignis.base, '/api/v1/rules?type=alert'), api<RulesJSON>(prom.base, '/api/v1/rules?type=alert')]);
    assert.deepEqual(rulesShape(a), rulesShape(b));
  });
});
