/**
 * Shared by the notifier end-to-end tests: the real Alertmanager (Debian's 0.25) on a loopback
 * port with clustering off and its own storage folder, a fake Alertmanager that records every
 * `POST …/api/v2/alerts` with its sender, and the rule file and configuration the servers run
 * (one mutable scrape target whose `app_broken` value fires and resolves the alert).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { findBinary, skipWithoutBinary } from '../support/peers.js';
import { freePort, pollUntil } from './loopback.js';
import { spawnChild } from './server/child.js';
import { startMutableTarget, type MutableTarget } from './server/mutable-target.js';
import { tempDir, waitReady, type ApiProcess } from './server/processes.js';

/** The Alertmanager binary's name in Debian. */
export const ALERTMANAGER_BIN = 'prometheus-alertmanager';

/** False when the real Alertmanager and amtool are installed, else why the test is skipped. */
export function alertmanagerSkipReason(): string | false {
  return skipWithoutBinary(ALERTMANAGER_BIN) || skipWithoutBinary('amtool');
}

/** Starts the real Alertmanager with a route to a receiver that notifies nobody; stopped after `t`. */
export async function startAlertmanager(t: TestContext): Promise<ApiProcess> {
  const bin = findBinary(ALERTMANAGER_BIN);
  if (!bin) throw new Error(`${ALERTMANAGER_BIN} is not installed`);
  const dir = tempDir('ignis-e2e-am-');
  t.after(() => dir.cleanup());
  const cfg = join(dir.path, 'alertmanager.yml');
  writeFileSync(cfg, ['route:', "  receiver: 'null'", '  group_wait: 1s', '  group_interval: 1s', 'receivers:', "- name: 'null'", ''].join('\n'));
  const port = await freePort();
  const peer = spawnChild(bin, [`--config.file=${cfg}`, `--storage.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=']);
  t.after(() => peer.stop());
  const proc = { ...peer, base: `http://127.0.0.1:${port}`, port };
  await waitReady(proc, 30_000);
  return proc;
}

export { startFakeAlertmanager, type ReceivedPost } from '../support/fake-alertmanager.js';

/** A scrape target exposing `app_broken <v>`; stopped after `t`. `set(v)` changes it. */
export async function startBrokenTarget(t: TestContext, initial: number): Promise<MutableTarget & { setBroken(v: number): void }> {
  const page = (v: number) => ({ body: `# TYPE app_broken gauge\napp_broken ${v}\n` });
  const target = await startMutableTarget({ '/metrics': page(initial) });
  t.after(() => target.close());
  return { ...target, setBroken: (v) => target.set('/metrics', page(v)) };
}

/** The rule file: `AppBroken` fires while the target reports `app_broken 1`. */
export const NOTIFIER_RULES = `groups:
- name: notify
  interval: 1s
  rules:
  - alert: AppBroken
    expr: app_broken == 1
    labels:
      severity: page
      team: '{{ $labels.job }}-team'
    annotations:
      summary: '{{ $labels.instance }} is broken (value {{ $value }})'
      runbook: 'https://example.com/runbook?a=1&b=<2>'
`;

/**
 * A `prometheus.yml` scraping `targetPort` every second, evaluating `rulesFile` every second,
 * with external labels and `alerting` (written by `alertingYAML`, indented under `alerting:`).
 */
export function notifierConfig(rulesFile: string, targetPort: number, alertingYAML: string): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    '  external_labels: {cluster: e2e, severity: from-external}',
    `rule_files: ['${rulesFile}']`,
    'scrape_configs:',
    '  - job_name: app',
    '    static_configs:',
    `      - targets: ['127.0.0.1:${targetPort}']`,
    'alerting:',
    alertingYAML,
    '',
  ].join('\n');
}

/** Writes `NOTIFIER_RULES` into a temporary folder removed after `t`; returns the file. */
export function writeNotifierRules(t: TestContext): string {
  const dir = tempDir('ignis-e2e-notify-');
  t.after(() => dir.cleanup());
  const file = join(dir.path, 'rules.yml');
  writeFileSync(file, NOTIFIER_RULES);
  return file;
}

/** Polls `probe` (bounded: `timeoutMs`, every 250 ms) until it returns a value. */
export function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  return pollUntil(what, timeoutMs, 250, probe);
}
