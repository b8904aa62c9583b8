/**
 * XOR chunk encode/decode throughput and size on realistic scrape data, printed as JSON lines
 * (`{"kind":"chunkenc", …}`), one per data set; and, when `promtool` and the shared generator
 * exist, a side-by-side with Prometheus on the same backfill data (`{"kind":"chunkenc_vs_promtool"}`:
 * bytes per sample of promtool's block and of Ignis re-encoding the same samples, block write
 * and read throughput). Data: 120-sample chunks (one per series, as the
 * head cuts them) at a 15 s interval, exact or with ±2 ms timestamp jitter, for integer counters,
 * random-walk gauges and fractional CPU-seconds counters; plus, when `../shared/bench/model.mjs`
 * exists, the shared node_exporter-like model behind BASELINE.md (Prometheus: 2.61 B/sample
 * exact, 4.29 B/sample with ±3 ms jitter on that model).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMatcher } from '../src/model/labels/index.js';
import { ValueType, type SampleIterator } from '../src/storage/index.js';
import { XorChunk, XorIterator, floatFromBits } from '../src/tsdb/chunkenc/index.js';
import { Block, BlockWriter, type BlockChunk } from '../src/tsdb/block/index.js';
import { findBinary } from '../test/support/peers.js';
import { rng } from '../test/support/rng.js';

const SAMPLES = 120;
const STEP_MS = 15_000;
const T0 = 1_704_067_200_000;

interface DataSet {
  name: string;
  series: number;
  /** `series * SAMPLES` timestamps and values, series-major. */
  t: Float64Array;
  v: Float64Array;
}

function synthetic(kind: 'counter' | 'gauge' | 'cpu' | 'mixed', series: number, jitterMs: number): DataSet {
  const r = rng(42);
  const t = new Float64Array(series * SAMPLES);
  const v = new Float64Array(series * SAMPLES);
  for (let s = 0; s < series; s++) {
    const k = kind === 'mixed' ? (['counter', 'gauge', 'cpu'] as const)[s % 3]! : kind;
    const rate = Math.floor(r() * 50);
    let x = k === 'gauge' ? Math.round(r() * 4e9 / 4096) * 4096 : Math.floor(r() * 1e6);
    for (let i = 0; i < SAMPLES; i++) {
      const j = jitterMs > 0 ? Math.round((r() * 2 - 1) * jitterMs) : 0;
      t[s * SAMPLES + i] = T0 + i * STEP_MS + j;
      if (k === 'counter') x += Math.floor(rate * 15 * (0.5 + r()));
      else if (k === 'gauge') x += r() < 0.5 ? 0 : Math.round((r() * 2 - 1) * 64) * 4096;
      else x = Math.round((x + 15 * (rate / 50) * r()) * 100) / 100;
      v[s * SAMPLES + i] = x;
    }
  }
  return { name: `${kind}${jitterMs ? `-jitter${jitterMs}ms` : ''}`, series, t, v };
}

async function sharedModel(series: number, jitterMs: number): Promise<DataSet | undefined> {
  const path = new URL('../../../shared/bench/model.mjs', import.meta.url).pathname;
  if (!existsSync(path)) return undefined;
  const m = (await import(path)) as {
    buildTarget(o: { seed: number; target: number; series: number }): { n: number };
    TargetState: new (model: unknown, seed: number, target: number) => { step(): void; v: ArrayLike<number> };
    mulberry32(seed: number): () => number;
  };
  const model = m.buildTarget({ seed: 1, target: 0, series });
  const st = new m.TargetState(model, 1, 0);
  const n = model.n;
  const jr = m.mulberry32(31);
  const t = new Float64Array(n * SAMPLES);
  const v = new Float64Array(n * SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    for (let k = 0; k < 15; k++) st.step();
    const ts = T0 + i * STEP_MS + (jitterMs > 0 ? Math.round((jr() * 2 - 1) * jitterMs) : 0);
    for (let s = 0; s < n; s++) {
      t[s * SAMPLES + i] = ts;
      v[s * SAMPLES + i] = st.v[s]!;
    }
  }
  return { name: `shared-model${jitterMs ? `-jitter${jitterMs}ms` : ''}`, series: n, t, v };
}

