/**
 * The scrape loop of one target (upstream's `scrapeLoop`): waits for the target's start offset,
 * then scrapes every interval on a fixed tick, appends each body and the synthetic series as one
 * batch (a large body in pieces across event-loop turns, still committed once), records the
 * outcome on the target, and on stop optionally writes end-of-run stale markers once the target
 * has had the chance to come back.
 *
 * Schedule. Ticks are `offset + k·interval` on the monotonic clock, like a Go ticker: a scrape
 * that overruns its interval is followed at once by the next one, further missed ticks are
 * dropped. Sample timestamps come from the wall clock and are snapped to the aligned tick when
 * within min(2 ms, interval/100) of it, as upstream does for better compression.
 *
 * Stopping. `stop()` ends the loop after the scrape in flight (bounded by the timeout); a body
 * still being appended in pieces is dropped instead (rolled back, as if never scraped). The
 * pool's shutdown signal aborts the request or the pieces and drops the result, and suppresses
 * stale markers (a restarted server carries on where it stopped). End-of-run staleness waits
 * until the next scrape would have happened, records that time, waits one more interval plus
 * 10 %, then appends stale markers for every series and synthetic series at the recorded time,
 * unless the target came back in the meantime (`disableEndOfRunStaleness`).
 */
import type { Logger } from '../util/index.js';
import { errorMessage } from '../util/index.js';
import type { Appendable, Appender } from '../storage/index.js';
import { SeriesKeyCache } from '../model/textparse/index.js';
import { BodySizeLimitError, ScrapeAbortedError } from './errors.js';
import { goDurationString } from './go-duration.js';
import type { ScrapeBody } from './http-client.js';
import type { ScrapeMetrics } from './metrics.js';
import { ReportWriter } from './report.js';
import { BodyAppender, type AppendMetricsSink, type AppendOptions, type AppendResult } from './scrape-append.js';
import type { ScrapeCache } from './scrape-cache.js';
import type { Target } from './target.js';

/** What a loop needs to fetch a body (a `TargetScraper`, or a fake in tests). */
export interface Scraper {
  scrape(stop: AbortSignal): Promise<ScrapeBody>;
  /** Releases what the scraper holds (its connection); called once the loop has ended. */
  close?(): void;
}

/** Everything a loop is built from; fixed for its life (a config change makes a new loop). */
export interface LoopOptions {
  readonly target: Target;
  readonly scraper: Scraper;
  readonly appendable: Appendable;
  readonly cache: ScrapeCache;
  readonly append: AppendOptions;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly offsetSeed: bigint;
  /** Write `scrape_timeout_seconds`, `scrape_sample_limit`, `scrape_body_size_bytes` too. */
  readonly extraMetrics: boolean;
  /** Aborts scrapes in flight and suppresses stale markers: the server is shutting down. */
  readonly shutdown: AbortSignal;
  readonly metrics: ScrapeMetrics;
  readonly appendMetrics?: AppendMetricsSink;
  readonly logger: Logger;
  /** Start at once instead of waiting for the target's offset (tests). */
  readonly skipOffset?: boolean;
  /** How large bodies are appended in pieces; `APPEND_PIECES` by default (tests make pieces smaller). */
  readonly pieces?: AppendPieces;
}

/** When and how a body is appended in pieces across event-loop turns. */
export interface AppendPieces {
  /** Bodies of fewer bytes are appended in one go, synchronously. */
  readonly minBytes: number;
  /** Work per piece (ms); the pieces after the first are shortened after a busy turn (`TurnSlices`). */
  readonly sliceMs: number;
}

/**
 * A body of 64 KiB (about 1,000 samples of the bench targets' series) takes well under a
 * millisecond on a quiet machine: smaller ones are appended at once. Larger ones run in pieces of
 * 5 ms, each in an event-loop turn of its own taken in turn with query slices (10 ms plus 5 of
 * slack for other work, see `util/turns.ts`), so that no turn holds a whole body: a 10,000-sample
 * body is 3-4 ms of CPU on a quiet machine (one piece), but 10-70 ms of wall time and more when
 * the cores are shared.
 */
export const APPEND_PIECES: AppendPieces = { minBytes: 64 * 1024, sliceMs: 5 };

const EMPTY = Buffer.alloc(0);

/** Runs the scrapes of one target; see the module comment. Not reusable after `stop()`. */
export class ScrapeLoop {
  readonly #o: LoopOptions;
  readonly #appender: BodyAppender;
  readonly #report: ReportWriter;
  readonly #intervalLabel: string;
  readonly #pieces: AppendPieces;
  #forcedError: Error | undefined;
  #started = false;
  #stopped = false;
  #endOfRunStaleness = true;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #run: Promise<void> = Promise.resolve();
  #done: Promise<void> = Promise.resolve();
  #lastScrapeAt = 0;
  #nextTick = 0;
  #scrapes = 0;

