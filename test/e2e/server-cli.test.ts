/**
 * `ignis server` and `ignis stack` as processes, for what the other server tests do not cover:
 * an invalid config exits 2 before anything starts; without `--web.enable-lifecycle` reload and
 * quit answer 403; `--web.route-prefix`; the self-metrics under Prometheus' names; the remote
 * write receiver's 404 without its flag; `--web.config.file` (basic auth) with `/-/quit`; and the
 * stack's embedded configuration scraping the server itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { pollUntil } from './loopback.js';
import { activeTargets } from './server/api.js';
import { spawnChild } from './server/child.js';
import { ignisNodeArgs } from '../../src/cmd/node-flags.js';
import { IGNIS_BIN, startIgnis, tempDir } from './server/processes.js';

const EMPTY = 'global:\n  scrape_interval: 1s\nscrape_configs: []\n';

test('an invalid config file: exit 2 with the reason, nothing started', { timeout: 20_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-cli-');
  t.after(dir.cleanup);
  const config = join(dir.path, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: soon\n');
  const child = spawnChild(process.execPath, ignisNodeArgs(IGNIS_BIN, 'server', `--config.file=${config}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, '--web.listen-address=127.0.0.1:0'));
  assert.equal(await child.exit, 2);
  assert.match(child.output(), /level=error msg="Error loading config \(--config\.file=.*prometheus\.yml\)" file=\S+ err=".*not a valid duration string/);
  assert.doesNotMatch(child.output(), /Listening on/);
});

test('lifecycle disabled, route prefix, self-metrics, receiver disabled', { timeout: 30_000 }, async (t) => {
  // One job whose target refuses connections: discovery and scraping have something to count.
  const config = "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: nothing\n    static_configs:\n      - targets: ['127.0.0.1:1']\n";
  const ignis = await startIgnis({ config, args: ['--web.route-prefix=/ignis'], waitReady: false });
  t.after(() => ignis.stop());
  const base = `${ignis.base}/ignis`;
  await pollUntil('ready under the prefix', 15_000, 50, async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined));
  const call = async (method: string, path: string) => {
    const res = await fetch(`${base}${path}`, { method, redirect: 'manual' });
    return `${res.status} ${(await res.text()).trim()}`;
  };
  assert.equal(await call('POST', '/-/reload'), '403 Lifecycle API is not enabled.');
  assert.equal(await call('PUT', '/-/quit'), '403 Lifecycle API is not enabled.');
  assert.equal(await call('POST', '/api/v1/write'), '404 remote write receiver needs to be enabled with --web.enable-remote-write-receiver');
  assert.equal((await fetch(`${ignis.base}/-/healthy`)).status, 404, 'routes live under the prefix only');
  const root = await fetch(`${ignis.base}/`, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/ignis/');

  // Once the first scrape (up 0 and the scrape_* series) has been appended.
  const metrics = await pollUntil('samples appended', 10_000, 100, async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return /^prometheus_tsdb_head_samples_appended_total\{type="float"\} [1-9]/m.test(text) ? text : undefined;
  });
  for (const line of [
    /^prometheus_build_info\{.*version="[^"]+".*\} 1$/m,
    /^prometheus_ready 1$/m,
    /^prometheus_config_last_reload_successful 1$/m,
    /^prometheus_config_last_reload_success_timestamp_seconds \d/m,
    /^prometheus_tsdb_head_series \d+$/m,
    /^prometheus_tsdb_lowest_timestamp /m,
    /^prometheus_target_scrape_pools_total \d+$/m,
    /^prometheus_sd_discovered_targets/m,
    /^process_cpu_user_seconds_total /m,
  ]) {
    assert.match(metrics, line);
  }
  const flags = (await (await fetch(`${base}/api/v1/status/flags`)).json()) as { data: Record<string, string> };
  assert.equal(flags.data['web.route-prefix'], '/ignis');
  assert.equal(await ignis.stop(), 0);
});

test('--web.config.file basic auth guards every route; /-/quit with lifecycle enabled exits 0', { timeout: 30_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-webcfg-');
  t.after(dir.cleanup);
  const webConfig = join(dir.path, 'web.yml');
  writeFileSync(webConfig, `basic_auth_users:\n  admin: ${bcrypt.hashSync('s3cret', 4)}\n`);
  const ignis = await startIgnis({ config: EMPTY, dir: dir.path, args: ['--web.enable-lifecycle', `--web.config.file=${webConfig}`], waitReady: false });
  t.after(() => ignis.stop());
  const auth = { Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` };
  await pollUntil('ready with credentials', 15_000, 50, async () => ((await fetch(`${ignis.base}/-/ready`, { headers: auth })).status === 200 ? true : undefined));
  assert.equal((await fetch(`${ignis.base}/-/ready`)).status, 401);
  assert.equal((await fetch(`${ignis.base}/api/v1/query?query=1`, { headers: { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })).status, 401);
  const quit = await fetch(`${ignis.base}/-/quit`, { method: 'POST', headers: auth });
  assert.equal(`${quit.status} ${await quit.text()}`, '200 Requesting termination... Goodbye!');
  assert.equal(await ignis.exit, 0);
});

test('ignis stack: the embedded configuration scrapes the server itself', { timeout: 30_000 }, async (t) => {
  const dir = tempDir('ignis-e2e-stack-');
  t.after(dir.cleanup);
  const child = spawnChild(process.execPath, ignisNodeArgs(IGNIS_BIN, 'stack', '--web.listen-address=127.0.0.1:0', `--storage.tsdb.path=${join(dir.path, 'data')}`));
  t.after(() => child.stop());
  const port = await pollUntil('the stack to listen', 15_000, 20, async () => /msg="Listening on" address=\S*:(\d+)\s/.exec(child.output())?.[1]);
  const base = `http://127.0.0.1:${port}`;
  await pollUntil('ready', 15_000, 50, async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined));
  const targets = await activeTargets(base);
  assert.deepEqual(
    targets.map((x) => [x.scrapePool, x.scrapeUrl, x.scrapeInterval]),
    [['prometheus', `http://localhost:${port}/metrics`, '15s']],
  );
  const cfg = (await (await fetch(`${base}/api/v1/status/config`)).json()) as { data: { yaml: string } };
  assert.match(cfg.data.yaml, /job_name: prometheus/);
  assert.equal(await child.stop(), 0);
});
