import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { newMatcher } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { Block, type BlockMeta } from '../../tsdb/block/index.js';
import { BackfillError, DEFAULT_BLOCK_DURATION_MS, backfillOpenMetrics, compatibleBlockDuration } from './tsdb-backfill.js';
import { OmTimestampReader } from './tsdb-om-timestamp.js';
import { tempDir } from './tsdb-testing.js';

const H = 3_600_000;

const tmp = (t: { after(fn: () => void): void }): string => tempDir(t, 'ignis-backfill-');

interface Read {
  meta: BlockMeta;
  /** `labels` → [t, value bits hi, value] rows. */
  series: Map<string, [number, number][]>;
  chunks: number;
}

/** Every block of `dir` in time order with its samples. */
async function readBlocks(dir: string): Promise<Read[]> {
  const out: Read[] = [];
  for (const name of readdirSync(dir).sort()) {
    const b = Block.open(join(dir, name));
    const q = b.querier(-Infinity, Infinity);
    const set = q.select(true, undefined, newMatcher('=~', '__name__', '.+'));
    const series = new Map<string, [number, number][]>();
    while (set.next()) {
      const s = set.at();
      const it = s.iterator();
      const rows: [number, number][] = [];
      while (it.next() === ValueType.Float) rows.push([it.atT(), it.at()]);
      series.set(s.labels.toString(), rows);
    }
    q.close();
    out.push({ meta: b.meta, series, chunks: b.meta.stats.numChunks ?? 0 });
    await b.close();
  }
  return out.sort((a, b) => a.meta.minTime - b.meta.minTime);
}

function om(lines: string[]): Buffer {
  return Buffer.from(lines.join('\n') + '\n# EOF\n');
}

test('compatibleBlockDuration rounds a maximum down to upstream block ranges, never below 2h', () => {
  const cases: [number, number][] = [
    [0, 2 * H],
    [H, 2 * H],
    [2 * H, 2 * H],
    [5 * H, 2 * H],
    [6 * H, 6 * H],
    [24 * H, 18 * H],
    [1e12, 39366 * H],
  ];
  for (const [max, want] of cases) assert.equal(compatibleBlockDuration(max), want, String(max));
  assert.equal(DEFAULT_BLOCK_DURATION_MS, 2 * H);
});

test('one block per 2h range: aligned ranges, block bounds from the samples, empty ranges skipped', async (t) => {
  const dir = tmp(t);
  // Samples at 1h, 3h, 4h59m59s and 10h: ranges [0,2h) [2h,4h) [4h,6h) [10h,12h).
  const metas = backfillOpenMetrics(om(['a 1 3600', 'a 2 10800', 'a 3 17999', 'a 4 36000', 'b{x="y"} 5 10801']), dir);
  const blocks = await readBlocks(dir);
  assert.deepEqual(
    blocks.map((b) => [b.meta.minTime, b.meta.maxTime, b.meta.stats.numSamples, b.meta.stats.numSeries]),
    [
      [3600_000, 3600_001, 1, 1],
      [10800_000, 10801_001, 2, 2],
      [17999_000, 17999_001, 1, 1],
      [36000_000, 36000_001, 1, 1],
    ],
  );
  assert.deepEqual(metas.map((m) => m.minTime), [3600_000, 10800_000, 17999_000, 36000_000]);
  assert.deepEqual(blocks[1]!.series.get('{__name__="b", x="y"}'), [[10801_000, 5]]);
  assert.equal(blocks[0]!.meta.compaction.level, 1);
});

test('--max-block-duration widens ranges to the largest compatible one', async (t) => {
  const dir = tmp(t);
  backfillOpenMetrics(om(['a 1 0', 'a 2 36000', 'a 3 72000']), dir, { maxBlockDurationMs: 24 * H });
  const blocks = await readBlocks(dir);
  // 18h ranges: [0,18h) holds 0 and 10h; [18h,36h) holds 20h.
  assert.deepEqual(blocks.map((b) => b.meta.stats.numSamples), [2, 1]);
});

test('the range start is rounded toward zero, so samples before 0 in the first range are lost, as promtool', async (t) => {
  const dir = tmp(t);
  backfillOpenMetrics(om(['a 1 -1.5', 'a 2 0.0005']), dir);
  const blocks = await readBlocks(dir);
  assert.equal(blocks.length, 1);
  assert.deepEqual(blocks[0]!.series.get('{__name__="a"}'), [[0, 2]]);
});

test('timestamps are truncated like Go: int64(seconds * 1000)', async (t) => {
  const dir = tmp(t);
  backfillOpenMetrics(om(['a 1 1.001', 'a 2 2.0049', 'a 3 3.0051', 'a 4 4.35', 'a 5 5e0', 'a 6 6.9999999']), dir);
  const [b] = await readBlocks(dir);
  assert.deepEqual(b!.series.get('{__name__="a"}')!.map((r) => r[0]), [1000, 2004, 3005, 4350, 5000, 6999]);
});

