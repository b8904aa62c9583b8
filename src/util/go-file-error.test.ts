import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goFileError } from './go-file-error.js';

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('did not throw');
}

test('goFileError: Go PathError texts for real Node errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'go-file-error-'));
  try {
    const missing = join(dir, 'missing.yml');
    assert.equal(goFileError(thrown(() => readFileSync(missing)), 'open', missing), `open ${missing}: no such file or directory`);
    assert.equal(goFileError(thrown(() => statSync(missing)), 'stat', missing), `stat ${missing}: no such file or directory`);
    assert.equal(goFileError(thrown(() => readFileSync(dir)), 'open', dir), `read ${dir}: is a directory`);
    const file = join(dir, 'f');
    writeFileSync(file, 'x');
    const under = join(file, 'g');
    assert.equal(goFileError(thrown(() => readFileSync(under)), 'open', under), `open ${under}: not a directory`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('goFileError: table codes, other codes keep the errno text, code-less errors their message', () => {
  const sys = (code: string, text: string) => Object.assign(new Error(`${code}: ${text}, open 'p'`), { code });
  assert.equal(goFileError(sys('EACCES', 'permission denied'), 'open', 'p'), 'open p: permission denied');
  assert.equal(goFileError(sys('ELOOP', 'too many symbolic links encountered'), 'open', 'p'), 'open p: too many levels of symbolic links');
  assert.equal(goFileError(sys('EIO', 'i/o error'), 'open', 'p'), 'open p: i/o error');
  assert.equal(goFileError(new Error('boom'), 'open', 'p'), 'open p: boom');
  assert.equal(goFileError('odd', 'stat', 'p'), 'stat p: odd');
  assert.equal(goFileError(null, 'open', 'p'), 'open p: null');
});
