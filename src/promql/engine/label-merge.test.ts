import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../model/labels/index.js';
import { copyLabels, dropLabels, sortedNames } from './label-merge.js';

/** Label names that sort around each other: upper case, `_`-prefixed, lower case, non-ASCII. */
const name = fc.constantFrom('A', 'Z', '__name__', '__type__', '__unit__', '_x', 'a', 'instance', 'job', 'le', 'nodename', 'é', 'z');
const labels = fc.array(fc.tuple(name, fc.constantFrom('', 'v', 'w', 'node-1')), { maxLength: 8 }).map((kv) => Labels.fromPairs(kv));

test('copyLabels equals LabelsBuilder setting every name to its value in the other set', () => {
  fc.assert(
    fc.property(labels, labels, fc.array(name, { maxLength: 5 }), (base, from, names) => {
      const b = base.builder();
      for (const n of names) b.set(n, from.get(n));
      const got = copyLabels(base, sortedNames(names), from);
      assert.deepEqual(got.toFlat(), b.labels().toFlat());
    }),
    { numRuns: 2000 },
  );
});

test('dropLabels equals Labels.without (and returns the set itself when nothing is dropped)', () => {
  fc.assert(
    fc.property(labels, fc.array(name, { maxLength: 4 }), (l, names) => {
      const got = dropLabels(l, names);
      assert.deepEqual(got.toFlat(), l.without(...names).toFlat());
      if (!names.some((n) => l.has(n))) assert.equal(got, l);
    }),
    { numRuns: 2000 },
  );
});
