import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { DuplicateSampleError, TooOldSampleError } from '../../storage/index.js';
import { createRegistry } from '../../util/index.js';
import { Head } from './index.js';

const L = Labels.fromStrings('__name__', 'm', 'job', 'a');
const MIN = 60_000;

/** The series of histogram `name` in the exposition `text`, as `suffix{labels} → value`. */
function histogram(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '_')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(name.length, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

test('prometheus_tsdb_sample_ooo_delta observes how far behind the head each out-of-order sample is, in seconds, with upstream buckets', async () => {
  const reg = createRegistry();
  const head = await Head.open({ outOfOrderTimeWindow: 5 * 60 * MIN, registry: reg });
  const a0 = head.appender();
  a0.append(0, L, 600 * MIN, 1);
  await a0.commit();
  const app = head.appender();
  app.append(0, L, 600 * MIN - 5 * MIN, 2); // 300 s: accepted
  app.append(0, L, 600 * MIN - 45 * MIN, 3); // 2700 s: accepted
  app.append(0, L, 600 * MIN - 45 * MIN, 3); // the same sample again: accepted (dropped), observed again
  assert.throws(() => app.append(0, L, 600 * MIN - 45 * MIN, 4), DuplicateSampleError); // 2700 s, refused
  assert.throws(() => app.append(0, L, 600 * MIN - 7 * 60 * MIN, 5), TooOldSampleError); // 25200 s, refused
  app.append(0, L, 601 * MIN, 6); // in order: not observed
  await app.commit();
  const h = histogram(await reg.metrics(), 'prometheus_tsdb_sample_ooo_delta');
  assert.deepEqual(
    [...h.entries()],
    [
      ['_bucket{le="600"}', 1],
      ['_bucket{le="1800"}', 1],
      ['_bucket{le="3600"}', 4],
      ['_bucket{le="7200"}', 4],
      ['_bucket{le="10800"}', 4],
      ['_bucket{le="21600"}', 4],
      ['_bucket{le="43200"}', 5],
      ['_bucket{le="+Inf"}', 5],
      ['_sum', 300 + 3 * 2700 + 25200],
      ['_count', 5],
    ],
  );
  await head.close();
});

test('prometheus_tsdb_sample_ooo_delta stays empty while samples arrive in order', async () => {
  const reg = createRegistry();
  const head = await Head.open({ outOfOrderTimeWindow: 30 * MIN, registry: reg });
  const app = head.appender();
  for (let i = 0; i < 10; i++) app.append(0, L, i * MIN, i);
  await app.commit();
  const h = histogram(await reg.metrics(), 'prometheus_tsdb_sample_ooo_delta');
  assert.equal(h.get('_count'), 0);
  await head.close();
});
