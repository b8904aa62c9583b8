/**
 * Compatibility with the real `promtool` (Debian's Prometheus 2.42): it must read blocks Ignis
 * writes (`tsdb list`, `dump`, `analyze`), and Ignis must read blocks promtool writes
 * (`create-blocks-from openmetrics`), sample for sample and chunk byte for chunk byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, newMatcher, quoteString } from '../../model/labels/index.js';
import { ValueType } from '../../storage/index.js';
import { findBinary, skipWithoutBinary } from '../../../test/support/peers.js';
import { rng } from '../../../test/support/rng.js';
import { floatFromBits, STALE_NAN, XorChunk, XorIterator } from '../chunkenc/index.js';
import { BlockWriter, type BlockChunk } from './block-writer.js';
import { Block } from './block.js';

const skip = skipWithoutBinary('promtool');

function promtool(...args: string[]): string {
  return execFileSync(findBinary('promtool')!, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'ignis-promtool-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Go's `labels.String()`. */
function goLabels(l: Labels): string {
  const parts: string[] = [];
  l.forEach((n, v) => parts.push(`${n}=${quoteString(v)}`));
  return `{${parts.join(', ')}}`;
}

/** Samples per series (Go label string) from `promtool tsdb dump` output. */
function parseDump(out: string): Map<string, [number, number][]> {
  const m = new Map<string, [number, number][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const j = line.lastIndexOf(' ');
    const i = line.lastIndexOf(' ', j - 1);
    const lbls = line.slice(0, i);
    const vs = line.slice(i + 1, j);
    const v = vs === '+Inf' ? Infinity : vs === '-Inf' ? -Infinity : Number(vs);
    if (Number.isNaN(v) && vs !== 'NaN') throw new Error(`unparsable dump line ${line}`);
    const rows = m.get(lbls) ?? [];
    rows.push([Number(line.slice(j + 1)), v]);
    m.set(lbls, rows);
  }
  return m;
}

const VALUES = ['a', 'b c', 'é', 'x"y\\z', '\u{1F600}', '\uE000', '\uFFFD', 'tab\there', '0', 'zz'];

interface Gen {
  labels: Labels;
  t: number[];
  /** Values as bit patterns: the stale marker must not pass through a double array. */
  hi: Uint32Array;
  lo: Uint32Array;
}

function generate(seed: number, n: number, t0: number): Gen[] {
  const r = rng(seed);
  const seen = new Set<string>();
  const out: Gen[] = [];
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  while (out.length < n) {
    const labels = Labels.fromStrings('__name__', `metric_${Math.floor(r() * 4)}`, 'job', VALUES[Math.floor(r() * VALUES.length)]!, 'inst', `i${Math.floor(r() * 50)}`);
    if (seen.has(labels.toString())) continue;
    seen.add(labels.toString());
    const len = 1 + Math.floor(r() * 400);
    const g: Gen = { labels, t: [], hi: new Uint32Array(len), lo: new Uint32Array(len) };
    let ts = t0 + Math.floor(r() * 10_000);
    let v = Math.floor(r() * 1000);
    for (let i = 0; i < len; i++) {
      g.t.push(ts);
      const k = r();
      v += Math.floor(r() * 100) / 4;
      f64[0] = k < 0.02 ? NaN : k < 0.03 ? Infinity : k < 0.04 ? -Infinity : k < 0.05 ? -0 : v;
      if (k >= 0.05 && k < 0.07) f64[0] = STALE_NAN;
      g.hi[i] = u32[1]!;
      g.lo[i] = u32[0]!;
      ts += r() < 0.05 ? 1 + Math.floor(r() * 4_000_000) : 15_000 + Math.floor(r() * 7) - 3;
    }
    out.push(g);
  }
  return out;
}

