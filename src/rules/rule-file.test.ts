/**
 * Rule files. Oracles: conformance/rules/rulefmt/expected-results.yml (upstream's rulefmt
 * tests, Prometheus 3.x HEAD), the rule-manager fixtures, the duplicate cases of
 * conformance/rules/promtool/expected-results.yml, and the real promtool 2.42 on our own
 * testdata and on every conformance rule file (legacy name validation, as 2.42 has).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { conformancePath, repoRoot } from '../../test/support/paths.js';
import { findBinary, skipWithoutBinary } from '../../test/support/peers.js';
import { checkTemplateSyntax, findDuplicateRules, formatDuplicateRules, MULTI_DOCUMENT_WARNING, parseRuleFile, parseRules, type ParsedRuleFile } from './index.js';

const ownDir = join(repoRoot, 'src', 'rules', 'testdata');
const rulefmtDir = conformancePath('rules/rulefmt');
const fixturesDir = conformancePath('rules/fixtures');
const promtoolDir = conformancePath('rules/promtool');

interface RulefmtExpected {
  good: { file: string; name_validation: 'utf8' | 'legacy' }[];
  bad: { file: string; name_validation?: 'utf8' | 'legacy'; error_contains: string }[];
}

test('rulefmt cases (oracle: conformance rules/rulefmt/expected-results.yml)', { skip: rulefmtDir ? false : 'conformance data absent' }, async (t) => {
  const dir = rulefmtDir!;
  const exp = parseYAML(readFileSync(join(dir, 'expected-results.yml'), 'utf8')) as RulefmtExpected;
  let passed = 0;
  let failed = 0;
  const count = async (name: string, fn: () => void): Promise<void> => {
    await t.test(name, () => {
      try {
        fn();
        passed++;
      } catch (err) {
        failed++;
        throw err;
      }
    });
  };
  for (const c of exp.good) {
    await count(`${c.file} parses (${c.name_validation})`, () => {
      const r = parseRuleFile(join(dir, c.file), { nameValidation: c.name_validation });
      assert.deepEqual(r.errors.map((e) => e.message), []);
      assert.ok(r.groups.length > 0);
    });
  }
  for (const c of exp.bad) {
    await count(`${c.file} is rejected: ${c.error_contains}`, () => {
      const r = parseRuleFile(join(dir, c.file), { nameValidation: c.name_validation ?? 'utf8' });
      assert.ok(r.errors.length > 0, 'no error');
      assert.ok(r.errors[0]!.message.includes(c.error_contains), r.errors[0]!.message);
    });
  }
  await count('the utf8 cases fail under legacy validation', () => {
    for (const f of ['utf-8_lname.good.yaml', 'utf-8_annotation.good.yaml']) {
      assert.match(parseRuleFile(join(dir, f), { nameValidation: 'legacy' }).errors[0]!.message, /: group "yolo", rule 1, "hola": invalid (label|annotation) name: ins-tance$/);
    }
  });
  await count('test_aliases.yaml: anchors, aliases and << merges resolved', () => {
    const r = parseRuleFile(join(dir, 'test_aliases.yaml'));
    const expr = 'sum without(instance) (rate(errors_total[5m]))\n/\nsum without(instance) (rate(requests_total[5m]))\n';
    assert.equal(r.groups.length, 2);
    for (const g of r.groups) {
      assert.deepEqual(
        g.rules.map((x) => [x.alert, x.record]),
        [['HighAlert', ''], ['', 'new_metric'], ['HighAlert', ''], ['HighAlert2', '']],
      );
      for (const x of g.rules) assert.equal(x.expr, expr);
      assert.equal(g.rules[0]!.labels.get('severity'), 'critical');
      assert.equal(g.rules[0]!.annotations.get('description'), "stuff's happening with {{ $.labels.service }}");
      assert.equal(g.rules[3]!.labels.get('severity'), 'critical', 'merged from rule 1');
    }
    assert.equal(r.groups[0]!.intervalMs, 30_000);
    assert.equal(r.groups[0]!.rules[0]!.forMs, 300_000);
    assert.ok(r.groups[0]!.rules[0]!.parsed, 'expr kept parsed');
  });
  t.diagnostic(`rulefmt conformance: ${passed} passed, ${failed} failed, 0 skipped`);
});

test('a second YAML document is ignored with a warning', { skip: fixturesDir ? false : 'conformance data absent' }, () => {
  const r = parseRuleFile(join(fixturesDir!, 'rules_multi_doc.yaml'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, [MULTI_DOCUMENT_WARNING]);
  const text = 'groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n';
  for (const second of ['---\ngroups:\n  - name: b\n    rules: [{record: y, expr: "rate(x)"}]\n', '---\n', '---\nnot: valid: yaml: [\n']) {
    const m = parseRules(text + second);
    assert.deepEqual(m.errors, [], second);
    assert.deepEqual(m.warnings, [MULTI_DOCUMENT_WARNING], second);
    assert.deepEqual(m.groups.map((g) => g.name), ['a']);
  }
  assert.deepEqual(parseRules(text).warnings, []);
});

test('rule-manager fixtures load; invalid_rules.yaml has an unknown field', { skip: fixturesDir ? false : 'conformance data absent' }, () => {
  const dir = fixturesDir!;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    const r = parseRuleFile(join(dir, f));
    if (f === 'invalid_rules.yaml') {
      assert.equal(r.errors.length, 1);
      assert.match(r.errors[0]!.message, /^.*invalid_rules\.yaml: yaml: unmarshal errors:\n {2}line \d+: field unexpected_field not found in type rulefmt\.RuleNode$/);
      assert.equal(parseRuleFile(join(dir, f), { ignoreUnknownFields: true }).errors.length, 0, 'accepted with ignoreUnknownFields');
      continue;
    }
    assert.deepEqual(r.errors.map((e) => e.message), [], f);
    assert.ok(r.groups.length > 0 && r.groups.every((g) => g.rules.length > 0), f);
  }
});

test('decoded values: durations, limit, labels in file order, positions', () => {
  const r = parseRules('groups:\n  - name: g\n    interval: 1m30s\n    limit: 7\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n        keep_firing_for: 1h\n        labels: {b: "2", a: 1}\n        annotations:\n          summary: "{{ $value }}"\n');
  assert.deepEqual(r.errors, []);
  const g = r.groups[0]!;
  assert.deepEqual([g.name, g.intervalMs, g.limit], ['g', 90_000, 7]);
  const rule = g.rules[0]!;
  assert.deepEqual([rule.alert, rule.record, rule.forMs, rule.keepFiringForMs], ['A', '', 300_000, 3_600_000]);
  assert.deepEqual([...rule.labels], [['b', '2'], ['a', '1']]);
  assert.deepEqual([rule.alertPos, rule.exprPos, rule.recordPos], [{ line: 6, col: 16 }, { line: 7, col: 15 }, { line: 0, col: 0 }]);
  assert.deepEqual(parseRules('').groups, []);
  assert.deepEqual(parseRules('').errors, []);
  const relaxed = parseRules('groups:\n  - name: g\n    query_offset: 1m\n    rules: []\n', { ignoreUnknownFields: true });
  assert.deepEqual(relaxed.errors, []);
  const missing = parseRuleFile(join(ownDir, 'does-not-exist.yml'));
  assert.deepEqual(missing.errors.map((e) => e.message), [`${join(ownDir, 'does-not-exist.yml')}: open ${join(ownDir, 'does-not-exist.yml')}: no such file or directory`]);
});

test('record names: legacy like 2.42, utf8 with the braces hint', () => {
  const file = (name: string) => `groups:\n  - name: g\n    rules:\n      - record: '${name}'\n        expr: up\n`;
  const errs = (name: string, scheme: 'utf8' | 'legacy') => parseRules(file(name), { nameValidation: scheme }).errors.map((e) => e.message);
  assert.deepEqual(errs('a-b', 'utf8'), []);
  assert.deepEqual(errs('a-b', 'legacy'), ['4:17: group "g", rule 1, "a-b": invalid recording rule name: a-b']);
  assert.deepEqual(errs('x{a="b"}', 'utf8'), ['4:17: group "g", rule 1, "x{a=\\"b\\"}": braces present in the recording rule name; should it be in expr?: x{a="b"}']);
  assert.deepEqual(errs('x{a="b"}', 'legacy'), ['4:17: group "g", rule 1, "x{a=\\"b\\"}": invalid recording rule name: x{a="b"}']);
});

test('PromQL features reach the expression parser', () => {
  const text = 'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sort_by_label(up, "instance")\n';
  assert.match(parseRules(text).errors[0]!.message, /^5:15: group "g", rule 1, "x": could not parse expression: 1:1: parse error: /);
  assert.deepEqual(parseRules(text, { parser: { enableExperimentalFunctions: true } }).errors, []);
});

test('template syntax: Go text/template errors with the line in the template', () => {
  const defs = '{{$labels := .Labels}}';
  assert.equal(checkTemplateSyntax('t', `${defs}{{ $labels.x }} {{ humanize $labels.v }}`), undefined);
  assert.equal(checkTemplateSyntax('t', `${defs}a\n\n{{ $nope }}`), 'template: t:3: undefined variable "$nope"');
  assert.equal(checkTemplateSyntax('t', '{{ if .x\n}}{{ end'), 'template: t:2: unclosed action');
  assert.equal(checkTemplateSyntax('t', '{{ foo }}'), 'template: t:1: function "foo" not defined');
  assert.equal(checkTemplateSyntax('t', '{{ foo }}', new Set(['foo'])), undefined);
  assert.equal(checkTemplateSyntax('t', 'no actions at all { } }}'), undefined);
  assert.equal(checkTemplateSyntax('t', '{{/* unclosed'), 'template: t:1: unclosed comment');
});

interface PromtoolRulesExpected {
  duplicates: { file: string; duplicates: { metric: string; labels: Record<string, string> }[] }[];
}

test('duplicate-rules lint (oracle: conformance rules/promtool/expected-results.yml)', { skip: promtoolDir ? false : 'conformance data absent' }, () => {
  const exp = parseYAML(readFileSync(join(promtoolDir!, 'expected-results.yml'), 'utf8')) as PromtoolRulesExpected;
  for (const c of exp.duplicates) {
    const r = parseRuleFile(join(promtoolDir!, c.file));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      findDuplicateRules(r.groups).map((d) => ({ metric: d.metric, labels: Object.fromEntries(d.labels) })),
      c.duplicates,
      c.file,
    );
  }
  const z = parseRuleFile(join(ownDir, 'duplicates.lint.yml'));
  assert.equal(formatDuplicateRules(findDuplicateRules(z.groups)), '2 duplicate rule(s) found.\nMetric: x\nLabel(s):\nMetric: x\nLabel(s):\n\ta: b\nMight cause inconsistency while recording expressions');
});

/**
 * Files where Ignis knowingly differs from promtool 2.42 (both still accept or both reject):
 * YAML syntax errors come from another YAML library (go-yaml's words, not always its line); 2.42 reads an alias in `record`,
 * `alert` or `expr` as the alias' name (a go-yaml node quirk fixed in 3.x), where Ignis
 * resolves it; features.yml uses 3.x PromQL syntax, which our parser knows.
 */
