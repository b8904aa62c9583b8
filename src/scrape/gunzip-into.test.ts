import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { GunzipInto } from './gunzip-into.js';

test('GunzipInto: inflates into one reused buffer, grows once for a larger body, enforces the limit', () => {
  const g = new GunzipInto(1024);
  const small = 'm{a="b"} 1\n'.repeat(50); // 550 B
  const a = g.gunzip(gzipSync(small), 0);
  assert.equal(a.toString(), small);
  const b = g.gunzip(gzipSync(small), 0);
  assert.equal(b.buffer, a.buffer, 'same output buffer');
  const big = 'x'.repeat(100_000);
  assert.equal(g.gunzip(gzipSync(big), 0).toString(), big); // outgrew 1 KiB: zlib's own buffers this time
  const c = g.gunzip(gzipSync(big), 0);
  const d = g.gunzip(gzipSync(big.slice(1)), 0);
  assert.equal(c.buffer, d.buffer, 'grown buffer reused');
  assert.equal(d.length, 99_999);
  assert.throws(() => g.gunzip(gzipSync(big), 50_000), { code: 'ERR_BUFFER_TOO_LARGE' });
  assert.equal(g.gunzip(gzipSync(big), 100_001).length, 100_000);
  assert.throws(() => g.gunzip(Buffer.from('not gzip'), 0), { message: 'incorrect header check' });
  assert.equal(g.gunzip(Buffer.concat([gzipSync('a'), gzipSync('b')]), 0).toString(), 'ab', 'concatenated members');
});
