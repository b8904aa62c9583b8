/**
 * Starts the real `ignis server` process on an ephemeral loopback port and checks its
 * health, readiness and self-metrics endpoints and its graceful shutdown on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignisNodeArgs } from '../../src/cmd/node-flags.js';
import { repoRoot } from '../support/paths.js';
import { pollUntil } from './loopback.js';

test('ignis server serves /-/healthy, /-/ready and /metrics and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ignis-server-process-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  const args = ['server', `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--web.listen-address=127.0.0.1:0'];
  const child = spawn(process.execPath, ignisNodeArgs(join(repoRoot, 'dist/src/cmd/ignis.js'), ...args), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      // Wait for the whole line: stderr chunks may split it inside the port number.
      const m = /msg="Listening on" address=[^ \n]*:(\d+)[ \n]/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal(await (await fetch(`${base}/-/healthy`)).text(), 'Prometheus Server is Healthy.\n');
    // Listening comes before ready (the TSDB opens after the listener is up, as upstream): a
    // loaded machine can take a while between the two.
    await pollUntil('/-/ready to answer 200', 20_000, 50, async () => ((await fetch(`${base}/-/ready`)).status === 200 ? true : undefined));
    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await metrics.text(), /^process_cpu_user_seconds_total /m);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/-/healthy`, { method: 'POST' })).status, 405);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, log);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(log, /level=info msg="Starting Ignis server"/);
});