const KNOWN_DIFFERENCES = new Map([
  ['yaml-syntax.bad.yml', 'YAML syntax error line'],
  ['expr-positions.bad.yml', 'aliases resolved'],
  ['test_aliases.yaml', 'aliases resolved'],
  ['features.yml', 'Prometheus 3 PromQL'],
]);

/** promtool's error lines for `file` (sorted: 2.42 reports label/annotation problems in Go map order) and its lint text. */
function promtool(file: string): { errors: string[]; lint: string } {
  const p = spawnSync(findBinary('promtool')!, ['check', 'rules', file], { encoding: 'utf8', timeout: 20_000 });
  const body = p.stderr.replace(/^ {2}FAILED:\n/, '').replace(/\n+$/, '');
  if (body.startsWith('lint error ')) return { errors: [], lint: body };
  return { errors: body === '' ? [] : splitErrors(body, file), lint: '' };
}

/** Error messages of one file: each starts with `<file>: `; YAML errors span several lines. */
function splitErrors(text: string, file: string): string[] {
  return text.split(new RegExp(`\\n(?=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: )`)).sort();
}

function ours(r: ParsedRuleFile): { errors: string[]; lint: string } {
  if (r.errors.length > 0) return { errors: r.errors.map((e) => e.message).sort(), lint: '' };
  const d = findDuplicateRules(r.groups);
  return { errors: [], lint: d.length > 0 ? `lint error ${formatDuplicateRules(d)}` : '' };
}

