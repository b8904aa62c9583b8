/**
 * `--web.max-connections` and `--web.read-timeout` for `node:http` servers, as upstream's
 * `net/http` server applies them:
 * - at most `maxConnections` connections are served at once; further ones are accepted by the
 *   kernel but wait, unread, until a served one closes (Go's `netutil.LimitListener` leaves
 *   them in the listen backlog: clients see a slow server, not a refused connection);
 * - the whole request (headers and body) must arrive within `readTimeoutMs`, and an idle
 *   keep-alive connection is closed after `readTimeoutMs` (Go's `ReadTimeout`, which also
 *   serves as `IdleTimeout` when that is unset).
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** The listener limits of a web server; `0` (or absent) means no limit. */
export interface WebLimits {
  /** `--web.read-timeout` in ms (upstream's default: 5 minutes). */
  readonly readTimeoutMs?: number;
  /** `--web.max-connections` (upstream's default: 512). */
  readonly maxConnections?: number;
}

/** Admits at most `max` connections at a time; the others wait paused, in arrival order. */
export class ConnectionLimiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: { sock: Socket; serve: (s: Socket) => void }[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Connections being served. */
  get active(): number {
    return this.#active;
  }

  /** Connections accepted but not yet served. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Calls `serve(sock)` now or once a served connection closes. `sock` should come paused
   * (`pauseOnConnect`) so that nothing is read from it while it waits.
   */
  admit(sock: Socket, serve: (s: Socket) => void): void {
    if (this.#active < this.#max) this.#start(sock, serve);
    else this.#waiting.push({ sock, serve });
  }

  /** Destroys the waiting connections (the server is closing). */
  dropWaiting(): void {
    for (const w of this.#waiting.splice(0)) w.sock.destroy();
  }

  #start(sock: Socket, serve: (s: Socket) => void): void {
    this.#active++;
    sock.once('close', () => {
      this.#active--;
      this.#next();
    });
    serve(sock);
  }

  #next(): void {
    while (this.#active < this.#max && this.#waiting.length > 0) {
      const w = this.#waiting.shift()!;
      if (!w.sock.destroyed) this.#start(w.sock, w.serve);
    }
  }
}

/** Node's checking interval for request timeouts (30 s by default) shortened for short timeouts. */
export function checkingIntervalMs(readTimeoutMs: number): number {
  return readTimeoutMs > 0 ? Math.min(30_000, Math.max(50, Math.floor(readTimeoutMs / 4))) : 30_000;
}

/** `node:http` server options for `readTimeoutMs` (0: no timeouts). */
export function readTimeoutOptions(readTimeoutMs: number): { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number } {
  return { requestTimeout: readTimeoutMs, headersTimeout: readTimeoutMs, connectionsCheckingInterval: checkingIntervalMs(readTimeoutMs) };
}

/** Sets the idle keep-alive timeout of `server` to `readTimeoutMs` (Go's `IdleTimeout` default); 0 keeps Node's. */
export function applyIdleTimeout(server: Pick<HttpServer, 'keepAliveTimeout'>, readTimeoutMs: number): void {
  if (readTimeoutMs > 0) server.keepAliveTimeout = readTimeoutMs;
}
