/**
 * Shared by the rule e2e tests that run Ignis beside the real Prometheus: why to skip, the
 * configuration (1 s scrape and evaluation intervals, one bench target, one rule file) and
 * starting both servers on it until each scrapes its target.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { skipWithoutBinary } from '../../support/peers.js';
import { pollUntil } from '../loopback.js';
import { activeTargets } from './api.js';
import { BENCH_DIR, startBenchTargets, startIgnis, startPrometheus, tempDir, type ApiProcess } from './processes.js';

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

/**
 * One bench target of `series` series, `rules` in a temporary file, Ignis and Prometheus on
 * `rulesConfig`; resolves once both scrape the target (within 20 s). Everything is stopped
 * and removed after test `t`.
 */
export async function startRulePeers(t: TestContext, rules: string, series: number): Promise<{ ignis: ApiProcess; prom: ApiProcess }> {
  const bench = await startBenchTargets(1, series, 90);
  t.after(() => bench.stop());
  const dir = tempDir('ignis-e2e-rules-');
  t.after(() => dir.cleanup());
  const rulesFile = join(dir.path, 'rules.yml');
  writeFileSync(rulesFile, rules);
  const cfg = rulesConfig(rulesFile, bench.ports[0]!);
  const [ignis, prom] = await Promise.all([startIgnis({ config: cfg }), startPrometheus(cfg)]);
  t.after(() => ignis.stop());
  t.after(async () => {
    await prom.stop();
    prom.cleanup();
  });
  const up = (p: ApiProcess) => pollUntil(`target up at ${p.base}`, 20_000, 200, async () => ((await activeTargets(p.base)).some((x) => x.health === 'up') ? true : undefined));
  await Promise.all([up(ignis), up(prom)]);
  return { ignis, prom };
}
