import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/index.js';
import { Labels } from '../model/labels/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { alertmanagersFromGroup, alertsPath, type AlertmanagerTargetConfig } from './targets.js';

function targetConfig(yaml: string): AlertmanagerTargetConfig {
  const c = loadConfig(`alerting:\n  alertmanagers:\n  - ${yaml}`, '/tmp/p.yml').alerting.alertmanagers[0]!;
  return { scheme: c.scheme, pathPrefix: c.path_prefix, relabel: c.relabel_configs.map((r) => r.rule) };
}

const group = (targets: string[], labels: Record<string, string> = {}): TargetGroup => ({
  source: 's',
  targets: targets.map((t) => Labels.fromStrings('__address__', t)),
  labels: Labels.fromObject(labels),
});

test('alertsPath joins and cleans the path prefix as upstream', () => {
  assert.equal(alertsPath(''), '/api/v2/alerts');
  assert.equal(alertsPath('/'), '/api/v2/alerts');
  assert.equal(alertsPath('am'), '/am/api/v2/alerts');
  assert.equal(alertsPath('/am/'), '/am/api/v2/alerts');
  assert.equal(alertsPath('/a//b/../c'), '/a/c/api/v2/alerts');
});

test('alertmanagersFromGroup: scheme and path labels, group labels the target lacks, relabeling on them', () => {
  const cfg = targetConfig(
    [
      'scheme: https',
      '    path_prefix: /am',
      '    relabel_configs:',
      '    - {source_labels: [__address__], regex: "drop.*", action: drop}',
      '    - {source_labels: [zone], regex: "b", target_label: __alerts_path__, replacement: "/custom"}',
    ].join('\n'),
  );
  const { active, dropped } = alertmanagersFromGroup(group(['a:9093', 'drop:1', 'c'], { zone: 'b' }), cfg);
  assert.deepEqual(
    active.map((a) => a.url),
    ['https://a:9093/custom', 'https://c:443/custom'],
  );
  assert.equal(active[0]!.labels.toString(), '{__address__="a:9093", __alerts_path__="/custom", __scheme__="https", zone="b"}');
  assert.deepEqual(dropped.map((d) => d.url), ['https://drop:1/am/api/v2/alerts'], 'dropped ones keep their labels before relabeling');
  assert.equal(dropped[0]!.labels.get('__alerts_path__'), '/am/api/v2/alerts');
});

test('alertmanagersFromGroup: http gets port 80; relabeling may change the scheme; a target label wins over the group label', () => {
  const cfg = targetConfig('static_configs: []\n    relabel_configs:\n    - {source_labels: [tls], regex: "1", target_label: __scheme__, replacement: https}');
  const g: TargetGroup = { source: 's', targets: [Labels.fromStrings('__address__', 'x', 'tls', '1'), Labels.fromStrings('__address__', '[::1]')], labels: Labels.fromStrings('tls', '0') };
  assert.deepEqual(alertmanagersFromGroup(g, cfg).active.map((a) => a.url), ['https://x:443/api/v2/alerts', 'http://[::1]:80/api/v2/alerts']);
});

test('alertmanagersFromGroup throws for an address that is a URL or a scheme without a default port', () => {
  assert.throws(() => alertmanagersFromGroup(group(['http://x:1/']), targetConfig('relabel_configs: [{target_label: t, replacement: v}]')), /is not a valid hostname/);
  assert.throws(() => alertmanagersFromGroup(group(['x']), targetConfig('scheme: ftp')), /invalid scheme/);
});
