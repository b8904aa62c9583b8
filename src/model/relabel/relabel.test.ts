import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, compileRegex, type ValidationScheme } from '../labels/index.js';
import { ruleFromSpec, type RelabelSpec } from '../../../test/support/relabel-spec.js';
import { DEFAULT_RELABEL_RULE, hashMod, relabel, validateRelabelRule, type RelabelAction, type RelabelRule } from './index.js';

/** A rule written like the YAML (snake_case, defaults filled in), legacy names unless said. */
interface Spec extends RelabelSpec {
  scheme?: ValidationScheme;
}

const rule = (s: Spec): RelabelRule => ruleFromSpec(s, s.scheme);

interface Case {
  name: string;
  input: Record<string, string>;
  rules: Spec[];
  /** The result, or 'drop'. */
  output: Record<string, string> | 'drop';
  /** The result must be the input instance (nothing allocated). */
  same?: boolean;
}

const abc = { a: 'foo', b: 'bar', c: 'baz' };
const ports = { __tmp_port: '1234', __port1: '1234', __port2: '5678' };

const CASES: Case[] = [
  // replace
  { name: 'replace: ${1} twice', input: abc, rules: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }], output: { ...abc, d: 'choo-choo' } },
  {
    name: 'replace: two sources, then a rule that sees the change',
    input: abc,
    rules: [
      { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
      { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
    ],
    output: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
  },
  { name: 'replace: no match, no change', input: { a: 'boo' }, rules: [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }], output: { a: 'boo' }, same: true },
  { name: 'replace: the regex is anchored at both ends', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'o', target_label: 'b', replacement: 'x' }], output: { a: 'foo' }, same: true },
  { name: 'replace: empty result deletes the target', input: { a: 'foo', f: 'baz' }, rules: [{ source_labels: ['a'], regex: '(f).*', target_label: '$1', replacement: '$2' }], output: { a: 'foo' } },
  { name: 'replace: defaults copy one label', input: { a: 'foo' }, rules: [{ source_labels: ['a'], target_label: 'b' }], output: { a: 'foo', b: 'foo' } },
  { name: 'replace: absent source deletes the target', input: { a: '1', b: '2' }, rules: [{ source_labels: ['missing'], target_label: 'b' }], output: { a: '1' } },
  { name: 'replace: static value without sources', input: { a: '1' }, rules: [{ target_label: 'abc', replacement: 'static' }], output: { a: '1', abc: 'static' } },
  { name: 'replace: custom separator', input: abc, rules: [{ source_labels: ['a', 'b'], separator: '/', target_label: 'd' }], output: { ...abc, d: 'foo/bar' } },
  { name: 'replace: empty separator', input: abc, rules: [{ source_labels: ['a', 'b'], separator: '', target_label: 'd' }], output: { ...abc, d: 'foobar' } },
  { name: 'replace: absent middle source joins as empty', input: abc, rules: [{ source_labels: ['a', 'x', 'b'], target_label: 'd' }], output: { ...abc, d: 'foo;;bar' } },
  { name: 'replace: target name from a group', input: { a: 'some-name-value' }, rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' }], output: { a: 'some-name-value', name: 'value' } },
  { name: 'replace: missing group gives an empty value (no label)', input: { a: 'some-name-value' }, rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${3}' }], output: { a: 'some-name-value' }, same: true },
  {
    name: 'replace: target expanding to an empty name is skipped',
    input: { a: 'some-name-0' },
    rules: [
      { source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${3}', replacement: '${1}' },
      { source_labels: ['a'], regex: 'some-([^-]+)(-[^,]+)', target_label: '${3}', replacement: '${1}' },
    ],
    output: { a: 'some-name-0' },
    same: true,
  },
  { name: 'replace: target invalid under legacy names is skipped', input: { a: 'my-label' }, rules: [{ source_labels: ['a'], regex: '(.+)', target_label: '${1}', replacement: 'v' }], output: { a: 'my-label' }, same: true },
  { name: 'replace: the same target is valid under utf8 names', input: { a: 'my-label' }, rules: [{ source_labels: ['a'], regex: '(.+)', target_label: '${1}', replacement: 'v', scheme: 'utf8' }], output: { a: 'my-label', 'my-label': 'v' } },
  { name: 'replace: legacy target starting with a digit is skipped', input: { a: '0abc' }, rules: [{ source_labels: ['a'], regex: '(.+)', target_label: '$1', replacement: 'v' }], output: { a: '0abc' }, same: true },
  { name: 'replace: dotted target name under utf8', input: { a: 'x' }, rules: [{ source_labels: ['a'], target_label: 'utf-8.label', scheme: 'utf8' }], output: { a: 'x', 'utf-8.label': 'x' } },
  { name: 'replace: $1x is the group named 1x (empty), deleting the target', input: { a: 'foo', b: 'old' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: '$1x' }], output: { a: 'foo' } },
  { name: 'replace: ${1}x is group 1 then x', input: { a: 'foo' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: '${1}x' }], output: { a: 'foo', b: 'foox' } },
  { name: 'replace: $$ is a literal dollar', input: { a: 'foo' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: 'cost$$1' }], output: { a: 'foo', b: 'cost$1' } },
  { name: 'replace: malformed references stay literal', input: { a: 'foo' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: '${1-$-${}' }], output: { a: 'foo', b: '${1-$-${}' } },
  {
    name: 'replace: $name and ${name} named groups',
    input: { __address__: 'host:9100' },
    rules: [{ source_labels: ['__address__'], regex: '(?P<host>[^:]+):(?P<port>\\d+)', target_label: 'hp', replacement: '${host}-$port' }],
    output: { __address__: 'host:9100', hp: 'host-9100' },
  },
  { name: 'replace: (?<name>) groups in target and value', input: { a: 'line1\nline2' }, rules: [{ source_labels: ['a'], regex: '(line1).*(?<second>line2)', target_label: 'l_${1}', replacement: 'val_$second', scheme: 'utf8' }], output: { a: 'line1\nline2', l_line1: 'val_line2' } },
  { name: 'replace: non-participating group expands to nothing', input: { a: 'b' }, rules: [{ source_labels: ['a'], regex: '(a)?(b)', target_label: 'r', replacement: '[$1|$2]' }], output: { a: 'b', r: '[|b]' } },
  { name: 'replace: ${0} is the whole match', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'f(o+)', target_label: 'r', replacement: '${0}!' }], output: { a: 'foo', r: 'foo!' } },
  { name: 'replace: dot matches newline', input: { a: 'line1\nline2' }, rules: [{ source_labels: ['a'], regex: 'line1.*line2', target_label: 'd', replacement: 'match${1}' }], output: { a: 'line1\nline2', d: 'match' } },
  { name: 'replace: rename the metric', input: { __name__: 'http_requests_total', job: 'x' }, rules: [{ source_labels: ['__name__'], regex: '(.*)_total', target_label: '__name__', replacement: '${1}_count' }], output: { __name__: 'http_requests_count', job: 'x' } },
  { name: 'replace: writing the value a label has keeps the instance', input: { job: 'api', a: 'api' }, rules: [{ source_labels: ['a'], target_label: 'job' }], output: { job: 'api', a: 'api' }, same: true },
  {
    name: 'replace: address rewrite with an annotation port',
    input: { __address__: '10.0.0.1:80', port: '9102' },
    rules: [{ source_labels: ['__address__', 'port'], regex: '(.+?)(\\:\\d+)?;(\\d+)', target_label: '__address__', replacement: '$1:$3' }],
    output: { __address__: '10.0.0.1:9102', port: '9102' },
  },
  { name: 'replace: case-insensitive regex', input: { env: 'PROD' }, rules: [{ source_labels: ['env'], regex: '(?i)prod', target_label: 'tier', replacement: 'production' }], output: { env: 'PROD', tier: 'production' } },
  { name: 'replace: set then delete in one run', input: { a: 'x' }, rules: [{ target_label: 'b', replacement: 'y' }, { source_labels: ['nope'], target_label: 'b' }], output: { a: 'x' }, same: true },
  // keep / drop
  { name: 'keep: match keeps', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], output: { a: 'foo' }, same: true },
  { name: 'keep: no match drops', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }], output: 'drop' },
  { name: 'keep: absent label matches the empty regex', input: { a: 'foo' }, rules: [{ source_labels: ['x'], regex: '', action: 'keep' }], output: { a: 'foo' }, same: true },
  { name: 'keep: partial match is no match', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'fo', action: 'keep' }], output: 'drop' },
  { name: 'drop: match drops', input: { a: 'foo', b: 'bar' }, rules: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }], output: 'drop' },
  { name: 'drop: f|o is anchored, foo survives', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }], output: { a: 'foo' }, same: true },
  { name: 'drop: ends processing', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }, { source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'x' }], output: 'drop' },
  { name: 'drop: on joined sources', input: abc, rules: [{ source_labels: ['a', 'c'], separator: '|', regex: 'foo\\|baz', action: 'drop' }], output: 'drop' },
  { name: 'drop: on a label set by an earlier rule', input: { a: '1' }, rules: [{ target_label: 'tmp', replacement: 'gone' }, { source_labels: ['tmp'], regex: 'gone', action: 'drop' }], output: 'drop' },
  // keepequal / dropequal
  { name: 'keepequal: equal keeps', input: ports, rules: [{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'keepequal' }], output: ports, same: true },
  { name: 'keepequal: unequal drops', input: ports, rules: [{ source_labels: ['__tmp_port'], target_label: '__port2', action: 'keepequal' }], output: 'drop' },
  { name: 'dropequal: equal drops', input: ports, rules: [{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'dropequal' }], output: 'drop' },
  { name: 'dropequal: unequal keeps', input: ports, rules: [{ source_labels: ['__tmp_port'], target_label: '__port2', action: 'dropequal' }], output: ports, same: true },
  { name: 'keepequal: absent source equals absent target', input: { a: '1' }, rules: [{ source_labels: ['x'], target_label: 'y', action: 'keepequal' }], output: { a: '1' }, same: true },
  { name: 'dropequal: absent source equals absent target', input: { a: '1' }, rules: [{ source_labels: ['x'], target_label: 'y', action: 'dropequal' }], output: 'drop' },
  { name: 'keepequal: joined sources', input: { a: 'foo', b: 'bar', t: 'foo;bar' }, rules: [{ source_labels: ['a', 'b'], target_label: 't', action: 'keepequal' }], output: { a: 'foo', b: 'bar', t: 'foo;bar' } },
  // hashmod
  { name: 'hashmod: upstream vector baz % 1000', input: abc, rules: [{ source_labels: ['c'], target_label: 'd', modulus: 1000, action: 'hashmod' }], output: { ...abc, d: '976' } },
  { name: 'hashmod: newline in the value', input: { a: 'foo\nbar' }, rules: [{ source_labels: ['a'], target_label: 'b', modulus: 1000, action: 'hashmod' }], output: { a: 'foo\nbar', b: '734' } },
  { name: 'hashmod: modulus 1 is always 0', input: abc, rules: [{ source_labels: ['a'], target_label: 'd', modulus: 1, action: 'hashmod' }], output: { ...abc, d: '0' } },
  { name: 'hashmod: empty value', input: { a: '1' }, rules: [{ target_label: 'h', modulus: 10, action: 'hashmod' }], output: { a: '1', h: '8' } },
  { name: 'hashmod: UTF-8 bytes of the value', input: { a: 'ñ' }, rules: [{ source_labels: ['a'], target_label: 'h', modulus: 7, action: 'hashmod' }], output: { a: 'ñ', h: '6' } },
  { name: 'hashmod: joined sources', input: abc, rules: [{ source_labels: ['a', 'b'], target_label: 'h', modulus: 16, action: 'hashmod' }], output: { ...abc, h: '14' } },
  { name: 'hashmod: modulus 2^26 (number path)', input: { a: 'x' }, rules: [{ source_labels: ['a'], target_label: 'h', modulus: 67108864, action: 'hashmod' }], output: { a: 'x', h: '22833062' } },
  { name: 'hashmod: modulus 2^26+1 (BigInt path)', input: { a: 'x' }, rules: [{ source_labels: ['a'], target_label: 'h', modulus: 67108865, action: 'hashmod' }], output: { a: 'x', h: '54977406' } },
  { name: 'hashmod: modulus 2^53-1', input: { a: 'x' }, rules: [{ source_labels: ['a'], target_label: 'h', modulus: 2 ** 53 - 1, action: 'hashmod' }], output: { a: 'x', h: '2346693179502420' } },
  {
    name: 'hashmod: sharding keeps shard 2 of 3',
    input: { __address__: '10.0.0.1:9100' },
    rules: [
      { source_labels: ['__address__'], target_label: '__tmp_hash', modulus: 3, action: 'hashmod' },
      { source_labels: ['__tmp_hash'], regex: '2', action: 'keep' },
    ],
    output: { __address__: '10.0.0.1:9100', __tmp_hash: '2' },
  },
  { name: 'hashmod: overwrites the target', input: { a: 'baz', d: 'old' }, rules: [{ source_labels: ['a'], target_label: 'd', modulus: 1000, action: 'hashmod' }], output: { a: 'baz', d: '976' } },
  // labelmap
  { name: 'labelmap: prefix added, originals kept', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }], output: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' } },
  {
    name: 'labelmap: meta labels to plain names',
    input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
    rules: [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }],
    output: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' },
  },
  { name: 'labelmap: default replacement $1', input: { __meta_kubernetes_pod_label_app: 'web' }, rules: [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }], output: { __meta_kubernetes_pod_label_app: 'web', app: 'web' } },
  { name: 'labelmap: collision between base labels, last in name order wins', input: { x_a: '1', y_a: '2' }, rules: [{ regex: '[xy]_a', replacement: 'a', action: 'labelmap' }], output: { x_a: '1', y_a: '2', a: '2' } },
  {
    name: 'labelmap: collision with a label set by an earlier rule (it is visited after the base labels)',
    input: { b_k: 'base' },
    rules: [
      { target_label: 'a_k', replacement: 'added' },
      { regex: '[ab]_(k)', replacement: '$1', action: 'labelmap' },
    ],
    output: { a_k: 'added', b_k: 'base', k: 'added' },
  },
  { name: 'labelmap: identity mapping changes nothing', input: abc, rules: [{ regex: '(.*)', replacement: '$1', action: 'labelmap' }], output: abc, same: true },
  { name: 'labelmap: an empty expansion creates the empty name, as upstream', input: { foo: 'v' }, rules: [{ regex: 'foo(.*)', replacement: '$1', action: 'labelmap' }], output: { '': 'v', foo: 'v' } },
  { name: 'labelmap: deleted labels are not mapped', input: { a_x: '1', b_x: '2' }, rules: [{ regex: 'a_x', action: 'labeldrop' }, { regex: '._(x)', replacement: 'got_$1', action: 'labelmap' }], output: { b_x: '2', got_x: '2' } },
  // labeldrop / labelkeep
  { name: 'labelkeep: keeps matching names', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labelkeep' }], output: { b1: 'bar', b2: 'baz' } },
  { name: 'labeldrop: drops matching names', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labeldrop' }], output: { a: 'foo' } },
  { name: 'labelkeep: keeping everything keeps the instance', input: abc, rules: [{ regex: '.+', action: 'labelkeep' }], output: abc, same: true },
  { name: 'labeldrop: drops a label added in the same run', input: { a: '1' }, rules: [{ target_label: 'tmp_x', replacement: 'v' }, { regex: 'tmp_.*', action: 'labeldrop' }], output: { a: '1' }, same: true },
  {
    name: 'labeldrop then re-add then keep (prometheus#12283)',
    input: { __meta_kubernetes_pod_container_port_name: 'foo', __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091' },
    rules: [
      { regex: '^__meta_kubernetes_pod_container_port_name$', action: 'labeldrop' },
      { source_labels: ['__meta_kubernetes_pod_annotation_XXX_metrics_port'], regex: '(.+)', target_label: '__meta_kubernetes_pod_container_port_name', replacement: 'metrics' },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '^metrics$', action: 'keep' },
    ],
    output: { __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091', __meta_kubernetes_pod_container_port_name: 'metrics' },
  },
  // lowercase / uppercase
  {
    name: 'uppercase and lowercase',
    input: { foo: 'bAr123Foo' },
    rules: [
      { source_labels: ['foo'], target_label: 'foo_uppercase', action: 'uppercase' },
      { source_labels: ['foo'], target_label: 'foo_lowercase', action: 'lowercase' },
    ],
    output: { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' },
  },
  { name: 'lowercase: Go simple mappings (İ → i, no final sigma)', input: { a: 'İSTANBUL ΟΔΟΣ' }, rules: [{ source_labels: ['a'], target_label: 'l', action: 'lowercase' }], output: { a: 'İSTANBUL ΟΔΟΣ', l: 'istanbul οδοσ' } },
  { name: 'uppercase: Go simple mappings (ß and ﬀ stay, ᾳ → ᾼ)', input: { a: 'straße ﬀ ᾳ' }, rules: [{ source_labels: ['a'], target_label: 'u', action: 'uppercase' }], output: { a: 'straße ﬀ ᾳ', u: 'STRAßE ﬀ ᾼ' } },
  { name: 'lowercase: empty value deletes the target', input: { t: 'x' }, rules: [{ source_labels: ['missing'], target_label: 't', action: 'lowercase' }], output: {} },
  { name: 'lowercase: joined sources into the metric name', input: { __name__: 'Up', a: 'X' }, rules: [{ source_labels: ['__name__', 'a'], separator: '_', target_label: '__name__', action: 'lowercase' }], output: { __name__: 'up_x', a: 'X' } },
  // no rules
  { name: 'no rules: the input itself', input: abc, rules: [], output: abc, same: true },
];

test('relabel: table', async (t) => {
  for (const c of CASES) {
    await t.test(c.name, () => {
      const input = Labels.fromObject(c.input);
      const rules = c.rules.map(rule);
      for (const r of rules) assert.equal(validateRelabelRule(r, 'legacy'), undefined, `${c.name}: rule is valid upstream`);
      const got = relabel(input, rules);
      if (c.output === 'drop') {
        assert.equal(got, undefined);
        return;
      }
      assert.ok(got, 'not dropped');
      assert.deepEqual(got.toObject(), Labels.fromObject(c.output).toObject());
      // Nothing changed: the input instance itself (no allocation); `same` marks the cases meant for that.
      const unchanged = got.equals(input);
      if (c.same) assert.ok(unchanged, 'expected no change');
      if (unchanged) assert.equal(got, input, 'returns the input instance when nothing changed');
      assert.deepEqual(input.toObject(), Labels.fromObject(c.input).toObject(), 'input unchanged');
      // The shared builder starts clean every call: the same call gives the same answer.
      assert.deepEqual(relabel(input, rules)?.toObject(), got.toObject());
    });
  }
});

test('relabel: the table covers every action with 60+ cases', () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  const seen = new Set(CASES.flatMap((c) => c.rules.map((r) => r.action ?? 'replace')));
  for (const a of ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase']) assert.ok(seen.has(a as RelabelAction), a);
});

test('relabel: a regex compiled without captures is a BUG when groups are needed', () => {
  const r: RelabelRule = { ...DEFAULT_RELABEL_RULE, sourceLabels: ['a'], regex: compileRegex('f(o+)'), targetLabel: 'b', replacement: '$1' };
  assert.throws(() => relabel(Labels.fromStrings('a', 'foo'), [r]), /BUG: relabel regex "f\(o\+\)" was compiled without capture groups/);
  // Without `$` in the templates only the match matters, which works either way.
  assert.deepEqual(relabel(Labels.fromStrings('a', 'foo'), [{ ...r, replacement: 'x' }])?.toObject(), { a: 'foo', b: 'x' });
});

test('relabel: hashmod without a modulus is a BUG (validation refuses it)', () => {
  const r: RelabelRule = { ...DEFAULT_RELABEL_RULE, targetLabel: 'h', action: 'hashmod' };
  assert.throws(() => relabel(Labels.fromStrings('a', 'x'), [r]), /BUG: relabel: hashmod needs a positive integer modulus, got 0/);
  assert.throws(() => hashMod('x', 1.5), /BUG/);
});

test('relabel: a throwing rule leaves the shared builder clean for the next call', () => {
  const bad: RelabelRule = { ...DEFAULT_RELABEL_RULE, targetLabel: 'h', action: 'hashmod' };
  const set: RelabelRule = { ...DEFAULT_RELABEL_RULE, targetLabel: 'x', replacement: 'y' };
  assert.throws(() => relabel(Labels.fromStrings('a', '1'), [set, bad]));
  assert.deepEqual(relabel(Labels.fromStrings('b', '2'), [])?.toObject(), { b: '2' });
  assert.deepEqual(relabel(Labels.fromStrings('b', '2'), [{ ...DEFAULT_RELABEL_RULE, sourceLabels: ['b'], targetLabel: 'c' }])?.toObject(), { b: '2', c: '2' });
});

test('relabel: the default regex shortcut agrees with running the RegExp', () => {
  const viaShortcut = rule({ source_labels: ['a'], target_label: 'b', replacement: '<$1|$0>' });
  const viaRegExp = rule({ source_labels: ['a'], regex: '(.*?)', target_label: 'b', replacement: '<$1|$0>' });
  for (const v of ['', 'x', 'a\nb', '😀']) {
    const l = Labels.fromObject(v === '' ? { z: '1' } : { a: v });
    assert.deepEqual(relabel(l, [viaShortcut])?.toObject(), relabel(l, [viaRegExp])?.toObject(), JSON.stringify(v));
  }
});
