import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels } from '../../model/labels/index.js';
import { MemPostings } from './index.js';
import { RefList } from './ref-list.js';
import { sortLabelStrings } from './value-order.js';
import { ValueMap } from './value-map.js';

/** The series of reference `ref` in the model below: few names, values shared by many or by one. */
function labelsOf(ref: number): Labels {
  return Labels.fromStrings('__name__', `m${ref % 3}`, 'id', `v${ref}`, 'pair', `p${ref >> 1}`, ...(ref % 5 === 0 ? ['odd', 'x'] : []));
}

test('MemPostings agrees with a model under adds in any reference order and deletes (lone references, lists, shrinking lists)', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 400 })), { maxLength: 600 }), (ops) => {
      const p = new MemPostings();
      const live = new Set<number>();
      let step = 0;
      for (const [add, ref] of ops) {
        // Label values read between changes (the kept order is merged, not rebuilt).
        if (++step % 37 === 0) {
          const ids = [...live].map((r) => `v${r}`).sort();
          assert.deepEqual(p.labelValues('id'), ids);
        }
        if (add && !live.has(ref)) {
          p.add(ref, labelsOf(ref));
          live.add(ref);
        } else if (!add && live.has(ref)) {
          p.delete(new Map([[ref, labelsOf(ref)]]));
          live.delete(ref);
        }
      }
      const refs = [...live].sort((a, b) => a - b);
      assert.deepEqual([...p.all()], refs);
      assert.equal(p.size, refs.length);
      const want = new Map<string, Map<string, number[]>>();
      for (const r of refs) {
        labelsOf(r).forEach((n, v) => {
          if (!want.has(n)) want.set(n, new Map());
          const vs = want.get(n)!;
          if (!vs.has(v)) vs.set(v, []);
          vs.get(v)!.push(r);
        });
      }
      assert.deepEqual(p.labelNames(), [...want.keys()].sort());
      for (const [n, vs] of want) {
        assert.deepEqual(p.labelValues(n), [...vs.keys()].sort());
        for (const [v, rs] of vs) assert.deepEqual([...p.get(n, v)], rs);
        const every = [...vs.values()].flat().sort((a, b) => a - b);
        assert.deepEqual([...p.forName(n)], every);
        const some = [...vs.keys()].filter((_, i) => i % 2 === 0);
        assert.deepEqual([...p.getMany(n, [...some, 'missing'])], some.flatMap((v) => vs.get(v)!).sort((a, b) => a - b));
      }
      let pairs = 0;
      p.forEach(() => pairs++);
      assert.equal(pairs, [...want.values()].reduce((a, vs) => a + vs.size, 0));
    }),
    { numRuns: 150 },
  );
});

test('RefList keeps references sorted and switches to float64 for references past 2^32', () => {
  const l = new RefList(10);
  for (const r of [12, 11, 5, 12, 2 ** 32 + 3, 2 ** 40]) l.insert(r);
  assert.deepEqual([...l.view()], [5, 10, 11, 12, 2 ** 32 + 3, 2 ** 40]);
  assert.equal(l.insert(11), false);
  assert.equal(l.filter((r) => r !== 11), 5);
  assert.deepEqual([...l.view()], [5, 10, 12, 2 ** 32 + 3, 2 ** 40]);
});

test('label values sort by code point, also where UTF-16 order differs (surrogate pairs against U+E000 and up)', () => {
  const astral = '\u{1F600}';
  assert.deepEqual(sortLabelStrings(['b', '\uFFFD', astral, 'a']), ['a', 'b', '\uFFFD', astral]);
  assert.deepEqual(sortLabelStrings(['c', 'a', 'b']), ['a', 'b', 'c']);
});

test('label values of a name with many values stay sorted while values come and go (the order kept as values are added)', () => {
  const p = new MemPostings();
  const live = new Set<number>();
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 5000; i++) {
      const ref = 1 + rnd(40000);
      if (live.has(ref)) continue;
      p.add(ref, Labels.fromStrings('id', `v${ref}`));
      live.add(ref);
    }
    const gone = new Map<number, Labels>();
    for (const r of live) if (rnd(7) === 0) gone.set(r, Labels.fromStrings('id', `v${r}`));
    p.delete(gone);
    for (const r of gone.keys()) live.delete(r);
    assert.deepEqual(p.labelValues('id'), [...live].map((r) => `v${r}`).sort());
  }
});

test('RefList and label values stay usable after they were emptied', () => {
  const l = new RefList(3);
  assert.equal(l.filter(() => false), 0);
  assert.equal(l.insert(3), true);
  assert.deepEqual([...l.view()], [3]);
  const p = new MemPostings();
  p.add(1, Labels.fromStrings('a', 'x'));
  assert.deepEqual(p.labelValues('a'), ['x']);
  p.delete(new Map([[1, Labels.fromStrings('a', 'x')]]));
  assert.deepEqual(p.labelValues('a'), []);
  p.add(2, Labels.fromStrings('a', 'y'));
  assert.deepEqual(p.labelValues('a'), ['y']);
  assert.deepEqual([...p.all()], [2]);
});

test('ValueMap agrees with a Map before and after it splits into shards', () => {
  const m = new ValueMap<number>();
  const want = new Map<string, number>();
  const check = (): void => {
    assert.equal(m.size, want.size);
    assert.deepEqual([...m.keys()].sort(), [...want.keys()].sort());
    assert.deepEqual([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)), [...want.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    assert.equal([...m.values()].reduce((a, b) => a + b, 0), [...want.values()].reduce((a, b) => a + b, 0));
  };
  for (let i = 0; i < 70_000; i++) {
    const v = i % 3 === 0 ? `v${i}` : i % 3 === 1 ? String(i) : '';
    m.set(v, i);
    want.set(v, i);
    if (i % 5 === 0) {
      const d = `v${i - 3}`;
      assert.equal(m.delete(d), want.delete(d));
    }
    if (i === 1000 || i === 69_999) check();
  }
  for (const v of ['v9', '9', '', 'nope']) {
    assert.equal(m.get(v), want.get(v));
    assert.equal(m.has(v), want.has(v));
  }
});

test('MemPostings.deleteSteps: adds and reads between steps; the end state is that of one delete', () => {
  const p = new MemPostings();
  const want = new MemPostings();
  const n = 90_000;
  for (let r = 1; r <= n; r++) {
    p.add(r, labelsOf(r));
    want.add(r, labelsOf(r));
  }
  const gone = new Map<number, Labels>();
  for (let r = 1; r <= n; r += 3) gone.set(r, labelsOf(r));
  want.delete(gone);
  let next = n + 1;
  let steps = 0;
  for (const _ of p.deleteSteps(gone)) {
    steps++;
    // A reader between steps sees sorted lists; an appender adds new series.
    const all = [...p.all()];
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]! < all[i]!);
    p.add(next, labelsOf(next));
    want.add(next, labelsOf(next));
    next++;
  }
  assert.ok(steps > 1, `${steps} steps`);
  assert.deepEqual([...p.all()], [...want.all()]);
  assert.deepEqual(p.labelNames(), want.labelNames());
  for (const name of want.labelNames()) {
    assert.deepEqual(p.labelValues(name), want.labelValues(name));
    for (const v of want.labelValues(name)) assert.deepEqual([...p.get(name, v)], [...want.get(name, v)]);
  }
});
