import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../test/support/paths.js';
import { IGNIS_NODE_FLAGS, ignisNodeArgs } from './node-flags.js';

test('the shebang of the compiled binary carries IGNIS_NODE_FLAGS', () => {
  const first = readFileSync(join(repoRoot, 'dist/src/cmd/ignis.js'), 'utf8').split('\n', 1)[0];
  assert.equal(first, `#!/usr/bin/env -S node ${IGNIS_NODE_FLAGS.join(' ')}`);
});

test('npm start carries IGNIS_NODE_FLAGS', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.start, `node ${IGNIS_NODE_FLAGS.join(' ')} dist/src/cmd/ignis.js stack`);
});

test('this node accepts the flags (an unknown V8 flag would make every spawned server fail)', () => {
  const main = join(repoRoot, 'dist/src/cmd/ignis.js');
  const r = spawnSync(process.execPath, ignisNodeArgs(main, '--version'), { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.includes('bad option'), false, r.stderr);
  assert.match(r.stdout, /ignis/i);
});
