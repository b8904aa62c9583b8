/**
 * `ignis tool check rules`. Oracles: the check_rules cases of
 * conformance/rules/promtool/expected-results.yml (Prometheus 3.x HEAD) and the real
 * promtool 2.42 (same stdout, stderr and exit code on the files and flags 2.42 understands).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { conformancePath } from '../../../test/support/paths.js';
import { findBinary, skipWithoutBinary } from '../../../test/support/peers.js';
import type { CommandIO } from '../command.js';
import { parseFlags, UsageError } from '../flags.js';
import { checkRulesCommand } from './check-rules.js';

const dir = conformancePath('rules/promtool');

/** Runs `check rules` in-process with `argv`; returns exit code and output. */
async function check(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stdin: async () => Buffer.alloc(0) };
  const code = await checkRulesCommand.run(parseFlags(checkRulesCommand.spec, argv), io);
  return { code, stdout, stderr };
}

interface Expected {
  check_rules: { file: string; flags?: string[]; exit_code: number; exit_code_with_lint_fatal?: number }[];
}

test('check_rules cases (oracle: conformance rules/promtool/expected-results.yml)', { skip: dir ? false : 'conformance data absent' }, async (t) => {
  const text = readFileSync(join(dir!, 'expected-results.yml'), 'utf8');
  const exp = parseYAML(text) as Expected;
  // An empty or misread case list must fail, not pass vacuously: the cases read are as many as
  // the `check_rules` section lists (counted on the text), and each names a file that exists.
  const section = /^check_rules:\n((?:[ #].*\n|\n)*)/m.exec(text)?.[1] ?? '';
  const listed = section.match(/^ {2}- file: /gm)?.length ?? 0;
  assert.ok(Array.isArray(exp.check_rules) && exp.check_rules.length > 0, 'no check_rules cases read');
  assert.equal(exp.check_rules.length, listed, 'check_rules cases read vs listed in expected-results.yml');
  for (const c of exp.check_rules) assert.ok(existsSync(join(dir!, c.file)), `${c.file} is in ${dir}`);
  let passed = 0;
  for (const c of exp.check_rules) {
    const argv = [...(c.flags ?? []), join(dir!, c.file)];
    await t.test(argv.join(' '), async () => {
      const r = await check(argv);
      assert.equal(r.code, c.exit_code, r.stderr);
      if (c.exit_code_with_lint_fatal !== undefined) assert.equal((await check(['--lint-fatal', ...argv])).code, c.exit_code_with_lint_fatal);
      passed++;
    });
  }
  await t.test('rules_extrafields.yml without --ignore-unknown-fields fails', async () => {
    const r = await check([join(dir!, 'rules_extrafields.yml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /field namespace not found in type rulefmt\.RuleGroup\n {2}line 21: field ownership not found/);
    passed++;
  });
  t.diagnostic(`check rules conformance: ${passed} passed, 0 skipped`);
  assert.equal(passed, exp.check_rules.length + 1, 'every case ran');
});

test('usage errors: no file, a file that does not exist, a directory', async () => {
  await assert.rejects(check(['/tmp/']), (e: unknown) => e instanceof UsageError && e.message === "'tmp' is a directory");
  await assert.rejects(check([]), (e: unknown) => e instanceof UsageError && e.message === "required argument 'rule-files' not provided");
  await assert.rejects(check(['/does/not/exist.yml']), (e: unknown) => e instanceof UsageError && e.message === "path '/does/not/exist.yml' does not exist");
});

test('--name-validation-scheme=legacy gives 2.42 name checks', { skip: dir ? false : 'conformance data absent' }, async () => {
  const utf8 = conformancePath('rules/rulefmt/utf-8_lname.good.yaml')!;
  assert.equal((await check([utf8])).code, 0);
  const legacy = await check(['--name-validation-scheme=legacy', utf8]);
  assert.equal(legacy.code, 1);
  assert.equal(legacy.stderr, `  FAILED:\n${utf8}: group "yolo", rule 1, "hola": invalid label name: ins-tance\n`);
});

function promtool(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const p = spawnSync(findBinary('promtool')!, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
}

test('same stdout, stderr and exit code as promtool 2.42 (oracle: the real binary)', { skip: skipWithoutBinary('promtool') || (dir ? false : 'conformance data absent') }, async (t) => {
  const calls = [
    ['rules.yml'],
    ['rules-bad.yml'],
    ['prometheus-rules.lint.yml'],
    ['--lint-fatal', 'prometheus-rules.lint.yml'],
    ['rules_duplicates.yml'],
    ['--lint-fatal', 'rules_duplicates.yml'],
    ['--lint=none', '--lint-fatal', 'rules_duplicates.yml'],
    ['--lint=all', '--lint-fatal', 'rules_duplicates.yml', 'rules.yml'],
    ['--lint=foo,duplicate-rules', 'rules.yml'],
    ['--enable-feature=bogus,promql-at-modifier', 'rules.yml'],
    ['rules_duplicates.yml', 'rules.yml', 'rules-bad.yml', 'prometheus-rules.lint.yml'],
    ['--lint-fatal', 'rules.yml', 'rules_duplicates.yml'],
    ['bad-rules-syntax.yml', 'bad-rules-error.yml'],
    ['rules_extrafields.yml'],
    ['unittest.yml'],
  ];
  const cwd = process.cwd();
  process.chdir(dir!);
  const mismatches: string[] = [];
  try {
    for (const args of calls) {
      const ours = await check(args);
      const theirs = promtool(['check', 'rules', ...args], dir!);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${args.join(' ')}:\n ours ${JSON.stringify(ours)}\n promtool ${JSON.stringify(theirs)}`);
    }
  } finally {
    process.chdir(cwd);
  }
  t.diagnostic(`check rules vs promtool 2.42: ${calls.length - mismatches.length}/${calls.length} calls with the same stdout, stderr and exit code`);
  assert.deepEqual(mismatches, []);
});
