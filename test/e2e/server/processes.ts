/**
 * The processes the server end-to-end tests run: `ignis server` itself, the real Prometheus, the
 * shared bench targets and the example app. Each listens on 127.0.0.1 (an ephemeral port), keeps
 * its data in a temporary folder, and is stopped by its own PID only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignisNodeArgs } from '../../../src/cmd/node-flags.js';
import { repoRoot } from '../../support/paths.js';
import { findBinary } from '../../support/peers.js';
import { freePort, pollUntil } from '../loopback.js';
import { spawnChild, type Child } from './child.js';

/** The compiled `ignis` entry point. */
export const IGNIS_BIN = join(repoRoot, 'dist/src/cmd/ignis.js');

/** The shared bench folder beside the repository. */
export const BENCH_DIR = join(repoRoot, '..', 'shared', 'bench');

/** A temporary folder removed by `cleanup()`. */
export function tempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A running server answering the Prometheus HTTP API (Ignis or the real Prometheus). */
export interface ApiProcess extends Child {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly port: number;
}

/** A running `ignis server`. */
export interface IgnisProcess extends ApiProcess {
  readonly configPath: string;
  readonly dataDir: string;
}

/** Options of `startIgnis`. */
export interface IgnisOptions {
  /** The configuration file's YAML (written to `<dir>/prometheus.yml`). */
  config: string;
  /** Data folder (default `<dir>/data`), for restarts on the same data. */
  dataDir?: string;
  /** Folder for the config file (default: a new temporary one). */
  dir?: string;
  /** More flags (`--web.enable-lifecycle`, …). */
  args?: readonly string[];
  /** Wait for `/-/ready` (default true). */
  waitReady?: boolean;
}

/**
 * Starts `ignis server` on `127.0.0.1:0` and learns the port from its `Listening on` log line;
 * resolves when listening (and ready, unless told not to wait). The discovery update interval
 * is 1s so that tests see target changes quickly.
 */
export async function startIgnis(o: IgnisOptions): Promise<IgnisProcess> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'ignis-e2e-'));
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(configPath, o.config);
  const dataDir = o.dataDir ?? join(dir, 'data');
  const args = ignisNodeArgs(
    IGNIS_BIN,
    'server',
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${dataDir}`,
    '--web.listen-address=127.0.0.1:0',
    '--scrape.discovery-reload-interval=1s',
    ...(o.args ?? []),
  );
  const peer = spawnChild(process.execPath, args);
  let port: number;
  try {
    port = await pollUntil('ignis to listen', 15_000, 20, async () => {
      if (peer.exited()) throw new Error(`ignis exited early:\n${peer.output()}`);
      const m = /msg="Listening on" address=\S*:(\d+)\s/.exec(peer.output());
      return m ? Number(m[1]) : undefined;
    });
  } catch (err) {
    await peer.stop();
    throw err;
  }
  const proc: IgnisProcess = { ...peer, base: `http://127.0.0.1:${port}`, port, configPath, dataDir };
  if (o.waitReady !== false) {
    try {
      await waitReady(proc, 30_000);
    } catch (err) {
      await peer.stop();
      throw err;
    }
  }
  return proc;
}

/** Polls `/-/ready` until it answers 200. */
export async function waitReady(p: ApiProcess, timeoutMs: number): Promise<void> {
  await pollUntil(`${p.base}/-/ready`, timeoutMs, 50, async () => {
    if (p.exited()) throw new Error(`process exited:\n${p.output()}`);
    const res = await fetch(`${p.base}/-/ready`);
    await res.arrayBuffer();
    return res.status === 200 ? true : undefined;
  });
}

/** Starts the real Prometheus (`/usr/bin/prometheus`) with `config`; resolves once ready. */
export async function startPrometheus(config: string, extraArgs: readonly string[] = []): Promise<ApiProcess & { cleanup(): void }> {
  const bin = findBinary('prometheus');
  if (!bin) throw new Error('prometheus is not installed');
  const dir = tempDir('ignis-e2e-prom-');
  writeFileSync(join(dir.path, 'prometheus.yml'), config);
  const port = await freePort();
  const peer = spawnChild(bin, [
    `--config.file=${join(dir.path, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...extraArgs,
  ]);
  const proc = { ...peer, base: `http://127.0.0.1:${port}`, port, cleanup: dir.cleanup };
  try {
    await waitReady(proc, 30_000);
  } catch (err) {
    await peer.stop();
    dir.cleanup();
    throw err;
  }
  return proc;
}

/** `node ../shared/bench/targets.mjs`: `targets` synthetic targets from `port` on, each with `series` series. */
export async function startBenchTargets(targets: number, series: number, durationS: number): Promise<Child & { ports: number[] }> {
  // Consecutive ports are needed; probe a few random bases until all are free.
  for (let attempt = 0; attempt < 5; attempt++) {
    const base = await freePort();
    const peer = spawnChild(process.execPath, [join(BENCH_DIR, 'targets.mjs'), '--targets', String(targets), '--series', String(series), '--port', String(base), '--duration', String(durationS)]);
    try {
      await pollUntil('bench targets', 10_000, 50, async () => {
        if (peer.exited()) throw new Error(peer.output());
        return peer.output().includes('"targets_ready"') ? true : undefined;
      });
      return { ...peer, ports: Array.from({ length: targets }, (_, i) => base + i) };
    } catch {
      await peer.stop();
    }
  }
  throw new Error('could not start the bench targets');
}

/** Starts `examples/express-app/app.js` on an ephemeral port; resolves once listening. */
export async function startExampleApp(): Promise<Child & { port: number; flavour: string }> {
  const peer = spawnChild(process.execPath, [join(repoRoot, 'examples/express-app/app.js')], { PORT: '0', HOST: '127.0.0.1' });
  const m = await pollUntil('the example app to listen', 10_000, 20, async () => {
    if (peer.exited()) throw new Error(`example app exited:\n${peer.output()}`);
    return /listening on http:\/\/[^:]+:(\d+) \(([^)]+)\)/.exec(peer.output()) ?? undefined;
  });
  return { ...peer, port: Number(m[1]), flavour: m[2]! };
}