test('OmTimestampReader re-reads the token after the value, with or without an exemplar', () => {
  const body = Buffer.from('a{b="c d"} 1 1.001 # {x="y"} 1 2\nzz 2 -0.5\n');
  const r = new OmTimestampReader(body);
  r.advance(1);
  assert.equal(r.read('a{b="c d"}', 1001), 1000);
  assert.equal(r.lineLength(), 32);
  r.advance(2);
  assert.equal(r.read('zz', -500), -500);
  assert.equal(r.read('zz', undefined), undefined);
  assert.equal(r.offset(), body.length);
});

test('samples out of order or duplicated within one 5000-sample commit are dropped silently', async (t) => {
  const dir = tmp(t);
  // `a{b=""}` and `a` are two metrics to OpenMetrics but one series: its samples go back in time.
  backfillOpenMetrics(om(['a{b=""} 1 2', 'a{b=""} 5 2', 'a 2 1', 'a 4 3', 'a 4 3']), dir);
  const [b] = await readBlocks(dir);
  assert.deepEqual(b!.series.get('{__name__="a"}'), [[2000, 1], [3000, 4]]);
});

test('input is OpenMetrics 1.0: decreasing timestamps within a metric are a parse error (promtool 2.42 let them through)', (t) => {
  const dir = tmp(t);
  assert.throws(() => backfillOpenMetrics(om(['a 1 2', 'a 2 1']), dir, { source: 'f' }), /^BackfillError: getting min and max timestamp: next: f:2:5: timestamp is older than the previous sample of the same metric$/);
});

test('a sample older than a committed one fails the backfill; blocks already written are removed', (t) => {
  const dir = tmp(t);
  const lines = ['early 1 1'];
  for (let i = 0; i < 5000; i++) lines.push(`a{b=""} ${i} ${8000 + i}`);
  lines.push('a 1 8001.5');
  const refusal = (err: unknown): boolean => err instanceof BackfillError && err.message === 'block creation: process blocks: add sample: out of order sample';
  // One pass per range (promtool's way): the first range's block is written, then removed.
  const written: string[] = [];
  assert.throws(() => backfillOpenMetrics(om(lines), dir, { maxBufferedSamples: 0, onBlock: (m) => written.push(m.ulid) }), refusal);
  assert.equal(written.length, 1, 'the first range was written before the failure');
  assert.deepEqual(readdirSync(dir), []);
  // Ranges built in the first pass: the refusal is known before anything is written.
  assert.throws(() => backfillOpenMetrics(om(lines), dir, { onBlock: () => assert.fail('no block expected') }), refusal);
  assert.deepEqual(readdirSync(dir), []);
});

test('building ranges in the first pass, in per-range passes, or falling back midway gives identical blocks', async (t) => {
  const lines: string[] = [];
  // Several ranges, a series in more than one, in-batch drops, a negative start (lost range).
  lines.push('neg 1 -3600.5', 'neg 2 -10');
  for (let k = 0; k < 7; k++) for (let i = 0; i < 430; i++) lines.push(`s{i="${k}"} ${i % 13} ${i * 53 + k + (i % 3) / 1000}`);
  lines.push('dup 1 50', 'dup 2 50', 'dup 3 60');
  const body = om(lines);
  const variants = [undefined, 0, 100, 5000];
  const files: string[][] = [];
  for (const maxBufferedSamples of variants) {
    const dir = tmp(t);
    const metas = backfillOpenMetrics(body, dir, maxBufferedSamples === undefined ? {} : { maxBufferedSamples, maxSamplesInAppender: 50 });
    const blocks = await readBlocks(dir);
    files.push([JSON.stringify(metas.map((m) => [m.minTime, m.maxTime, m.stats])), JSON.stringify(blocks.map((b) => [...b.series]))]);
  }
  for (let i = 1; i < files.length; i++) assert.deepEqual(files[i], files[1], `variant ${variants[i]}`);
  // The default batch (5000) differs from 50 only in which in-batch samples are dropped; here none differ.
  assert.deepEqual(files[0], files[1]);
  const parsed = JSON.parse(files[1]![0]!) as [number, number][];
  assert.equal(parsed.length, 4);
  assert.equal(parsed[0]![0], 0, 'the range [-2h, 0) is lost: Go rounds the start -1h toward zero');
});

test('with refusals in two ranges, the refusal of the lowest range is reported either way', (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) lines.push(`late{b=""} ${i} ${20000 + i}`);
  lines.push('late 1 20000.5');
  for (let i = 0; i < 6; i++) lines.push(`early{b=""} ${i} ${10 + i}`);
  lines.push('early 9 15');
  for (const maxBufferedSamples of [0, 1000]) {
    assert.throws(
      () => backfillOpenMetrics(om(lines), tmp(t), { maxBufferedSamples, maxSamplesInAppender: 3 }),
      /^BackfillError: block creation: process blocks: add sample: duplicate sample for timestamp$/,
      String(maxBufferedSamples),
    );
  }
});

