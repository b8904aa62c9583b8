import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/index.js';
import { Labels } from '../model/labels/index.js';
import type { Alert } from './alert.js';
import { relabelAlerts, withExternalLabels } from './relabel-alerts.js';

const alert = (...kv: string[]): Alert => ({ labels: Labels.fromStrings(...kv), annotations: Labels.fromStrings('a', 'b'), startsAt: 1, endsAt: 2, generatorURL: 'g' });

/** The `alert_relabel_configs` of a config whose alerting section is `yaml`. */
function rules(yaml: string) {
  return loadConfig(`alerting:\n  alert_relabel_configs:\n${yaml}`, '/tmp/p.yml').alerting.alert_relabel_configs.map((c) => c.rule);
}

test('withExternalLabels: adds what the alert lacks, never overrides (an empty value counts as absent)', () => {
  const ext = Labels.fromStrings('env', 'prod', 'severity', 'ext');
  assert.equal(withExternalLabels(Labels.fromStrings('alertname', 'A', 'severity', 'page'), ext).toString(), '{alertname="A", env="prod", severity="page"}');
  const same = Labels.fromStrings('env', 'dev', 'severity', 'x');
  assert.equal(withExternalLabels(same, ext), same, 'unchanged: the same object');
  assert.equal(withExternalLabels(Labels.fromStrings('x', '1'), Labels.EMPTY).toString(), '{x="1"}');
});

test('relabelAlerts: external labels first, then the rules see them; dropped and emptied alerts are not sent', () => {
  const r = rules(
    [
      '    - {source_labels: [env], regex: prod, target_label: routed, replacement: "yes"}',
      '    - {source_labels: [alertname], regex: Noise, action: drop}',
      '    - {regex: "gone|alertname", action: labeldrop}',
    ].join('\n'),
  );
  const input = [alert('alertname', 'A', 'x', '1'), alert('alertname', 'Noise'), alert('alertname', 'gone'), alert('alertname', 'B', 'env', 'dev')];
  const out = relabelAlerts(input, r, Labels.fromStrings('env', 'prod'));
  assert.deepEqual(out.map((a) => a.labels.toString()), ['{env="prod", routed="yes", x="1"}', '{env="prod", routed="yes"}', '{env="dev"}']);
  assert.equal(out[0]!.annotations.toString(), '{a="b"}', 'the rest of the alert is kept');
  assert.equal(input[0]!.labels.toString(), '{alertname="A", x="1"}', 'inputs are not changed');
  const kept = relabelAlerts(input.slice(0, 1), []);
  assert.equal(kept[0], input[0], 'no rules, no external labels: the same alert object');
  assert.deepEqual(relabelAlerts([alert('only', 'x')], rules('    - {regex: only, action: labeldrop}')), [], 'empty label set');
});
