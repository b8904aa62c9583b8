import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { XorChunk, floatFromBits, floatHi, floatLo } from '../chunkenc/index.js';
import { ChunkArena } from './chunk-arena.js';
import { OPEN_CHUNK_PAGE_SIZE, OpenChunkPool, openChunkBlockSize } from './open-chunks.js';
import { Head } from './head.js';

test('open-chunk pool: blocks never overlap, freed blocks are reused, empty pages are dropped', () => {
  const pool = new OpenChunkPool();
  const live = new Map<string, { page: number; off: number; size: number; tag: number }>();
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  let tag = 0;
  for (let step = 0; step < 20000; step++) {
    if (live.size > 0 && rnd() < 0.45) {
      const keys = [...live.keys()];
      const k = keys[Math.floor(rnd() * keys.length)]!;
      const b = live.get(k)!;
      // The block still holds what was written into it: nobody else got it meanwhile.
      const page = pool.pages[b.page]!;
      for (let i = 4; i < b.size; i++) assert.equal(page[b.off + i], b.tag & 0xff);
      pool.free(b.page, b.off, b.size);
      live.delete(k);
    } else {
      const size = openChunkBlockSize(1 + Math.floor(rnd() * 1088));
      pool.alloc(size);
      const b = { page: pool.lastPage, off: pool.lastOff, size, tag: ++tag };
      assert.ok(b.off + size <= OPEN_CHUNK_PAGE_SIZE);
      pool.pages[b.page]!.fill(b.tag & 0xff, b.off, b.off + size);
      live.set(`${b.page}:${b.off}`, b);
    }
  }
  let bytes = 0;
  for (const b of live.values()) bytes += b.size;
  assert.equal(pool.blockBytes, bytes);
  assert.equal(pool.blocks, live.size);
  for (const b of live.values()) pool.free(b.page, b.off, b.size);
  assert.equal(pool.blocks, 0);
  // At most one page per class is kept once everything is free.
  // At most one page per class, plus a few spare ones, is kept once everything is free.
  assert.ok(pool.bytes <= (19 + 4) * OPEN_CHUNK_PAGE_SIZE, `${pool.bytes} bytes held`);
});

test('open-chunk block sizes: every size up to the largest block fits', () => {
  for (let n = 1; n <= 1088; n++) {
    const s = openChunkBlockSize(n);
    assert.ok(s >= n && s - n < Math.max(48, n / 4), `${n} -> ${s}`);
  }
});

test('chunk arena: records keep their bounds, links and bytes; slabs are dropped once released', () => {
  const arena = new ChunkArena();
  const addrs: number[] = [];
  let prev = -1;
  for (let i = 0; i < 2000; i++) {
    const data = new Uint8Array(1 + (i % 1000)).fill(i & 0xff);
    prev = arena.add(data, 0, data.length, i * 10, i * 10 + 9, prev);
    addrs.push(prev);
  }
  for (let i = addrs.length - 1; i >= 0; i--) {
    const a = addrs[i]!;
    assert.equal(arena.minT(a), i * 10);
    assert.equal(arena.maxT(a), i * 10 + 9);
    assert.equal(arena.previous(a), i === 0 ? -1 : addrs[i - 1]);
    const v = arena.view(a);
    assert.equal(v.length, 1 + (i % 1000));
    assert.ok(v.every((b) => b === (i & 0xff)));
  }
  const held = arena.bytes;
  for (const a of addrs.slice(0, 1500)) arena.release(a);
  assert.ok(arena.bytes < held);
  assert.equal(arena.chunks, 500);
});

/** Any float64 bit pattern, biased towards repeats and small changes (so chunks vary in size). */
const value = fc.oneof(
  fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })).map(([h, l]) => floatFromBits(h, l)),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constant(1),
);

test('head chunks are byte-identical to XorChunk encodings of the same samples, through block growth, cuts and truncation', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 40_000 }), value), { minLength: 1, maxLength: 700 }),
      fc.integer({ min: 4, max: 300 }),
      fc.boolean(),
      async (steps, samplesPerChunk, withQuerier) => {
        const head = await Head.open({ samplesPerChunk, chunkRange: 3_600_000 });
        const L = Labels.fromStrings('__name__', 'm');
        const ts: number[] = [];
        const hi: number[] = [];
        const lo: number[] = [];
        let t = 1_700_000_000_000;
        let app = head.appender();
        let q = withQuerier ? head.querier(-Infinity, Infinity) : undefined;
        for (let i = 0; i < steps.length; i++) {
          const [dt, v] = steps[i]!;
          t += dt;
          app.append(0, L, t, v);
          ts.push(t);
          hi.push(floatHi(v));
          lo.push(floatLo(v));
          if (i % 37 === 36) {
            await app.commit();
            app = head.appender();
            if (q !== undefined && i % 74 === 73) {
              q.close();
              q = head.querier(-Infinity, Infinity);
            }
          }
        }
        await app.commit();
        q?.close();
        const s = head.series.getByRef(1)!;
        const check = (): void => {
          const chunks = s.chunks(head);
          let k = ts.findIndex((x) => x === chunks[0]!.minT);
          assert.ok(k >= 0);
          for (const c of chunks) {
            const want = new XorChunk();
            const a = want.appender();
            while (k < ts.length && ts[k]! <= c.maxT) {
              a.append(ts[k]!, floatFromBits(hi[k]!, lo[k]!));
              k++;
            }
            assert.deepEqual(Buffer.from(c.data), Buffer.from(want.bytes()));
          }
          assert.equal(k, ts.length);
        };
        check();
        // Reading sees every sample bit for bit.
        const rq = head.querier(-Infinity, Infinity);
        const set = rq.select(false, undefined, newMatcher('=', '__name__', 'm'));
        assert.ok(set.next());
        const it = set.at().iterator();
        let n = 0;
        const cut = ts[Math.floor(ts.length / 2)]!;
        for (let k = 0; it.next() === ValueType.Float; k++, n++) {
          assert.equal(it.atT(), ts[k]);
          const got = it.at();
          // (NaN payloads are compared bit for bit above, in the chunk bytes.)
          if (got === got) assert.equal(floatLo(got), lo[k]);
        }
        rq.close();
        assert.equal(n, ts.length);
        head.truncateMemory(cut);
        if (!s.isEmpty()) {
          // Remaining chunks are unchanged.
          const chunks = s.chunks(head);
          const start = ts.findIndex((x) => x === chunks[0]!.minT);
          ts.splice(0, start);
          hi.splice(0, start);
          lo.splice(0, start);
          check();
        }
        await head.close();
      },
    ),
    { numRuns: 150 },
  );
});
