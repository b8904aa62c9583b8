import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { RecordDecoder, SegmentReader, WalCorruptionError, WriteAheadLog, listSegments } from './index.js';

/** A segment with records of 1 byte to 3 pages (several fragments, page padding), snappy when `compress`. */
async function segmentImage(t: { after(fn: () => void): void }, compress: boolean): Promise<Buffer> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-recdec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const wal = await WriteAheadLog.open(dir, { compress });
  for (let i = 0; i < 40; i++) {
    const n = [1, 7, 100, 32 * 1024 - 14, 70_000, 3][i % 6]!;
    await wal.log([Buffer.alloc(n, 97 + (i % 5))]);
  }
  await wal.close();
  const [seg] = await listSegments(dir);
  return fs.readFileSync(seg!.path);
}

function wholeRecords(image: Buffer): { offset: number; end: number; record: Buffer }[] {
  const out: { offset: number; end: number; record: Buffer }[] = [];
  const r = new SegmentReader(image, 'd', 0);
  while (r.next()) out.push({ offset: r.offset, end: r.position, record: Buffer.from(r.record) });
  return out;
}

for (const compress of [false, true]) {
  test(`growing mode returns exactly the records complete in any prefix, from any window start (compress=${compress})`, async (t) => {
    const image = await segmentImage(t, compress);
    const all = wholeRecords(image);
    assert.equal(all.length, 40);
    for (let cut = 0; cut <= image.length; cut += 997) {
      const dec = new RecordDecoder('d', 0);
      const got: number[] = [];
      let pos = 0;
      while (dec.decode(image, 0, cut, pos, true)) {
        got.push(dec.offset);
        assert.deepEqual(dec.record, all[got.length - 1]!.record);
        pos = dec.position;
      }
      assert.deepEqual(got, all.filter((r) => r.end <= cut).map((r) => r.offset), `prefix of ${cut} bytes`);
      // The same bytes seen through a window that starts at the decoder's position.
      const base = dec.position;
      const again = new RecordDecoder('d', 0);
      assert.equal(again.decode(image.subarray(base), base, image.length, base, true), base < image.length && all.some((r) => r.offset >= base));
    }
  });
}

test('whole-segment mode: a cut inside a record is damage at its start; growing mode waits', async (t) => {
  const image = await segmentImage(t, false);
  const rec = wholeRecords(image)[4]!; // the 70,000-byte record: three fragments
  const cut = rec.offset + 40_000;
  const whole = new RecordDecoder('d', 0);
  let pos = 0;
  assert.throws(() => {
    for (;;) {
      assert.ok(whole.decode(image, 0, cut, pos, false));
      pos = whole.position;
    }
  }, (err: unknown) => err instanceof WalCorruptionError && err.offset === rec.offset);
  const growing = new RecordDecoder('d', 0);
  pos = 0;
  while (growing.decode(image, 0, cut, pos, true)) pos = growing.position;
  assert.equal(growing.position, rec.offset);
});
