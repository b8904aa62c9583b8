/**
 * Opening a block with a big index: how long `Block.openAsync` holds the event loop (the index
 * reader's symbol and postings-offset tables), the heap it keeps, and what the lookups that
 * depend on those tables cost afterwards. Writes one block with the block writer: `--series`
 * series (default 500,000), each with its own `id` value (so ≥ that many label values) plus a
 * few low-cardinality labels, one 4-sample chunk each. Run with `--expose-gc` for heap numbers.
 * Prints one JSON line:
 *
 *   {"bench":"block_open","series":…,"label_values":…,"index_bytes":…,"open_ms":…,
 *    "longest_stall_ms":…,"longest_busy_stall_ms":…,"sync_parse_ms":…,
 *    "heap_retained_mb":…,"label_values_ms":…,"postings_lookup_us":…}
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { longestStall } from './support/loop-stall.js';
import { Labels } from '../src/model/labels/index.js';
import { XorChunk } from '../src/tsdb/chunkenc/index.js';
import { Block, BlockWriter } from '../src/tsdb/block/index.js';
import { IndexReader } from '../src/tsdb/index/index.js';

const { values: args } = parseArgs({ options: { series: { type: 'string', default: '500000' }, dir: { type: 'string' }, rounds: { type: 'string', default: '3' } } });
const SERIES = Number(args.series);
const ROUNDS = Number(args.rounds);
const T0 = 1_700_000_000_000;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Writes the bench block into `parent` (or reuses one found there) and returns its directory. */
async function writeBlock(parent: string): Promise<string> {
  const existing = fs.readdirSync(parent).filter((d) => fs.existsSync(join(parent, d, 'meta.json')));
  if (existing.length > 0) return join(parent, existing[0]!);
  const w = new BlockWriter(parent, { mint: T0, maxt: T0 + 7200_000 });
  for (let i = 0; i < SERIES; i++) {
    const c = new XorChunk();
    const a = c.appender();
    for (let k = 0; k < 4; k++) a.append(T0 + k * 15_000, i + k);
    const labels = Labels.fromStrings('__name__', `bench_metric_${i % 50}`, 'id', `series-${i.toString(36).padStart(6, '0')}`, 'instance', `host-${i % 1000}`, 'job', `job-${i % 10}`);
    w.addSeries(labels, [{ mint: T0, maxt: T0 + 45_000, chunk: c }]);
  }
  const meta = await w.commit();
  return join(parent, meta.ulid);
}

async function main(): Promise<void> {
  const parent = args.dir ?? fs.mkdtempSync(join(os.tmpdir(), 'ignis-block-open-bench-'));
  fs.mkdirSync(parent, { recursive: true });
  try {
    const dir = await writeBlock(parent);
    for (let r = 0; r < ROUNDS; r++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const { v: block, ms, stallMs, busyMs } = await longestStall(() => Block.openAsync(dir));
      gc();
      const retained = process.memoryUsage().heapUsed - before;
      const idx = block.index;
      // The same tables parsed in one synchronous go (what the loop would be held without slices).
      const image = fs.readFileSync(join(dir, 'index'));
      let t0 = performance.now();
      IndexReader.fromBuffer(image, 'index');
      const syncParseMs = performance.now() - t0;
      t0 = performance.now();
      const values = idx.labelValues('id');
      const labelValuesMs = performance.now() - t0;
      const probes = 10_000;
      t0 = performance.now();
      let found = 0;
      for (let i = 0; i < probes; i++) {
        const p = idx.postings('id', [values[(i * 7919) % values.length]!]);
        if (p.next()) found++;
      }
      const lookupUs = ((performance.now() - t0) * 1000) / probes;
      console.log(
        JSON.stringify({
          bench: 'block_open',
          series: SERIES,
          label_values: values.length,
          index_bytes: idx.size(),
          open_ms: Math.round(ms),
          longest_stall_ms: Math.round(stallMs * 10) / 10,
          longest_busy_stall_ms: Math.round(busyMs * 10) / 10,
          sync_parse_ms: Math.round(syncParseMs),
          heap_retained_mb: Math.round(retained / 1e5) / 10,
          label_values_ms: Math.round(labelValuesMs * 10) / 10,
          postings_lookup_us: Math.round(lookupUs * 10) / 10,
          found,
          load: os.loadavg()[0]!.toFixed(2),
        }),
      );
      await block.close();
    }
  } finally {
    if (args.dir === undefined) fs.rmSync(parent, { recursive: true, force: true });
  }
}

await main();