  constructor(opts: LoopOptions) {
    this.#o = opts;
    this.#appender = new BodyAppender(opts.append, opts.cache, new SeriesKeyCache(), opts.appendMetrics);
    this.#report = new ReportWriter(opts.target.labels, opts.extraMetrics);
    this.#intervalLabel = goDurationString(opts.intervalMs);
    this.#pieces = opts.pieces ?? APPEND_PIECES;
    opts.target.setMetadataStore(opts.cache);
  }

  /** The target scraped. */
  get target(): Target {
    return this.#o.target;
  }

  /** The loop's scrape cache (handed to its successor on reload). */
  get cache(): ScrapeCache {
    return this.#o.cache;
  }

  /** Number of scrapes performed so far (tests, diagnostics). */
  get scrapes(): number {
    return this.#scrapes;
  }

  /** Resolves when the loop and any end-of-run staleness work have finished. */
  get done(): Promise<void> {
    return this.#done;
  }

  /**
   * Starts scraping once `after` settles (the predecessor sharing this loop's cache has
   * stopped); `prepare` runs just before the first wait, e.g. to inherit an old cache's series.
   * Does nothing after `stop()`.
   */
  start(after: Promise<unknown> = Promise.resolve(), prepare?: () => void): void {
    if (this.#started) return;
    this.#started = true;
    this.#run = after
      .catch(() => undefined)
      .then(async () => {
        if (this.#stopped || this.#o.shutdown.aborted) return;
        prepare?.();
        await this.#loop();
      })
      .catch((err: unknown) => this.#o.logger.error({ err: errorMessage(err) }, 'BUG: scrape loop failed'))
      .finally(() => this.#o.scraper.close?.());
    this.#done = this.#run.then(() => this.#endOfRun());
  }

  /**
   * Stops scraping after the scrape in flight and resolves when the loop has exited; end-of-run
   * stale markers (if enabled) follow later, see `done`.
   */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#interrupt();
    return this.#run;
  }

  /** Suppresses end-of-run stale markers (the target lives on in another loop, or the cache is handed over). */
  disableEndOfRunStaleness(): void {
    this.#endOfRunStaleness = false;
    this.#interrupt();
  }

  /** Makes every scrape fail with `err` (or stops doing so when undefined) without contacting the target: `target_limit`. */
  setForcedError(err: Error | undefined): void {
    this.#forcedError = err;
  }

  #interrupt(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Sleeps `ms`, or less when stopped, shut down or interrupted. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#o.shutdown.removeEventListener('abort', done);
        if (this.#timer !== undefined) clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      this.#o.shutdown.addEventListener('abort', done, { once: true });
      this.#timer = setTimeout(done, Math.max(0, ms));
    });
  }

  #halted(): boolean {
    return this.#stopped || this.#o.shutdown.aborted;
  }

