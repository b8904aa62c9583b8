/**
 * The TSDB against the real Prometheus 2.42 and promtool (Debian's): a data directory moves from
 * Prometheus to Ignis and back.
 *
 * 1. Prometheus scrapes a loopback target (a body that changes on every scrape, with NaN, ±Inf
 *    and odd label values) and itself for ~25 s with 10 s blocks (the hidden
 *    `--storage.tsdb.min-block-duration` flag, accepted by 2.42), then is killed with SIGKILL.
 * 2. `promtool tsdb dump` of that directory (blocks + WAL) equals what Ignis' DB reads from it.
 * 3. Ignis appends more data, cuts and compacts blocks (together with Prometheus' blocks), closes.
 * 4. `promtool tsdb list` shows Ignis' blocks with their counts, `analyze` reads the newest one,
 *    and `dump` equals everything Ignis holds (its blocks and its WAL).
 * 5. Prometheus opens the directory again and answers queries on Ignis' data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher, quoteString } from '../../src/model/labels/index.js';
import { ValueType, type Queryable } from '../../src/storage/index.js';
import { DB } from '../../src/tsdb/db/index.js';
import { findBinary, skipWithoutBinary } from '../support/peers.js';
import { freePort, pollUntil } from './loopback.js';
import { runPeer, startPeer } from './peer-process.js';

const skip = skipWithoutBinary('prometheus') || skipWithoutBinary('promtool');

/** WAL segment files (names) of `dir`. */
function walSegments(dir: string): string[] {
  return fs.readdirSync(join(dir, 'wal')).filter((n) => /^\d+$/.test(n));
}

/** Snappy-flagged record fragments in one WAL segment (page format: 7-byte headers, 32 KiB pages). */
function snappyFragments(file: string): number {
  const b = fs.readFileSync(file);
  let n = 0;
  for (let pos = 0; pos + 7 <= b.length; ) {
    const inPage = pos % 32768;
    if ((b[pos]! & 0x07) === 0 || 32768 - inPage < 7) {
      pos += 32768 - inPage;
      continue;
    }
    if (b[pos]! & 0x08) n++;
    pos += 7 + ((b[pos + 1]! << 8) | b[pos + 2]!);
  }
  return n;
}
const BLOCK_MS = 10_000;

/** Go's `labels.String()`: `{a="b", c="d"}` with Go-quoted values. */
function goLabels(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => parts.push(`${n}=${quoteString(v)}`));
  return `{${parts.join(', ')}}`;
}

type Dump = Map<string, [number, number][]>;

/** Samples per series from `promtool tsdb dump` output (`{labels} value timestamp` lines). */
function parseDump(out: string): Dump {
  const m: Dump = new Map();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const j = line.lastIndexOf(' ');
    const i = line.lastIndexOf(' ', j - 1);
    const vs = line.slice(i + 1, j);
    const v = vs === '+Inf' ? Infinity : vs === '-Inf' ? -Infinity : Number(vs);
    assert.ok(!Number.isNaN(v) || vs === 'NaN', `unparsable dump line ${line}`);
    const key = line.slice(0, i);
    let rows = m.get(key);
    if (rows === undefined) m.set(key, (rows = []));
    rows.push([Number(line.slice(j + 1)), v]);
  }
  return m;
}

/** Everything `q` holds, in the dump's shape. */
function dumpOf(q: Queryable): Dump {
  const querier = q.querier(-Infinity, Infinity);
  const ss = querier.select(true, undefined, newMatcher('=~', '__name__', '.+'));
  const m: Dump = new Map();
  while (ss.next()) {
    const rows: [number, number][] = [];
    const it = ss.at().iterator();
    while (it.next() === ValueType.Float) rows.push([it.atT(), it.at()]);
    assert.equal(it.err(), undefined);
    if (rows.length > 0) m.set(goLabels(ss.at().labels), rows);
  }
  assert.equal(ss.err(), undefined);
  querier.close();
  return m;
}