function chunksOf(g: Gen, per = 120): BlockChunk[] {
  const out: BlockChunk[] = [];
  for (let i = 0; i < g.t.length; i += per) {
    const c = new XorChunk();
    const a = c.appender();
    const end = Math.min(g.t.length, i + per);
    for (let k = i; k < end; k++) a.append(g.t[k]!, floatFromBits(g.hi[k]!, g.lo[k]!));
    out.push({ mint: g.t[i]!, maxt: g.t[end - 1]!, chunk: c });
  }
  return out;
}

function sameSamples(got: [number, number][] | undefined, want: [number, number][], what: string): void {
  assert.ok(got, `${what}: missing`);
  assert.equal(got.length, want.length, `${what}: sample count`);
  for (let i = 0; i < want.length; i++) {
    assert.equal(got[i]![0], want[i]![0], `${what}: t[${i}]`);
    assert.ok(Object.is(got[i]![1], want[i]![1]) || (Number.isNaN(got[i]![1]) && Number.isNaN(want[i]![1])), `${what}: v[${i}] ${got[i]![1]} != ${want[i]![1]}`);
  }
}

for (const [seed, segmentSize] of [[1, undefined], [2, 4096]] as const) {
  test(`promtool list/dump/analyze read a block written by Ignis (seed ${seed}, ${segmentSize ? `${segmentSize}-byte` : 'default'} segments)`, { skip, timeout: 120_000 }, (t) => {
    const dir = tmp(t);
    const series = generate(seed, 150, 1_704_067_200_000);
    const w = new BlockWriter(dir, segmentSize ? { segmentSize } : {});
    for (const g of series) w.addSeries(g.labels, chunksOf(g));
    const meta = w.commit();
    mkdirSync(join(dir, 'wal'));
    if (segmentSize) assert.ok(readdirSync(join(dir, meta.ulid, 'chunks')).length > 10);

    const list = promtool('tsdb', 'list', dir);
    const row = list.split('\n').find((l) => l.startsWith(meta.ulid));
    assert.ok(row, list);
    const cols = row.trim().split(/\s+/);
    assert.equal(Number(cols[1]), meta.minTime);
    assert.equal(Number(cols[2]), meta.maxTime);
    assert.equal(Number(cols[4]), meta.stats.numSamples);
    assert.equal(Number(cols[5]), meta.stats.numChunks);
    assert.equal(Number(cols[6]), 150);

    const dump = parseDump(promtool('tsdb', 'dump', dir));
    assert.equal(dump.size, series.length);
    for (const g of series) {
      const want = g.t.map((ts, i): [number, number] => [ts, floatFromBits(g.hi[i]!, g.lo[i]!)]);
      sameSamples(dump.get(goLabels(g.labels)), want, goLabels(g.labels));
    }
    // A selective match makes Prometheus binary-search our symbol and postings tables, so
    // their sort order must be Go's, including astral versus private-use characters.
    for (const value of ['\u{1F600}', '\uE000', 'é', 'x"y\\z']) {
      const sel = `{job=${JSON.stringify(value)}}`;
      const got = parseDump(promtool('tsdb', 'dump', `--match=${sel}`, dir));
      const want = series.filter((g) => g.labels.get('job') === value).map((g) => goLabels(g.labels)).sort();
      assert.deepEqual([...got.keys()].sort(), want, sel);
    }

    const analyze = promtool('tsdb', 'analyze', '--extended', dir, meta.ulid);
    assert.match(analyze, new RegExp(`Block ID: ${meta.ulid}`));
    assert.match(analyze, /Series: 150/);
  });
}

