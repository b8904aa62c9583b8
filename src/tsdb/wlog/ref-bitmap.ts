/**
 * The set of series a WAL checkpoint keeps, as a bitmap over series references (bit `ref` set:
 * keep), which the checkpoint worker receives by transfer. At a million series, filling it is a
 * pass of tens of milliseconds on a loaded machine; `buildRefBitmap` does it in slices with
 * event-loop turns in between.
 */
import { TurnSlices } from '../../util/index.js';

/** True when bit `ref` of `bits` is set (false for references outside the bitmap). */
export function hasRef(bits: Uint8Array, ref: number): boolean {
  const i = Math.floor(ref / 8);
  return ref >= 0 && i < bits.length && (bits[i]! & (1 << (ref - i * 8))) !== 0;
}

/** Sets bit `ref` of `bits`; references outside the bitmap are ignored. */
export function setRef(bits: Uint8Array, ref: number): void {
  const i = Math.floor(ref / 8);
  if (ref >= 0 && i < bits.length) bits[i] = bits[i]! | (1 << (ref - i * 8));
}

/** Positions visited between clock checks. */
const CHECK_EVERY = 4096;

/**
 * A bitmap for references `0..maxRef` with the bits of `refAt(i)` for `i` in `[0, n)` set
 * (`refAt` returns -1 for positions without a series, e.g. free slots of a series table) and of
 * every reference in `extra` (iterated in the same slices). Visits positions in order, giving the
 * event loop a turn whenever `sliceMs` have passed; the caller's table may gain entries meanwhile (their references are
 * above `maxRef` or at positions not yet visited, and either way harmless). References above
 * `maxRef` are left out.
 */
export async function buildRefBitmap(maxRef: number, n: number, refAt: (i: number) => number, extra: Iterable<number> = [], sliceMs = 10): Promise<Uint8Array> {
  const bits = new Uint8Array(Math.floor(Math.max(0, maxRef) / 8) + 1);
  const slices = new TurnSlices(sliceMs);
  for (let from = 0; from < n; from += CHECK_EVERY) {
    const to = Math.min(n, from + CHECK_EVERY);
    for (let i = from; i < to; i++) {
      const ref = refAt(i);
      if (ref >= 0 && ref <= maxRef) setRef(bits, ref);
    }
    if (to < n) await slices.pause();
  }
  let k = 0;
  for (const ref of extra) {
    if (ref <= maxRef) setRef(bits, ref);
    if (++k % CHECK_EVERY === 0) await slices.pause();
  }
  return bits;
}
