/**
 * Gunzip into a buffer the caller keeps from one scrape to the next. `zlib.gunzip` hands back a
 * fresh output buffer (16 KiB chunks, then a concatenation) per call: for gzip targets that is
 * as many bytes of external memory per second as the targets expose, which V8 counts against
 * the old generation's headroom and which, like socket read buffers (see
 * util/http/plain-get.ts), drives a full mark-compact every second or so once the head is large.
 *
 * This runs zlib synchronously (zlib's `_processChunk`, kept by Node for compatibility, the
 * path `gunzipSync` takes) on a Gunzip stream whose output buffer is the caller's; zlib only
 * allocates when the output outgrows it, and the returned buffer then tells the caller to grow.
 * A body of a few MB inflates in a few milliseconds, so doing it on the event loop is fine.
 */
import { constants, createGunzip, type Gunzip } from 'node:zlib';

/** The legacy synchronous entry point of a zlib stream and the output state it works on. */
interface SyncGunzip {
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
  _outBuffer: Buffer;
  _outOffset: number;
  _chunkSize: number;
}

/** Spare room kept after the largest output seen, so that a slowly growing body does not reallocate every time. */
const GROWTH = 1.25;

/** Inflates gzip bodies into a reused buffer; one per scraper, used synchronously. */
export class GunzipInto {
  #out: Buffer;

  constructor(initialBytes = 64 * 1024) {
    this.#out = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * The decompressed `src`, valid until the next call (a view of the reused buffer, or of
   * zlib's output when it outgrew it; the buffer is then grown for the next call). Throws zlib's
   * errors, and RangeError `ERR_BUFFER_TOO_LARGE` past `maxOutputLength` bytes (0: no limit).
   */
  gunzip(src: Buffer, maxOutputLength: number): Buffer {
    const g = createGunzip(maxOutputLength > 0 ? { maxOutputLength } : {}) as Gunzip & SyncGunzip;
    const out = this.#out;
    g._outBuffer = out;
    g._outOffset = 0;
    g._chunkSize = out.length;
    const res = g._processChunk(src, constants.Z_FINISH);
    // Output that filled the buffer (zlib then took a buffer of its own): grow for next time.
    if (res.buffer !== out.buffer || res.length >= out.length) this.#out = Buffer.allocUnsafe(Math.ceil(Math.max(res.length, out.length) * GROWTH));
    return res;
  }
}
