/**
 * The HTTP side of a scrape (upstream's `targetScraper`): the request headers Prometheus sends,
 * one undici-based client per scrape pool (authentication, TLS, proxy and redirects from the
 * job's HTTP client settings, shared with discovery), the body read with `body_size_limit`
 * enforced while it streams in, gzip, and errors worded like Go's `net/http` ones.
 *
 * Headers. `Accept` follows `scrape_protocols` (see `acceptHeader`); `Accept-Encoding: gzip`
 * (`identity` with `enable_compression: false`); `X-Prometheus-Scrape-Timeout-Seconds`; and
 * `User-Agent: Prometheus/2.42.0 (Ignis/<version>)` — exporters and proxies that sniff for
 * `Prometheus/` keep working, and the comment says who is really asking. 2.42.0 is the release
 * whose default `Accept` header Ignis sends by default.
 *
 * Error texts. Upstream's `lastError` for transport failures is Go's `url.Error`:
 * `Get "http://host:port/metrics": dial tcp host:port: connect: connection refused`. Ignis
 * produces the same text for refused connections, unknown hosts, timeouts
 * (`context deadline exceeded`), resets and servers closing the connection (`EOF`); other
 * failures (TLS, protocol errors) keep Node's wording after the `Get "<url>": ` prefix.
 * HTTP/2 (`enable_http2`) is not negotiated: scrapes use HTTP/1.1.
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { DEFAULT_SCRAPE_PROTOCOLS, type HTTPClientConfig, type ScrapeProtocol } from '../config/index.js';
import { createHTTPClient, type HTTPRequestOptions } from '../discovery/index.js';
import { SCRAPE_ACCEPT_HEADER } from '../model/textparse/index.js';
import { buildInfo, goTransportCause, PlainGetConnection, plainGetRequest, type PlainGetHead, type PlainGetSink } from '../util/index.js';
import { BodySizeLimitError, HTTPStatusError, RequestError, ScrapeAbortedError } from './errors.js';
import { GunzipInto } from './gunzip-into.js';

/** The `User-Agent` of every scrape request; see the module comment. */
export const USER_AGENT = `Prometheus/2.42.0 (Ignis/${buildInfo().version})`;

/** What a scrape needs from an HTTP client; `createScrapeClient` makes one per pool. */
export interface ScrapeClient {
  /** Sends a GET with the configured authentication and headers plus `opts.headers`; the caller consumes or destroys the body. */
  request(url: string, opts: HTTPRequestOptions): Promise<Dispatcher.ResponseData>;
  /** Releases the client's connections (plain connections handed out included). */
  close(): Promise<void>;
  /**
   * A connection of its own for a scraper of `url`, when requests need nothing but the
   * scraper's headers (no authentication, proxy or `http_headers`) and `url` is plain `http:`;
   * else undefined (use `request`). Released by `close()` on either side.
   */
  plainConnection?(url: string): PlainGetConnection | undefined;
}

/**
 * The client of one scrape pool, built from the job's HTTP client settings (`basic_auth`,
 * `authorization`, `oauth2`, `tls_config`, `proxy_url`, `no_proxy`, `proxy_from_environment`,
 * `follow_redirects`, `http_headers`). Throws when TLS files cannot be read.
 *
 * Plain targets. When the job configures no authentication, proxy or extra headers, scrapers
 * of `http:` targets get a `PlainGetConnection` each (see util/http/plain-get.ts for why: no
 * per-read buffers, so no full GCs driven by scraped bytes); redirects still go through undici.
 */
export function createScrapeClient(cfg: HTTPClientConfig): ScrapeClient {
  const client = createHTTPClient(cfg);
  const plain = !cfg.basic_auth && !cfg.authorization && !cfg.oauth2 && cfg.bearer_token.isEmpty && cfg.bearer_token_file === '' && cfg.proxy_url === undefined && !cfg.proxy_from_environment && cfg.http_headers === undefined;
  const conns = new Set<PlainGetConnection>();
  return {
    request: (url, opts) => client.request(url, opts),
    async close() {
      for (const c of conns) c.close();
      conns.clear();
      await client.close();
    },
    plainConnection(url) {
      if (!plain) return undefined;
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return undefined;
      }
      if (u.protocol !== 'http:' || u.username !== '' || u.password !== '') return undefined;
      const c = new PlainGetConnection(u.hostname, u.port === '' ? 80 : Number(u.port), () => conns.delete(c));
      conns.add(c);
      return c;
    },
  };
}

