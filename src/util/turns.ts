/**
 * Round-robin event-loop turns for long computations cut into slices (query evaluation, large
 * selects). With a plain `setImmediate` per yield, every computation that yielded in one turn
 * resumes in the same check phase of the next, so k of them hold the loop for k slices in a
 * row. `takeTurn()` queues the caller instead: each turn resumes one waiter, oldest first, so a
 * turn stays near one slice however many computations run.
 *
 * A turn also holds whatever else the loop ran since the previous slice (scrape responses parsed
 * and appended, head commits, timers, a GC): `takeTurn()` resolves with that time, so that the
 * resumed computation can shorten its next slice when the turn is already long (`sliceAfter`).
 */

const waiting: Array<(busyMs: number) => void> = [];
let scheduled = false;
/** When a sliced computation last handed the loop back (its `takeTurn()` call). */
let lastYieldAt = -Infinity;
/** When `nextTurn` last resumed a computation. */
let lastResumeAt = -Infinity;

/** Resumes the longest waiter; the next one gets the next turn. */
function nextTurn(): void {
  scheduled = false;
  const resume = waiting.shift();
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(nextTurn);
  }
  const now = performance.now();
  // Work since the previous slice ended. When that computation finished instead of yielding
  // again, its end is unknown: counting from its resumption over-estimates (one short slice).
  const busy = now - Math.max(lastYieldAt, lastResumeAt);
  lastResumeAt = now;
  resume?.(busy > 0 ? busy : 0);
}

/**
 * Resolves in a later event-loop turn, after everything that was waiting before, with the time
 * (ms) the loop spent on other work between the end of the previous sliced turn and now (an
 * upper bound; 0 or more).
 */
export function takeTurn(): Promise<number> {
  lastYieldAt = performance.now();
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
  });
}

/**
 * How much longer than one slice a turn that already ran other work may get (ms): a full slice
 * on top of a scrape append, a head commit or a GC is what held the loop for 40-80 ms while a
 * heavy query ran next to 100k samples/s of ingestion.
 */
export const TURN_SLACK_MS = 5;

/** Shortest slice after a yield (ms), however busy the turn already is. */
export const MIN_SLICE_MS = 4;

/**
 * Length of the slice a computation resumed by `takeTurn()` may run (ms), so that the turn as a
 * whole stays near `sliceMs + slackMs`: what is left of that after the `busyMs` of other work
 * the turn already holds, at most `sliceMs`, and at least `minMs` (capped by `sliceMs`) so that
 * the computation keeps progressing while the loop is busy.
 */
export function sliceAfter(busyMs: number, sliceMs: number, slackMs = TURN_SLACK_MS, minMs = MIN_SLICE_MS): number {
  const left = sliceMs + slackMs - busyMs;
  if (left >= sliceMs) return sliceMs;
  return left > minMs ? left : Math.min(minMs, sliceMs);
}

/**
 * The pacing of one long computation cut into slices: `pause()` takes a turn (`takeTurn`) once
 * `sliceMs` of work have passed since the slice began, and the slice after it is shortened by
 * the other work that turn ran (`sliceAfter`). Hot loops test `due` and await `next()` only
 * then, so that a slice that is not over costs no promise.
 */
export class TurnSlices {
  readonly #sliceMs: number;
  #end: number;

  constructor(sliceMs: number) {
    this.#sliceMs = sliceMs;
    this.#end = performance.now() + sliceMs;
  }

  /** True when the current slice is used up. */
  get due(): boolean {
    return performance.now() >= this.#end;
  }

  /** Takes a turn when the current slice is used up; resolves true when it did. */
  async pause(): Promise<boolean> {
    if (!this.due) return false;
    await this.next();
    return true;
  }

  /** Takes a turn now and starts the next slice. */
  async next(): Promise<void> {
    const busy = await takeTurn();
    this.#end = performance.now() + sliceAfter(busy, this.#sliceMs);
  }
}
