import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, type TargetGroup } from '../../config/index.js';
import { checkAlertmanagerTargets, checkScrapeTargets } from './check-config-targets.js';

function job(relabel: string, extra = ''): Parameters<typeof checkScrapeTargets>[1] {
  const cfg = loadConfig(`scrape_configs:\n  - job_name: j\n${extra}    relabel_configs:\n${relabel}`, 'test.yml', { env: {} });
  return cfg.scrape_configs[0]!;
}

const group = (targets: string[], labels: Record<string, string> = {}): TargetGroup => ({ targets, labels }) as TargetGroup;

/** [relabel_configs, targets, group labels, expected failure or undefined]. */
const SCRAPE: [string, string[], Record<string, string>, string | undefined][] = [
  ['      - {source_labels: [__address__], regex: "https?://([^/]+)/?", target_label: __address__}\n', ['http://h:9/'], {}, undefined],
  ['      - {source_labels: [__address__], regex: "(.*)", target_label: __address__, replacement: "$1x"}\n', ['h:9'], {}, 'instance 0 in group 0: no address'],
  ['      - {source_labels: [__address__], regex: "(.*)", target_label: __address__, replacement: "${1}x"}\n', ['h:9'], {}, undefined],
  ['      - {source_labels: [env], regex: dev, action: drop}\n', ['h:9', 'http://x'], { env: 'dev' }, undefined],
  ['      - {source_labels: [env], regex: dev, action: keep}\n', ['h:9', 'http://x'], { env: 'prod' }, undefined],
  ['      - {source_labels: [env], regex: dev, action: keep}\n', ['h:9', 'http://x'], { env: 'dev' }, 'instance 1 in group 0: "http://x" is not a valid hostname'],
  ['      - {target_label: __scrape_interval__, replacement: "5x"}\n', ['h:9'], {}, 'instance 0 in group 0: error parsing scrape interval: not a valid duration string: "5x"'],
  ['      - {target_label: __scrape_timeout__, replacement: "2m"}\n', ['h:9'], {}, 'instance 0 in group 0: scrape timeout cannot be greater than scrape interval ("2m" > "1m")'],
  ['      - {action: labelmap, regex: "__meta_(.+)", replacement: "__${1}"}\n', ['h:9'], { __meta_address__: '' }, undefined],
  ['      - {action: labelmap, regex: "__meta_(.+)", replacement: "__${1}"}\n', ['h:9'], { __meta_address__: 'http://y' }, 'instance 0 in group 0: "http://y" is not a valid hostname'],
];

for (const [rules, targets, labels, want] of SCRAPE) {
  test(`check config targets: ${rules.trim()} on ${JSON.stringify(targets)} ${JSON.stringify(labels)}`, () => {
    assert.equal(checkScrapeTargets([group(targets, labels)], job(rules)), want);
  });
}

test('check config targets: group names in messages, and the Alertmanager path', () => {
  assert.equal(checkScrapeTargets([group(['h:9']), group(['http://x'])], job('      - {action: keep, source_labels: [__address__], regex: ".+"}\n'), ['a.json:0', 'a.json:1']), 'instance 0 in group a.json:1: "http://x" is not a valid hostname');
  const cfg = loadConfig(
    'alerting:\n  alertmanagers:\n    - path_prefix: /am\n      relabel_configs:\n        - {source_labels: [__alerts_path__], regex: "/am/api/v2/alerts", action: keep}\n        - {source_labels: [__address__], regex: "https?://(.+)", target_label: __address__}\n      static_configs:\n        - targets: [h:9]\n',
    'test.yml',
    { env: {} },
  );
  const am = cfg.alerting.alertmanagers[0]!;
  assert.equal(checkAlertmanagerTargets([group(['http://h:9', 'a:1'])], am), undefined);
  assert.equal(checkAlertmanagerTargets([group(['x/y'])], am), '"x/y" is not a valid hostname');
  assert.equal(checkAlertmanagerTargets([group(['x/y'], { __alerts_path__: '/other' })], am), undefined, 'group labels overwrite the path; the keep rule then drops the target');
});

test('check config targets: the Alertmanager path is path.Join-cleaned as the notifier sends to it', () => {
  const am = (prefix: string) =>
    loadConfig(
      `alerting:\n  alertmanagers:\n    - path_prefix: ${prefix}\n      relabel_configs:\n        - {source_labels: [__alerts_path__], regex: "/am/api/v2/alerts", action: drop}\n      static_configs:\n        - targets: [h:9]\n`,
      'test.yml',
      { env: {} },
    ).alerting.alertmanagers[0]!;
  // A target that is dropped is not checked: a bad address passes only when the path matched.
  for (const prefix of ['/am/', 'am', '/x/../am/', '/am/./', '//am//']) {
    assert.equal(checkAlertmanagerTargets([group(['x/y'])], am(prefix)), undefined, prefix);
  }
  assert.equal(checkAlertmanagerTargets([group(['x/y'])], am('/x/am/')), '"x/y" is not a valid hostname');
});
