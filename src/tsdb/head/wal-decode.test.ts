import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { STALE_NAN } from '../chunkenc/index.js';
import { EncBuf } from '../fileutil/index.js';
import { SampleBatch, encodeSamplesInto, encodeSeries, encodeTombstones, samplesRecordMaxSize } from '../record/index.js';
import { WriteAheadLog, listSegments } from '../wlog/index.js';
import { MAX_SAMPLES, MAX_SERIES, type DecodeJob, type DecodedBatch } from './wal-decode.js';
import { openBatchSource } from './wal-decode-source.js';

function tmpDir(t: { after: (fn: () => void) => void }): string {
  const d = fs.mkdtempSync(join(os.tmpdir(), 'ignis-waldecode-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

const SERIES = MAX_SERIES * 2 + 100;

/** A WAL over several segments: one big series record, samples records big and small (stale markers), tombstones. */
async function writeWal(dir: string): Promise<number> {
  const wal = await WriteAheadLog.open(dir, { segmentSize: 64 * 1024, compress: false });
  const enc = new EncBuf(1 << 16);
  encodeSeries(
    enc,
    Array.from({ length: SERIES }, (_, i) => ({ ref: i + 1, labels: Labels.fromStrings('__name__', 'm', 'i', String(i)) })),
  );
  await wal.log([Buffer.from(enc.get())]);
  const batch = new SampleBatch(SERIES);
  let samples = 0;
  for (let k = 0; k < 12; k++) {
    // Every third commit covers all series at once (bigger than one batch); the others a few.
    const n = k % 3 === 0 ? SERIES : 50 + k;
    batch.reset();
    for (let i = 0; i < n; i++) batch.push(i + 1, k * 15_000, (i + k) % 5 === 0 ? STALE_NAN : k * 1000 + i);
    const rec = new Uint8Array(samplesRecordMaxSize(n));
    await wal.log([rec.slice(0, encodeSamplesInto(rec, 0, batch, 0, n))]);
    samples += n;
  }
  enc.reset();
  encodeTombstones(enc, [
    { ref: 3, mint: 0, maxt: 20_000 },
    { ref: 9, mint: -5, maxt: 7 },
  ]);
  await wal.log([Buffer.from(enc.get())]);
  await wal.close();
  return samples;
}

/** Every batch up to and including the first `end`, in a comparable form (value bits as hex). */
async function drain(jobs: DecodeJob[], worker: boolean): Promise<unknown[]> {
  const src = openBatchSource(jobs, worker);
  const out: unknown[] = [];
  try {
    for (let ends = 0; ends < jobs.length; ) {
      const b: DecodedBatch = await src.next();
      if (b.kind === 'samples') out.push({ kind: b.kind, refs: [...b.refs], ts: [...b.ts], vs: Buffer.from(b.vs.buffer, b.vs.byteOffset, b.vs.byteLength).toString('hex') });
      else if (b.kind === 'series') out.push({ kind: b.kind, refs: [...b.refs], counts: [...b.counts], strings: b.strings });
      else if (b.kind === 'tombstones') out.push({ kind: b.kind, stones: [...b.stones] });
      else out.push(b);
      if (b.kind === 'end') ends++;
    }
  } finally {
    await src.close();
  }
  return out;
}

test('the worker and the inline decoder deliver the same bounded batches, in WAL order, bit-exact', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  const samples = await writeWal(dir);
  assert.ok((await listSegments(dir)).length > 1, 'several segments');
  const jobs: DecodeJob[] = [{ dir, undecodable: 'undecodable record' }];
  const inline = await drain(jobs, false);
  const worker = await drain(jobs, true);
  assert.deepEqual(worker, inline);
  const batches = inline as DecodedBatch[];
  assert.deepEqual(batches[batches.length - 1], { kind: 'end' });
  let n = 0;
  let series = 0;
  for (const b of batches) {
    if (b.kind === 'samples') {
      assert.ok(b.refs.length <= MAX_SAMPLES);
      n += b.refs.length;
    }
    if (b.kind === 'series') {
      assert.ok(b.refs.length <= MAX_SERIES);
      series += b.refs.length;
    }
  }
  assert.equal(n, samples);
  assert.equal(series, SERIES);
  // Small records fill batches: only the last samples batch before another kind (or a new segment) is short.
  batches.forEach((b, i) => {
    if (b.kind === 'samples' && batches[i + 1]?.kind === 'samples') assert.equal(b.refs.length, MAX_SAMPLES, `batch ${i}`);
  });
  // Series come before the samples that use them; tombstones last, as written.
  assert.equal(batches.findIndex((b) => b.kind === 'samples') > batches.findLastIndex((b) => b.kind === 'series'), true);
  assert.deepEqual(batches[batches.length - 2], { kind: 'tombstones', stones: [3, 0, 20_000, 9, -5, 7] });
});

test('damage: both decoders deliver every batch before it, then the corruption with its segment and offset', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  await writeWal(dir);
  const segs = await listSegments(dir);
  const victim = segs[segs.length - 1]!;
  const buf = fs.readFileSync(victim.path);
  buf[Math.floor(buf.length / 2)]! ^= 0xff;
  fs.writeFileSync(victim.path, buf);
  const jobs: DecodeJob[] = [{ dir, undecodable: 'undecodable record' }];
  const inline = await drain(jobs, false);
  const worker = await drain(jobs, true);
  assert.deepEqual(worker, inline);
  const end = inline[inline.length - 1] as DecodedBatch;
  assert.equal(end.kind, 'end');
  assert.ok(end.kind === 'end' && end.error?.corruption !== undefined, 'ends with a corruption');
  assert.equal(end.error.corruption.segment, victim.index);
  assert.equal(end.error.corruption.dir, dir);
});

test('two jobs (checkpoint, then segments): each ends on its own; a directory without segments just ends', async (t) => {
  const dir = join(tmpDir(t), 'wal');
  await writeWal(dir);
  const jobs: DecodeJob[] = [
    { dir: join(tmpDir(t), 'empty'), undecodable: 'checkpoint record' },
    { dir, from: 1, undecodable: 'undecodable record' },
  ];
  const inline = await drain(jobs, false);
  assert.deepEqual(await drain(jobs, true), inline);
  assert.deepEqual(inline[0], { kind: 'end' });
  assert.deepEqual(inline[1], { kind: 'segment', segment: 1 });
});
