/**
 * The longest stretch for which the event loop did not run timers while a piece of async work
 * ran: a 1 ms interval notes the gap between its ticks. On a loaded machine a gap also counts
 * time the process was not scheduled at all, so each gap is also charged with the CPU time the
 * process used meanwhile (`process.cpuUsage`, every thread): `busyMs` is the largest
 * `min(gap, CPU used in it)`, close to the longest synchronous stretch when no other thread of
 * the process is busy (no worker running), an overestimate otherwise.
 */

/** What `longestStall` measured. */
export interface Stall<T> {
  v: T;
  /** Duration of `fn`, ms. */
  ms: number;
  /** Longest gap between ticks, ms (wall clock). */
  stallMs: number;
  /** Largest `min(gap, process CPU time during the gap)`, ms. */
  busyMs: number;
}

/** Resolves after `fn` with its result, its duration and the longest gaps between 1 ms ticks meanwhile. */
export async function longestStall<T>(fn: () => Promise<T>): Promise<Stall<T>> {
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let worst = 0;
  let busy = 0;
  const note = (): void => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gap = now - last;
    if (gap > worst) worst = gap;
    const used = Math.min(gap, (cpu.user + cpu.system) / 1000);
    if (used > busy) busy = used;
    last = now;
    lastCpu = process.cpuUsage();
  };
  const timer = setInterval(note, 1);
  await new Promise((r) => setTimeout(r, 5));
  worst = 0;
  busy = 0;
  last = performance.now();
  lastCpu = process.cpuUsage();
  const t0 = performance.now();
  const v = await fn();
  const ms = performance.now() - t0;
  note();
  clearInterval(timer);
  return { v, ms, stallMs: worst, busyMs: busy };
}
