/**
 * A data folder whose WAL takes a moment to replay, for the starting page's test: many series
 * written through the TSDB itself (then closed, WAL fsynced) in small segments, so that
 * `status/walreplay` moves through several of them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../../src/model/labels/index.js';
import { DB } from '../../../src/tsdb/db/index.js';

/** What `writeReplayWAL` wrote. */
export interface ReplayWAL {
  series: number;
  /** WAL segment files written. */
  segments: number;
}

/**
 * Writes `series` series (`wal_replay_filler`) with `samples` samples each, ending a minute ago,
 * into `dataDir`'s WAL in segments of `segmentBytes`.
 */
export async function writeReplayWAL(dataDir: string, series = 60_000, samples = 2, segmentBytes = 1 << 20): Promise<ReplayWAL> {
  const db = await DB.open(dataDir, { useWorker: false, walCompression: false, walSegmentSize: segmentBytes });
  try {
    const end = Date.now() - 60_000;
    const refs = new Array<number>(series).fill(0);
    const labels = Array.from({ length: series }, (_, i) => Labels.fromStrings('__name__', 'wal_replay_filler', 'series', String(i), 'job', 'filler'));
    // Small commits: a segment is cut between records, so each record stays well under its size.
    const perCommit = 2000;
    for (let s = 0; s < samples; s++) {
      for (let from = 0; from < series; from += perCommit) {
        const app = db.appender();
        for (let i = from; i < Math.min(series, from + perCommit); i++) refs[i] = app.append(refs[i]!, labels[i]!, end - (samples - 1 - s) * 1000, i);
        await app.commit();
      }
    }
  } finally {
    await db.close();
  }
  return { series, segments: readdirSync(join(dataDir, 'wal')).filter((f) => /^\d+$/.test(f)).length };
}
