import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  WriteAheadLog,
  readSegments,
  repairWal,
  listSegments,
  segmentPath,
  WalCorruptionError,
  SegmentReader,
  PAGE_SIZE,
  openSegmentFile,
  type SegmentFileOpener,
} from './index.js';
import { crc32c } from '../fileutil/index.js';

function tmpDir(t: { after: (fn: () => void) => void }): string {
  const d = fs.mkdtempSync(join(os.tmpdir(), 'ignis-wal-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Deterministic pseudo-random record of `n` bytes (compressible when `text`). */
function makeRecord(n: number, seed: number, text = false): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = text ? 97 + ((x >>> 16) % 4) : x >>> 24;
  }
  return b;
}

let runs = 0;

interface Located {
  rec: Buffer;
  segment: number;
  offset: number;
}

async function readAll(dir: string): Promise<Located[]> {
  const out: Located[] = [];
  await readSegments(dir, (rec, segment, offset) => out.push({ rec: Buffer.from(rec), segment, offset }));
  return out;
}

/** Every record with its [offset, end) in its segment, read directly. */
function layout(dir: string): { segment: number; offset: number; end: number }[] {
  const out: { segment: number; offset: number; end: number }[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => /^\d+$/.test(n)).sort()) {
    const seg = Number(name);
    const r = new SegmentReader(fs.readFileSync(join(dir, name)), dir, seg);
    while (r.next()) out.push({ segment: seg, offset: r.offset, end: r.position });
  }
  return out;
}

test('golden framing: one small record is one full fragment with BE length and CRC-32C', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  await w.log([Buffer.from('hello')]);
  await w.close();
  const bytes = fs.readFileSync(segmentPath(dir, 0));
  const crc = crc32c(Buffer.from('hello'));
  assert.deepEqual(bytes, Buffer.concat([Buffer.from([1, 0, 5, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]), Buffer.from('hello')]));
});

test('golden framing: a page tail shorter than a header is zero padding; big records split first/middle/last', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  // Leaves 3 bytes in the first page: 7 + (PAGE - 7 - 7 - 3).
  const first = makeRecord(PAGE_SIZE - 17, 1);
  await w.log([first]);
  const big = makeRecord(2 * PAGE_SIZE + 100, 2);
  await w.log([big]);
  await w.close();
  const bytes = fs.readFileSync(segmentPath(dir, 0));
  const p1 = PAGE_SIZE - 10;
  assert.equal(bytes[0], 1);
  // The remaining 10 bytes hold no header (3 < 7 would be left after one more): next record is first in page 0?
  // 10 ≥ 7, so the big record starts with a 3-byte first fragment in page 0.
  assert.equal(bytes[p1], 2, 'first fragment');
  assert.equal((bytes[p1 + 1]! << 8) | bytes[p1 + 2]!, 3);
  assert.equal(bytes[PAGE_SIZE], 3, 'middle fragment at page 1');
  assert.equal(bytes[2 * PAGE_SIZE], 3, 'middle fragment at page 2');
  assert.equal(bytes[3 * PAGE_SIZE], 4, 'last fragment at page 3');
  const got = await readAll(dir);
  assert.deepEqual(got.map((g) => g.rec), [first, big]);
});

test('page padding: a fragment leaving < 7 bytes in the page is followed by zeros to the boundary', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  await w.log([makeRecord(PAGE_SIZE - 7 - 4, 3)]);
  await w.log([Buffer.from('x')]);
  await w.close();
  const bytes = fs.readFileSync(segmentPath(dir, 0));
  assert.deepEqual([...bytes.subarray(PAGE_SIZE - 4, PAGE_SIZE)], [0, 0, 0, 0]);
  assert.equal(bytes[PAGE_SIZE], 1);
  assert.equal(bytes.length, PAGE_SIZE + 8);
});

const recordsArb = fc.array(
  fc.record({ size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 3 * PAGE_SIZE })), text: fc.boolean() }),
  { minLength: 1, maxLength: 25 },
);

