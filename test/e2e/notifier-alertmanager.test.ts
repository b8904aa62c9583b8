/**
 * Ignis' notifier against the real Alertmanager (Debian's 0.25): an alerting rule fires and the
 * alert, with its templated labels, annotations, external labels and generator URL, shows up in
 * Alertmanager's `/api/v2/alerts` and in `amtool alert query`; the rule resolves, Ignis sends
 * the resolved alert, and Alertmanager no longer lists it as active. A reload with another
 * `alerting:` section takes effect. `/api/v1/alertmanagers` and the notifier metrics say what
 * happened.
 */
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPeer } from './peer-process.js';
import { findBinary } from '../support/peers.js';
import { alertmanagerSkipReason, eventually, notifierConfig, startAlertmanager, startBrokenTarget, writeNotifierRules } from './notifier-peers.js';
import { selfMetric } from './server/api.js';
import { startIgnis } from './server/processes.js';

interface AMAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

async function amAlerts(base: string): Promise<AMAlert[]> {
  const res = await fetch(`${base}/api/v2/alerts`);
  assert.equal(res.status, 200);
  return (await res.json()) as AMAlert[];
}

test('an Ignis alert reaches the real Alertmanager, and its resolution too', { skip: alertmanagerSkipReason(), timeout: 180_000 }, async (t) => {
  const am = await startAlertmanager(t);
  const target = await startBrokenTarget(t, 1);
  const rulesFile = writeNotifierRules(t);
  const cfg = notifierConfig(rulesFile, target.port, `  alertmanagers:\n  - static_configs: [{targets: ['127.0.0.1:${am.port}']}]\n    timeout: 5s`);
  const ignis = await startIgnis({ config: cfg, args: ['--rules.alert.resend-delay=2s', '--web.enable-lifecycle'] });
  t.after(() => ignis.stop());

  const amURL = `http://127.0.0.1:${am.port}/api/v2/alerts`;
  // Discovery hands its first targets over asynchronously (at most once per second here).
  const want = { status: 'success', data: { activeAlertmanagers: [{ url: amURL }], droppedAlertmanagers: [] } };
  await eventually('the Alertmanager discovered', 30_000, async () => (JSON.stringify(await (await fetch(`${ignis.base}/api/v1/alertmanagers`)).json()) === JSON.stringify(want) ? true : undefined));

  const fired = await eventually('the alert in Alertmanager', 60_000, async () => (await amAlerts(am.base)).find((a) => a.labels.alertname === 'AppBroken'));
  const instance = `127.0.0.1:${target.port}`;
  assert.deepEqual(fired.labels, { alertname: 'AppBroken', cluster: 'e2e', instance, job: 'app', severity: 'page', team: 'app-team' }, 'the rule label wins over the external one');
  assert.deepEqual(fired.annotations, { summary: `${instance} is broken (value 1)`, runbook: 'https://example.com/runbook?a=1&b=<2>' });
  assert.equal(fired.status.state, 'active');
  assert.equal(fired.generatorURL, `${new URL(fired.generatorURL).origin}/graph?g0.expr=app_broken+%3D%3D+1&g0.tab=1`);
  assert.equal(new URL(fired.generatorURL).port, String(ignis.port));
  assert.ok(Date.parse(fired.endsAt) > Date.now(), `a firing alert ends in the future: ${fired.endsAt}`);

  await t.test('amtool alert query sees it', async () => {
    const r = await runPeer(findBinary('amtool')!, ['alert', 'query', `--alertmanager.url=${am.base}`, '-o', 'json', 'alertname=AppBroken']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as AMAlert[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.labels.team, 'app-team');
    assert.equal(list[0]!.annotations.summary, `${instance} is broken (value 1)`);
    const simple = await runPeer(findBinary('amtool')!, ['alert', 'query', `--alertmanager.url=${am.base}`, 'severity=page']);
    assert.match(simple.stdout, /AppBroken/);
  });

  await t.test('the notifier metrics count what was sent', async () => {
    assert.ok(((await selfMetric(ignis.base, 'prometheus_notifications_sent_total', `{alertmanager="${amURL}"}`)) ?? 0) >= 1);
    assert.equal(await selfMetric(ignis.base, 'prometheus_notifications_errors_total', `{alertmanager="${amURL}"}`), 0);
    assert.equal(await selfMetric(ignis.base, 'prometheus_notifications_alertmanagers_discovered'), 1);
    assert.equal(await selfMetric(ignis.base, 'prometheus_notifications_queue_capacity'), 10000);
  });

  await t.test('resolving the rule resolves the alert in Alertmanager', async () => {
    target.setBroken(0);
    await eventually('the alert gone from the active alerts', 60_000, async () => ((await amAlerts(am.base)).some((a) => a.labels.alertname === 'AppBroken') ? undefined : true));
    const r = await runPeer(findBinary('amtool')!, ['alert', 'query', `--alertmanager.url=${am.base}`, '-o', 'json', 'alertname=AppBroken']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
    // Gone because Ignis said it resolved, not because its endsAt passed: Alertmanager counts
    // the resolved alerts it received.
    const resolved = await selfMetric(am.base, 'alertmanager_alerts_received_total', '{status="resolved",version="v2"}');
    assert.ok((resolved ?? 0) >= 1, `resolved alerts received: ${resolved}`);
  });

  await t.test('a reload with another alerting section changes where alerts go', async () => {
    const next = notifierConfig(
      rulesFile,
      target.port,
      `  alertmanagers:\n  - static_configs: [{targets: ['127.0.0.1:${am.port}', 'localhost:1']}]\n    path_prefix: /\n    relabel_configs: [{source_labels: [__address__], regex: 'localhost:.*', action: drop}]`,
    );
    writeFileSync(ignis.configPath, next);
    const res = await fetch(`${ignis.base}/-/reload`, { method: 'POST' });
    assert.equal(res.status, 200, await res.text());
    const want = { activeAlertmanagers: [{ url: amURL }], droppedAlertmanagers: [{ url: 'http://localhost:1/api/v2/alerts' }] };
    await eventually('the new Alertmanager list', 30_000, async () => {
      const body = (await (await fetch(`${ignis.base}/api/v1/alertmanagers`)).json()) as { data: unknown };
      return JSON.stringify(body.data) === JSON.stringify(want) ? true : undefined;
    });
    target.setBroken(1);
    await eventually('the alert firing again after the reload', 60_000, async () => (await amAlerts(am.base)).find((a) => a.labels.alertname === 'AppBroken'));
  });
});
