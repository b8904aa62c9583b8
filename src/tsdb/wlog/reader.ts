/**
 * Reads records back from WAL segments: reassembles fragments, checks every checksum and
 * placement rule, decompresses snappy records, and reports the first damage as a
 * `WalCorruptionError` at the start of the damaged record. Replay reads whole segment files
 * (at most one segment in memory at a time) and yields to the event loop every few
 * milliseconds so that a big WAL never blocks it.
 */
import * as fsp from 'node:fs/promises';
import { RecordDecoder } from './record-decoder.js';
import { listSegments } from './segments.js';

/**
 * Iterates the records of one segment image. `next()` returns false at the clean end of the
 * segment and throws `WalCorruptionError` at damage; after a true `next()`, `record` holds the
 * record (a view into the image or into a reassembly buffer, valid until the next call) and
 * `offset` the position of its first fragment. Decoding is `RecordDecoder`'s.
 */
export class SegmentReader {
  readonly #buf: Buffer;
  readonly #dec: RecordDecoder;

  constructor(image: Buffer, dir: string, segment: number) {
    this.#buf = image;
    this.#dec = new RecordDecoder(dir, segment);
  }

  /** Byte offset just after the last record returned (where a clean cut would go). */
  get position(): number {
    return this.#dec.position;
  }

  /** The last record returned. */
  get record(): Buffer {
    return this.#dec.record;
  }

  /** Offset of the first fragment of the last record returned. */
  get offset(): number {
    return this.#dec.offset;
  }

  next(): boolean {
    return this.#dec.decode(this.#buf, 0, this.#buf.length, this.#dec.position, false);
  }
}

/**
 * The bytes of the segment file at `path`, read into `spare` when it is big enough (a view over
 * its start), else into a new buffer with room for the whole file. Replay reads segment after
 * segment of up to 128 MiB: one buffer for all of them spares the page faults of a fresh one each
 * time and the major GC its external-memory accounting starts.
 */
export async function readSegmentFile(path: string, spare?: Buffer): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = spare !== undefined && spare.length >= size ? spare : Buffer.allocUnsafeSlow(size);
    let n = 0;
    while (n < size) {
      const { bytesRead } = await fh.read(buf, n, size - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

/** Progress of a `readSegments` pass, for the replay status API. */
export interface ReadProgress {
  /** Segment being read and the first/last to read. */
  segment: number;
  first: number;
  last: number;
}

/** Options of `readSegments`. */
export interface ReadOptions {
  /** First and last segment to read (inclusive); default all. */
  from?: number;
  to?: number;
  /** Yield to the event loop after this many ms of synchronous work (default 10). */
  sliceMs?: number;
  /** Called when a segment starts. */
  onSegment?: (p: ReadProgress) => void;
}

/**
 * Reads the records of the segments of `dir` in order and passes each to `onRecord` with its
 * segment and offset; `onRecord` runs synchronously and must copy what it keeps. Rejects with
 * `WalCorruptionError` at the first damage, after every record before it was delivered. An
 * exception thrown by `onRecord` propagates unchanged.
 */
export async function readSegments(
  dir: string,
  onRecord: (rec: Buffer, segment: number, offset: number) => void,
  opts: ReadOptions = {},
): Promise<void> {
  const sliceMs = opts.sliceMs ?? 10;
  const segs = (await listSegments(dir)).filter((s) => s.index >= (opts.from ?? -Infinity) && s.index <= (opts.to ?? Infinity));
  if (segs.length === 0) return;
  const first = segs[0]!.index;
  const last = segs[segs.length - 1]!.index;
  let sliceStart = performance.now();
  for (const s of segs) {
    opts.onSegment?.({ segment: s.index, first, last });
    const image = await fsp.readFile(s.path);
    const r = new SegmentReader(image, dir, s.index);
    let n = 0;
    while (r.next()) {
      onRecord(r.record, s.index, r.offset);
      if ((++n & 63) === 0 && performance.now() - sliceStart > sliceMs) {
        await new Promise<void>((res) => setImmediate(res));
        sliceStart = performance.now();
      }
    }
    await new Promise<void>((res) => setImmediate(res));
    sliceStart = performance.now();
  }
}
