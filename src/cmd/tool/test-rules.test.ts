/**
 * `ignis tool test rules` pieces: promtool's texts (durations, `%E`, alert lists), the strict
 * test-file decoder, fuzzy comparison, JUnit, and group runs over small rule files written here
 * (templates with external labels/URL, pending alerts ignored, alerts pooled across groups,
 * `group_eval_order`, checks between evaluation steps, rule errors stopping the group). The
 * runs that only use 2.42's features are also compared with the real promtool 2.42.
 * The upstream files are covered by test/e2e/tool-test-rules.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { findBinary, skipWithoutBinary } from '../../../test/support/peers.js';
import type { CommandIO } from '../command.js';
import { parseFlags, UsageError } from '../flags.js';
import { testRulesCommand } from './test-rules.js';
import { decodeTestFile, TestFileError } from './test-rules-file.js';
import { alertsString, goDurationString, goFloatE, samplesString } from './test-rules-format.js';
import { floatsMatch } from './test-rules-group.js';
import { junitXml } from './test-rules-junit.js';

test('goDurationString prints Go time.Duration texts', () => {
  assert.equal(goDurationString(0), '0s');
  assert.equal(goDurationString(500), '500ms');
  assert.equal(goDurationString(1500), '1.5s');
  assert.equal(goDurationString(60_000), '1m0s');
  assert.equal(goDurationString(61_234), '1m1.234s');
  assert.equal(goDurationString(3_600_000), '1h0m0s');
  assert.equal(goDurationString(90_061_000), '25h1m1s');
});

test('goFloatE prints strconv.FormatFloat(v, E, -1)', () => {
  assert.equal(goFloatE(1), '1E+00');
  assert.equal(goFloatE(0), '0E+00');
  assert.equal(goFloatE(0.35), '3.5E-01');
  assert.equal(goFloatE(-2), '-2E+00');
  assert.equal(goFloatE(1e21), '1E+21');
  assert.equal(goFloatE(2.9999999999999996), '2.9999999999999996E+00');
  assert.equal(goFloatE(NaN), 'NaN');
  assert.equal(goFloatE(Infinity), '+Inf');
  assert.equal(goFloatE(-Infinity), '-Inf');
});

test('alert and sample lists', () => {
  assert.equal(alertsString([]), '[]');
  const a = { labels: Labels.fromStrings('alertname', 'A'), annotations: Labels.EMPTY };
  const b = { labels: Labels.fromStrings('alertname', 'A', 'x', '1'), annotations: Labels.fromStrings('s', 'v') };
  assert.equal(alertsString([a, b]), '[\n0:\n  Labels:{alertname="A"}\n  Annotations:{},\n1:\n  Labels:{alertname="A", x="1"}\n  Annotations:{s="v"}\n]');
  assert.equal(samplesString([]), 'nil');
  assert.equal(samplesString([{ labels: Labels.fromStrings('a', 'b'), value: 1, histogram: '' }, { labels: Labels.EMPTY, value: 0.5, histogram: '' }]), '{a="b"} 1E+00, {} 5E-01');
});

test('floatsMatch: exact, or 1 ulp apart when fuzzy', () => {
  assert.ok(floatsMatch(3, 3, false));
  assert.ok(!floatsMatch(3, 2.9999999999999996, false));
  assert.ok(floatsMatch(3, 2.9999999999999996, true));
  assert.ok(floatsMatch(3, 3.0000000000000004, true));
  assert.ok(!floatsMatch(3, 2.9999999999999987, true));
  assert.ok(!floatsMatch(NaN, NaN, true));
  assert.ok(!floatsMatch(0, -0 - Number.MIN_VALUE, true));
});

test('decodeTestFile: strict keys with promtool type names, durations, start_timestamp', () => {
  const f = decodeTestFile(
    'rule_files: [a.yml]\nevaluation_interval: 30s\ngroup_eval_order: [g1]\nfuzzy_compare: true\ntests:\n' +
      '  - name: n\n    interval: 1m\n    start_timestamp: 1609459200\n    external_labels: {k: v}\n    external_url: http://x\n' +
      '    input_series: [{series: up, values: "1 2"}]\n' +
      '    alert_rule_test: [{eval_time: 2m59s999ms, alertname: A, exp_alerts: [{exp_labels: {a: b}, exp_annotations: {s: t}}]}]\n' +
      '    promql_expr_test: [{expr: up, eval_time: 1d, exp_samples: [{labels: "up", value: .5}, {histogram: "{{count:1}}"}]}]\n' +
      '  - start_timestamp: "2024-01-01T00:00:00Z"\n',
  );
  assert.deepEqual([f.ruleFiles, f.evaluationIntervalMs, f.groupEvalOrder, f.fuzzyCompare], [['a.yml'], 30_000, ['g1'], true]);
  const [g, h] = f.tests;
  assert.equal(g!.startMs, 1_609_459_200_000);
  assert.equal(h!.startMs, Date.UTC(2024, 0, 1));
  assert.equal(g!.alertRuleTests[0]!.evalTimeMs, 179_999);
  assert.deepEqual([...g!.alertRuleTests[0]!.expAlerts[0]!.labels], [['a', 'b']]);
  assert.equal(g!.promqlExprTests[0]!.evalTimeMs, 86_400_000);
  assert.deepEqual(g!.promqlExprTests[0]!.expSamples, [{ labels: 'up', value: 0.5, histogram: '' }, { labels: '', value: 0, histogram: '{{count:1}}' }]);
  assert.deepEqual([...g!.externalLabels], [['k', 'v']]);

  assert.throws(
    () => decodeTestFile('tests:\n  - foo: 1\n    promql_expr_test:\n      - expr: x\n        bar: 2\nextra: 1\n'),
    (e: unknown) => e instanceof TestFileError && e.message === 'yaml: unmarshal errors:\n  line 2: field foo not found in type main.testGroup\n  line 5: field bar not found in type main.promqlTestCase\n  line 6: field extra not found in type main.unitTestFile',
  );
  assert.throws(() => decodeTestFile('evaluation_interval: 1x\n'), (e: unknown) => e instanceof TestFileError && /1x/.test(e.message));
  assert.throws(() => decodeTestFile('tests: [a: b\n'), (e: unknown) => e instanceof TestFileError && /^yaml: line \d+: /.test(e.message));
});

test('junitXml: one suite per file, failures and load errors', () => {
  const xml = junitXml(
    [
      { name: 'a.yml', cases: [{ name: 'ok', failures: [] }, { name: 'unnamed#1', failures: ['x < y'] }], error: undefined },
      { name: 'b.yml', cases: [], error: 'bad "file"' },
    ],
    new Date(Date.UTC(2024, 0, 1)),
  );
  assert.match(xml, /<testsuite name="a.yml" tests="2" failures="1" errors="0" skipped="0" timestamp="2024-01-01T00:00:00Z">/);
  assert.match(xml, /<testcase name="unnamed#1">\n {6}<failure>x &lt; y<\/failure>/);
  assert.match(xml, /<testsuite name="b.yml" tests="0" failures="0" errors="1"[^>]*>\n {4}<error>bad &quot;file&quot;<\/error>/);
});

const RULES = `groups:
  - name: g2
    rules:
      - record: job:b
        expr: job:a * 10
  - name: g1
    rules:
      - record: job:a
        expr: sum(up)
      - alert: Down
        expr: up == 0
        labels: {severity: page}
        annotations:
          summary: '{{ $labels.instance }} down, value {{ $value }}, {{ $externalLabels.region }} {{ $externalURL }}'
      - alert: Slow
        expr: up == 0
        for: 2m
  - name: g3
    rules:
      - alert: Down
        expr: vector(1)
`;

/** Only 2.42 features: compared with the real promtool when installed. */
const PASSING = `rule_files: [rules-*.yml]
evaluation_interval: 1m
group_eval_order: [g1, g2, g3]
tests:
  - name: templates, pooling, pending, order
    interval: 1m
    external_labels: {region: eu}
    external_url: http://prom.example
    input_series:
      - series: 'up{instance="i1", job="j"}'
        values: 0 0 0 0
      - series: 'up{instance="i2", job="j"}'
        values: 1 1 1 1
    alert_rule_test:
      - eval_time: 1m
        alertname: Down
        exp_alerts:
          - exp_labels: {instance: i1, job: j, severity: page}
            exp_annotations: {summary: 'i1 down, value 0, eu http://prom.example'}
          - {}
      - eval_time: 1m
        alertname: Slow
        exp_alerts: []
      - eval_time: 2m30s
        alertname: Slow
        exp_alerts:
          - exp_labels: {instance: i1, job: j}
    promql_expr_test:
      - expr: job:b
        eval_time: 0s
        exp_samples:
          - labels: job:b
            value: 10
      - expr: scalar(job:a)
        eval_time: 3m
        exp_samples:
          - value: 1
`;

