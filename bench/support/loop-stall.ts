/**
 * The longest stretch for which the event loop did not run timers while a piece of async work
 * ran: a 1 ms interval notes the gap between its ticks. On a loaded machine a gap also counts
 * time the process was not scheduled at all, so each gap is also charged with the CPU time the
 * main thread used meanwhile (`mainThreadCpuMs`; where that is unavailable, the whole process'
 * `process.cpuUsage`, an overestimate while workers run): `busyMs` is the largest
 * `min(gap, CPU used in it)`, the longest stretch the thread itself held the loop.
 */
import { mainThreadCpuMs } from './thread-cpu.js';

/** CPU time in ms: the main thread's, or the process' where the former is not available. */
function cpuMs(): number {
  const t = mainThreadCpuMs();
  if (!Number.isNaN(t)) return t;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** What `longestStall` measured. */
export interface Stall<T> {
  v: T;
  /** Duration of `fn`, ms. */
  ms: number;
  /** Longest gap between ticks, ms (wall clock). */
  stallMs: number;
  /** Largest `min(gap, main-thread CPU time during the gap)`, ms. */
  busyMs: number;
}

/**
 * Resolves after `fn` with its result, its duration and the longest gaps between 1 ms ticks
 * meanwhile. `onGap` (diagnosis) is called with every gap's wall and main-thread CPU ms.
 */
export async function longestStall<T>(fn: () => Promise<T>, onGap?: (wallMs: number, cpuMs: number) => void): Promise<Stall<T>> {
  let last = performance.now();
  let lastCpu = cpuMs();
  let worst = 0;
  let busy = 0;
  const note = (): void => {
    const now = performance.now();
    const cpu = cpuMs();
    const gap = now - last;
    if (gap > worst) worst = gap;
    const used = Math.min(gap, cpu - lastCpu);
    if (used > busy) busy = used;
    onGap?.(gap, used);
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(note, 1);
  await new Promise((r) => setTimeout(r, 5));
  worst = 0;
  busy = 0;
  last = performance.now();
  lastCpu = cpuMs();
  const t0 = performance.now();
  const v = await fn();
  const ms = performance.now() - t0;
  note();
  clearInterval(timer);
  return { v, ms, stallMs: worst, busyMs: busy };
}
