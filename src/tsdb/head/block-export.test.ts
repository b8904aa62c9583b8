import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { BlockExportBuilder } from './block-export.js';
import { forEachPackedSeries, transferables, type UnpackedSeries } from './packed-series.js';

interface Input {
  labels: Labels;
  chunks: { minT: number; maxT: number; data: Uint8Array }[];
}

async function roundTrip(series: Input[], deletedOf: (l: Labels) => { mint: number; maxt: number }[] | undefined): Promise<{ out: UnpackedSeries[]; observed: number }> {
  const b = new BlockExportBuilder();
  for (const s of series) {
    b.beginSeries(s.labels);
    for (const c of s.chunks) b.addChunk(c.minT, c.maxT, c.data);
    b.endSeries();
  }
  let observed = 0;
  const packed = await b.pack(deletedOf, { chunk: () => void observed++ });
  // Nothing but typed arrays, arrays of them and numbers: the clone on the event loop stays trivial.
  for (const [k, v] of Object.entries(packed)) {
    const ok = typeof v === 'number' || ArrayBuffer.isView(v) || (Array.isArray(v) && v.every((x) => ArrayBuffer.isView(x)));
    assert.ok(ok, `${k} is a number or typed array(s)`);
  }
  const moved = structuredClone(packed, { transfer: transferables(packed) });
  const out: UnpackedSeries[] = [];
  forEachPackedSeries(moved, (s) => out.push({ ...s, chunks: s.chunks.map((c) => ({ ...c, data: c.data.slice() })) }));
  return { out, observed };
}

test('packing a block range sorts series by labels and round-trips labels (any UTF-8), chunks and deletions through a transfer', async () => {
  const values = ['plain', 'é', '日本語', '😀 emoji', 'x'.repeat(5000), 'a"b\\c\n', 'zz', 'empty'];
  // Added in reverse label order; the series without chunks ('empty') is left out.
  const series: Input[] = values.map((v, i) => ({
    labels: Labels.fromStrings('__name__', `m${values.length - i}`, 'v', v, 'ü', String(i)),
    chunks: v === 'empty' ? [] : Array.from({ length: 1 + (i % 3) }, (_, k) => ({ minT: k * 100, maxT: k * 100 + 99, data: Uint8Array.from([0, 1, i, k]) })),
  }));
  const deleted = new Map([['日本語', [{ mint: 5, maxt: 7 }]]]);
  const { out, observed } = await roundTrip(series, (l) => deleted.get(l.get('v')));
  const want = series.filter((s) => s.chunks.length > 0).sort((a, b) => Labels.compare(a.labels, b.labels));
  assert.equal(out.length, want.length);
  assert.equal(observed, want.reduce((n, s) => n + s.chunks.length, 0));
  out.forEach((s, i) => {
    assert.ok(s.labels.equals(want[i]!.labels), `labels of series ${i}: ${s.labels}`);
    assert.deepEqual(
      s.chunks.map((c) => [c.minT, c.maxT, [...c.data]]),
      want[i]!.chunks.map((c) => [c.minT, c.maxT, [...c.data]]),
    );
    assert.deepEqual(s.deleted, s.labels.get('v') === '日本語' ? [{ mint: 5, maxt: 7 }] : undefined);
  });
});

test('chunks fill several data pages, and a chunk larger than a page gets its own', async () => {
  const series: Input[] = [];
  for (let i = 0; i < 3000; i++) {
    const size = i === 1234 ? 5 << 20 : 2000 + (i % 97);
    const data = new Uint8Array(size);
    for (let k = 0; k < size; k += 499) data[k] = (i + k) & 255;
    series.push({ labels: Labels.fromStrings('__name__', 'm', 'i', String(i).padStart(5, '0')), chunks: [{ minT: i, maxT: i + 1, data }] });
  }
  const { out } = await roundTrip(series, () => undefined);
  assert.equal(out.length, series.length);
  out.forEach((s, i) => assert.deepEqual(s.chunks[0]!.data, series[i]!.chunks[0]!.data, `chunk of series ${i}`));
});

test('chunk bounds past one page of them (more than 65,536 chunks) stay with their series', async () => {
  const series: Input[] = [];
  for (let i = 0; i < 40_000; i++) {
    const chunks = [0, 1].map((k) => ({ minT: i * 10 + k, maxT: i * 10 + k + 1, data: Uint8Array.from([0, 1, i & 255, (i >> 8) & 255, k]) }));
    series.push({ labels: Labels.fromStrings('__name__', 'm', 'i', String(39_999 - i).padStart(5, '0')), chunks });
  }
  const { out, observed } = await roundTrip(series, () => undefined);
  assert.equal(observed, 80_000);
  out.forEach((s, j) => {
    const i = 39_999 - j;
    assert.equal(s.labels.get('i'), String(j).padStart(5, '0'));
    assert.deepEqual(s.chunks.map((c) => [c.minT, c.maxT, [...c.data]]), series[i]!.chunks.map((c) => [c.minT, c.maxT, [...c.data]]));
  });
});
