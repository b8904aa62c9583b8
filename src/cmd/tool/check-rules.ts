/**
 * `ignis tool check rules [--lint=…] [--lint-fatal] FILE...` (`promtool check rules`): checks
 * each rule file as Prometheus loads it and reports like promtool 2.42 (see
 * check-rules-file.ts), with its exit codes: 0 all valid, 1 a file has errors, 3 only lint
 * findings and `--lint-fatal`. Like 2.42, the files must exist and not be directories (usage
 * errors otherwise), and rules are not read from stdin.
 *
 * Names are validated as Prometheus 3 does (UTF-8) unless `--name-validation-scheme=legacy`,
 * which gives 2.42's checks; `--enable-feature` turns on PromQL parser features.
 */
import type { Command } from '../command.js';
import type { CommandSpec } from '../flags.js';
import { requireExistingFiles } from './existing-files.js';
import { checkRuleFileReport } from './check-rules-file.js';
import { lintsDuplicateRules, parserFeatures, warnUnknownLints } from './check-rules-options.js';

const spec: CommandSpec = {
  name: 'ignis tool check rules',
  summary: 'Check if the rule files are valid or not.',
  flags: [
    { name: 'enable-feature', type: 'string', multiple: true, default: [], placeholder: '<feature>', help: 'Comma separated feature names to enable: promql-experimental-functions, promql-extended-range-selectors, promql-binop-fill-modifiers.' },
    { name: 'extended', type: 'boolean', default: false, help: 'Print extended information related to the cardinality of the metrics (no effect on rules).' },
    { name: 'lint', type: 'string', default: 'duplicate-rules', help: 'Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting' },
    { name: 'lint-fatal', type: 'boolean', default: false, help: 'Make lint errors exit with exit code 3.' },
    { name: 'ignore-unknown-fields', type: 'boolean', default: false, help: 'Ignore unknown fields in the rule files.' },
    { name: 'name-validation-scheme', type: 'string', default: 'utf8', choices: ['utf8', 'legacy'], help: 'How label, annotation and record names are validated: utf8 (Prometheus 3) or legacy (Prometheus 2).' },
  ],
  args: '<rule-files>...',
};

/** promtool's exit codes. */
const EXIT = { success: 0, failure: 1, lint: 3 } as const;

/** `ignis tool check rules` */
export const checkRulesCommand: Command = {
  spec,
  async run(flags, io) {
    const files = flags.positionals;
    requireExistingFiles(files, 'rule-files', spec);
    const parser = parserFeatures((flags.values['enable-feature'] as string[] | undefined) ?? [], io);
    const lint = String(flags.values['lint'] ?? 'duplicate-rules');
    warnUnknownLints(lint, io);
    const settings = {
      duplicateRules: lintsDuplicateRules(lint),
      nameValidation: flags.values['name-validation-scheme'] === 'legacy' ? ('legacy' as const) : ('utf8' as const),
      parser,
      ignoreUnknownFields: flags.values['ignore-unknown-fields'] === true,
    };
    let failed = false;
    let hasErrors = false;
    for (const f of files) {
      const r = checkRuleFileReport(f, settings, io, '');
      failed ||= r.failed;
      hasErrors ||= r.hasErrors;
    }
    if (failed && hasErrors) return EXIT.failure;
    if (failed && flags.values['lint-fatal'] === true) return EXIT.lint;
    return EXIT.success;
  },
};
