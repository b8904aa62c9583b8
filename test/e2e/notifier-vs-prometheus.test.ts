/**
 * The notifier side by side with the real Prometheus (Debian's 2.42): both run the same rules
 * and `alerting:` section (global alert relabeling, a path prefix, a target the Alertmanager
 * relabeling drops) and send to one fake Alertmanager on loopback, which tells them apart by
 * User-Agent. Their request bodies must have the same shape and fields (times aside), firing and
 * resolved, and `/api/v1/alertmanagers` must list the same URLs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipWithoutBinary } from '../support/peers.js';
import { eventually, notifierConfig, startBrokenTarget, startFakeAlertmanager, writeNotifierRules, type ReceivedPost } from './notifier-peers.js';
import { startIgnis, startPrometheus } from './server/processes.js';

interface SentAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

const isIgnis = (p: ReceivedPost) => /Ignis/.test(String(p.headers['user-agent']));
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The posts of one sender that carry `AppBroken`, firing (`endsAt` after receipt) or resolved. */
function postsWith(posts: readonly ReceivedPost[], ignis: boolean, state: 'firing' | 'resolved'): ReceivedPost[] {
  return posts.filter((p) => {
    if (isIgnis(p) !== ignis) return false;
    const a = (JSON.parse(p.text) as SentAlert[]).find((x) => x.labels.alertname === 'AppBroken');
    if (!a) return false;
    const firing = Date.parse(a.endsAt) > p.at;
    return state === 'firing' ? firing : !firing;
  });
}

/** What must agree: everything but the times' values and the sender's own address in the generator URL. */
function shape(p: ReceivedPost): unknown {
  return {
    path: p.path,
    contentType: p.headers['content-type'],
    alerts: (JSON.parse(p.text) as SentAlert[]).map((a) => {
      assert.match(a.startsAt, TIME);
      assert.match(a.endsAt, TIME);
      return { ...a, keys: Object.keys(a).join(','), startsAt: 'T', endsAt: 'T', generatorURL: a.generatorURL?.replace(/^http:\/\/[^/]+/, '<origin>') };
    }),
    // Go escapes & in JSON strings; the bytes must say so too.
    escapedAmpersand: p.text.includes('\\u0026') && !p.text.includes('&'),
  };
}

test('Ignis and Prometheus send the same alert bodies and list the same Alertmanagers', { skip: skipWithoutBinary('prometheus'), timeout: 180_000 }, async (t) => {
  const fake = await startFakeAlertmanager(t);
  const target = await startBrokenTarget(t, 1);
  const rulesFile = writeNotifierRules(t);
  const alerting = [
    '  alert_relabel_configs:',
    '  - {source_labels: [severity], regex: page, target_label: routed, replacement: pager}',
    '  alertmanagers:',
    `  - static_configs: [{targets: ['${fake.addr}', 'localhost:1']}]`,
    '    path_prefix: /am/',
    '    timeout: 5s',
    "    relabel_configs: [{source_labels: [__address__], regex: 'localhost:.*', action: drop}]",
  ].join('\n');
  const cfg = notifierConfig(rulesFile, target.port, alerting);
  const args = ['--rules.alert.resend-delay=2s'];
  const [ignis, prom] = await Promise.all([startIgnis({ config: cfg, args }), startPrometheus(cfg, args)]);
  t.after(() => ignis.stop());
  t.after(async () => {
    await prom.stop();
    prom.cleanup();
  });

  await t.test('/api/v1/alertmanagers: the same active and dropped URLs', async () => {
    const get = async (base: string) => (await (await fetch(`${base}/api/v1/alertmanagers`)).json()) as unknown;
    const want = { status: 'success', data: { activeAlertmanagers: [{ url: `http://${fake.addr}/am/api/v2/alerts` }], droppedAlertmanagers: [{ url: 'http://localhost:1/am/api/v2/alerts' }] } };
    // Prometheus applies discovery results every 5 s; wait until it has them.
    await eventually('Prometheus to discover the Alertmanager', 30_000, async () => (JSON.stringify(await get(prom.base)) === JSON.stringify(want) ? true : undefined));
    assert.deepEqual(await get(prom.base), want);
    assert.deepEqual(await get(ignis.base), want);
  });

  await t.test('firing: same path, content type, keys in the same order, labels, annotations and generator URL', async () => {
    const [a, b] = await eventually('a firing alert from both', 60_000, async () => {
      const i = postsWith(fake.posts, true, 'firing');
      const p = postsWith(fake.posts, false, 'firing');
      return i.length > 0 && p.length > 0 ? [i.at(-1)!, p.at(-1)!] : undefined;
    });
    assert.deepEqual(shape(a), shape(b));
    const alert = (JSON.parse(a.text) as SentAlert[])[0]!;
    assert.equal(alert.labels.routed, 'pager', 'global alert relabeling applied');
    assert.equal(alert.labels.cluster, 'e2e', 'external label added');
  });

  await t.test('resolved: the same shape, endsAt in the past', async () => {
    target.setBroken(0);
    const [a, b] = await eventually('a resolved alert from both', 60_000, async () => {
      const i = postsWith(fake.posts, true, 'resolved');
      const p = postsWith(fake.posts, false, 'resolved');
      return i.length > 0 && p.length > 0 ? [i[0]!, p[0]!] : undefined;
    });
    assert.deepEqual(shape(a), shape(b));
  });
});
