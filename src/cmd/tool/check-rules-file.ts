/**
 * promtool's check of one rule file, shared by `check rules` and `check config` (which checks
 * the config's `rule_files`): `Checking <file>` on stdout, then `  SUCCESS: N rules found` on
 * stdout or `  FAILED:` and the problems on stderr, then an empty line. The duplicate-rules
 * lint runs only on a file without errors, and reports as a "lint error" problem, which fails
 * the run only under `--lint-fatal`.
 */
import type { ParseOptions } from '../../promql/index.js';
import { findDuplicateRules, formatDuplicateRules, parseRuleFile } from '../../rules/index.js';
import type { ValidationScheme } from '../../model/labels/index.js';
import type { CommandIO } from '../command.js';

/** What the rule-file check looks at. */
export interface RuleCheckSettings {
  /** Run the duplicate-rules lint. */
  readonly duplicateRules: boolean;
  readonly nameValidation: ValidationScheme;
  readonly parser: ParseOptions;
  readonly ignoreUnknownFields: boolean;
}

/** The outcome of one file: `failed` when anything was reported, `hasErrors` when not only lint. */
export interface RuleCheckOutcome {
  readonly failed: boolean;
  readonly hasErrors: boolean;
}

/**
 * Checks `file` and prints promtool's report. `problemPrefix` goes before each problem's
 * first line: "" for `check rules`, five spaces for `check config` (promtool prints those
 * with `Fprintln(os.Stderr, "    ", err)`).
 */
export function checkRuleFileReport(file: string, settings: RuleCheckSettings, io: CommandIO, problemPrefix: string): RuleCheckOutcome {
  io.stdout(`Checking ${file}\n`);
  const parsed = parseRuleFile(file, { nameValidation: settings.nameValidation, parser: settings.parser, ignoreUnknownFields: settings.ignoreUnknownFields });
  let problems = parsed.errors.map((e) => e.message);
  let lintOnly = false;
  if (problems.length === 0 && settings.duplicateRules) {
    const dups = findDuplicateRules(parsed.groups);
    if (dups.length > 0) {
      problems = [`lint error ${formatDuplicateRules(dups)}`];
      lintOnly = true;
    }
  }
  if (problems.length > 0) {
    io.stderr(`  FAILED:\n${problems.map((p) => `${problemPrefix}${p}\n`).join('')}`);
  } else {
    const n = parsed.groups.reduce((sum, g) => sum + g.rules.length, 0);
    io.stdout(`  SUCCESS: ${n} rules found\n`);
  }
  io.stdout('\n');
  return { failed: problems.length > 0, hasErrors: problems.length > 0 && !lintOnly };
}