function encodeAll(d: DataSet): XorChunk[] {
  const out: XorChunk[] = new Array(d.series);
  for (let s = 0; s < d.series; s++) {
    const c = new XorChunk(256);
    const a = c.appender();
    const base = s * SAMPLES;
    for (let i = 0; i < SAMPLES; i++) a.append(d.t[base + i]!, d.v[base + i]!);
    out[s] = c;
  }
  return out;
}

function decodeAll(chunks: XorChunk[], it: XorIterator): number {
  let sum = 0;
  for (const c of chunks) {
    it.reset(c.bytes());
    while (it.next() === ValueType.Float) sum += it.atT() & 1;
  }
  return sum;
}

/** Best samples/s over `rounds` runs of at least ~200 ms each. */
function measure(samples: number, fn: () => void): number {
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      fn();
      n++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < 0.2);
    best = Math.max(best, (samples * n) / elapsed);
  }
  return best;
}

async function main(): Promise<void> {
  const series = Number(process.env.CHUNKENC_BENCH_SERIES ?? 10_000);
  const sets: DataSet[] = [
    synthetic('counter', series, 0),
    synthetic('gauge', series, 0),
    synthetic('cpu', series, 0),
    synthetic('mixed', series, 2),
  ];
  for (const j of [0, 3]) {
    const m = await sharedModel(series, j);
    if (m) sets.push(m);
  }
  const it = new XorIterator();
  for (const d of sets) {
    const samples = d.series * SAMPLES;
    const chunks = encodeAll(d);
    let bytes = 0;
    for (const c of chunks) bytes += c.bytes().length;
    // Verify before timing: a benchmark of a wrong codec is worthless.
    let ok = true;
    for (let s = 0; s < d.series && ok; s++) {
      it.reset(chunks[s]!.bytes());
      for (let i = 0; i < SAMPLES; i++) {
        if (it.next() !== ValueType.Float || it.atT() !== d.t[s * SAMPLES + i] || !Object.is(it.at(), d.v[s * SAMPLES + i])) ok = false;
      }
    }
    if (!ok) throw new Error(`round trip failed on ${d.name}`);
    const enc = measure(samples, () => encodeAll(d));
    const dec = measure(samples, () => decodeAll(chunks, it));
    console.log(
      JSON.stringify({
        kind: 'chunkenc',
        data: d.name,
        series: d.series,
        samples,
        samples_per_chunk: SAMPLES,
        encode_samples_per_s: Math.round(enc),
        decode_samples_per_s: Math.round(dec),
        chunk_bytes_per_sample: +(bytes / samples).toFixed(4),
        segment_bytes_per_sample: +((bytes + d.series * (2 + 1 + 4)) / samples).toFixed(4),
      }),
    );
  }
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

/**
 * Backfills the shared model with promtool, reads the block with Ignis, re-encodes it two ways
 * (same chunk boundaries as Prometheus, and plain 120-sample chunks) and writes Ignis blocks.
 */
function versusPromtool(): void {
  const promtool = findBinary('promtool');
  const gen = new URL('../../../shared/bench/gen-openmetrics.mjs', import.meta.url).pathname;
  if (!promtool || !existsSync(gen)) {
    console.log(JSON.stringify({ kind: 'chunkenc_vs_promtool', skipped: 'promtool or ../shared/bench/gen-openmetrics.mjs missing' }));
    return;
  }
  const series = Number(process.env.CHUNKENC_BENCH_OM_SERIES ?? 2000);
  const dir = mkdtempSync(join(tmpdir(), 'ignis-bench-chunkenc-'));
  try {
    const om = join(dir, 'in.om');
    execFileSync(process.execPath, [gen, '--out', om, '--series', String(series), '--hours', '2', '--step', '15'], { stdio: 'ignore' });
    const t0 = performance.now();
    execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, join(dir, 'prom')], { stdio: 'ignore' });
    const promMs = performance.now() - t0;
    const ids = readdirSync(join(dir, 'prom')).filter((d) => d.length === 26);
    let promBytes = 0;
    let promChunkBytes = 0;
    let samples = 0;
    let sameBytes = 0;
    let cut120Bytes = 0;
    let readMs = 0;
    let readSamples = 0;
    let reencodeMs = 0;
    let writeMs = 0;
    let ignisBytes = 0;
    for (const id of ids) {
      const b = Block.open(join(dir, 'prom', id));
      promBytes += dirBytes(b.dir);
      promChunkBytes += dirBytes(join(b.dir, 'chunks'));
      // Pure read: select everything and iterate every sample; best of 5 passes (warm JIT).
      let bestMs = Infinity;
      let n = 0;
      for (let pass = 0; pass < 5; pass++) {
        const r0 = performance.now();
        const rq = b.querier(-Infinity, Infinity);
        const rset = rq.select(false, undefined, newMatcher('=~', '__name__', '.+'));
        let rit: SampleIterator | undefined;
        n = 0;
        while (rset.next()) {
          rit = rset.at().iterator(rit);
          while (rit.next() === ValueType.Float) n++;
        }
        rq.close();
        bestMs = Math.min(bestMs, performance.now() - r0);
      }
      readMs += bestMs;
      readSamples += n;
      const w = new BlockWriter(join(dir, 'ignis'), { mint: b.meta.minTime, maxt: b.meta.maxTime });
      const e0 = performance.now();
      const q = b.querier(-Infinity, Infinity);
      const set = q.select(false, undefined, newMatcher('=~', '__name__', '.+'));
      const ts: number[] = [];
      const hi: number[] = [];
      const lo: number[] = [];
      let it: XorIterator | undefined;
      const inner = new XorIterator();
      while (set.next()) {
        const s = set.at();
        const blockSeries = s as unknown as { chunks: readonly { ref: number; mint: number; maxt: number }[] };
        ts.length = hi.length = lo.length = 0;
        // Same boundaries: re-encode chunk by chunk.
        const same: BlockChunk[] = [];
        for (const m of blockSeries.chunks) {
          inner.reset(b.chunks.chunkBytes(m.ref).data);
          const c = new XorChunk();
          const a = c.appender();
          while (inner.next() === ValueType.Float) {
            a.append(inner.atT(), floatFromBits(inner.valueHi(), inner.valueLo()));
            ts.push(inner.atT());
            hi.push(inner.valueHi());
            lo.push(inner.valueLo());
          }
          sameBytes += c.bytes().length;
          same.push({ mint: m.mint, maxt: m.maxt, chunk: c });
        }
        samples += ts.length;
        for (let i = 0; i < ts.length; i += 120) {
          const c = new XorChunk();
          const a = c.appender();
          for (let k = i; k < Math.min(ts.length, i + 120); k++) a.append(ts[k]!, floatFromBits(hi[k]!, lo[k]!));
          cut120Bytes += c.bytes().length;
        }
        w.addSeries(s.labels, same);
        it ??= inner;
      }
      q.close();
      reencodeMs += performance.now() - e0;
      const w0 = performance.now();
      const meta = w.commit();
      writeMs += performance.now() - w0;
      ignisBytes += dirBytes(join(dir, 'ignis', meta.ulid));
      void b.close();
    }
    console.log(
      JSON.stringify({
        kind: 'chunkenc_vs_promtool',
        data: `shared-model ${series} series x 2h @15s`,
        samples,
        blocks: ids.length,
        promtool_block_bytes_per_sample: +(promBytes / samples).toFixed(4),
        promtool_chunk_bytes_per_sample: +(promChunkBytes / samples).toFixed(4),
        ignis_block_bytes_per_sample: +(ignisBytes / samples).toFixed(4),
        ignis_over_promtool_block_bytes: +(ignisBytes / promBytes).toFixed(4),
        ignis_same_boundaries_chunk_data_bytes_per_sample: +(sameBytes / samples).toFixed(4),
        ignis_cut120_chunk_data_bytes_per_sample: +(cut120Bytes / samples).toFixed(4),
        promtool_backfill_s: +(promMs / 1000).toFixed(2),
        ignis_block_read_samples_per_s: Math.round(readSamples / (readMs / 1000)),
        ignis_decode_reencode_samples_per_s: Math.round(samples / (reencodeMs / 1000)),
        ignis_block_write_samples_per_s: Math.round(samples / (writeMs / 1000)),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
versusPromtool();
