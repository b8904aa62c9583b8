import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIgnisInProcess } from '../../../test/e2e/run-ignis.js';
import { backfillOpenMetrics } from './tsdb-backfill.js';
import { formatBlockTable } from './tsdb-list.js';
import { blockSize, scanBlocks } from './tsdb-open.js';
import { assertMissingDataDirFails, tempDir } from './tsdb-testing.js';

const tmp = (t: { after(fn: () => void): void }): string => tempDir(t, 'ignis-list-');

test('list prints every block sorted by min time in one table', async (t) => {
  const d = tmp(t);
  // Written out of time order: the later range first.
  backfillOpenMetrics(Buffer.from('a 1 90000\n# EOF\n'), d);
  const metas = [...backfillOpenMetrics(Buffer.from('a 1 1\na 2 5.5\n# EOF\n'), d)];
  mkdirSync(join(d, 'wal'));
  mkdirSync(join(d, 'not-a-block'));
  const r = await runIgnisInProcess(['tool', 'tsdb', 'list', d]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], 'BLOCK ULID                  MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE');
  const m = metas[0]!;
  assert.equal(lines[1], `${m.ulid}  1000         5501         4.501s       2            1            1            ${blockSize(join(d, m.ulid))}`);
  assert.match(lines[2]!, /^\S{26} {2}90000000 {5}90000001 {5}1ms {10}1 {12}1 {12}1 {12}\d+$/);
});

test('list -r prints UTC dates and base-2 sizes', async (t) => {
  const d = tmp(t);
  backfillOpenMetrics(Buffer.from('a 1 1700210681.366\na 2 1700211689.984\n# EOF\n'), d);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'list', '-r', d]);
  assert.equal(r.code, 0, r.stderr);
  const row = r.stdout.split('\n')[1]!;
  assert.match(row, /^\S{26} {2}2023-11-17 08:44:41 \+0000 UTC {2}2023-11-17 09:01:29 \+0000 UTC {2}16m48.619s {3}2 {12}1 {12}1 {12}\d+B$/);
});

test('formatBlockTable widens a column to its widest cell plus 2', () => {
  const meta = { ulid: '01M80MRDE05WSK7JHV9ZW8V6DQ', minTime: 0, maxTime: 7_185_001, stats: { numSamples: 480000, numChunks: 4000, numSeries: 1000 }, compaction: { level: 1 }, version: 1 };
  assert.equal(
    formatBlockTable([{ dir: '', meta, size: 1536 }], false, true),
    '01M80MRDE05WSK7JHV9ZW8V6DQ  1970-01-01 00:00:00 +0000 UTC  1970-01-01 01:59:45 +0000 UTC  1h59m45.001s  480000       4000         1000         1KiB512B\n',
  );
});

test('an empty directory lists the header only; a missing one fails like promtool', async (t) => {
  const d = tmp(t);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'list', d]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'BLOCK ULID   MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE\n');
  await assertMissingDataDirFails('list', d);
});

test('a block with a broken meta.json fails the listing, naming the file', async (t) => {
  const d = tmp(t);
  backfillOpenMetrics(Buffer.from('a 1 1\n# EOF\n'), d);
  const bad = join(d, '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  mkdirSync(bad);
  writeFileSync(join(bad, 'meta.json'), '{"version": 1');
  const r = await runIgnisInProcess(['tool', 'tsdb', 'list', d]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /01ARZ3NDEKTSV4RRFFQ69G5FAV\/meta\.json: corruption at offset \d+: invalid JSON/);
  assert.throws(() => scanBlocks(d), /meta\.json/);
});
