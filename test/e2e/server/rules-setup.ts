/**
 * Shared by the rule e2e tests that run Ignis beside the real Prometheus: why to skip, and the
 * configuration (1 s scrape and evaluation intervals, one bench target, one rule file).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { skipWithoutBinary } from '../../support/peers.js';
import { BENCH_DIR } from './processes.js';

/** False when Prometheus and the bench targets are there, else why the test is skipped. */
export function rulesSkipReason(): string | false {
  return skipWithoutBinary('prometheus') || (existsSync(join(BENCH_DIR, 'targets.mjs')) ? false : `${BENCH_DIR}/targets.mjs not found`);
}

/** The configuration both servers run: `rulesFile` and the bench target on `port`. */
export function rulesConfig(rulesFile: string, port: number): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    `rule_files: ['${rulesFile}']`,
    'scrape_configs:',
    '  - job_name: bench',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${port}']`,
  ].join('\n');
}
