/**
 * `ignis tool check config`. Oracles: the promtool fixtures' expected-results.yml (shared
 * corpus, Prometheus 3.x HEAD), the real promtool 2.42 on our own testdata (same output for
 * the files 2.42 understands), and promtool's documented output format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYAML } from 'yaml';
import { conformancePath, repoRoot } from '../../../test/support/paths.js';
import { findBinary, skipWithoutBinary } from '../../../test/support/peers.js';
import { parseTargetGroups } from '../../config/index.js';
import type { CommandIO } from '../command.js';
import { parseFlags, UsageError } from '../flags.js';
import { checkConfigCommand } from './check-config.js';

const ownDir = join(repoRoot, 'src', 'config', 'testdata');
const fixtures = conformancePath('config/promtool');

/** Runs `check config` in-process with `argv`; returns exit code and output. */
async function check(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stdin: async () => Buffer.alloc(0) };
  const code = await checkConfigCommand.run(parseFlags(checkConfigCommand.spec, argv), io);
  return { code, stdout, stderr };
}

test('success and failure output, promtool style', async () => {
  const good = join(ownDir, 'minimal.good.yml');
  assert.deepEqual(await check([good]), { code: 0, stdout: `Checking ${good}\n SUCCESS: ${good} is valid prometheus config file syntax\n\n`, stderr: '' });
  const bad = join(ownDir, 'empty-job-name.bad.yml');
  assert.deepEqual(await check(['--syntax-only', bad]), {
    code: 1,
    stdout: `Checking ${bad}\n\n`,
    stderr: `  FAILED: ${bad}:2:15: scrape_configs[0].job_name: parsing YAML file ${bad}: job_name is empty\n`,
  });
  const both = await check(['--syntax-only', good, bad]);
  assert.equal(both.code, 1, 'one failing file fails the run');
  assert.equal(both.stdout, `Checking ${good}\n SUCCESS: ${good} is valid prometheus config file syntax\n\nChecking ${bad}\n\n`);
  const missing = join(ownDir, 'does-not-exist.yml');
  assert.deepEqual(await check([missing]), { code: 1, stdout: `Checking ${missing}\n\n`, stderr: `  FAILED: open ${missing}: no such file or directory\n` });
  await assert.rejects(check([]), UsageError);
  await assert.rejects(check(['--query.lookback-delta=5x', good]), /invalid value for flag --query.lookback-delta/);
});

interface PromtoolExpected {
  check_config: { file: string; syntax_only?: boolean; exit_code?: number; exit_code_with_lint_fatal?: number; error?: string }[];
  too_long_scrape_interval: { file: string; lint: string; cases: { lookback_delta: string; exit_code: number; exit_code_with_lint_fatal: number }[] };
  sd_files: { file: string; ok?: boolean; error?: string }[];
}

