/**
 * Where WAL replay takes its decoded batches from: a `worker_threads` worker decoding ahead
 * (big WALs: the event loop only applies), or the decoder running inline (small WALs, where
 * starting a thread costs more than it saves). Both deliver the same batches in the same order:
 * for every job, its batches and then its `end`.
 */
import { Worker } from 'node:worker_threads';
import { SAMPLES_COLUMN_BYTES, decodeWal, transferable, type DecodeAck, type DecodeJob, type DecodedBatch } from './wal-decode.js';

/** Batches a worker may decode ahead of the event loop (each at most ~400 KB: ~25 MB in all). */
const WINDOW = 64;
/**
 * Batches taken between two acknowledgements to the worker. Each acknowledgement wakes the
 * waiting worker, and on a busy machine the woken thread takes the core from the event loop:
 * at 4, replay of 48 M samples spent 4 s of wall time inside `postMessage` (~3 ms per ack,
 * almost none of it CPU); at 16, a quarter of that; at 32 (half the window: the worker, ~2x
 * faster than the event loop, refills it long before it runs dry), 1.2 -> 0.5 s of 33 s of a
 * 200k x 2h replay.
 */
const ACK_EVERY = 32;

/**
 * A stream of decoded batches; `close()` stops decoding early (idempotent). A batch's arrays
 * are valid until the next call of `next()`: their buffers may be handed back for reuse then.
 */
export interface BatchSource {
  next(): Promise<DecodedBatch>;
  close(): Promise<void>;
}

/** Decodes `jobs` on the event loop, one batch per `next()`. */
class InlineSource implements BatchSource {
  readonly #jobs: DecodeJob[];
  #gen: AsyncGenerator<DecodedBatch> | undefined;

  constructor(jobs: DecodeJob[]) {
    this.#jobs = jobs.slice();
  }

  async next(): Promise<DecodedBatch> {
    for (;;) {
      if (this.#gen === undefined) {
        const job = this.#jobs.shift();
        if (job === undefined) throw new Error('BUG: WAL batches read past the last job');
        this.#gen = decodeWal(job);
      }
      const r = await this.#gen.next();
      if (!r.done) {
        if (r.value.kind === 'end') this.#gen = undefined;
        return r.value;
      }
      this.#gen = undefined;
    }
  }

  async close(): Promise<void> {
    await this.#gen?.return(undefined);
    this.#gen = undefined;
    this.#jobs.length = 0;
  }
}

/**
 * Decodes `jobs` in a worker thread, at most `WINDOW` batches ahead. When the worker fails
 * before its first batch (it could not start or load its code), decoding continues inline.
 */
class WorkerSource implements BatchSource {
  readonly #worker: Worker;
  readonly #queue: DecodedBatch[] = [];
  #received = 0;
  #inline: InlineSource | undefined;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #ends: number;
  #taken = 0;
  /** The batch `next()` returned last (its buffers go back to the worker on the next call). */
  #last: DecodedBatch | undefined;
  /** Buffers of consumed samples batches, to transfer back with the next acknowledgement. */
  #giveBack: ArrayBufferLike[] = [];

  constructor(jobs: DecodeJob[]) {
    this.#ends = jobs.length;
    const w = new Worker(new URL('./wal-decode-worker.js', import.meta.url), { workerData: { jobs, window: WINDOW } });
    w.on('message', (b: DecodedBatch) => {
      this.#received++;
      if (b.kind === 'end') this.#ends--;
      this.#queue.push(b);
      this.#notify();
    });
    w.on('error', (err) => {
      if (this.#received === 0) this.#inline ??= new InlineSource(jobs);
      else this.#failure ??= new Error(`WAL decoding worker failed: ${err.message}`, { cause: err });
      this.#notify();
    });
    w.on('exit', (code) => {
      if (this.#ends > 0) this.#failure ??= new Error(`WAL decoding worker exited with code ${code}`);
      this.#notify();
    });
    this.#worker = w;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  async next(): Promise<DecodedBatch> {
    while (this.#queue.length === 0) {
      if (this.#inline !== undefined) return this.#inline.next();
      if (this.#failure !== undefined) throw this.#failure;
      await new Promise<void>((r) => (this.#wake = r));
    }
    const last = this.#last;
    if (last !== undefined && last.kind === 'samples') {
      for (const a of [last.refs, last.ts, last.vs]) if (a.buffer.byteLength === SAMPLES_COLUMN_BYTES) this.#giveBack.push(a.buffer);
    }
    const b = this.#queue.shift()!;
    this.#last = b;
    // Batches that left the window: the worker may decode as many more (in the buffers given back).
    if (++this.#taken === ACK_EVERY) {
      const ack: DecodeAck = { taken: this.#taken, buffers: this.#giveBack };
      this.#worker.postMessage(ack, transferable(this.#giveBack));
      this.#giveBack = [];
      this.#taken = 0;
    }
    return b;
  }

  async close(): Promise<void> {
    await this.#inline?.close();
    await this.#worker.terminate();
  }
}

/** A source decoding `jobs` in a worker thread (`worker` true) or inline. */
export function openBatchSource(jobs: DecodeJob[], worker: boolean): BatchSource {
  return worker ? new WorkerSource(jobs) : new InlineSource(jobs);
}
