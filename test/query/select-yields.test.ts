/**
 * A large select gives the event loop turns (issue #5: the loop's p99 delay under 50 ms while a
 * heavy query runs). Over a head of 100k series, `count({job=...})` and `sum by (x) (rate(...))`
 * go through the querier the API uses (the server's fanout over local storage): matching and
 * sorting the selected series, including recomputing the head's label ranks, happen in
 * `prefetch` in slices, so other work runs between the querier's opening and the select.
 * Deterministic form: the number of event-loop turns counted in that window (0 when the select
 * does it all in one synchronous call), not a timing bound. The sliced path answers exactly as
 * the one-shot select does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, MatchType, newMatcher } from '../../src/model/labels/index.js';
import type { LabelMatcher, Querier, Queryable, SelectHints } from '../../src/storage/index.js';
import { FanoutQueryable } from '../../src/storage/remote/index.js';
import { Engine, type Value } from '../../src/promql/index.js';
import { Head } from '../../src/tsdb/head/index.js';

const SERIES = 100_000;
const T0 = 1_700_000_000_000;

/** A head with `SERIES` series of job "bench" (10 metric names, 10 instances, label x), 3 samples each. */
async function bigHead(): Promise<Head> {
  const head = await Head.open({});
  const labels = Array.from({ length: SERIES }, (_, i) =>
    Labels.fromStrings('__name__', `m${i % 10}`, 'instance', `host-${(i >> 4) % 10}`, 'job', 'bench', 'x', String(i % 7), 'id', String(i)),
  );
  const refs = new Array<number>(SERIES).fill(0);
  for (let k = 0; k < 3; k++) {
    const app = head.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, T0 + k * 15_000, Math.sqrt(i + 0.5) * (k + 1));
    await app.commit();
  }
  return head;
}

/** Counts event-loop turns (a `setImmediate` chain) while it runs; `stop()` ends the chain. */
function turnCounter(): { turns: number; stop(): void } {
  const c = { turns: 0, stopped: false, stop() { this.stopped = true; } };
  const spin = (): void => {
    if (c.stopped) return;
    c.turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return c;
}

/**
 * `inner`, recording for each querier the turns counted from its opening to the end of its
 * first select (what a select holds the loop for when it does all its work synchronously).
 */
function observed(inner: Queryable, counter: { turns: number }, out: number[]): Queryable {
  return {
    querier(mint: number, maxt: number): Querier {
      const q = inner.querier(mint, maxt);
      const opened = counter.turns;
      let first = true;
      const w: Querier = {
        select(sort: boolean, hints: SelectHints | undefined, ...ms: LabelMatcher[]) {
          const set = q.select(sort, hints, ...ms);
          if (first) out.push(counter.turns - opened);
          first = false;
          return set;
        },
        labelNames: (h, ...ms) => q.labelNames(h, ...ms),
        labelValues: (n, h, ...ms) => q.labelValues(n, h, ...ms),
        close: () => q.close(),
      };
      if (q.prefetch) w.prefetch = (s, sig) => q.prefetch!(s, sig);
      return w;
    },
  };
}

/** `inner` with `prefetch` hidden: every select does its work in one synchronous call. */
function unprefetched(inner: Queryable): Queryable {
  return {
    querier(mint: number, maxt: number): Querier {
      const q = inner.querier(mint, maxt);
      return {
        select: (s, h, ...ms) => q.select(s, h, ...ms),
        labelNames: (h, ...ms) => q.labelNames(h, ...ms),
        labelValues: (n, h, ...ms) => q.labelValues(n, h, ...ms),
        close: () => q.close(),
      };
    },
  };
}

function render(v: Value | undefined): string[] {
  assert.ok(v !== undefined && v.type === 'vector');
  return v.samples.map((s) => `${s.metric.toString()} ${s.t} ${Object.is(s.f, -0) ? '-0' : String(s.f)}`);
}

test('a select over 100k head series yields to the event loop before it returns, and answers as the one-shot select', async () => {
  const head = await bigHead();
  try {
    const api = new FanoutQueryable(head, () => []);
    const engine = new Engine({ maxSamples: 50_000_000 });
    const at = T0 + 30_000;
    const queries = ['count({job="bench"})', 'sum by (x) (rate(m3[5m]))', 'count({job="bench"})'];
    for (const [i, q] of queries.entries()) {
      const counter = turnCounter();
      const turns: number[] = [];
      const r = await engine.newInstantQuery(observed(api, counter, turns), q, at).exec();
      counter.stop();
      assert.equal(r.error, undefined);
      // The first query finds no label ranks: matching plus a sort of all 100k series by labels.
      if (i === 0) assert.ok(turns[0]! >= 2, `turns before the first select returned: ${turns[0]}`);
      const plain = await engine.newInstantQuery(unprefetched(api), q, at).exec();
      assert.deepEqual(render(r.value), render(plain.value), q);
    }
    // The prefetched selection is in label order (the ranks came from the sliced merge sort).
    const q = head.querier(T0, at);
    const job = [newMatcher(MatchType.Equal, 'job', 'bench')];
    await q.prefetch!([{ matchers: job }]);
    const set = q.select(true, undefined, ...job);
    let prev: Labels | undefined;
    let n = 0;
    while (set.next()) {
      const l = set.at().labels;
      if (prev !== undefined) assert.ok(Labels.compare(prev, l) < 0, `${prev.toString()} before ${l.toString()}`);
      prev = l;
      n++;
    }
    q.close();
    assert.equal(n, SERIES);
    const counted = await engine.newInstantQuery(api, 'count({job="bench"})', at).exec();
    assert.deepEqual(render(counted.value), [`{} ${at} ${SERIES}`]);
  } finally {
    await head.close();
  }
});
