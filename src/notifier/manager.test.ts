import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { Labels } from '../model/labels/index.js';
import { createLogger, createRegistry, renderRegistry, type Registry } from '../util/index.js';
import { startFakeAlertmanager } from '../../test/support/fake-alertmanager.js';
import type { Alert } from './alert.js';
import { NotifierManager, notifierSDConfigs, type NotifierConfig } from './manager.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt: string; endsAt: string; generatorURL?: string }[];
}

/** A fake Alertmanager answering `status` (or never, for `hang`), its requests' bodies parsed; closed after `t`. */
async function fakeAM(t: TestContext, status: number | 'hang' = 200): Promise<{ addr: string; readonly got: Received[] }> {
  const am = await startFakeAlertmanager(t, status);
  return {
    addr: am.addr,
    get got() {
      return am.posts.map((p) => ({ path: p.path, headers: p.headers, alerts: JSON.parse(p.text) as Received['alerts'] }));
    },
  };
}

const quietLogger = () => createLogger({ level: 'error', write: () => undefined });

function config(yaml: string): NotifierConfig {
  const c = loadConfig(yaml, '/tmp/prometheus.yml');
  return { alerting: c.alerting, externalLabels: Labels.fromObject(c.global.external_labels ?? {}) };
}

/** Target groups for `config-<i>` keys: the static targets of each Alertmanager config. */
function staticSets(cfg: NotifierConfig): Map<string, TargetGroup[]> {
  return new Map(
    cfg.alerting.alertmanagers.map((c, i) => [
      `config-${i}`,
      c.static_configs.map((g, j) => ({ source: String(j), targets: g.targets.map((a) => Labels.fromStrings('__address__', a)), labels: Labels.fromObject(g.labels) })),
    ]),
  );
}

const alert = (n: number, ...kv: string[]): Alert => ({
  labels: Labels.fromStrings('alertname', `A${n}`, ...kv),
  annotations: Labels.fromStrings('summary', `s${n}`),
  startsAt: 1_700_000_000_000 + n,
  endsAt: 1_700_000_240_000,
  generatorURL: 'http://ignis:9090/graph?g0.expr=up&g0.tab=1',
});

async function metric(reg: Registry, name: string): Promise<string[]> {
  const { body } = await renderRegistry(reg);
  return body.split('\n').filter((l) => l.startsWith(name));
}

