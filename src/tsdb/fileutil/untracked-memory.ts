/**
 * Backing memory for the TSDB's large, long-lived buffers (the head's row pages, open-chunk
 * pages, completed-chunk slabs and label hash table; a block export's pages; the file image of
 * an open block's index), allocated so that V8 does not count it as "external memory" when it
 * is allocated, and reported when it is dropped.
 *
 * Why: V8 starts a major GC each time the external memory it is told about grows by 64 MiB
 * since the last one. Every `ArrayBuffer` is reported when allocated; a `SharedArrayBuffer` is
 * not (V8 does not charge shared memory to one isolate). A head of a million series allocates
 * ~200 MiB of such memory while it creates its series and ~400 MiB more as its chunks fill, and
 * with plain buffers V8 ran a dozen major GCs that only these allocations asked for. Under
 * `--no-concurrent-marking` (the server's flag) each marks the whole heap in steps on the main
 * thread: 250-500 ms of marking for a 400 MB heap, in steps of up to 18 ms that landed inside
 * appends and commits, so that creating the series of a 1,000-series scrape took 20-60 ms of CPU
 * instead of 4. Growth of memory the head keeps needs no GC: nothing can be reclaimed.
 *
 * Memory the head drops (`released`) is garbage only a major GC frees. So that V8 still collects
 * it at the rate it would have, every `RELEASE_REPORT_BYTES` released are reported by allocating
 * (and dropping at once) a plain `ArrayBuffer` of that size: V8 sees external memory grow and
 * starts an incremental major GC. The allocation costs no resident memory (the kernel maps zero
 * pages only when touched) and is itself freed by the next young-generation GC.
 *
 * Nothing here is shared with another thread: the `Shared` buffer type is used only for how V8
 * accounts it.
 */

/** Released bytes per report to V8 (its own threshold for external-memory growth). */
export const RELEASE_REPORT_BYTES = 64 * 1024 * 1024;

let releasedSinceReport = 0;
let reports = 0;

import * as fsp from 'node:fs/promises';

/** A zeroed buffer of `bytes` that V8 does not count as external memory. */
export function untrackedBuffer(bytes: number): ArrayBufferLike {
  return new SharedArrayBuffer(bytes);
}

/**
 * Notes that the head dropped its last reference to an untracked buffer of `bytes`; once
 * `RELEASE_REPORT_BYTES` were dropped since the last report, reports them (see the module comment).
 */
export function releasedUntracked(bytes: number): void {
  releasedSinceReport += bytes;
  if (releasedSinceReport < RELEASE_REPORT_BYTES) return;
  releasedSinceReport = 0;
  reports += new ArrayBuffer(RELEASE_REPORT_BYTES).byteLength > 0 ? 1 : 0;
}

/** Number of reports made so far in this process (for tests). */
export function releaseReports(): number {
  return reports;
}

/** Bytes read per `read` call of `readFileUntracked` (one event-loop turn each, well under a ms). */
const READ_CHUNK = 1 << 20;

/**
 * The whole file at `path` in a buffer from `untrackedBuffer`, read asynchronously; report it
 * with `releasedUntracked(buf.length)` when dropping it. For big files kept while open (a block's
 * index, ~100 MB at a million series): read into a plain buffer, its allocation made V8 run
 * young-generation collections ("external memory pressure") and marking steps that held the
 * loop for 20-50 ms of main-thread CPU in the turn the file's read began.
 */
export async function readFileUntracked(path: string): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.from(untrackedBuffer(size));
    let off = 0;
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, Math.min(READ_CHUNK, size - off), off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    // A file that shrank meanwhile: the image is what was there (the size check of the format's
    // readers reports the truncation).
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    await fh.close();
  }
}