test('the same timestamp with another value than the committed one fails: duplicate sample for timestamp', (t) => {
  const dir = tmp(t);
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) lines.push(`a ${i} ${i}`);
  const same = [...lines, 'a 4999 4999'];
  backfillOpenMetrics(om(same), dir);
  assert.throws(() => backfillOpenMetrics(om([...lines, 'a 7 4999']), dir), /^BackfillError: block creation: process blocks: add sample: duplicate sample for timestamp$/);
});

test('label sets are series identity: empty values dropped, label order irrelevant', async (t) => {
  const dir = tmp(t);
  backfillOpenMetrics(om(['a{b=""} 1 1', 'a 2 2', 'a{y="1",x="2"} 3 3', 'a{x="2",y="1"} 4 4']), dir);
  const [b] = await readBlocks(dir);
  assert.deepEqual([...b!.series.keys()], ['{__name__="a"}', '{__name__="a", x="2", y="1"}']);
  assert.equal(b!.meta.stats.numSeries, 2);
  assert.equal(b!.meta.stats.numSamples, 4);
});

test('a NaN value is stored with Go NaN bits (0x7ff8000000000001)', async (t) => {
  const dir = tmp(t);
  backfillOpenMetrics(om(['a NaN 1', 'a 1 2']), dir);
  const name = readdirSync(dir)[0]!;
  const b = Block.open(join(dir, name));
  t.after(() => void b.close());
  const p = b.index.allPostings();
  assert.ok(p.next());
  const chunk = b.chunks.chunk(b.index.series(p.at()).chunks[0]!.ref);
  const it = chunk.iterator();
  assert.equal(it.next(), ValueType.Float);
  const f = new Float64Array([it.at()]);
  const u = new Uint32Array(f.buffer);
  assert.deepEqual([u[1], u[0]], [0x7ff80000, 1]);
});

test('chunks are cut like Prometheus 2.42: about 120 samples, no 240-sample cap', async (t) => {
  const dir = tmp(t);
  const lines: string[] = [];
  // 130 samples at 15 s from a 4h boundary: the end is predicted at 30 min, so 120 + 10.
  for (let i = 0; i < 130; i++) lines.push(`steady ${i} ${14400 + i * 15}`);
  // 30 samples at 15 s (predicting a 30 min chunk), then 600 samples 1 ms apart: one chunk.
  for (let i = 0; i < 30; i++) lines.push(`burst ${i} ${14400 + i * 15}`);
  for (let i = 0; i < 600; i++) lines.push(`burst ${i} ${(14400 + 29 * 15) + (i + 1) / 1000}`);
  backfillOpenMetrics(om(lines.sort((a, b) => (a.split(' ')[0]! < b.split(' ')[0]! ? -1 : 1))), dir);
  const name = readdirSync(dir)[0]!;
  const b = Block.open(join(dir, name));
  t.after(() => void b.close());
  const counts = new Map<string, number[]>();
  const p = b.index.allPostings();
  while (p.next()) {
    const s = b.index.series(p.at());
    counts.set(s.labels.get('__name__'), s.chunks.map((c) => b.chunks.chunk(c.ref).numSamples()));
  }
  assert.deepEqual(counts.get('steady'), [120, 10]);
  assert.deepEqual(counts.get('burst'), [630]);
});

test('malformed input fails with file:line:col before anything is written', (t) => {
  const dir = tmp(t);
  assert.throws(
    () => backfillOpenMetrics(Buffer.from('a 1 1\na{b="c"} x 1\n# EOF\n'), dir, { source: 'in.om' }),
    (err: unknown) => err instanceof BackfillError && /^getting min and max timestamp: next: in\.om:2:\d+: /.test(err.message),
  );
  assert.throws(() => backfillOpenMetrics(Buffer.from('a 1 1\n'), dir, { source: 'in.om' }), /^BackfillError: getting min and max timestamp: next: in\.om:2:1: /);
  assert.throws(
    () => backfillOpenMetrics(om(['a 1 1', 'b{c="d"} 2']), dir, { source: 'in.om' }),
    /^BackfillError: getting min and max timestamp: in\.om:2:11: expected timestamp for series \{__name__="b", c="d"\}, got none$/,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('an input without samples writes nothing', (t) => {
  const dir = tmp(t);
  assert.deepEqual(backfillOpenMetrics(Buffer.from('# TYPE a gauge\n# EOF\n'), dir), []);
  assert.deepEqual(readdirSync(dir), []);
});
