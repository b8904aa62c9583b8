import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../model/labels/index.js';
import { compareLabelSources, copyString, packedEquals, packLabels, unpackLabels } from './label-codec.js';

/** Label sets with short names and values from a small alphabet (so that prefixes and equal parts are common), surrogates included. */
const arbLabels = fc
  .array(fc.tuple(fc.constantFrom('a', 'ab', 'b', '__name__', 'job', 'x\u00e9'), fc.array(fc.constantFrom('a', 'b', '\u00ff', '\uffff', '\ud83d\ude00', '\ue000', ':'), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''))), { maxLength: 5 })
  .map((pairs) => Labels.fromPairs(pairs));

const sign = (x: number): number => (x < 0 ? -1 : x > 0 ? 1 : 0);

test('packed label sets unpack to equal sets and compare equal only to them', () => {
  fc.assert(
    fc.property(arbLabels, arbLabels, (a, b) => {
      const p = packLabels(a)!;
      assert.ok(unpackLabels(p).equals(a));
      assert.ok(packedEquals(p, a));
      assert.equal(packedEquals(p, b), a.equals(b));
    }),
  );
});

test('comparisons of packed and unpacked sets agree with Labels.compare in every combination', () => {
  fc.assert(
    fc.property(arbLabels, arbLabels, (a, b) => {
      const want = sign(Labels.compare(a, b));
      const pa = packLabels(a)!;
      const pb = packLabels(b)!;
      assert.equal(sign(compareLabelSources(pa, pb)), want);
      assert.equal(sign(compareLabelSources(pa, b)), want);
      assert.equal(sign(compareLabelSources(a, pb)), want);
      assert.equal(sign(compareLabelSources(a, b)), want);
    }),
  );
});

test('long label values: packed up to 0xfffe code units, refused beyond', () => {
  const long = Labels.fromStrings('__name__', 'm', 'v', 'x'.repeat(20000));
  const p = packLabels(long)!;
  assert.ok(unpackLabels(p).equals(long));
  assert.equal(packLabels(Labels.fromStrings('v', 'y'.repeat(0xffff))), undefined);
  assert.equal(copyString('abc'.repeat(10)), 'abc'.repeat(10));
});
