import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import type { LabelMatcher, Querier, Queryable, SelectHints, SelectRequest } from '../../storage/index.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import { parseExpr, ALL_FEATURES } from '../parser/index.js';
import { Engine } from './engine.js';
import { planFromAst } from './plan-from-ast.js';
import { walkPlan, type VectorSelectorPlan } from './plan.js';
import { orderFreeSelectors } from './select-order.js';

/** For each vector selector of `q` (by metric name, in plan order): whether it may select unsorted. */
function freeness(q: string, range: boolean): Record<string, boolean> {
  const plan = planFromAst(parseExpr(q, ALL_FEATURES), { startMs: 0, endMs: range ? 60_000 : 0, stepMs: range ? 15_000 : 0 });
  const free = orderFreeSelectors(plan, range);
  const out: Record<string, boolean> = {};
  walkPlan(plan, (n) => {
    if (n.kind === 'vectorSelector') out[n.name] = free.has(n as VectorSelectorPlan);
  });
  return out;
}

test('order-free selectors: single-group aggregations always, grouped ones only where the output is sorted anyway', () => {
  assert.deepEqual(freeness('count({job="x"})', false), { '': true });
  assert.deepEqual(freeness('sum(rate(a[5m]))', false), { a: true });
  assert.deepEqual(freeness('sum by () (-abs(a) * 2)', false), { a: true });
  assert.deepEqual(freeness('max(quantile_over_time(0.9, a[5m]))', false), { a: true });
  // Grouped: the instant vector's order shows; a range query sorts its output.
  assert.deepEqual(freeness('sum by (mode) (rate(a[5m]))', false), { a: false });
  assert.deepEqual(freeness('sum by (mode) (rate(a[5m]))', true), { a: true });
  assert.deepEqual(freeness('count without (i) (a)', true), { a: true });
  // Nested order-free aggregations.
  assert.deepEqual(freeness('sum(max by (x) (a))', false), { a: true });
  // Order shows through ties, matching, other functions and subqueries; plain selectors keep it.
  assert.deepEqual(freeness('a', true), { a: false });
  assert.deepEqual(freeness('rate(a[5m])', true), { a: false });
  assert.deepEqual(freeness('topk(3, a)', true), { a: false });
  assert.deepEqual(freeness('sum(topk(3, a))', false), { a: false });
  assert.deepEqual(freeness('sum(a / b)', false), { a: false, b: false });
  assert.deepEqual(freeness('sum(a * 2)', false), { a: true });
  assert.deepEqual(freeness('sum(label_replace(a, "x", "y", "z", ".*"))', false), { a: false });
  assert.deepEqual(freeness('sum(histogram_quantile(0.9, a))', false), { a: false });
  assert.deepEqual(freeness('sum(max_over_time(a[5m:1m]))', false), { a: false });
  assert.deepEqual(freeness('stddev(a)', false), { a: false });
  assert.deepEqual(freeness('count(a) + b', false), { a: true, b: false });
});

/** A queryable that records the `sortSeries` of every select and prefetched request. */
function recording(inner: Queryable): { q: Queryable; selects: boolean[]; prefetched: SelectRequest[] } {
  const selects: boolean[] = [];
  const prefetched: SelectRequest[] = [];
  const q: Queryable = {
    querier(mint: number, maxt: number): Querier {
      const base = inner.querier(mint, maxt);
      return {
        prefetch: async (reqs: readonly SelectRequest[]) => void prefetched.push(...reqs),
        select: (sort: boolean, hints: SelectHints | undefined, ...m: LabelMatcher[]) => {
          selects.push(sort);
          return base.select(sort, hints, ...m);
        },
        labelNames: (h, ...m) => base.labelNames(h, ...m),
        labelValues: (n, h, ...m) => base.labelValues(n, h, ...m),
        close: () => base.close(),
      };
    },
  };
  return { q, selects, prefetched };
}

test('the engine selects and prefetches unsorted only where the result cannot depend on it', async () => {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < 20; i++) app.append(0, Labels.fromStrings('__name__', 'a', 'i', String(i), 'm', String(i % 3)), 0, i);
  await app.commit();
  const e = new Engine();
  const run = async (query: string): Promise<{ selects: boolean[]; prefetched: (boolean | undefined)[]; value: unknown }> => {
    const r = recording(s);
    const res = await e.newInstantQuery(r.q, query, 1000).exec();
    assert.equal(res.error, undefined);
    return { selects: r.selects, prefetched: r.prefetched.map((p) => p.sortSeries), value: res.value };
  };
  const c = await run('count(a)');
  assert.deepEqual(c.selects, [false]);
  assert.deepEqual(c.prefetched, [false]);
  assert.equal(c.value && (c.value as { samples: { f: number }[] }).samples[0]!.f, 20);
  const g = await run('sum by (m) (a)');
  assert.deepEqual(g.selects, [true]);
  assert.deepEqual(g.prefetched, [undefined]);
  // One request per matcher list: sorted when any of its selectors needs order.
  const both = await run('count(a) + on() group_left sum(a)');
  assert.deepEqual(both.selects, [false, false]);
  const mixed = await run('a + on(i) count by (i) (a)');
  assert.deepEqual(mixed.prefetched, [undefined]);
});
