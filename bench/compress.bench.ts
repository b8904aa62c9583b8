/**
 * Bytes per sample on disk, Ignis against the real Prometheus, on the same data: the shared
 * generator (`../shared/bench/gen-openmetrics.mjs`; default 10,000 series × 2h at 15 s, the
 * issue's workload) writes one OpenMetrics file, which `ignis tool tsdb create-blocks-from
 * openmetrics` and `promtool tsdb create-blocks-from openmetrics` both backfill (each as its
 * own process, timed). Prints one JSON line per tool (`{"kind":"compress", …}`: samples, chunk,
 * index and block bytes, bytes per sample, wall time) and one comparison line
 * (`{"kind":"compress_ratio", …}`: Ignis ÷ promtool for block and chunk bytes per sample, and
 * whether every chunk/index file is byte-identical). The procedure is `../shared/bench/compress.mjs`'s.
 *
 * Flags: --series N, --hours H, --step S, --jitter MS (timestamp jitter), --keep (keep the work
 * directory). Without promtool only the Ignis line is printed.
 *
 * `--snappy` runs only the WAL-record compression micro-bench instead: snappyjs.compress and
 * remote write's snappyEncode (each a fresh worst-case buffer per call) against util/snappy's
 * compressInto (one reused buffer), on
 * WAL samples records of several sizes, each for `--snappy-ms` ms. One JSON line per size and
 * compressor (`{"kind":"snappy", …}`: MB/s of input, output bytes, and the GCs seen by a
 * PerformanceObserver during the run — all, major (mark-compact), and their total pause).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SnappyJS from 'snappyjs';
import { snappyEncode } from '../src/storage/remote/proto/index.js';
import { readMeta } from '../src/tsdb/block/index.js';
import { SampleBatch, encodeSamplesInto, samplesRecordMaxSize } from '../src/tsdb/record/index.js';
import { snappyCompressInto, snappyMaxCompressedLength } from '../src/util/index.js';
import { conformanceDir, repoRoot } from '../test/support/paths.js';
import { findBinary } from '../test/support/peers.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '2' },
    step: { type: 'string', default: '15' },
    jitter: { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
    snappy: { type: 'boolean', default: false },
    'snappy-ms': { type: 'string', default: '1500' },
  },
});

const GEN = resolve(conformanceDir, '..', 'bench', 'gen-openmetrics.mjs');
const IGNIS = join(repoRoot, 'dist', 'src', 'cmd', 'ignis.js');

interface Sizes {
  blocks: number;
  numSamples: number;
  numSeries: number;
  numChunks: number;
  chunkBytes: number;
  indexBytes: number;
  blockBytes: number;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

function blockDirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^[0-9A-Z]{26}$/.test(n))
    .map((n) => join(dir, n))
    .sort((a, b) => readMeta(a).minTime - readMeta(b).minTime);
}

function measure(dir: string): Sizes {
  const s: Sizes = { blocks: 0, numSamples: 0, numSeries: 0, numChunks: 0, chunkBytes: 0, indexBytes: 0, blockBytes: 0 };
  for (const b of blockDirs(dir)) {
    const m = readMeta(b);
    s.blocks++;
    s.numSamples += m.stats.numSamples ?? 0;
    s.numSeries += m.stats.numSeries ?? 0;
    s.numChunks += m.stats.numChunks ?? 0;
    s.chunkBytes += dirBytes(join(b, 'chunks'));
    s.indexBytes += statSync(join(b, 'index')).size;
    s.blockBytes += dirBytes(b);
  }
  return s;
}

function backfill(tool: string, cmd: string, argv: string[], out: string): Sizes & { wallS: number } {
  const t0 = performance.now();
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  const s = measure(out);
  console.log(
    JSON.stringify({
      kind: 'compress',
      tool,
      ...s,
      chunk_bytes_per_sample: +(s.chunkBytes / s.numSamples).toFixed(4),
      block_bytes_per_sample: +(s.blockBytes / s.numSamples).toFixed(4),
      index_bytes_per_series: +(s.indexBytes / s.numSeries).toFixed(1),
      samples_per_chunk: +(s.numSamples / s.numChunks).toFixed(1),
      import_wall_s: +wallS.toFixed(2),
    }),
  );
  return { ...s, wallS };
}

/** True when every block's index, tombstones and chunk segments are equal byte for byte. */
function identicalBlocks(a: string, b: string): boolean {
  const x = blockDirs(a);
  const y = blockDirs(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const files = ['index', 'tombstones', ...readdirSync(join(x[i]!, 'chunks')).map((c) => join('chunks', c))];
    for (const f of files) {
      if (!existsSync(join(y[i]!, f)) || !readFileSync(join(x[i]!, f)).equals(readFileSync(join(y[i]!, f)))) return false;
    }
  }
  return true;
}

