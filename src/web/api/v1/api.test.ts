import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { loadConfig } from '../../../config/index.js';
import { Labels } from '../../../model/labels/index.js';
import { Engine } from '../../../promql/index.js';
import type { LabelMatcher } from '../../../storage/index.js';
import { MemoryStorage } from '../../../storage/memory/index.js';
import { createLogger } from '../../../util/index.js';
import { Router } from '../../router.js';
import { startWebServer } from '../../web-server.js';
import { registerAPIv1 } from './api.js';
import type { APIOptions } from './options.js';
import type { ActiveTarget, RulesRetriever, TSDBAdmin } from './retrievers.js';

const T = 1_700_000_000_000;

async function storage(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (const [job, inst] of [['api', 'a'], ['api', 'b'], ['node', 'c']] as const) {
    const l = Labels.fromObject({ __name__: 'up', job, instance: inst });
    for (let i = 0; i <= 20; i++) app.append(0, l, T + i * 15_000, i);
  }
  app.append(0, Labels.fromObject({ __name__: 'temp', 'a.b': 'dotted' }), T, 1);
  await app.commit();
  return s;
}

/** Starts the API on 127.0.0.1 with `opts` over a small data set; returns a fetch helper. */
/** 300 counters `x_total` of 2,000 samples each: enough that a range query over them is slow. */
async function slowStorage(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < 300; i++) {
    const l = Labels.fromObject({ __name__: 'x_total', i: String(i) });
    for (let k = 0; k < 2000; k++) app.append(0, l, k * 15_000, k);
  }
  await app.commit();
  return s;
}

