import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../model/labels/index.js';
import type { Sample } from '../promql/index.js';
import { AlertingRule, RESOLVED_RETENTION_MS, type Alert } from './alerting-rule.js';
import { queryEscape, sendAlertsTo, tableLinkForExpression, type OutgoingAlert } from './notify.js';
import { parseRules } from './rule-file.js';
import { Engine } from '../promql/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { createLogger } from '../util/index.js';
import { Group } from './group.js';
import { GroupMetrics } from './group-metrics.js';
import { engineQueryFunc } from './query-func.js';

function rule(body: string): AlertingRule {
  const r = parseRules(`groups:\n- name: g\n  rules:\n${body}`);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  return new AlertingRule(r.groups[0]!.rules[0]!);
}

const sample = (f: number, ...kv: string[]): Sample => ({ metric: Labels.fromStrings(...kv), t: 0, f, dropName: false });

/** Evaluates `r` at `t` with `samples` and returns what it sends (resend delay 60s, interval 15s). */
async function evalAndSend(r: AlertingRule, t: number, samples: Sample[], resendDelayMs = 60_000, intervalMs = 15_000): Promise<{ expr: string; alerts: Alert[] }> {
  await r.eval(async () => samples, t, 0);
  let got: { expr: string; alerts: Alert[] } | undefined;
  r.sendAlerts(t, resendDelayMs, intervalMs, (expr, alerts) => (got = { expr, alerts: [...alerts] }));
  assert.ok(got, 'notify is called after every evaluation');
  return got;
}

test('sendAlerts: pending alerts are not sent; firing ones at once, then again only after the resend delay', async () => {
  const r = rule('  - alert: A\n    expr: up == 0\n    for: 30s\n');
  const s = [sample(0, 'job', 'x')];
  assert.deepEqual((await evalAndSend(r, 0, s)).alerts, [], 'pending');
  const fired = await evalAndSend(r, 30_000, s);
  assert.equal(fired.expr, 'up == 0');
  assert.equal(fired.alerts.length, 1);
  // endsAt horizon: 4 × max(interval 15s, resend delay 60s).
  assert.equal(fired.alerts[0]!.validUntil, 30_000 + 4 * 60_000);
  assert.equal(fired.alerts[0]!.lastSentAt, 30_000);
  assert.deepEqual((await evalAndSend(r, 45_000, s)).alerts, [], 'within the resend delay');
  assert.deepEqual((await evalAndSend(r, 90_000, s)).alerts, [], 'exactly at the delay: not yet (strictly after, as upstream)');
  const again = await evalAndSend(r, 105_000, s);
  assert.equal(again.alerts.length, 1);
  assert.equal(again.alerts[0]!.validUntil, 105_000 + 240_000);
});

test('sendAlerts: the horizon uses the group interval when it is longer than the resend delay', async () => {
  const r = rule('  - alert: A\n    expr: up == 0\n');
  const got = await evalAndSend(r, 1_000, [sample(0)], 1_000, 5 * 60_000);
  assert.equal(got.alerts[0]!.validUntil, 1_000 + 4 * 5 * 60_000);
});

test('sendAlerts: a resolved alert is sent at once, re-sent every resend delay, and forgotten after 15 minutes', async () => {
  const r = rule('  - alert: A\n    expr: up == 0\n');
  await evalAndSend(r, 0, [sample(0)]);
  const resolved = await evalAndSend(r, 10_000, []);
  assert.equal(resolved.alerts.length, 1, 'resolved since last sent');
  assert.equal(resolved.alerts[0]!.resolvedAt, 10_000);
  assert.equal(resolved.alerts[0]!.state, 'inactive');
  assert.deepEqual((await evalAndSend(r, 20_000, [])).alerts, []);
  assert.equal((await evalAndSend(r, 80_000, [])).alerts.length, 1, 're-sent after the delay');
  await evalAndSend(r, 10_000 + RESOLVED_RETENTION_MS + 1, []);
  assert.deepEqual(r.alerts(), [], 'forgotten');
});

test('sendAlerts hands over snapshots: later evaluations do not change what was sent', async () => {
  const r = rule('  - alert: A\n    expr: up == 0\n');
  const first = await evalAndSend(r, 0, [sample(0)]);
  await evalAndSend(r, 10_000, []);
  assert.equal(first.alerts[0]!.state, 'firing');
  assert.equal(first.alerts[0]!.resolvedAt, undefined);
});