async function waitFor(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 4000 && Date.now() < deadline; i++) {
    if (await fn()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function started(t: TestContext, yaml: string, queueCapacity?: number): Promise<{ m: NotifierManager; reg: Registry; cfg: NotifierConfig }> {
  const reg = createRegistry({ defaultMetrics: false });
  const m = new NotifierManager({ logger: quietLogger(), registry: reg, ...(queueCapacity ? { queueCapacity } : {}) });
  t.after(() => m.stop());
  const cfg = config(yaml);
  await m.applyConfig(cfg);
  m.sync(staticSets(cfg));
  return { m, reg, cfg };
}

test('alerts leave in batches of at most 64, in order, as v2 JSON with external labels and global alert relabeling', async (t) => {
  const am = await fakeAM(t);
  const { m, reg } = await started(
    t,
    [
      'global: {external_labels: {env: prod, alertname: never}}',
      'alerting:',
      '  alert_relabel_configs: [{source_labels: [alertname], regex: A7, action: drop}]',
      `  alertmanagers: [{static_configs: [{targets: ['${am.addr}']}], path_prefix: /pfx}]`,
    ].join('\n'),
  );
  m.send(Array.from({ length: 151 }, (_, i) => alert(i)));
  assert.equal(m.queueLength, 150, 'A7 dropped by relabeling before queueing');
  m.start();
  await waitFor('three requests', () => am.got.length === 3);
  assert.deepEqual(am.got.map((r) => r.alerts.length), [64, 64, 22]);
  assert.deepEqual(am.got.map((r) => r.path), ['/pfx/api/v2/alerts', '/pfx/api/v2/alerts', '/pfx/api/v2/alerts']);
  assert.equal(am.got[0]!.headers['content-type'], 'application/json');
  assert.match(am.got[0]!.headers['user-agent'] ?? '', /^Prometheus\/2\.42\.0 \(Ignis\//);
  const flat = am.got.flatMap((r) => r.alerts);
  assert.deepEqual(flat.slice(0, 8).map((a) => a.labels.alertname), ['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A8']);
  assert.deepEqual(flat[0], {
    annotations: { summary: 's0' },
    endsAt: '2023-11-14T22:17:20.000Z',
    startsAt: '2023-11-14T22:13:20.000Z',
    generatorURL: 'http://ignis:9090/graph?g0.expr=up&g0.tab=1',
    labels: { alertname: 'A0', env: 'prod' },
  });
  const url = `http://${am.addr}/pfx/api/v2/alerts`;
  await waitFor('the last answer counted', async () => (await metric(reg, `prometheus_notifications_latency_seconds_count{alertmanager="${url}"} 3`)).length === 1);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_sent_total{'), [`prometheus_notifications_sent_total{alertmanager="${url}"} 150`]);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_errors_total{'), [`prometheus_notifications_errors_total{alertmanager="${url}"} 0`]);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_dropped_total '), ['prometheus_notifications_dropped_total 0']);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_queue_'), ['prometheus_notifications_queue_length 0', 'prometheus_notifications_queue_capacity 10000']);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_alertmanagers_discovered '), ['prometheus_notifications_alertmanagers_discovered 1']);
  assert.deepEqual(await metric(reg, `prometheus_notifications_latency_seconds_count{alertmanager="${url}"}`), [`prometheus_notifications_latency_seconds_count{alertmanager="${url}"} 3`]);
});

test('every Alertmanager of every config gets the batch; per-config alert relabeling and auth; a failing one counts errors per request', async (t) => {
  const [ok, bad, relabeled] = await Promise.all([fakeAM(t), fakeAM(t, 500), fakeAM(t)]);
  const { m, reg } = await started(
    t,
    [
      'alerting:',
      '  alertmanagers:',
      `  - static_configs: [{targets: ['${ok.addr}', '${bad.addr}', '${ok.addr}']}]`,
      '    basic_auth: {username: u, password: p}',
      `  - static_configs: [{targets: ['${relabeled.addr}']}]`,
      '    authorization: {credentials: tok}',
      '    alert_relabel_configs: [{source_labels: [team], regex: b, action: keep}]',
    ].join('\n'),
  );
  assert.deepEqual(m.alertmanagers(), [`http://${ok.addr}/api/v2/alerts`, `http://${bad.addr}/api/v2/alerts`, `http://${relabeled.addr}/api/v2/alerts`], 'deduplicated by URL');
  m.start();
  m.send([alert(1, 'team', 'a'), alert(2, 'team', 'b')]);
  await waitFor('all three answered', () => ok.got.length === 1 && bad.got.length === 1 && relabeled.got.length === 1);
  await waitFor('metrics', async () => (await metric(reg, `prometheus_notifications_errors_total{alertmanager="http://${bad.addr}/api/v2/alerts"} 1`)).length === 1);
  assert.equal(ok.got[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(relabeled.got[0]!.headers.authorization, 'Bearer tok');
  assert.deepEqual(ok.got[0]!.alerts.map((a) => a.labels.alertname), ['A1', 'A2']);
  assert.deepEqual(relabeled.got[0]!.alerts.map((a) => a.labels.alertname), ['A2']);
  assert.deepEqual(await metric(reg, `prometheus_notifications_sent_total{alertmanager="http://${bad.addr}/api/v2/alerts"}`), [`prometheus_notifications_sent_total{alertmanager="http://${bad.addr}/api/v2/alerts"} 2`], 'failed requests count as sent (upstream)');
  assert.deepEqual(await metric(reg, `prometheus_notifications_sent_total{alertmanager="http://${relabeled.addr}/api/v2/alerts"}`), [`prometheus_notifications_sent_total{alertmanager="http://${relabeled.addr}/api/v2/alerts"} 1`]);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_dropped_total '), ['prometheus_notifications_dropped_total 0'], 'one Alertmanager took it');
});

test('a batch nobody accepts is dropped: all failing, timed out, or no Alertmanager at all; sending goes on', async (t) => {
  const hang = await fakeAM(t, 'hang');
  const { m, reg } = await started(t, `alerting:\n  alertmanagers: [{static_configs: [{targets: ['${hang.addr}']}], timeout: 200ms}]`);
  m.start();
  m.send([alert(1), alert(2)]);
  await waitFor('the timed out batch dropped', async () => (await metric(reg, 'prometheus_notifications_dropped_total 2')).length === 1);
  m.send([alert(3)]);
  await waitFor('the next batch tried and dropped', async () => (await metric(reg, 'prometheus_notifications_dropped_total 3')).length === 1);
  assert.equal(hang.got.length, 2);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_errors_total{'), [`prometheus_notifications_errors_total{alertmanager="http://${hang.addr}/api/v2/alerts"} 2`]);

  const relabeledAway = await started(t, `alerting:\n  alertmanagers: [{static_configs: [{targets: ['${hang.addr}']}], alert_relabel_configs: [{action: drop, regex: '.*', source_labels: [alertname]}]}]`);
  relabeledAway.m.start();
  relabeledAway.m.send([alert(1)]);
  await waitFor('the queue drained', () => relabeledAway.m.queueLength === 0);
  await sleep(200);
  assert.deepEqual(await metric(relabeledAway.reg, 'prometheus_notifications_dropped_total '), ['prometheus_notifications_dropped_total 0'], 'dropped on purpose by per-config relabeling: not counted');
  assert.equal(hang.got.length, 2, 'nothing posted');

  const none = await started(t, 'alerting: {alertmanagers: []}');
  none.m.start();
  none.m.send([alert(1)]);
  await waitFor('dropped without Alertmanagers', async () => (await metric(none.reg, 'prometheus_notifications_dropped_total 1')).length === 1);
});

test('a full queue drops the oldest alerts and counts them', async (t) => {
  const am = await fakeAM(t);
  const { m, reg } = await started(t, `alerting:\n  alertmanagers: [{static_configs: [{targets: ['${am.addr}']}]}]`, 3);
  m.send([alert(1), alert(2)]);
  m.send([alert(3), alert(4)]);
  m.send([alert(5), alert(6), alert(7), alert(8), alert(9)]);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_dropped_total '), ['prometheus_notifications_dropped_total 6']);
  assert.deepEqual(await metric(reg, 'prometheus_notifications_queue_'), ['prometheus_notifications_queue_length 3', 'prometheus_notifications_queue_capacity 3']);
  m.start();
  await waitFor('one request', () => am.got.length === 1);
  assert.deepEqual(am.got[0]!.alerts.map((a) => a.labels.alertname), ['A7', 'A8', 'A9']);
});

test('reload keeps the queue and the Alertmanagers of unchanged configs; relabeling decides active and dropped ones', async (t) => {
  const am = await fakeAM(t);
  const yaml = (timeout: string) =>
    [
      'alerting:',
      '  alertmanagers:',
      `  - static_configs: [{targets: ['${am.addr}', 'localhost:1']}]`,
      `    timeout: ${timeout}`,
      '    relabel_configs: [{source_labels: [__address__], regex: "localhost.*", action: drop}]',
    ].join('\n');
  const { m, reg } = await started(t, yaml('5s'));
  assert.deepEqual(m.alertmanagers(), [`http://${am.addr}/api/v2/alerts`]);
  assert.deepEqual(m.droppedAlertmanagers(), ['http://localhost:1/api/v2/alerts']);
  m.send([alert(1)]);
  await m.applyConfig(config(yaml('5s')));
  assert.deepEqual(m.alertmanagers(), [`http://${am.addr}/api/v2/alerts`], 'same config: kept');
  await m.applyConfig(config(yaml('6s')));
  assert.deepEqual(m.alertmanagers(), [], 'changed config: empty until discovery syncs it');
  assert.equal(m.queueLength, 1, 'the queue survives reloads');
  m.sync(staticSets(config(yaml('6s'))));
  m.start();
  await waitFor('the queued alert', () => am.got.length === 1);
  const sent = `prometheus_notifications_sent_total{alertmanager="http://${am.addr}/api/v2/alerts"}`;
  await waitFor('the send counted', async () => (await metric(reg, `${sent} 1`)).length === 1);
  await m.applyConfig(config(yaml('7s')));
  m.sync(staticSets(config(yaml('7s'))));
  assert.deepEqual(await metric(reg, sent), [`${sent} 1`], 'a reload finding the same Alertmanager keeps its counters');
  await assert.rejects(m.applyConfig(config(`alerting:\n  alertmanagers: [{static_configs: [{targets: ['x:1']}], tls_config: {ca_file: /nonexistent/ca.pem}}]`)), /nonexistent/);
  assert.deepEqual(m.alertmanagers(), [`http://${am.addr}/api/v2/alerts`], 'a config that cannot be used changes nothing');
  await assert.rejects(NotifierManager.check(config(`alerting:\n  alertmanagers: [{static_configs: [{targets: ['x:1']}], tls_config: {ca_file: /nonexistent/ca.pem}}]`)), /config-0: .*nonexistent/);
  m.sync(new Map([['config-0', []]]));
  assert.deepEqual(await metric(reg, sent), [], 'an Alertmanager discovery no longer finds loses its series');
});

test('notifierSDConfigs keys each alertmanager_config as config-<i>', () => {
  const cfg = config("alerting:\n  alertmanagers:\n  - static_configs: [{targets: ['a:1']}]\n  - file_sd_configs: [{files: [/tmp/x.json]}]");
  const sd = notifierSDConfigs(cfg.alerting);
  assert.deepEqual([...sd.keys()], ['config-0', 'config-1']);
  assert.deepEqual(sd.get('config-1')!.map((c) => c.key), ['file_sd_configs']);
});

test('stop aborts a request in flight and sends nothing afterwards', async (t) => {
  const hang = await fakeAM(t, 'hang');
  const { m } = await started(t, `alerting:\n  alertmanagers: [{static_configs: [{targets: ['${hang.addr}']}], timeout: 1m}]`);
  m.start();
  m.send([alert(1)]);
  await waitFor('the request', () => hang.got.length === 1);
  const t0 = Date.now();
  await m.stop();
  assert.ok(Date.now() - t0 < 30_000);
  m.send([alert(2)]);
  assert.equal(m.queueLength, 0);
});
