/**
 * Repeated GETs of one plain-HTTP origin over one kept-alive HTTP/1.1 connection, for callers
 * that fetch the same large body again and again (a scrape loop's target) and want it copied
 * straight into their own buffer.
 *
 * Why not undici here: a socket read through a stream hands JavaScript a fresh 64 KiB
 * ArrayBuffer per read. At 10 targets of 600 KB per second that is 6 MB/s of external memory,
 * which V8 counts against the old generation's headroom until the next scavenge, so with a
 * large, flat old generation (the head) it starts a full mark-compact every second or two. This
 * connection reads with net's `onread` into one module-level buffer shared by every connection
 * (callbacks run one at a time and consume what they are given before returning) and hands the
 * body bytes to the caller's sink, so a steady-state request allocates no body memory at all.
 *
 * Scope: `http:` only, no proxy, no redirects followed (the caller sees the 3xx), responses
 * framed by Content-Length, chunked transfer coding or connection close; 1xx responses skipped.
 * A request on a reused connection that fails before any response byte arrived is retried once
 * on a new connection (the server closed it while idle), as Go's transport does for GETs.
 */
import * as net from 'node:net';

/** Shared read buffer of every connection; see the module comment. */
const READ_BUF = Buffer.allocUnsafe(64 * 1024);
/** Longest response head accepted (status line plus headers). */
const MAX_HEAD_BYTES = 1024 * 1024;

/** What the response head said; given to the sink before any body byte. */
export interface PlainGetHead {
  readonly status: number;
  /** The reason phrase of the status line. */
  readonly statusText: string;
  /** Lower-cased header names; repeated headers joined with ', '. */
  readonly headers: ReadonlyMap<string, string>;
}

/** Receives one response. A throw from either method fails the request with that error and drops the connection. */
export interface PlainGetSink {
  head(h: PlainGetHead): void;
  /** Body bytes `src[start:end]`, valid only during the call (decoded from chunked framing). */
  body(src: Buffer, start: number, end: number): void;
}

/** A failure of the connection or of the response framing; `code` as Node's socket errors use them where one applies. */
export class PlainGetError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'PlainGetError';
    this.code = code;
  }
}

