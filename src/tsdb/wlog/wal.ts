/**
 * The WAL writer: appends records to numbered segments in upstream's page format, one batch of
 * queued requests (up to 4 MiB of records) per `write(2)` (group commit). A request resolves only once its bytes are in
 * the file (no fsync per request; segments are fsynced when closed, as upstream). A failed write
 * (ENOSPC, EIO) rejects exactly the requests not fully written, cuts the file back to the end of
 * the last written request and leaves the log ready for the next attempt: no torn record stays
 * behind, nothing acknowledged is undone.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { EncBuf, fsyncDir } from '../fileutil/index.js';
import { Gauge, errorMessage, type Logger, type Registry } from '../../util/index.js';
import { Framer, type PreparedRecord } from './framer.js';
import { DEFAULT_SEGMENT_SIZE, HEADER_SIZE, PAGE_SIZE, listSegments, listSegmentsSync, segmentPath } from './segments.js';
import { openSegmentFile, type SegmentFile, type SegmentFileOpener } from './segment-file.js';
import { WalError } from './errors.js';
import { WalMetrics } from './wal-metrics.js';

/** Options of `WriteAheadLog.open`. */
export interface WalOptions {
  /** Maximum segment size in bytes (a multiple of the 32 KiB page); default 128 MiB. */
  segmentSize?: number;
  /** Snappy-compress records (upstream's `--storage.tsdb.wal-compression`). Default false. */
  compress?: boolean;
  /** Registry for `prometheus_tsdb_wal_*` metrics; none when omitted. */
  registry?: Registry;
  logger?: Logger;
  /** Opens segment files; tests inject failures here. */
  openFile?: SegmentFileOpener;
  /** Metric name prefix instead of `prometheus_tsdb_wal_` (the WBL's `prometheus_tsdb_out_of_order_wbl_`). */
  metricsPrefix?: string;
}

interface Request {
  recs: readonly Uint8Array[];
  /** Force a new segment after this request's records (nextSegment). */
  rollover: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  /** Where the request ended: output position, segment and offset. Set while framing. */
  endOut: number;
  endSeg: number;
  endOff: number;
  prepared: PreparedRecord[] | undefined;
  error: Error | undefined;
}

/** Record bytes framed into one write at most (a single larger request still goes alone). */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Initial size of the framing buffer; it is replaced by a new one of this size after a batch that grew it past twice `MAX_BATCH_BYTES`. */
const OUT_INITIAL_BYTES = 64 * 1024;

/** Record bytes of a request. */
function requestBytes(req: Request): number {
  let n = 0;
  for (const r of req.recs) n += r.length;
  return n;
}

interface Piece {
  seg: number;
  fileOff: number;
  outStart: number;
}

/**
 * An open write-ahead log in `dir`. It always writes to a fresh segment numbered after the
 * highest existing one; existing segments are only read (replay) and deleted (truncate).
 * Single writer: the event loop owns it.
 */
export class WriteAheadLog {
  readonly dir: string;
  readonly segmentSize: number;
  readonly compress: boolean;
  readonly #openFile: SegmentFileOpener;
  readonly #logger: Logger | undefined;
  readonly #metrics: WalMetrics;
  readonly #storageSize: InstanceType<typeof Gauge> | undefined;
  readonly #framer: Framer;
  #file: SegmentFile;
  #fileSeg: number;
  #queue: Request[] = [];
  #writing: Promise<void> | undefined;
  #out = new EncBuf(OUT_INITIAL_BYTES);
  /** File length to restore before the next write, after a truncate that failed. */
  #pendingCut: number | undefined;
  #closing: Promise<void>[] = [];
  #closed = false;
  #generation = 0;

