import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/labels/index.js';
import { STALE_NAN } from '../model/value/index.js';
import { Engine } from '../promql/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { createLogger } from '../util/index.js';
import { AlertingRule } from './alerting-rule.js';
import { Group } from './group.js';
import { GroupMetrics } from './group-metrics.js';
import { engineQueryFunc } from './query-func.js';
import { parseRules } from './rule-file.js';

const logger = createLogger({ level: 'error', write: () => {} });
const NOW = 3_600_000;

/** A startup group (`for: 30m`) over a storage holding `ALERTS_FOR_STATE` = `activeAtS` at `downAt`. */
async function restoredActiveAt(activeAtS: number, downAt: number, forText = '30m'): Promise<number> {
  const s = new MemoryStorage();
  const app = s.appender();
  app.append(0, Labels.fromStrings('__name__', 'ALERTS_FOR_STATE', 'alertname', 'A', 'sev', 'page'), downAt, activeAtS);
  await app.commit();
  const r = parseRules(`groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n    for: ${forText}\n    labels: {sev: page}\n`);
  const g = new Group({ file: 'f', spec: r.groups[0]!, intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics(), shouldRestore: true, queryable: s, now: () => NOW });
  await g.evalAt(NOW - 60_000);
  await g.evalAt(NOW);
  const rule = g.rules[0] as AlertingRule;
  assert.equal(rule.restored, true);
  return rule.activeAlerts()[0]!.activeAt;
}

test('restore: the pending time before the restart counts, the downtime does not', async () => {
  // Pending 10 of 30 minutes when it went down at 1600s: 20 minutes remain from now.
  assert.equal(await restoredActiveAt(1000, 1_600_000), 1_000_000 + (NOW - 1_600_000));
});

test('restore: less than the grace period left means firing a grace period from now', async () => {
  assert.equal(await restoredActiveAt(0, 1_500_000), NOW + 600_000 - 1_800_000);
});

test('restore: an alert that was firing keeps its activeAt; short for and stale series are not restored', async () => {
  assert.equal(await restoredActiveAt(100, 2_000_000), 100_000);
  assert.equal(await restoredActiveAt(100, 2_000_000, '5m'), NOW - 60_000);
  assert.equal(await restoredActiveAt(STALE_NAN, 2_000_000), NOW - 60_000);
});
