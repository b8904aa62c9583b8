/**
 * The query engine over the TSDB head (bulk reads through `Series.readFloats`, anchored
 * selector reads, label ranks) answers exactly as over the plain in-memory storage (iterators,
 * comparison sorts): same series, same timestamps, same value bits, instant and range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/labels/index.js';
import { MemoryStorage } from '../../src/storage/memory/index.js';
import type { Queryable } from '../../src/storage/index.js';
import { Engine, type Value } from '../../src/promql/index.js';
import { Head } from '../../src/tsdb/head/index.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
function bits(v: number): string {
  F64[0] = v;
  return `${U32[1]!.toString(16)}.${U32[0]!.toString(16)}`;
}

function render(v: Value): string[] {
  switch (v.type) {
    case 'scalar':
    case 'string':
      return [`${v.type} ${v.t} ${typeof v.v === 'number' ? bits(v.v) : v.v}`];
    case 'vector':
      return v.samples.map((s) => `${s.metric.toString()} ${s.t} ${bits(s.f)}`);
    case 'matrix':
      return v.series.map((s) => `${s.metric.toString()} ${Array.from(s.t, (t, i) => `${t}@${bits(s.f[i]!)}`).join(' ')}`);
  }
}

const QUERIES = [
  'm',
  'm{job="a"}',
  'm offset 30s',
  'm @ 100',
  'timestamp(m)',
  'rate(m[1m])',
  'rate(m[5m])',
  'sum by (job) (rate(m[2m]))',
  'count(m)',
  'max_over_time(rate(m[1m])[3m:15s])',
  'last_over_time(m[1m])',
  'topk(3, m)',
  'm * on(job) group_left(k) info',
  'sum without (i) (m)',
  'changes(m[3m])',
];

test('queries over the head answer bit for bit as over the memory storage', async () => {
  const head = await Head.open({ samplesPerChunk: 16 });
  const mem = new MemoryStorage();
  let seed = 9;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const stale = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0]!;
  // 3000 series (label ranks are used above 2048), samples every ~10 s with jitter, some stale
  // markers and gaps, one series that stops early.
  const labels: Labels[] = [];
  for (let i = 0; i < 3000; i++) labels.push(Labels.fromStrings('__name__', 'm', 'i', String((i * 7919) % 3000), 'job', i % 3 === 0 ? 'a' : 'b'));
  labels.push(Labels.fromStrings('__name__', 'info', 'job', 'a', 'k', 'x'));
  labels.push(Labels.fromStrings('__name__', 'info', 'job', 'b', 'k', 'y'));
  const vals = new Float64Array(labels.length);
  for (let round = 0; round < 60; round++) {
    const t = round * 10_000;
    const ha = head.appender();
    const ma = mem.appender();
    for (let i = 0; i < labels.length; i++) {
      if (i === 5 && round > 20) continue;
      if (rnd() < 0.03) continue;
      const tt = t + Math.floor(rnd() * 50);
      vals[i] = vals[i]! + Math.floor(rnd() * 100);
      const v = rnd() < 0.02 ? stale : vals[i]!;
      ha.append(0, labels[i]!, tt, v);
      ma.append(0, labels[i]!, tt, v);
    }
    await ha.commit();
    await ma.commit();
  }
  const engine = new Engine();
  const run = async (q: Queryable, query: string, range: boolean): Promise<string[]> => {
    const qq = range ? engine.newRangeQuery(q, query, 200_000, 600_000, 15_000) : engine.newInstantQuery(q, query, 590_123);
    const r = await qq.exec();
    if (r.error) return [`error ${r.error.message}`];
    return render(r.value!);
  };
  for (const query of QUERIES) {
    for (const range of [false, true]) {
      const want = await run(mem, query, range);
      const got = await run(head, query, range);
      assert.ok(want.length > 0, query);
      assert.deepEqual(got, want, `${query} (${range ? 'range' : 'instant'})`);
    }
  }
  // count/group straight over a selector are streamed; over an expression they take the general path.
  for (const agg of ['count', 'count by (job)', 'count without (i)', 'group by (job)', 'count by (i)']) {
    for (const range of [false, true]) {
      for (const q of [head, mem]) {
        const want = await run(q, `${agg} (m * 1)`, range);
        assert.ok(want.length > 0);
        assert.deepEqual(await run(q, `${agg} (m)`, range), want, `${agg} (${range ? 'range' : 'instant'})`);
      }
    }
  }
  await head.close();
});
