import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xxhash64 } from './xxhash64.js';

test('XXH64 matches the published test vectors (short, 4/8-byte tails, multi-stripe)', () => {
  const h = (s: string) => xxhash64(Buffer.from(s)).toString(16).padStart(16, '0');
  assert.equal(h(''), 'ef46db3751d8e999');
  assert.equal(h('a'), 'd24ec4f1a98c6e5b');
  assert.equal(h('abc'), '44bc2cf5ad770999');
  assert.equal(h('Nobody inspects the spammish repetition'), 'fbcea83c8a378bf1');
});
