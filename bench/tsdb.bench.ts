/**
 * TSDB background work: how long cutting the head into a block and compacting blocks take, how
 * long the event loop is blocked meanwhile (the worker does the writing), bytes per sample on
 * disk, and a full scan over blocks + head. `--series` series (default 10,000) every `--step` ms
 * (default 15,000) for `--hours` hours (default 10: four 2h blocks and a head). `--no-compaction`
 * and `--no-scan` skip the reopen + block compaction and the scan (at 1 M series only the head cut
 * matters: `--series 1000000 --hours 4 --step 60000`); `--log-slow-ms MS` prints (stderr) every
 * loop gap of the head cut whose main-thread CPU exceeds MS, with its end as `hr_us` (the clock of
 * `--cpu-prof` profiles: process.hrtime in µs). `max_event_loop_delay_ms` is wall
 * clock (on a busy machine it includes waiting for a core); `max_stall_cpu_ms` is the longest
 * stretch the main thread itself kept the loop (`support/loop-stall.ts`). Prints JSON lines:
 *
 *   {"bench":"tsdb_head_cut","series":…,"blocks":…,"seconds":…,"max_event_loop_delay_ms":…,"max_stall_cpu_ms":…}
 *   {"bench":"tsdb_compaction",…}  {"bench":"tsdb_scan","samples_per_sec":…}
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Labels, newMatcher } from '../src/model/labels/index.js';
import { ValueType } from '../src/storage/index.js';
import { DB } from '../src/tsdb/db/index.js';
import { longestStall } from './support/loop-stall.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '10' },
    step: { type: 'string', default: '15000' },
    'no-compaction': { type: 'boolean', default: false },
    'no-scan': { type: 'boolean', default: false },
    'log-slow-ms': { type: 'string', default: '0' },
  },
});
const SERIES = Number(args.series);
const HOURS = Number(args.hours);
const STEP = Number(args.step);
const SLOW_MS = Number(args['log-slow-ms']);
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (54 * 3600_000));

async function measure<T>(fn: () => Promise<T>, slowMs = 0): Promise<{ v: T; seconds: number; maxDelayMs: number; stallCpuMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const onGap = slowMs > 0 ? (wallMs: number, cpuMs: number): void => {
    if (cpuMs > slowMs) process.stderr.write(`slow gap cpu=${cpuMs.toFixed(1)}ms wall=${wallMs.toFixed(1)}ms at ${((performance.now() - t0) / 1000).toFixed(3)}s (hr_us=${process.hrtime.bigint() / 1000n})\n`);
  } : undefined;
  const { v, ms, busyMs } = await longestStall(fn, onGap);
  h.disable();
  return { v, seconds: ms / 1000, maxDelayMs: h.max / 1e6, stallCpuMs: busyMs };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-tsdb-bench-'));
  try {
    const db = await DB.open(dir, { autoCompaction: false, blockCompaction: false });
    const labels = Array.from({ length: SERIES }, (_, i) => Labels.fromStrings('__name__', `bench_metric_${i % 100}`, 'instance', `host-${Math.floor(i / 100)}`, 'i', String(i)));
    const refs = new Array<number>(SERIES).fill(0);
    const steps = (HOURS * 3600_000) / STEP;
    const ingest = await measure(async () => {
      for (let k = 0; k < steps; k++) {
        const a = db.appender();
        for (let i = 0; i < SERIES; i++) refs[i] = a.append(refs[i]!, labels[i]!, T0 + k * STEP, (k * (i % 7)) % 1000);
        await a.commit();
      }
    });
    const samples = steps * SERIES;
    console.log(JSON.stringify({ bench: 'tsdb_ingest', series: SERIES, samples, samples_per_sec: Math.round(samples / ingest.seconds) }));
    const cut = await measure(() => db.compact(), SLOW_MS);
    const blocks = db.blocks();
    const inBlocks = blocks.reduce((n, b) => n + (b.meta.stats.numSamples ?? 0), 0);
    const bytes = blocks.reduce((n, b) => n + b.size(), 0);
    console.log(
      JSON.stringify({
        bench: 'tsdb_head_cut',
        series: SERIES,
        blocks: blocks.length,
        samples: inBlocks,
        seconds: +cut.seconds.toFixed(3),
        max_event_loop_delay_ms: +cut.maxDelayMs.toFixed(1),
        max_stall_cpu_ms: +cut.stallCpuMs.toFixed(1),
        bytes_per_sample: +(bytes / inBlocks).toFixed(3),
      }),
    );
    await db.close();
    if (args['no-compaction'] && args['no-scan']) return;
    const db2 = await DB.open(dir, { autoCompaction: false });
    if (!args['no-compaction']) {
      const comp = await measure(() => db2.compact());
      console.log(
        JSON.stringify({
          bench: 'tsdb_compaction',
          blocks_before: blocks.length,
          blocks_after: db2.blocks().length,
          levels: db2.blocks().map((b) => b.meta.compaction.level),
          seconds: +comp.seconds.toFixed(3),
          max_event_loop_delay_ms: +comp.maxDelayMs.toFixed(1),
          max_stall_cpu_ms: +comp.stallCpuMs.toFixed(1),
        }),
      );
    }
    if (args['no-scan']) {
      await db2.close();
      return;
    }
    const scan = await measure(async () => {
      const q = db2.querier(-Infinity, Infinity);
      const ss = q.select(false, undefined, newMatcher('=~', '__name__', 'bench_metric_.*'));
      let n = 0;
      while (ss.next()) {
        const it = ss.at().iterator();
        while (it.next() === ValueType.Float) n++;
      }
      q.close();
      return n;
    });
    console.log(JSON.stringify({ bench: 'tsdb_scan', samples: scan.v, samples_per_sec: Math.round(scan.v / scan.seconds) }));
    await db2.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
