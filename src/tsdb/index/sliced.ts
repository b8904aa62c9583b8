/**
 * Resumable parsing for the index reader: a parse step is a generator that yields at pause
 * points (every few thousand table entries, every MiB of checksum). Run to completion for the
 * synchronous open, or with a time budget per event-loop turn for the asynchronous one, so that
 * opening a block with a big index never holds the loop for more than about one slice.
 */
import { TurnSlices } from '../../util/index.js';
import { crc32c } from '../fileutil/index.js';

/** A parse step: yields at pause points, returns its result. */
export type Step<T> = Generator<void, T, void>;

/** Runs `step` to completion in one go. */
export function runNow<T>(step: Step<T>): T {
  for (;;) {
    const r = step.next();
    if (r.done) return r.value;
  }
}

/**
 * Default work per event-loop turn for `runSliced`, ms: 5, as the head cut's slices (a GC pause
 * of 10-25 ms landing inside a slice adds to it; see `head/head-block.ts`).
 */
export const PARSE_SLICE_MS = 5;

/**
 * Runs `step`, giving the event loop a turn (`TurnSlices`, round robin with other sliced work)
 * whenever `sliceMs` have passed since the last one. A pause point should come at least every
 * millisecond or so of work for the bound to hold.
 */
export async function runSliced<T>(step: Step<T>, sliceMs = PARSE_SLICE_MS): Promise<T> {
  const slices = new TurnSlices(sliceMs);
  for (;;) {
    const r = step.next();
    if (r.done) return r.value;
    if (slices.due) await slices.next();
  }
}

/** Bytes checksummed between pause points of `crc32cStep` (well under a millisecond). */
const CRC_CHUNK = 256 * 1024;

/** CRC-32C of `buf[start, end)`, pausing between chunks. */
export function* crc32cStep(buf: Uint8Array, start: number, end: number): Step<number> {
  let crc = 0;
  for (let i = start; i < end; i += CRC_CHUNK) {
    crc = crc32c(buf, i, Math.min(end, i + CRC_CHUNK), crc);
    if (i + CRC_CHUNK < end) yield;
  }
  return crc;
}
