import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType, type FloatSampleBuffer, type Series } from '../../storage/index.js';
import { XorChunk, floatFromBits, floatHi, floatLo } from '../chunkenc/index.js';
import { BlockWriter, type BlockChunk } from './block-writer.js';
import { Block } from './block.js';

function viaIterator(s: Series, lo: number, hi: number): string[] {
  const it = s.iterator();
  const out: string[] = [];
  for (let vt = it.seek(lo); vt === ValueType.Float && it.atT() <= hi; vt = it.next()) out.push(`${it.atT()}:${floatHi(it.at())}.${floatLo(it.at())}`);
  return out;
}

function viaBulk(s: Series, lo: number, hi: number, anchor?: number): string[] | undefined {
  const buf: FloatSampleBuffer = {
    t: new Float64Array(1),
    f: new Float64Array(1),
    n: 0,
    reserve(min: number) {
      const t = new Float64Array(min * 2);
      t.set(this.t);
      this.t = t;
      const f = new Float64Array(min * 2);
      f.set(this.f);
      this.f = f;
    },
  };
  if (!s.readFloats!(lo, hi, buf, anchor)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < buf.n; i++) out.push(`${buf.t[i]}:${floatHi(buf.f[i]!)}.${floatLo(buf.f[i]!)}`);
  return out;
}

test('block series: readFloats returns what the iterator returns; with an anchor, a suffix from the newest sample at or before it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-block-series-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let seed = 5;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const w = new BlockWriter(dir, {});
  for (let i = 0; i < 6; i++) {
    const chunks: BlockChunk[] = [];
    let ts = 1000;
    for (let c = 0; c < 1 + i; c++) {
      const ch = new XorChunk();
      const a = ch.appender();
      const mint = ts;
      for (let k = 0; k < 9; k++) {
        a.append(ts, rnd() < 0.1 ? floatFromBits(0x7ff00000, 2) : Math.round(rnd() * 1e4) / 100);
        ts += 1 + Math.floor(rnd() * 30);
      }
      chunks.push({ mint, maxt: lastT(ch), chunk: ch });
    }
    w.addSeries(Labels.fromStrings('__name__', 'm', 'i', String(i)), chunks);
  }
  const meta = w.commit();
  const block = Block.open(join(dir, meta.ulid));
  const q = block.querier(0, 100_000);
  const ss = q.select(true, undefined, newMatcher('=', '__name__', 'm'));
  let n = 0;
  while (ss.next()) {
    const s = ss.at();
    for (let k = 0; k < 30; k++) {
      const lo = 900 + Math.floor(rnd() * 1200);
      const hi = lo + Math.floor(rnd() * 1200);
      const want = viaIterator(s, lo, hi);
      assert.deepEqual(viaBulk(s, lo, hi), want);
      const anchor = lo + Math.floor(rnd() * (hi - lo + 100));
      const got = viaBulk(s, lo, hi, anchor)!;
      assert.deepEqual(got, want.slice(want.length - got.length));
      const atAnchor = want.filter((x) => Number(x.split(':')[0]) <= anchor).length;
      assert.ok(want.length - got.length <= Math.max(0, atAnchor - 1));
      n++;
    }
  }
  assert.equal(n, 6 * 30);
  q.close();
  block.close();
});

function lastT(c: XorChunk): number {
  const it = c.iterator();
  let t = NaN;
  while (it.next() === ValueType.Float) t = it.atT();
  return t;
}
