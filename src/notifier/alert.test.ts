import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../model/labels/index.js';
import { alertJSON, alertsJSON, type Alert } from './alert.js';

const alert = (o: Partial<Alert> = {}): Alert => ({
  labels: Labels.fromStrings('alertname', 'A', 'job', 'j'),
  annotations: Labels.EMPTY,
  startsAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  endsAt: Date.UTC(2026, 0, 2, 3, 8, 5, 6),
  generatorURL: '',
  ...o,
});

test('alertJSON: go-swagger key order, RFC 3339 millisecond times in UTC, empty annotations and generatorURL left out', () => {
  assert.equal(alertJSON(alert()), '{"endsAt":"2026-01-02T03:08:05.006Z","startsAt":"2026-01-02T03:04:05.006Z","labels":{"alertname":"A","job":"j"}}');
  const full = alertJSON(alert({ annotations: Labels.fromStrings('summary', 's', 'description', 'd'), generatorURL: 'http://h:9090/graph?g0.expr=up&g0.tab=1' }));
  assert.equal(
    full,
    '{"annotations":{"description":"d","summary":"s"},"endsAt":"2026-01-02T03:08:05.006Z","startsAt":"2026-01-02T03:04:05.006Z","generatorURL":"http://h:9090/graph?g0.expr=up\\u0026g0.tab=1","labels":{"alertname":"A","job":"j"}}',
  );
  assert.deepEqual(Object.keys(JSON.parse(full)), ['annotations', 'endsAt', 'startsAt', 'generatorURL', 'labels']);
});

test('alertJSON escapes as Go encoding/json and stays valid JSON', () => {
  const tricky = 'a<b>&"c"\\\n\t\u2028\u2029é😀';
  const text = alertJSON(alert({ labels: Labels.fromStrings('alertname', tricky), annotations: Labels.fromStrings('x', tricky) }));
  assert.ok(!/[<>&\u2028\u2029]/.test(text), text);
  assert.match(text, /a\\u003cb\\u003e\\u0026\\"c\\"\\\\\\n\\t\\u2028\\u2029é😀/);
  const parsed = JSON.parse(text) as { labels: Record<string, string>; annotations: Record<string, string> };
  assert.equal(parsed.labels.alertname, tricky);
  assert.equal(parsed.annotations.x, tricky);
});

test('alertsJSON is an array in order; empty is []', () => {
  assert.equal(alertsJSON([]), '[]');
  const two = JSON.parse(alertsJSON([alert(), alert({ labels: Labels.fromStrings('alertname', 'B') })])) as { labels: { alertname: string } }[];
  assert.deepEqual(two.map((a) => a.labels.alertname), ['A', 'B']);
});

test('alertJSON writes backspace, form feed and lone surrogates as Go 1.19 encoding/json does', () => {
  const text = alertJSON(alert({ annotations: Labels.fromStrings('x', 'a\bb\fc\ud800') }));
  assert.match(text, /"x":"a\\u0008b\\u000cc\\ufffd"/);
});