const PROTOCOL_MEDIA_TYPES: Record<ScrapeProtocol, string> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/** Upstream's first weight: `len(ScrapeProtocolsHeaders) + 1`, so the first protocol gets `q=0.6`. */
const FIRST_WEIGHT = 6;

/**
 * The `Accept` header for `protocols` in order of preference. With upstream's default list
 * (OpenMetrics 1.0.0, 0.0.1, text 1.0.0, 0.0.4) it is `SCRAPE_ACCEPT_HEADER`, what Prometheus
 * 2.42 sends, so that exporters answer Ignis as they answer the Prometheus most users run
 * beside it. Any other list is rendered as Prometheus 3 does (`;escaping=<scheme>` on the 1.0.0
 * formats, weights from `q=0.6` down, the any-type range last), except that `PrometheusProto` is left out:
 * Ignis does not parse the protobuf format.
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[], escaping: string): string {
  if (protocols.length === DEFAULT_SCRAPE_PROTOCOLS.length && protocols.every((p, i) => p === DEFAULT_SCRAPE_PROTOCOLS[i])) return SCRAPE_ACCEPT_HEADER;
  const vals: string[] = [];
  let weight = FIRST_WEIGHT;
  for (const p of protocols) {
    if (p === 'PrometheusProto') continue;
    let v = PROTOCOL_MEDIA_TYPES[p];
    if (p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0') v += `;escaping=${escaping}`;
    vals.push(`${v};q=0.${weight}`);
    weight--;
  }
  vals.push(`*/*;q=0.${weight}`);
  return vals.join(',');
}

/** A body read from a target; `body` is only valid until the scraper's next scrape. */
export interface ScrapeBody {
  readonly body: Buffer;
  /** The response's Content-Type, `''` when absent. */
  readonly contentType: string;
}

/** Per-target settings of a `TargetScraper`. */
export interface TargetScraperOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** Bytes; 0 for no limit. */
  readonly bodySizeLimit: number;
  readonly accept: string;
  readonly enableCompression: boolean;
}

const INITIAL_BUFFER = 64 * 1024;
/** Bytes of an error response read to keep its connection for the next scrape. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * Performs the HTTP part of a target's scrapes. Keeps one body buffer that grows to the
 * largest body seen, so steady-state scrapes of identity-encoded bodies allocate no body memory.
 */
export class TargetScraper {
  readonly #client: ScrapeClient;
  readonly #opts: TargetScraperOptions;
  readonly #headers: Record<string, string>;
  #buf: Buffer = Buffer.allocUnsafe(INITIAL_BUFFER);
  /** The target's own connection when the client offers one (see `createScrapeClient`), and its request bytes. */
  readonly #plain: PlainGetConnection | undefined;
  readonly #plainRequest: Buffer | undefined;
  readonly #sink: PlainBodySink;
  /** Output buffer of gzip bodies, reused like `#buf`; made on the first gzip body. */
  #gunzipper: GunzipInto | undefined;

  constructor(client: ScrapeClient, opts: TargetScraperOptions) {
    this.#client = client;
    this.#opts = opts;
    this.#headers = {
      accept: opts.accept,
      'accept-encoding': opts.enableCompression ? 'gzip' : 'identity',
      'user-agent': USER_AGENT,
      'x-prometheus-scrape-timeout-seconds': String(opts.timeoutMs / 1000),
    };
    this.#plain = client.plainConnection?.(opts.url);
    this.#plainRequest = this.#plain === undefined ? undefined : plainGetRequest(new URL(opts.url), this.#headers);
    this.#sink = new PlainBodySink(this.#buf);
  }

  /** Releases the target's own connection, if any (the loop ended). */
  close(): void {
    this.#plain?.close();
  }

  /**
   * GETs the target and reads the whole (decompressed) body within `timeoutMs`. Rejects with
   * `HTTPStatusError` for a status other than 200, `BodySizeLimitError` when the body reaches
   * the limit, `RequestError` for transport failures and timeouts, and `ScrapeAbortedError`
   * when `stop` fires first.
   *
   * The timeout does not count this process' own stalls against the target: when its timer
   * fires, the request is aborted only after the event loop has read whatever the socket already
   * holds (the abort waits for the loop's check phase, after I/O polling). Without that, a loop
   * blocked past the deadline (a long task, a GC pause, a starved CPU) runs the timer before
   * the response that arrived in time, and the scrape fails although the target answered.
   */
  async scrape(stop: AbortSignal): Promise<ScrapeBody> {
    const timeout = new AbortController();
    let immediate: NodeJS.Immediate | undefined;
    const timer = setTimeout(() => {
      immediate = setImmediate(() => timeout.abort());
    }, this.#opts.timeoutMs);
    try {
      return await this.#scrape(stop, timeout.signal);
    } finally {
      clearTimeout(timer);
      if (immediate !== undefined) clearImmediate(immediate);
    }
  }

  async #scrape(stop: AbortSignal, timeout: AbortSignal): Promise<ScrapeBody> {
    if (this.#plain !== undefined) {
      const r = await this.#scrapePlain(this.#plain, stop, timeout);
      if (r !== undefined) return r;
    }
    const signal = AbortSignal.any([stop, timeout]);
    const url = this.#opts.url;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.#client.request(url, { headers: this.#headers, signal });
    } catch (err) {
      throw stop.aborted ? new ScrapeAbortedError() : requestError(url, err, timeout.aborted, true);
    }
    try {
      if (res.statusCode !== 200) {
        await res.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined); // keep the connection reusable
        throw new HTTPStatusError(res.statusCode, statusText(res));
      }
      const contentType = headerValue(res.headers['content-type']);
      const gzip = headerValue(res.headers['content-encoding']).trim().toLowerCase() === 'gzip';
      const body = await this.#readBody(res.body, gzip);
      return { body, contentType };
    } catch (err) {
      if (err instanceof HTTPStatusError || err instanceof BodySizeLimitError) throw err;
      throw stop.aborted ? new ScrapeAbortedError() : requestError(url, err, timeout.aborted, false);
    } finally {
      if (!res.body.destroyed) {
        res.body.on('error', () => undefined); // destroying an unread body emits an abort error
        res.body.destroy();
      }
    }
  }

  /**
   * A scrape over the target's own connection; undefined when the answer is a redirect, which
   * the caller then repeats through undici (that follows it, or not, as configured).
   */
  async #scrapePlain(conn: PlainGetConnection, stop: AbortSignal, timeout: AbortSignal): Promise<ScrapeBody | undefined> {
    const url = this.#opts.url;
    const sink = this.#sink;
    sink.reset(this.#buf, this.#opts.bodySizeLimit);
    const onStop = () => conn.cancel(new ScrapeAbortedError());
    stop.addEventListener('abort', onStop, { once: true });
    try {
      await conn.get(this.#plainRequest!, sink, timeout);
    } catch (err) {
      if (err instanceof BodySizeLimitError || err instanceof DrainLimitReached) {
        if (sink.status === 200) throw err;
      } else if (stop.aborted) throw new ScrapeAbortedError();
      else if (sink.status === 0) throw requestError(url, err, timeout.aborted, true);
      else if (sink.status === 200) throw requestError(url, err, timeout.aborted, false);
    } finally {
      stop.removeEventListener('abort', onStop);
      this.#buf = sink.buf;
    }
    const status = sink.status;
    if (status === 301 || status === 302 || status === 303 || status === 307 || status === 308) return undefined;
    if (status !== 200) throw new HTTPStatusError(status, sink.statusText || (STATUS_CODES[status] ?? ''));
    const body = sink.buf.subarray(0, sink.length);
    return { body: sink.gzip ? this.#gunzip(body) : body, contentType: sink.contentType };
  }

  #gunzip(buf: Buffer): Buffer {
    const limit = this.#opts.bodySizeLimit;
    try {
      return (this.#gunzipper ??= new GunzipInto()).gunzip(buf, limit > 0 ? Math.max(1, limit - 1) : 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodySizeLimitError();
      throw new RequestError(gzipMessage(err), { cause: err });
    }
  }

  async #readBody(body: Dispatcher.ResponseData['body'], gzip: boolean): Promise<Buffer> {
    const cap = bodyCap(this.#opts.bodySizeLimit, gzip);
    let buf = this.#buf;
    let n = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (n + chunk.length > buf.length) {
        const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, n + chunk.length));
        buf.copy(bigger, 0, 0, n);
        buf = this.#buf = bigger;
      }
      chunk.copy(buf, n);
      n += chunk.length;
      if (n >= cap) throw new BodySizeLimitError();
    }
    return gzip ? this.#gunzip(buf.subarray(0, n)) : buf.subarray(0, n);
  }
}

