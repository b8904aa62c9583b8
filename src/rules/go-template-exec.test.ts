import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandAlertTemplate } from './go-template-exec.js';
import { formatFloat, sprintf } from './go-format.js';

const data = { labels: { __name__: 'up', job: 'node', instance: 'h:9100' }, externalLabels: { dc: 'eu' }, externalURL: 'http://x:9090', value: 0.123456 };
const x = (t: string) => expandAlertTemplate('A', t, data);

test('alert templates: variables, fields, functions, conditionals as Prometheus expands them', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['{{ $labels.job }} on {{ $labels.instance | stripPort }}', 'node on h'],
    ['{{ .Labels.job }}/{{ .Value }}', 'node/0.123456'],
    ['{{ $value }}', '0.123456'],
    ['{{ printf "%.2f" $value }}', '0.12'],
    ['{{ $value | printf "%.3g" }}', '0.123'],
    ['{{ humanize $value }}', '123.5m'],
    ['{{ humanizePercentage $value }}', '12.35%'],
    ['{{ humanizeDuration 3725 }}', '1h 2m 5s'],
    ['{{ humanize 1234567 }} {{ humanize1024 2048 }}', '1.235M 2ki'],
    ['{{ if gt $value 0.1 }}big{{ else if eq $value 0.0 }}zero{{ else }}small{{ end }}', 'big'],
    ['{{ if lt $value 0.1 }}big{{ else if eq $labels.job "node" }}node{{ else }}small{{ end }}', 'node'],
    ['[{{ $labels.nope }}]', '[]'],
    ['{{ $externalLabels.dc }} {{ $externalURL }}', 'eu http://x:9090'],
    ['{{ $x := 3 }}{{ $x }}', '3'],
    ['{{ with $labels.job }}j={{ . }}{{ end }}', 'j=node'],
    ['{{ 1e6 }} {{ 123456.0 }} {{ 0.00001 }}', '1e+06 123456 1e-05'],
    ['a {{- " b " -}} c', 'a b c'],
    ['{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}', '__name__=up;instance=h:9100;job=node;'],
    ['{{ range $v := .Labels }}[{{ $v }}]{{ end }}', '[up][h:9100][node]'],
    [`{{ "\\U0001F600\\x41\\101\\"" }} {{ '"' }} {{ '\\'' }}`, '\u{1F600}AA" 34 39'],
  ];
  for (const [t, want] of cases) assert.equal(x(t), want, t);
});

test('alert templates: errors become upstream\'s <error expanding template: …>', () => {
  assert.equal(x('{{ if gt $value 1 }}x{{end}}'), '<error expanding template: error executing template __alert_A: template: __alert_A:1:118: executing "__alert_A" at <gt $value 1>: error calling gt: incompatible types for comparison>');
  const seen: string[] = [];
  expandAlertTemplate('A', '{{ $labels.job }}{{ nope', data, (e) => seen.push(e));
  expandAlertTemplate('A', '{{ $labels.job }}', data, (e) => seen.push(e));
  assert.deepEqual(seen, ['error parsing template __alert_A: template: __alert_A:1: function "nope" not defined']);
  assert.equal(x('{{ nil }}'), '<error expanding template: error executing template __alert_A: template: __alert_A:1:115: executing "__alert_A" at <nil>: nil is not a command>');
  assert.equal(x('{{ len }}'), '<error expanding template: error executing template __alert_A: template: __alert_A:1:115: executing "__alert_A" at <len>: wrong number of args for len: want 1 got 0>');
  assert.equal(x('{{ define "t" }}x{{ end }}'), '<error expanding template: error executing template __alert_A: {{define}} is not supported>');
  assert.equal(x('{{ $labels.job'), '<error expanding template: error parsing template __alert_A: template: __alert_A:1: unclosed action>');
});

test('Go number formatting', () => {
  assert.equal(formatFloat(100, 'g', 4), '100');
  assert.equal(formatFloat(12345, 'g', 4), '1.234e+04');
  assert.equal(formatFloat(1.5, 'g', 4), '1.5');
  assert.equal(formatFloat(1e21, 'g', -1), '1e+21');
  assert.equal(formatFloat(0.5, 'e', -1), '5e-01');
  assert.equal(sprintf('%d%% %s %5.1f|%-4s|', [5n, 'x', 3.14159, 'ab']), '5% x   3.1|ab  |');
  assert.equal(sprintf('%d', [1.5]), '%!d(float64=1.5)');
});
