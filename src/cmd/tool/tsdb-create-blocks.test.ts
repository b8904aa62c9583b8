import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIgnisInProcess } from '../../../test/e2e/run-ignis.js';
import { tempDir } from './tsdb-testing.js';

const tmp = (t: { after(fn: () => void): void }): string => tempDir(t, 'ignis-create-blocks-');

const ROW = /^[0-9A-HJKMNP-TV-Z]{26} {2}\S/;

test('create-blocks-from openmetrics prints each block as a list row, the first with the header', async (t) => {
  const d = tmp(t);
  const file = join(d, 'in.om');
  writeFileSync(file, 'a 1 1\na 2 7201\n# EOF\n');
  const out = join(d, 'out');
  const r = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', file, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], 'BLOCK ULID                  MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE');
  // Each row is its own tabwriter table: short cells get the 13-wide minimum.
  assert.match(lines[1]!, /^[0-9A-Z]{26} {2}1000 {9}1001 {9}1ms {10}1 {12}1 {12}1 {12}\d+$/);
  assert.match(lines[2]!, ROW);
  assert.equal(readdirSync(out).length, 2);
});

test('flags work before or after the openmetrics verb; -q prints nothing; -r prints dates and sizes', async (t) => {
  const d = tmp(t);
  const file = join(d, 'in.om');
  writeFileSync(file, 'a 1 1700210681.366\n# EOF\n');
  const q = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', '-q', 'openmetrics', file, join(d, 'q')]);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stdout, '');
  assert.equal(readdirSync(join(d, 'q')).length, 1);
  const h = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', '--human-readable', file, join(d, 'h')]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout.split('\n')[1]!, /^[0-9A-Z]{26} {2}2023-11-17 08:44:41 \+0000 UTC {2}2023-11-17 08:44:41 \+0000 UTC {2}1ms {10}1 {12}1 {12}1 {12}\d+B$/);
  const m = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', '--max-block-duration=24h', 'openmetrics', '-q', file, join(d, 'm')]);
  assert.equal(m.code, 0, m.stderr);
});

test('the output directory defaults to data and is created', async (t) => {
  const d = tmp(t);
  const file = join(d, 'in.om');
  writeFileSync(file, 'a 1 1\n# EOF\n');
  const cwd = process.cwd();
  process.chdir(d);
  t.after(() => process.chdir(cwd));
  const r = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', '-q', 'in.om']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readdirSync(join(d, 'data')).length, 1);
});

test('a malformed file gives a line:col error, exit 1, and leaves no block and no new directory', async (t) => {
  const d = tmp(t);
  const file = join(d, 'bad.om');
  writeFileSync(file, 'a 1 1\na 2 2\nb{c="d" 3 3\n# EOF\n');
  const out = join(d, 'new', 'out');
  const r = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', file, out]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^getting min and max timestamp: next: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: .+\\n$`));
  assert.equal(existsSync(join(d, 'new')), false);

  // An existing output directory stays, untouched.
  const kept = join(d, 'kept');
  mkdirSync(kept);
  writeFileSync(join(kept, 'other'), 'x');
  const r2 = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', file, kept]);
  assert.equal(r2.code, 1);
  assert.deepEqual(readdirSync(kept), ['other']);
});

test('a sample upstream refuses: exit 1 with promtool\'s message, and nothing is left behind', async (t) => {
  const d = tmp(t);
  const file = join(d, 'ooo.om');
  const lines = ['early 1 1'];
  for (let i = 0; i < 5000; i++) lines.push(`a{b=""} ${i} ${8000 + i}`);
  lines.push('a 1 8000');
  writeFileSync(file, lines.join('\n') + '\n# EOF\n');
  const out = join(d, 'out');
  const r = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', file, out]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'block creation: process blocks: add sample: out of order sample\n');
  assert.equal(existsSync(out), false);
});

test('usage errors: missing file argument, missing verb, bad duration, unreadable file', async (t) => {
  const d = tmp(t);
  const a = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /required argument 'input file' not provided/);
  const b = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /expected command but got none/);
  const c = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=5', 'x']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /time: missing unit in duration "5" for flag --max-block-duration/);
  const missing = join(d, 'nope.om');
  const e = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', missing, join(d, 'o')]);
  assert.equal(e.code, 1);
  assert.equal(e.stderr, `try lock file: open ${missing}: no such file or directory\n`);
  assert.equal(existsSync(join(d, 'o')), false);
  const dirInput = await runIgnisInProcess(['tool', 'tsdb', 'create-blocks-from', 'openmetrics', d, join(d, 'o')]);
  assert.equal(dirInput.code, 1);
  assert.equal(dirInput.stderr, `mmap, size ${statSync(d).size}: no such device\n`);
});
