/**
 * Entry point of the `worker_threads` worker that writes a WAL checkpoint (see `truncateWal`):
 * decoding, filtering and re-encoding every record of the checkpointed segments is seconds of
 * CPU for a big head, none of which belongs on the event loop. `workerData` is a
 * `CheckpointJob`; the worker posts one `CheckpointReply` and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createCheckpoint, hasRef, type CheckpointStats } from '../wlog/index.js';
import { toFailure, type DecodeFailure } from './wal-decode.js';

/** What to checkpoint: segments `[first, last]` of `dir`, series whose bit is set in `keep`, samples ≥ `mint`. */
export interface CheckpointJob {
  dir: string;
  first: number;
  last: number;
  /** Bitmap over series references: bit `ref` set when the series is kept (`buildRefBitmap`). */
  keep: Uint8Array;
  mint: number;
  compress: boolean;
}

/** The worker's answer. */
export interface CheckpointReply {
  stats?: CheckpointStats;
  error?: DecodeFailure;
}

const port = parentPort;
if (port !== null) {
  const job = workerData as CheckpointJob;
  createCheckpoint(job.dir, job.first, job.last, (ref) => hasRef(job.keep, ref), job.mint, { compress: job.compress, sliceMs: 1e9 }).then(
    (r) => port.postMessage({ stats: r.stats } satisfies CheckpointReply),
    (err: unknown) => port.postMessage({ error: toFailure(err) } satisfies CheckpointReply),
  );
}
