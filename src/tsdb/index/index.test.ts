import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { CorruptionError } from '../fileutil/index.js';
import { expandPostings } from '../postings/index.js';
import type { ChunkMeta } from '../chunks/index.js';
import { IndexWriter } from './writer.js';
import { IndexReader } from './reader.js';
import { compareLabelsUtf8, compareUtf8 } from './format.js';
import { BufferPostings } from './buffer-postings.js';

interface In {
  labels: Labels;
  chunks: ChunkMeta[];
}

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ignis-index-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Writes series (any order, duplicates dropped) and returns them sorted with their refs. */
function writeIndex(path: string, input: In[]): { series: In[]; refs: number[] } {
  const sorted = [...input].sort((a, b) => compareLabelsUtf8(a.labels, b.labels)).filter((s, i, a) => i === 0 || compareLabelsUtf8(a[i - 1]!.labels, s.labels) !== 0);
  const syms = new Set<string>();
  for (const s of sorted) s.labels.forEach((n, v) => (syms.add(n), syms.add(v)));
  const w = new IndexWriter(path);
  for (const s of [...syms].sort(compareUtf8)) w.addSymbol(s);
  let ref = 0;
  const refs: number[] = [];
  for (const s of sorted) {
    const chunks = s.chunks.map((c) => ({ ...c, ref: c.ref + ref }));
    ref = chunks.length ? chunks[chunks.length - 1]!.ref : ref;
    s.chunks = chunks;
    refs.push(w.addSeries(s.labels, chunks));
  }
  w.close();
  return { series: sorted, refs };
}

const labelString = fc.oneof(
  fc.constantFrom('a', 'b', 'job', 'instance', '__name__', 'z', '\u{1F600}', '\uFFFD', '\uE000', 'é'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
);
const labelSet = fc.dictionary(labelString, labelString, { minKeys: 1, maxKeys: 5 }).map((o) => Labels.fromObject(o));
const chunkMetas = fc
  .tuple(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.array(fc.tuple(fc.nat(10 ** 7), fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 5 }))
  .map(([t0, parts]) => {
    const out: ChunkMeta[] = [];
    let t = t0;
    let ref = 8;
    for (const [len, gap, dref] of parts) {
      out.push({ ref: ref + dref, mint: t, maxt: t + len });
      ref += dref;
      t += len + gap;
    }
    return out;
  });

test('compareUtf8 orders like the UTF-8 bytes (Go string order)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
      assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }),
  );
  assert.ok(compareUtf8('\uFFFF', '\u{10000}') < 0);
  assert.ok('\uFFFF' > '\u{10000}');
});

test('index write/read round-trips random label sets, chunk metas and postings', (t) => {
  const dir = tmp(t);
  let n = 0;
  fc.assert(
    fc.property(fc.array(fc.record({ labels: labelSet, chunks: chunkMetas }), { minLength: 0, maxLength: 40 }), (input) => {
      const path = join(dir, `index-${n++}`);
      const { series, refs } = writeIndex(path, input);
      const r = IndexReader.open(path);
      // Series by reference.
      series.forEach((s, i) => {
        const got = r.series(refs[i]!);
        assert.ok(got.labels.equals(s.labels), `${got.labels} != ${s.labels}`);
        assert.deepEqual(got.chunks, s.chunks);
      });
      // References ascend in label order; all postings lists them all.
      assert.deepEqual(expandPostings(r.allPostings()), refs);
      for (let i = 1; i < refs.length; i++) assert.ok(refs[i]! > refs[i - 1]!);
      // Postings per pair, names and values.
      const want = new Map<string, Map<string, number[]>>();
      series.forEach((s, i) =>
        s.labels.forEach((nm, v) => {
          if (!want.has(nm)) want.set(nm, new Map());
          const m = want.get(nm)!;
          m.set(v, [...(m.get(v) ?? []), refs[i]!]);
        }),
      );
      assert.deepEqual(r.labelNames(), [...want.keys()].sort(compareUtf8));
      for (const [nm, byValue] of want) {
        assert.deepEqual(r.labelValues(nm), [...byValue.keys()].sort(compareUtf8));
        for (const [v, list] of byValue) assert.deepEqual(expandPostings(r.postings(nm, [v])), list);
        assert.deepEqual(expandPostings(r.postingsForAllLabelValues(nm)), [...new Set([...byValue.values()].flat())].sort((a, b) => a - b));
      }
      assert.deepEqual(expandPostings(r.postings('no-such-label', ['x'])), []);
      assert.deepEqual(r.labelValues('no-such-label'), []);
    }),
    { numRuns: 100 },
  );
});

