import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { conformancePath } from '../../../test/support/paths.js';
import { runIgnisInProcess } from '../../../test/e2e/run-ignis.js';
import { backfillOpenMetrics } from './tsdb-backfill.js';
import { assertMissingDataDirFails, tempDir, treeSnapshot, writeWal } from './tsdb-testing.js';

const tmp = (t: { after(fn: () => void): void }): string => tempDir(t, 'ignis-dump-');
const snapshot = treeSnapshot;

test('conformance: backfilling dump-openmetrics-roundtrip-test.prom and dumping it with dump-openmetrics gives the same bytes', async (t) => {
  const file = conformancePath('exposition/promtool/dump-openmetrics-roundtrip-test.prom');
  if (!file) return t.skip('conformance data absent');
  const d = tmp(t);
  const c = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', '-q', file, d]);
  assert.equal(c.code, 0, c.stderr);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump-openmetrics', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(file, 'utf8'));
});

test('dump prints {labels} %g ms per sample in label order, values as Go prints them', async (t) => {
  const d = tmp(t);
  backfillOpenMetrics(
    Buffer.from(['b{x="q\\"\\\\\\n"} -0 1', 'b{x="q\\"\\\\\\n"} 1000000 2', 'a{z="é"} +Inf 1', 'a{z="é"} -Inf 2', 'a{z="é"} NaN 3', 'a{z="é"} 1.5e-05 4', 'a{z="é"} 123456.5 5', '# EOF', ''].join('\n')),
    d,
  );
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      '{__name__="a", z="é"} +Inf 1000',
      '{__name__="a", z="é"} -Inf 2000',
      '{__name__="a", z="é"} NaN 3000',
      '{__name__="a", z="é"} 1.5e-05 4000',
      '{__name__="a", z="é"} 123456.5 5000',
      '{__name__="b", x="q\\"\\\\\\n"} -0 1000',
      '{__name__="b", x="q\\"\\\\\\n"} 1e+06 2000',
      '',
    ].join('\n'),
  );
  const om = await runIgnisInProcess(['tool', 'tsdb', 'dump-openmetrics', '--match=b', d]);
  assert.equal(om.stdout, 'b{x="q\\"\\\\\\n"} -0 1.000\nb{x="q\\"\\\\\\n"} 1e+06 2.000\n# EOF\n');
});

