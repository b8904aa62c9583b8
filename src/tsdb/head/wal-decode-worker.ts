/**
 * Entry point of the WAL-decoding `worker_threads` worker (see `wal-decode.ts`). `workerData`
 * holds the jobs (decoded one after the other, each ending with an `end` batch) and the window:
 * the worker posts batches in order and keeps at most `window` of them unacknowledged (the
 * parent posts the number of batches it took, now and then, with the buffers of the samples
 * batches it is done with, which the worker fills again), so a busy event loop bounds the memory
 * held by decoded batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchTransferables, decodeWal, type DecodeAck, type DecodeJob } from './wal-decode.js';

const port = parentPort;
if (port !== null) {
  const { jobs, window } = workerData as { jobs: DecodeJob[]; window: number };
  let inFlight = 0;
  let wake: (() => void) | undefined;
  /** Buffers of samples batches the parent is done with (see `decodeWal`). */
  const recycled: ArrayBufferLike[] = [];
  port.on('message', ({ taken, buffers }: DecodeAck) => {
    inFlight -= taken;
    recycled.push(...buffers);
    const w = wake;
    wake = undefined;
    w?.();
  });
  void (async () => {
    for (const job of jobs) {
      for await (const b of decodeWal(job, recycled)) {
        while (inFlight >= window) await new Promise<void>((r) => (wake = r));
        inFlight++;
        port.postMessage(b, batchTransferables(b));
      }
    }
    // Everything is posted: let the worker end once the parent stops it or drops the port.
    port.unref();
  })();
}
