/**
 * The alert state machine against the real promtool 2.42: random 0/1 series evaluated every
 * minute by `m == 1` with several `for` / `keep_firing_for` settings; at every minute the firing
 * alerts (labels and annotations) must be those `promtool test rules` reports (it prints what it
 * got when told to expect nothing). Oracle: the real binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, skipWithoutBinary } from '../../test/support/peers.js';
import { Labels } from '../model/labels/index.js';
import type { Sample } from '../promql/index.js';
import { AlertingRule, expandAlertTemplate, parseRules } from './index.js';

const STEPS = 16;
const SERIES = 3;
const SETTINGS = [
  ['0s', '0s'],
  ['2m', '0s'],
  ['0s', '2m'],
  ['3m', '3m'],
] as const;

/** Firing alerts per minute as promtool prints them: `labels annotations` lines, sorted. */
function promtoolFiring(dir: string, promtool: string): Map<number, string[]> {
  const res = spawnSync(promtool, ['test', 'rules', join(dir, 'test.yml')], { encoding: 'utf8', timeout: 60_000 });
  const out = new Map<number, string[]>();
  for (const block of (res.stdout + res.stderr).split(/alertname: A, time: /).slice(1)) {
    // Go prints the time as a duration: `0s`, `5m`, `1h0m0s`, `1h5m0s`.
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?/.exec(block)!;
    const minute = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60;
    const got = block.slice(block.indexOf('got:'));
    const alerts = [...got.matchAll(/Labels:(\{[^\n]*\})\n\s*Annotations:(\{[^\n]*\})/g)].map((m) => `${m[1]} ${m[2]}`);
    out.set(minute, alerts.sort());
  }
  return out;
}

test('alert states (for, keep_firing_for) agree with promtool 2.42 minute by minute', { skip: skipWithoutBinary('promtool'), timeout: 120_000 }, async () => {
  const promtool = findBinary('promtool')!;
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >>> 16) % 3 > 0 ? 1 : 0;
  };
  let firingSeen = 0;
  for (const [forText, keepText] of SETTINGS) {
    for (let round = 0; round < 2; round++) {
      const values = Array.from({ length: SERIES }, () => Array.from({ length: STEPS }, rnd));
      const dir = mkdtempSync(join(tmpdir(), 'ignis-alert-diff-'));
      try {
        const rule = `groups:\n- name: g\n  rules:\n  - alert: A\n    expr: m == 1\n    for: ${forText}\n    keep_firing_for: ${keepText}\n    annotations: {v: '{{ $value }}'}\n`;
        writeFileSync(join(dir, 'rules.yml'), rule);
        const series = values.map((v, i) => `  - series: 'm{i="${i}"}'\n    values: '${v.join(' ')}'`).join('\n');
        const evals = Array.from({ length: STEPS }, (_, k) => `  - eval_time: ${k}m\n    alertname: A\n    exp_alerts: []`).join('\n');
        writeFileSync(join(dir, 'test.yml'), `rule_files: [rules.yml]\ntests:\n- interval: 1m\n  input_series:\n${series}\n  alert_rule_test:\n${evals}\n`);
        const want = promtoolFiring(dir, promtool);
        firingSeen += [...want.values()].reduce((n, a) => n + a.length, 0);

        const spec = parseRules(rule).groups[0]!.rules[0]!;
        const r = new AlertingRule(spec, { externalLabels: () => Labels.EMPTY, externalURL: () => '', expand: expandAlertTemplate });
        for (let k = 0; k < STEPS; k++) {
          const samples: Sample[] = values.flatMap((v, i) => (v[k] === 1 ? [{ metric: Labels.fromStrings('__name__', 'm', 'i', String(i)), t: k * 60_000, f: 1, dropName: false }] : []));
          await r.eval(async () => samples, k * 60_000, 0);
          const got = r
            .activeAlerts()
            .filter((a) => a.state === 'firing')
            .map((a) => `${a.labels.toString()} ${a.annotations.toString()}`)
            .sort();
          assert.deepEqual(got, want.get(k) ?? [], `for ${forText}, keep_firing_for ${keepText}, minute ${k}, series ${JSON.stringify(values)}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  assert.ok(firingSeen > 50, `promtool reported ${firingSeen} firing alerts in all`);
});