test('dump --min-time/--max-time bound samples (inclusive); repeated --match selects the union once', async (t) => {
  const d = tmp(t);
  backfillOpenMetrics(Buffer.from('a 1 1\na 2 2\na 3 3\nb 4 2\nc 5 2\n# EOF\n'), d);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--min-time=2000', '--max-time', '2000', d]);
  assert.equal(r.stdout, '{__name__="a"} 2 2000\n{__name__="b"} 4 2000\n{__name__="c"} 5 2000\n');
  const m = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--match', 'c', '--match={__name__=~"a|c"}', '--min-time=3000', d]);
  assert.equal(m.stdout, '{__name__="a"} 3 3000\n');
  const m2 = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--match', 'c', '--match={__name__=~"a|c"}', d]);
  assert.equal(m2.stdout, '{__name__="a"} 1 1000\n{__name__="a"} 2 2000\n{__name__="a"} 3 3000\n{__name__="c"} 5 2000\n');
  const bad = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--min-time=x', d]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /strconv.ParseInt: parsing "x": invalid syntax for flag --min-time/);
  const badMatch = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--match=a{', d]);
  assert.equal(badMatch.code, 2);
  assert.match(badMatch.stderr, /invalid --match "a\{"/);
});

test('dump merges blocks and the WAL head read-only: old WAL samples dropped, re-declared series reset, tombstones applied, nothing written', async (t) => {
  const d = tmp(t);
  // A block ending at 10001 ms.
  backfillOpenMetrics(Buffer.from('a 1 5\na 2 10\n# EOF\n'), d);
  const a = Labels.fromStrings('__name__', 'a');
  const b = Labels.fromStrings('__name__', 'b', 'k', 'v');
  const c = Labels.fromStrings('__name__', 'c');
  await writeWal(d, [
    { series: [[1, a], [2, b], [4, c]] },
    { samples: [[4, 11000, 1], [4, 12000, 2], [4, 13000, 3]] },
    // 9000 is before the block's end: dropped. 10000 in the WAL duplicates the block's sample.
    { samples: [[1, 9000, 7], [1, 10000, 2], [1, 11000, 3], [2, 11000, 10]] },
    // Out of order and unknown references are ignored.
    { samples: [[1, 10500, 99], [7, 12000, 1], [1, 12000, 4], [2, 12000, 11], [2, 13000, 12]] },
    // The same labels again under another reference: one series, and (as upstream, which
    // assumes the earlier samples were compacted) the samples replayed so far are discarded.
    { series: [[3, b]] },
    { samples: [[3, 14000, 13]] },
    // Deletion through the first reference applies; through an alias it is ignored (as upstream).
    { tombstones: [[4, 12000, 12000], [3, 14000, 14000]] },
  ]);
  const before = snapshot(d);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(
    r.stdout,
    [
      '{__name__="a"} 1 5000',
      '{__name__="a"} 2 10000',
      '{__name__="a"} 3 11000',
      '{__name__="a"} 4 12000',
      '{__name__="b", k="v"} 13 14000',
      '{__name__="c"} 1 11000',
      '{__name__="c"} 3 13000',
      '',
    ].join('\n'),
  );
  assert.deepEqual(snapshot(d), before, 'dump must not write into the data directory');
  // With --max-time before the block's end the WAL is not read at all (as promtool).
  const early = await runIgnisInProcess(['tool', 'tsdb', 'dump', '--max-time=10000', d]);
  assert.equal(early.stdout, '{__name__="a"} 1 5000\n{__name__="a"} 2 10000\n');
});

test('a damaged WAL tail: dump warns and prints everything before the damage', async (t) => {
  const d = tmp(t);
  const a = Labels.fromStrings('__name__', 'a');
  await writeWal(d, [{ series: [[1, a]] }, { samples: [[1, 1000, 1]] }]);
  await writeWal(d, [{ samples: [[1, 2000, 2]] }]);
  const segs = readdirSync(join(d, 'wal')).sort();
  appendFileSync(join(d, 'wal', segs[segs.length - 1]!), Buffer.from([0x01, 0x00, 0x10, 0xde, 0xad]));
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump', d]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{__name__="a"} 1 1000\n{__name__="a"} 2 2000\n');
  assert.match(r.stderr, /^warning: corruption in WAL segment \d+ at offset \d+ .*ignoring it and everything after it\n$/);
});

test('a directory without wal/ is dumped from its blocks; a missing directory fails', async (t) => {
  const d = tmp(t);
  backfillOpenMetrics(Buffer.from('a 1 1\n# EOF\n'), d);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump', d]);
  assert.equal(r.stdout, '{__name__="a"} 1 1000\n');
  await assertMissingDataDirFails('dump', d);
});

test('dump-openmetrics writes name{} for a series without other labels and leaves out staleness markers', async (t) => {
  const d = tmp(t);
  const up = Labels.fromStrings('__name__', 'up');
  const stale = new Float64Array(1);
  new Uint32Array(stale.buffer).set([2, 0x7ff00000]);
  await writeWal(d, [{ series: [[1, up]] }, { samples: [[1, 1500, 1], [1, 2500, stale[0]!], [1, 3500, 0.25]] }]);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'dump-openmetrics', d]);
  assert.equal(r.stdout, 'up{} 1 1.500\nup{} 0.25 3.500\n# EOF\n');
  const p = await runIgnisInProcess(['tool', 'tsdb', 'dump', d]);
  assert.equal(p.stdout, '{__name__="up"} 1 1500\n{__name__="up"} NaN 2500\n{__name__="up"} 0.25 3500\n');
});