/** The request bytes of a GET of `url` (`http:` URL) with `headers` (lower-case names; `host` is added). */
export function plainGetRequest(url: URL, headers: Readonly<Record<string, string>>): Buffer {
  let s = `GET ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}

const enum State {
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  UntilClose,
}

const CR = 0x0d;
const LF = 0x0a;

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  sink: PlainGetSink;
  /** Some response byte arrived (no retry after that). */
  got: boolean;
}

/**
 * One connection to `host:port`, reopened as needed; one request at a time (a second `get`
 * while one is in flight rejects). `close()` ends it.
 */
export class PlainGetConnection {
  readonly #host: string;
  readonly #port: number;
  #socket: net.Socket | undefined;
  /** Requests completed on the current socket (0: fresh, so no retry). */
  #used = 0;
  #p: Pending | undefined;
  #state = State.Idle;
  #head = Buffer.alloc(0);
  #headLen = 0;
  #remaining = 0;
  #chunkLine = '';
  #keepAlive = false;
  #closed = false;
  readonly #onClose: (() => void) | undefined;

  /** A connection to `host` (a bracketed IPv6 literal is fine) on `port`; `onClose` runs once `close()` is called. */
  constructor(host: string, port: number, onClose?: () => void) {
    this.#host = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    this.#port = port;
    this.#onClose = onClose;
  }

  /**
   * Sends `request` (from `plainGetRequest`) and feeds the response to `sink`; resolves once the
   * whole body was delivered. `signal` aborting destroys the connection and rejects with its
   * reason. Connection errors reject with Node's error (`code` ECONNREFUSED, …) or a
   * `PlainGetError` (`EOF` when the server closed the connection first).
   */
  async get(request: Buffer, sink: PlainGetSink, signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new PlainGetError('ERR_CLOSED', 'connection closed');
    if (this.#p !== undefined) throw new PlainGetError('ERR_BUSY', 'a request is in flight');
    signal?.throwIfAborted();
    const onAbort = () => this.#fail(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (let attempt = 0; ; attempt++) {
        const reused = this.#socket !== undefined && this.#used > 0;
        const p: Pending = { resolve: () => undefined, reject: () => undefined, sink, got: false };
        const done = new Promise<void>((resolve, reject) => {
          p.resolve = resolve;
          p.reject = reject;
        });
        this.#p = p;
        this.#state = State.Head;
        this.#headLen = 0;
        this.#socketFor().write(request);
        try {
          await done;
          return;
        } catch (err) {
          if (!(reused && attempt === 0 && !p.got && !signal?.aborted && isConnectionLoss(err))) throw err;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends the connection for good; a request in flight rejects. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fail(new PlainGetError('ERR_CLOSED', 'connection closed'));
    this.#onClose?.();
  }

  /** Fails the request in flight (if any) with `err` and drops the socket; later requests open a new one. */
  cancel(err: Error): void {
    this.#fail(err);
  }

  #socketFor(): net.Socket {
    if (this.#socket !== undefined) return this.#socket;
    const s: net.Socket = net.connect({
      host: this.#host,
      port: this.#port,
      noDelay: true,
      onread: { buffer: READ_BUF, callback: (n: number, buf: Uint8Array): boolean => this.#onRead(s, n, buf as Buffer) },
    });
    s.on('error', (err: Error) => this.#lost(s, err));
    s.on('end', () => this.#lost(s, undefined));
    s.on('close', () => this.#lost(s, undefined));
    this.#socket = s;
    this.#used = 0;
    return s;
  }

  /** Socket `s` ended or failed: finish a close-delimited body, else fail what is in flight. */
  #lost(s: net.Socket, err: Error | undefined): void {
    if (s !== this.#socket) return;
    this.#socket = undefined;
    s.destroy();
    if (this.#p === undefined) return;
    if (err === undefined && this.#state === State.UntilClose) {
      this.#finish(false);
      return;
    }
    const p = this.#p;
    this.#fail(err ?? new PlainGetError(p.got ? 'ERR_UNEXPECTED_EOF' : 'EOF', p.got ? 'unexpected EOF' : 'EOF'));
  }

  /** Rejects the request in flight (if any) with `err` and drops the socket. */
  #fail(err: Error): void {
    const s = this.#socket;
    this.#socket = undefined;
    s?.destroy();
    const p = this.#p;
    this.#p = undefined;
    this.#state = State.Idle;
    p?.reject(err);
  }

  #finish(keep: boolean): void {
    const p = this.#p!;
    this.#p = undefined;
    this.#state = State.Idle;
    if (keep && this.#keepAlive) this.#used++;
    else {
      const s = this.#socket;
      this.#socket = undefined;
      s?.destroy();
    }
    p.resolve();
  }

  #onRead(s: net.Socket, n: number, buf: Buffer): boolean {
    if (s !== this.#socket) return false;
    if (this.#p === undefined) {
      // Bytes while idle: the server broke the protocol; do not reuse the connection.
      this.#socket = undefined;
      s.destroy();
      return false;
    }
    this.#p.got = true;
    try {
      this.#consume(buf, 0, n);
    } catch (err) {
      this.#fail(err as Error);
      return false;
    }
    return true;
  }

  /** Runs `buf[i:end]` through the response state machine. */
  #consume(buf: Buffer, i: number, end: number): void {
    while (i < end && this.#p !== undefined) {
      switch (this.#state) {
        case State.Head:
          i = this.#readHead(buf, i, end);
          break;
        case State.Length: {
          const k = Math.min(this.#remaining, end - i);
          this.#p.sink.body(buf, i, i + k);
          i += k;
          this.#remaining -= k;
          if (this.#remaining === 0) this.#finish(i === end);
          break;
        }
        case State.UntilClose:
          this.#p.sink.body(buf, i, end);
          i = end;
          break;
        case State.ChunkSize:
        case State.Trailer:
          i = this.#readLine(buf, i, end);
          break;
        case State.ChunkData: {
          const k = Math.min(this.#remaining, end - i);
          this.#p.sink.body(buf, i, i + k);
          i += k;
          this.#remaining -= k;
          if (this.#remaining === 0) this.#state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd:
          // The CRLF after a chunk's data: read as a (must be empty) line.
          i = this.#readLine(buf, i, end);
          break;
        default:
          throw malformed('unexpected response bytes');
      }
    }
    if (i < end && this.#p === undefined) {
      // Bytes after a complete response: not a connection to reuse.
      const s = this.#socket;
      this.#socket = undefined;
      s?.destroy();
    }
  }

  /** Accumulates one line of chunked framing (size line, chunk end, trailer). */
  #readLine(buf: Buffer, i: number, end: number): number {
    const lf = buf.indexOf(LF, i);
    const stop = lf < 0 || lf >= end ? end : lf;
    if (this.#chunkLine.length + (stop - i) > 4096) throw malformed('chunk line too long');
    this.#chunkLine += buf.toString('latin1', i, stop);
    if (stop === end) return end;
    let line = this.#chunkLine;
    this.#chunkLine = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.#state === State.ChunkDataEnd) {
      if (line !== '') throw malformed('malformed chunked encoding');
      this.#state = State.ChunkSize;
    } else if (this.#state === State.ChunkSize) {
      const semi = line.indexOf(';');
      const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
      if (!/^[0-9a-fA-F]{1,15}$/.test(hex)) throw malformed('malformed chunked encoding');
      const size = parseInt(hex, 16);
      if (size === 0) this.#state = State.Trailer;
      else {
        this.#remaining = size;
        this.#state = State.ChunkData;
      }
    } else if (line === '') {
      this.#finish(stop + 1 === end);
    }
    return stop + 1;
  }

  /** Accumulates the response head; on its end parses it and sets up the body state. */
  #readHead(buf: Buffer, i: number, end: number): number {
    const need = this.#headLen + (end - i);
    if (need > MAX_HEAD_BYTES) throw malformed('response head too large');
    if (need > this.#head.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.#head.length, 1024));
      this.#head.copy(bigger, 0, 0, this.#headLen);
      this.#head = bigger;
    }
    const from = Math.max(0, this.#headLen - 3);
    buf.copy(this.#head, this.#headLen, i, end);
    this.#headLen = need;
    const h = this.#head;
    // The head ends at the first empty line (CRLF CRLF, or a bare LF LF as Go also accepts).
    let stop = -1;
    for (let k = h.indexOf(LF, from); k >= 0 && k < need; k = h.indexOf(LF, k + 1)) {
      if (k + 1 < need && h[k + 1] === LF) {
        stop = k + 2;
        break;
      }
      if (k + 2 < need && h[k + 1] === CR && h[k + 2] === LF) {
        stop = k + 3;
        break;
      }
    }
    if (stop < 0) return end;
    const consumed = end - (need - stop);
    this.#headLen = 0;
    this.#startBody(parseHead(h.toString('latin1', 0, stop)));
    return consumed;
  }

  #startBody(res: PlainGetHead & { version: string }): void {
    if (res.status >= 100 && res.status < 200) {
      this.#state = State.Head; // interim response: the real one follows
      return;
    }
    const connection = (res.headers.get('connection') ?? '').toLowerCase();
    this.#keepAlive = res.version === '1.1' ? !connection.includes('close') : connection.includes('keep-alive');
    this.#p!.sink.head(res);
    const te = (res.headers.get('transfer-encoding') ?? '').toLowerCase();
    const cl = res.headers.get('content-length');
    if (res.status === 204 || res.status === 304) {
      this.#finish(true);
    } else if (te !== '' && te !== 'identity') {
      if (te !== 'chunked') throw malformed(`unsupported transfer encoding: ${JSON.stringify(te)}`);
      this.#state = State.ChunkSize;
      this.#chunkLine = '';
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl.trim())) throw malformed(`bad Content-Length ${JSON.stringify(cl)}`);
      this.#remaining = Number(cl.trim());
      this.#state = State.Length;
      if (this.#remaining === 0) this.#finish(true);
    } else {
      this.#keepAlive = false;
      this.#state = State.UntilClose;
    }
  }
}

function malformed(what: string): PlainGetError {
  return new PlainGetError('ERR_MALFORMED_RESPONSE', `net/http: HTTP/1.x transport connection broken: ${what}`);
}

function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'EOF' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** Parses a response head (status line and header lines, up to and including the empty line). */
function parseHead(text: string): PlainGetHead & { version: string } {
  const lines = text.split('\n');
  const status = lines[0]!.replace(/\r$/, '');
  const m = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(status);
  if (m === null) throw malformed(`malformed HTTP response ${JSON.stringify(status)}`);
  const headers = new Map<string, string>();
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!.replace(/\r$/, '');
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`malformed MIME header line: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  return { version: m[1]!, status: Number(m[2]), statusText: m[3] ?? '', headers };
}
