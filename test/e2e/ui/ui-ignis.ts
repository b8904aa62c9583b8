/**
 * The running Ignis the browser tests drive: a spawned `ignis server` (real on-disk TSDB in a
 * temporary folder, ephemeral 127.0.0.1 port) that scrapes real targets — the prom-client app of
 * `app-target.ts` (job `app`, basic auth whose password `/config` must mask), the example app of
 * `examples/express-app` (job `example`), Debian's node exporter when installed (job `node`) —
 * plus a job whose only target relabeling drops (`dropper`).
 *
 * Before any scraping it receives, through its remote write receiver, an hour of history for the
 * app's series and the performance data set (`perf_series`, 200 series × 1,000 points at 1 s);
 * only then is the scrape configuration loaded (`POST /-/reload`), so that scraped samples come
 * after the written ones. Resolves once the app and example targets are up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from '../../support/peers.js';
import { freePort, pollUntil } from '../loopback.js';
import { activeTargets } from '../server/api.js';
import { spawnChild, type Child } from '../server/child.js';
import { startExampleApp, startIgnis, tempDir, type IgnisProcess } from '../server/processes.js';
import { APP_REQUESTS, APP_TEMPERATURE, startAppTarget, type AppTarget } from './app-target.js';
import { remoteWrite, type SeriesData } from './remote-write.js';

/** The app job's basic-auth password, which `/config` must mask. */
export const SECRET = 's3cr3t-do-not-show';

/** Series and points of the performance data set (`perf_series`). */
export const PERF_SERIES = 200;
export const PERF_POINTS = 1000;

/** A running Ignis with its targets. */
export interface UIServer {
  /** `http://127.0.0.1:<port>` of `ignis server`. */
  readonly base: string;
  readonly ignis: IgnisProcess;
  /** The app target (job `app`); set `broken` to make its scrapes fail. */
  readonly target: AppTarget;
  /** `127.0.0.1:<port>` of the example app (job `example`). */
  readonly exampleAddress: string;
  /** `127.0.0.1:<port>` of the node exporter (job `node`), when installed. */
  readonly nodeAddress: string | undefined;
  /** The last timestamp (ms) of `perf_series`; its first is `perfEndMs - (PERF_POINTS-1)*1000`. */
  readonly perfEndMs: number;
  stop(): Promise<void>;
}

/** The scrape configuration (the app job first). */
function scrapeConfig(app: string, example: string, node: string | undefined): string {
  const lines = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: app',
    '    basic_auth:',
    '      username: ignis',
    `      password: ${SECRET}`,
    '    static_configs:',
    `      - targets: ['${app}']`,
    '  - job_name: example',
    '    static_configs:',
    `      - targets: ['${example}']`,
  ];
  if (node) lines.push('  - job_name: node', '    scrape_interval: 5s', '    scrape_timeout: 4s', '    static_configs:', `      - targets: ['${node}']`);
  lines.push(
    '  - job_name: dropper',
    '    static_configs:',
    "      - targets: ['127.0.0.1:1']",
    '    relabel_configs:',
    '      - action: drop',
    '        source_labels: [__address__]',
    "        regex: '.*'",
  );
  return lines.join('\n') + '\n';
}

/** An hour of history of the app's series up to `endMs` (every 15 s), and `perf_series`. */
function history(app: string, nowMs: number, perfEndMs: number): SeriesData[] {
  const out: SeriesData[] = [];
  const inst = { instance: app, job: 'app' };
  const start = nowMs - 3600_000;
  const ts: number[] = [];
  for (let t = start; t < nowMs - 5000; t += 15_000) ts.push(t);
  const k = (t: number) => (t - start) / 3600_000;
  for (const r of APP_REQUESTS) {
    out.push({ labels: { __name__: 'http_requests_total', method: r.method, code: r.code, ...inst }, samples: ts.map((t) => [t, Math.floor(r.value * k(t))] as const) });
  }
  out.push({ labels: { __name__: 'app_temperature_celsius', ...inst }, samples: ts.map((t) => [t, APP_TEMPERATURE + 2 * Math.sin(k(t) * 6)] as const) });
  for (let i = 0; i < PERF_SERIES; i++) {
    const samples: [number, number][] = [];
    for (let j = 0; j < PERF_POINTS; j++) samples.push([perfEndMs - (PERF_POINTS - 1 - j) * 1000, 1000 + i * 10 + 50 * Math.sin(j / 40 + i)]);
    out.push({ labels: { __name__: 'perf_series', series: String(i).padStart(3, '0'), group: `g${i % 10}` }, samples });
  }
  return out;
}

/** Starts Debian's node exporter on a free loopback port, or resolves undefined when it is not installed. */
async function startNodeExporter(): Promise<(Child & { address: string }) | undefined> {
  const bin = findBinary('prometheus-node-exporter');
  if (!bin) return undefined;
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child = spawnChild(bin, [`--web.listen-address=${address}`]);
  try {
    await pollUntil('the node exporter to answer', 15_000, 50, async () => {
      if (child.exited()) throw new Error(`node exporter exited:\n${child.output()}`);
      try {
        const res = await fetch(`http://${address}/metrics`);
        await res.arrayBuffer();
        return res.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { ...child, address };
}

/** Starts the targets and the server, writes the data, loads the scrape configuration. */
export async function startUIServer(): Promise<UIServer> {
  const cleanups: (() => unknown)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const target = await startAppTarget();
    cleanups.push(() => target.close());
    const example = await startExampleApp();
    cleanups.push(() => example.stop());
    const node = await startNodeExporter();
    if (node) cleanups.push(() => node.stop());
    const dir = tempDir('ignis-ui-');
    cleanups.push(dir.cleanup);
    const ignis = await startIgnis({
      config: 'global:\n  scrape_interval: 1s\nscrape_configs: []\n',
      dir: dir.path,
      dataDir: join(dir.path, 'data'),
      args: ['--web.enable-remote-write-receiver', '--web.enable-lifecycle'],
    });
    cleanups.push(() => ignis.stop());

    const now = Math.floor(Date.now() / 1000) * 1000;
    const perfEndMs = now - 2000;
    await remoteWrite(ignis.base, history(target.address, now, perfEndMs));

    const exampleAddress = `127.0.0.1:${example.port}`;
    writeFileSync(ignis.configPath, scrapeConfig(target.address, exampleAddress, node?.address));
    const reload = await fetch(`${ignis.base}/-/reload`, { method: 'POST' });
    const why = await reload.text();
    if (reload.status !== 200) throw new Error(`reload with the scrape configuration: HTTP ${reload.status}: ${why}`);
    await pollUntil('the app and example targets to be up', 30_000, 100, async () => {
      const ts = await activeTargets(ignis.base);
      const up = (pool: string) => ts.some((t) => t.scrapePool === pool && t.health === 'up');
      return up('app') && up('example') ? true : undefined;
    });
    return { base: ignis.base, ignis, target, exampleAddress, nodeAddress: node?.address, perfEndMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