test('promtool fixtures (oracle: config/promtool/expected-results.yml)', { skip: fixtures ? false : 'conformance data absent' }, async (t) => {
  const dir = fixtures!;
  const exp = parseYAML(readFileSync(join(dir, 'expected-results.yml'), 'utf8')) as PromtoolExpected;
  let passed = 0;
  for (const c of exp.check_config) {
    const path = join(dir, c.file);
    const argv = [...(c.syntax_only ? ['--syntax-only'] : []), path];
    await t.test(`${c.file}${c.syntax_only ? ' --syntax-only' : ''}`, async () => {
      const r = await check(argv);
      if (c.error !== undefined) {
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stderr, `  FAILED: ${c.error.replaceAll('testdata/', `${dir}/`)}\n`);
      } else assert.equal(r.code, c.exit_code, r.stderr);
      passed++;
    });
    if (c.exit_code_with_lint_fatal !== undefined) {
      await t.test(`${c.file} --lint-fatal`, async () => {
        const r = await check(['--lint-fatal', path]);
        assert.equal(r.code, c.exit_code_with_lint_fatal, r.stderr);
        passed++;
      });
    }
  }
  const tl = exp.too_long_scrape_interval;
  for (const c of tl.cases) {
    await t.test(`${tl.file} --lint=${tl.lint} --query.lookback-delta=${c.lookback_delta}`, async () => {
      const base = [`--lint=${tl.lint}`, `--query.lookback-delta=${c.lookback_delta}`, join(dir, tl.file)];
      const plain = await check(base);
      assert.equal(plain.code, c.exit_code, plain.stderr);
      const fatal = await check(['--lint-fatal', ...base]);
      assert.equal(fatal.code, c.exit_code_with_lint_fatal, fatal.stderr);
      if (c.exit_code_with_lint_fatal === 3) assert.match(fatal.stderr, /FAILED: too long scrape interval found, data point will be marked as stale - job: too_long_scrape_interval_test, interval: 10m/);
      passed++;
    });
  }
  await t.test(`${tl.file}: --syntax-only and --lint=none switch the lint off`, async () => {
    for (const flags of [['--syntax-only'], ['--lint=none,too-long-scrape-interval']]) {
      const r = await check(['--lint-fatal', '--query.lookback-delta=5m', ...flags, join(dir, tl.file)]);
      assert.equal(r.code, 0, `${flags}: ${r.stderr}`);
    }
    passed++;
  });
  for (const s of exp.sd_files) {
    await t.test(`file SD target file ${s.file}`, () => {
      const run = () => parseTargetGroups(readFileSync(join(dir, s.file), 'utf8'), s.file);
      if (s.ok) assert.ok(run().length > 0);
      else {
        const want = s.error!.includes('targats') ? 'field targats not found in type struct { Targets []string' : s.error!;
        assert.throws(run, (e: unknown) => e instanceof Error && e.message.includes(want));
      }
      passed++;
    });
  }
  t.diagnostic(`promtool fixtures: ${passed} passed, 0 skipped`);
});

test('rule files are checked with the duplicate-rules lint, promtool style', { skip: fixtures ? false : 'conformance data absent' }, async () => {
  const cfg = join(fixtures!, 'prometheus-config.lint.yml');
  const rules = join(fixtures!, 'prometheus-rules.lint.yml');
  const lint = 'lint error 1 duplicate rule(s) found.\nMetric: HighRequestLatency\nLabel(s):\n\tseverity: page\nMight cause inconsistency while recording expressions';
  const stdout = `Checking ${cfg}\n  SUCCESS: 1 rule files found\n SUCCESS: ${cfg} is valid prometheus config file syntax\n\nChecking ${rules}\n\n`;
  assert.deepEqual(await check([cfg]), { code: 0, stdout, stderr: `  FAILED:\n     ${lint}\n` });
  assert.deepEqual(await check(['--lint-fatal', cfg]), { code: 3, stdout, stderr: `  FAILED:\n     ${lint}\n` });
  const none = await check(['--lint=none', '--lint-fatal', cfg]);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, `Checking ${cfg}\n  SUCCESS: 1 rule files found\n SUCCESS: ${cfg} is valid prometheus config file syntax\n\nChecking ${rules}\n  SUCCESS: 2 rules found\n\n`);
});

test('agent mode: --agent rejects rule files', { skip: conformancePath('config/agent_mode.with_rule_files.yml') ? false : 'conformance data absent' }, async () => {
  const path = conformancePath('config/agent_mode.with_rule_files.yml')!;
  const r = await check(['--agent', '--syntax-only', path]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `  FAILED: ${path}:1:1: rule_files: field rule_files is not allowed in agent mode\n`);
});

const run = promisify(execFile);

