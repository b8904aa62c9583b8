import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELEASE_REPORT_BYTES, releaseReports, releasedUntracked, untrackedBuffer } from './untracked-memory.js';

test('untrackedBuffer: zeroed memory of the asked size, usable by typed arrays', () => {
  const f = new Float64Array(untrackedBuffer(64));
  assert.equal(f.length, 8);
  assert.ok(f.every((x) => x === 0));
  f[7] = 1.5;
  assert.equal(new Float64Array(f.buffer)[7], 1.5);
});

test('releasedUntracked: one report to V8 per RELEASE_REPORT_BYTES released, none for less', () => {
  const before = releaseReports();
  // Whatever earlier tests left below the threshold, a full step reports once and starts afresh.
  releasedUntracked(RELEASE_REPORT_BYTES);
  const first = releaseReports();
  assert.equal(first, before + 1);
  releasedUntracked(RELEASE_REPORT_BYTES / 2 - 1);
  releasedUntracked(RELEASE_REPORT_BYTES / 2 - 1);
  assert.equal(releaseReports(), first);
  releasedUntracked(2);
  assert.equal(releaseReports(), first + 1);
});
