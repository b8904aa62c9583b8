/**
 * Test helpers for the `ignis tool tsdb` verbs: temporary data directories, hand-made WAL
 * records, a snapshot of a directory tree to prove a read-only command wrote nothing, and the
 * check that a verb fails on a missing data directory as promtool does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Labels } from '../../model/labels/index.js';
import { EncBuf } from '../../tsdb/fileutil/index.js';
import { SampleBatch, encodeSamples, encodeSeries, encodeTombstones } from '../../tsdb/record/index.js';
import { WriteAheadLog } from '../../tsdb/wlog/index.js';
import { runIgnisInProcess } from '../../../test/e2e/run-ignis.js';

/** A new empty directory under the OS temp dir, removed after the test. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'ignis-tsdb-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** One WAL record for a test: series declarations `[ref, labels]`, samples `[ref, t, v]` or tombstones `[ref, mint, maxt]`. */
export interface WalRecord {
  series?: [number, Labels][];
  samples?: [number, number, number][];
  tombstones?: [number, number, number][];
}

/** Appends `records` to the Prometheus-format WAL in `<dataDir>/wal`, in a new segment. */
export async function writeWal(dataDir: string, records: readonly WalRecord[]): Promise<void> {
  const wal = await WriteAheadLog.open(join(dataDir, 'wal'));
  const recs: Uint8Array[] = [];
  for (const r of records) {
    const buf = new EncBuf();
    if (r.series) encodeSeries(buf, r.series.map(([ref, labels]) => ({ ref, labels })));
    else if (r.samples) {
      const b = new SampleBatch();
      for (const [ref, t, v] of r.samples) b.push(ref, t, v);
      encodeSamples(buf, b);
    } else if (r.tombstones) encodeTombstones(buf, r.tombstones.map(([ref, mint, maxt]) => ({ ref, mint, maxt })));
    recs.push(Buffer.from(buf.get()));
  }
  await wal.log(recs);
  await wal.close();
}

/** Every file and directory under `dir` with sizes and modification times, sorted. */
export function treeSnapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    out.push(d);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.push(`${p} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Runs `ignis tool tsdb <verb> <parent>/nope` (a data directory that does not exist) and
 * asserts that it exits 1 with promtool's message for it.
 */
export async function assertMissingDataDirFails(verb: string, parent: string): Promise<void> {
  const missing = join(parent, 'nope');
  const r = await runIgnisInProcess(['tool', 'tsdb', verb, missing]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `opening the db dir: stat ${missing}: no such file or directory\n`);
}
