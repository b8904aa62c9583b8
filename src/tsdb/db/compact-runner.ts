/**
 * The event loop's side of the block-writing worker: starts it on first use, sends jobs,
 * resolves their outcomes, and restarts it after a crash. Without workers (tests, tools) jobs
 * run inline.
 */
import { Worker } from 'node:worker_threads';
import { IgnisError } from '../../util/index.js';
import type { JobOutcome } from './block-merge.js';
import { runJob, type CompactJob } from './compact-job.js';
import { releasedUntracked } from '../fileutil/index.js';
import { sharedBytes, transferables } from '../head/index.js';

/** A job failed in the worker (the message and code of the worker's error are kept). */
export class CompactionError extends IgnisError {
  readonly code: string | undefined;

  constructor(message: string, code?: string, opts?: ErrorOptions) {
    super(message, opts);
    this.code = code;
  }
}

interface Pending {
  resolve(o: JobOutcome): void;
  reject(e: Error): void;
}

interface Reply {
  id: number;
  outcome?: JobOutcome;
  error?: { message: string; code?: string };
}

/** Runs compaction jobs off the event loop; one worker, jobs in order. */
export class CompactRunner {
  readonly #useWorker: boolean;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #closed = false;

  constructor(useWorker: boolean) {
    this.#useWorker = useWorker;
  }

  /** Number of jobs sent and not yet answered. */
  pending(): number {
    return this.#pending.size;
  }

  #start(): Worker {
    const w = new Worker(new URL('./compact-worker.js', import.meta.url));
    const fail = (err: Error): void => {
      if (this.#worker === w) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    w.on('message', (r: Reply) => {
      const p = this.#pending.get(r.id);
      if (p === undefined) return;
      this.#pending.delete(r.id);
      if (this.#pending.size === 0) w.unref();
      if (r.error !== undefined) p.reject(new CompactionError(r.error.message, r.error.code));
      else p.resolve(r.outcome!);
    });
    w.on('error', (err) => fail(new CompactionError(`compaction worker failed: ${err.message}`, undefined, { cause: err })));
    w.on('exit', (code) => fail(new CompactionError(`compaction worker exited with code ${code}`)));
    return w;
  }

  /**
   * Runs `job`; the packed buffers of a head job are transferred or shared (unusable afterwards),
   * and its shared ones are reported released once the job settled.
   */
  run(job: CompactJob): Promise<JobOutcome> {
    if (job.kind !== 'head') return this.#run(job);
    const shared = sharedBytes(job.packed);
    return this.#run(job).finally(() => releasedUntracked(shared));
  }

  #run(job: CompactJob): Promise<JobOutcome> {
    if (this.#closed) return Promise.reject(new CompactionError('compaction runner is closed'));
    if (!this.#useWorker) return runJob(job);
    this.#worker ??= this.#start();
    const w = this.#worker;
    const id = ++this.#seq;
    return new Promise<JobOutcome>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ id, job }, job.kind === 'head' ? transferables(job.packed) : []);
    });
  }

  /** Stops the worker after the jobs in flight finished (their promises settle first). */
  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = undefined;
    if (w === undefined) return;
    while (this.#pending.size > 0) await new Promise((r) => setTimeout(r, 10));
    await w.terminate();
  }
}
