/**
 * `ignis tool check config FILE…` (`promtool check config`): loads each file as the server
 * would and reports like promtool — `Checking <file>`, ` SUCCESS: …` on stdout,
 * `  FAILED: <reason>` on stderr — with promtool's exit codes: 0 all good, 1 a file failed,
 * 3 a lint finding with `--lint-fatal`. Without `--syntax-only` it also checks that rule
 * files, credential and certificate files exist and that static and file-SD targets are
 * `host:port` after relabeling, then checks each rule file as `check rules` does (with the
 * duplicate-rules lint and the config's name validation scheme).
 */
import { readFileSync, statSync } from 'node:fs';
import {
  ConfigError,
  getScrapeConfigs,
  goGlob,
  loadConfigFile,
  parseTargetGroups,
  type Config,
  type ScrapeConfig,
  type TLSConfig,
} from '../../config/index.js';
import { formatDuration, parseDuration } from '../../model/duration/index.js';
import { quoteString } from '../../model/labels/index.js';
import { goFileError } from '../../util/index.js';
import type { Command, CommandIO } from '../command.js';
import { UsageError, type CommandSpec } from '../flags.js';
import { checkAlertmanagerTargets, checkScrapeTargets } from './check-config-targets.js';
import { checkRuleFileReport } from './check-rules-file.js';
import { lintsDuplicateRules, parserFeatures, warnUnknownLints } from './check-rules-options.js';

const spec: CommandSpec = {
  name: 'ignis tool check config',
  summary: 'Check if the config files are valid or not.',
  flags: [
    { name: 'syntax-only', type: 'boolean', default: false, help: 'Only check the config file syntax, ignoring file and content validation referenced in the config' },
    { name: 'lint', type: 'string', default: 'duplicate-rules', help: 'Linting checks to apply to the rules specified in the config. Available options are: all, duplicate-rules, none, too-long-scrape-interval.' },
    { name: 'lint-fatal', type: 'boolean', default: false, help: 'Make lint errors exit with exit code 3.' },
    { name: 'agent', type: 'boolean', default: false, help: 'Check config file for Prometheus in Agent mode.' },
    { name: 'enable-feature', type: 'string', multiple: true, default: [], placeholder: '<feature>', help: 'Comma separated PromQL feature names to enable for the rule files: promql-experimental-functions, promql-extended-range-selectors, promql-binop-fill-modifiers.' },
    { name: 'query.lookback-delta', type: 'string', default: '5m', placeholder: '<duration>', help: "The server's maximum query lookback duration (promtool takes it on `check`)." },
  ],
  args: '<config-files>...',
};

/** promtool's exit codes. */
const EXIT = { success: 0, failure: 1, lint: 3 } as const;

/** A problem promtool reports as `  FAILED: <message>`. */
class CheckFailure extends Error {}

function statError(path: string): string | undefined {
  if (path === '') return undefined;
  try {
    statSync(path);
    return undefined;
  } catch (err) {
    return goFileError(err, 'stat', path);
  }
}

function checkTLS(t: TLSConfig, syntaxOnly: boolean): void {
  if (t.cert_file !== '' && t.key_file === '') throw new CheckFailure(`client cert file ${quoteString(t.cert_file)} specified without client key file`);
  if (t.key_file !== '' && t.cert_file === '') throw new CheckFailure(`client key file ${quoteString(t.key_file)} specified without client cert file`);
  if (syntaxOnly) return;
  const certErr = statError(t.cert_file);
  if (certErr) throw new CheckFailure(`error checking client cert file ${quoteString(t.cert_file)}: ${certErr}`);
  const keyErr = statError(t.key_file);
  if (keyErr) throw new CheckFailure(`error checking client key file ${quoteString(t.key_file)}: ${keyErr}`);
}

function readTargetGroups(pattern: string, file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CheckFailure(`checking SD file ${quoteString(pattern)}: ${goFileError(err, 'open', file)}`);
  }
  try {
    return parseTargetGroups(text, file);
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckFailure(`checking SD file ${quoteString(pattern)}: ${err.message}`);
    throw err;
  }
}

/** What `checkOne` found in a valid config: its rule files, scrape configs and name validation scheme. */
interface CheckedConfig {
  ruleFiles: string[];
  scrapeConfigs: ScrapeConfig[];
  nameValidation: Config['global']['metric_name_validation_scheme'];
}

