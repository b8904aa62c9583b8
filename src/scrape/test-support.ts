/**
 * Helpers for the scrape tests: loopback HTTP targets, an appendable that records every
 * committed batch, one body appended as a loop does, config loading, and bounded waiting. Not
 * exported from the package.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getScrapeConfigs, loadConfig, type Config, type ScrapeConfig } from '../config/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { Labels } from '../model/labels/index.js';
import { MemoryStorage } from '../storage/memory/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { createLogger, type Logger } from '../util/index.js';
import { isStaleNaN } from '../model/value/index.js';
import type { AppendResult, BodyAppender } from './scrape-append.js';
import type { ScrapeCache } from './scrape-cache.js';

/** A loopback HTTP target whose answer the test changes at will. */
export class TestTarget {
  readonly server: Server;
  /** `127.0.0.1:<port>`. */
  address = '';
  body = '';
  contentType = 'text/plain; version=0.0.4; charset=utf-8';
  status = 200;
  delayMs = 0;
  gzip = false;
  /** Replaces the whole response when set. */
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  readonly requests: IncomingMessage[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      this.requests.push(req);
      if (this.handler) return this.handler(req, res);
      const send = () => {
        res.statusCode = this.status;
        if (this.contentType !== '') res.setHeader('content-type', this.contentType);
        res.end(this.body);
      };
      if (this.delayMs > 0) setTimeout(send, this.delayMs);
      else send();
    });
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Starts `n` targets. */
export async function startTargets(n: number): Promise<TestTarget[]> {
  return Promise.all(Array.from({ length: n }, () => new TestTarget().start()));
}

/** One committed sample. */
export interface Sample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/**
 * An appendable that records the samples of every committed batch (in append order) and counts
 * rollbacks, forwarding to a `MemoryStorage`. `failWith` makes `append` throw for matching series.
 */
export class RecordingAppendable implements Appendable {
  readonly storage = new MemoryStorage();
  readonly batches: Sample[][] = [];
  rollbacks = 0;
  /** Every `Labels` object ever passed to `append` (identity matters for the cache tests). */
  readonly labelObjects = new Set<Labels>();
  failWith: ((labels: Labels, t: number, v: number) => Error | undefined) | undefined;

  appender(): Appender {
    const inner = this.storage.appender();
    const pending: Sample[] = [];
    return {
      append: (ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef => {
        const err = this.failWith?.(labels, t, v);
        if (err) throw err;
        this.labelObjects.add(labels);
        pending.push({ labels, t, v });
        return inner.append(ref, labels, t, v);
      },
      commit: async () => {
        await inner.commit();
        this.batches.push(pending);
      },
      rollback: () => {
        this.rollbacks++;
        inner.rollback();
      },
    };
  }

  /** Every committed sample, oldest batch first. */
  all(): Sample[] {
    return this.batches.flat();
  }

  /** Committed samples of the series named `name` (and matching `labels`), in time order. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.all()
      .filter((s) => s.labels.get('__name__') === name && Object.entries(labels).every(([k, v]) => s.labels.get(k) === v))
      .sort((a, b) => a.t - b.t);
  }

  /** The last committed value of series `name`/`labels`, undefined when none. */
  last(name: string, labels: Record<string, string> = {}): number | undefined {
    const s = this.samples(name, labels);
    return s.length === 0 ? undefined : s[s.length - 1]!.v;
  }

  /** Whether the last committed sample of `name`/`labels` is a stale marker. */
  isStale(name: string, labels: Record<string, string> = {}): boolean {
    const s = this.samples(name, labels);
    return s.length > 0 && isStaleNaN(s[s.length - 1]!.v);
  }
}

/**
 * Appends one body into `store` as a scrape loop does, through `append` (the appender's
 * `append` or `appendInPieces`): commits on success; on an error rolls back, abandons the cache
 * iteration and commits an empty append instead (stale markers). Throws when `append` resolves
 * undefined (halted) or the empty append fails.
 */
export async function appendLikeLoop(
  store: RecordingAppendable,
  cache: ScrapeCache,
  ba: BodyAppender,
  t: number,
  append: (app: Appender) => AppendResult | Promise<AppendResult | undefined>,
): Promise<AppendResult> {
  let app = store.appender();
  const res = await append(app);
  if (res === undefined) throw new Error('append halted');
  if (res.error) {
    app.rollback();
    cache.abortIter();
    app = store.appender();
    const empty = ba.appendEmpty(app, t);
    if (empty.error) throw empty.error;
  }
  await app.commit();
  return res;
}

/** Loads a `prometheus.yml` text (path `/tmp/prometheus.yml`). */
export function config(yaml: string): Config {
  return loadConfig(yaml, '/tmp/prometheus.yml');
}

/** The only scrape config of `yaml`. */
export function scrapeConfig(yaml: string): ScrapeConfig {
  return getScrapeConfigs(config(yaml))[0]!;
}

/** One static-like group per job with the given addresses (and group labels). */
export function groups(job: string, addresses: readonly string[], labels: Record<string, string> = {}): Map<string, TargetGroup[]> {
  return new Map([[job, [{ source: '0', targets: addresses.map((a) => Labels.fromStrings('__address__', a)), labels: Labels.fromObject(labels) }]]]);
}

/** Polls `pred` every 5 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function eventually(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sleeps `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A logger that keeps its lines (parsed) in `lines`. */
export function recordingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ format: 'json', level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { logger, lines };
}
