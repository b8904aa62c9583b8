/**
 * promtool's `--enable-feature` list, as far as rule checking needs it: the PromQL parser
 * features of Prometheus 3 that Ignis' parser knows, the features promoted to stable (a
 * warning), and a warning for anything else — each warning on stdout, as promtool prints them.
 */
import type { ParseOptions } from '../../promql/index.js';
import type { CommandIO } from '../command.js';

const PARSER_FEATURES: Readonly<Record<string, keyof ParseOptions>> = {
  'promql-experimental-functions': 'enableExperimentalFunctions',
  'promql-extended-range-selectors': 'enableExtendedRangeSelectors',
  'promql-binop-fill-modifiers': 'enableBinopFillModifiers',
};

/** Features that are always on now; naming them only prints a warning. */
const PROMOTED = new Set(['promql-at-modifier', 'promql-negative-offset', 'promql-duration-expr']);

/** Accepted and without effect on rule checking. */
const IRRELEVANT = new Set(['no-default-scrape-port']);

/** The PromQL parse options for `--enable-feature` values (each a comma-separated list). */
export function parserFeatures(values: readonly string[], io: CommandIO): ParseOptions {
  const opts: Record<string, boolean> = {};
  for (const v of values) {
    for (const o of v.split(',')) {
      if (o === '' || IRRELEVANT.has(o)) continue;
      const key = PARSER_FEATURES[o];
      if (key) opts[key] = true;
      else if (PROMOTED.has(o)) io.stdout(`  WARNING: Option for --enable-feature is a no-op after promotion to a stable feature: ${JSON.stringify(o)}\n`);
      else io.stdout(`  WARNING: Unknown option for --enable-feature: ${JSON.stringify(o)}\n`);
    }
  }
  return opts as ParseOptions;
}

/** Whether `--lint=<list>` asks for the duplicate-rules lint (`none` anywhere switches every lint off). */
export function lintsDuplicateRules(option: string): boolean {
  const opts = option.split(',');
  if (opts.includes('none')) return false;
  return opts.includes('all') || opts.includes('duplicate-rules');
}

/**
 * Prints promtool 2.42's warning (stdout) for each entry of `--lint=<list>` outside `known`;
 * `all`, `duplicate-rules` and `none` are always known.
 */
export function warnUnknownLints(option: string, io: CommandIO, known: readonly string[] = []): void {
  for (const o of option.split(',')) {
    if (o !== 'all' && o !== 'duplicate-rules' && o !== 'none' && !known.includes(o)) io.stdout(`WARNING: unknown lint option ${o}\n`);
  }
}
