import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newMatcher, MatchType } from '../model/labels/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { Engine } from '../promql/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { createLogger } from '../util/index.js';
import { Group } from './group.js';
import { GroupMetrics } from './group-metrics.js';
import { engineQueryFunc } from './query-func.js';
import { parseRules } from './rule-file.js';

const logger = createLogger({ level: 'error', write: () => {} });

function read(s: MemoryStorage, name: string): Map<string, (number | string)[][]> {
  const set = s.querier(-Infinity, Infinity).select(true, undefined, newMatcher(MatchType.Equal, '__name__', name));
  const out = new Map<string, (number | string)[][]>();
  while (set.next()) {
    const it = set.at().iterator();
    const pts: (number | string)[][] = [];
    while (it.next()) pts.push([it.atT(), isStaleNaN(it.at()) ? 'stale' : it.at()]);
    out.set(set.at().labels.toString(), pts);
  }
  return out;
}

function group(s: MemoryStorage, shouldRestore: boolean): Group {
  const r = parseRules('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n    for: 1m\n    labels: {sev: page}\n');
  assert.deepEqual(r.errors, []);
  return new Group({ file: 'f', spec: r.groups[0]!, intervalMs: 60_000, appendable: s, query: engineQueryFunc(new Engine(), s), logger, metrics: new GroupMetrics(), shouldRestore });
}

test('a group writes ALERTS pending, then firing (the pending series goes stale), and ALERTS_FOR_STATE', async () => {
  const s = new MemoryStorage();
  const g = group(s, false);
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
  const g = group(s, true);
  for (const t of [60_000, 120_000, 180_000]) await g.evalAt(t);
  assert.deepEqual([...read(s, 'ALERTS').values()], [[[180_000, 1]]]);
});
