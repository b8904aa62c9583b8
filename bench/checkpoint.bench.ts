/**
 * Head truncation with a WAL checkpoint at `--series` live series (default 1,000,000): how long
 * `Head.truncate` takes and the longest event-loop stall meanwhile (the in-memory pass, the set of
 * series the checkpoint keeps, the hand-over to the checkpoint worker, segment deletion). Every
 * series has a sample before and after the truncation point, so all of them survive and the
 * checkpoint keeps all their series records. Before that, the checkpoint's keep-set pass alone:
 * in one synchronous go (as before it was sliced) and sliced (as now). Prints one JSON line per
 * round:
 *
 *   {"bench":"head_truncate_checkpoint","series":…,"keep_set_one_pass_ms":…,
 *    "keep_set_sliced_longest_stall_ms":…,"seconds":…,"longest_stall_ms":…,"load":…}
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { longestStall } from './support/loop-stall.js';
import { Labels } from '../src/model/labels/index.js';
import { Head } from '../src/tsdb/head/index.js';
import { buildRefBitmap, setRef } from '../src/tsdb/wlog/index.js';

const { values: args } = parseArgs({ options: { series: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '2' } } });
const SERIES = Number(args.series);
const ROUNDS = Number(args.rounds);
const HOUR = 3600_000;
const BATCH = 20_000;

async function round(r: number): Promise<void> {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'ignis-checkpoint-bench-'));
  try {
    const head = await Head.open({ walDir: join(dir, 'wal'), walSegmentSize: 8 << 20 });
    const labels = Array.from({ length: SERIES }, (_, i) => Labels.fromStrings('__name__', `m${i % 100}`, 'instance', `host-${Math.floor(i / 100)}`, 'job', 'bench'));
    const refs = new Array<number>(SERIES).fill(0);
    // A sample at 0 and one after 2h for each series: the truncation at 2h drops the first chunk only.
    for (const t of [0, 2 * HOUR + 1000]) {
      for (let i = 0; i < SERIES; i += BATCH) {
        const a = head.appender();
        for (let k = i; k < Math.min(SERIES, i + BATCH); k++) refs[k] = a.append(refs[k]!, labels[k]!, t, k);
        await a.commit();
      }
    }
    // The keep-set pass alone: one synchronous pass over a snapshot of the references (as
    // before slicing) against the sliced walk over the series table that the checkpoint uses.
    const store = head.series;
    const oneGo = await longestStall(async () => {
      const bits = new Uint8Array(Math.floor(head.lastRef / 8) + 1);
      for (const ref of store.refs()) setRef(bits, ref);
    });
    const sliced = await longestStall(() => buildRefBitmap(head.lastRef, store.slotCount(), (slot) => (store.slotOf(store.refAt(slot)) === slot ? store.refAt(slot) : -1)));
    const { ms, stallMs, busyMs } = await longestStall(() => head.truncate(2 * HOUR));
    const checkpoints = fs.readdirSync(join(dir, 'wal')).filter((f) => f.startsWith('checkpoint.'));
    console.log(
      JSON.stringify({
        bench: 'head_truncate_checkpoint',
        round: r,
        series: SERIES,
        live_series: head.series.size,
        checkpoints: checkpoints.length,
        keep_set_one_pass_ms: Math.round(oneGo.stallMs * 10) / 10,
        keep_set_one_pass_busy_ms: Math.round(oneGo.busyMs * 10) / 10,
        keep_set_sliced_longest_busy_ms: Math.round(sliced.busyMs * 10) / 10,
        keep_set_sliced_longest_stall_ms: Math.round(sliced.stallMs * 10) / 10,
        keep_set_sliced_total_ms: Math.round(sliced.ms * 10) / 10,
        seconds: Math.round(ms) / 1000,
        longest_stall_ms: Math.round(stallMs * 10) / 10,
        longest_busy_stall_ms: Math.round(busyMs * 10) / 10,
        load: os.loadavg()[0]!.toFixed(2),
      }),
    );
    await head.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (let r = 0; r < ROUNDS; r++) await round(r);
