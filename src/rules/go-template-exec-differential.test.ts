/**
 * Alert templates expanded by `expandAlertTemplate` and by the real promtool 2.42 (`promtool test
 * rules` with an expectation of no alerts prints the alerts it got, annotations included): the
 * same text for every template and sample value. Oracle: the real binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, skipWithoutBinary } from '../../test/support/peers.js';
import { expandAlertTemplate } from './index.js';

const TEMPLATES = [
  '{{ $value }} {{ humanize $value }} {{ humanizeDuration $value }}',
  '{{ printf "%.3e|%5.1f|%g|%v|%s|%d" $value $value $value $value $labels.job $value }}',
  '{{ humanizePercentage $value }} {{ humanize1024 $value }}',
  '{{ if gt $value 100.0 }}big{{ else if lt $value 0.0 }}negative{{ else }}small{{ end }} [{{ $labels.nope }}]',
  '{{ title "foo bar" }}|{{ toUpper .Labels.job }}|{{ reReplaceAll "(o+)" "[$1]" "foo boo" }}|{{ match "^a" $labels.job }}',
  '{{ with $labels.job }}job={{ . }}{{ end }} {{ $x := printf "%.1f" .Value }}{{ $x }} {{ len $labels }}',
  '{{ if gt $value 1 }}x{{ end }}',
  '{{ .Value | humanize }} {{ (printf "%.0f" $value) }} {{ and $labels.job "y" }} {{ or "" "z" }} {{ not true }}',
  '{{ eq $labels.job "a" "b" }} {{ ne $value 0.0 }} {{ le 1 2 }} {{ index $labels "job" }}',
  '{{ printf "%q|%x|%5s|%-5s|%+.2f|%05.1f|%e" $labels.job $labels.job "ab" "ab" $value $value $value }} {{ print 1 2 "a" "b" 3.5 }}',
  '{{ $externalLabels.dc }}|{{ $externalLabels.none }}|{{ $externalURL }}|{{ .ExternalURL }}|{{ stripPort "h:9090" }}|{{ reReplaceAll "(a)(b)" "${2}$1" "abab" }}',
  '{{ range $labels }}<{{ . }}>{{ end }}{{ range .ExternalLabels }}[{{ . }}]{{ else }}none{{ end }}',
  '{{- " trimmed " -}} | {{ "\\u00e9\\t" }} | {{ `raw\\n` }} | {{ 3 }} {{ 3.0 }} {{ 0x10 }} {{ 1e3 }} {{ true }}',
  '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }} {{ range $v := .Labels }}[{{ $v }}]{{ end }} {{ "\\U00000022" }} {{ \'"\' }} {{ 0777 }}',
  '{{ nil | printf "%v" }}',
  '{{ len }}',
];
const VALUES = ['12345.678', '0.000123', '-3', '0', '1e+06', '0.5', '86400.5', 'NaN', '+Inf', '-0.0000012', '1e+21', '999999.5'];

/** promtool's annotations per alert (job label → annotation name → text). */
function promtoolAnnotations(dir: string, promtool: string): Map<string, Map<string, string>> {
  const res = spawnSync(promtool, ['test', 'rules', join(dir, 'test.yml')], { encoding: 'utf8', timeout: 60_000 });
  const out = new Map<string, Map<string, string>>();
  const re = /Labels:\{[^\n]*job="([^"]*)"[^\n]*\}\n\s*Annotations:\{([^\n]*)\}/g;
  for (const m of (res.stdout + res.stderr).matchAll(re)) {
    const anns = new Map<string, string>();
    for (const a of m[2]!.matchAll(/(\w+)=("(?:[^"\\]|\\.)*")/g)) anns.set(a[1]!, JSON.parse(a[2]!) as string);
    out.set(m[1]!, anns);
  }
  return out;
}

test('alert templates expand as promtool 2.42 expands them', { skip: skipWithoutBinary('promtool'), timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-template-diff-'));
  try {
    const annotations = TEMPLATES.map((t, i) => `      t${i}: ${JSON.stringify(t)}`).join('\n');
    writeFileSync(join(dir, 'rules.yml'), `groups:\n- name: g\n  rules:\n  - alert: T\n    expr: m\n    annotations:\n${annotations}\n`);
    const series = VALUES.map((v, i) => `  - series: 'm{job="j${i}"}'\n    values: '${v}'`).join('\n');
    writeFileSync(join(dir, 'test.yml'), `rule_files: [rules.yml]\ntests:\n- interval: 1m\n  external_labels: {dc: eu}\n  external_url: http://ext:9090/p\n  input_series:\n${series}\n  alert_rule_test:\n  - eval_time: 0m\n    alertname: T\n    exp_alerts: []\n`);
    const got = promtoolAnnotations(dir, findBinary('promtool')!);
    assert.equal(got.size, VALUES.length, 'promtool printed every alert');
    VALUES.forEach((v, i) => {
      const want = got.get(`j${i}`)!;
      const data = { labels: { __name__: 'm', job: `j${i}` }, externalLabels: { dc: 'eu' }, externalURL: 'http://ext:9090/p', value: v === '+Inf' ? Infinity : Number(v) };
      TEMPLATES.forEach((t, k) => assert.equal(expandAlertTemplate('T', t, data), want.get(`t${k}`), `${t} with ${v}`));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
