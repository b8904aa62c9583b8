import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../model/labels/index.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import { Engine } from './engine.js';
import type { Value } from './value.js';

/** Labels, timestamps and values of a result, values by bit pattern (`-0`, NaN kept apart). */
function flat(v: Value | undefined): string[] {
  const out: string[] = [];
  const num = (f: number): string => (Object.is(f, -0) ? '-0' : String(f));
  if (v?.type === 'vector') for (const s of v.samples) out.push(`${s.metric.toString()} ${s.t} ${num(s.f)}`);
  if (v?.type === 'matrix') for (const s of v.series) out.push(`${s.metric.toString()} ${Array.from(s.t).join()} ${Array.from(s.f, num).join()}`);
  return out;
}

const value = fc.oneof(
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 1, -1, 1e308, -1e308, 0.1, 0.2),
  fc.integer({ min: -1000, max: 1000 }),
);

test('sum/min/max/count/group straight over a selector or a range function (streamed) equal the general path', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.array(fc.option(value, { nil: undefined }), { minLength: 6, maxLength: 6 })), { minLength: 1, maxLength: 12 }),
      fc.constantFrom('sum', 'min', 'max', 'count', 'group'),
      fc.constantFrom('', ' by (a)', ' by (a, b)', ' without (a)', ' by ()', ' by (__name__)'),
      fc.constantFrom('x', 'rate(x[1m])', 'max_over_time(x[1m])', 'last_over_time(x[1m])', 'quantile_over_time(0.5, x[1m])'),
      async (rows, op, grouping, input) => {
        // `* 1` drops the metric name, which only the name-keeping inputs still have.
        fc.pre(!(grouping.includes('__name__') && (input === 'x' || input.startsWith('last_over_time'))));
        const s = new MemoryStorage();
        const app = s.appender();
        rows.forEach(([a, b, vals], i) => {
          const l = Labels.fromStrings('__name__', 'x', 'a', String(a), 'b', String(b), 'i', String(i));
          vals.forEach((v, k) => {
            if (v !== undefined) app.append(0, l, k * 15_000, v);
          });
        });
        await app.commit();
        const e = new Engine();
        // `* 1` keeps every value (-0, NaN) but is no selector or range function: the general path.
        const streamed = `${op}${grouping} (${input})`;
        const general = `${op}${grouping} (${input} * 1)`;
        for (const run of [(q: string) => e.newInstantQuery(s, q, 60_000), (q: string) => e.newRangeQuery(s, q, 0, 75_000, 15_000)]) {
          const r1 = await run(streamed).exec();
          const r2 = await run(general).exec();
          assert.equal(r1.error, undefined);
          assert.deepEqual(flat(r1.value), flat(r2.value));
        }
      },
    ),
    { numRuns: 150 },
  );
});