/** Asserts two dumps hold the same series and samples (NaN equals NaN). */
function sameDump(got: Dump, want: Dump, what: string): number {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: same series`);
  let n = 0;
  for (const [k, rows] of want) {
    const g = got.get(k)!;
    assert.equal(g.length, rows.length, `${what}: sample count of ${k}`);
    for (let i = 0; i < rows.length; i++) {
      const [t, v] = rows[i]!;
      assert.equal(g[i]![0], t, `${what}: timestamp ${i} of ${k}`);
      if (!(Number.isNaN(v) && Number.isNaN(g[i]![1]))) assert.equal(g[i]![1], v, `${what}: value at ${t} of ${k}`);
      n++;
    }
  }
  return n;
}

async function promtool(...args: string[]): Promise<string> {
  const r = await runPeer(findBinary('promtool')!, args, Buffer.alloc(0), 120_000);
  assert.equal(r.code, 0, `promtool ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** A target whose body changes on every scrape. */
async function changingTarget(): Promise<{ port: number; close(): Promise<void> }> {
  let n = 0;
  const srv = createServer((_req, res) => {
    n++;
    const body = [
      '# TYPE ignis_compat_requests counter',
      `ignis_compat_requests{path="/a"} ${n}`,
      `ignis_compat_requests{path="/b"} ${n * 2.5}`,
      '# TYPE ignis_compat_gauge gauge',
      `ignis_compat_gauge{kind="sine"} ${Math.sin(n / 3)}`,
      'ignis_compat_gauge{kind="nan"} NaN',
      `ignis_compat_gauge{kind="inf"} ${n % 2 ? '+Inf' : '-Inf'}`,
      `ignis_compat_gauge{kind="tiny"} ${1e-300 * n}`,
      'ignis_compat_info{v="é \\"q\\" \\\\ \\n", emoji="\u{1F600}"} 1',
      '',
    ].join('\n');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

const blockDirs = (dir: string): string[] => fs.readdirSync(dir).filter((n) => /^[0-9A-Z]{26}$/.test(n));

test('data directory moves between Prometheus 2.42 and Ignis: promtool dump equals what each side holds', { skip, timeout: 240_000 }, async (t) => {
  const root = fs.mkdtempSync(join(os.tmpdir(), 'ignis-prom-compat-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'data');
  const target = await changingTarget();
  t.after(() => target.close());
  const port = await freePort();
  const cfg = join(root, 'prometheus.yml');
  fs.writeFileSync(
    cfg,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: target',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${target.port}']`,
      '  - job_name: prometheus',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${port}']`,
      '',
    ].join('\n'),
  );
  // 1. Prometheus writes blocks and a WAL, then is killed.
  const prom = startPeer(findBinary('prometheus')!, [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.min-block-duration=${BLOCK_MS / 1000}s`,
  ]);
  t.after(() => prom.stop(1000));
  await pollUntil('Prometheus to persist two blocks', 60_000, 250, async () => {
    assert.ok(!prom.exited(), `prometheus exited: ${prom.output()}`);
    return blockDirs(dir).length >= 2 ? true : undefined;
  });
  await new Promise((r) => setTimeout(r, 3000));
  process.kill(prom.pid, 'SIGKILL');
  await prom.stop(0);
  const promBlocks = blockDirs(dir);
  // 2. promtool's view of Prometheus' directory equals Ignis'.
  const p1 = parseDump(await promtool('tsdb', 'dump', dir));
  assert.ok([...p1.keys()].some((k) => k.includes('ignis_compat_info')), 'the target was scraped');
  const logs: string[] = [];
  const promSegments = walSegments(dir);
  let db = await DB.open(dir, { minBlockDurationMs: BLOCK_MS, autoCompaction: false, walCompression: true, logger: (await import('../../src/util/index.js')).createLogger({ write: (l) => logs.push(l) }) });
  const n1 = sameDump(dumpOf(db), p1, 'Ignis reading the Prometheus directory');
  t.diagnostic(`Prometheus wrote ${promBlocks.length} blocks + WAL: ${p1.size} series, ${n1} samples; Ignis reads exactly what promtool dumps`);
  // 3. Ignis continues: 60 s more of a synthetic series family, then cuts and compacts blocks.
  const start = db.head().maxTime() + 1000;
  for (let k = 0; k < 60; k++) {
    const a = db.appender();
    for (let i = 0; i < 20; i++) a.append(0, Labels.fromStrings('__name__', 'ignis_compat_synthetic', 'i', String(i)), start + k * 1000, k * 20 + i + 0.25);
    await a.commit();
  }
  await db.compact();
  const ignisView = dumpOf(db);
  const ours = db.blocks().filter((b) => !promBlocks.includes(b.meta.ulid));
  assert.ok(ours.length >= 1, 'Ignis cut blocks');
  const metas = db.blocks().map((b) => b.meta);
  await db.close();
  const ignisSegments = walSegments(dir).filter((n) => !promSegments.includes(n));
  const compressed = ignisSegments.reduce((a, n) => a + snappyFragments(join(dir, 'wal', n)), 0);
  assert.ok(compressed > 0, `Ignis wrote snappy-compressed WAL records (segments ${ignisSegments.join(',')})`);
  // 4. promtool reads Ignis' directory.
  const list = await promtool('tsdb', 'list', dir);
  for (const m of metas) {
    const line = list.split('\n').find((l) => l.startsWith(m.ulid));
    assert.ok(line, `promtool tsdb list shows ${m.ulid}:\n${list}`);
    const cols = line.trim().split(/\s+/);
    assert.equal(Number(cols[1]), m.minTime);
    assert.equal(Number(cols[2]), m.maxTime);
    assert.equal(Number(cols[4]), m.stats.numSamples);
    assert.equal(Number(cols[6]), m.stats.numSeries);
  }
  const newest = [...metas].sort((a, b) => b.maxTime - a.maxTime)[0]!;
  const analyze = await promtool('tsdb', 'analyze', dir);
  assert.match(analyze, new RegExp(`Block ID: ${newest.ulid}`));
  assert.match(analyze, new RegExp(`Series: ${newest.stats.numSeries}\\b`));
  const p2 = parseDump(await promtool('tsdb', 'dump', dir));
  const n2 = sameDump(p2, ignisView, 'promtool reading the directory Ignis wrote');
  t.diagnostic(`Ignis wrote ${ours.length} blocks (levels ${ours.map((b) => b.meta.compaction.level).join(',')}); promtool list/analyze/dump read them; dump equals Ignis' ${ignisView.size} series, ${n2} samples`);
  // 5. Prometheus opens the directory again and serves Ignis' samples.
  const cfg2 = join(root, 'empty.yml');
  fs.writeFileSync(cfg2, 'global:\n  scrape_interval: 1m\n');
  const port2 = await freePort();
  const prom2 = startPeer(findBinary('prometheus')!, [`--config.file=${cfg2}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port2}`, `--storage.tsdb.min-block-duration=${BLOCK_MS / 1000}s`]);
  t.after(() => prom2.stop(2000));
  await pollUntil('Prometheus ready on the Ignis directory', 60_000, 250, async () => {
    assert.ok(!prom2.exited(), `prometheus exited: ${prom2.output()}`);
    const r = await fetch(`http://127.0.0.1:${port2}/-/ready`);
    return r.status === 200 ? true : undefined;
  });
  const probeT = start + 30 * 1000;
  const r = await fetch(`http://127.0.0.1:${port2}/api/v1/query?query=${encodeURIComponent('ignis_compat_synthetic{i="7"}')}&time=${probeT / 1000}`);
  const body = (await r.json()) as { data: { result: { value: [number, string] }[] } };
  assert.equal(body.data.result.length, 1, JSON.stringify(body));
  assert.equal(Number(body.data.result[0]!.value[1]), 30 * 20 + 7 + 0.25);
  assert.match(logs.join(''), /WAL replay completed/);
  await prom2.stop(5000);
});
