import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/labels/index.js';
import { SeriesKeyCache } from '../model/textparse/index.js';
import { isStaleNaN } from '../model/value/index.js';
import { createLogger, createRegistry, takeTurn } from '../util/index.js';
import { SampleLimitError } from './errors.js';
import type { ScrapeBody } from './http-client.js';
import { ScrapeLoop, type Scraper } from './loop.js';
import { ScrapeMetrics } from './metrics.js';
import { BodyAppender, defaultAppendOptions, type AppendOptions, type AppendResult } from './scrape-append.js';
import { ScrapeCache } from './scrape-cache.js';
import { Target } from './target.js';
import { RecordingAppendable, appendLikeLoop, eventually, type Sample } from './test-support.js';

const TARGET = Labels.fromStrings('job', 'node', 'instance', 'h:9100');
const TEXT = 'text/plain; version=0.0.4';

/** A body of `n` series in families of 10 (HELP and TYPE lines included), values offset by `v`, series `skip` left out. */
function body(n: number, v: number, skip = -1): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) s += `# HELP fam_${i / 10} Family ${i / 10}.\n# TYPE fam_${i / 10} gauge\n`;
    if (i !== skip) s += `fam_${Math.floor(i / 10)}{i="${i}"} ${v + i}\n`;
  }
  return s;
}

const plain = (s: Sample) => `${s.labels.toString()} ${s.t} ${isStaleNaN(s.v) ? 'stale' : s.v}`;

/**
 * A target's appender over a recording storage; `scrape` appends in pieces of 64 entries
 * (`sliceMs` 0) or at once, commits on success and rolls back (then appends empty) on error, as
 * the loop does.
 */
function setup(over: Partial<AppendOptions> = {}) {
  const store = new RecordingAppendable();
  const cache = new ScrapeCache();
  const ba = new BodyAppender(defaultAppendOptions(TARGET, over), cache, new SeriesKeyCache());
  const scrape = (text: string, t: number, pieces: boolean): Promise<AppendResult> =>
    appendLikeLoop(store, cache, ba, t, (app) => (pieces ? ba.appendInPieces(app, Buffer.from(text), TEXT, t, 0, () => false) : ba.append(app, Buffer.from(text), TEXT, t)));
  return { store, cache, ba, scrape };
}

test('pieces: a body appended in pieces stores and reports exactly what one append stores', async () => {
  const once = setup();
  const sliced = setup();
  const bodies = [body(1000, 0), body(1000, 1, 500), body(1200, 2), body(1200, 3, 7)];
  for (let i = 0; i < bodies.length; i++) {
    const a = await once.scrape(bodies[i]!, 1000 * (i + 1), false);
    const b = await sliced.scrape(bodies[i]!, 1000 * (i + 1), true);
    assert.equal(a.pieces, 1);
    assert.ok(b.pieces > 10, `${b.pieces} pieces`);
    assert.deepEqual({ ...b, pieces: 1 }, a, `result of scrape ${i}`);
  }
  assert.deepEqual(sliced.store.batches.map((b) => b.map(plain)), once.store.batches.map((b) => b.map(plain)));
  assert.ok(sliced.store.all().some((s) => isStaleNaN(s.v)), 'series that left got stale markers');
  assert.deepEqual(sliced.cache.listMetadata(), once.cache.listMetadata());
  assert.equal(sliced.cache.size, once.cache.size);
});

test('pieces: a limit broken or a parse error in a later piece rejects the whole body', async () => {
  const limited = setup({ sampleLimit: 1000 });
  assert.equal((await limited.scrape(body(1000, 0), 1000, true)).error, undefined);
  const over = await limited.scrape(body(1001, 1), 2000, true);
  assert.ok(over.error instanceof SampleLimitError);
  assert.ok(over.pieces > 1);
  assert.equal(over.total, 1001, 'the whole body is counted');
  assert.ok(limited.store.batches[1]!.every((s) => isStaleNaN(s.v) && s.t === 2000), 'only stale markers for the previous series');
  assert.equal(limited.store.batches[1]!.length, 1000);

  const broken = setup();
  assert.equal((await broken.scrape(body(1000, 0), 1000, true)).error, undefined);
  const bad = await broken.scrape(`${body(1200, 1)}bad{ 1\n`, 2000, true);
  assert.ok(bad.error, 'parse error');
  assert.equal(broken.store.batches[1]!.filter((s) => !isStaleNaN(s.v)).length, 0);
  assert.equal(broken.cache.size, 1000, 'series created by the rejected body are forgotten');
});