test('openAsync (the file image in untracked memory) reads what open reads, non-ASCII text included; close is idempotent', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'index');
  const input: In[] = ['a', 'é', '\u{1F600}', 'zz'].map((v, i) => ({ labels: Labels.fromStrings('__name__', `m_${v}`, 'v', v), chunks: [{ ref: 8 + i * 100, mint: i, maxt: i + 1 }] }));
  const { series, refs } = writeIndex(path, input);
  const sync = IndexReader.open(path);
  const r = await IndexReader.openAsync(path);
  assert.equal(r.size(), sync.size());
  series.forEach((s, i) => {
    const got = r.series(refs[i]!);
    assert.ok(got.labels.equals(s.labels), `${got.labels} != ${s.labels}`);
    assert.deepEqual(got.chunks, s.chunks);
  });
  assert.deepEqual(r.labelValues('v'), sync.labelValues('v'));
  assert.deepEqual(expandPostings(r.postings('v', ['é'])), expandPostings(sync.postings('v', ['é'])));
  r.close();
  r.close();
});

test('writer enforces upstream ordering rules', (t) => {
  const dir = tmp(t);
  const w = new IndexWriter(join(dir, 'index'));
  w.addSymbol('a');
  assert.throws(() => w.addSymbol('a'), /out of order/);
  w.addSymbol('b');
  w.addSeries(Labels.fromStrings('a', 'b'), [{ ref: 8, mint: 0, maxt: 10 }]);
  assert.throws(() => w.addSeries(Labels.fromStrings('a', 'a'), []), /out-of-order series/);
  assert.throws(() => w.addSeries(Labels.fromStrings('b', 'c'), []), /symbol entry for "c" does not exist/);
  assert.throws(() => w.addSeries(Labels.fromStrings('b', 'a'), [{ ref: 4, mint: 0, maxt: 1 }]), /unsorted chunk reference/);
  assert.throws(() => w.addSeries(Labels.fromStrings('b', 'a'), [{ ref: 8, mint: 0, maxt: 5 }, { ref: 9, mint: 5, maxt: 6 }]), /not higher than previous/);
  assert.throws(() => w.addSymbol('c'), /after series/);
  w.close();
});

test('the file starts with magic and version 2 and ends with a 52-byte TOC', (t) => {
  const dir = tmp(t);
  writeIndex(join(dir, 'index'), [{ labels: Labels.fromStrings('__name__', 'up', 'job', 'x'), chunks: [{ ref: 8, mint: 1, maxt: 2 }] }]);
  const b = readFileSync(join(dir, 'index'));
  assert.deepEqual([...b.subarray(0, 5)], [0xba, 0xaa, 0xd7, 0x00, 2]);
  const toc = b.subarray(b.length - 52);
  assert.equal(Number(toc.readBigUInt64BE(0)), 5);
  // series section holds the first series at a 16-byte boundary
  const series = Number(toc.readBigUInt64BE(8));
  const r = IndexReader.open(join(dir, 'index'));
  assert.deepEqual(expandPostings(r.allPostings()), [Math.ceil(series / 16)]);
});

test('BufferPostings seeks by galloping and never moves backwards', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(10_000), { maxLength: 200 }), fc.array(fc.nat(10_100), { maxLength: 20 }), (vals, seeks) => {
      vals.sort((a, b) => a - b);
      const buf = Buffer.alloc(vals.length * 4);
      vals.forEach((v, i) => buf.writeUInt32BE(v, i * 4));
      const p = new BufferPostings(buf, 0, vals.length);
      let cur = -1;
      for (const s of seeks) {
        const target = Math.max(s, cur);
        const want = vals.find((v) => v >= target);
        const ok = p.seek(s);
        assert.equal(ok, want !== undefined);
        if (!ok) return;
        assert.equal(p.at(), want);
        cur = want!;
      }
    }),
  );
});

test('random corruption of an index gives CorruptionErrors or the original answers, never other failures', (t) => {
  const dir = tmp(t);
  const input: In[] = [];
  for (let i = 0; i < 30; i++) input.push({ labels: Labels.fromStrings('__name__', `m${i % 4}`, 'i', String(i), 'j', `v${i % 3}`), chunks: [{ ref: 8, mint: i, maxt: i + 100 }] });
  const path = join(dir, 'index');
  writeIndex(path, input);
  const good = readFileSync(path);
  const answers = (r: IndexReader): unknown => {
    const refs = expandPostings(r.allPostings());
    return {
      names: r.labelNames(),
      values: r.labelNames().map((n) => r.labelValues(n)),
      series: refs.map((ref) => {
        const s = r.series(ref);
        return [s.labels.toString(), s.chunks];
      }),
      postings: r.labelNames().map((n) => r.labelValues(n).map((v) => expandPostings(r.postings(n, [v])))),
    };
  };
  const want = answers(IndexReader.fromBuffer(good));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (flips, cut) => {
      const bad = Buffer.from(good);
      for (const [pos, x] of flips) bad[pos % bad.length]! ^= x;
      for (const b of [bad, good.subarray(0, cut % good.length)]) {
        try {
          assert.deepEqual(answers(IndexReader.fromBuffer(b, 'idx')), want);
        } catch (e) {
          assert.ok(e instanceof CorruptionError, String(e));
          assert.equal(e.file, 'idx');
        }
      }
    }),
    { numRuns: 500 },
  );
});
