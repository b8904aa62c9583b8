/**
 * A small seeded pseudo-random generator (mulberry32) for tests and benchmarks that need the
 * same "random" data on every run: fixtures, damage positions, synthetic series.
 */

/**
 * Returns a generator of numbers in [0, 1) determined only by `seed` (taken as an unsigned
 * 32-bit integer): two generators with the same seed yield the same sequence.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