async function promtool(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(findBinary('promtool')!, args, { cwd, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('same stdout and exit code as promtool 2.42 on our own corpus (oracle: the real binary)', { skip: skipWithoutBinary('promtool') }, async (t) => {
  const exp = parseYAML(readFileSync(join(ownDir, 'expected.yml'), 'utf8')) as { good: { file: string; promtool: boolean }[]; bad: { file: string; promtool: boolean }[] };
  const files = [...exp.good, ...exp.bad].filter((c) => c.promtool).map((c) => c.file);
  const cwd = process.cwd();
  process.chdir(ownDir);
  const mismatches: string[] = [];
  try {
    for (const f of files) {
      const ours = await check(['--syntax-only', f]);
      const theirs = await promtool(['check', 'config', '--syntax-only', f], ownDir);
      if (ours.code !== theirs.code || ours.stdout !== theirs.stdout || (ours.code !== 0) !== theirs.stderr.startsWith('  FAILED: ')) {
        mismatches.push(`${f}: ours ${ours.code} ${JSON.stringify(ours.stdout)}; promtool ${theirs.code} ${JSON.stringify(theirs.stdout)} ${JSON.stringify(theirs.stderr)}`);
      }
    }
  } finally {
    process.chdir(cwd);
  }
  t.diagnostic(`check config vs promtool 2.42: ${files.length - mismatches.length}/${files.length} files with the same exit code and stdout`);
  assert.deepEqual(mismatches, []);
});

test('rule files: same stdout, stderr and exit code as promtool 2.42 (oracle: the real binary)', { skip: skipWithoutBinary('promtool') || (fixtures && conformancePath('rules/promtool') ? false : 'conformance data absent') }, async (t) => {
  const rulesDir = conformancePath('rules/promtool')!;
  const tmp = mkdtempSync(join(tmpdir(), 'ignis-check-config-'));
  try {
    // A glob over rule files with errors, lint findings and none, next to plain files.
    writeFileSync(join(tmp, 'glob.yml'), `rule_files:\n  - ${rulesDir}/rules*.yml\n  - ${rulesDir}/bad-rules-*.yml\n`);
    writeFileSync(join(tmp, 'good.yml'), `rule_files:\n  - ${rulesDir}/rules.yml\n  - ${rulesDir}/unittest-no-match-*.yml\n`);
    const calls = [
      [join(fixtures!, 'prometheus-config.lint.yml')],
      ['--lint-fatal', join(fixtures!, 'prometheus-config.lint.yml')],
      ['--lint-fatal', join(tmp, 'good.yml')],
      [join(tmp, 'glob.yml')],
      ['--lint=none', join(tmp, 'glob.yml'), join(tmp, 'good.yml')],
      ['--lint=bogus,duplicate-rules,', join(tmp, 'good.yml')],
    ];
    const mismatches: string[] = [];
    for (const args of calls) {
      const ours = await check(args);
      const theirs = await promtool(['check', 'config', ...args], tmp);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${args.join(' ')}:\n ours ${JSON.stringify(ours)}\n promtool ${JSON.stringify(theirs)}`);
    }
    t.diagnostic(`check config with rule files vs promtool 2.42: ${calls.length - mismatches.length}/${calls.length} calls identical`);
    assert.deepEqual(mismatches, []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('rule files: --enable-feature reaches the PromQL parser; the config names the validation scheme', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ignis-check-config-'));
  try {
    writeFileSync(join(tmp, 'rules.yml'), 'groups:\n  - name: g\n    rules:\n      - record: a-b\n        expr: sort_by_label(up, "instance")\n');
    writeFileSync(join(tmp, 'utf8.yml'), 'rule_files: [rules.yml]\n');
    writeFileSync(join(tmp, 'legacy.yml'), 'global:\n  metric_name_validation_scheme: legacy\nrule_files: [rules.yml]\n');
    const plain = await check([join(tmp, 'utf8.yml')]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^ {2}FAILED:\n {5}\S+rules\.yml: 5:15: group "g", rule 1, "a-b": could not parse expression: 1:1: parse error: /);
    const enabled = await check(['--enable-feature=promql-experimental-functions', join(tmp, 'utf8.yml')]);
    assert.deepEqual([enabled.code, enabled.stderr], [0, '']);
    assert.match(enabled.stdout, /\n {2}SUCCESS: 1 rules found\n\n$/);
    const legacy = await check(['--enable-feature=promql-experimental-functions', join(tmp, 'legacy.yml')]);
    assert.equal(legacy.code, 1);
    assert.match(legacy.stderr, /"a-b": invalid recording rule name: a-b\n$/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
