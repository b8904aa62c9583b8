/**
 * Wall-clock budgets in the browser tests (first load, graph render). Measured always and
 * reported; asserted unless this machine is so loaded that a wall-clock time says more about the
 * other processes than about the UI (the 1-minute load average above `PER_CORE` per core).
 */
import { availableParallelism, loadavg } from 'node:os';

/** Runnable processes per core above which budgets are reported, not asserted. */
export const PER_CORE = 3;

/** The machine's load now, e.g. `load average 7.9 on 2 cores`. */
export function loadText(): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
}

/** A skip reason when the machine is overloaded (see the module comment), else false. */
export function overloaded(): string | false {
  return loadavg()[0]! > PER_CORE * availableParallelism() ? `${loadText()}: too loaded for a wall-clock budget` : false;
}