test('write → replay equality over page and segment boundaries, with and without snappy', async (t) => {
  const dir = tmpDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(recordsArb, fc.boolean(), fc.integer({ min: 1, max: 4 }), async (specs, compress, batches) => {
      const d = join(dir, String(run++));
      const w = await WriteAheadLog.open(d, { segmentSize: 2 * PAGE_SIZE, compress });
      const recs = specs.map((s, i) => makeRecord(s.size, i + run, s.text));
      // Concurrent log calls in `batches` groups exercise group commit.
      const per = Math.ceil(recs.length / batches);
      const ps: Promise<void>[] = [];
      for (let i = 0; i < recs.length; i += per) ps.push(w.log(recs.slice(i, i + per)));
      await Promise.all(ps);
      await w.close();
      // A second writer appends to a new segment.
      const w2 = await WriteAheadLog.open(d, { segmentSize: 2 * PAGE_SIZE, compress });
      await w2.log([Buffer.from('tail')]);
      await w2.close();
      const got = await readAll(d);
      assert.deepEqual(got.map((g) => g.rec), [...recs, Buffer.from('tail')]);
      // A request (one log call) never straddles segments, so a segment exceeds its size only
      // by less than one request.
      let biggest = 0;
      for (let i = 0; i < recs.length; i += per) biggest = Math.max(biggest, recs.slice(i, i + per).reduce((a, r) => a + r.length + 14, 0));
      for (const s of await listSegments(d)) {
        const size = fs.statSync(s.path).size;
        assert.ok(size <= 2 * PAGE_SIZE + biggest + PAGE_SIZE, `segment ${s.index} has ${size} bytes`);
      }
    }),
    { numRuns: 40 },
  );
});

async function writeSample(dir: string, n: number, segmentSize = 4 * PAGE_SIZE): Promise<Buffer[]> {
  const w = await WriteAheadLog.open(dir, { segmentSize });
  const recs: Buffer[] = [];
  for (let i = 0; i < n; i++) recs.push(makeRecord((i * 7919) % (PAGE_SIZE + 500), i));
  for (const r of recs) await w.log([r]);
  await w.close();
  return recs;
}

test('torn tail: a cut at a random byte keeps every record before it; repair makes the log clean', async (t) => {
  const base = tmpDir(t);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (seed) => {
      const dir = join(base, `${seed}-${runs++}`);
      const recs = await writeSample(dir, 20);
      const segs = await listSegments(dir);
      const last = segs[segs.length - 1]!;
      const size = fs.statSync(last.path).size;
      const cut = seed % (size + 1);
      const lay = layout(dir);
      fs.truncateSync(last.path, cut);
      const want = lay.filter((l) => l.segment < last.index || l.end <= cut).length;
      const got: Buffer[] = [];
      let err: unknown;
      try {
        await readSegments(dir, (rec) => got.push(Buffer.from(rec)));
      } catch (e) {
        err = e;
      }
      assert.deepEqual(got, recs.slice(0, want));
      if (err !== undefined) {
        assert.ok(err instanceof WalCorruptionError);
        assert.equal(err.segment, last.index);
        assert.equal(err.offset, lay[want]!.offset);
        const res = await repairWal(dir, err);
        assert.equal(res.droppedBytes, cut - lay[want]!.offset);
      }
      const after = await readAll(dir);
      assert.deepEqual(after.map((a) => a.rec), recs.slice(0, want));
    }),
    { numRuns: 60 },
  );
});

test('flipped byte: replay stops at the damaged record; repair keeps every record before it', async (t) => {
  const base = tmpDir(t);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 255 }), async (seed, mask) => {
      const dir = join(base, `${seed}-${mask}-${runs++}`);
      const recs = await writeSample(dir, 20);
      const segs = await listSegments(dir);
      const seg = segs[seed % segs.length]!;
      const origLay = layout(dir);
      const bytes = fs.readFileSync(seg.path);
      if (bytes.length === 0) return;
      const pos = seed % bytes.length;
      bytes[pos] = bytes[pos]! ^ mask;
      fs.writeFileSync(seg.path, bytes);
      const got: Buffer[] = [];
      let err: unknown;
      try {
        await readSegments(dir, (rec) => got.push(Buffer.from(rec)));
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof WalCorruptionError, 'a flipped byte is always detected');
      assert.deepEqual(got, recs.slice(0, got.length));
      assert.equal(err.segment, seg.index);
      assert.ok(err.offset <= pos, `cut ${err.offset} must be at or before the damage ${pos}`);
      const res = await repairWal(dir, err);
      assert.ok(res.droppedBytes > 0);
      const after = await readAll(dir);
      assert.deepEqual(after.map((a) => a.rec), got);
      // Nothing before the damaged record was dropped.
      const before = origLay.filter((l) => l.segment < seg.index || (l.segment === seg.index && l.end <= pos)).length;
      assert.ok(got.length >= before, `kept ${got.length} records, ${before} lay wholly before the damage`);
    }),
    { numRuns: 60 },
  );
});