const FAILING = `rule_files: [rules-*.yml, missing-*.yml]
tests:
  - name: wrong
    input_series:
      - series: 'up{instance="i1"}'
        values: 0x3
    alert_rule_test:
      - eval_time: 1m
        alertname: Slow
        exp_alerts: [{exp_labels: {instance: i1}}]
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{instance="i1"}'
            value: 1
          - labels: 'up{instance="i2"}'
            value: 2
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{'
      - expr: 'nosuchfunc(up)'
        eval_time: 1m
  - input_series:
      - series: x
        values: 1
    promql_expr_test:
      - expr: x
        eval_time: 0
        exp_samples: [{labels: x, value: 1}]
`;

const RULE_ERROR = `groups:
  - name: e
    rules:
      - record: bad
        expr: up + on() up
`;

async function ignis(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stdin: async () => Buffer.alloc(0) };
  const prev = process.cwd();
  process.chdir(cwd);
  try {
    const code = await testRulesCommand.run(parseFlags(testRulesCommand.spec, argv), io);
    return { code, stdout, stderr };
  } finally {
    process.chdir(prev);
  }
}

function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-test-rules-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a passing file: templates with external labels/URL, alerts pooled across groups, pending ignored, group_eval_order', () =>
  withFiles({ 'rules-1.yml': RULES, 'pass.yml': PASSING }, async (dir) => {
    const r = await ignis(['pass.yml'], dir);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'Unit Testing:  pass.yml\n  SUCCESS\n\n');
    assert.equal(r.code, 0);
  }));

