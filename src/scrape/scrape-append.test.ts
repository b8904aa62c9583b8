import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/labels/index.js';
import { SeriesKeyCache } from '../model/textparse/index.js';
import { OutOfOrderSampleError, WriteFailedError } from '../storage/index.js';
import { BodyAppender, defaultAppendOptions, type AppendOptions, type AppendResult } from './scrape-append.js';
import { ScrapeCache } from './scrape-cache.js';
import { isStaleNaN } from '../model/value/index.js';
import { RecordingAppendable, appendLikeLoop, scrapeConfig } from './test-support.js';
import { InvalidSeriesError, LabelLimitError, SampleLimitError } from './errors.js';

const TARGET = Labels.fromStrings('job', 'node', 'instance', 'h:9100');
const TEXT = 'text/plain; version=0.0.4';

function options(over: Partial<AppendOptions> = {}): AppendOptions {
  return defaultAppendOptions(TARGET, over);
}

/** A target's appender over a recording storage; `scrape` commits on success and rolls back (then appends empty) on error, as the loop does. */
function setup(over: Partial<AppendOptions> = {}) {
  const store = new RecordingAppendable();
  const cache = new ScrapeCache();
  const ba = new BodyAppender(options(over), cache, new SeriesKeyCache());
  const scrape = (body: string, t: number, contentType = TEXT): Promise<AppendResult> =>
    appendLikeLoop(store, cache, ba, t, (app) => ba.append(app, Buffer.from(body), contentType, t));
  return { store, cache, ba, scrape };
}

const plain = (s: { labels: Labels; t: number; v: number }) => ({ labels: s.labels.toString(), t: s.t, v: isStaleNaN(s.v) ? 'stale' : s.v });

test('append: values, target labels and counts of a text body', async () => {
  const { store, scrape } = setup();
  const res = await scrape('# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 5\nb 2.5\n', 1000);
  assert.deepEqual({ total: res.total, added: res.added, seriesAdded: res.seriesAdded, error: res.error }, { total: 2, added: 2, seriesAdded: 2, error: undefined });
  assert.deepEqual(store.all().map(plain), [
    { labels: '{__name__="a_total", instance="h:9100", job="node", x="1"}', t: 1000, v: 5 },
    { labels: '{__name__="b", instance="h:9100", job="node"}', t: 1000, v: 2.5 },
  ]);
});

test('append: metadata per family from TYPE, HELP and UNIT', async () => {
  const { cache, scrape } = setup();
  await scrape('# TYPE req_seconds histogram\n# HELP req_seconds Latency.\n# UNIT req_seconds seconds\nreq_seconds_bucket{le="+Inf"} 1\nreq_seconds_sum 2\nreq_seconds_count 1\n# EOF\n', 1000, 'application/openmetrics-text; version=1.0.0');
  assert.deepEqual(cache.getMetadata('req_seconds'), { metric: 'req_seconds', type: 'histogram', help: 'Latency.', unit: 'seconds' });
  assert.equal(cache.lengthMetadata(), 1);
});

test('append: honor_labels false moves clashing exposed labels to exported_*, shortest names first', async () => {
  const { store, scrape } = setup();
  await scrape('m{job="exp",instance="i",exported_job="already"} 1\n', 1000);
  assert.equal(store.all()[0]!.labels.toString(), '{__name__="m", exported_exported_job="exp", exported_instance="i", exported_job="already", instance="h:9100", job="node"}');
});

test('append: honor_labels true keeps exposed labels and adds only missing target labels', async () => {
  const { store, scrape } = setup({ honorLabels: true });
  await scrape('m{job="exp"} 1\n', 1000);
  assert.equal(store.all()[0]!.labels.toString(), '{__name__="m", instance="h:9100", job="exp"}');
});

test('append: honor_timestamps decides between the exposed and the scrape timestamp', async () => {
  for (const honor of [true, false]) {
    const { store, scrape } = setup({ honorTimestamps: honor });
    await scrape('m 1 500\n', 1000);
    assert.equal(store.all()[0]!.t, honor ? 500 : 1000, `honor=${honor}`);
  }
});

test('append: series with explicit timestamps get no stale markers unless track_timestamps_staleness', async () => {
  for (const track of [false, true]) {
    const { store, scrape } = setup({ trackTimestampsStaleness: track });
    await scrape('m 1 500\nn 1\n', 1000);
    await scrape('', 2000); // empty: only stale markers
    const stale = store.batches[1]!.map((s) => s.labels.get('__name__')).sort();
    assert.deepEqual(stale, track ? ['m', 'n'] : ['n'], `track=${track}`);
  }
});

