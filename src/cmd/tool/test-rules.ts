/**
 * `ignis tool test rules [--run=<regex>...] [--ignore-unknown-fields] [--debug] [--junit=<file>] FILE...`
 * (`promtool test rules`): runs rule unit-test files (see test-rules-file.ts for the format,
 * test-rules-group.ts for how a group runs) and reports like promtool 2.42:
 *
 * - each file is announced on stdout as `Unit Testing:  <file>`;
 * - a passing file prints `  SUCCESS` and an empty line on stdout;
 * - a failing file prints `  FAILED:` and then each error on stderr, one empty stdout line per
 *   error, and a final empty stdout line.
 *
 * Exit code 0 when every file passed, 1 otherwise. The `@` modifier and negative offsets are
 * always on; `--enable-feature` turns on the other PromQL parser features.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { goGlob } from '../../config/index.js';
import { ALL_FEATURES } from '../../promql/index.js';
import { errorMessage, goFileError } from '../../util/index.js';
import { parseRuleFile } from '../../rules/index.js';
import type { Command, CommandIO } from '../command.js';
import { UsageError, type CommandSpec } from '../flags.js';
import { requireExistingFiles } from './existing-files.js';
import { decodeTestFile, type UnitTestFile } from './test-rules-file.js';
import { RuleLoadErrors, runTestGroup, type LoadedGroup } from './test-rules-group.js';
import { junitXml, type JunitSuite } from './test-rules-junit.js';

const spec: CommandSpec = {
  name: 'ignis tool test rules',
  summary: 'Unit tests for rules.',
  flags: [
    { name: 'run', type: 'string', multiple: true, default: [], placeholder: '<regex>', help: 'If set, will only run test groups whose names match the regular expression. Can be specified multiple times.' },
    { name: 'ignore-unknown-fields', type: 'boolean', default: false, help: 'Ignore unknown fields in the rule files. This is useful when you want to extend rule files with custom metadata.' },
    { name: 'enable-feature', type: 'string', multiple: true, default: [], placeholder: '<feature>', help: 'Accepted for promtool compatibility; every PromQL parser feature is on.' },
    { name: 'debug', type: 'boolean', default: false, help: 'Enable unit test debugging: dump every stored series of each test group to stderr.' },
    { name: 'junit', type: 'string', default: '', placeholder: '<file>', help: 'File path to store JUnit XML test results.' },
  ],
  args: '<test-rule-file>...',
};

/** What the whole run shares. */
interface RunSettings {
  readonly run: RegExp | undefined;
  readonly ignoreUnknownFields: boolean;
  readonly debug: boolean;
}

/** Rule-file patterns relative to the test file's directory, expanded (unmatched: a warning). */
function resolveRuleFiles(testFile: string, patterns: readonly string[], io: CommandIO): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    const abs = isAbsolute(p) ? p : join(dirname(testFile), p);
    const m = goGlob(abs);
    if (m.length === 0) io.stderr(`  WARNING: no file match pattern ${abs}\n`);
    out.push(...m);
  }
  return out;
}

/**
 * The rule groups of `files`, read and parsed on the first call (not before: a group whose
 * input series do not parse reports only that) and shared by the groups of the test file.
 */
function loader(files: readonly string[], settings: RunSettings): () => LoadedGroup[] {
  let loaded: LoadedGroup[] | RuleLoadErrors | undefined;
  return () => {
    loaded ??= parseRuleGroups(files, settings);
    if (loaded instanceof RuleLoadErrors) throw loaded;
    return loaded;
  };
}

/** The rule groups of `files` in file order, or every file's parse errors. */
function parseRuleGroups(files: readonly string[], settings: RunSettings): LoadedGroup[] | RuleLoadErrors {
  const groups: LoadedGroup[] = [];
  const errors: string[] = [];
  for (const file of files) {
    const parsed = parseRuleFile(file, { parser: ALL_FEATURES, ignoreUnknownFields: settings.ignoreUnknownFields });
    errors.push(...parsed.errors.map((e) => e.message));
    if (parsed.errors.length === 0) for (const spec of parsed.groups) groups.push({ file, spec });
  }
  return errors.length > 0 ? new RuleLoadErrors(errors) : groups;
}

/** One file's outcome: errors (empty: passed) and its JUnit suite. */
async function testFile(file: string, settings: RunSettings, io: CommandIO): Promise<{ errors: string[]; suite: JunitSuite }> {
  io.stdout(`Unit Testing:  ${file}\n`);
  const suite: JunitSuite = { name: file, cases: [], error: undefined };
  let f: UnitTestFile;
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
    f = decodeTestFile(text);
  } catch (e) {
    // A read failure is Go's file error; a decoding one keeps its own text.
    const msg = text === undefined ? goFileError(e, 'open', file) : errorMessage(e);
    suite.error = msg;
    return { errors: [msg], suite };
  }
  const ruleFiles = resolveRuleFiles(file, f.ruleFiles, io);
  const ei = f.evaluationIntervalMs > 0 ? f.evaluationIntervalMs : 60_000;
  const groupOrder = new Map<string, number>();
  for (const [i, n] of f.groupEvalOrder.entries()) {
    if (groupOrder.has(n)) {
      const msg = `group name repeated in evaluation order: ${n}`;
      suite.error = msg;
      return { errors: [msg], suite };
    }
    groupOrder.set(n, i);
  }
  const errors: string[] = [];
  const loadGroups = loader(ruleFiles, settings);
  for (const [i, tg] of f.tests.entries()) {
    if (settings.run !== undefined && !settings.run.test(tg.name)) continue;
    const errs = await runTestGroup(tg, { evalIntervalMs: ei, fuzzyCompare: f.fuzzyCompare, groupOrder, loadGroups, ...(settings.debug ? { debug: io.stderr } : {}) });
    suite.cases.push({ name: tg.name !== '' ? tg.name : `unnamed#${i}`, failures: errs });
    errors.push(...errs);
  }
  return { errors, suite };
}

/** `ignis tool test rules` */
export const testRulesCommand: Command = {
  spec,
  async run(flags, io) {
    const files = flags.positionals;
    requireExistingFiles(files, 'test-rule-file', spec);
    const runs = (flags.values['run'] as string[] | undefined) ?? [];
    let run: RegExp | undefined;
    try {
      run = runs.length > 0 ? new RegExp(runs.join('|')) : undefined;
    } catch (e) {
      throw new UsageError(`invalid --run pattern: ${(e as Error).message}`, spec);
    }
    const settings: RunSettings = { run, ignoreUnknownFields: flags.values['ignore-unknown-fields'] === true, debug: flags.values['debug'] === true };
    let failed = false;
    const suites: JunitSuite[] = [];
    for (const file of files) {
      const { errors, suite } = await testFile(file, settings, io);
      suites.push(suite);
      if (errors.length > 0) {
        failed = true;
        io.stderr('  FAILED:\n');
        for (const e of errors) {
          io.stderr(`${e}\n`);
          io.stdout('\n');
        }
      } else {
        io.stdout('  SUCCESS\n');
      }
      io.stdout('\n');
    }
    const junit = String(flags.values['junit'] ?? '');
    if (junit !== '') writeFileSync(junit, junitXml(suites, new Date()));
    return failed ? 1 : 0;
  },
};