test('same errors and lint as promtool 2.42, legacy names (oracle: the real binary)', { skip: skipWithoutBinary('promtool') }, async (t) => {
  const dirs = [ownDir, rulefmtDir, fixturesDir, promtoolDir].filter((d): d is string => d !== undefined);
  const files = dirs.flatMap((d) => readdirSync(d).filter((n) => /\.ya?ml$/.test(n) && n !== 'expected-results.yml').map((n) => join(d, n)));
  const mismatches: string[] = [];
  let same = 0;
  let known = 0;
  for (const f of files) {
    const theirs = promtool(f);
    const mine = ours(parseRuleFile(f, { nameValidation: 'legacy' }));
    if (KNOWN_DIFFERENCES.has(basename(f))) {
      known++;
      if ((mine.errors.length > 0) !== (theirs.errors.length > 0)) mismatches.push(`${f}: accepted by one side only (${KNOWN_DIFFERENCES.get(basename(f))})`);
      continue;
    }
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      mismatches.push(`${f}:\n ours ${JSON.stringify(mine)}\n promtool ${JSON.stringify(theirs)}`);
    } else same++;
  }
  t.diagnostic(`rule files vs promtool 2.42: ${same} identical, ${known} known differences (same verdict), ${mismatches.length} mismatches, of ${files.length}`);
  assert.deepEqual(mismatches, []);
});

test('never throws on mangled rule files (truncated, spliced, retyped)', () => {
  const base = readFileSync(join(ownDir, 'templates.bad.yml'), 'utf8') + readFileSync(join(ownDir, 'expr-positions.bad.yml'), 'utf8');
  let seed = 5;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >>> 16) % n;
  };
  const junk = ['', ':', '- ', '{', '}', '[', ']', '&a ', '*a', '<<: ', '\n  ', '"', "'", '~', '!!int ', '---\n', '\t', 'groups:', 'rules:', 'expr: ', '1e9'];
  for (let i = 0; i < 400; i++) {
    const at = rnd(base.length);
    const text = rnd(3) === 0 ? base.slice(0, at) : base.slice(0, at) + junk[rnd(junk.length)] + base.slice(at + rnd(8));
    const r = parseRules(text);
    for (const e of r.errors) assert.equal(typeof e.message, 'string');
  }
});
