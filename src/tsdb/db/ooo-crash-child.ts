/**
 * Child process of the out-of-order kill -9 test (`ooo-crash.test.ts`): opens a DB (2 s blocks,
 * background compaction on, out-of-order window 10 s) on `argv[2]` and commits forever from
 * commit `argv[3]` on. Commit k holds, for each of `argv[4]` series i, the in-order sample
 * `(k·100 ms, k + i/4096)` and, from k = 4 on, the out-of-order sample `(k·100 − 350 ms,
 * −(k + i/4096))`. Prints `ready k` first and `ack k` once commit k resolved (see
 * `test/support/kill-child.ts`).
 */
import { Labels } from '../../model/labels/index.js';
import { DB } from './db.js';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  let k = Number(process.argv[3]);
  const n = Number(process.argv[4] ?? '50');
  const db = await DB.open(dir, { minBlockDurationMs: 2000, outOfOrderTimeWindowMs: 10_000, walSegmentSize: 256 * 1024 });
  const labels: Labels[] = [];
  for (let i = 0; i < n; i++) labels.push(Labels.fromStrings('__name__', 'ooo_crash', 'i', String(i)));
  process.stdout.write(`ready ${k}\n`);
  for (;;) {
    const a = db.appender();
    for (let i = 0; i < n; i++) {
      const ref = a.append(0, labels[i]!, k * 100, k + i / 4096);
      if (k >= 4) a.append(ref, labels[i]!, k * 100 - 350, -(k + i / 4096));
    }
    await a.commit();
    process.stdout.write(`ack ${k}\n`);
    k++;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ooo crash child failed: ${String(err)}\n`);
  process.exit(2);
});
