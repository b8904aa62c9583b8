import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/labels/index.js';
import type { Sample } from '../promql/index.js';
import { AlertingRule, DUPLICATE_ALERT_LABELSET, RESOLVED_RETENTION_MS } from './alerting-rule.js';
import type { QueryFunc } from './query-func.js';
import { parseRules } from './rule-file.js';

function rule(body: string): AlertingRule {
  const r = parseRules(`groups:\n- name: g\n  rules:\n${body}`);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  return new AlertingRule(r.groups[0]!.rules[0]!);
}

/** A query whose result is whatever `current` holds at the time of the call. */
function fakeQuery(current: { samples: Sample[] }): QueryFunc {
  return async () => current.samples;
}

const sample = (f: number, ...kv: string[]): Sample => ({ metric: Labels.fromStrings(...kv), t: 0, f, dropName: false });
const shown = (out: { labels: Labels; f: number }[]) => out.map((s) => `${s.labels.toString()} ${s.f}`);

test('an alert is pending until `for` has elapsed since activeAt, then firing; ALERTS and ALERTS_FOR_STATE follow', async () => {
  const r = rule('  - alert: Up\n    expr: up == 1\n    for: 2m\n    labels: {severity: page}\n');
  const cur = { samples: [sample(1, '__name__', 'up', 'job', 'a')] };
  const q = fakeQuery(cur);
  let out = await r.eval(q, 60_000, 0);
  assert.deepEqual(shown(out), ['{__name__="ALERTS", alertname="Up", alertstate="pending", job="a", severity="page"} 1', '{__name__="ALERTS_FOR_STATE", alertname="Up", job="a", severity="page"} 60']);
  assert.equal(r.state(), 'pending');
  out = await r.eval(q, 120_000, 0);
  assert.equal(r.state(), 'pending');
  out = await r.eval(q, 180_000, 0);
  assert.equal(r.state(), 'firing');
  assert.equal(shown(out)[0], '{__name__="ALERTS", alertname="Up", alertstate="firing", job="a", severity="page"} 1');
  assert.equal(r.activeAlerts()[0]!.activeAt, 60_000);
  // Gone: resolved (inactive, kept for the notifier), nothing written, no longer active.
  cur.samples = [];
  out = await r.eval(q, 240_000, 0);
  assert.deepEqual(out, []);
  assert.equal(r.state(), 'inactive');
  assert.equal(r.alerts()[0]!.resolvedAt, 240_000);
  // Back: a new pending alert.
  cur.samples = [sample(1, 'job', 'a')];
  await r.eval(q, 300_000, 0);
  assert.equal(r.activeAlerts()[0]!.state, 'pending');
  assert.equal(r.activeAlerts()[0]!.activeAt, 300_000);
});

test('a pending alert that goes away is dropped; a resolved one after 15 minutes', async () => {
  const r = rule('  - alert: A\n    expr: x\n    for: 5m\n');
  const cur = { samples: [sample(3, 'i', '1')] };
  await r.eval(fakeQuery(cur), 0, 0);
  cur.samples = [];
  await r.eval(fakeQuery(cur), 60_000, 0);
  assert.equal(r.alerts().length, 0);
  const z = rule('  - alert: A\n    expr: x\n');
  cur.samples = [sample(3, 'i', '1')];
  await z.eval(fakeQuery(cur), 0, 0);
  assert.equal(z.state(), 'firing');
  cur.samples = [];
  await z.eval(fakeQuery(cur), 60_000, 0);
  await z.eval(fakeQuery(cur), 60_000 + RESOLVED_RETENTION_MS, 0);
  assert.equal(z.alerts().length, 1);
  await z.eval(fakeQuery(cur), 60_001 + RESOLVED_RETENTION_MS, 0);
  assert.equal(z.alerts().length, 0);
});

test('keep_firing_for keeps a vanished firing alert firing (and written) for that long', async () => {
  const r = rule('  - alert: A\n    expr: x\n    keep_firing_for: 2m\n');
  const cur = { samples: [sample(1)] };
  await r.eval(fakeQuery(cur), 0, 0);
  assert.equal(r.state(), 'firing');
  cur.samples = [];
  assert.equal((await r.eval(fakeQuery(cur), 60_000, 0)).length, 2);
  assert.equal((await r.eval(fakeQuery(cur), 120_000, 0)).length, 2);
  assert.equal(r.state(), 'firing');
  assert.deepEqual(await r.eval(fakeQuery(cur), 180_000, 0), []);
  assert.equal(r.state(), 'inactive');
});

test('duplicate label sets and the limit fail the rule; not restored writes nothing', async () => {
  const r = rule('  - alert: A\n    expr: x\n');
  await assert.rejects(r.eval(fakeQuery({ samples: [sample(1, '__name__', 'a'), sample(2, '__name__', 'b')] }), 0, 0), new RegExp(DUPLICATE_ALERT_LABELSET));
  await assert.rejects(r.eval(fakeQuery({ samples: [sample(1, 'i', '1'), sample(2, 'i', '2')] }), 0, 1), /exceeded limit of 1 with 2 alerts/);
  assert.equal(r.alerts().length, 0);
  r.restored = false;
  assert.deepEqual(await r.eval(fakeQuery({ samples: [sample(1)] }), 0, 0), []);
  assert.equal(r.state(), 'firing');
});
