import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../model/labels/index.js';
import { Encoding } from '../chunkenc/index.js';
import type { BlockSeries } from '../head/index.js';
import { forEachPackedSeries, packHeadSeries, transferables, type UnpackedSeries } from './head-pack.js';

test('packing a head range round-trips labels (any UTF-8), chunks and deletions, in transferable buffers only', async () => {
  const values = ['plain', 'é', '日本語', '😀 emoji', 'x'.repeat(5000), 'a"b\\c\n'];
  const series: BlockSeries[] = values.map((v, i) => ({
    labels: Labels.fromStrings('__name__', `m${i}`, 'v', v, 'ü', String(i)),
    chunks: Array.from({ length: i % 3 }, (_, k) => ({ minT: k * 100, maxT: k * 100 + 99, encoding: Encoding.XOR, data: Uint8Array.from([0, 1, i, k]) })),
  }));
  const deleted = new Map([[3, [{ mint: 5, maxt: 7 }]]]);
  const packed = await packHeadSeries(series, (l) => deleted.get(values.indexOf(l.get('v'))));
  const structured = structuredClone(packed, { transfer: transferables(packed) });
  const out: UnpackedSeries[] = [];
  forEachPackedSeries(structured, (s) => out.push({ ...s, chunks: s.chunks.map((c) => ({ ...c, data: c.data.slice() })) }));
  assert.equal(out.length, series.length);
  out.forEach((s, i) => {
    assert.ok(s.labels.equals(series[i]!.labels), `labels of series ${i}: ${s.labels}`);
    assert.deepEqual(
      s.chunks.map((c) => [c.minT, c.maxT, [...c.data]]),
      series[i]!.chunks.map((c) => [c.minT, c.maxT, [...c.data]]),
    );
    assert.deepEqual(s.deleted, i === 3 ? [{ mint: 5, maxt: 7 }] : undefined);
  });
  // Nothing but typed arrays and numbers: the structured clone on the event loop stays trivial.
  for (const [k, v] of Object.entries(packed)) assert.ok(typeof v === 'number' || ArrayBuffer.isView(v), `${k} is a number or typed array`);
});
