import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, UsageError } from '../flags.js';
import { DEFAULT_RETENTION_MS, resolveServerFlags, SERVER_FLAGS } from './flags.js';

const spec = { name: 'ignis server', summary: '', flags: SERVER_FLAGS };
const resolve = (...argv: string[]) => resolveServerFlags(parseFlags(spec, argv).values);

test('defaults as the prometheus binary', () => {
  const o = resolve();
  assert.equal(o.configFile, 'prometheus.yml');
  assert.equal(o.listenAddress, '0.0.0.0:9090');
  assert.equal(o.tsdb.path, 'data/');
  assert.equal(o.tsdb.retentionMs, DEFAULT_RETENTION_MS);
  assert.equal(o.tsdb.retentionText, '15d');
  assert.equal(o.tsdb.walCompression, true);
  assert.deepEqual(o.query, { lookbackDeltaMs: 300_000, timeoutMs: 120_000, maxConcurrency: 20, maxSamples: 50_000_000 });
  assert.equal(o.enableLifecycle, false);
  assert.equal(o.flagValues.get('web.enable-lifecycle'), 'false');
  assert.equal(o.flagValues.get('query.timeout'), '2m');
});

test('retention: size alone disables the time default; the deprecated flag still counts', () => {
  const size = resolve('--storage.tsdb.retention.size=512MB');
  assert.equal(size.tsdb.retentionMs, 0);
  assert.equal(size.tsdb.retentionBytes, 512 * 1024 * 1024);
  assert.equal(size.tsdb.retentionText, '512MiB');
  const both = resolve('--storage.tsdb.retention.time=1d', '--storage.tsdb.retention.size=1GB');
  assert.equal(both.tsdb.retentionText, '1d or 1GiB');
  assert.equal(resolve('--storage.tsdb.retention=2h').tsdb.retentionMs, 2 * 3600_000);
  assert.equal(resolve('--storage.tsdb.retention.time=200y').tsdb.retentionMs, 100 * 365 * 24 * 3600_000);
});

test('bad durations, sizes and integers are usage errors naming the flag', () => {
  assert.throws(() => resolve('--query.timeout=5 minutes'), (e: unknown) => e instanceof UsageError && /not a valid duration string.*--query\.timeout/.test(e.message));
  assert.throws(() => resolve('--storage.tsdb.retention.size=lots'), (e: unknown) => e instanceof UsageError && /--storage\.tsdb\.retention\.size/.test(e.message));
  assert.throws(() => resolve('--query.max-concurrency=x'), /strconv\.ParseInt: parsing "x": invalid syntax/);
  assert.throws(() => resolve('--query.max-concurrency=0'), /at least 1/);
});

test('--web.read-timeout and --web.max-connections: upstream defaults, parsed values, usage errors', () => {
  const d = resolve();
  assert.equal(d.readTimeoutMs, 300_000);
  assert.equal(d.maxConnections, 512);
  const o = resolve('--web.read-timeout=30s', '--web.max-connections=8');
  assert.equal(o.readTimeoutMs, 30_000);
  assert.equal(o.maxConnections, 8);
  assert.equal(o.flagValues.get('web.max-connections'), '8');
  assert.throws(() => resolve('--web.max-connections=many'), /strconv\.ParseInt: parsing "many": invalid syntax for flag --web\.max-connections/);
  assert.throws(() => resolve('--web.read-timeout=soon'), (e: unknown) => e instanceof UsageError && /--web\.read-timeout/.test(e.message));
});

test('--rules.alert.resend-delay and --alertmanager.notification-queue-capacity: upstream defaults, parsed values, usage errors', () => {
  const d = resolve();
  assert.equal(d.resendDelayMs, 60_000);
  assert.equal(d.notificationQueueCapacity, 10_000);
  const o = resolve('--rules.alert.resend-delay=5s', '--alertmanager.notification-queue-capacity=50');
  assert.equal(o.resendDelayMs, 5_000);
  assert.equal(o.notificationQueueCapacity, 50);
  assert.throws(() => resolve('--rules.alert.resend-delay=often'), (e: unknown) => e instanceof UsageError && /--rules\.alert\.resend-delay/.test(e.message));
  assert.throws(() => resolve('--alertmanager.notification-queue-capacity=0'), /at least 1/);
});
