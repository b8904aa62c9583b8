/**
 * Rule files generated at random (keys, scalar kinds, tags, nulls, repeated keys, bad
 * names, templates) and compared with the real promtool 2.42: same errors, same texts, same
 * positions. Oracle: the real binary. Files where the difference is known and deliberate are
 * skipped and counted: YAML syntax errors (another YAML library) and durations used as numbers
 * (`expr: 5m`, valid in Prometheus 3's PromQL, which our parser implements).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, skipWithoutBinary } from '../../test/support/peers.js';
import { parseRuleFile } from './index.js';

const SCALARS = ['x', '"x"', "'x'", '1', '1.5', 'true', '~', 'null', '', '[]', '{}', '[a]', '{a: b}', '5m', '-1m', '0', '1e3', '0x10', '"5m"', 'up', 'rate(x[5m])', 'a-b', '"a{b}"', '__name__', '"{{ $x }}"', '"{{ $labels.a }}"', '99999999999999999999', '.inf', '!!str 1', '!!int 3'];
const RULE_KEYS = ['record', 'alert', 'expr', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations', 'bogus'];
const GROUP_KEYS = ['interval', 'limit', 'query_offset'];
const LABEL_NAMES = ['a', 'b', 'a-b', '__name__', '"x y"', 'a'];

/** One generated rule file, from a deterministic LCG (high bits) seeded by `seed`. */
function generate(seed: number): string {
  let s = seed;
  const rnd = (n: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return (s >>> 16) % n;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;
  const value = (key: string, indent: string): string => {
    if ((key === 'labels' || key === 'annotations') && rnd(3) > 0) {
      let m = '';
      for (let i = rnd(3); i > 0; i--) m += `\n${indent}  ${pick(LABEL_NAMES)}: ${pick(SCALARS)}`;
      return m || ' {}';
    }
    return ` ${pick(SCALARS)}`;
  };
  let out = rnd(10) > 0 ? 'groups:\n' : pick(['groups: x\n', 'other: 1\ngroups:\n', '']);
  for (let g = rnd(4); g > 0; g--) {
    out += `  - name: ${pick(['a', 'b', 'a', '""', '[x]'])}\n`;
    if (rnd(3) === 0) {
      const k = pick(GROUP_KEYS);
      out += `    ${k}:${value(k, '    ')}\n`;
    }
    out += '    rules:\n';
    for (let r = rnd(3); r > 0; r--) {
      const keys = 1 + rnd(4);
      for (let i = 0; i < keys; i++) {
        const k = pick(RULE_KEYS);
        out += `${i === 0 ? '      - ' : '        '}${k}:${value(k, '        ')}\n`;
      }
    }
  }
  return out;
}

test('generated rule files: same errors as promtool 2.42, legacy names (oracle: the real binary)', { skip: skipWithoutBinary('promtool') }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-rulefmt-'));
  const file = join(dir, 'rules.yml');
  let same = 0;
  let withErrors = 0;
  let skipped = 0;
  const mismatches: string[] = [];
  try {
    for (let seed = 1; seed <= 60; seed++) {
      const text = generate(seed);
      writeFileSync(file, text);
      const p = spawnSync(findBinary('promtool')!, ['check', 'rules', file], { encoding: 'utf8', timeout: 20_000 });
      const body = p.stderr.replace(/^ {2}FAILED:\n/, '').replace(/\n+$/, '');
      if (body.startsWith('lint error ') || /yaml: (?:line \d+: )?(?:did not find|could not find|found|mapping values)|unexpected duration/.test(body)) {
        skipped++;
        continue;
      }
      const go = body === '' ? [] : body.split(new RegExp(`\\n(?=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: )`)).sort();
      const ours = parseRuleFile(file, { nameValidation: 'legacy' }).errors.map((e) => e.message).sort();
      if (go.length > 0) withErrors++;
      if (JSON.stringify(ours) === JSON.stringify(go)) same++;
      else mismatches.push(`seed ${seed}:\n${text}\n ours ${JSON.stringify(ours)}\n go ${JSON.stringify(go)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`generated rule files vs promtool 2.42: ${same} identical (${withErrors} with errors), ${mismatches.length} mismatches, ${skipped} skipped (YAML syntax, durations as numbers, lint)`);
  assert.ok(withErrors > 20, 'the generator produces invalid files');
  assert.deepEqual(mismatches, []);
});