/**
 * Bytes of a body read before giving up for `body_size_limit` `limit` (0: none). A gzip stream
 * is at most 5 bytes per 16 KiB block plus headers larger than its content, so a compressed body
 * beyond this cap cannot decompress to less than the limit.
 */
function bodyCap(limit: number, gzip: boolean): number {
  return limit <= 0 ? Infinity : gzip ? limit + Math.ceil(limit / 16384) * 5 + 1024 : limit;
}

/** An error response's body went past what is read to keep its connection. */
class DrainLimitReached extends Error {}

/**
 * Collects one response of a plain connection: the head's status and headers, the body copied
 * into `buf` (grown by doubling; the scraper keeps the grown buffer), `body_size_limit` enforced
 * as bytes arrive. Bodies of other statuses than 200 are counted, not kept.
 */
class PlainBodySink implements PlainGetSink {
  buf: Buffer;
  length = 0;
  status = 0;
  statusText = '';
  contentType = '';
  gzip = false;
  #limit = 0;
  #cap = Infinity;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  reset(buf: Buffer, limit: number): void {
    this.buf = buf;
    this.length = 0;
    this.status = 0;
    this.statusText = '';
    this.contentType = '';
    this.gzip = false;
    this.#limit = limit;
  }

  head(h: PlainGetHead): void {
    this.status = h.status;
    this.statusText = h.statusText;
    this.contentType = h.headers.get('content-type') ?? '';
    this.gzip = (h.headers.get('content-encoding') ?? '').trim().toLowerCase() === 'gzip';
    this.#cap = h.status === 200 ? bodyCap(this.#limit, this.gzip) : DRAIN_LIMIT;
  }

  body(src: Buffer, start: number, end: number): void {
    const n = this.length;
    const k = end - start;
    if (this.status !== 200) {
      this.length = n + k;
      if (this.length > this.#cap) throw new DrainLimitReached();
      return;
    }
    if (n + k > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, n + k));
      this.buf.copy(bigger, 0, 0, n);
      this.buf = bigger;
    }
    src.copy(this.buf, n, start, end);
    this.length = n + k;
    if (this.length >= this.#cap) throw new BodySizeLimitError();
  }
}

function headerValue(v: string | string[] | undefined): string {
  return v === undefined ? '' : Array.isArray(v) ? (v[0] ?? '') : v;
}

function statusText(res: Dispatcher.ResponseData): string {
  const t = (res as { statusText?: string }).statusText;
  return t !== undefined && t !== '' ? t : (STATUS_CODES[res.statusCode] ?? '');
}

/** Go's wording of a gzip decoding failure. */
function gzipMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.message === 'incorrect header check') return 'gzip: invalid header';
  if (e.message === 'unexpected end of file') return 'unexpected EOF';
  return `gzip: ${e.message}`;
}

/**
 * A transport failure as Go's HTTP client reports it. Before the response arrived the text is
 * `Get "<url>": <cause>`; while reading the body Go reports the bare cause.
 */
export function requestError(url: string, err: unknown, timedOut: boolean, beforeResponse: boolean): RequestError {
  const cause = goTransportCause(url, err, timedOut);
  return new RequestError(beforeResponse ? `Get ${JSON.stringify(url)}: ${cause}` : cause, { cause: err });
}

