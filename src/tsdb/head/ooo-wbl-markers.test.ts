import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { EncBuf } from '../fileutil/index.js';
import { RecordType, decodeMmapMarkers, encodeMmapMarkers, recordType } from '../record/index.js';
import { WriteAheadLog, readSegments } from '../wlog/index.js';
import { Head } from './index.js';

const L = Labels.fromStrings('__name__', 'm', 'job', 'a');
const MIN = 60_000;

async function samplesOf(head: Head): Promise<[number, number][]> {
  const q = head.querier(0, 1000 * MIN);
  const ss = q.select(true, undefined, newMatcher('=', '__name__', 'm'));
  const out: [number, number][] = [];
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next() === ValueType.Float) out.push([it.atT(), it.at()]);
  }
  q.close();
  return out;
}

test("a WBL with Prometheus' m-map marker records (type 5) replays every sample: markers are skipped, the samples they cover are all in the WBL", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-ooo-markers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { walDir: join(dir, 'wal'), wblDir: join(dir, 'wbl'), outOfOrderTimeWindow: 120 * MIN };
  const want: [number, number][] = [[300 * MIN, 0]];
  let head = await Head.open(opts);
  let app = head.appender();
  app.append(0, L, 300 * MIN, 0);
  await app.commit();
  // 40 late samples, more than one out-of-order chunk (32): where Prometheus would m-map one.
  app = head.appender();
  for (let i = 0; i < 40; i++) {
    app.append(0, L, 200 * MIN + i * MIN, i + 1);
    want.push([200 * MIN + i * MIN, i + 1]);
  }
  await app.commit();
  const ref = head.series.getByLabels(L)!.ref;
  await head.close();

  // What Prometheus 2.42 logs after filling a chunk: a marker naming the m-mapped chunk.
  const enc = new EncBuf(64);
  encodeMmapMarkers(enc, [{ ref, mmapRef: 2 ** 32 + 8 }]);
  const wbl = await WriteAheadLog.open(opts.wblDir);
  await wbl.log([enc.get().slice()]);
  await wbl.close();

  head = await Head.open(opts);
  app = head.appender();
  for (let i = 0; i < 10; i++) {
    app.append(0, L, 250 * MIN + i * MIN, 100 + i);
    want.push([250 * MIN + i * MIN, 100 + i]);
  }
  await app.commit();
  await head.close();

  const types = new Map<number, number>();
  const markers: number[] = [];
  await readSegments(opts.wblDir, (rec) => {
    types.set(recordType(rec), (types.get(recordType(rec)) ?? 0) + 1);
    if (recordType(rec) === RecordType.MmapMarkers) markers.push(...decodeMmapMarkers(rec).map((m) => m.ref));
  });
  assert.deepEqual(markers, [ref]);
  assert.equal(types.get(RecordType.Samples), 2);

  head = await Head.open(opts);
  want.sort((a, b) => a[0] - b[0]);
  assert.deepEqual(await samplesOf(head), want);
  await head.close();
});
