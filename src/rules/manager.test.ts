import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMatcher, MatchType } from '../model/labels/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { Engine } from '../promql/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import { createLogger, createRegistry, renderRegistry } from '../util/index.js';
import { loadRules, RuleLoadError, RuleManager } from './manager.js';
import { engineQueryFunc } from './query-func.js';

const logger = createLogger({ level: 'error', write: () => {} });

function values(s: MemoryStorage, name: string): number[] {
  const set = s.querier(-Infinity, Infinity).select(true, undefined, newMatcher(MatchType.Equal, '__name__', name));
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push(it.at());
  }
  return out;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('loadRules expands globs, applies the default interval and refuses a broken file whole', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.rules.yml'), 'groups:\n- name: a\n  rules:\n  - record: r\n    expr: "1"\n');
  writeFileSync(join(dir, 'b.rules.yml'), 'groups:\n- name: b\n  interval: 10s\n  rules:\n  - record: r\n    expr: "2"\n');
  const ok = loadRules([join(dir, '*.rules.yml')], 60_000);
  assert.deepEqual(ok.groups.map((g) => [g.file, g.spec.name, g.intervalMs]), [
    [join(dir, 'a.rules.yml'), 'a', 60_000],
    [join(dir, 'b.rules.yml'), 'b', 10_000],
  ]);
  writeFileSync(join(dir, 'c.rules.yml'), 'groups:\n- name: c\n  rules:\n  - record: r\n    expr: "sum("\n');
  assert.throws(
    () => loadRules([join(dir, '*.rules.yml')], 60_000),
    (err: unknown) => err instanceof RuleLoadError && err.message.startsWith('error loading rules, previous rule set restored: ' + join(dir, 'c.rules.yml') + ': 5:11: group "c", rule 1, "r": could not parse expression'),
  );
  assert.deepEqual(loadRules([join(dir, 'missing.yml')], 60_000).groups, [], 'a literal path that matches nothing is skipped, as by Go glob');
});

test('update keeps unchanged groups, replaces changed ones and marks removed groups stale two intervals later', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yml');
  const s = new MemoryStorage();
  const registry = createRegistry({ defaultMetrics: false });
  const m = new RuleManager({ appendable: s, query: engineQueryFunc(new Engine(), s), logger, registry });
  t.after(() => m.stop());
  const write = (groups: string) => {
    writeFileSync(file, 'groups:\n' + groups);
    return loadRules([file], 60_000);
  };
  const keep = '- name: keep\n  interval: 50ms\n  rules:\n  - record: kept\n    expr: "1"\n';
  const change = (expr: string) => `- name: change\n  interval: 50ms\n  rules:\n  - record: changed\n    expr: "${expr}"\n`;
  const gone = '- name: gone\n  interval: 50ms\n  rules:\n  - record: removed\n    expr: "3"\n';
  await m.update(write(keep + change('2') + gone));
  m.start();
  const [c0, , k0] = m.groups();
  await until(() => values(s, 'removed').length > 0 && values(s, 'changed').length > 0, 'first evaluations');
  await m.update(write(keep + change('4')));
  const [c1, k1] = m.groups();
  assert.equal(m.groups().length, 2);
  assert.equal(k1, k0, 'the unchanged group keeps running as it was');
  assert.notEqual(c1, c0, 'the changed group is replaced');
  const body = (await renderRegistry(registry)).body;
  assert.ok(body.includes(`prometheus_rule_group_rules{rule_group="${file};change"} 1`));
  assert.ok(!body.includes(';gone"'), 'a removed group has no metric series left');
  await until(() => values(s, 'changed').includes(4), 'the changed rule');
  await until(() => values(s, 'removed').some(isStaleNaN), 'staleness markers of the removed group');
  const removed = values(s, 'removed');
  assert.ok(isStaleNaN(removed.at(-1)!) && removed.slice(0, -1).every((v) => v === 3));
  assert.ok(!values(s, 'changed').some(isStaleNaN), 'the replaced group keeps its series');
  await m.stop();
  const n = values(s, 'kept').length;
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(values(s, 'kept').length, n, 'no evaluation after stop');
});