/** A segment opener whose writes fail with ENOSPC once `budget.bytes` is exhausted (after a short partial write). */
function fullDisk(budget: { bytes: number }): SegmentFileOpener {
  return async (path) => {
    const f = await openSegmentFile(path);
    return {
      ...f,
      write: async (buf, off, len, pos) => {
        if (budget.bytes <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const n = Math.min(len, budget.bytes);
        budget.bytes -= n;
        return f.write(buf, off, n, pos);
      },
    };
  };
}

test('ENOSPC: exactly the unwritten requests fail, nothing torn remains, the log works once space returns', async (t) => {
  const base = tmpDir(t);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 30 }), async (budgetBytes, n) => {
      const dir = join(base, `${budgetBytes}-${n}-${runs++}`);
      const budget = { bytes: budgetBytes };
      const w = await WriteAheadLog.open(dir, { segmentSize: 2 * PAGE_SIZE, openFile: fullDisk(budget) });
      const recs = Array.from({ length: n }, (_, i) => makeRecord((i * 4099) % 20000, i));
      const results = await Promise.allSettled(recs.map((r) => w.log([r])));
      const ok = recs.filter((_, i) => results[i]!.status === 'fulfilled');
      // Acknowledged records form a prefix: a failure rejects everything behind it.
      const firstFail = results.findIndex((r) => r.status === 'rejected');
      if (firstFail >= 0) assert.ok(results.slice(firstFail).every((r) => r.status === 'rejected'));
      const gen = w.generation;
      assert.equal(gen > 0, firstFail >= 0);
      budget.bytes = Infinity;
      const more = makeRecord(5000, 999);
      await w.log([more]);
      await w.close();
      const got = await readAll(dir);
      assert.deepEqual(got.map((g) => g.rec), [...ok, more]);
    }),
    { numRuns: 40 },
  );
});

test('a burst larger than one write batch (4 MiB) is written in order over several writes; a failure in a later write rejects exactly the requests not written', async (t) => {
  const base = tmpDir(t);
  const recs = Array.from({ length: 12 }, (_, i) => makeRecord(1_000_000 + i, i));
  const writes: number[] = [];
  const counting: SegmentFileOpener = async (path) => {
    const f = await openSegmentFile(path);
    return { ...f, write: (buf, off, len, pos) => (writes.push(len), f.write(buf, off, len, pos)) };
  };
  const w = await WriteAheadLog.open(join(base, 'ok'), { openFile: counting });
  await Promise.all(recs.map((r) => w.log([r])));
  await w.close();
  assert.deepEqual((await readAll(join(base, 'ok'))).map((g) => g.rec), recs);
  assert.ok(writes.length >= 3, `${writes.length} writes`);
  assert.ok(Math.max(...writes) < 6 * 1024 * 1024);

  // The disk fills during the second write: the first batch stays acknowledged, the rest fail.
  const budget = { bytes: 6 * 1024 * 1024 };
  const w2 = await WriteAheadLog.open(join(base, 'full'), { openFile: fullDisk(budget) });
  const results = await Promise.allSettled(recs.map((r) => w2.log([r])));
  const ok = recs.filter((_, i) => results[i]!.status === 'fulfilled');
  assert.ok(ok.length >= 4 && ok.length < recs.length, `${ok.length} acknowledged`);
  assert.ok(results.slice(ok.length).every((r) => r.status === 'rejected'));
  budget.bytes = Infinity;
  await w2.close();
  assert.deepEqual((await readAll(join(base, 'full'))).map((g) => g.rec), ok);
});

test('nextSegment starts a new segment and truncate deletes older ones', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  await w.log([Buffer.from('a')]);
  assert.equal(await w.nextSegment(), 1);
  await w.log([Buffer.from('b')]);
  assert.equal(await w.nextSegment(), 2);
  assert.equal(fs.statSync(segmentPath(dir, 0)).size, PAGE_SIZE, 'closed segment padded to a page');
  await w.truncate(2);
  assert.deepEqual((await listSegments(dir)).map((s) => s.index), [2]);
  await w.log([Buffer.from('c')]);
  await w.close();
  assert.deepEqual((await readAll(dir)).map((g) => g.rec.toString()), ['c']);
  await assert.rejects(w.log([Buffer.from('d')]), /closed/);
});

test('a zstd-compressed record (newer Prometheus) is refused, not repaired away', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  // A payload that starts with the zstd frame magic, as a newer Prometheus' zstd record does.
  await w.log([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x01])]);
  await w.close();
  const p = segmentPath(dir, 0);
  const b = fs.readFileSync(p);
  b[0] = b[0]! | 0x10;
  fs.writeFileSync(p, b);
  await assert.rejects(readSegments(dir, () => undefined), (err: Error) => !(err instanceof WalCorruptionError) && /zstd/.test(err.message));
});

test('a zstd flag on a record without a zstd frame is damage (a flipped bit), not a newer format', async (t) => {
  const dir = tmpDir(t);
  const w = await WriteAheadLog.open(dir);
  await w.log([Buffer.from('abc')]);
  await w.close();
  const p = segmentPath(dir, 0);
  const b = fs.readFileSync(p);
  b[0] = b[0]! | 0x10;
  fs.writeFileSync(p, b);
  await assert.rejects(readSegments(dir, () => undefined), WalCorruptionError);
});
