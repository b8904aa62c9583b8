import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePlainV2, resolveScalarV2, YamlV2TagError } from './yaml-v2-scalar.js';

// Expected results are promtool 2.42's (yaml.v2): `value:` of a unit-test sample (float64) and
// `honor_labels:` of `promtool check config` (bool).
const FLOATS: [string, number][] = [
  ['16', 16], ['16.0', 16], ['1_6', 16], ['1__6', 16], ['16_', 16], ['0x10', 16], ['0X10', 16], ['0x1_0', 16], ['0_x10', 16],
  ['0o20', 16], ['0O17', 15], ['0o1_7', 15], ['020', 16], ['0b10000', 16], ['0B11', 3], ['0b_1', 1], ['+16', 16], ['+0x10', 16],
  ['-0x10', -16], ['-0b1', -1], ['1.6e1', 16], ['1.6E+1', 16], ['160e-1', 16], ['16.', 16], ['.16e2', 16], ['1_6.0', 16],
  ['1.6e1_0', 1.6e10], ['1e5_', 1e5], ['16e0', 16], ['0.16e+2', 16], ['1.e1', 10], ['0.', 0], ['-0', 0], ['08', 8],
  ['.1_6', 0.16], ['-.5', -0.5], ['+.5', 0.5], ['1_000.5', 1000.5], ['4.9e-325', 0],
  ['18446744073709551616', 18446744073709551616], ['9223372036854775807', 9223372036854775807], ['0xFFFFFFFFFFFFFFFF', 18446744073709551615],
  ['-9223372036854775808', -9223372036854775808], ['-9223372036854775809', -9223372036854775809],
  ['.inf', Infinity], ['.Inf', Infinity], ['.INF', Infinity], ['+.inf', Infinity], ['-.Inf', -Infinity], ['-.INF', -Infinity],
];
const NOT_FLOATS: [string, string][] = [
  ['.iNf', '!!str'], ['+.nan', '!!str'], ['Infinity', '!!str'], ['inf', '!!str'], ['NaN', '!!str'], ['_16', '!!str'], ['1e', '!!str'],
  ['e1', '!!str'], ['0x', '!!str'], ['0x10.0', '!!str'], ['0o', '!!str'], ['0b', '!!str'], ['0b2', '!!str'], ['0x1p4', '!!str'],
  ['.5_', '!!str'], ['._5', '!!str'], ['+', '!!str'], ['.', '!!str'], ['-.inf_', '!!str'], ['1e+', '!!str'], ['+-1', '!!str'],
  ['.e1', '!!str'], ['1e400', '!!str'], ['-1e400', '!!str'], ['true', '!!bool'], ['yes', '!!bool'], ['y', '!!bool'], ['on', '!!bool'],
  ['Off', '!!bool'], ['2006-01-02', '!!timestamp'], ['2006-01-02T15:04:05Z', '!!timestamp'], ['2006-1-2 3:4:5.5', '!!timestamp'],
  ['2006-13-02', '!!str'], ['2006-02-30', '!!str'], ['2006-01-02T15:04:05', '!!str'],
];
const TRUE = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
const FALSE = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
const NOT_BOOLS: [string, string][] = [['tRue', '!!str'], ['yEs', '!!str'], ['oN', '!!str'], ['1', '!!int'], ['0', '!!int'], ['2006-01-02', '!!timestamp']];

test('resolvePlainV2: the float spellings promtool 2.42 accepts, and the values', () => {
  for (const [s, v] of FLOATS) {
    const r = resolvePlainV2(s);
    assert.ok(r.tag === '!!float' || r.tag === '!!int', `${s}: ${r.tag}`);
    assert.equal(r.value, v, s);
  }
  for (const s of ['.nan', '.NaN', '.NAN']) assert.deepEqual(resolvePlainV2(s), { tag: '!!float', value: NaN });
});

test('resolvePlainV2: spellings that are not numbers, with the type go-yaml v2 names', () => {
  for (const [s, tag] of NOT_FLOATS) assert.equal(resolvePlainV2(s).tag, tag, s);
  for (const [s, tag] of NOT_BOOLS) assert.equal(resolvePlainV2(s).tag, tag, s);
  for (const s of ['', '~', 'null', 'Null', 'NULL']) assert.equal(resolvePlainV2(s).tag, '!!null', s);
});

test('resolvePlainV2: the YAML 1.1 booleans', () => {
  for (const s of TRUE) assert.deepEqual(resolvePlainV2(s), { tag: '!!bool', value: true }, s);
  for (const s of FALSE) assert.deepEqual(resolvePlainV2(s), { tag: '!!bool', value: false }, s);
});

test('resolveScalarV2: quoting and explicit tags', () => {
  assert.deepEqual(resolveScalarV2('16', undefined, true), { tag: '!!str' });
  assert.deepEqual(resolveScalarV2('yes', undefined, true), { tag: '!!str' });
  assert.deepEqual(resolveScalarV2('16', '!!float', true), { tag: '!!float', value: 16 });
  assert.deepEqual(resolveScalarV2('0x10', '!!float', false), { tag: '!!float', value: 16 });
  assert.deepEqual(resolveScalarV2('16', '!!int', false), { tag: '!!int', value: 16 });
  assert.deepEqual(resolveScalarV2('yes', '!!bool', true), { tag: '!!bool', value: true });
  assert.deepEqual(resolveScalarV2('16', '!!str', false), { tag: '!!str' });
  assert.deepEqual(resolveScalarV2('MTY=', '!!binary', false), { tag: '!!binary' });
  assert.deepEqual(resolveScalarV2('16', '!', false), { tag: '!!str' });
  assert.throws(() => resolveScalarV2('abc', '!!float', false), (e: unknown) => e instanceof YamlV2TagError && e.message === 'yaml: cannot decode !!str `abc` as a !!float');
  assert.throws(() => resolveScalarV2('1.5', '!!int', false), (e: unknown) => e instanceof YamlV2TagError && e.message === 'yaml: cannot decode !!float `1.5` as a !!int');
  assert.throws(() => resolveScalarV2('maybe', '!!bool', false), (e: unknown) => e instanceof YamlV2TagError && e.message === 'yaml: cannot decode !!str `maybe` as a !!bool');
});