test('append: metric_relabel_configs drop and keep series, and a dropped key is remembered', async () => {
  const rules = (yaml: string) => scrapeConfig(`scrape_configs:\n- job_name: j\n  metric_relabel_configs:\n${yaml}`).metric_relabel_configs.map((c) => c.rule);
  const { store, cache, scrape } = setup({ metricRelabel: rules('  - {source_labels: [__name__], regex: "drop_.*", action: drop}\n') });
  const res = await scrape('keep_me 1\ndrop_me 2\n', 1000);
  assert.deepEqual(store.all().map((s) => s.labels.get('__name__')), ['keep_me']);
  assert.deepEqual([res.total, res.added], [2, 1]);
  assert.equal(cache.droppedSize, 1);
  const keep = setup({ metricRelabel: rules('  - {source_labels: [__name__], regex: "keep_.*", action: keep}\n  - {target_label: env, replacement: prod}\n') });
  await keep.scrape('keep_me 1\ndrop_me 2\n', 1000);
  assert.deepEqual(keep.store.all().map((s) => s.labels.toString()), ['{__name__="keep_me", env="prod", instance="h:9100", job="node"}']);
});

test('append: a series that leaves the body gets a stale marker at the next scrape', async () => {
  const { store, scrape } = setup();
  await scrape('a 1\nb 2\n', 1000);
  await scrape('a 1\n', 2000);
  assert.deepEqual(store.batches[1]!.map(plain), [
    { labels: '{__name__="a", instance="h:9100", job="node"}', t: 2000, v: 1 },
    { labels: '{__name__="b", instance="h:9100", job="node"}', t: 2000, v: 'stale' },
  ]);
  await scrape('a 1\n', 3000);
  assert.equal(store.batches[2]!.length, 1, 'the marker is written once');
});

test('append: a failed body stores nothing of itself and marks every previous series stale', async () => {
  const { store, scrape } = setup();
  await scrape('a 1\nb 2\n', 1000);
  const res = await scrape('a 1\nb 2\nc{ 3\n', 2000);
  assert.ok(res.error, 'parse error reported');
  assert.match(res.error.message, /^3:4: /);
  assert.deepEqual(store.batches[1]!.map(plain), [
    { labels: '{__name__="a", instance="h:9100", job="node"}', t: 2000, v: 'stale' },
    { labels: '{__name__="b", instance="h:9100", job="node"}', t: 2000, v: 'stale' },
  ]);
  await scrape('a 5\n', 3000);
  assert.deepEqual(store.batches[2]!.map(plain), [{ labels: '{__name__="a", instance="h:9100", job="node"}', t: 3000, v: 5 }], 'no second marker for b');
});