test('a failing file: mismatch texts, label parse error, query error, --run, unmatched glob warning', () =>
  withFiles({ 'rules-1.yml': RULES, 'fail.yml': FAILING }, async (dir) => {
    const r = await ignis(['fail.yml'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'Unit Testing:  fail.yml\n' + '\n'.repeat(5));
    assert.equal(
      r.stderr,
      '  WARNING: no file match pattern missing-*.yml\n  FAILED:\n' +
        '    name: wrong,\n    alertname: Slow, time: 1m, \n        exp:[\n            0:\n              Labels:{alertname="Slow", instance="i1"}\n              Annotations:{}\n            ], \n        got:[]\n' +
        '    expr: "up", time: 1m,\n        exp: {__name__="up", instance="i1"} 1E+00, {__name__="up", instance="i2"} 2E+00\n        got: {__name__="up", instance="i1"} 0E+00\n' +
        '    expr: "up", time: 1m, err: labels "up{": 1:4: parse error: unexpected end of input inside braces\n' +
        '    expr: "nosuchfunc(up)", time: 1m, err: 1:1: parse error: unknown function with name \"nosuchfunc\"\n',
    );
    const only = await ignis(['--run', '^$', 'fail.yml'], dir);
    assert.equal(only.code, 0, only.stderr);
  }));

test('a rule error stops the group at that step; the time is since the epoch', () =>
  withFiles(
    {
      'err.yml': RULE_ERROR,
      't.yml': `rule_files: [err.yml]\ntests:\n  - start_timestamp: 60\n    input_series: [{series: 'up{a="1"}', values: '1 1'}, {series: 'up{a="2"}', values: '_ 1'}]\n    promql_expr_test: [{expr: nothing, eval_time: 5m, exp_samples: [{value: 1}]}]\n`,
    },
    async (dir) => {
      const r = await ignis(['t.yml'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ {2}FAILED:\n {4}rule: bad, time: 2m0s, err: found duplicate series for the match group \{\} on the right hand-side/);
      assert.equal(r.stderr.split('\n').length, 3, 'no expression checks after a rule error');
    },
  ));

test('group_eval_order naming a group twice is an error', () =>
  withFiles({ 't.yml': 'group_eval_order: [a, a]\ntests: []\n' }, async (dir) => {
    const r = await ignis(['t.yml'], dir);
    assert.deepEqual(r, { code: 1, stdout: 'Unit Testing:  t.yml\n\n\n', stderr: '  FAILED:\ngroup name repeated in evaluation order: a\n' });
  }));

test('same output as promtool 2.42 on files using only its features', { skip: skipWithoutBinary('promtool') }, () =>
  withFiles({ 'rules-1.yml': RULES, 'pass.yml': PASSING, 'fail.yml': FAILING, 'err.yml': RULE_ERROR, 'e.yml': 'rule_files: [err.yml]\ntests:\n  - input_series: [{series: "up{a=\\"1\\"}", values: "1"}, {series: "up{a=\\"2\\"}", values: "1"}]\n    promql_expr_test: [{expr: up, eval_time: 0}]\n' }, async (dir) => {
    for (const args of [['pass.yml'], ['fail.yml'], ['pass.yml', 'fail.yml'], ['e.yml']]) {
      const ours = await ignis(args, dir);
      const p = spawnSync(findBinary('promtool')!, ['test', 'rules', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      // 2.42 lists the two series of a many-to-many error in the order met; Ignis sorts them as Prometheus 3.
      const sortPair = (s: string) => s.replace(/\[(\{[^}]*\}), (\{[^}]*\})\]/g, (_m, a: string, b: string) => `[${[a, b].sort().join(', ')}]`);
      assert.deepEqual({ ...ours, stderr: sortPair(ours.stderr) }, { code: p.status, stdout: p.stdout, stderr: sortPair(p.stderr) }, args.join(' '));
    }
  }));

test('--debug dumps the stored series of each group to stderr, as Go prints a Matrix', () =>
  withFiles({ 't.yml': 'tests:\n  - input_series: [{series: "a{x=\\"1\\"}", values: "1 2.5"}]\n    promql_expr_test: [{expr: a, eval_time: 1m, exp_samples: [{labels: "a{x=\\"1\\"}", value: 2.5}]}]\n' }, async (dir) => {
    const r = await ignis(['--debug', 't.yml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '{__name__="a", x="1"} =>\n2.5 @[60000]\n');
  }));

test('usage errors: no file, a missing file, a directory (as 2.42)', async () => {
  const isUsage = (msg: string) => (e: unknown) => e instanceof UsageError && e.message === msg;
  await assert.rejects(ignis([], tmpdir()), isUsage("required argument 'test-rule-file' not provided"));
  await assert.rejects(ignis(['nope.yml'], tmpdir()), isUsage("path 'nope.yml' does not exist"));
  await assert.rejects(ignis(['/tmp/'], tmpdir()), isUsage("'tmp' is a directory"));
});

/** Sample values spelled every way go-yaml v2 accepts or rejects for a float64. */
const VALUE_SPELLINGS = [
  '16', '1_6', '16_', '0x10', '0x1_0', '0o20', '020', '0b10000', '+16', '-0x10', '1.6e1', '160e-1', '16.', '.16e2', '1.6e1_0', '08',
  '.1_6', '-.5', '18446744073709551616', '-9223372036854775809', '4.9e-325', '.inf', '+.inf', '-.Inf', '.NaN', '~', "''",
  '"16"', "'16'", '!!float 16', '!!int 16', '!!str 16', '!!float "16"', '!!float abc', '!!int 1.5', '!!bool yes', '!!binary MTY=',
  '.iNf', '+.nan', 'Infinity', 'NaN', '_16', '1e', '0x', '0x10.0', '0b2', '0x1p4', '.5_', '1e400', 'true', 'yes', 'y', 'Off',
  '2006-01-02', '2006-01-02T15:04:05Z', '2006-1-2 3:4:5.5', '2006-02-30', '[1]', '{a: 1}',
];

test('sample values decode as promtool 2.42 (go-yaml v2) decodes them', { skip: skipWithoutBinary('promtool') }, () => {
  const files: Record<string, string> = { 'r.yml': 'groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(16)\n' };
  const names = VALUE_SPELLINGS.map((v, i) => {
    files[`v${i}.yml`] = `rule_files: [r.yml]\ntests:\n  - interval: 1m\n    promql_expr_test:\n      - expr: r\n        eval_time: 0\n        exp_samples:\n          - labels: r\n            value: ${v}\n`;
    return `v${i}.yml`;
  });
  return withFiles(files, async (dir) => {
    const ours = await ignis(names, dir);
    const p = spawnSync(findBinary('promtool')!, ['test', 'rules', ...names], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(ours.stdout, p.stdout);
    assert.equal(ours.stderr, p.stderr);
    assert.equal(ours.code, p.status);
  });
});

test('decodeTestFile: fuzzy_compare takes go-yaml v2 booleans only', () => {
  const fuzzy = (v: string) => decodeTestFile(`fuzzy_compare: ${v}\n`).fuzzyCompare;
  for (const v of ['y', 'Yes', 'TRUE', 'on', '!!bool "yes"']) assert.equal(fuzzy(v), true, v);
  for (const v of ['n', 'No', 'false', 'OFF', '~', '']) assert.equal(fuzzy(v), false, v);
  for (const [v, tag] of [['1', '!!int'], ['"yes"', '!!str'], ['tRue', '!!str'], ['[]', '!!seq']]) {
    assert.throws(() => fuzzy(v!), (e: unknown) => e instanceof TestFileError && e.message.includes(`cannot unmarshal ${tag}`) && e.message.endsWith('into bool'), v);
  }
  assert.throws(() => fuzzy('!!bool maybe'), (e: unknown) => e instanceof TestFileError && e.message === 'yaml: cannot decode !!str `maybe` as a !!bool');
});
