import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from './labels.js';
import {
  ValidationScheme,
  isValidLabelName,
  isValidLabelValue,
  isValidLegacyLabelName,
  isValidLegacyMetricName,
  isValidMetricName,
  isValidUTF8Name,
  validateLabels,
} from './names.js';
import { quoteString } from './quote.js';

/** [name, legacy label name, legacy metric name, UTF-8 name]. */
const NAMES: ReadonlyArray<readonly [string, boolean, boolean, boolean]> = [
  ['job', true, true, true],
  ['_', true, true, true],
  ['__name__', true, true, true],
  ['a1', true, true, true],
  ['A_Z_09', true, true, true],
  ['0bad', false, false, true],
  ['', false, false, false],
  ['a:b', false, true, true],
  [':a', false, true, true],
  ['a-b', false, false, true],
  ['my.name', false, false, true],
  ['ünï', false, false, true],
  ['a b', false, false, true],
  ['😀', false, false, true],
  ['a\ud800', false, false, false],
  ['\udc00', false, false, false],
];

for (const [name, legacyLabel, legacyMetric, utf8] of NAMES) {
  test(`name ${JSON.stringify(name)}`, () => {
    assert.equal(isValidLegacyLabelName(name), legacyLabel);
    assert.equal(isValidLegacyMetricName(name), legacyMetric);
    assert.equal(isValidUTF8Name(name), utf8);
    assert.equal(isValidLabelName(name, 'legacy'), legacyLabel);
    assert.equal(isValidMetricName(name, 'legacy'), legacyMetric);
    assert.equal(isValidLabelName(name, 'utf8'), utf8);
    assert.equal(isValidMetricName(name, ValidationScheme.UTF8), utf8);
  });
}

test('legacy names agree with the upstream regular expressions', () => {
  const label = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
  const metric = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '_', ':', '0', '9', '-', '.', 'é', ' '), maxLength: 5 }), (s) => {
      assert.equal(isValidLegacyLabelName(s), label.test(s));
      assert.equal(isValidLegacyMetricName(s), metric.test(s));
    }),
  );
});

test('label values are valid unless they hold a lone surrogate', () => {
  assert.equal(isValidLabelValue(''), true);
  assert.equal(isValidLabelValue('any\nthing 😀'), true);
  assert.equal(isValidLabelValue('x\ud83d'), false);
  assert.equal(isValidLabelValue('\ude00x'), false);
});

test('validateLabels reports the first problem like upstream', () => {
  const cases: ReadonlyArray<readonly [Labels, ValidationScheme, string | undefined]> = [
    [Labels.fromStrings('__name__', 'up', 'job', 'api'), 'legacy', undefined],
    [Labels.fromStrings('0bad', 'x'), 'legacy', 'invalid label name "0bad"'],
    [Labels.fromStrings('0bad', 'x'), 'utf8', undefined],
    [Labels.fromStrings('__name__', 'my.metric'), 'legacy', 'invalid metric name "my.metric"'],
    [Labels.fromStrings('__name__', 'my.metric'), 'utf8', undefined],
    [Labels.fromStrings('__name__', 'a:b', 'x-y', '1'), 'legacy', 'invalid label name "x-y"'],
    [Labels.fromStrings('a', 'x\ud800'), 'utf8', 'invalid label value "x\ufffd"'],
    [Labels.fromStrings('b\nc', 'x'), 'legacy', 'invalid label name "b\\nc"'],
    [Labels.EMPTY, 'legacy', undefined],
  ];
  for (const [ls, scheme, want] of cases) assert.equal(validateLabels(ls, scheme), want, `${ls} (${scheme})`);
});

/** [input, Go's strconv.Quote output]. */
const QUOTES: ReadonlyArray<readonly [string, string]> = [
  ['', '""'],
  ['plain text', '"plain text"'],
  ['"quoted"', '"\\"quoted\\""'],
  ['back\\slash', '"back\\\\slash"'],
  ['\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
  ['\u0000\u001b\u007f', '"\\x00\\x1b\\x7f"'],
  ['\u0080\u009f', '"\\u0080\\u009f"'],
  ['\u00a0', '"\\u00a0"'],
  ['\u00ad', '"\\u00ad"'],
  ['é日本😀', '"é日本😀"'],
  ['\u2028\u200b', '"\\u2028\\u200b"'],
  ['\u{e0001}', '"\\U000e0001"'],
  ['\u{10ffff}', '"\\U0010ffff"'],
  ['\u3000', '"\\u3000"'],
  ['x\ud800y', '"x\ufffdy"'],
  ['a\udc80\udcff', '"a\\x80\\xff"'],
  ['\udc7f\udd00', '"\ufffd\ufffd"'],
  ["it's", '"it\'s"'],
];

for (const [input, want] of QUOTES) {
  test(`quoteString ${JSON.stringify(input)}`, () => assert.equal(quoteString(input), want));
}

test('quoteString output reads back as the same string (printable-ASCII subset as JSON)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary-ascii', maxLength: 10 }), (s) => {
      const q = quoteString(s);
      // Go's \a, \v and \x.. are not JSON; map them for the check. Escapes are read left to
      // right, so that an escaped backslash followed by a 'v' stays two characters.
      const json = q.replace(/\\(x([0-9a-f]{2})|.)/g, (m, c: string, hex?: string) => (c === 'a' ? '\\u0007' : c === 'v' ? '\\u000b' : hex !== undefined ? `\\u00${hex}` : m));
      assert.equal(JSON.parse(json), s);
    }),
    // Literal backslashes before a, v and x: once mistaken for Go's own escapes by this check.
    { examples: [['\\v'], ['\\a'], ['\\x41'], ['\\\\v']], numRuns: 500 },
  );
});