test('queryEscape is Go url.QueryEscape; the table link is upstream\'s', () => {
  assert.equal(queryEscape("sum(rate(x{a=\"b c\"}[5m])) > 0 & !'*~_.-"), 'sum%28rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29%29+%3E+0+%26+%21%27%2A~_.-');
  assert.equal(queryEscape('é/'), '%C3%A9%2F');
  assert.equal(queryEscape('a\ud800b'), 'a%EF%BF%BDb', 'a lone high surrogate is U+FFFD');
  assert.equal(queryEscape('\udc00'), '%EF%BF%BD', 'a lone low surrogate is U+FFFD');
  assert.equal(queryEscape('\udbff\ud800\udc00x\udfff'), '%EF%BF%BD%F0%90%80%80x%EF%BF%BD', 'pairs stay one code point');
  assert.equal(queryEscape('😀 '), '%F0%9F%98%80+');
  assert.equal(tableLinkForExpression('up{a="\ud800"}'), '/graph?g0.expr=up%7Ba%3D%22%EF%BF%BD%22%7D&g0.tab=1');
  assert.equal(tableLinkForExpression('up == 0'), '/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
});

test('sendAlertsTo: startsAt is when it fired, endsAt the resolve time or the validity; nothing sent for no alerts', async () => {
  const sent: OutgoingAlert[][] = [];
  const notify = sendAlertsTo((a) => sent.push(a), () => 'http://h:9090/p');
  const r = rule('  - alert: A\n    expr: up == 0\n    for: 10s\n    annotations: {s: x}\n');
  await r.eval(async () => [sample(0, 'job', 'j')], 0, 0);
  r.sendAlerts(0, 60_000, 10_000, notify);
  assert.equal(sent.length, 0, 'pending alerts only: send is not called');
  await r.eval(async () => [sample(0, 'job', 'j')], 10_000, 0);
  r.sendAlerts(10_000, 60_000, 10_000, notify);
  await r.eval(async () => [], 20_000, 0);
  r.sendAlerts(20_000, 60_000, 10_000, notify);
  assert.deepEqual(
    sent.map((b) => b.map((a) => ({ labels: a.labels.toString(), annotations: a.annotations.toString(), startsAt: a.startsAt, endsAt: a.endsAt, generatorURL: a.generatorURL }))),
    [
      [{ labels: '{alertname="A", job="j"}', annotations: '{s="x"}', startsAt: 10_000, endsAt: 10_000 + 240_000, generatorURL: 'http://h:9090/p/graph?g0.expr=up+%3D%3D+0&g0.tab=1' }],
      [{ labels: '{alertname="A", job="j"}', annotations: '{s="x"}', startsAt: 10_000, endsAt: 20_000, generatorURL: 'http://h:9090/p/graph?g0.expr=up+%3D%3D+0&g0.tab=1' }],
    ],
  );
});

test('a group hands each alerting rule\'s due alerts to notify after evaluating it, with its interval and resend delay', async () => {
  const s = new MemoryStorage();
  const spec = parseRules('groups:\n- name: g\n  interval: 10s\n  rules:\n  - alert: Always\n    expr: vector(1)\n  - record: r\n    expr: vector(2)\n  - alert: Never\n    expr: vector(1) == 0\n').groups[0]!;
  const calls: { expr: string; n: number; validUntil: number[] }[] = [];
  const g = new Group({
    file: 'f.yml',
    spec,
    intervalMs: 10_000,
    appendable: s,
    query: engineQueryFunc(new Engine(), s),
    logger: createLogger({ level: 'error', write: () => {} }),
    metrics: new GroupMetrics(),
    notify: (expr, alerts) => calls.push({ expr, n: alerts.length, validUntil: alerts.map((a) => a.validUntil) }),
    resendDelayMs: 5_000,
  });
  await g.evalAt(100_000);
  await g.evalAt(110_000);
  assert.deepEqual(calls, [
    { expr: 'vector(1)', n: 1, validUntil: [100_000 + 4 * 10_000] },
    { expr: 'vector(1) == 0', n: 0, validUntil: [] },
    { expr: 'vector(1)', n: 1, validUntil: [110_000 + 4 * 10_000] },
    { expr: 'vector(1) == 0', n: 0, validUntil: [] },
  ]);
});

/** Go's `url.QueryEscape` over the bytes Node's UTF-8 encoder gives (lone surrogates as EF BF BD). */
function byteQueryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

test('queryEscape never throws and escapes every byte of the UTF-8 as Go does', () => {
  const chars = fc.oneof(
    fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '😀', ' ', '+', '%', '~', '!', '*', "'", '(', ')', 'é', '\u0000', '\u007f'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  );
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 30 }), (parts) => {
      const s = parts.join('');
      assert.equal(queryEscape(s), byteQueryEscape(s));
    }),
    { numRuns: 2000 },
  );
});