test('pieces: halted between pieces resolves undefined; rolled back, the next scrape sees the previous one', async () => {
  const { store, cache, ba, scrape } = setup();
  await scrape(body(1000, 0), 1000, true);
  const app = store.appender();
  let turns = 0;
  const res = await ba.appendInPieces(app, Buffer.from(body(1200, 1, 3)), TEXT, 2000, 0, () => ++turns === 3);
  assert.equal(res, undefined);
  app.rollback();
  cache.abortIter();
  assert.equal(cache.size, 1000, 'series of the abandoned body are forgotten');
  const next = await scrape(body(1000, 2, 5), 3000, true);
  assert.equal(next.error, undefined);
  assert.equal(next.seriesAdded, 0);
  const third = store.batches[1]!;
  assert.equal(third.length, 1000, '999 samples and one stale marker');
  assert.deepEqual(third.filter((s) => isStaleNaN(s.v)).map((s) => s.labels.get('i')), ['5']);
});

test('pieces: other work and other bodies run between the pieces of a body', async () => {
  const a = setup();
  const b = setup();
  let ticks = 0;
  let stop = false;
  const ticker = (async () => {
    while (!stop) {
      await takeTurn();
      ticks++;
    }
  })();
  const [ra, rb] = await Promise.all([a.scrape(body(1000, 0), 1000, true), b.scrape(body(1000, 0), 1000, true)]);
  stop = true;
  await ticker;
  assert.equal(ra.error, undefined);
  assert.equal(rb.error, undefined);
  assert.ok(ticks >= ra.pieces - 1, `${ticks} turns of other work for ${ra.pieces} pieces`);
  assert.deepEqual(a.store.all().map(plain), b.store.all().map(plain));
});

/** A scraper that serves `text` every time. */
class FixedScraper implements Scraper {
  constructor(readonly text: string) {}
  async scrape(): Promise<ScrapeBody> {
    return { body: Buffer.from(this.text), contentType: TEXT };
  }
}

function loop(store: RecordingAppendable, scraper: Scraper, halt: AbortController) {
  const labels = Labels.fromStrings('__address__', 'h:9100', '__scheme__', 'http', '__metrics_path__', '/metrics', '__scrape_interval__', '10s', '__scrape_timeout__', '10s', 'job', 'node', 'instance', 'h:9100');
  const target = new Target('node', labels, labels, {});
  const cache = new ScrapeCache();
  return new ScrapeLoop({
    target,
    scraper,
    appendable: store,
    cache,
    append: defaultAppendOptions(target.labels),
    intervalMs: 10_000,
    timeoutMs: 10_000,
    offsetSeed: 0n,
    extraMetrics: false,
    shutdown: halt.signal,
    metrics: new ScrapeMetrics(createRegistry()),
    logger: createLogger({ level: 'error', write: () => undefined }),
    skipOffset: true,
    pieces: { minBytes: 0, sliceMs: 0 },
  });
}

test('pieces: a loop commits a body appended in pieces once, with its report', async () => {
  const store = new RecordingAppendable();
  const l = loop(store, new FixedScraper(body(1000, 0)), new AbortController());
  l.start();
  await eventually(() => store.batches.length === 1, 10_000, 'first commit');
  l.disableEndOfRunStaleness();
  await l.stop();
  const names = store.batches[0]!.map((s) => s.labels.get('__name__'));
  assert.equal(names.length, 1005);
  assert.deepEqual(names.slice(1000), ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);
  assert.equal(store.last('up'), 1);
  assert.equal(l.target.health, 'up');
});

test('pieces: stopping or shutting down a loop between pieces stores nothing of that scrape', async () => {
  for (const how of ['stop', 'shutdown'] as const) {
    const store = new RecordingAppendable();
    const halt = new AbortController();
    const l = loop(store, new FixedScraper(body(5000, 0)), halt);
    l.start();
    l.disableEndOfRunStaleness();
    // Turns are taken in order: ours, the loop's first piece, ours again.
    await takeTurn();
    await takeTurn();
    assert.ok(store.labelObjects.size > 0, `${how}: the first piece appended samples`);
    if (how === 'stop') await l.stop();
    else {
      halt.abort();
      await l.stop();
    }
    assert.equal(store.batches.length, 0, how);
    assert.equal(store.rollbacks, 1, how);
    assert.equal(l.cache.size, 0, `${how}: the cache forgot the abandoned series`);
  }
});
