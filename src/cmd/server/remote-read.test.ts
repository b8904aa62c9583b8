/**
 * `remote_read` merged into queries, end to end inside one process: a remote read server over
 * one in-memory storage, the server's `RemoteReader` over another, and the PromQL engine and
 * `/api/v1` handlers reading through the fanout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/index.js';
import { Labels } from '../../model/labels/index.js';
import { Engine, type MatrixValue, type VectorValue } from '../../promql/index.js';
import { MemoryStorage } from '../../storage/memory/index.js';
import { createReadHandler, nodeListener } from '../../storage/remote/index.js';
import { createLogger, createRegistry, renderRegistry } from '../../util/index.js';
import { Router, registerAPIv1, startWebServer } from '../../web/index.js';
import { RemoteReader } from './remote.js';

const logger = createLogger({ level: 'error' });

/** `up{job}` every second over [0, 9 s]: `scale * t` per job. */
async function storage(jobs: Record<string, number>, extra: Record<string, string> = {}): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (const [job, scale] of Object.entries(jobs)) {
    const l = Labels.fromObject({ __name__: 'up', job, ...extra });
    for (let t = 0; t < 10; t++) app.append(0, l, t * 1000, scale * t);
  }
  await app.commit();
  return s;
}

async function serveRead(remote: MemoryStorage, ext = Labels.EMPTY): Promise<{ url: string; server: Server; requests: () => number }> {
  let n = 0;
  const handler = nodeListener(createReadHandler({ queryable: remote, externalLabels: () => ext }));
  const server = createServer((req, res) => {
    n++;
    void handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/read`, server, requests: () => n };
}

function config(remoteRead: string, external = ''): ReturnType<typeof loadConfig> {
  return loadConfig(`global:\n  scrape_interval: 1s\n${external}remote_read:\n${remoteRead}`, 'prometheus.yml');
}

/** `job` → value of an instant vector query at `tMs`, and the query's warnings. */
async function byJob(engine: Engine, reader: RemoteReader, q: string, tMs: number): Promise<{ values: Record<string, number>; warnings: string[] }> {
  const r = await engine.newInstantQuery(reader.queryable, q, tMs).exec();
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.value?.type, 'vector');
  const values: Record<string, number> = {};
  for (const s of (r.value as VectorValue).samples) values[s.metric.get('job')] = s.f;
  return { values, warnings: r.warnings };
}

test('queries merge remote series with local ones; equal samples are not doubled', async (t) => {
  const remote = await storage({ a: 1, b: 10 });
  const local = await storage({ a: 1, c: 100 });
  const srv = await serveRead(remote);
  t.after(() => srv.server.close());
  const registry = createRegistry({ defaultMetrics: false });
  const reader = new RemoteReader(local, registry, logger);
  t.after(() => reader.stop());
  await reader.apply(config(`  - url: ${srv.url}\n    read_recent: true\n`));
  const engine = new Engine();

  const r = await byJob(engine, reader, 'sum by (job) (count_over_time(up[10s]))', 9000);
  assert.deepEqual(r.values, { a: 10, b: 10, c: 10 }, 'job a is in both storages and its samples are counted once');
  assert.deepEqual(r.warnings, []);
  const range = await engine.newRangeQuery(reader.queryable, 'up', 0, 9000, 1000).exec();
  assert.equal(range.error, undefined);
  assert.equal(range.value?.type, 'matrix');
  assert.deepEqual((range.value as MatrixValue).series.map((s) => [s.metric.get('job'), s.t.length]), [['a', 10], ['b', 10], ['c', 10]]);
  const text = (await renderRegistry(registry)).body;
  assert.match(text, /prometheus_remote_storage_read_queries_total\{remote_name="[0-9a-f]{6}",url="http:\/\/127\.0\.0\.1:\d+\/api\/v1\/read",code="200"\} [1-9]/);
  assert.match(text, /prometheus_remote_storage_remote_read_queries\{remote_name="[0-9a-f]{6}",url="[^"]+"\} 0/);
  assert.match(text, /prometheus_remote_storage_read_request_duration_seconds_bucket\{le="60",remote_name="[0-9a-f]{6}",url="[^"]+"\} [1-9]/);
});

test('through the API: query values, series, labels and label values include the remote; a failed remote is a warning', async (t) => {
  const remote = await storage({ a: 1, b: 10 });
  const local = await storage({ a: 1, c: 100 });
  const srv = await serveRead(remote);
  t.after(() => srv.server.close());
  const reader = new RemoteReader(local, createRegistry({ defaultMetrics: false }), logger);
  t.after(() => reader.stop());
  await reader.apply(config(`  - url: ${srv.url}\n    read_recent: true\n`));
  const router = registerAPIv1(new Router(), { queryable: reader.queryable, engine: new Engine() });
  const web = await startWebServer('127.0.0.1:0', router, logger);
  t.after(() => web.stop());
  const base = `http://127.0.0.1:${web.address().port}/api/v1`;
  const get = async (path: string) => (await (await fetch(base + path)).json()) as { status: string; data: any; warnings?: string[] };

  const q = await get('/query?query=up&time=9');
  assert.equal(q.status, 'success');
  assert.deepEqual(q.data.result.map((s: any) => [s.metric.job, s.value[1]]).sort(), [['a', '9'], ['b', '90'], ['c', '900']]);
  assert.equal(q.warnings, undefined);
  const sum = await get('/query?query=sum(sum_over_time(up[10s]))&time=9');
  assert.equal(sum.data.result[0].value[1], String(45 + 450 + 4500), 'job a is in both storages and counted once');
  const series = await get('/series?match[]=up&start=0&end=9');
  assert.deepEqual(series.data.map((s: any) => s.job), ['a', 'b', 'c']);
  const values = await get('/label/job/values?match[]=up&start=0&end=9');
  assert.deepEqual(values.data, ['a', 'b', 'c']);
  const names = await get('/labels?match[]={job="b"}&start=0&end=9');
  assert.deepEqual(names.data, ['__name__', 'job']);
  const all = await get('/label/job/values?start=0&end=9');
  assert.deepEqual(all.data, ['a', 'c'], 'without match[] only local values (a remote read needs a selector)');

  // The remote goes away: local data, and the failure as a warning.
  await new Promise<void>((r) => srv.server.close(() => r()));
  srv.server.closeAllConnections();
  const down = await get('/query?query=up&time=9');
  assert.equal(down.status, 'success');
  assert.deepEqual(down.data.result.map((s: any) => s.metric.job).sort(), ['a', 'c']);
  assert.equal(down.warnings?.length, 1);
  // Word for word what Prometheus 2.42 answers for a remote read endpoint that refuses connections.
  const port = new URL(srv.url).port;
  assert.deepEqual(down.warnings, [`remote_read: error sending request: Post "${srv.url}": dial tcp 127.0.0.1:${port}: connect: connection refused`]);
  const downSeries = await get('/series?match[]=up&start=0&end=9');
  assert.deepEqual(downSeries.data.map((s: any) => s.job), ['a', 'c']);
  assert.match(downSeries.warnings![0]!, /^remote_read: /);
});

test('read_recent false skips ranges the local storage covers; required_matchers and external labels filter', async (t) => {
  const remote = await storage({ a: 1, b: 10 }, { dc: 'eu' });
  const local = new MemoryStorage();
  const app = local.appender();
  app.append(0, Labels.fromObject({ __name__: 'up', job: 'c' }), 5000, 5);
  await app.commit();
  const srv = await serveRead(remote);
  t.after(() => srv.server.close());
  const reader = new RemoteReader(local, createRegistry({ defaultMetrics: false }), logger);
  t.after(() => reader.stop());
  const engine = new Engine();

  await reader.apply(config(`  - url: ${srv.url}\n`, '  external_labels: {dc: eu}\n'));
  // Local data starts at 5 s: the remote is read over [0 s, 5 s] only, and dc="eu" is stripped.
  assert.deepEqual((await byJob(engine, reader, 'count_over_time(up[21s])', 20_000)).values, { a: 6, b: 6, c: 1 });
  const before = srv.requests();
  assert.deepEqual((await byJob(engine, reader, 'up', 9000)).values, { a: 5, b: 50, c: 5 }, 'remote samples up to 5 s are within the lookback');
  assert.equal(srv.requests(), before + 1);
  assert.deepEqual((await byJob(engine, reader, 'up', 400_000)).values, {});
  assert.equal(srv.requests(), before + 1, 'a query entirely after the local start time is not sent');

  await reader.apply(config(`  - url: ${srv.url}\n    read_recent: true\n    required_matchers: {job: b}\n`, '  external_labels: {dc: eu}\n'));
  assert.deepEqual((await byJob(engine, reader, 'up', 9000)).values, { c: 5 }, 'without a job="b" matcher the remote is not asked');
  assert.equal(srv.requests(), before + 1);
  assert.deepEqual((await byJob(engine, reader, 'up{job="b"}', 9000)).values, { b: 90 });
  assert.equal(srv.requests(), before + 2);

  await reader.apply(config(`  - url: ${srv.url}\n    read_recent: true\n    filter_external_labels: false\n`, '  external_labels: {dc: us}\n'));
  const unfiltered = await engine.newInstantQuery(reader.queryable, 'up{job="a"}', 9000).exec();
  assert.deepEqual((unfiltered.value as VectorValue).samples.map((s) => s.metric.toString()), ['{__name__="up", dc="eu", job="a"}'], 'external labels neither matched nor stripped');
});

test('a remote that does not answer ends the query at its timeout; reloads replace endpoints and their metrics', async (t) => {
  const hung = createServer(() => {}); // accepts, never answers
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  t.after(() => {
    hung.closeAllConnections();
    hung.close();
  });
  const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/api/v1/read`;
  const local = await storage({ c: 100 });
  const registry = createRegistry({ defaultMetrics: false });
  const reader = new RemoteReader(local, registry, logger);
  t.after(() => reader.stop());
  await reader.apply(config(`  - url: ${url}\n    read_recent: true\n`));
  const r = await new Engine({ timeoutMs: 300 }).newInstantQuery(reader.queryable, 'up', 9000).exec();
  assert.equal(r.error?.message, 'query timed out in query preparation');
  // remote_timeout (here 200 ms) shorter than the query timeout: a warning, local data answered.
  await reader.apply(config(`  - url: ${url}\n    read_recent: true\n    remote_timeout: 200ms\n`));
  const w = await byJob(new Engine({ timeoutMs: 5000 }), reader, 'up', 9000);
  assert.deepEqual(w.values, { c: 900 });
  assert.match(w.warnings[0] ?? '', /^remote_read: error sending request: Post ".*": context deadline exceeded$/);

  assert.throws(() => reader.prepare(config(`  - url: ${url}\n  - url: ${url}\n`)), /duplicate remote read configs are not allowed, found duplicate for URL/);
  let text = (await renderRegistry(registry)).body;
  assert.equal(text.match(/^prometheus_remote_storage_remote_read_queries\{/gm)?.length, 1);
  await reader.apply(config(`  - url: ${url}\n    name: other\n`));
  text = (await renderRegistry(registry)).body;
  assert.deepEqual(text.match(/^prometheus_remote_storage_remote_read_queries\{[^}]*\}/gm), [`prometheus_remote_storage_remote_read_queries{remote_name="other",url="${url}"}`]);
});