  async #loop(): Promise<void> {
    const o = this.#o;
    const interval = o.intervalMs;
    if (!o.skipOffset) await this.#sleep(o.target.offsetMs(interval, o.offsetSeed));
    if (this.#halted()) return;
    let aligned = Date.now();
    this.#nextTick = performance.now() + interval;
    const tolerance = Math.min(interval / 100, 2);
    while (!this.#halted()) {
      let scrapeTime = Date.now();
      while (scrapeTime - aligned >= interval) aligned += interval;
      if (scrapeTime - aligned <= tolerance) scrapeTime = aligned;
      try {
        await this.#scrapeAndReport(scrapeTime);
      } catch (err) {
        o.logger.error({ err: errorMessage(err) }, 'BUG: scrape failed unexpectedly');
      }
      if (this.#halted()) break;
      const now = performance.now();
      if (now >= this.#nextTick) {
        // A tick passed while scraping: scrape again at once, drop any further missed ticks.
        while (this.#nextTick <= now) this.#nextTick += interval;
        continue;
      }
      await this.#sleep(this.#nextTick - now);
      if (this.#halted()) break; // #nextTick stays the tick that would have come (end-of-run staleness)
      this.#nextTick += interval;
    }
  }

  /** One scrape: fetch, append, report, commit. */
  async #scrapeAndReport(appendTime: number): Promise<void> {
    const o = this.#o;
    const start = performance.now();
    if (this.#lastScrapeAt !== 0) {
      const s = (start - this.#lastScrapeAt) / 1000;
      o.metrics.intervalLength.observe({ interval: this.#intervalLabel }, s);
      o.metrics.intervalLengthHistogram.observe({ interval: this.#intervalLabel }, s);
    }
    this.#lastScrapeAt = start;
    this.#scrapes++;
    let app = o.appendable.appender();
    let scrapeErr: Error | undefined = this.#forcedError;
    let bytes = 0;
    let res: AppendResult;
    if (scrapeErr !== undefined) {
      res = this.#appender.appendEmpty(app, appendTime);
      if (res.error !== undefined) app = this.#retryEmpty(app, res.error);
    } else {
      let body: ScrapeBody | undefined;
      try {
        body = await o.scraper.scrape(o.shutdown);
        bytes = body.body.length;
      } catch (err) {
        if (err instanceof ScrapeAbortedError || o.shutdown.aborted) {
          app.rollback();
          return;
        }
        scrapeErr = err as Error;
        if (err instanceof BodySizeLimitError) {
          bytes = -1;
          o.metrics.exceededBodySizeLimit.inc();
        }
        o.logger.debug({ err: scrapeErr.message }, 'Scrape failed');
      }
      const r = await this.#appendBody(app, body?.body ?? EMPTY, body?.contentType ?? '', appendTime);
      if (r === undefined) {
        // Stopped or shut down between two pieces: nothing of this scrape is stored.
        app.rollback();
        o.cache.abortIter();
        return;
      }
      res = r;
      if (res.error !== undefined) {
        o.logger.debug({ err: res.error.message }, 'Append failed');
        app.rollback();
        o.cache.abortIter();
        app = o.appendable.appender();
        const again = this.#appender.appendEmpty(app, appendTime);
        if (again.error !== undefined) app = this.#retryEmpty(app, again.error);
        scrapeErr ??= res.error;
      }
    }
    if (scrapeErr !== undefined && bytes > 0) bytes = 0;
    const durationMs = performance.now() - start;
    o.target.report(appendTime, durationMs, scrapeErr);
    const repErr = this.#report.report(app, appendTime, {
      up: scrapeErr === undefined ? 1 : 0,
      durationSeconds: durationMs / 1000,
      scraped: res.total,
      postRelabel: res.added,
      seriesAdded: res.seriesAdded,
      timeoutSeconds: o.timeoutMs / 1000,
      sampleLimit: o.append.sampleLimit,
      bodySizeBytes: bytes,
    });
    if (repErr !== undefined) {
      o.logger.warn({ err: repErr.message }, 'Appending scrape report failed');
      app.rollback();
      o.cache.resetRefs();
      return;
    }
    await this.#commit(app, 'Scrape commit failed');
  }

  /**
   * Appends a body: at once when small, else in pieces across turns (see `APPEND_PIECES`);
   * undefined when the loop was stopped or shut down between pieces (the caller rolls back).
   */
  #appendBody(app: Appender, body: Buffer, contentType: string, t: number): AppendResult | Promise<AppendResult | undefined> {
    const pieces = this.#pieces;
    if (body.length < pieces.minBytes) return this.#appender.append(app, body, contentType, t);
    return this.#appender.appendInPieces(app, body, contentType, t, pieces.sliceMs, () => this.#halted());
  }

  /** The empty append after a failure failed too: give up on stale markers for this scrape. */
  #retryEmpty(app: Appender, err: Error): Appender {
    this.#o.logger.warn({ err: err.message }, 'Append failed');
    app.rollback();
    return this.#o.appendable.appender();
  }

  async #commit(app: Appender, what: string): Promise<void> {
    try {
      await app.commit();
    } catch (err) {
      this.#o.logger.error({ err: errorMessage(err) }, what);
      // Series created in the batch may not exist: let the storage resolve labels next time.
      this.#o.cache.resetRefs();
    }
  }

  /** End-of-run staleness; see the module comment. */
  async #endOfRun(): Promise<void> {
    const o = this.#o;
    if (!this.#stopped || this.#o.shutdown.aborted || this.#scrapes === 0) return;
    if (!this.#endOfRunStaleness) return;
    const interval = o.intervalMs;
    await this.#sleep(this.#nextTick - performance.now());
    const staleTime = Date.now();
    if (!this.#endOfRunStaleness || o.shutdown.aborted) return;
    await this.#sleep(interval);
    if (!this.#endOfRunStaleness || o.shutdown.aborted) return;
    await this.#sleep(interval / 10);
    if (!this.#endOfRunStaleness || o.shutdown.aborted) return;
    let app = o.appendable.appender();
    const res = this.#appender.appendEmpty(app, staleTime);
    if (res.error !== undefined) app = this.#retryEmpty(app, res.error);
    const err = this.#report.reportStale(app, staleTime);
    if (err !== undefined) {
      o.logger.warn({ err: err.message }, 'Stale report failed');
      app.rollback();
      return;
    }
    await this.#commit(app, 'Stale commit failed');
  }
}