/** promtool's `checkConfig` for one file: the rule files found and the scrape configs. */
async function checkOne(file: string, agentMode: boolean, syntaxOnly: boolean, io: CommandIO): Promise<CheckedConfig> {
  let cfg: Config;
  try {
    cfg = await loadConfigFile(file, { agentMode, resolveScrapeConfigFiles: !syntaxOnly });
  } catch (err) {
    if (err instanceof ConfigError && err.file !== file) throw new CheckFailure(`error loading scrape configs: ${err.message}`);
    throw err;
  }
  const ruleFiles: string[] = [];
  if (!syntaxOnly) {
    for (const rf of cfg.rule_files) {
      const matches = goGlob(rf);
      if (!rf.includes('*')) {
        if (matches.length === 0) throw new CheckFailure(`${quoteString(rf)} does not point to an existing file`);
        const err = statError(matches[0]!);
        if (err) throw new CheckFailure(`error checking rule file ${quoteString(matches[0]!)}: ${err}`);
      }
      ruleFiles.push(...matches);
    }
  }
  const scrapeConfigs = syntaxOnly ? cfg.scrape_configs : getScrapeConfigs(cfg);
  for (const sc of scrapeConfigs) {
    if (!syntaxOnly && sc.authorization) {
      const err = statError(sc.authorization.credentials_file);
      if (err) throw new CheckFailure(`error checking authorization credentials or bearer token file ${quoteString(sc.authorization.credentials_file)}: ${err}`);
    }
    checkTLS(sc.tls_config, syntaxOnly);
    for (const k of sc.kubernetes_sd_configs) checkTLS(k.tls_config, syntaxOnly);
    if (!syntaxOnly) {
      for (const fsd of sc.file_sd_configs) {
        for (const pattern of fsd.files) {
          const matches = goGlob(pattern);
          if (matches.length === 0) io.stdout(`  WARNING: file ${quoteString(pattern)} for file_sd in scrape job ${quoteString(sc.job_name)} does not exist\n`);
          for (const m of matches) {
            const groups = readTargetGroups(pattern, m);
            const err = checkScrapeTargets(groups, sc, groups.map(() => ''));
            if (err) throw new CheckFailure(err);
          }
        }
      }
    }
    const err = checkScrapeTargets(sc.static_configs, sc);
    if (err) throw new CheckFailure(err);
  }
  for (const am of cfg.alerting.alertmanagers) {
    if (!syntaxOnly) {
      for (const fsd of am.file_sd_configs) {
        for (const pattern of fsd.files) {
          const matches = goGlob(pattern);
          if (matches.length === 0) io.stdout(`  WARNING: file ${quoteString(pattern)} for file_sd in alertmanager config does not exist\n`);
          for (const m of matches) {
            const err = checkAlertmanagerTargets(readTargetGroups(pattern, m), am);
            if (err) throw new CheckFailure(err);
          }
        }
      }
    }
    const err = checkAlertmanagerTargets(am.static_configs, am);
    if (err) throw new CheckFailure(err);
  }
  return { ruleFiles, scrapeConfigs, nameValidation: cfg.global.metric_name_validation_scheme };
}

/** promtool's `--lint` list: the lookback delta to compare scrape intervals with (0: off). */
function lookbackForLint(option: string, lookbackMs: number, io: CommandIO): number {
  let delta = 0;
  let none = false;
  warnUnknownLints(option, io, ['too-long-scrape-interval']);
  for (const o of option.split(',')) {
    if (o === 'all' || o === 'too-long-scrape-interval') delta = lookbackMs;
    else if (o === 'none') none = true;
  }
  return none ? 0 : delta;
}

/** `ignis tool check config` */
export const checkConfigCommand: Command = {
  spec,
  async run(flags, io) {
    const files = flags.positionals;
    if (files.length === 0) throw new UsageError("required argument 'config-files' not provided", spec);
    let lookbackMs: number;
    try {
      lookbackMs = parseDuration(String(flags.values['query.lookback-delta'] ?? '5m'));
    } catch (err) {
      throw new UsageError(`invalid value for flag --query.lookback-delta: ${(err as Error).message}`, spec);
    }
    const syntaxOnly = flags.values['syntax-only'] === true;
    const agentMode = flags.values['agent'] === true;
    const lintFatal = flags.values['lint-fatal'] === true;
    const parser = parserFeatures((flags.values['enable-feature'] as string[] | undefined) ?? [], io);
    const lintOption = String(flags.values['lint'] ?? 'duplicate-rules');
    const lookback = lookbackForLint(lintOption, lookbackMs, io);
    const duplicateRules = lintsDuplicateRules(lintOption);
    let failed = false;
    let hasErrors = false;
    for (const file of files) {
      io.stdout(`Checking ${file}\n`);
      let result: CheckedConfig | undefined;
      try {
        result = await checkOne(file, agentMode, syntaxOnly, io);
        if (result.ruleFiles.length > 0) io.stdout(`  SUCCESS: ${result.ruleFiles.length} rule files found\n`);
        io.stdout(` SUCCESS: ${file} is valid prometheus config file syntax\n`);
      } catch (err) {
        if (!(err instanceof CheckFailure || err instanceof ConfigError)) throw err;
        io.stderr(`  FAILED: ${err.message}\n`);
        failed = true;
        hasErrors = true;
      }
      io.stdout('\n');
      if (syntaxOnly || result === undefined) continue;
      if (lookback > 0) {
        const tooLong = result.scrapeConfigs.find((sc) => sc.scrape_interval >= lookback);
        if (tooLong) {
          io.stderr(`  FAILED: too long scrape interval found, data point will be marked as stale - job: ${tooLong.job_name}, interval: ${formatDuration(tooLong.scrape_interval)}\n`);
          failed = true;
        }
      }
      const settings = { duplicateRules, nameValidation: result.nameValidation, parser, ignoreUnknownFields: false };
      for (const rf of result.ruleFiles) {
        const r = checkRuleFileReport(rf, settings, io, '     ');
        failed ||= r.failed;
        hasErrors ||= r.hasErrors;
      }
    }
    if (failed && hasErrors) return EXIT.failure;
    if (failed && lintFatal) return EXIT.lint;
    return EXIT.success;
  },
};