async function serve(overrides: Partial<APIOptions> = {}) {
  const queryable = overrides.queryable ?? (await storage());
  const router = registerAPIv1(new Router(), { queryable, engine: new Engine(), ...overrides });
  const web = await startWebServer('127.0.0.1:0', router, createLogger({ level: 'error' }));
  const base = `http://127.0.0.1:${web.address().port}/api/v1`;
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(base + path, { ...init, headers: { 'Accept-Encoding': 'identity', ...(init.headers as Record<string, string>) } });
    const text = await res.text();
    let json: any;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const form = (path: string, body: string) => call(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  return { base, call, form, stop: () => web.stop() };
}

test('query and query_range: envelope, upstream status codes per error type', async (t) => {
  const api = await serve();
  t.after(() => api.stop());
  const ok = await api.call(`/query?query=up{job="node"}&time=${(T + 300_000) / 1000}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'application/json');
  assert.deepEqual(ok.json, { status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: 'up', instance: 'c', job: 'node' }, value: [1700000300, '20'] }] } });
  const range = await api.form('/query_range', `query=sum(up)&start=${T / 1000}&end=${T / 1000 + 30}&step=15s`);
  assert.deepEqual(range.json.data.result, [{ metric: {}, values: [[1700000000, '0'], [1700000015, '3'], [1700000030, '6']] }]);
  const cases: [string, number, string, string][] = [
    ['/query?query=sum(', 400, 'bad_data', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis'],
    ['/query?query=up&time=x', 400, 'bad_data', `invalid parameter "time": Invalid time value for 'time': cannot parse "x" to a valid timestamp`],
    ['/query?query=up&timeout=0', 400, 'bad_data', 'invalid parameter "timeout": timeout must be positive'],
    ['/query?query=up&limit=-1', 400, 'bad_data', 'invalid parameter "limit": limit must be non-negative'],
    ['/query_range?query=up&start=1&end=2', 400, 'bad_data', 'invalid parameter "step": cannot parse "" to a valid duration'],
    ['/query_range?query=up&start=1&end=2&step=0.0001', 400, 'bad_data', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['/query_range?query=up[5m]&start=1&end=2&step=1', 400, 'bad_data', 'invalid expression type "range vector" for range query, must be Scalar or instant Vector'],
    ['/query_range?query=sum(&start=1&end=2&step=1', 400, 'bad_data', '1:5: parse error: unclosed left parenthesis'],
    [`/query?query=up%2Bon(job)up&time=${T / 1000 + 60}`, 422, 'execution', ''],
  ];
  for (const [path, status, type, msg] of cases) {
    const r = await api.call(path);
    assert.equal(r.status, status, path);
    assert.equal(r.json.status, 'error', path);
    assert.equal(r.json.errorType, type, path);
    if (msg) assert.equal(r.json.error, msg, path);
  }
});

test('query: stats, infos, limit truncation and the engine limits', async (t) => {
  const api = await serve({ engine: new Engine({ maxSamples: 2 }) });
  t.after(() => api.stop());
  const tooMany = await api.call(`/query?query=up&time=${T / 1000 + 60}`);
  assert.equal(tooMany.status, 422);
  assert.equal(tooMany.json.error, 'query processing would load too many samples into memory in query execution');
  const api2 = await serve();
  t.after(() => api2.stop());
  const st = await api2.call(`/query?query=up{job="node"}&time=${T / 1000 + 60}&stats=all`);
  assert.deepEqual(Object.keys(st.json.data.stats.timings), ['evalTotalTime', 'resultSortTime', 'queryPreparationTime', 'innerEvalTime', 'execQueueTime', 'execTotalTime']);
  assert.deepEqual(Object.keys(st.json.data.stats.samples), ['totalQueryableSamples', 'peakSamples']);
  const info = await api2.call(`/query?query=rate(up[1m])&time=${T / 1000 + 60}`);
  assert.deepEqual(info.json.infos, ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "up" (1:6)']);
  const lim = await api2.call(`/query?query=up&time=${T / 1000 + 60}&limit=2`);
  assert.equal(lim.json.data.result.length, 2);
  assert.deepEqual(lim.json.warnings, ['results truncated due to limit']);
});

test('query timeout parameter ends a slow query with 503 timeout', async (t) => {
  const s = await slowStorage();
  const api = await serve({ queryable: s });
  t.after(() => api.stop());
  const r = await api.call('/query_range?query=sum(rate(x_total[1h]))&start=0&end=30000&step=3&timeout=0.001');
  assert.equal(r.status, 503);
  assert.equal(r.json.errorType, 'timeout');
  assert.match(r.json.error, /^query timed out in /);
});

test('series, labels, label values: match[], limits, errors as upstream', async (t) => {
  const api = await serve();
  t.after(() => api.stop());
  assert.deepEqual((await api.call('/series')).json, { status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' });
  assert.equal((await api.call('/series?match[]=%7B%7D')).json.error, 'invalid parameter "match[]": match[] must contain at least one non-empty matcher');
  assert.equal((await api.call('/series?match[]=%zz')).json.error, 'error parsing form values: invalid URL escape "%zz"');
  const series = await api.form('/series', 'match[]=up{job="node"}&match[]=up{instance="c"}');
  assert.deepEqual(series.json.data, [{ __name__: 'up', instance: 'c', job: 'node' }]);
  const lim = await api.call('/series?match[]=up&limit=1');
  assert.equal(lim.json.data.length, 1);
  assert.deepEqual(lim.json.warnings, ['results truncated due to limit']);
  assert.deepEqual((await api.call('/labels')).json.data, ['__name__', 'a.b', 'instance', 'job']);
  assert.deepEqual((await api.call('/labels?match[]=up')).json.data, ['__name__', 'instance', 'job']);
  assert.equal((await api.call('/labels?match[]=(')).json.error, '1:1: parse error: unexpected "("');
  assert.deepEqual((await api.call('/label/job/values')).json.data, ['api', 'node']);
  assert.deepEqual((await api.call('/label/instance/values?match[]=up{job="api"}&match[]=up{job="node"}')).json.data, ['a', 'b', 'c']);
  assert.deepEqual((await api.call('/label/U__a_2e_b/values')).json.data, ['dotted']);
  assert.deepEqual((await api.call('/label/a.b/values')).json.data, ['dotted']);
  assert.equal((await api.call('/label//values')).json.error, 'invalid label name: ""');
  assert.deepEqual((await api.call('/label/job/values?limit=1')).json, { status: 'success', data: ['api'], warnings: ['results truncated due to limit'] });
  assert.equal((await api.call('/label/job/values', { method: 'POST' })).status, 405);
  const legacy = await serve({ nameValidationScheme: 'legacy' });
  t.after(() => legacy.stop());
  assert.equal((await legacy.call('/label/a.b/values')).json.error, 'invalid label name: "a.b"');
  const del = await api.call('/series', { method: 'DELETE' });
  assert.equal(del.status, 500);
  assert.deepEqual(del.json, { status: 'error', errorType: 'internal', error: 'not implemented' });
});

test('format_query, query_exemplars, OPTIONS and HEAD', async (t) => {
  const api = await serve();
  t.after(() => api.stop());
  assert.deepEqual((await api.form('/format_query', 'query=sum(up)by(job)')).json, { status: 'success', data: 'sum by (job) (up)' });
  assert.deepEqual((await api.call('/query_exemplars?query=up')).json, { status: 'success', data: [] });
  const none = await api.call('/query_exemplars?query=1');
  assert.equal(none.status, 204);
  assert.equal(none.text, '');
  assert.equal((await api.call('/query_exemplars?query=up&start=5&end=1')).json.error, 'end timestamp must not be before start timestamp');
  const opt = await api.call('/query', { method: 'OPTIONS' });
  assert.equal(opt.status, 204);
  const head = await api.call('/labels', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('CORS per --web.cors.origin, gzip and deflate as accepted', async (t) => {
  const api = await serve({ corsOrigin: 'https?://(a|b)\\.com' });
  t.after(() => api.stop());
  const yes = await api.call('/labels', { headers: { Origin: 'http://a.com' } });
  assert.equal(yes.headers.get('access-control-allow-origin'), 'http://a.com');
  assert.equal(yes.headers.get('vary'), 'Origin');
  assert.equal(yes.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
  const no = await api.call('/labels', { headers: { Origin: 'http://a.com.evil' } });
  assert.equal(no.headers.get('access-control-allow-origin'), null);
  assert.equal(no.headers.get('access-control-expose-headers'), 'Date');
  const none = await api.call('/labels');
  assert.equal(none.headers.get('access-control-allow-headers'), null);
  const any = await serve();
  t.after(() => any.stop());
  assert.equal((await any.call('/query', { method: 'OPTIONS', headers: { Origin: 'http://x' } })).headers.get('access-control-allow-origin'), '*');

  const base = (await api.call('/labels')).text;
  for (const [accept, enc, decode] of [
    ['gzip', 'gzip', gunzipSync],
    ['deflate, gzip', 'deflate', inflateSync],
    ['br, gzip;q=0.8', 'gzip', gunzipSync],
  ] as const) {
    const raw = await rawGet(api.base, '/labels', accept);
    assert.equal(raw.encoding, enc, accept);
    assert.equal(decode(raw.body).toString(), base);
  }
  const plain = await rawGet(api.base, '/labels', 'gzip;q=0');
  assert.equal(plain.encoding, undefined);
});

/** GET with an explicit Accept-Encoding through node:http (fetch would decode the body). */
async function rawGet(base: string, path: string, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  const url = new URL(base + path);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('readiness: 503 Service Unavailable until ready, except status/walreplay', async (t) => {
  let ready = false;
  const api = await serve({ ready: () => ready });
  t.after(() => api.stop());
  const r = await api.call('/query?query=1');
  assert.equal(r.status, 503);
  assert.equal(r.text, 'Service Unavailable');
  assert.deepEqual((await api.call('/status/walreplay')).json, { status: 'success', data: { min: 0, max: 0, current: 0 } });
  ready = true;
  assert.equal((await api.call('/query?query=1')).status, 200);
});

function fakeAdmin(fail = false) {
  const calls: string[] = [];
  const admin: TSDBAdmin = {
    async snapshot(name, withHead) {
      if (fail) throw new Error('disk full');
      calls.push(`snapshot ${name} ${withHead}`);
    },
    async deleteSeries(mint, maxt, sets: readonly (readonly LabelMatcher[])[]) {
      calls.push(`delete ${mint} ${maxt} ${sets.map((s) => s.map((m) => `${m.name}${m.type}${m.value}`).join(',')).join(' | ')}`);
    },
    async cleanTombstones() {
      calls.push('clean');
    },
    stats: (limit) => ({
      headStats: { numSeries: 3, numLabelPairs: 5, chunkCount: 3, minTime: T, maxTime: T + 300_000 },
      seriesCountByMetricName: [
        { name: 'up', value: 3 },
        { name: 'temp', value: 1 },
      ].slice(0, limit),
      labelValueCountByLabelName: [],
      memoryInBytesByLabelName: [],
      seriesCountByLabelValuePair: [{ name: 'job=api', value: 2 }],
    }),
    walReplayStatus: () => ({ min: 1, max: 5, current: 3 }),
  };
  return { admin, calls };
}

test('admin APIs: disabled answers upstream 500 unavailable; enabled ones validate everything first', async (t) => {
  const { admin, calls } = fakeAdmin();
  const off = await serve({ tsdb: admin });
  t.after(() => off.stop());
  for (const p of ['/admin/tsdb/snapshot', '/admin/tsdb/delete_series', '/admin/tsdb/clean_tombstones']) {
    const r = await off.call(p, { method: 'PUT' });
    assert.equal(r.status, 500, p);
    assert.deepEqual(r.json, { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' });
  }
  assert.equal((await off.call('/admin/tsdb/snapshot')).status, 405);
  const on = await serve({ tsdb: admin, enableAdmin: true });
  t.after(() => on.stop());
  const snap = await on.call('/admin/tsdb/snapshot?skip_head=true', { method: 'POST' });
  assert.equal(snap.status, 200);
  assert.match(snap.json.data.name, /^\d{8}T\d{6}Z-[0-9a-f]{16}$/);
  assert.equal(calls.pop(), `snapshot ${snap.json.data.name} false`);
  assert.equal((await on.call('/admin/tsdb/snapshot?skip_head=x', { method: 'POST' })).json.error, 'invalid parameter "skip_head": unable to parse boolean: strconv.ParseBool: parsing "x": invalid syntax');
  const bad = await on.form('/admin/tsdb/delete_series', 'match[]=up&match[]=(');
  assert.equal(bad.json.error, 'invalid parameter "match[]": 1:1: parse error: unexpected "("');
  assert.equal(calls.length, 0, 'nothing deleted when one selector is bad');
  assert.equal((await on.call('/admin/tsdb/delete_series', { method: 'POST' })).json.error, 'no match[] parameter provided');
  const del = await on.form('/admin/tsdb/delete_series', 'match[]=up{job="api"}&match[]={}&start=1&end=2');
  assert.equal(del.status, 204);
  assert.deepEqual(calls, ['delete 1000 2000 job=api,__name__=up']);
  assert.equal((await on.call('/admin/tsdb/clean_tombstones', { method: 'POST' })).status, 204);
  assert.equal(calls.pop(), 'clean');
  const failing = await serve({ tsdb: fakeAdmin(true).admin, enableAdmin: true });
  t.after(() => failing.stop());
  assert.deepEqual((await failing.call('/admin/tsdb/snapshot', { method: 'POST' })).json, { status: 'error', errorType: 'internal', error: 'create snapshot: disk full' });
});

function target(pool: string, instance: string): ActiveTarget {
  return {
    discoveredLabels: Labels.fromObject({ __address__: instance, job: pool }),
    labels: Labels.fromObject({ instance, job: pool }),
    scrapePool: pool,
    scrapeUrl: `http://${instance}/metrics`,
    globalUrl: `http://${instance}/metrics`,
    lastError: instance === 'b:2' ? 'connection refused' : '',
    lastScrape: instance === 'b:2' ? undefined : T,
    lastScrapeDuration: 0.5,
    health: instance === 'b:2' ? 'down' : 'up',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
    metadataList: () => [
      { metric: 'up_total', type: 'counter', help: `help of ${instance}`, unit: '' },
      { metric: 'temp', type: 'gauge', help: 'Temperature.', unit: 'celsius' },
    ],
  };
}

test('targets, metadata and targets/metadata from the target retriever', async (t) => {
  const api = await serve({
    targets: {
      targetsActive: () => new Map([['zeta', [target('zeta', 'b:2')]], ['alpha', [target('alpha', 'a:1')]]]),
      targetsDropped: () => new Map([['alpha', [{ discoveredLabels: Labels.fromObject({ __address__: 'c:3' }), scrapePool: 'alpha' }]]]),
    },
  });
  t.after(() => api.stop());
  const all = (await api.call('/targets')).json.data;
  assert.deepEqual(all.activeTargets.map((x: any) => x.scrapePool), ['alpha', 'zeta']);
  assert.deepEqual(all.activeTargets[0], {
    discoveredLabels: { __address__: 'a:1', job: 'alpha' },
    labels: { instance: 'a:1', job: 'alpha' },
    scrapePool: 'alpha',
    scrapeUrl: 'http://a:1/metrics',
    globalUrl: 'http://a:1/metrics',
    lastError: '',
    lastScrape: '2023-11-14T22:13:20Z',
    lastScrapeDuration: 0.5,
    health: 'up',
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
  });
  assert.equal(all.activeTargets[1].lastScrape, '0001-01-01T00:00:00Z');
  assert.deepEqual(all.droppedTargets, [{ discoveredLabels: { __address__: 'c:3' } }]);
  assert.deepEqual((await api.call('/targets?state=Dropped')).json.data.activeTargets, []);
  assert.deepEqual((await api.call('/targets?state=nonsense')).json.data, { activeTargets: [], droppedTargets: [] });
  assert.deepEqual((await api.call('/targets?scrapePool=zeta')).json.data.droppedTargets, []);
  assert.deepEqual((await api.call('/scrape_pools')).json.data, { scrapePools: ['alpha', 'zeta'] });

  const md = (await api.call('/metadata')).json.data;
  assert.deepEqual(Object.keys(md), ['temp', 'up_total']);
  assert.equal(md.up_total.length, 2);
  assert.deepEqual(md.temp, [{ type: 'gauge', help: 'Temperature.', unit: 'celsius' }]);
  assert.deepEqual(Object.keys((await api.call('/metadata?limit=1')).json.data), ['temp']);
  assert.equal((await api.call('/metadata?limit_per_metric=1')).json.data.up_total.length, 1);
  assert.equal((await api.call('/metadata?limit=x')).json.error, 'limit must be a number');
  const tm = (await api.call('/targets/metadata?match_target={job="alpha"}&metric=temp')).json.data;
  assert.deepEqual(tm, [{ target: { instance: 'a:1', job: 'alpha' }, type: 'gauge', help: 'Temperature.', unit: 'celsius' }]);
  assert.equal((await api.call('/targets/metadata')).json.data.length, 4);
  assert.equal((await api.call('/targets/metadata?limit=1')).json.data.length, 2, 'upstream checks the limit per target');
  assert.equal((await api.call('/targets/metadata?match_target=(')).json.error, 'invalid parameter "match_target": 1:1: parse error: unexpected "("');
});

test('rules, alerts, alertmanagers', async (t) => {
  const alert = { labels: Labels.fromObject({ alertname: 'Down' }), annotations: Labels.fromObject({ summary: 'x' }), state: 'firing', activeAt: T, value: 1 };
  const rules: RulesRetriever = {
    ruleGroups: () => [
      {
        name: 'g',
        file: 'r.yml',
        interval: 60,
        limit: 0,
        evaluationTime: 0.001,
        lastEvaluation: T,
        rules: [
          { type: 'alerting', name: 'Down', query: 'up == 0', labels: Labels.fromObject({ severity: 'page' }), health: 'ok', lastError: '', evaluationTime: 0.0005, lastEvaluation: T, duration: 300, annotations: Labels.EMPTY, state: 'firing', alerts: [alert] },
          { type: 'recording', name: 'job:up:sum', query: 'sum by (job) (up)', labels: Labels.EMPTY, health: 'err', lastError: 'boom', evaluationTime: 0, lastEvaluation: undefined },
        ],
      },
    ],
    activeAlerts: () => [alert],
  };
  const api = await serve({ rules, alertmanagers: { alertmanagers: () => ['http://am:9093/api/v2/alerts'], droppedAlertmanagers: () => [] } });
  t.after(() => api.stop());
  const g = (await api.call('/rules')).json.data.groups[0];
  assert.deepEqual(Object.keys(g), ['name', 'file', 'rules', 'interval', 'limit', 'evaluationTime', 'lastEvaluation']);
  assert.deepEqual(Object.keys(g.rules[0]), ['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
  assert.deepEqual(g.rules[1], { name: 'job:up:sum', query: 'sum by (job) (up)', health: 'err', lastError: 'boom', evaluationTime: 0, lastEvaluation: '0001-01-01T00:00:00Z', type: 'recording' });
  assert.equal((await api.call('/rules?type=record')).json.data.groups[0].rules.length, 1);
  assert.equal((await api.call('/rules?type=X')).json.error, 'invalid parameter "type": not supported value "x"');
  assert.deepEqual((await api.call('/alerts')).json.data, { alerts: [{ labels: { alertname: 'Down' }, annotations: { summary: 'x' }, state: 'firing', activeAt: '2023-11-14T22:13:20Z', value: '1e+00' }] });
  assert.deepEqual((await api.call('/alertmanagers')).json.data, { activeAlertmanagers: [{ url: 'http://am:9093/api/v2/alerts' }], droppedAlertmanagers: [] });
  const empty = await serve();
  t.after(() => empty.stop());
  assert.deepEqual((await empty.call('/rules')).json.data, { groups: [] });
  assert.deepEqual((await empty.call('/alerts')).json.data, { alerts: [] });
});

test('status endpoints', async (t) => {
  const cfg = loadConfig('global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: a\n    basic_auth:\n      username: u\n      password: secretpw\n    static_configs:\n      - targets: [x:1]\n', 'prometheus.yml');
  const api = await serve({ config: () => cfg, flags: new Map([['web.listen-address', ':9090'], ['config.file', 'p.yml']]), tsdb: fakeAdmin().admin });
  t.after(() => api.stop());
  const yaml: string = (await api.call('/status/config')).json.data.yaml;
  assert.match(yaml, /password: <secret>/);
  assert.doesNotMatch(yaml, /secretpw/);
  assert.deepEqual(Object.keys((await api.call('/status/flags')).json.data), ['config.file', 'web.listen-address']);
  assert.deepEqual(Object.keys((await api.call('/status/runtimeinfo')).json.data), ['startTime', 'CWD', 'reloadConfigSuccess', 'lastConfigTime', 'corruptionCount', 'goroutineCount', 'GOMAXPROCS', 'GOGC', 'GODEBUG', 'storageRetention']);
  assert.deepEqual(Object.keys((await api.call('/status/buildinfo')).json.data), ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion']);
  const tsdb = (await api.call('/status/tsdb?limit=1')).json.data;
  assert.deepEqual(tsdb.headStats, { numSeries: 3, numLabelPairs: 5, chunkCount: 3, minTime: T, maxTime: T + 300_000 });
  assert.deepEqual(tsdb.seriesCountByMetricName, [{ name: 'up', value: 3 }]);
  assert.equal((await api.call('/status/tsdb?limit=0')).json.error, 'limit must be a positive number');
  assert.deepEqual((await api.call('/status/walreplay')).json.data, { min: 1, max: 5, current: 3 });
});

test('POST forms: body before URL, other content types ignored, oversized bodies refused', async (t) => {
  const api = await serve();
  t.after(() => api.stop());
  const both = await api.form(`/query?query=2&time=1`, 'query=1');
  assert.deepEqual(both.json.data, { resultType: 'scalar', result: [1, '1'] });
  const json = await api.call('/query?time=1', { method: 'POST', body: '{"query":"1"}', headers: { 'Content-Type': 'application/json' } });
  assert.equal(json.json.error, 'invalid parameter "query": unknown position: parse error: no expression found in input');
  const big = await api.form('/series', 'match[]=up&pad=' + 'x'.repeat(10 << 20));
  assert.equal(big.status, 400);
  assert.equal(big.json.error, 'error parsing form values: http: POST too large');
});

test('a client that goes away cancels its query and frees the concurrency slot', async (t) => {
  const s = await slowStorage();
  const api = await serve({ queryable: s, engine: new Engine({ maxConcurrency: 1 }) });
  t.after(() => api.stop());
  const heavy = '/query_range?query=sum(rate(x_total[1h]))&start=0&end=30000&step=3';
  const t0 = performance.now();
  assert.equal((await api.call(heavy)).status, 200);
  const full = performance.now() - t0;

  const abort = new AbortController();
  const gone = api.call(heavy, { signal: abort.signal }).catch(() => 'aborted');
  await new Promise((r) => setTimeout(r, Math.min(50, full / 4)));
  abort.abort();
  const t1 = performance.now();
  const quick = await api.call('/query?query=1&time=1');
  const waited = performance.now() - t1;
  assert.equal(await gone, 'aborted');
  assert.equal(quick.status, 200);
  assert.ok(waited < full / 2, `the next query waited ${waited.toFixed(0)} ms; the heavy one takes ${full.toFixed(0)} ms`);
});
