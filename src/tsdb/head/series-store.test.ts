import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { SeriesStore } from './series-store.js';

const lbl = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'i', String(i));

test('series store: handles by reference and labels, packed labels, slot reuse after delete', () => {
  const store = new SeriesStore();
  const a = store.add(1, lbl(1));
  const b = store.add(2, lbl(2), true);
  assert.equal(store.size, 2);
  assert.equal(store.getByRef(1)!.slot, a);
  assert.equal(typeof store.labelSourceAt(b), 'string');
  // A lookup with an equal (but other) label set finds packed and unpacked series alike.
  assert.equal(store.slotByLabels(lbl(2)), b);
  assert.equal(store.slotByLabels(lbl(1)), a);
  assert.equal(store.slotByLabels(lbl(3)), -1);
  // Reading a packed series' labels through a handle unpacks them for good.
  assert.ok(store.getByRef(2)!.labels.equals(lbl(2)));
  assert.equal(typeof store.labelSourceAt(b), 'object');
  assert.equal(store.slotByLabels(lbl(2)), b);
  store.setIso(b, [1, 2]);
  assert.deepEqual(store.getByRef(2)!.iso, [1, 2]);
  store.delete(2);
  assert.equal(store.getByRef(2), undefined);
  assert.equal(store.slotByLabels(lbl(2)), -1);
  assert.equal(store.isoCount, 0);
  // The freed slot is reused by the next series, which starts without an isolation log.
  const c = store.add(3, lbl(3));
  assert.equal(c, b);
  assert.equal(store.getByRef(3)!.iso, undefined);
  assert.deepEqual([...store.refs()].sort(), [1, 3]);
  store.adoptLabels(a, lbl(1));
  assert.ok(store.labelsAt(a).equals(lbl(1)));
});

test('series store: 200k series get distinct slots and are all found by labels and reference', () => {
  const store = new SeriesStore();
  const n = 200_000;
  for (let i = 1; i <= n; i++) store.add(i, lbl(i), (i & 1) === 0);
  for (let i = 1; i <= n; i += 997) {
    const slot = store.slotByLabels(lbl(i));
    assert.equal(store.refAt(slot), i);
    assert.equal(store.slotOf(i), slot);
  }
  assert.equal(store.refs().length, n);
});

test('series store: packed labels unpack to equal labels through the interning cache, also for values alike in length and ends', () => {
  const store = new SeriesStore();
  // Values that share length, first, middle and last code units land in one cache entry.
  const alike = (i: number): Labels => Labels.fromStrings('__name__', 'm', 'a', '', 'v', `x${String(i).padStart(3, '0')}0y0z`);
  const n = 3000;
  for (let i = 1; i <= n; i++) store.add(i, alike(i), true);
  for (let round = 0; round < 2; round++) {
    for (let i = 1; i <= n; i += 7) assert.ok(store.labelsAt(store.slotOf(i), store.internRange).equals(alike(i)));
  }
  for (let i = 1; i <= n; i += 3) assert.ok(store.getByRef(i)!.labels.equals(alike(i)));
});