function main(): void {
  if (!existsSync(GEN)) {
    console.log(JSON.stringify({ kind: 'compress', skipped: `${GEN} missing` }));
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'ignis-compress-bench-'));
  try {
    const om = join(work, 'data.om');
    const gen = execFileSync(process.execPath, [GEN, '--out', om, '--targets', '1', '--series', args.series, '--hours', args.hours, '--step', args.step, '--ts-jitter-ms', args.jitter], {
      encoding: 'utf8',
    });
    console.log(gen.trim());
    const ours = backfill('ignis', process.execPath, [IGNIS, 'tool', 'tsdb', 'create-blocks-from', 'openmetrics', '-q', om, join(work, 'ignis')], join(work, 'ignis'));
    const promtool = findBinary('promtool');
    if (!promtool) {
      console.log(JSON.stringify({ kind: 'compress_ratio', skipped: 'promtool not installed' }));
      return;
    }
    const version = execFileSync(promtool, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    const theirs = backfill('promtool', promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', om, join(work, 'promtool')], join(work, 'promtool'));
    console.log(
      JSON.stringify({
        kind: 'compress_ratio',
        promtool_version: version,
        series: Number(args.series),
        hours: Number(args.hours),
        step_s: Number(args.step),
        ts_jitter_ms: Number(args.jitter),
        ignis_block_bytes_per_sample: +(ours.blockBytes / ours.numSamples).toFixed(4),
        promtool_block_bytes_per_sample: +(theirs.blockBytes / theirs.numSamples).toFixed(4),
        block_ratio: +(ours.blockBytes / ours.numSamples / (theirs.blockBytes / theirs.numSamples)).toFixed(4),
        chunk_ratio: +(ours.chunkBytes / ours.numSamples / (theirs.chunkBytes / theirs.numSamples)).toFixed(4),
        same_samples: ours.numSamples === theirs.numSamples && ours.numSeries === theirs.numSeries,
        byte_identical: identicalBlocks(join(work, 'ignis'), join(work, 'promtool')),
        ignis_wall_s: +ours.wallS.toFixed(2),
        promtool_wall_s: +theirs.wallS.toFixed(2),
      }),
    );
  } finally {
    if (args.keep) console.error(`# kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** One WAL samples record of `n` series at one scrape (counter-, gauge- and bucket-like values). */
function samplesRecord(n: number, scrape: number): Uint8Array {
  const batch = new SampleBatch(n);
  const t = 1_700_000_000_000 + scrape * 15_000;
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    const v = kind === 0 ? 1e6 + scrape * 37 + i : kind === 1 ? Math.round(Math.sin(i + scrape) * 1e4) / 100 : kind === 2 ? (i * 13) % 500 : 0;
    batch.push(1000 + i, t + (i % 7 === 0 ? 1 : 0), v);
  }
  const out = new Uint8Array(samplesRecordMaxSize(n));
  return out.slice(0, encodeSamplesInto(out, 0, batch, 0, n));
}

async function snappyBench(): Promise<void> {
  const ms = Number(args['snappy-ms']);
  const gcs: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  const compressors: Record<string, (rec: Uint8Array) => number> = {
    snappyjs: (rec) => SnappyJS.compress(rec).length,
    // Remote write's encoder (Go's algorithm, a fresh Buffer per call).
    remote_proto: (rec) => snappyEncode(rec).length,
    ignis: (() => {
      let buf = new Uint8Array(0);
      return (rec: Uint8Array) => {
        const need = snappyMaxCompressedLength(rec.length);
        if (buf.length < need) buf = new Uint8Array(need);
        return snappyCompressInto(rec, rec.length, buf, 0);
      };
    })(),
  };
  for (const series of [100, 1000, 10_000, 100_000]) {
    const recs = Array.from({ length: 8 }, (_, k) => samplesRecord(series, k));
    for (const [name, fn] of Object.entries(compressors)) {
      for (let i = 0; i < 3; i++) fn(recs[i]!); // warm up
      await new Promise((r) => setTimeout(r, 100));
      gcs.length = 0;
      let bytes = 0;
      let calls = 0;
      let outBytes = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < ms && calls < 10_000_000) {
        const rec = recs[calls % recs.length]!;
        outBytes += fn(rec);
        bytes += rec.length;
        calls++;
      }
      const s = (performance.now() - t0) / 1000;
      // GC entries reach the observer through the event loop: let it deliver the run's.
      await new Promise((r) => setTimeout(r, 100));
      const entries = [...gcs, ...obs.takeRecords()];
      const major = entries.filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
      console.log(
        JSON.stringify({
          kind: 'snappy',
          compressor: name,
          series,
          record_bytes: recs[0]!.length,
          calls,
          mb_per_s: +(bytes / s / 1e6).toFixed(1),
          ratio: +(outBytes / bytes).toFixed(4),
          gc: entries.length,
          gc_major: major.length,
          gc_ms: +entries.reduce((a, e) => a + e.duration, 0).toFixed(1),
          gc_major_ms: +major.reduce((a, e) => a + e.duration, 0).toFixed(1),
        }),
      );
    }
  }
  obs.disconnect();
}

if (args.snappy) await snappyBench();
else main();
