/**
 * Per-query limits and control: cancellation, timeout, cooperative yielding to the event loop,
 * the peak-samples budget, and the engine-wide concurrency gate.
 */
import { sliceAfter, takeTurn } from '../../util/index.js';
import { QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';

/** Upstream's cap on points per series in a range query. */
export const MAX_POINTS_PER_SERIES = 11000;

/**
 * Default length of one synchronous evaluation slice before yielding (ms). Every yield lets
 * queued work (scrapes, commits) run first, so a query yields at most every 10 ms: short queries
 * finish without waiting behind ingestion, and the event loop is still never held near 50 ms.
 * A slice resumed in a turn that already ran such work is shortened (`sliceAfter`).
 */
export const DEFAULT_SLICE_MS = 10;

/**
 * Cancellation, timeout and time slicing of one query. The evaluator calls `tick(units)` in its inner
 * loops (cheap: it reads the clock only every few thousand units) and awaits `yieldIfDue()` between units
 * of work; both throw `QueryCanceledError`/`QueryTimeoutError` when the query must stop.
 */
export class ExecControl {
  readonly #signal: AbortSignal | undefined;
  readonly #deadline: number;
  readonly #sliceMs: number;
  #sliceEnd: number;
  #work = 0;
  #due = false;
  /** Number of times evaluation yielded to the event loop (for tests and stats). */
  yields = 0;

  constructor(opts: { signal?: AbortSignal; timeoutMs?: number; sliceMs?: number } = {}) {
    this.#signal = opts.signal;
    const now = performance.now();
    this.#deadline = opts.timeoutMs && opts.timeoutMs > 0 ? now + opts.timeoutMs : Infinity;
    this.#sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
    this.#sliceEnd = now + this.#sliceMs;
  }

  /** Throws when the query was canceled or ran out of time; `where` names the phase. */
  check(where = 'expression evaluation'): void {
    if (this.#signal?.aborted) throw new QueryCanceledError(where);
    const now = performance.now();
    if (now > this.#deadline) throw new QueryTimeoutError(where);
    if (now >= this.#sliceEnd) this.#due = true;
  }

  /**
   * Accounts for `units` of inner-loop work (samples or steps touched); about every 4096 units
   * it reads the clock and the signal, so the check costs nothing measurable.
   */
  tick(units = 1): void {
    this.#work += units;
    if (this.#work >= 4096) {
      this.#work = 0;
      this.check();
    }
  }

  /** True when the current slice is used up and the caller should `await yieldIfDue()`. */
  get due(): boolean {
    return this.#due;
  }

  /** Yields to the event loop when the slice is used up, then checks cancellation and timeout. */
  async yieldIfDue(): Promise<void> {
    this.check();
    if (!this.#due) return;
    this.yields++;
    this.#startSlice(await takeTurn());
    this.check();
  }

  /**
   * Starts the slice of a turn that already ran `busyMs` of other work (scrapes, commits, GC):
   * the slice is shortened so that the turn as a whole stays near one slice (`sliceAfter`).
   */
  #startSlice(busyMs: number): void {
    this.#due = false;
    this.#sliceEnd = performance.now() + sliceAfter(busyMs, this.#sliceMs);
  }
}

/**
 * Tracks the samples a query holds in memory. `add` raises the current count and fails with
 * upstream's "too many samples" error past `max`; `release` lowers it when intermediate results
 * are dropped. `peak` and `totalQueryable` feed the per-query stats.
 */
export class SampleBudget {
  readonly max: number;
  current = 0;
  peak = 0;
  /** Samples read from storage (upstream's totalQueryableSamples). */
  totalQueryable = 0;

  constructor(max: number) {
    this.max = max > 0 ? max : Infinity;
  }

  /** Accounts for `n` more samples in memory. */
  add(n: number): void {
    this.current += n;
    if (this.current > this.peak) this.peak = this.current;
    if (this.current > this.max) throw new TooManySamplesError();
  }

  /** Accounts for `n` samples no longer held. */
  release(n: number): void {
    this.current -= n;
  }
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Bounds how many queries evaluate at once (`--query.max-concurrency`); extra queries wait in
 * FIFO order. A waiter whose signal aborts leaves the queue with `QueryCanceledError`.
 */
export class QueryGate {
  readonly #max: number;
  #active = 0;
  readonly #waiters: Waiter[] = [];

  constructor(max: number) {
    this.#max = max > 0 ? max : Infinity;
  }

  /** Number of queries evaluating now. */
  get active(): number {
    return this.#active;
  }

  /** Number of queries waiting for a slot. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Waits for a slot; the returned function releases it (call it exactly once). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new QueryCanceledError('queue');
    if (this.#active < this.#max) {
      this.#active++;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      if (signal) {
        w.signal = signal;
        w.onAbort = () => {
          const i = this.#waiters.indexOf(w);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new QueryCanceledError('queue'));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.#waiters.push(w);
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiters.shift();
      if (next) {
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        next.resolve(); // the slot passes to the waiter: #active unchanged
      } else {
        this.#active--;
      }
    };
  }
}
