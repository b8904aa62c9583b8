import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runIgnisInProcess } from '../../../test/e2e/run-ignis.js';
import { backfillOpenMetrics } from './tsdb-backfill.js';
import { tempDir } from './tsdb-testing.js';

function fixture(t: { after(fn: () => void): void }): { dir: string; ulid: string } {
  const dir = tempDir(t, 'ignis-analyze-');
  const [meta] = backfillOpenMetrics(
    Buffer.from(['up{instance="1",job="a"} 1 0', 'up{instance="1",job="a"} 1 3600', 'up{instance="2",job="a"} 1 1800', 'up{instance="2",job="a"} 1 3600', 'x{job="b"} 5 3600', '# EOF', ''].join('\n')),
    dir,
  );
  return { dir, ulid: meta!.ulid };
}

const BODY = `Duration: 1h0m0.001s
Series: 3
Label names: 3
Postings (unique label pairs): 6
Postings entries (total label pairs): 8

Label pairs most involved in churning:
1 __name__=x
1 job=b
0 __name__=up
0 instance=1
0 instance=2
0 job=a

Label names most involved in churning:
1 __name__
1 job
0 instance

Most common label pairs:
2 __name__=up
2 job=a
1 __name__=x
1 instance=1
1 instance=2
1 job=b

Label names with highest cumulative label value length:
3 __name__
2 instance
2 job

Highest cardinality labels:
2 __name__
2 instance
2 job

Highest cardinality metric names:
2 up
1 x
`;

test('analyze prints promtool 2.42 sections for the newest block', async (t) => {
  const { dir, ulid } = fixture(t);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'analyze', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Block ID: ${ulid}\n${BODY}`);
  const byId = await runIgnisInProcess(['tool', 'tsdb', 'analyze', dir, ulid]);
  assert.equal(byId.stdout, r.stdout);
});

test('analyze --limit cuts every list; --extended adds the chunk fullness histogram', async (t) => {
  const { dir } = fixture(t);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'analyze', '--limit=1', '--extended', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nMost common label pairs:\n2 __name__=up\n\n/);
  assert.match(r.stdout, /\nHighest cardinality metric names:\n2 up\n\nCompaction analysis:\nFullness: Amount of samples in chunks \(100% is 120 samples\)\n {5}10%: #{100}\n {5}20%: \n/);
  assert.ok(r.stdout.endsWith('    100%: \n'));
});

test('analyze --match restricts the analysis to the selected series (Prometheus 3)', async (t) => {
  const { dir } = fixture(t);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'analyze', '--match=up{instance="2"}', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nSeries: 3\nMatcher: up\{instance="2"\}\nLabel names: 3\nMatched series: 1\nPostings \(unique label pairs\): 3\nPostings entries \(total label pairs\): 3\n/);
  assert.match(r.stdout, /\nHighest cardinality metric names:\n1 up\n$/);
  const bad = await runIgnisInProcess(['tool', 'tsdb', 'analyze', '--match=up{', dir]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /parse error/);
});

test('analyze of an unknown block or an empty directory fails like promtool', async (t) => {
  const { dir } = fixture(t);
  const r = await runIgnisInProcess(['tool', 'tsdb', 'analyze', dir, '01ARZ3NDEKTSV4RRFFQ69G5FAV']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'block 01ARZ3NDEKTSV4RRFFQ69G5FAV not found\n');
  const empty = tempDir(t, 'ignis-analyze-empty-');
  const e = await runIgnisInProcess(['tool', 'tsdb', 'analyze', empty]);
  assert.equal(e.code, 1);
  assert.equal(e.stderr, 'block  not found\n');
});
