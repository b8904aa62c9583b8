import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { expandPostings } from '../postings/index.js';
import { compareLabelsUtf8, compareUtf8 } from './format.js';
import { POSTINGS_STEP } from './postings-table.js';
import { IndexReader } from './reader.js';
import { SYMBOL_STEP } from './symbol-table.js';
import { IndexWriter } from './writer.js';

interface Fixture {
  path: string;
  symbols: string[];
  /** name → value → series refs, ascending. */
  postings: Map<string, Map<string, number[]>>;
}

/** Labels of series `i`: a unique `id`, a name with 37 values and one with a single value. */
function labelsOf(i: number): Labels {
  // Mixed scripts so that byte order and UTF-16 order differ somewhere.
  const id = `${['v', 'é', '\uE000', '\u{1F600}'][i % 4]}-${String(i).padStart(5, '0')}`;
  return Labels.fromStrings('group', `g${i % 37}`, 'id', id, 'job', 'api');
}

function writeFixture(dir: string, n: number): Fixture {
  const labels = Array.from({ length: n }, (_, i) => labelsOf(i)).sort(compareLabelsUtf8);
  const syms = new Set<string>();
  for (const l of labels) l.forEach((k, v) => (syms.add(k), syms.add(v)));
  const symbols = [...syms].sort(compareUtf8);
  const path = join(dir, 'index');
  const w = new IndexWriter(path);
  for (const s of symbols) w.addSymbol(s);
  const postings = new Map<string, Map<string, number[]>>();
  for (const l of labels) {
    const ref = w.addSeries(l, [{ ref: 8, mint: 0, maxt: 1 }]);
    l.forEach((k, v) => {
      let byValue = postings.get(k);
      if (!byValue) postings.set(k, (byValue = new Map()));
      const refs = byValue.get(v) ?? [];
      refs.push(ref);
      byValue.set(v, refs);
    });
  }
  w.close();
  return { path, symbols, postings };
}

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ignis-index-sparse-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('sparse tables: every symbol, value list and postings lookup matches the written index, sync and sliced', async (t) => {
  const fx = writeFixture(tmp(t), 2000);
  assert.ok(fx.postings.get('id')!.size > 20 * POSTINGS_STEP && fx.symbols.length > 20 * SYMBOL_STEP);
  const b = readFileSync(fx.path);
  // The table-order walk, with nothing decoded yet and with some symbols cached.
  assert.deepEqual([...IndexReader.fromBuffer(b, fx.path).symbols()], fx.symbols);
  const partly = IndexReader.fromBuffer(b, fx.path);
  for (const i of [0, 5, 31, 32, 100, fx.symbols.length - 1]) assert.equal(partly.symbol(i), fx.symbols[i]);
  assert.deepEqual([...partly.symbols()], fx.symbols);
  for (const r of [IndexReader.fromBuffer(b, fx.path), await IndexReader.fromBufferAsync(b, fx.path, 0)]) {
    assert.equal(r.numSymbols(), fx.symbols.length);
    // Out of order on purpose: each lookup starts from its own sample.
    for (let i = fx.symbols.length - 1; i >= 0; i--) assert.equal(r.symbol(i), fx.symbols[i]);
    assert.deepEqual([...r.symbols()], fx.symbols);
    assert.deepEqual(r.labelNames(), ['group', 'id', 'job']);
    for (const [name, byValue] of fx.postings) {
      const values = [...byValue.keys()].sort(compareUtf8);
      assert.deepEqual(r.labelValues(name), values);
      for (const v of values) assert.deepEqual(expandPostings(r.postings(name, [v])), byValue.get(v), `${name}=${v}`);
      // Absent values: before the first, between two, after the last.
      for (const v of ['', values[0]! + '\0', '\u{10FFFF}']) assert.deepEqual(expandPostings(r.postings(name, [v])), [], `${name}=${JSON.stringify(v)}`);
      assert.deepEqual(expandPostings(r.postingsForAllLabelValues(name)), expandPostings(r.allPostings()));
    }
    assert.deepEqual(r.labelValues('nope'), []);
    assert.deepEqual(expandPostings(r.postings('nope', ['x'])), []);
  }
});

test('sparse tables: a lookup of any list of values (unsorted, repeated, absent) is the union of their postings', (t) => {
  const fx = writeFixture(tmp(t), 1500);
  const r = IndexReader.open(fx.path);
  const byValue = fx.postings.get('id')!;
  const values = [...byValue.keys()];
  const value = fc.oneof(fc.constantFrom(...values), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom(...values).map((v) => v + 'x'));
  fc.assert(
    fc.property(fc.array(value, { maxLength: 200 }), (vs) => {
      const want = [...new Set(vs.flatMap((v) => byValue.get(v) ?? []))].sort((a, b) => a - b);
      assert.deepEqual(expandPostings(r.postings('id', vs)), want);
    }),
    { numRuns: 200 },
  );
});

test('opening asynchronously gives the event loop turns while the tables are parsed', async (t) => {
  const fx = writeFixture(tmp(t), 20_000);
  const b = readFileSync(fx.path);
  let turns = 0;
  let open = true;
  const tick = (): void => {
    turns++;
    if (open) setImmediate(tick);
  };
  setImmediate(tick);
  // A zero budget pauses at every pause point, however fast the machine.
  const r = await IndexReader.fromBufferAsync(b, fx.path, 0);
  open = false;
  assert.ok(turns >= 5, `only ${turns} turns while parsing`);
  assert.equal(r.labelValues('id').length, 20_000);
});
