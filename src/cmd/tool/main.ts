/**
 * `ignis tool`: promtool's verbs. Each verb lives in its own file under this folder.
 */
import { verbGroup } from '../verbs.js';
import { checkConfigCommand } from './check-config.js';
import { checkMetricsCommand } from './check-metrics.js';
import { checkRulesCommand } from './check-rules.js';
import { checkWebConfigCommand } from './check-web-config.js';
import { testRulesCommand } from './test-rules.js';
import { tsdbCommand } from './tsdb-command.js';

/** `ignis tool check …` */
const checkCommand = verbGroup(
  'ignis tool check',
  'Check the resources for validity.',
  new Map([
    ['config', checkConfigCommand],
    ['metrics', checkMetricsCommand],
    ['rules', checkRulesCommand],
    ['web-config', checkWebConfigCommand],
  ]),
);

/** `ignis tool test …` */
const testCommand = verbGroup('ignis tool test', 'Unit testing.', new Map([['rules', testRulesCommand]]));

/** `ignis tool` (promtool) */
export const toolCommand = verbGroup('ignis tool', 'Tooling for the Prometheus monitoring system (promtool).', new Map([['check', checkCommand], ['test', testCommand], ['tsdb', tsdbCommand]]));
