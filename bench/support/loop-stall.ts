/**
 * The longest stretch for which the event loop did not run timers while a piece of async work
 * ran: a 1 ms interval notes the gap between its ticks.
 */

/** Resolves after `fn` with its result, its duration and the longest gap between 1 ms ticks meanwhile (ms). */
export async function longestStall<T>(fn: () => Promise<T>): Promise<{ v: T; ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > worst) worst = now - last;
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  const t0 = performance.now();
  const v = await fn();
  const ms = performance.now() - t0;
  const now = performance.now();
  if (now - last > worst) worst = now - last;
  clearInterval(timer);
  return { v, ms, stallMs: worst };
}
