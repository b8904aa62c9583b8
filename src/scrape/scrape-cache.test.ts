import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../model/labels/index.js';
import { SeriesKeyCache } from '../model/textparse/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { BodyAppender, defaultAppendOptions } from './scrape-append.js';
import { ScrapeCache } from './scrape-cache.js';
import { RecordingAppendable } from './test-support.js';

const UNIVERSE = ['a{x="0"}', 'a{x="1"}', 'a{x="2"}', 'b', 'c{y="z"}', 'd_total{k="v",l="w"}'];

/** One scrape of the model: which series (indexes into UNIVERSE), in which order, and whether the body is broken. */
const scrapeArb = fc.record({ series: fc.uniqueArray(fc.nat({ max: UNIVERSE.length - 1 }), { maxLength: UNIVERSE.length }), broken: fc.boolean() });

test('scrape cache: stale markers and forgotten entries follow the series sets, whatever the order, with or without the steady-state shortcuts', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(scrapeArb, { minLength: 1, maxLength: 12 }), async (scrapes) => {
      const store = new RecordingAppendable();
      const cache = new ScrapeCache();
      const ba = new BodyAppender(
        defaultAppendOptions(Labels.fromStrings('job', 'j')),
        cache,
        new SeriesKeyCache(),
      );
      let prev = new Set<string>();
      for (const [i, sc] of scrapes.entries()) {
        const t = (i + 1) * 1000;
        const lines = sc.series.map((k) => `${UNIVERSE[k]} ${i}\n`);
        if (sc.broken) lines.splice(Math.floor(lines.length / 2), 0, 'broken{ 1\n');
        let app = store.appender();
        const res = ba.append(app, Buffer.from(lines.join('')), 'text/plain; version=0.0.4', t);
        if (res.error !== undefined) {
          app.rollback();
          cache.abortIter();
          app = store.appender();
          assert.equal(ba.appendEmpty(app, t).error, undefined);
        }
        await app.commit();
        const cur = new Set(sc.broken ? [] : sc.series.map((k) => UNIVERSE[k]!));
        const batch = store.batches[store.batches.length - 1]!;
        const key = (l: Labels) => l.toString();
        const stale = batch.filter((s) => isStaleNaN(s.v)).map((s) => key(s.labels)).sort();
        const want = [...prev].filter((k) => !cur.has(k)).map((k) => key(labelsOf(k))).sort();
        assert.deepEqual(stale, want, `scrape ${i}`);
        assert.equal(batch.filter((s) => !isStaleNaN(s.v)).length, cur.size, `scrape ${i} samples`);
        // Only a successful non-empty scrape forgets the series it did not see (an empty one keeps them, as upstream).
        if (cur.size > 0) assert.equal(cache.size, cur.size, `scrape ${i} cache size`);
        prev = cur;
      }
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
});

/** The stored labels of series text `k` (its name and labels plus the target's `job`). */
function labelsOf(k: string): Labels {
  const m = /^([a-z_]+)(?:\{(.*)\})?$/.exec(k)!;
  const pairs: string[] = ['__name__', m[1]!, 'job', 'j'];
  for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
    const [n, v] = kv.split('=');
    pairs.push(n!, JSON.parse(v!) as string);
  }
  return Labels.fromStrings(...pairs);
}