  private constructor(dir: string, seg: number, file: SegmentFile, opts: WalOptions) {
    this.dir = dir;
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.compress = opts.compress ?? false;
    this.#openFile = opts.openFile ?? openSegmentFile;
    this.#logger = opts.logger;
    this.#metrics = new WalMetrics(opts.registry, opts.metricsPrefix);
    this.#framer = new Framer(seg, 0, this.segmentSize, this.compress);
    this.#file = file;
    this.#fileSeg = seg;
    this.#metrics.currentSegment.set(seg);
    if (opts.registry) {
      this.#storageSize = new Gauge({
        name: `${opts.metricsPrefix ?? 'prometheus_tsdb_wal_'}storage_size_bytes`,
        help: 'Size of the write log directory.',
        registers: [opts.registry],
        collect: () => this.#storageSize!.set(this.#diskSize()),
      });
    }
  }

  /** Opens the log in `dir` (created if missing) on a new segment after the existing ones. */
  static async open(dir: string, opts: WalOptions = {}): Promise<WriteAheadLog> {
    const size = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new WalError(`invalid WAL segment size ${size}: must be a positive multiple of ${PAGE_SIZE}`);
    await fsp.mkdir(dir, { recursive: true });
    const segs = await listSegments(dir);
    const seg = segs.length === 0 ? 0 : segs[segs.length - 1]!.index + 1;
    const file = await (opts.openFile ?? openSegmentFile)(segmentPath(dir, seg));
    await fsyncDir(dir);
    return new WriteAheadLog(dir, seg, file, opts);
  }

  /**
   * Number of write failures so far. A caller that skips writing something because an earlier,
   * still pending request carries it (the head's series records) must write it again once this
   * changes: the failure rejected that earlier request.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Index of the segment being written. */
  currentSegment(): number {
    return this.#framer.segment;
  }

  /**
   * Appends `recs` (in order, never split across segments unless larger than one) and resolves
   * once they are written to the file. Requests are written in call order. On a write error the
   * promise rejects (as does every request queued behind it) and none of its bytes stay in the log.
   */
  log(recs: readonly Uint8Array[]): Promise<void> {
    return this.#enqueue(recs, false);
  }

  /**
   * Closes the current segment (padded to a page, fsynced) and starts the next one once every
   * earlier request is written; resolves with the new segment's index.
   */
  async nextSegment(): Promise<number> {
    await this.#enqueue([], true);
    return this.#framer.segment;
  }

  #enqueue(recs: readonly Uint8Array[], rollover: boolean): Promise<void> {
    if (this.#closed) return Promise.reject(new WalError(`WAL ${this.dir} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ recs, rollover, resolve, reject, endOut: 0, endSeg: 0, endOff: 0, prepared: undefined, error: undefined });
      if (this.#writing === undefined) this.#writing = this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Up to MAX_BATCH_BYTES per write: the framing buffer stays small, and one huge burst
        // (every series record of a large first scrape) does not pin its size forever.
        const q = this.#queue;
        let n = 0;
        let bytes = 0;
        while (n < q.length && (n === 0 || bytes < MAX_BATCH_BYTES)) bytes += requestBytes(q[n++]!);
        let batch: Request[];
        if (n === q.length) {
          batch = q;
          this.#queue = [];
        } else {
          batch = q.splice(0, n);
        }
        await this.#writeBatch(batch);
        if (this.#out.length > 2 * MAX_BATCH_BYTES) this.#out = new EncBuf(OUT_INITIAL_BYTES);
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /** Frames every request of `batch` into one buffer, writes it, settles each request. */
  async #writeBatch(batch: Request[]): Promise<void> {
    const fr = this.#framer;
    const out = this.#out;
    out.reset();
    const pieces: Piece[] = [{ seg: fr.segment, fileOff: fr.offset, outStart: 0 }];
    const start = { seg: fr.segment, off: fr.offset };
    let parts = 0;
    for (const req of batch) {
      try {
        req.prepared = req.recs.map((r) => fr.prepare(r));
      } catch (err) {
        req.error = new WalError(`compressing WAL record: ${errorMessage(err)}`, { cause: err });
        continue;
      }
      // Keep a request within one segment so that a failure never leaves half of it behind.
      if (req.prepared.length > 0) {
        let total = 0;
        for (const p of req.prepared) total += p.data.length;
        total += (req.prepared.length - 1) * 2 * HEADER_SIZE;
        if (fr.needsNewSegment({ data: { length: total } as Uint8Array, compressed: false })) {
          fr.rollover(out);
          pieces.push({ seg: fr.segment, fileOff: 0, outStart: out.length });
        }
        for (const p of req.prepared) parts += fr.frame(p, out);
      }
      if (req.rollover && fr.offset > 0) {
        fr.rollover(out);
        pieces.push({ seg: fr.segment, fileOff: 0, outStart: out.length });
      }
      req.endOut = out.length;
      req.endSeg = fr.segment;
      req.endOff = fr.offset;
    }
    const buf = out.get();
    let written = 0;
    try {
      if (this.#pendingCut !== undefined) {
        await this.#file.truncate(this.#pendingCut);
        this.#pendingCut = undefined;
      }
      for (let k = 0; k < pieces.length; k++) {
        const piece = pieces[k]!;
        const end = k + 1 < pieces.length ? pieces[k + 1]!.outStart : buf.length;
        if (piece.seg !== this.#fileSeg) await this.#switchTo(piece.seg);
        let pos = piece.outStart;
        while (pos < end) {
          const n = await this.#file.write(buf, pos, end - pos, piece.fileOff + (pos - piece.outStart));
          if (!(n > 0)) throw new WalError(`short write to WAL segment ${piece.seg}: ${n} bytes`);
          pos += n;
          written = pos;
        }
        written = end;
      }
    } catch (err) {
      await this.#fail(batch, start, written, err);
      return;
    }
    if (buf.length > 0) {
      this.#metrics.pageFlushes.inc();
      this.#metrics.recordPartWrites.inc(parts);
      this.#metrics.recordPartBytes.inc(buf.length);
    }
    if (fr.bytesSaved > 0) {
      this.#metrics.recordBytesSaved.inc({ compression: 'snappy' }, fr.bytesSaved);
      fr.bytesSaved = 0;
    }
    for (const req of batch) {
      if (req.error) req.reject(req.error);
      else req.resolve();
    }
  }

  /**
   * Settles a batch after a write error: requests whose bytes were all written resolve, the
   * others reject, the file is cut back to the end of the last written request, and everything
   * queued meanwhile is rejected too (it may rely on a rejected request, e.g. its series record).
   */
  async #fail(batch: Request[], start: { seg: number; off: number }, written: number, err: unknown): Promise<void> {
    this.#generation++;
    this.#metrics.writesFailed.inc();
    const cause = err instanceof Error ? err : new Error(String(err));
    const wrapped = new WalError(`writing WAL segment ${this.#fileSeg} in ${this.dir}: ${cause.message}`, { cause });
    let keepSeg = start.seg;
    let keepOff = start.off;
    for (const req of batch) {
      if (req.error) continue;
      if (req.endOut <= written) {
        keepSeg = req.endSeg;
        keepOff = req.endOff;
      }
    }
    // Bytes of the open segment past the last written request belong to rejected requests.
    const cutSeg = this.#fileSeg;
    const cutOff = cutSeg > keepSeg ? 0 : keepOff;
    this.#framer.segment = cutSeg;
    this.#framer.offset = cutOff;
    try {
      await this.#file.truncate(cutOff);
    } catch (terr) {
      this.#pendingCut = cutOff;
      this.#logger?.error({ err: errorMessage(terr), segment: cutSeg }, 'Truncating WAL segment after a failed write failed; will retry before the next write');
    }
    this.#logger?.error({ err: cause.message, segment: cutSeg }, 'WAL write failed');
    for (const req of batch) {
      if (req.error) req.reject(req.error);
      else if (req.endOut <= written) req.resolve();
      else req.reject(wrapped);
    }
    const queued = this.#queue;
    this.#queue = [];
    for (const req of queued) req.reject(wrapped);
  }

  /** Opens segment `seg` for writing, then closes (fsync) the previous one in the background. */
  async #switchTo(seg: number): Promise<void> {
    const next = await this.#openFile(segmentPath(this.dir, seg));
    const prev = this.#file;
    const prevSeg = this.#fileSeg;
    this.#file = next;
    this.#fileSeg = seg;
    this.#metrics.currentSegment.set(seg);
    this.#metrics.pageCompletions.inc();
    this.#closing.push(this.#closeSegment(prev, prevSeg));
    if (this.#closing.length > 8) this.#closing = this.#closing.slice(-8);
  }

  async #closeSegment(file: SegmentFile, seg: number): Promise<void> {
    const t0 = performance.now();
    try {
      await file.sync();
      this.#metrics.fsyncDuration.observe((performance.now() - t0) / 1000);
    } catch (err) {
      this.#logger?.error({ err: errorMessage(err), segment: seg }, 'fsync of WAL segment failed');
    }
    try {
      await file.close();
      await fsyncDir(this.dir);
    } catch (err) {
      this.#logger?.error({ err: errorMessage(err), segment: seg }, 'closing WAL segment failed');
    }
  }

  /** Deletes every segment numbered below `before` (they are covered by a checkpoint). */
  async truncate(before: number): Promise<void> {
    this.#metrics.truncateTotal.inc();
    try {
      for (const s of await listSegments(this.dir)) {
        if (s.index >= before || s.index >= this.#fileSeg) break;
        await fsp.rm(s.path, { force: true });
      }
    } catch (err) {
      this.#metrics.truncateFail.inc();
      throw err;
    }
  }

  /** Writes what is queued, fsyncs and closes the current segment. Later `log` calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#writing) await this.#writing.catch(() => undefined);
    await Promise.all(this.#closing);
    const t0 = performance.now();
    try {
      await this.#file.sync();
      this.#metrics.fsyncDuration.observe((performance.now() - t0) / 1000);
    } finally {
      await this.#file.close();
    }
  }

  /** Bytes used by the segments of the directory (for `prometheus_tsdb_wal_storage_size_bytes`). */
  #diskSize(): number {
    let total = 0;
    try {
      for (const s of listSegmentsSync(this.dir)) total += fs.statSync(s.path).size;
    } catch {
      // A segment deleted while listing: the next scrape gets a consistent value.
    }
    return total;
  }
}