/** A small OpenMetrics backfill file: counters and gauges over 5 hours, NaN/±Inf included. */
function openMetrics(seed: number, start: number): string {
  const r = rng(seed);
  const lines: string[] = [];
  for (const [fam, type] of [['reqs', 'counter'], ['temp', 'gauge'], ['mem_bytes', 'gauge']] as const) {
    lines.push(`# TYPE ${fam} ${type}`);
    for (let s = 0; s < 8; s++) {
      let v = Math.floor(r() * 1e6);
      let ts = start * 1000 + Math.floor(r() * 1000);
      for (let i = 0; i < 1200; i++) {
        const k = r();
        v = type === 'counter' ? v + Math.floor(r() * 50) : Math.round((v + (r() - 0.5) * 4096) * 100) / 100;
        const val = k < 0.01 ? 'NaN' : k < 0.015 ? '+Inf' : k < 0.02 ? '-Inf' : String(v);
        lines.push(`${fam}${type === 'counter' ? '_total' : ''}{host="h${s}",dc="d${s % 3}"} ${val} ${(ts / 1000).toFixed(3)}`);
        ts += 15_000 + Math.floor(r() * 5) - 2;
      }
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

test('Ignis reads blocks created by promtool create-blocks-from openmetrics: same samples; rewriting them gives byte-identical files', { skip, timeout: 180_000 }, (t) => {
  const dir = tmp(t);
  const om = join(dir, 'in.om');
  writeFileSync(om, openMetrics(3, 1_704_067_200));
  const data = join(dir, 'data');
  promtool('tsdb', 'create-blocks-from', 'openmetrics', om, data);
  const blocks = readdirSync(data).filter((d) => /^[0-9A-Z]{26}$/.test(d)).sort();
  assert.ok(blocks.length >= 3, `expected several 2h blocks, got ${blocks.join(',')}`);
  mkdirSync(join(data, 'wal'));
  const want = parseDump(promtool('tsdb', 'dump', data));

  const got = new Map<string, [number, number][]>();
  let chunks = 0;
  const it = new XorIterator();
  for (const id of blocks) {
    const b = Block.open(join(data, id));
    const q = b.querier(-Infinity, Infinity);
    const set = q.select(true, undefined, newMatcher('=~', '__name__', '.+'));
    while (set.next()) {
      const s = set.at();
      const key = goLabels(s.labels);
      const rows = got.get(key) ?? [];
      const sit = s.iterator();
      while (sit.next() === ValueType.Float) rows.push([sit.atT(), sit.at()]);
      assert.equal(sit.err(), undefined);
      got.set(key, rows);
    }
    assert.equal(set.err(), undefined);
    q.close();
    // Re-encode every chunk from its decoded samples: our encoder must produce upstream's bytes.
    // Then write those chunks as a block with the same identity: every file must be identical.
    const rewrite = new BlockWriter(join(dir, 'rewrite'), { ulid: id, mint: b.meta.minTime, maxt: b.meta.maxTime });
    const p = b.index.allPostings();
    while (p.next()) {
      const series = b.index.series(p.at());
      const encoded: BlockChunk[] = [];
      for (const meta of series.chunks) {
        const { data: bytes } = b.chunks.chunkBytes(meta.ref);
        it.reset(bytes);
        const c = new XorChunk();
        const a = c.appender();
        let first = true;
        while (it.next() === ValueType.Float) {
          if (first) assert.equal(it.atT(), meta.mint);
          first = false;
          a.append(it.atT(), floatFromBits(it.valueHi(), it.valueLo()));
        }
        assert.equal(it.atT(), meta.maxt);
        assert.deepEqual(Buffer.from(c.bytes()), Buffer.from(bytes), `chunk ${meta.ref} of block ${id}`);
        encoded.push({ mint: meta.mint, maxt: meta.maxt, chunk: c });
        chunks++;
      }
      rewrite.addSeries(series.labels, encoded);
    }
    rewrite.commit();
    for (const f of ['chunks/000001', 'index', 'tombstones', 'meta.json']) {
      assert.ok(readFileSync(join(data, id, f)).equals(readFileSync(join(dir, 'rewrite', id, f))), `${f} of block ${id} differs from upstream's`);
    }
    await_(b.close());
  }
  assert.ok(chunks > 100);
  assert.equal(got.size, want.size);
  for (const [k, rows] of want) sameSamples(got.get(k), rows, k);
});

function await_(p: Promise<void>): void {
  void p;
}
