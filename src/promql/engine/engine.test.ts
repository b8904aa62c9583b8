import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import { Engine } from './engine.js';
import { BadQueryError, QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';

/** `n` series `x{i="…"}` with a counter sample every 15 s for `points` steps. */
async function counters(n: number, points: number): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < n; i++) {
    const l = Labels.fromStrings('__name__', 'x', 'i', String(i), 'job', `j${i % 10}`);
    for (let k = 0; k < points; k++) app.append(0, l, k * 15_000, k * (i + 1));
  }
  await app.commit();
  return s;
}

test('instant and range queries return values, annotations and stats', async () => {
  const s = await counters(3, 100);
  const e = new Engine();
  const r = await e.newInstantQuery(s, 'sum(rate(x[1m]))', 600_000).exec();
  assert.equal(r.error, undefined);
  assert.equal(r.value?.type, 'vector');
  assert.ok(r.value?.type === 'vector' && Math.abs(r.value.samples[0]!.f - 6 / 15) < 1e-9);
  assert.ok(r.stats.samples.totalQueryableSamples > 0);
  assert.ok(r.stats.samples.peakSamples > 0);
  // x does not end in _total: rate() adds upstream's info with the argument's position.
  assert.deepEqual(r.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "x" (1:10)']);
  const m = await e.newRangeQuery(s, 'x{i="0"} * 2', 0, 60_000, 15_000).exec();
  assert.equal(m.value?.type, 'matrix');
  assert.ok(m.value?.type === 'matrix' && m.value.series[0]!.f.join() === '0,2,4,6,8');
});

test('max samples: a query over the budget fails with upstream text, a bigger budget lets it pass', async () => {
  const s = await counters(50, 200);
  const q = 'sum(x)';
  const small = await new Engine({ maxSamples: 100 }).newRangeQuery(s, q, 0, 200 * 15_000, 15_000).exec();
  assert.ok(small.error instanceof TooManySamplesError);
  assert.equal(small.error.message, 'query processing would load too many samples into memory in query execution');
  assert.equal(small.value, undefined);
  const big = await new Engine({ maxSamples: 1_000_000 }).newRangeQuery(s, q, 0, 200 * 15_000, 15_000).exec();
  assert.equal(big.error, undefined);
  assert.ok(big.stats.samples.peakSamples > 100);
});

test('max samples counts the points of range windows too', async () => {
  const s = await counters(1, 400);
  const r = await new Engine({ maxSamples: 50 }).newInstantQuery(s, 'count_over_time(x[1h])', 400 * 15_000).exec();
  assert.ok(r.error instanceof TooManySamplesError);
  const ok = await new Engine({ maxSamples: 1000 }).newInstantQuery(s, 'count_over_time(x[1h])', 400 * 15_000).exec();
  assert.equal(ok.error, undefined);
});

test('timeout: a long query stops with upstream text and keeps the event loop turning', async () => {
  const s = await counters(400, 400);
  const q = 'sum by (job) (rate(x[5m])) + on(job) group_left count by (job) (x)';
  // Warm the code up first: a cold first slice can outlast the 30 ms before any yield.
  const ok = await new Engine({ timeoutMs: 60_000 }).newRangeQuery(s, q, 0, 400 * 15_000, 15_000).exec();
  assert.equal(ok.error, undefined);
  // The whole query in 5 ms slices: timers run between them. (Checked on a query that is not
  // cut short: on a loaded machine a 30 ms budget can run out inside the first slice.)
  let ticks = 0;
  const iv = setInterval(() => ticks++, 1);
  const started = performance.now();
  const sliced = await new Engine({ timeoutMs: 60_000, sliceMs: 5 }).newRangeQuery(s, q, 0, 400 * 15_000, 15_000).exec();
  const tookMs = performance.now() - started;
  clearInterval(iv);
  assert.equal(sliced.error, undefined);
  if (tookMs > 20) assert.ok(ticks > 0, `timers ran while the query was evaluating (${tookMs.toFixed(0)} ms)`);
  const r = await new Engine({ timeoutMs: 30, sliceMs: 5 }).newRangeQuery(s, q, 0, 400 * 15_000, 15_000).exec();
  assert.ok(r.error instanceof QueryTimeoutError, String(r.error));
  // Usually hit during evaluation; on a loaded machine the 30 ms can run out in an earlier phase.
  assert.match(r.error.message, /^query timed out in (expression evaluation|query preparation|query execution)$/);
});

test('cancellation: aborting the signal stops evaluation with upstream text', async () => {
  const s = await counters(400, 400);
  const ac = new AbortController();
  const q = new Engine({ sliceMs: 2 }).newRangeQuery(s, 'sum by (i) (rate(x[5m]))', 0, 400 * 15_000, 15_000);
  setTimeout(() => ac.abort(), 5);
  const r = await q.exec(ac.signal);
  assert.ok(r.error instanceof QueryCanceledError, String(r.error));
  assert.equal(r.error.message, 'query was canceled in expression evaluation');
  // Query.cancel() works the same way.
  const q2 = new Engine({ sliceMs: 2 }).newRangeQuery(s, 'sum by (i) (rate(x[5m]))', 0, 400 * 15_000, 15_000);
  setTimeout(() => q2.cancel(), 5);
  assert.ok((await q2.exec()).error instanceof QueryCanceledError);
});

test('evaluation yields: no event-loop gap above 50 ms during a large query', async () => {
  const s = await counters(1000, 480);
  // A gap counts as blocking only if this process also spent that much CPU in it: on a busy
  // machine wall-clock gaps include time the process was not scheduled at all.
  const cpuMs = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = performance.now();
  let lastCpu = cpuMs();
  let maxGap = 0;
  let running = true;
  const spin = (): void => {
    const now = performance.now();
    const cpu = cpuMs();
    maxGap = Math.max(maxGap, Math.min(now - last, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  const r = await new Engine().newRangeQuery(s, 'sum by (job) (rate(x[5m]))', 0, 480 * 15_000, 15_000).exec();
  running = false;
  assert.equal(r.error, undefined);
  assert.ok(maxGap < 50, `event loop blocked for ${maxGap.toFixed(1)} ms`);
});

test('max concurrency: extra queries wait; a queued query can be canceled', async () => {
  const s = await counters(200, 400);
  const e = new Engine({ maxConcurrency: 1, sliceMs: 2 });
  const order: string[] = [];
  const q = 'sum(rate(x[5m]))';
  const a = e.newRangeQuery(s, q, 0, 400 * 15_000, 15_000).exec().then((r) => order.push(`a:${r.error ?? 'ok'}`));
  const b = e.newInstantQuery(s, 'vector(1)', 0).exec().then((r) => order.push(`b:${r.error ?? 'ok'}`));
  await new Promise((res) => setImmediate(res));
  assert.equal(e.gate.active, 1);
  assert.equal(e.gate.queued, 1);
  const ac = new AbortController();
  const c = e.newInstantQuery(s, 'vector(1)', 0).exec(ac.signal);
  ac.abort();
  const rc = await c;
  assert.ok(rc.error instanceof QueryCanceledError);
  assert.equal(rc.error.message, 'query was canceled in queue');
  await Promise.all([a, b]);
  assert.deepEqual(order, ['a:ok', 'b:ok']);
  assert.equal(e.gate.active, 0);
});

test('range queries are limited to 11,000 points per series', () => {
  const e = new Engine();
  const s = new MemoryStorage();
  assert.throws(
    () => e.newRangeQuery(s, 'x', 0, 11_001 * 1000, 1000),
    (err: unknown) => err instanceof BadQueryError && err.message === 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
  );
  assert.doesNotThrow(() => e.newRangeQuery(s, 'x', 0, 11_000 * 1000, 1000));
  assert.throws(() => e.newRangeQuery(s, 'x', 0, 1000, 0), BadQueryError);
});

test('a range query of a range vector is rejected with upstream text', async () => {
  const r = await new Engine().newRangeQuery(new MemoryStorage(), 'x[5m]', 0, 1000, 1000).exec();
  assert.equal(r.error?.message, 'invalid expression type "range vector" for range query, must be Scalar or instant Vector');
});

test('label_replace uses RE2 syntax: inline flags, named groups, dot matches newline', async () => {
  const s = new MemoryStorage();
  const app = s.appender();
  app.append(0, Labels.fromStrings('__name__', 'm', 'src', 'Prod-EU\nx'), 0, 1);
  await app.commit();
  const q = 'label_replace(m, "dst", "${region}-$1", "src", "(?i)(prod)-(?P<region>[a-z]+).*")';
  const r = await new Engine().newInstantQuery(s, q, 0).exec();
  assert.equal(r.error, undefined);
  assert.ok(r.value?.type === 'vector');
  assert.equal(r.value.samples[0]!.metric.get('dst'), 'EU-Prod');
  const bad = await new Engine().newInstantQuery(s, 'label_replace(m, "dst", "", "src", "(a")', 0).exec();
  assert.equal(bad.error?.message, 'invalid regular expression in label_replace(): (a');
});

test('annotation texts quote and format like Go (%q, %g)', async () => {
  const s = await counters(1, 10);
  const e = new Engine();
  const q = await e.newInstantQuery(s, 'quantile(1e6, x)', 100_000).exec();
  assert.deepEqual(q.warnings, ['PromQL warning: quantile value should be between 0 and 1, got 1e+06 (1:10)']);
  const app = s.appender();
  for (let k = 0; k < 10; k++) app.append(0, Labels.fromStrings('__name__', 'é\u00a0\x07'), k * 15_000, k);
  await app.commit();
  const r = await e.newInstantQuery(s, 'rate({"é\\u00a0\\a"}[1m])', 100_000).exec();
  assert.deepEqual(r.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "é\\u00a0\\a" (1:6)']);
});