test('append: invalid UTF-8 in a label value fails the whole body', async () => {
  const { store, ba, cache } = setup();
  const app = store.appender();
  const res = ba.append(app, Buffer.concat([Buffer.from('ok 1\nm{a="'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n')]), TEXT, 1000);
  assert.ok(res.error);
  app.rollback();
  cache.abortIter();
  assert.equal(cache.size, 0, 'series created by the failed body are forgotten');
});

test('append: sample_limit rejects the body but counts all of it', async () => {
  const { store, scrape } = setup({ sampleLimit: 2 });
  const res = await scrape('a 1\nb 2\nc 3\n', 1000);
  assert.ok(res.error instanceof SampleLimitError);
  assert.equal(res.error.message, 'sample limit exceeded');
  assert.deepEqual([res.total, res.added], [3, 3]);
  assert.equal(store.all().length, 0);
  const ok = await scrape('a 1\nb 2\n', 2000);
  assert.equal(ok.error, undefined, 'at the limit is fine');
});

test('append: label limits reject the body with upstream texts', async () => {
  const cases: Array<[Partial<AppendOptions['labelLimits']>, string, string]> = [
    [{ labelLimit: 3 }, 'm{a="1",b="2"} 1\n', 'label_limit exceeded (metric: m, number of labels: 5, limit: 3)'],
    [{ labelNameLengthLimit: 5 }, 'm{abcdef="1"} 1\n', 'label_name_length_limit exceeded (metric: m, label name: __name__, length: 8, limit: 5)'],
    [{ labelNameLengthLimit: 8 }, 'm{abcdefghi="1"} 1\n', 'label_name_length_limit exceeded (metric: m, label name: abcdefghi, length: 9, limit: 8)'],
    [{ labelValueLengthLimit: 6 }, 'm{a="1234567"} 1\n', 'label_value_length_limit exceeded (metric: m, label name: a, value: "1234567", length: 7, limit: 6)'],
    [{ labelValueLengthLimit: 7 }, 'm{a="é€éé"} 1\n', 'label_value_length_limit exceeded (metric: m, label name: a, value: "é€éé", length: 9, limit: 7)'],
  ];
  for (const [limits, body, message] of cases) {
    const { store, scrape } = setup({ labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, ...limits } });
    const res = await scrape(`${body}ok 1\n`, 1000);
    assert.ok(res.error instanceof LabelLimitError, message);
    assert.equal(res.error.message, message);
    assert.equal(store.all().length, 0, 'nothing stored');
  }
});

test('append: a series relabelled without a name, or with an invalid legacy name, fails the body', async () => {
  const rules = scrapeConfig('scrape_configs:\n- job_name: j\n  metric_relabel_configs:\n  - {action: labeldrop, regex: __name__}\n').metric_relabel_configs.map((c) => c.rule);
  const noName = await setup({ metricRelabel: rules }).scrape('m 1\n', 1000);
  assert.ok(noName.error instanceof InvalidSeriesError);
  assert.equal(noName.error.message, 'missing metric name (__name__ label)');
  const legacy = await setup({ validationScheme: 'legacy' }).scrape('{"my.metric"} 1\n', 1000);
  assert.equal(legacy.error?.message, 'invalid metric name or label names: {__name__="my.metric", instance="h:9100", job="node"}');
});

test('append: out-of-order and duplicate samples are counted and skipped, not fatal', async () => {
  const { store, scrape } = setup();
  store.failWith = (l) => (l.get('__name__') === 'old' ? new OutOfOrderSampleError() : undefined);
  const res = await scrape('old 1\nfresh 2\nfresh 3\n', 1000);
  assert.equal(res.error, undefined);
  assert.deepEqual([res.outOfOrder, res.duplicates, res.total, res.added], [1, 1, 3, 3]);
  assert.deepEqual(store.all().map(plain), [{ labels: '{__name__="fresh", instance="h:9100", job="node"}', t: 1000, v: 2 }]);
});

test('append: another storage error fails the body', async () => {
  const { store, scrape } = setup();
  store.failWith = () => new WriteFailedError('disk full');
  const res = await scrape('a 1\n', 1000);
  assert.equal(res.error?.message, 'disk full');
});

test('append: samples more than 10 minutes ahead are out of bounds', async () => {
  const { store, scrape } = setup();
  const res = await scrape(`future 1 ${Date.now() + 3_600_000}\nnow 1\n`, 1000);
  assert.equal(res.outOfBounds, 1);
  assert.deepEqual(store.all().map((s) => s.labels.get('__name__')), ['now']);
});

test('append: steady-state scrapes reuse the cached Labels objects and parse no labels', async () => {
  const { store, scrape } = setup();
  const body = (v: number) => Array.from({ length: 50 }, (_, i) => `m{i="${i}"} ${v + i}\n`).join('');
  await scrape(body(0), 1000);
  const first = new Set(store.labelObjects);
  assert.equal(first.size, 50);
  const res = await scrape(body(1), 2000);
  await scrape(body(2), 3000);
  assert.equal(res.seriesAdded, 0);
  assert.equal(store.labelObjects.size, 50, 'no new label sets were appended');
  for (const s of store.batches[2]!) assert.ok(first.has(s.labels));
});

test('append: a series repeated in one body is a duplicate, the first sample wins', async () => {
  const { store, scrape } = setup();
  await scrape('m 1\n', 1000);
  const res = await scrape('m 2\nm 3\n', 2000);
  assert.equal(res.duplicates, 1);
  assert.deepEqual(store.batches[1]!.map((s) => s.v), [2]);
});

test('append: a failed scrape flushes nothing and a growing failed cache is flushed by force', async () => {
  const { cache, scrape } = setup();
  await scrape('a 1\n', 1000);
  for (let i = 0; i < 3; i++) await scrape(`a 1\nb${i} 1\nbad{ 1\n`, 2000 + i);
  assert.equal(cache.size, 1, 'series of failed bodies do not pile up');
});

test('append: OpenMetrics bodies with client_golang negative buckets parse (strict: false)', async () => {
  const { store, scrape } = setup();
  const res = await scrape('# TYPE h histogram\nh_bucket{le="-1"} 1\nh_bucket{le="+Inf"} 1\nh_sum -3\nh_count 1\n# EOF\n', 1000, 'application/openmetrics-text; version=1.0.0');
  assert.equal(res.error, undefined);
  assert.equal(store.all().length, 4);
});

test('append: a body without Content-Type is sniffed; protobuf is refused', async () => {
  const sniffed = await setup().scrape('# TYPE c counter\nc_total 1\n# EOF\n', 1000, '');
  assert.equal(sniffed.error, undefined);
  const proto = await setup().scrape('x', 1000, 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited');
  assert.match(proto.error?.message ?? '', /^received unsupported Content-Type "application\/vnd.google.protobuf/);
});
